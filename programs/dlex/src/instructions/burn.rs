//! `burn`: remove liquidity, returning DEPOSIT_L shares for X and Y (spec §4.2).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions;
use crate::errors::DlexError;
use crate::events::LiquidityRemoved;
use crate::risk::{self, Action};
use crate::state::Assets;

/// 1. Load and accrue.
/// 2. Apply the burn leg: both outputs rounded down (spec `toLiquidityAssets`).
/// 3. Refuse outputs below `min_amount_x` / `min_amount_y`; `risk::check` (L-borrow limit
///    with the post-burn reserves).
/// 4. Write back, pay out, verify conservation, emit `LiquidityRemoved`.
pub fn handler(ctx: Context<PositionTokens>, shares: u128, min_amount_x: u64, min_amount_y: u64) -> Result<()> {
    let now = now_u32()?;
    let pair_key = ctx.accounts.pair.key();
    let (outcome, pool) = {
        let mut pair = ctx.accounts.pair.load_mut()?;
        let mut position = ctx.accounts.position.load_mut()?;
        let mut pool = pair.pool();
        actions::accrue(&mut pair, &mut pool, now)?;
        let before = pool;
        let deposit_l_before = before.deposit_l_assets()?;
        let mut balances = position.balances();
        let outcome = actions::burn_liquidity(&mut pool, &mut balances, shares)?;
        require!(outcome.flows.x_out >= min_amount_x, DlexError::SlippageAmountOut);
        require!(outcome.flows.y_out >= min_amount_y, DlexError::SlippageAmountOut);
        let deposit_l_after = Assets(deposit_l_before.0.checked_sub(outcome.liquidity.0).ok_or(DlexError::MathOverflow)?);
        risk::check(&Action::Burn { deposit_l_after }, &before, &pool, &balances)?;
        pair.store_pool(&pool);
        position.set_balances(&balances);
        (outcome, pool)
    };
    ctx.accounts.settle(outcome.flows)?;
    emit_cpi!(LiquidityRemoved {
        pair: pair_key,
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
