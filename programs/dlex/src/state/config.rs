//! The protocol-wide Config account: who administers dlex and who receives protocol fees.

use anchor_lang::prelude::*;

/// Singleton at `["config"]`. No field here can move funds or loosen a live pair's risk
/// (design §8): the admin can only redirect future protocol fees and pause new risk.
#[account]
#[derive(InitSpace, Debug)]
pub struct Config {
    /// May change `fee_recipient` and the pause flag.
    pub admin: Pubkey,
    /// Owner whose Position in each pair receives protocol-fee deposit shares (lending issue).
    pub fee_recipient: Pubkey,
    /// Suggested mid-term TWAP interval for new pairs, seconds (clients may override per pair).
    pub default_mid_term_interval: u32,
    /// Suggested long-term TWAP interval for new pairs, seconds.
    pub default_long_term_interval: u32,
    /// When set, instructions that add risk (borrow, withdraw collateral) are refused.
    /// Repay, deposit and liquidate are never paused.
    pub new_risk_paused: bool,
    pub bump: u8,
}
