//! `mint`: add liquidity to the pair for DEPOSIT_L shares (spec §4.1).

use anchor_lang::prelude::*;

use super::position_legs::run_one_leg;
use super::position_tokens::PositionTokens;
use crate::actions::Leg;

/// 1. Apply the mint leg through the position pipeline (load, accrue, leg, `risk::check`,
///    write back): the first mint takes both maxima and locks MINIMUM_LIQUIDITY; later mints
///    pull the proportional amounts (rounded up) and credit shares (rounded down).
/// 2. Refuse fewer than `min_shares` shares.
/// 3. Pull the tokens, verify conservation, emit `LiquidityAdded`.
pub fn handler<'info>(mut ctx: Context<'info, PositionTokens<'info>>, max_amount_x: u64, max_amount_y: u64, min_shares: u128) -> Result<()> {
    run_one_leg(&mut ctx, Leg::Mint { max_amount_x, max_amount_y, min_shares })
}
