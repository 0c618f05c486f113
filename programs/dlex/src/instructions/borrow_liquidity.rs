//! `borrow_liquidity`: borrow L — the pool removes liquidity and pays its X and Y to the
//! borrower, who owes L back (spec §4.7).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions;
use crate::errors::DlexError;
use crate::events::LiquidityBorrowed;
use crate::risk::Action;

/// 1. Apply the L-borrow leg through the position pipeline: pays out `floor(L·activeL/rY)` X
///    and `floor(L·activeL/rX)` Y, debt L + 5-bip fee in BORROW_L shares (rounded up);
///    `risk::check` requires the price window, the L-borrow limit of both assets, the
///    fragile-liquidity bound and solvency.
/// 2. Refuse outputs below `min_amount_x` / `min_amount_y`.
/// 3. Pay out, verify conservation, emit `LiquidityBorrowed`.
pub fn handler<'info>(ctx: Context<'info, PositionTokens<'info>>, liquidity: u128, min_amount_x: u64, min_amount_y: u64) -> Result<()> {
    let now = now_u32()?;
    let (outcome, _) = ctx.accounts.apply_position_leg(ctx.remaining_accounts, now, |pool, balances| {
        let outcome = actions::borrow_liquidity(pool, balances, liquidity)?;
        require!(outcome.flows.x_out >= min_amount_x && outcome.flows.y_out >= min_amount_y, DlexError::SlippageAmountOut);
        Ok((Action::BorrowLiquidity { debt: outcome.debt }, outcome))
    })?;
    ctx.accounts.settle(outcome.flows)?;
    emit_cpi!(LiquidityBorrowed {
        pair: ctx.accounts.pair.key(),
        owner: ctx.accounts.owner.key(),
        liquidity,
        debt: outcome.debt.0,
        fee: outcome.fee.0,
        shares: outcome.shares.0,
        amount_x: outcome.flows.x_out,
        amount_y: outcome.flows.y_out,
    });
    Ok(())
}
