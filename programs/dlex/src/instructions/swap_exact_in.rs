//! `swap_exact_in`: sell an exact amount of one token for at least `min_amount_out` of the
//! other (spec §4.3, §5). Also defines the swap account set shared with `swap_exact_out`.

use anchor_lang::prelude::*;

use super::common::now_u32;
// Glob: the nested accounts struct brings Anchor-generated companions (bumps, client modules).
use super::pair_tokens::*;
use crate::actions::{self, SwapAmount, SwapDirection};
use crate::events::Swapped;
use crate::risk::{self, Action, RiskContext};

#[event_cpi]
#[derive(Accounts)]
pub struct SwapTokens<'info> {
    pub trader: Signer<'info>,
    pub tokens: PairTokens<'info>,
}

/// Shared body of both swap instructions.
/// 1. Load the pair; accrue (TWAP observation; interest at most daily, spec §7.5).
/// 2. Apply the swap leg from the quote (largest output / smallest input passing K).
/// 3. Check the trader's limit; `risk::check` recomputes the adjusted-K check from the amounts.
/// 4. Record the price extreme (spec §8.5), write back, move tokens, verify conservation, emit.
pub fn execute_swap(mut ctx: Context<SwapTokens>, direction: SwapDirection, amount: SwapAmount, limit: u64) -> Result<()> {
    let now = now_u32()?;
    let (flows, pool, fee_bips_q64) = {
        let mut pair = ctx.accounts.tokens.pair.load_mut()?;
        let mut pool = pair.pool();
        actions::accrue_for_swap(&mut pair, &mut pool, now)?;
        let before = pool;
        let flows = actions::swap_with_limit(&mut pool, direction, amount, limit)?;
        // Swaps add no position risk: no range, depth or pause applies, only the K check.
        risk::check(&Action::Swap { direction, flows }, &before, &pool, &[0; 6], &RiskContext::default())?;
        actions::record_price_extreme(&mut pair, &pool, now)?;
        pair.store_pool(&pool);
        (flows, pool, actions::swap_fee_rate(&before, direction, &flows))
    };
    let accounts = &mut ctx.accounts;
    accounts.tokens.settle(&accounts.trader, flows)?;
    let (amount_in, amount_out) = match direction {
        SwapDirection::XToY => (flows.x_in, flows.y_out),
        SwapDirection::YToX => (flows.y_in, flows.x_out),
    };
    emit_cpi!(Swapped {
        pair: ctx.accounts.tokens.pair.key(),
        trader: ctx.accounts.trader.key(),
        direction,
        amount_in,
        amount_out,
        fee_bips_q64,
        reserve_x: pool.reserve_x.0,
        reserve_y: pool.reserve_y.0,
    });
    Ok(())
}

pub fn handler(ctx: Context<SwapTokens>, direction: SwapDirection, amount_in: u64, min_amount_out: u64) -> Result<()> {
    execute_swap(ctx, direction, SwapAmount::ExactIn(amount_in), min_amount_out)
}
