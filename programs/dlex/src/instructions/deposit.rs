//! `deposit`: supply X or Y for lending, for DEPOSIT_X / DEPOSIT_Y shares (spec §4.4).

use anchor_lang::prelude::*;

use super::position_legs::run_one_leg;
use super::position_tokens::PositionTokens;
use crate::actions::{Asset, Leg};

/// 1. Apply the deposit leg through the position pipeline: shares rounded down; refused for an
///    asset the position borrows and for a written-off share class. Deposits are never blocked
///    by a position's health.
/// 2. Refuse fewer than `min_shares`.
/// 3. Pull the tokens, verify conservation, emit `Deposited`.
pub fn handler<'info>(mut ctx: Context<'info, PositionTokens<'info>>, asset: Asset, amount: u64, min_shares: u128) -> Result<()> {
    run_one_leg(&mut ctx, Leg::Deposit { asset, amount, min_shares })
}
