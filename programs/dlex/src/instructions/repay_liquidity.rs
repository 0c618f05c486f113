//! `repay_liquidity`: repay L debt with X and Y (spec §4.9).

use anchor_lang::prelude::*;

use super::position_legs::run_one_leg;
use super::position_tokens::PositionTokens;
use crate::actions::Leg;

/// 1. Apply the L-repay leg through the position pipeline: repays `liquidity` L, at most the
///    whole debt (pass `u128::MAX` to repay everything), for the proportional X and Y rounded
///    against the payer; refuses amounts above `max_amount_x` / `max_amount_y`
///    (`SlippageAmountIn`), so a swap landing first cannot take more of the payer's tokens.
///    Never blocked by health.
/// 2. Pull the tokens, verify conservation, emit `LiquidityRepaid`.
pub fn handler<'info>(mut ctx: Context<'info, PositionTokens<'info>>, liquidity: u128, max_amount_x: u64, max_amount_y: u64) -> Result<()> {
    run_one_leg(&mut ctx, Leg::RepayLiquidity { liquidity, max_amount_x, max_amount_y })
}
