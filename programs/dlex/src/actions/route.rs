//! Swaps as the swap instructions run them: one swap on one pair ([`swap_on_pair`]: accrual
//! for a swap, the swap leg with its limit, `risk::check`, the price extreme), and a route of
//! such swaps through up to [`MAX_ROUTE_HOPS`] pairs ([`swap_route`]), each hop's output the
//! next hop's input. `swap_exact_in`/`swap_exact_out`, `swap_route_exact_in`/`_out` and the
//! SDK's quotes and router all run these, on the loaded accounts or on copies.

use anchor_lang::prelude::{Pubkey, Result};

use super::{accrue_for_swap, record_price_extreme, swap_fee_rate, swap_with_limit, SwapAmount, SwapDirection, TokenFlows};
use crate::errors::DlexError;
use crate::risk::{self, Action, RiskContext};
use crate::state::{Pair, Pool};

/// Most pairs one route goes through.
pub const MAX_ROUTE_HOPS: usize = 4;

/// One swap on one pair, applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairSwap {
    pub direction: SwapDirection,
    pub flows: TokenFlows,
    /// The pool after the swap.
    pub pool: Pool,
    /// The fee rate charged on the input, Q64 bips.
    pub fee_bips_q64: u128,
}

impl PairSwap {
    /// `(amount_in, amount_out)` in the swap's direction.
    pub fn amounts(&self) -> (u64, u64) {
        match self.direction {
            SwapDirection::XToY => (self.flows.x_in, self.flows.y_out),
            SwapDirection::YToX => (self.flows.y_in, self.flows.x_out),
        }
    }
}

/// Spec §7.5, §4.3, §8.5 for one swap: accrue for a swap (TWAP observation; interest at most
/// daily), apply the swap with the trader's `limit` (`SlippageAmountOut` / `SlippageAmountIn`),
/// `risk::check` (a swap adds no position risk: only the adjusted-K check applies), record
/// the post-swap price extreme, and store the pool in `pair`. On error `pair` may be partly
/// written: callers run on loaded accounts of a transaction that then fails, or on copies.
pub fn swap_on_pair(pair: &mut Pair, direction: SwapDirection, amount: SwapAmount, limit: u64, now: u32) -> Result<PairSwap> {
    let mut pool = pair.pool();
    accrue_for_swap(pair, &mut pool, now)?;
    let before = pool;
    let flows = swap_with_limit(&mut pool, direction, amount, limit)?;
    risk::check(&Action::Swap { direction, flows }, &before, &pool, &[0; 6], &RiskContext::default())?;
    record_price_extreme(pair, &pool, now)?;
    pair.store_pool(&pool);
    Ok(PairSwap { direction, flows, pool, fee_bips_q64: swap_fee_rate(&before, direction, &flows) })
}

/// The direction of a hop through `pair` that receives `mint` (`RouteMintsDoNotChain` when
/// the pair does not trade it), and the mint that hop pays out.
pub fn hop_receiving(pair: &Pair, mint: Pubkey) -> core::result::Result<(SwapDirection, Pubkey), DlexError> {
    if mint == pair.mint_x {
        Ok((SwapDirection::XToY, pair.mint_y))
    } else if mint == pair.mint_y {
        Ok((SwapDirection::YToX, pair.mint_x))
    } else {
        Err(DlexError::RouteMintsDoNotChain)
    }
}

/// What a route swaps, with the trader's limit on the whole route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteAmount {
    /// Sell exactly `amount_in` of the first hop's input; at least `min_amount_out` of the
    /// last hop's output must come back (`SlippageAmountOut`).
    ExactIn { amount_in: u64, min_amount_out: u64 },
    /// Buy exactly `amount_out` of the last hop's output; at most `max_amount_in` of the first
    /// hop's input may be needed (`SlippageAmountIn`).
    ExactOut { amount_out: u64, max_amount_in: u64 },
}

/// Applies a route to `pairs` (one per hop, in route order) with each hop's `directions`:
/// exact input runs forward (each hop sells what the previous one bought), exact output
/// backward (each hop buys exactly what the next one sells), so every hop is one
/// [`swap_on_pair`] and amounts chain to the unit. The route's limit is checked on the
/// whole; the hops run without limits of their own. Returns the hops in route order.
/// Errors: `EmptyRoute`, `TooManyRouteHops`, `MalformedRoute` (one direction per pair), any
/// swap error of a hop, and the route's slippage error.
pub fn swap_route(pairs: &mut [&mut Pair], directions: &[SwapDirection], amount: RouteAmount, now: u32) -> Result<Vec<PairSwap>> {
    if pairs.is_empty() {
        return Err(DlexError::EmptyRoute.into());
    }
    if pairs.len() > MAX_ROUTE_HOPS {
        return Err(DlexError::TooManyRouteHops.into());
    }
    if directions.len() != pairs.len() {
        return Err(DlexError::MalformedRoute.into());
    }
    let hops = pairs.len();
    let mut applied: Vec<Option<PairSwap>> = vec![None; hops];
    match amount {
        RouteAmount::ExactIn { amount_in, min_amount_out } => {
            let mut next_in = amount_in;
            for (index, pair) in pairs.iter_mut().enumerate() {
                let swap = swap_on_pair(pair, directions[index], SwapAmount::ExactIn(next_in), 0, now)?;
                next_in = swap.amounts().1;
                applied[index] = Some(swap);
            }
            if next_in < min_amount_out {
                return Err(DlexError::SlippageAmountOut.into());
            }
        }
        RouteAmount::ExactOut { amount_out, max_amount_in } => {
            let mut next_out = amount_out;
            for (index, pair) in pairs.iter_mut().enumerate().rev() {
                let swap = swap_on_pair(pair, directions[index], SwapAmount::ExactOut(next_out), u64::MAX, now)?;
                next_out = swap.amounts().0;
                applied[index] = Some(swap);
            }
            if next_out > max_amount_in {
                return Err(DlexError::SlippageAmountIn.into());
            }
        }
    }
    Ok(applied.into_iter().flatten().collect())
}
