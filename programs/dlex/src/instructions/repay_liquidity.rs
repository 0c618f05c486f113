//! `repay_liquidity`: repay L debt with X and Y (spec §4.9).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions;
use crate::events::LiquidityRepaid;
use crate::risk::Action;

/// 1. Apply the L-repay leg through the position pipeline: repays `liquidity` L, at most the
///    whole debt (pass `u128::MAX` to repay everything), for the proportional X and Y rounded
///    against the payer; refuses amounts above `max_amount_x` / `max_amount_y`
///    (`SlippageAmountIn`), so a swap landing first cannot take more of the payer's tokens.
///    Never blocked by health.
/// 2. Pull the tokens, verify conservation, emit `LiquidityRepaid`.
pub fn handler<'info>(ctx: Context<'info, PositionTokens<'info>>, liquidity: u128, max_amount_x: u64, max_amount_y: u64) -> Result<()> {
    let now = now_u32()?;
    let (outcome, _) = ctx.accounts.apply_position_leg(ctx.remaining_accounts, now, |pool, balances| {
        Ok((Action::RepayLiquidity, actions::repay_liquidity(pool, balances, liquidity, max_amount_x, max_amount_y)?))
    })?;
    ctx.accounts.settle(outcome.flows)?;
    emit_cpi!(LiquidityRepaid {
        pair: ctx.accounts.pair.key(),
        owner: ctx.accounts.owner.key(),
        amount_x: outcome.flows.x_in,
        amount_y: outcome.flows.y_in,
        repaid: outcome.repaid.0,
        shares: outcome.shares.0,
    });
    Ok(())
}
