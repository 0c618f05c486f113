//! `mint`: add liquidity to the pair for DEPOSIT_L shares (spec §4.1).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions;
use crate::errors::DlexError;
use crate::events::LiquidityAdded;
use crate::risk::Action;

/// 1. Apply the mint leg through the position pipeline (load, accrue, leg, `risk::check`,
///    write back): the first mint takes both maxima and locks MINIMUM_LIQUIDITY; later mints
///    pull the proportional amounts (rounded up) and credit shares (rounded down).
/// 2. Refuse fewer than `min_shares` shares.
/// 3. Pull the tokens, verify conservation, emit `LiquidityAdded`.
pub fn handler<'info>(ctx: Context<'info, PositionTokens<'info>>, max_amount_x: u64, max_amount_y: u64, min_shares: u128) -> Result<()> {
    let now = now_u32()?;
    let (outcome, pool) = ctx.accounts.apply_position_leg(ctx.remaining_accounts, now, |pool, balances| {
        let outcome = actions::mint_liquidity(pool, balances, max_amount_x, max_amount_y)?;
        require!(outcome.shares.0 >= min_shares, DlexError::SlippageSharesOut);
        Ok((Action::Mint, outcome))
    })?;
    ctx.accounts.settle(outcome.flows)?;
    emit_cpi!(LiquidityAdded {
        pair: ctx.accounts.pair.key(),
        owner: ctx.accounts.owner.key(),
        amount_x: outcome.flows.x_in,
        amount_y: outcome.flows.y_in,
        liquidity: outcome.liquidity.0,
        shares: outcome.shares.0,
        reserve_x: pool.reserve_x.0,
        reserve_y: pool.reserve_y.0,
    });
    Ok(())
}
