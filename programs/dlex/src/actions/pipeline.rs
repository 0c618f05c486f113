//! The commit pipeline of design §5 on plain values: accrue, apply one leg in memory,
//! `risk::check`, and only then change the pair and the balances. Handlers run it on their
//! loaded accounts; tests and off-chain simulators run it on copies.

use anchor_lang::prelude::Result;

use super::saturation::{self, SaturationInputs, SaturationStore, SaturationSummary, SideAllocation};
use super::{accrue, start_oracle};
use crate::errors::DlexError;
use crate::math;
use crate::oracle::{self, PriceRange};
use crate::risk::{self, Action, RiskContext};
use crate::state::{has_debt, Pair, Pool, TokenKind};

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
    /// The position's new tranche allocation and the pair's new saturation summary, when the
    /// leg ran with a [`SaturationContext`] (`summary` is `None` when nothing was re-walked).
    pub allocations: Option<[SideAllocation; 2]>,
    pub summary: Option<SaturationSummary>,
}

/// The saturation side of a leg (spec §10.4–§10.6): where the tranches are, and the acting
/// position's allocation and ratio before the leg.
pub struct SaturationContext<'s> {
    pub store: &'s mut dyn SaturationStore,
    pub allocations: [SideAllocation; 2],
    pub ratio_mag2: u128,
}

/// What the saturation walk counts on after a leg (`before` → `pool`): the depth floor less
/// what the leg itself took out of the pool (H-1, the same depth the acting position's
/// solvency counts, so liquidity added earlier in the transaction makes no room), the same
/// less fragile liquidity for `maxLeaf`, and the range edges when the action adds risk.
fn saturation_inputs(
    pair: &Pair,
    before: &Pool,
    pool: &Pool,
    balances: &[u128; 6],
    ratio_mag2: u128,
    edges: Option<&PriceRange>,
) -> Result<SaturationInputs> {
    let active_liquidity = pair.depth().less_taken(before, pool).floor(pool).active_liquidity;
    let range = match edges {
        Some(range) => {
            let (sqrt_min, sqrt_max) = range.sqrt_price_bounds().map_err(DlexError::from)?;
            Some((range.min_tick, range.max_tick, sqrt_min, sqrt_max))
        }
        None => None,
    };
    Ok(SaturationInputs {
        user_assets: pool.user_assets(balances)?,
        active_liquidity,
        liquidity_less_fragile: active_liquidity.saturating_sub(pool.fragile_liquidity_assets()?),
        ratio_mag2,
        range,
    })
}

/// Re-walks the position's saturation after a leg (`before` → `pool`) when it holds or owes
/// any (spec §10.6):
/// `(allocations, summary, verdict)`. A position that neither owes nor occupies a tranche
/// needs no accounts; one whose debt is gone but that never occupied a tranche just forgets
/// its recorded saturation.
pub fn update_saturation(
    pair: &Pair,
    before: &Pool,
    pool: &Pool,
    balances: &[u128; 6],
    context: &mut SaturationContext,
    edges: Option<&PriceRange>,
) -> Result<([SideAllocation; 2], Option<SaturationSummary>, Option<saturation::SaturationVerdict>)> {
    let occupies = context.allocations.iter().any(|a| a.count > 0);
    if !occupies && !has_debt(balances) {
        return Ok(([SideAllocation::default(); 2], None, None));
    }
    let inputs = saturation_inputs(pair, before, pool, balances, context.ratio_mag2, edges)?;
    let mut allocations = context.allocations;
    let (verdict, summary) = saturation::reallocate(context.store, &mut allocations, &inputs)?;
    Ok((allocations, Some(summary), Some(verdict)))
}

/// Steps 2-4 of [`run_leg`] on a pair whose pool has already accrued: apply `leg` to copies
/// of `before` and the balances, re-derive the position's fragile liquidity (spec §4.12),
/// re-walk the position's saturation into its tranches when `saturation` is given
/// ([`update_saturation`], on the range for new risk when the action adds risk), and judge the
/// result with `risk::check` (with the price range for new risk when the check needs one, the
/// pair's depth snapshot, the pause flags and the allocation's verdict). Without a
/// [`SaturationContext`] (off-chain searches that hold no tranche accounts) tranche capacity is
/// not judged. Queries reuse this to test hypothetical actions.
#[allow(clippy::too_many_arguments)]
pub fn apply_and_judge<T>(
    pair: &Pair,
    before: &Pool,
    balances: &[u128; 6],
    fragile: u128,
    globally_paused: bool,
    now: u32,
    saturation: Option<&mut SaturationContext>,
    leg: impl FnOnce(&mut Pool, &mut [u128; 6]) -> Result<(Action, T)>,
) -> Result<JudgedLeg<T>> {
    let mut pool = *before;
    let mut next_balances = *balances;
    let (action, value) = leg(&mut pool, &mut next_balances)?;
    let mut next_fragile = fragile;
    pool.update_fragile(&next_balances, &mut next_fragile)?;
    let range = if risk::needs_price_range(&action, &next_balances) { price_range_for_new_risk(pair, &pool, now)? } else { None };
    let mut context = risk_context(pair, range.as_ref(), globally_paused);
    let (mut allocations, mut summary) = (None, None);
    if let Some(saturation) = saturation {
        let edges = if risk::adds_risk(&action, &next_balances) { range.as_ref() } else { None };
        // The action's own rules come first: when the walk cannot run (arithmetic at an
        // extreme debt, or tranche accounts missing), a refusal by `risk::check` is the answer.
        let (placed, new_summary, verdict) = match update_saturation(pair, before, &pool, &next_balances, saturation, edges) {
            Ok(walked) => walked,
            Err(error) => {
                risk::check(&action, before, &pool, &next_balances, &context)?;
                return Err(error);
            }
        };
        (allocations, summary) = (Some(placed), new_summary);
        context.saturation = verdict;
    }
    risk::check(&action, before, &pool, &next_balances, &context)?;
    Ok(JudgedLeg { value, pool, balances: next_balances, fragile: next_fragile, allocations, summary })
}

/// The pair-level inputs of `risk::check`: its depth snapshot and whether new risk is paused
/// on it or globally.
pub fn risk_context<'a>(pair: &Pair, price_range: Option<&'a PriceRange>, globally_paused: bool) -> RiskContext<'a> {
    RiskContext {
        price_range,
        depth_snapshot: pair.depth(),
        new_risk_paused: globally_paused || pair.new_risk_paused != 0,
        ..RiskContext::default()
    }
}

/// Runs `leg` on `pair`'s pool and a position's `balances` at time `now` (`globally_paused`:
/// the Config's pause of new risk):
/// 1. accrue (TWAP observation, fee anchors, interest);
/// 2. to 4. [`apply_and_judge`]: apply the leg to copies, re-derive the position's fragile
///    liquidity, re-walk its saturation when `saturation` is given, `risk::check` with the
///    price range for new risk when needed;
/// 5. if the pool just received its first liquidity, start its TWAP buffers;
/// 6. write the pool and the pair's saturation summary into `pair` and the copies into
///    `balances` and `position_fragile`; return the leg's value, the pool and the position's
///    new allocation (for the caller to store).
///
/// On error the pool totals and `balances` are untouched, but `pair`'s oracle fields may have
/// accrued. On chain the failed transaction reverts that too; off-chain callers that want to
/// keep going after a failure pass a copy. (The pair is not copied here: at ~1.3 KB it would
/// take a third of an SBF stack frame.)
#[allow(clippy::too_many_arguments)]
pub fn run_leg<T>(
    pair: &mut Pair,
    balances: &mut [u128; 6],
    position_fragile: &mut u128,
    now: u32,
    globally_paused: bool,
    saturation: Option<&mut SaturationContext>,
    leg: impl FnOnce(&mut Pool, &mut [u128; 6]) -> Result<(Action, T)>,
) -> Result<(T, Pool, Option<[SideAllocation; 2]>)> {
    run_legs(pair, balances, position_fragile, now, globally_paused, saturation, |pool, balances, _| leg(pool, balances))
}

/// [`run_leg`] for legs that judge their own pool rules as they run and so need the pair's
/// depth snapshot as it stands after accrual (`execute`'s list, [`super::apply_legs`]).
#[allow(clippy::too_many_arguments)]
pub fn run_legs<T>(
    pair: &mut Pair,
    balances: &mut [u128; 6],
    position_fragile: &mut u128,
    now: u32,
    globally_paused: bool,
    saturation: Option<&mut SaturationContext>,
    legs: impl FnOnce(&mut Pool, &mut [u128; 6], &crate::state::Depth) -> Result<(Action, T)>,
) -> Result<(T, Pool, Option<[SideAllocation; 2]>)> {
    let mut before = pair.pool();
    accrue(pair, &mut before, now)?;
    let depth = pair.depth();
    let judged = apply_and_judge(pair, &before, balances, *position_fragile, globally_paused, now, saturation, |pool, balances| legs(pool, balances, &depth))?;
    if before.total_shares(TokenKind::DepositL).0 == 0 && judged.pool.total_shares(TokenKind::DepositL).0 > 0 {
        start_oracle(pair, &judged.pool, now)?;
    }
    pair.store_pool(&judged.pool);
    if let Some(summary) = judged.summary {
        pair.store_saturation_summary(&summary);
    }
    *balances = judged.balances;
    *position_fragile = judged.fragile;
    Ok((judged.value, judged.pool, judged.allocations))
}
