//! `burn`: remove liquidity, returning DEPOSIT_L shares for X and Y (spec §4.2).

use anchor_lang::prelude::*;

use super::position_legs::run_one_leg;
use super::position_tokens::PositionTokens;
use crate::actions::Leg;

/// 1. Apply the burn leg through the position pipeline: both outputs rounded down (spec
///    `toLiquidityAssets`); `risk::check` applies the L-borrow limit with the post-burn
///    reserves and DEPOSIT_L minus the burned L.
/// 2. Refuse outputs below `min_amount_x` / `min_amount_y`.
/// 3. Pay out, verify conservation, emit `LiquidityRemoved`.
pub fn handler<'info>(mut ctx: Context<'info, PositionTokens<'info>>, shares: u128, min_amount_x: u64, min_amount_y: u64) -> Result<()> {
    run_one_leg(&mut ctx, Leg::Burn { shares, min_amount_x, min_amount_y })
}
