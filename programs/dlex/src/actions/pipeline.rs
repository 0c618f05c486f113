//! The commit pipeline of design §5 on plain values: accrue, apply one leg in memory,
//! `risk::check`, and only then change the pair and the balances. Handlers run it on their
//! loaded accounts; tests and off-chain simulators run it on copies.

use anchor_lang::prelude::Result;

use super::{accrue, start_oracle};
use crate::errors::DlexError;
use crate::math;
use crate::oracle::{self, PriceRange};
use crate::risk::{self, Action, RiskContext};
use crate::state::{Pair, Pool, TokenKind};

/// The range for new risk (spec §8.5 with the long-term TWAP and the price extremes) around
/// the pool's current tick, or `None` while the mid-term window is still filling.
pub fn price_range_for_new_risk(pair: &Pair, pool: &Pool, now: u32) -> core::result::Result<Option<PriceRange>, DlexError> {
    if !pair.observations.is_mid_term_ready() {
        return Ok(None);
    }
    let current_tick = math::tick_at_reserves(pool.reserve_x.0, pool.reserve_y.0)?;
    Ok(Some(oracle::price_range(&pair.observations, &pair.price_extremes, current_tick, true, now)))
}

/// A leg applied to copies and accepted by `risk::check`, not yet written anywhere.
pub struct JudgedLeg<T> {
    pub value: T,
    pub pool: Pool,
    pub balances: [u128; 6],
    pub fragile: u128,
}

/// Steps 2-4 of [`run_leg`] on a pair whose pool has already accrued: apply `leg` to copies
/// of `before` and the balances, re-derive the position's fragile liquidity (spec §4.12), and
/// judge the result with `risk::check` (with the price range for new risk when the check
/// needs one, the pair's depth snapshot, and the pause flags). Queries reuse this to test
/// hypothetical actions.
pub fn apply_and_judge<T>(
    pair: &Pair,
    before: &Pool,
    balances: &[u128; 6],
    fragile: u128,
    globally_paused: bool,
    now: u32,
    leg: impl FnOnce(&mut Pool, &mut [u128; 6]) -> Result<(Action, T)>,
) -> Result<JudgedLeg<T>> {
    let mut pool = *before;
    let mut next_balances = *balances;
    let (action, value) = leg(&mut pool, &mut next_balances)?;
    let mut next_fragile = fragile;
    pool.update_fragile(&next_balances, &mut next_fragile)?;
    let range = if risk::needs_price_range(&action, &next_balances) { price_range_for_new_risk(pair, &pool, now)? } else { None };
    let context = risk_context(pair, range.as_ref(), globally_paused);
    risk::check(&action, before, &pool, &next_balances, &context)?;
    Ok(JudgedLeg { value, pool, balances: next_balances, fragile: next_fragile })
}

/// The pair-level inputs of `risk::check`: its depth snapshot and whether new risk is paused
/// on it or globally.
pub fn risk_context<'a>(pair: &Pair, price_range: Option<&'a PriceRange>, globally_paused: bool) -> RiskContext<'a> {
    RiskContext {
        price_range,
        depth_snapshot: pair.depth(),
        new_risk_paused: globally_paused || pair.new_risk_paused != 0,
        liquidation: None,
    }
}

/// Runs `leg` on `pair`'s pool and a position's `balances` at time `now` (`globally_paused`:
/// the Config's pause of new risk):
/// 1. accrue (TWAP observation, fee anchors, interest);
/// 2. to 4. [`apply_and_judge`]: apply the leg to copies, re-derive the position's fragile
///    liquidity, `risk::check` with the price range for new risk when needed;
/// 5. if the pool just received its first liquidity, start its TWAP buffers;
/// 6. write the pool into `pair` and the copies into `balances` and `position_fragile`.
///
/// On error the pool totals and `balances` are untouched, but `pair`'s oracle fields may have
/// accrued. On chain the failed transaction reverts that too; off-chain callers that want to
/// keep going after a failure pass a copy. (The pair is not copied here: at ~1.3 KB it would
/// take a third of an SBF stack frame.)
pub fn run_leg<T>(
    pair: &mut Pair,
    balances: &mut [u128; 6],
    position_fragile: &mut u128,
    now: u32,
    globally_paused: bool,
    leg: impl FnOnce(&mut Pool, &mut [u128; 6]) -> Result<(Action, T)>,
) -> Result<(T, Pool)> {
    let mut before = pair.pool();
    accrue(pair, &mut before, now)?;
    let judged = apply_and_judge(pair, &before, balances, *position_fragile, globally_paused, now, leg)?;
    if before.total_shares(TokenKind::DepositL).0 == 0 && judged.pool.total_shares(TokenKind::DepositL).0 > 0 {
        start_oracle(pair, &judged.pool, now)?;
    }
    pair.store_pool(&judged.pool);
    *balances = judged.balances;
    *position_fragile = judged.fragile;
    Ok((judged.value, judged.pool))
}
