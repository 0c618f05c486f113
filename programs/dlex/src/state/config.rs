//! The protocol-wide Config account: who administers dlex, who receives protocol fees, the
//! TWAP intervals new pairs get, and the global pause of new risk.

use anchor_lang::prelude::*;

/// Singleton at `["config"]`, created by `init_config` (only the program's upgrade authority
/// may call it). No field here can move funds or loosen a live pair's risk (design §8). The
/// admin can only:
/// - redirect future protocol fees (`set_fee_recipient`);
/// - set the TWAP intervals of pairs created later, within `validate_intervals`' bounds
///   (`set_pair_defaults`); a live pair keeps the intervals it was created with;
/// - pause new risk, globally or per pair (`set_new_risk_paused`, `set_pair_new_risk_paused`);
///   repay, deposit, mint, swap and liquidate are never paused;
/// - transfer the role in two steps (`propose_admin`, then `accept_admin` by the new admin).
#[account]
#[derive(InitSpace, Debug)]
pub struct Config {
    /// Signs every admin instruction but `accept_admin`.
    pub admin: Pubkey,
    /// Owner whose Position in each pair receives protocol-fee deposit shares
    /// (`collect_protocol_fees`). Changing it redirects fees not yet collected.
    pub fee_recipient: Pubkey,
    /// Mid-term TWAP interval, seconds, of every pair created from now on (`create_pair` takes
    /// no intervals: security review M-1).
    pub default_mid_term_interval: u32,
    /// Long-term TWAP interval, seconds, of every pair created from now on.
    pub default_long_term_interval: u32,
    /// When set, every pair refuses actions that add risk (borrow, borrow_liquidity, and
    /// withdraw or burn from a position with debt). Repay, deposit, mint, swap and liquidate
    /// are never paused.
    pub new_risk_paused: bool,
    pub bump: u8,
    /// Proposed by `propose_admin`; becomes `admin` when it signs `accept_admin`. A new
    /// proposal replaces the previous one.
    pub pending_admin: Option<Pubkey>,
    /// Room for later protocol-wide settings without a migration; zero.
    pub reserved: [u8; 64],
}
