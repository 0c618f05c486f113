//! `burn`: remove liquidity, returning DEPOSIT_L shares for X and Y (spec §4.2).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions;
use crate::errors::DlexError;
use crate::events::LiquidityRemoved;
use crate::risk::Action;
use crate::state::Assets;

/// 1. Apply the burn leg through the position pipeline: both outputs rounded down (spec
///    `toLiquidityAssets`); `risk::check` applies the L-borrow limit with the post-burn
///    reserves and DEPOSIT_L minus the burned L.
/// 2. Refuse outputs below `min_amount_x` / `min_amount_y`.
/// 3. Pay out, verify conservation, emit `LiquidityRemoved`.
pub fn handler<'info>(ctx: Context<'info, PositionTokens<'info>>, shares: u128, min_amount_x: u64, min_amount_y: u64) -> Result<()> {
    let now = now_u32()?;
    let (outcome, pool) = ctx.accounts.apply_position_leg(ctx.remaining_accounts, now, |pool, balances| {
        let deposit_l_before = pool.deposit_l_assets()?;
        let outcome = actions::burn_liquidity(pool, balances, shares)?;
        require!(outcome.flows.x_out >= min_amount_x, DlexError::SlippageAmountOut);
        require!(outcome.flows.y_out >= min_amount_y, DlexError::SlippageAmountOut);
        let deposit_l_after = Assets(deposit_l_before.0.checked_sub(outcome.liquidity.0).ok_or(DlexError::MathOverflow)?);
        Ok((Action::Burn { deposit_l_after }, outcome))
    })?;
    ctx.accounts.settle(outcome.flows)?;
    emit_cpi!(LiquidityRemoved {
        pair: ctx.accounts.pair.key(),
        owner: ctx.accounts.owner.key(),
        amount_x: outcome.flows.x_out,
        amount_y: outcome.flows.y_out,
        liquidity: outcome.liquidity.0,
        shares,
        reserve_x: pool.reserve_x.0,
        reserve_y: pool.reserve_y.0,
    });
    Ok(())
}
