//! `mint`: add liquidity to the pair for DEPOSIT_L shares (spec §4.1).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions;
use crate::errors::DlexError;
use crate::events::LiquidityAdded;
use crate::risk::{self, Action};

/// 1. Load the pair and position; accrue (TWAP observation, fee anchors).
/// 2. Apply the mint leg: first mint takes both maxima and locks MINIMUM_LIQUIDITY; later
///    mints pull the proportional amounts (rounded up) and credit shares (rounded down).
/// 3. Refuse if fewer than `min_shares` shares; `risk::check`.
/// 4. First mint: start the TWAP buffers at the pool's tick.
/// 5. Write back, pull the tokens, verify conservation, emit `LiquidityAdded`.
pub fn handler(ctx: Context<PositionTokens>, max_amount_x: u64, max_amount_y: u64, min_shares: u128) -> Result<()> {
    let now = now_u32()?;
    let pair_key = ctx.accounts.pair.key();
    let (outcome, pool) = {
        let mut pair = ctx.accounts.pair.load_mut()?;
        let mut position = ctx.accounts.position.load_mut()?;
        let mut pool = pair.pool();
        actions::accrue(&mut pair, &mut pool, now)?;
        let before = pool;
        let mut balances = position.balances();
        let outcome = actions::mint_liquidity(&mut pool, &mut balances, max_amount_x, max_amount_y)?;
        require!(outcome.shares.0 >= min_shares, DlexError::SlippageSharesOut);
        risk::check(&Action::Mint, &before, &pool, &balances)?;
        if outcome.first_mint {
            actions::start_oracle(&mut pair, &pool, now)?;
        }
        pair.store_pool(&pool);
        position.set_balances(&balances);
        (outcome, pool)
    };
    ctx.accounts.settle(outcome.flows)?;
    emit_cpi!(LiquidityAdded {
        pair: pair_key,
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
