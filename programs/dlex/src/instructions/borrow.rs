//! `borrow`: borrow X or Y against the position's cross-margined collateral (spec §4.6).

use anchor_lang::prelude::*;

use super::position_legs::run_one_leg;
use super::position_tokens::PositionTokens;
use crate::actions::{Asset, Leg};

/// 1. Apply the borrow leg through the position pipeline: debt = amount + 5-bip fee (debt
///    shares rounded up, the fee minted to the protocol); `risk::check` requires the pair's
///    price window to be ready and applies the 90% lending limit, the fragile-liquidity bound
///    and solvency at the worst price of the range.
/// 2. Pay out the amount, verify conservation, emit `Borrowed`.
pub fn handler<'info>(mut ctx: Context<'info, PositionTokens<'info>>, asset: Asset, amount: u64) -> Result<()> {
    run_one_leg(&mut ctx, Leg::Borrow { asset, amount })
}
