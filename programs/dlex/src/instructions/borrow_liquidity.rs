//! `borrow_liquidity`: borrow L — the pool removes liquidity and pays its X and Y to the
//! borrower, who owes L back (spec §4.7).

use anchor_lang::prelude::*;

use super::position_legs::run_one_leg;
use super::position_tokens::PositionTokens;
use crate::actions::Leg;

/// 1. Apply the L-borrow leg through the position pipeline: pays out `floor(L·activeL/rY)` X
///    and `floor(L·activeL/rX)` Y, debt L + 5-bip fee in BORROW_L shares (rounded up);
///    `risk::check` requires the price window, the L-borrow limit of both assets, the
///    fragile-liquidity bound and solvency.
/// 2. Refuse outputs below `min_amount_x` / `min_amount_y`.
/// 3. Pay out, verify conservation, emit `LiquidityBorrowed`.
pub fn handler<'info>(mut ctx: Context<'info, PositionTokens<'info>>, liquidity: u128, min_amount_x: u64, min_amount_y: u64) -> Result<()> {
    run_one_leg(&mut ctx, Leg::BorrowLiquidity { liquidity, min_amount_x, min_amount_y })
}
