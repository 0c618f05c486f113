//! Saturation placement (spec §10.5–§10.6): where one side of a position's liquidation lands in
//! the tranche grid (`calcLastTickAndSaturation`) and how its saturation is walked into a few
//! consecutive tranches (`addSatToTranche`).
//!
//! This module owns:
//! - [`position_saturation`] (§10.5 steps 2–7): the liquidation's debt in L, its saturation
//!   relative to L, its end tick and its start price, for the net-X or the net-Y side;
//! - the range checks around it: [`liquidation_passes_range_edge`] (§10.5 step 8),
//!   [`straddle_skips_range_check`] (§10.5 step 1), [`range_edge_tick`] (the reference's
//!   `currentTickLimit`, the `minOrMaxTick` the walk is bounded by) and
//!   [`restrict_usable_ticks`] (`restrictUsableTicksForMinOrMaxTick`);
//! - the allocation walk [`allocate_saturation`] (§10.6) over at most `N` tranches
//!   ([`MAX_WALK_TRANCHES`] for positions).
//!
//! The arithmetic building blocks are not repeated here: the liquidation prices come from
//! [`liquidation_sqrt_prices_q72`] (§10.4), the netting from the §9.2 legs of `validation`, the
//! span, saturation, first tranche and tranche capacity from `saturation`, ticks and sqrt prices
//! from `tick_math`. The tranche accounts themselves belong to the program state: the caller
//! reads each visited tranche's current `satRelativeToL` and writes the slots back.
//!
//! Removing an allocation never fails and needs nothing here: the caller subtracts, tranche by
//! tranche, exactly the `sat_in_l_assets` / `sat_relative_to_l` it stored from this walk's slots
//! (the reference's `removeSatFromTranche`). Only adding saturation can be refused.
//!
//! Where the reference reverts, these functions return an error; none of them panics, recurses,
//! allocates or uses floating point. Differences from the reference (documented per function):
//! the walk is bounded to `N` tranches ([`AllocationError::TooManyTranches`]), and a few
//! intermediates the reference keeps on 256 bits must fit `u128` here (the building blocks take
//! `u128`), which only matters at the extreme ends of the price range.

use ruint::aliases::U256;

use super::full_math::{mul_div, mul_div_u256, sqrt_u256, to_u128, u256};
use super::liquidation::liquidation_sqrt_prices_q72;
use super::saturation::{
    calculate_saturation, min_sqrt_price_span_q72, tranche_saturation_available,
    usable_ticks_and_last_tranche, MAX_TRANCHE, MIN_TRANCHE, TICKS_PER_TRANCHE,
};
use super::tick_math::{
    sqrt_price_q72_at_tick, tick_at_price_q128, MAX_PRICE_Q128, MAX_TICK, MIN_PRICE_Q128,
    MIN_TICK, Q72, TRANCHE_B_IN_Q72,
};
use super::validation::{net_legs_u256, select_debt_and_collateral};
use super::MathError;

/// Default bound of the walk in tests and tools; the program's bound is
/// `actions::saturation::MAX_POSITION_TRANCHES`. The reference's walk is unbounded.
pub const MAX_WALK_TRANCHES: usize = 4;
/// Default saturation ratio in percent (`START_SATURATION_PENALTY_RATIO_IN_MAG2`): the
/// reference's `desiredSaturationInMAG2` when the account has not set its own. That one value
/// is both the span threshold of [`position_saturation`] and the capacity ratio of
/// [`allocate_saturation`].
pub const START_SATURATION_PENALTY_RATIO_IN_MAG2: u128 = 85;
/// Largest saturation ratio an account may choose (`MAX_INITIAL_SATURATION_MAG2`, range 1..=90).
pub const MAX_INITIAL_SATURATION_MAG2: u128 = 90;
/// `b²·2^72 − 1` (≈ 1.0039 in Q72): rounds a net-X end price up by one tick before
/// `getTickAtPrice` (§10.5 step 7).
pub const B_SQUARED_Q72_MINUS_ONE: u128 = 0x10100c08050301c1008;

/// Above this end price (Q128) the net-X round-up divides by 2^72 before multiplying.
const Q183: U256 = U256::from_limbs([0, 0, 1 << 55, 0]);
/// `liqPrice` (Q144) below this is multiplied by the span before dividing.
const Q128: U256 = U256::from_limbs([0, 0, 1, 0]);
/// `liqPrice` (Q144) below this is multiplied by 2^56 before dividing by the span.
const Q200: U256 = U256::from_limbs([0, 0, 0, 1 << 8]);

/// One side of a position's liquidation as the saturation tree sees it (§10.5, the reference's
/// `SaturationPair` plus the end tick and the start price).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionSaturation {
    /// Which tree: net X debt (liquidated as the price falls; the walk goes up) or net Y debt.
    pub net_debt_x: bool,
    /// This side's liquidation sqrt price (§10.4), Q72, never 0.
    pub liquidation_sqrt_price_q72: u128,
    /// The other side's liquidation sqrt price (0 if none); only the straddle rule reads it.
    pub opposite_liquidation_sqrt_price_q72: u128,
    /// `satInLAssets`: the net debt in L at the liquidation price (§10.5 step 2).
    pub sat_in_l_assets: u128,
    /// `satRelativeToL`: the L the liquidation swap would consume, as if it all fell in the
    /// last tranche (§10.5 step 6).
    pub sat_relative_to_l: u128,
    /// Tick at which the liquidation ends, in `MIN_TICK..=MAX_TICK + 1` (§10.5 step 7).
    pub end_tick: i32,
    /// Price (Q128, up to 240 bits) at which the liquidation starts (§10.5 step 5).
    pub start_price_q128: U256,
}

/// `calcLastTickAndSaturation` (§10.5 steps 2–7) for one side of a position, user assets
/// `[DEPOSIT_L, DEPOSIT_X, DEPOSIT_Y, BORROW_L, BORROW_X, BORROW_Y]` (debts read rounded up).
/// `threshold_mag2` is the account's saturation ratio (`desiredSaturationInMAG2`, default
/// [`START_SATURATION_PENALTY_RATIO_IN_MAG2`]); `active_liquidity` is the pair's active L.
///
/// With `s` this side's liquidation sqrt price from [`liquidation_sqrt_prices_q72`]
/// (`Ok(None)` when it is 0: that side has no liquidation):
/// 2. `(debtL, collL) = calcDebtAndCollateral(getCheckLtvParams(u, s, s))` (debts rounded up,
///    collateral down);
/// 3. `span =` [`min_sqrt_price_span_q72`]`(collL, debtL, activeL, thr)`;
/// 4. `debtXorY = netX ? floor(debtL·s/2^72) : floor(debtL·2^72/s)`;
/// 5. with `liq = s²` (Q144), `liq·span/2^88` and `liq·2^56/span` (each rounding down, dividing
///    first when `liq ≥ 2^128`, resp. `liq ≥ 2^200`) are the start and end price for net X debt,
///    the end and start price for net Y debt;
/// 6. `satRelativeToL =` [`calculate_saturation`]`(debtXorY, floor_sqrt(end) << 8, netX)`
///    (rounds up);
/// 7. `endTick = getTickAtPrice(end')` with `end' = floor(end·(b²·2^72 − 1)/2^72)` for net X
///    (dividing first above 2^183), so the tick is rounded up, and `end' = end` for net Y; an
///    `end'` above the price range gives `MAX_TICK + 1`, below it `MIN_TICK`.
///
/// The range check (step 8) and its skip rule (step 1) are [`liquidation_passes_range_edge`]
/// and [`straddle_skips_range_check`].
///
/// Errors (the reference reverts on each): `DivisionByZero` if `active_liquidity` or
/// `threshold_mag2` is 0, or a net-X end price is 0; `Overflow` if `debtL` exceeds `u128`, the
/// span has no root below 2^128, the start/end price exceeds 256 bits, or `satRelativeToL`
/// exceeds `u128`. Stricter than the reference (also `Overflow`): `collL` above `u128`, or
/// `debtXorY` above `u128` (with `s` in Q72: net Y debt when `s < debtL/2^56`, net X debt
/// when `s > 2^200/debtL`, both only near the ends of the tick range; the reference carries it
/// on 256 bits), because the span and saturation building blocks take `u128`. A saturation of exactly `u128::MAX` is also reported as
/// `Overflow` (it is the building block's saturated value).
pub fn position_saturation(
    user_assets: [u128; 6],
    active_liquidity: u128,
    threshold_mag2: u128,
    net_debt_x: bool,
) -> Result<Option<PositionSaturation>, MathError> {
    let Some(LiquidationLegs { liquidation, opposite, debt, debt_l, collateral_l }) = liquidation_legs(user_assets, net_debt_x)? else {
        return Ok(None);
    };

    // Step 3. The building block saturates where the reference divides by zero or overflows
    // (`b ≥ 2^128` makes `b²` overflow); a real span is always below `u128::MAX`.
    if active_liquidity == 0 || threshold_mag2 == 0 {
        return Err(MathError::DivisionByZero);
    }
    let span = min_sqrt_price_span_q72(collateral_l, debt_l, active_liquidity, threshold_mag2);
    if span == u128::MAX {
        return Err(MathError::Overflow);
    }

    // Step 4.
    let (numerator, denominator) =
        if net_debt_x { (u256(liquidation), u256(Q72)) } else { (u256(Q72), u256(liquidation)) };
    let debt_x_or_y = mul_div_u256(debt, numerator, denominator, false)?;

    // Steps 5–7.
    let (start, end) = start_and_end_prices_q128(liquidation, span, net_debt_x)?;
    let sat_relative_to_l = saturation_at_end(debt_x_or_y, sqrt_u256(end) << 8usize, net_debt_x)?;
    let end_tick = end_tick_of(end, net_debt_x)?;

    Ok(Some(PositionSaturation {
        net_debt_x,
        liquidation_sqrt_price_q72: liquidation,
        opposite_liquidation_sqrt_price_q72: opposite,
        sat_in_l_assets: debt_l,
        sat_relative_to_l,
        end_tick,
        start_price_q128: start,
    }))
}

/// Steps 1–2 of [`position_saturation`] for one side.
struct LiquidationLegs {
    liquidation: u128,
    opposite: u128,
    debt: U256,
    debt_l: u128,
    collateral_l: u128,
}

fn liquidation_legs(user_assets: [u128; 6], net_debt_x: bool) -> Result<Option<LiquidationLegs>, MathError> {
    let (net_x_price, net_y_price) = liquidation_sqrt_prices_q72(user_assets);
    let (liquidation, opposite) =
        if net_debt_x { (net_x_price, net_y_price) } else { (net_y_price, net_x_price) };
    if liquidation == 0 {
        return Ok(None);
    }
    // Step 2, on 256 bits like the reference; the debt is then stored as uint128.
    let legs = net_legs_u256(user_assets, liquidation, liquidation)?;
    let (debt, collateral, _) = select_debt_and_collateral(legs, U256::ZERO, U256::saturating_add);
    let debt_l = to_u128(debt)?;
    let collateral_l = to_u128(collateral)?;
    Ok(Some(LiquidationLegs { liquidation, opposite, debt, debt_l, collateral_l }))
}

/// A position's saturation in L assets on one side: its net debt in L at that side's
/// liquidation price (steps 1–2 of [`position_saturation`], whose `sat_in_l_assets` it equals
/// whenever that succeeds), or `None` when the side has no liquidation price. It needs none
/// of the span and price steps and no active liquidity: the debt-cap liquidation compares it
/// with the allocation, and a keeper computes it for every position it watches.
pub fn saturation_in_l_assets(user_assets: [u128; 6], net_debt_x: bool) -> Result<Option<u128>, MathError> {
    Ok(liquidation_legs(user_assets, net_debt_x)?.map(|legs| legs.debt_l))
}

/// §10.5 step 5: `(start, end)` prices in Q128 from the liquidation sqrt price and the span.
/// Rounds down. Error: `Overflow` when `liq/2^88·span` exceeds 256 bits (the reference's
/// checked multiplication reverts); `DivisionByZero` for a zero span (not produced by
/// [`min_sqrt_price_span_q72`], which is at least 2^72).
fn start_and_end_prices_q128(
    liquidation_sqrt_price_q72: u128,
    span_q72: u128,
    net_debt_x: bool,
) -> Result<(U256, U256), MathError> {
    if span_q72 == 0 {
        return Err(MathError::DivisionByZero);
    }
    // A u128 squared fits 256 bits.
    let price_q144 = u256(liquidation_sqrt_price_q72) * u256(liquidation_sqrt_price_q72);
    let span = u256(span_q72);
    // Below 2^128 the product stays below 2^256 (span < 2^128).
    let times_span = if price_q144 < Q128 {
        (price_q144 * span) >> 88usize
    } else {
        (price_q144 >> 88usize).checked_mul(span).ok_or(MathError::Overflow)?
    };
    // Below 2^200 the shift stays below 2^256; above, price/span ≤ 2^184 (span ≥ 1).
    let over_span = if price_q144 < Q200 {
        (price_q144 << 56usize) / span
    } else {
        (price_q144 / span).checked_mul(U256::from(1u8) << 56usize).ok_or(MathError::Overflow)?
    };
    Ok(if net_debt_x { (times_span, over_span) } else { (over_span, times_span) })
}

/// §10.5 step 6 around [`calculate_saturation`], with the reference's failures as errors:
/// `DivisionByZero` for a net-X end sqrt price of 0 (`ceilDiv(2^144, 0)`), `Overflow` when the
/// result does not fit `u128` (the reference's `SafeCast`) and, stricter than the reference,
/// when the debt in X or Y does not fit `u128` (the building block's argument).
fn saturation_at_end(
    debt_x_or_y: U256,
    end_sqrt_price_q72: U256,
    net_debt_x: bool,
) -> Result<u128, MathError> {
    if net_debt_x && end_sqrt_price_q72.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    if debt_x_or_y.is_zero() {
        return Ok(0);
    }
    let debt = to_u128(debt_x_or_y)?;
    // Only a net-Y end price can reach 2^128 (net X ends below the liquidation price, under
    // 2^240 in Q128); the saturation is then at least 2^128·101/((B−1)·100) > u128::MAX.
    let end = to_u128(end_sqrt_price_q72)?;
    match calculate_saturation(debt, end, net_debt_x) {
        u128::MAX => Err(MathError::Overflow),
        saturation => Ok(saturation),
    }
}

/// §10.5 step 7: the end tick, rounded up one tick for net X debt and clamped to
/// `MIN_TICK..=MAX_TICK + 1`. Error: `Overflow` if the round-up exceeds 256 bits (not reachable
/// from [`position_saturation`], whose net-X end price is below 2^240).
fn end_tick_of(end_price_q128: U256, net_debt_x: bool) -> Result<i32, MathError> {
    let price = if !net_debt_x {
        end_price_q128
    } else if end_price_q128 > Q183 {
        (end_price_q128 >> 72usize)
            .checked_mul(u256(B_SQUARED_Q72_MINUS_ONE))
            .ok_or(MathError::Overflow)?
    } else {
        // ≤ 2^183 · < 2^73: fits.
        (end_price_q128 * u256(B_SQUARED_Q72_MINUS_ONE)) >> 72usize
    };
    if price > MAX_PRICE_Q128 {
        Ok(MAX_TICK + 1)
    } else if price < MIN_PRICE_Q128 {
        Ok(MIN_TICK)
    } else {
        tick_at_price_q128(price)
    }
}

/// §10.5 step 8 (`LiquidationPassesMinOrMaxTick`): true when the liquidation would start on the
/// wrong side of the price range, i.e. for net X debt `start > sMin²/2^16` and for net Y debt
/// `start < sMax²/2^16` (the start price is Q128; `sqrt²/2^16` turns a Q72 sqrt price into a
/// Q128 price, rounding down). Callers refuse the position when this is true, unless the
/// check is skipped ([`straddle_skips_range_check`], or a skip the instruction requests).
/// Exact; cannot fail.
pub fn liquidation_passes_range_edge(
    sat: &PositionSaturation,
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> bool {
    let squared_q128 = |s: u128| (u256(s) * u256(s)) >> 16usize;
    if sat.net_debt_x {
        sat.start_price_q128 > squared_q128(sqrt_price_min_q72)
    } else {
        sat.start_price_q128 < squared_q128(sqrt_price_max_q72)
    }
}

/// §10.5 step 1, the straddle rule: a side whose liquidation lies beyond the other side's, on
/// the far side of the price range, could only be reached through the other liquidation, so
/// the range checks are skipped for it. With `x`/`y` the net-X/net-Y liquidation sqrt prices:
/// for net X debt `sMax < y < x`, for net Y debt `y < x < sMin` (strict comparisons, as the
/// reference; a missing price of 0 never satisfies them). Exact; cannot fail.
pub fn straddle_skips_range_check(
    sat: &PositionSaturation,
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> bool {
    let (liquidation, opposite) =
        (sat.liquidation_sqrt_price_q72, sat.opposite_liquidation_sqrt_price_q72);
    if sat.net_debt_x {
        let (x, y) = (liquidation, opposite);
        sqrt_price_max_q72 < y && y < x
    } else {
        let (x, y) = (opposite, liquidation);
        y < x && x < sqrt_price_min_q72
    }
}

/// The reference's `currentTickLimit`, the `minOrMaxTick` of §10.6: the range bound the walk
/// may not place saturation beyond, `min_tick` for net X debt and `max_tick` for net Y debt, or
/// `None` (no bound; the reference's `type(int256).max/min`) when the range check is skipped.
/// Cannot fail.
pub fn range_edge_tick(net_debt_x: bool, skip_range_check: bool, min_tick: i32, max_tick: i32) -> Option<i32> {
    match (skip_range_check, net_debt_x) {
        (true, _) => None,
        (false, true) => Some(min_tick),
        (false, false) => Some(max_tick),
    }
}

/// `restrictUsableTicksForMinOrMaxTick` (§10.6): the usable ticks of `tranche` left once the
/// ticks past `edge_tick` are removed. With `lower = tranche·25`:
/// - net X debt (the walk goes up): an edge inside the tranche (`lower < edge < lower + 25`)
///   removes the `lower + 25 − edge` ticks above it, an edge at or below `lower` removes all;
/// - net Y debt (the walk goes down): an edge inside removes the `edge − lower` ticks below it,
///   an edge at or above `lower + 25` removes all;
///
/// never more than `initial_usable_ticks`; `None` removes nothing. Exact integer arithmetic
/// (on i64, so no input overflows); cannot fail.
pub fn restrict_usable_ticks(
    initial_usable_ticks: i32,
    tranche: i32,
    edge_tick: Option<i32>,
    net_debt_x: bool,
) -> i32 {
    let Some(edge) = edge_tick else {
        return initial_usable_ticks;
    };
    let ticks = i64::from(TICKS_PER_TRANCHE);
    let (initial, edge, lower) =
        (i64::from(initial_usable_ticks), i64::from(edge), i64::from(tranche) * ticks);
    // Truncating remainder, as Solidity's `%`; 0 is impossible for an edge strictly inside.
    let m = edge % ticks;
    let subtract = if net_debt_x && edge < lower + ticks {
        if lower < edge {
            initial.min(if edge < 0 { -m } else { ticks - m })
        } else {
            initial
        }
    } else if !net_debt_x && edge > lower {
        if lower + ticks > edge {
            initial.min(if edge < 0 { ticks + m } else { m })
        } else {
            initial
        }
    } else {
        0
    };
    // The difference lies between the i32 input and 0 (when `subtract == initial`).
    i32::try_from(initial - subtract).unwrap_or(0)
}

/// `SaturationReachesMinOrMaxTick` test of §10.6: the whole tranche lies past the edge (net X:
/// `tranche·25 ≥ edge`; net Y: `(tranche + 1)·25 ≤ edge`).
fn tranche_reaches_edge(tranche: i32, edge_tick: Option<i32>, net_debt_x: bool) -> bool {
    let Some(edge) = edge_tick.map(i64::from) else {
        return false;
    };
    let lower = i64::from(tranche) * i64::from(TICKS_PER_TRANCHE);
    if net_debt_x {
        lower >= edge
    } else {
        lower + i64::from(TICKS_PER_TRANCHE) <= edge
    }
}

/// `calculateEndOfLiquidationAdjustment` (§10.6): `sqrtPrice(m)` in Q72 with
/// `m = (netX ? endTick : −endTick) mod 25` (non-negative), or 2^72 when `m == 0`. It equals
/// `B / b^usable` of the first tranche, so multiplying the remainder by `adj/B` once rescales
/// it from the partially used first tranche. Error: none in practice (`m` is in 1..=24).
fn end_of_liquidation_adjustment_q72(end_tick: i32, net_debt_x: bool) -> Result<u128, MathError> {
    let tick = if net_debt_x { i64::from(end_tick) } else { -i64::from(end_tick) };
    match tick.rem_euclid(i64::from(TICKS_PER_TRANCHE)) {
        0 => Ok(Q72),
        // 1..=24 fits i32.
        m => sqrt_price_q72_at_tick(m as i32),
    }
}

/// Why [`allocate_saturation`] refuses to place a position's saturation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocationError {
    /// Saturation is still left after `N` tranches (dlex's bound; the reference has none).
    TooManyTranches,
    /// The walk would place saturation in a tranche past the price-range edge
    /// (`SaturationReachesMinOrMaxTick`).
    SaturationReachesRangeEdge,
    /// An arithmetic failure of a building block.
    Math(MathError),
}

impl From<MathError> for AllocationError {
    fn from(e: MathError) -> Self {
        AllocationError::Math(e)
    }
}

/// Where the walk put one side of a position: slot `i` is tranche `last_tranche + i·step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrancheAllocation<const N: usize = MAX_WALK_TRANCHES> {
    /// First tranche walked: the one the liquidation ends in (the reference's `lastTranche`).
    pub last_tranche: i32,
    /// +1 for net X debt (walking up toward the price), −1 for net Y debt.
    pub step: i32,
    /// Tranches visited; slots `count..N` are 0. Zero slots below `count` are tranches that
    /// had no room (already full, or no usable ticks left by the range edge).
    pub count: usize,
    /// `satInLAssets` added to each visited tranche.
    pub sat_in_l_assets: [u128; N],
    /// `satRelativeToL` added to each visited tranche (in that tranche's own units).
    pub sat_relative_to_l: [u128; N],
    /// `satInLAssets` left unplaced: what the rescaling floored away once the relative
    /// remainder reached 0, plus everything left when the walk stopped at the tranche range end.
    /// `sat_in_l_assets` summed plus this equals the position's `sat_in_l_assets`.
    pub unplaced_sat_in_l_assets: u128,
    /// `satRelativeToL` left when the walk stopped at the tranche range end, else 0.
    pub unplaced_sat_relative_to_l: u128,
}

impl<const N: usize> TrancheAllocation<N> {
    /// Tranche index of slot `i` (`last_tranche + i·step`), saturating (cannot fail).
    pub fn tranche_at(&self, i: usize) -> i32 {
        let i = i32::try_from(i).unwrap_or(i32::MAX);
        self.last_tranche.saturating_add(i.saturating_mul(self.step))
    }
}

/// `addSatToTranche` (§10.6): walk `sat` into at most `N` consecutive tranches, starting in the
/// tranche the liquidation ends in and moving toward the price (up for net X debt, down for
/// net Y debt). `current_relative[i]` is the `satRelativeToL` tranche `last_tranche + i·step`
/// already holds (entries past the slice's end count as empty tranches, so the caller must
/// hold an account for every slot below the returned `count`); `ratio_mag2` is the account's
/// saturation ratio (the same value as [`position_saturation`]'s threshold); `edge_tick` is
/// [`range_edge_tick`].
///
/// Starting from `(usable, tranche) =` [`usable_ticks_and_last_tranche`]`(endTick, netX)`, with
/// `usable` [restricted](restrict_usable_ticks) by the edge, and `(remRel, remAbs)` the
/// position's saturation, while `remRel > 0`:
/// 1. a tranche wholly past the edge fails with `SaturationReachesRangeEdge`;
/// 2. a tranche outside `[MIN_TRANCHE, MAX_TRANCHE]` ends the walk: the reference simply
///    stops and drops the remainder, and so does this (reported in the `unplaced_*` fields,
///    the walk succeeds);
/// 3. a tranche past the `N`th fails with `TooManyTranches`;
/// 4. `add =` [`tranche_saturation_available`]`(activeL, remRel, current, ratio, usable)`,
///    i.e. `min(remRel, max(ceil(activeL·ratio·usable/2500), current) − current)`; its
///    absolute part is `remAbs` when `add == remRel`, else `floor(add·remAbs/remRel)`; the slot
///    gets both (zero slots included) and they leave the remainder;
/// 5. if `remRel > 0`: `remRel = floor(remRel·adj/B)` with
///    `adj = sqrtPrice((netX ? endTick : −endTick) mod 25)` on the first step only and 2^72
///    after, the tranche moves one step and `usable` becomes 25, restricted by the edge.
///
/// Rounding: the capacity rounds up (as the reference), the absolute split and the rescaling
/// round down, so the slots never hold more than the position's saturation (the sum of the
/// relative parts is at most `sat.sat_relative_to_l`; the absolute parts plus
/// `unplaced_sat_in_l_assets` equal `sat.sat_in_l_assets`). A zero saturation visits nothing
/// (`count == 0`). Errors: the two refusals above, and `Math` (not reachable: every quotient is
/// bounded by its u128 dividend).
pub fn allocate_saturation<const N: usize>(
    sat: &PositionSaturation,
    active_liquidity: u128,
    ratio_mag2: u128,
    current_relative: &[u128],
    edge_tick: Option<i32>,
) -> Result<TrancheAllocation<N>, AllocationError> {
    let net_debt_x = sat.net_debt_x;
    let step = if net_debt_x { 1 } else { -1 };
    let (usable, last_tranche) = usable_ticks_and_last_tranche(sat.end_tick, net_debt_x);
    let mut usable = restrict_usable_ticks(usable, last_tranche, edge_tick, net_debt_x);
    let mut adjustment = end_of_liquidation_adjustment_q72(sat.end_tick, net_debt_x)?;

    let mut out = TrancheAllocation {
        last_tranche,
        step,
        count: 0,
        sat_in_l_assets: [0; N],
        sat_relative_to_l: [0; N],
        unplaced_sat_in_l_assets: 0,
        unplaced_sat_relative_to_l: 0,
    };
    let (mut remaining_relative, mut remaining_absolute) = (sat.sat_relative_to_l, sat.sat_in_l_assets);
    let mut tranche = last_tranche;
    // Every pass fills one slot or leaves the loop, so it runs at most N + 1 times.
    while remaining_relative > 0 {
        if tranche_reaches_edge(tranche, edge_tick, net_debt_x) {
            return Err(AllocationError::SaturationReachesRangeEdge);
        }
        if !(MIN_TRANCHE..=MAX_TRANCHE).contains(&tranche) {
            break;
        }
        let slot = out.count;
        if slot >= N {
            return Err(AllocationError::TooManyTranches);
        }
        let current = current_relative.get(slot).copied().unwrap_or(0);
        let (add_relative, _target) =
            tranche_saturation_available(active_liquidity, remaining_relative, current, ratio_mag2, usable);
        let add_absolute = if add_relative == remaining_relative {
            remaining_absolute
        } else {
            mul_div(add_relative, remaining_absolute, remaining_relative, false)?
        };
        out.sat_relative_to_l[slot] = add_relative;
        out.sat_in_l_assets[slot] = add_absolute;
        out.count = slot + 1;

        // add ≤ remaining for both parts (available ≤ newSat; floor(add·abs/rel) ≤ abs).
        remaining_relative = remaining_relative.checked_sub(add_relative).ok_or(MathError::Underflow)?;
        remaining_absolute = remaining_absolute.checked_sub(add_absolute).ok_or(MathError::Underflow)?;
        if remaining_relative > 0 {
            remaining_relative = mul_div(remaining_relative, adjustment, TRANCHE_B_IN_Q72, false)?;
            adjustment = Q72;
            tranche = tranche.checked_add(step).ok_or(MathError::Overflow)?;
            usable = restrict_usable_ticks(TICKS_PER_TRANCHE, tranche, edge_tick, net_debt_x);
        }
    }
    out.unplaced_sat_in_l_assets = remaining_absolute;
    out.unplaced_sat_relative_to_l = remaining_relative;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::proptest_config as config;
    use proptest::prelude::*;

    const E: u128 = 1_000_000_000_000_000_000;
    const AL: u128 = 10_000 * E;

    // Expected values below were derived with Python big integers by following the spec step by
    // step (§3 tick math bit for bit, getTickAtPrice as "largest t with getPriceAtTick(t) ≤ p",
    // §9.2 netting, §10.4 roots, §10.5 steps 2–7, §10.6 walk with the reference's
    // `restrictUsableTicksForMinOrMaxTick` and `calculateEndOfLiquidationAdjustment`), written
    // independently of the Rust code.

    /// Net X debt: 600 X borrowed against 1000 Y (the `L == 0` root of §10.4).
    const NET_X: [u128; 6] = [0, 0, 1000 * E, 0, 600 * E, 0];
    /// Net Y debt: the mirror image.
    const NET_Y: [u128; 6] = [0, 1000 * E, 0, 0, 0, 600 * E];
    /// Borrowed L against X and Y deposits with two close roots (a straddle): net-X price
    /// above the net-Y price.
    const STRADDLE: [u128; 6] = [0, 1000 * E, 1000 * E, 997 * E, 0, 0];

    fn walk(
        sat: &PositionSaturation,
        active_liquidity: u128,
        current: &[u128],
        edge: Option<i32>,
    ) -> Result<TrancheAllocation, AllocationError> {
        allocate_saturation::<MAX_WALK_TRANCHES>(sat, active_liquidity, 85, current, edge)
    }

    fn slots<const N: usize>(a: &TrancheAllocation<N>) -> Vec<(u128, u128)> {
        (0..a.count).map(|i| (a.sat_in_l_assets[i], a.sat_relative_to_l[i])).collect()
    }

    fn dec(s: &str) -> U256 {
        U256::from_str_radix(s, 10).unwrap()
    }

    fn sat_x() -> PositionSaturation {
        position_saturation(NET_X, AL, 85, true).unwrap().unwrap()
    }

    fn sat_y() -> PositionSaturation {
        position_saturation(NET_Y, AL, 85, false).unwrap().unwrap()
    }

    fn bare(net_debt_x: bool, end_tick: i32, sat_in_l_assets: u128, sat_relative_to_l: u128) -> PositionSaturation {
        PositionSaturation {
            net_debt_x,
            liquidation_sqrt_price_q72: Q72,
            opposite_liquidation_sqrt_price_q72: 0,
            sat_in_l_assets,
            sat_relative_to_l,
            end_tick,
            start_price_q128: U256::ZERO,
        }
    }

    #[test]
    fn constants() {
        assert_eq!(Q183, U256::from(1u8) << 183usize);
        assert_eq!(Q200, U256::from(1u8) << 200usize);
        assert_eq!(Q128, U256::from(1u8) << 128usize);
        // b²·2^72 − 1 with b = 512/511 rounded the reference's way: within one unit of the
        // square of B_IN_Q72.
        let b = U256::from(crate::math::B_IN_Q72);
        assert_eq!((b * b) >> 72usize, U256::from(B_SQUARED_Q72_MINUS_ONE + 1));
    }

    /// Python: s = 3967581441266258350957 (sqrt(51000e18·2^144/100000e18)·100/85), debtL =
    /// 714142842854284999801, collL = 840168050416805882117, span = 5140454920824814131948,
    /// debtX = 600e18, end sqrt = 3802812533102406927360, end tick −110.
    #[test]
    fn net_x_position() {
        let expected = PositionSaturation {
            net_debt_x: true,
            liquidation_sqrt_price_q72: 3967581441266258350957,
            opposite_liquidation_sqrt_price_q72: 0,
            sat_in_l_assets: 714142842854284999801,
            sat_relative_to_l: 15023682574846200078213,
            end_tick: -110,
            start_price_q128: dec("261465045074162429613773018749838941680"),
        };
        assert_eq!(position_saturation(NET_X, AL, 85, true), Ok(Some(expected)));
        // The position has no net-Y liquidation.
        assert_eq!(position_saturation(NET_X, AL, 85, false), Ok(None));
    }

    /// Python: s = 5620740375127199330523, debtL = 714142842854284999800 (the Y leg rounds
    /// up), same span, debtY = 600e18, end sqrt = 5864276769998243955456, end tick 110.
    #[test]
    fn net_y_position() {
        let expected = PositionSaturation {
            net_debt_x: false,
            liquidation_sqrt_price_q72: 5620740375127199330523,
            opposite_liquidation_sqrt_price_q72: 0,
            sat_in_l_assets: 714142842854284999800,
            sat_relative_to_l: 15023682574846200028000,
            end_tick: 110,
            start_price_q128: dec("442858773739612922944658543531941590723"),
        };
        assert_eq!(position_saturation(NET_Y, AL, 85, false), Ok(Some(expected)));
        assert_eq!(position_saturation(NET_Y, AL, 85, true), Ok(None));
    }

    #[test]
    fn no_liquidation_price_is_none() {
        for x in [true, false] {
            // No debt at all, only deposits, and the empty position.
            assert_eq!(position_saturation([5 * E, 5 * E, 5 * E, 0, 0, 0], AL, 85, x), Ok(None));
            assert_eq!(position_saturation([0; 6], AL, 85, x), Ok(None));
            // Deposit L and borrow L: L ≥ 0, X = Y = 0.
            assert_eq!(position_saturation([10 * E, 0, 0, 5 * E, 0, 0], AL, 85, x), Ok(None));
        }
    }

    #[test]
    fn zero_divisors_are_errors() {
        assert_eq!(position_saturation(NET_X, 0, 85, true), Err(MathError::DivisionByZero));
        assert_eq!(position_saturation(NET_X, AL, 0, true), Err(MathError::DivisionByZero));
        assert_eq!(position_saturation(NET_Y, 0, 85, false), Err(MathError::DivisionByZero));
        // A span with no root below 2^128 (activeL of 1 against 714e18 of debt).
        assert_eq!(position_saturation(NET_X, 1, 85, true), Err(MathError::Overflow));
    }

    /// Python: end tick −110 → tranche −5 with 10 usable ticks (capacity
    /// ceil(1e22·85·10/2500) = 3400e18), then full tranches of 8500e18. After the first step
    /// the remainder 11623682574846200078213 is scaled by sqrtPrice(15)/B to
    /// 11398642504967957059925, after the second 2898642504967957059925/B =
    /// 2760375316624679380601.
    #[test]
    fn net_x_walk_three_tranches() {
        let a = walk(&sat_x(), AL, &[], None).unwrap();
        assert_eq!((a.last_tranche, a.step, a.count), (-5, 1, 3));
        assert_eq!(
            slots(&a),
            vec![
                (161617210268396908913, 3400 * E),
                (412019929121660886973, 8500 * E),
                (140505703464227203915, 2760375316624679380601),
            ]
        );
        assert_eq!((a.unplaced_sat_in_l_assets, a.unplaced_sat_relative_to_l), (0, 0));
        assert_eq!((a.tranche_at(0), a.tranche_at(2)), (-5, -3));
        assert_eq!(a.sat_in_l_assets[3], 0);
        // The absolute parts add up to the debt in L.
        assert_eq!(a.sat_in_l_assets.iter().sum::<u128>(), 714142842854284999801);
    }

    /// Python: end tick 110 → tranche 4 with 10 usable ticks, walking down. The first rescale
    /// uses sqrtPrice((−110) mod 25 = 15), as the reference's
    /// `calculateEndOfLiquidationAdjustment` (the spec's shorthand "sqrtPrice(endTick mod 25)"
    /// would give sqrtPrice(10) and 11175… instead of 11398642504967957010685).
    #[test]
    fn net_y_walk_three_tranches() {
        let a = walk(&sat_y(), AL, &[], None).unwrap();
        assert_eq!((a.last_tranche, a.step, a.count), (4, -1, 3));
        assert_eq!(
            slots(&a),
            vec![
                (161617210268396909453, 3400 * E),
                (412019929121660888349, 8500 * E),
                (140505703464227201998, 2760375316624679333710),
            ]
        );
        assert_eq!((a.tranche_at(0), a.tranche_at(2)), (4, 2));
        assert_eq!(a.sat_in_l_assets.iter().sum::<u128>(), 714142842854284999800);
    }

    /// Python: tranches −5 and −4 already hold 1000e18 and 4000e18: the walk adds 2400e18 and
    /// 4500e18 there and the rest, 7503434996951887441679, to tranche −3.
    #[test]
    fn walk_into_partially_filled_tranches() {
        let a = walk(&sat_x(), AL, &[1000 * E, 4000 * E], None).unwrap();
        assert_eq!((a.last_tranche, a.count), (-5, 3));
        assert_eq!(
            slots(&a),
            vec![
                (114082736660044876879, 2400 * E),
                (218128197770291057809, 4500 * E),
                (381931908423949065113, 7503434996951887441679),
            ]
        );
        assert_eq!(a.unplaced_sat_in_l_assets, 0);
    }

    /// Python: with tranche −3 already above capacity (9000e18 > 8500e18) it gets a zero slot
    /// and the walk needs five tranches: refused with four, placed with six.
    #[test]
    fn full_tranche_gets_a_zero_slot_and_too_many_tranches() {
        let current = [1000 * E, 8000 * E, 9000 * E];
        assert_eq!(walk(&sat_x(), AL, &current, None), Err(AllocationError::TooManyTranches));
        let a = allocate_saturation::<6>(&sat_x(), AL, 85, &current, None).unwrap();
        assert_eq!((a.last_tranche, a.count), (-5, 5));
        assert_eq!(
            slots(&a),
            vec![
                (114082736660044876879, 2400 * E),
                (24236466418921228645, 500 * E),
                (0, 0),
                (454329843428815304270, 8500 * E),
                (121493796346503590007, 2164587979356904418996),
            ]
        );
        assert_eq!(a.unplaced_sat_in_l_assets, 0);
        // A saturation far above the pool's capacity needs many tranches.
        let big = bare(true, 0, 1_000_000, 1_000_000_000);
        assert_eq!(walk(&big, 1_000_000, &[], None), Err(AllocationError::TooManyTranches));
        assert_eq!(
            allocate_saturation::<0>(&sat_x(), AL, 85, &[], None),
            Err(AllocationError::TooManyTranches)
        );
    }

    /// The net-X walk ends in tranche −3 = ticks [−75, −50) with 2760e18 left. A range edge at
    /// tick −60 leaves 15 usable ticks there (capacity 5100e18: same slots as without an edge);
    /// at −70 only 5 (capacity 1700e18), so the rest would go to tranche −2, past the edge; at
    /// −75 tranche −3 itself is past it. Net Y mirrors it with edges 60 / 70 / 75.
    #[test]
    fn edge_tick_restricts_and_refuses() {
        let free_x = walk(&sat_x(), AL, &[], None).unwrap();
        assert_eq!(walk(&sat_x(), AL, &[], Some(-60)), Ok(free_x));
        assert_eq!(walk(&sat_x(), AL, &[], Some(-70)), Err(AllocationError::SaturationReachesRangeEdge));
        assert_eq!(walk(&sat_x(), AL, &[], Some(-75)), Err(AllocationError::SaturationReachesRangeEdge));
        // An edge at or below the first tranche refuses at once.
        assert_eq!(walk(&sat_x(), AL, &[], Some(-125)), Err(AllocationError::SaturationReachesRangeEdge));
        let free_y = walk(&sat_y(), AL, &[], None).unwrap();
        assert_eq!(walk(&sat_y(), AL, &[], Some(60)), Ok(free_y));
        assert_eq!(walk(&sat_y(), AL, &[], Some(70)), Err(AllocationError::SaturationReachesRangeEdge));
        assert_eq!(walk(&sat_y(), AL, &[], Some(75)), Err(AllocationError::SaturationReachesRangeEdge));
        // Nothing to place: no tranche is visited, so no edge is reached.
        let empty = bare(true, -110, 0, 0);
        let a = walk(&empty, AL, &[], Some(-1000)).unwrap();
        assert_eq!((a.last_tranche, a.count), (-5, 0));
    }

    /// Python: net X ending at tick 19840 starts in tranche 793 (10 usable ticks, capacity
    /// 3_400_000), fills 794 (8_500_000) and stops at the range end with 922_592_681 relative
    /// (987_933 absolute) unplaced, as the reference does. Net Y at −19840 mirrors it.
    #[test]
    fn walk_stops_at_the_tranche_range_end() {
        for (x, end, first) in [(true, 19840, 793), (false, -19840, -794)] {
            let a = walk(&bare(x, end, 1_000_000, 1_000_000_000), 10_000_000, &[], None).unwrap();
            assert_eq!((a.last_tranche, a.count), (first, 2));
            assert_eq!(slots(&a), vec![(3400, 3_400_000), (8667, 8_500_000)]);
            assert_eq!((a.unplaced_sat_in_l_assets, a.unplaced_sat_relative_to_l), (987_933, 922_592_681));
        }
        // Past the edge beats the range end (the reference checks the edge first).
        let past = bare(true, 19840, 1_000_000, 1_000_000_000);
        assert_eq!(walk(&past, 10_000_000, &[], Some(19_870)), Err(AllocationError::SaturationReachesRangeEdge));
    }

    /// A remainder of 1 is scaled by 1/B to 0: the walk ends and the absolute rest (1) stays
    /// unplaced. Capacity ceil(1000·85·25/2500) = 850, absolute part floor(850·100/851) = 99.
    #[test]
    fn remainder_floored_to_zero() {
        let a = walk(&bare(true, 0, 100, 851), 1000, &[], None).unwrap();
        assert_eq!((a.last_tranche, a.count), (0, 1));
        assert_eq!(slots(&a), vec![(99, 850)]);
        assert_eq!((a.unplaced_sat_in_l_assets, a.unplaced_sat_relative_to_l), (1, 0));
        // Exactly the capacity: all of it, absolute included, in one tranche.
        let a = walk(&bare(true, 0, 100, 850), 1000, &[], None).unwrap();
        assert_eq!(slots(&a), vec![(100, 850)]);
        assert_eq!(a.unplaced_sat_in_l_assets, 0);
    }

    /// Python: the start prices above against `s²/2^16` of the range ticks.
    #[test]
    fn liquidation_range_edge_check() {
        let at = |t| crate::math::sqrt_price_q72_at_tick(t).unwrap();
        // Net X starts at price 0.768: inside a range from tick −60 (price 0.790), past one
        // from −100 (0.676) or −150.
        let x = sat_x();
        assert!(!liquidation_passes_range_edge(&x, at(-60), at(0)));
        assert!(liquidation_passes_range_edge(&x, at(-100), at(0)));
        assert!(liquidation_passes_range_edge(&x, at(-150), at(0)));
        let y = sat_y();
        assert!(!liquidation_passes_range_edge(&y, at(0), at(60)));
        assert!(liquidation_passes_range_edge(&y, at(0), at(100)));
        assert!(liquidation_passes_range_edge(&y, at(0), at(150)));
        // The bound itself is exclusive: a start exactly at sMin²/2^16 passes.
        let mut on_edge = x;
        on_edge.start_price_q128 = (U256::from(at(-60)) * U256::from(at(-60))) >> 16usize;
        assert!(!liquidation_passes_range_edge(&on_edge, at(-60), at(0)));
        on_edge.start_price_q128 += U256::from(1u8);
        assert!(liquidation_passes_range_edge(&on_edge, at(-60), at(0)));
    }

    /// Python: the straddle position's roots are x = 5247728102438813546450 > y =
    /// 4249599972255925599917. Net X skips the checks when sMax < y (tick −100: yes, −10: no);
    /// net Y when x < sMin (tick 60: yes, 50: no). Both sides fit one tranche.
    #[test]
    fn straddle_position() {
        let at = |t| crate::math::sqrt_price_q72_at_tick(t).unwrap();
        let al = 100_000 * E;
        let x = position_saturation(STRADDLE, al, 85, true).unwrap().unwrap();
        let y = position_saturation(STRADDLE, al, 85, false).unwrap().unwrap();
        assert_eq!(
            x,
            PositionSaturation {
                net_debt_x: true,
                liquidation_sqrt_price_q72: 5247728102438813546450,
                opposite_liquidation_sqrt_price_q72: 4249599972255925599917,
                sat_in_l_assets: 97112202712067596760,
                sat_relative_to_l: 1959272095989675136188,
                end_tick: 54,
                start_price_q128: dec("420691620123981155816832918112700547744"),
            }
        );
        assert_eq!(
            y,
            PositionSaturation {
                net_debt_x: false,
                liquidation_sqrt_price_q72: 4249599972255925599917,
                opposite_liquidation_sqrt_price_q72: 5247728102438813546450,
                sat_in_l_assets: 97112202712067596761,
                sat_relative_to_l: 1959272095989675124755,
                end_tick: -54,
                start_price_q128: dec("275242205212434106254543947864275560525"),
            }
        );
        assert!(straddle_skips_range_check(&x, at(-200), at(-100)));
        assert!(!straddle_skips_range_check(&x, at(-200), at(-10)));
        assert!(straddle_skips_range_check(&y, at(60), at(200)));
        assert!(!straddle_skips_range_check(&y, at(50), at(200)));
        // The one-sided positions never skip.
        assert!(!straddle_skips_range_check(&sat_x(), 1, 1));
        assert!(!straddle_skips_range_check(&sat_y(), u128::MAX, u128::MAX));

        let a = allocate_saturation::<4>(&x, al, 85, &[], None).unwrap();
        assert_eq!((a.last_tranche, a.step), (2, 1));
        assert_eq!(slots(&a), vec![(97112202712067596760, 1959272095989675136188)]);
        let a = allocate_saturation::<4>(&y, al, 85, &[], None).unwrap();
        assert_eq!((a.last_tranche, a.step), (-3, -1));
        assert_eq!(slots(&a), vec![(97112202712067596761, 1959272095989675124755)]);
    }

    #[test]
    fn range_edge_tick_picks_the_side() {
        assert_eq!(range_edge_tick(true, false, -7, 9), Some(-7));
        assert_eq!(range_edge_tick(false, false, -7, 9), Some(9));
        assert_eq!(range_edge_tick(true, true, -7, 9), None);
        assert_eq!(range_edge_tick(false, true, -7, 9), None);
    }

    /// Hand-derived from `restrictUsableTicksForMinOrMaxTick`.
    #[test]
    fn restrict_usable_ticks_vectors() {
        // Net X, tranche −3 = ticks [−75, −50): the ticks at and above the edge go.
        assert_eq!(restrict_usable_ticks(25, -3, Some(-60), true), 15);
        assert_eq!(restrict_usable_ticks(25, -3, Some(-70), true), 5);
        assert_eq!(restrict_usable_ticks(10, -3, Some(-60), true), 0);
        assert_eq!(restrict_usable_ticks(25, -3, Some(-75), true), 0);
        assert_eq!(restrict_usable_ticks(25, -3, Some(-50), true), 25);
        assert_eq!(restrict_usable_ticks(25, -1, Some(-10), true), 15);
        assert_eq!(restrict_usable_ticks(25, 0, Some(10), true), 10);
        assert_eq!(restrict_usable_ticks(5, 0, Some(10), true), 0);
        assert_eq!(restrict_usable_ticks(25, 0, Some(-1), true), 0);
        // Net Y, tranche 2 = ticks [50, 75): the ticks below the edge go.
        assert_eq!(restrict_usable_ticks(25, 2, Some(60), false), 15);
        assert_eq!(restrict_usable_ticks(25, 2, Some(70), false), 5);
        assert_eq!(restrict_usable_ticks(10, 2, Some(60), false), 0);
        assert_eq!(restrict_usable_ticks(25, 2, Some(75), false), 0);
        assert_eq!(restrict_usable_ticks(25, 2, Some(50), false), 25);
        assert_eq!(restrict_usable_ticks(25, -1, Some(-10), false), 10);
        assert_eq!(restrict_usable_ticks(25, -1, Some(0), false), 0);
        // No edge, and extreme inputs.
        assert_eq!(restrict_usable_ticks(17, 3, None, true), 17);
        assert_eq!(restrict_usable_ticks(25, i32::MAX, Some(i32::MIN), true), 0);
        assert_eq!(restrict_usable_ticks(25, i32::MIN, Some(i32::MAX), false), 0);
        assert_eq!(restrict_usable_ticks(25, i32::MIN, Some(i32::MIN), true), 25);
    }

    #[test]
    fn extreme_inputs_never_panic() {
        let values = [0, 1, 2, 1000, Q72, 1 << 112, u128::MAX - 1, u128::MAX];
        for x in [true, false] {
            for &a in &values {
                for &b in &values {
                    let u = [a, b, a, b, a, b];
                    let _ = position_saturation(u, b, a, x);
                    let _ = position_saturation([0, a, 0, 0, 0, b], a, 85, x);
                    let _ = position_saturation([0, 0, a, 0, b, 0], b, 90, x);
                    for end in [i32::MIN, MIN_TICK, -1, 0, 24, MAX_TICK + 1, i32::MAX] {
                        for edge in [None, Some(i32::MIN), Some(0), Some(i32::MAX)] {
                            let s = bare(x, end, a, b);
                            let _ = allocate_saturation::<4>(&s, a, b, &[a, b], edge);
                            let _ = allocate_saturation::<4>(&s, b, 85, &[], edge);
                        }
                    }
                }
            }
        }
    }

    fn amount() -> impl Strategy<Value = u128> {
        prop_oneof![Just(0u128), 1u128..(1u128 << 112)]
    }

    /// Below `2^bits`, spread over magnitudes (so small and large values are both common).
    fn magnitude(bits: u32) -> impl Strategy<Value = u128> {
        (0..=bits, any::<u128>()).prop_map(move |(b, v)| v.checked_shr(128 - b).unwrap_or(0))
    }

    proptest! {
        #![proptest_config(config(256))]

        /// Any position: no panic; a found side is consistent (its price, its end tick in
        /// range, a start price on the price side of the liquidation) and walks without panic.
        #[test]
        fn position_saturation_is_total(u in prop::array::uniform6(amount()), al in any::<u128>(),
                                        thr in 0u128..200, x in any::<bool>(),
                                        smin in any::<u128>(), smax in any::<u128>()) {
            if let Ok(Some(s)) = position_saturation(u, al, thr, x) {
                let (px, py) = liquidation_sqrt_prices_q72(u);
                prop_assert_eq!(s.net_debt_x, x);
                prop_assert_eq!(s.liquidation_sqrt_price_q72, if x { px } else { py });
                prop_assert!(s.liquidation_sqrt_price_q72 > 0);
                prop_assert!((MIN_TICK..=MAX_TICK + 1).contains(&s.end_tick));
                // The span is at least 1 (2^72); above 2^128 the net-X start divides first.
                let liq_q144 = u256(s.liquidation_sqrt_price_q72) * u256(s.liquidation_sqrt_price_q72);
                if x {
                    prop_assert!(s.start_price_q128 >= (liq_q144 >> 88usize) << 72usize);
                } else {
                    prop_assert!(s.start_price_q128 <= liq_q144 >> 16usize);
                }
                let _ = liquidation_passes_range_edge(&s, smin, smax);
                let _ = straddle_skips_range_check(&s, smin, smax);
                let _ = allocate_saturation::<4>(&s, al, thr, &[], range_edge_tick(x, false, -100, 100));
            }
        }

        /// The debt cap's shortcut equals the full computation: wherever `position_saturation`
        /// answers, `saturation_in_l_assets` gives its `sat_in_l_assets` (or `None` with it).
        #[test]
        fn saturation_in_l_assets_is_the_full_computations(u in prop::array::uniform6(amount()), al in 1u128..(1u128 << 110),
                                                            x in any::<bool>()) {
            match position_saturation(u, al, 85, x) {
                Ok(Some(s)) => prop_assert_eq!(saturation_in_l_assets(u, x), Ok(Some(s.sat_in_l_assets))),
                Ok(None) => prop_assert_eq!(saturation_in_l_assets(u, x), Ok(None)),
                Err(_) => {}
            }
        }

        /// A typical net-X position (Y collateral, X debt at 1%..80% of it) always has a
        /// liquidation side, and its saturation is found unless the pool is too small.
        #[test]
        fn borrowing_x_against_y_is_net_x(dy in 1_000_000u128..(1u128 << 100), pct in 1u128..80,
                                          al in 1u128..(1u128 << 110)) {
            let u = [0, 0, dy, 0, dy * pct / 100 + 1, 0];
            match position_saturation(u, al, 85, true) {
                Ok(Some(s)) => prop_assert!(s.sat_in_l_assets > 0 && s.sat_relative_to_l > 0),
                Ok(None) => prop_assert!(false, "no net-X liquidation price"),
                Err(e) => prop_assert_eq!(e, MathError::Overflow),
            }
            prop_assert_eq!(position_saturation(u, al, 85, false), Ok(None));
        }

        /// The walk's invariants: no slot pushes a tranche over `max(capacity, current)`; the
        /// relative parts add up to at most the position's (the `adj/B` rescaling shrinks the
        /// remainder, so not to it); the absolute parts plus the unplaced rest add up exactly
        /// to the position's; relative saturation is left over only at the tranche range end;
        /// and a larger bound changes nothing but turns `TooManyTranches` into more slots.
        #[test]
        fn walk_invariants(end_tick in -20_000i32..20_000, x in any::<bool>(),
                           rel in magnitude(100), abs in magnitude(100),
                           al in magnitude(96), ratio in 0u128..=90,
                           cur in prop::array::uniform4(prop_oneof![Just(0u128), magnitude(98)]),
                           edge in proptest::option::of(-20_000i32..20_000)) {
            let sat = bare(x, end_tick, abs, rel);
            let four = allocate_saturation::<4>(&sat, al, ratio, &cur, edge);
            let eight = allocate_saturation::<8>(&sat, al, ratio, &cur, edge);
            let full_capacity = (al * ratio * 25).div_ceil(2500);
            match four {
                Ok(a) => {
                    prop_assert!(a.count <= 4);
                    prop_assert_eq!(a.step, if x { 1 } else { -1 });
                    for (i, &current) in cur.iter().enumerate() {
                        if i < a.count {
                            prop_assert!(current + a.sat_relative_to_l[i] <= current.max(full_capacity));
                            if a.sat_relative_to_l[i] == 0 {
                                prop_assert_eq!(a.sat_in_l_assets[i], 0);
                            }
                        } else {
                            prop_assert_eq!((a.sat_in_l_assets[i], a.sat_relative_to_l[i]), (0, 0));
                        }
                    }
                    prop_assert!(a.sat_relative_to_l.iter().sum::<u128>() <= rel);
                    prop_assert_eq!(a.sat_in_l_assets.iter().sum::<u128>() + a.unplaced_sat_in_l_assets, abs);
                    if a.unplaced_sat_relative_to_l > 0 {
                        prop_assert!(!(MIN_TRANCHE..=MAX_TRANCHE).contains(&a.tranche_at(a.count)));
                    }
                    if rel == 0 {
                        prop_assert_eq!(a.count, 0);
                    }
                    let b = eight.unwrap();
                    prop_assert_eq!(
                        (b.last_tranche, b.count, b.unplaced_sat_in_l_assets, b.unplaced_sat_relative_to_l),
                        (a.last_tranche, a.count, a.unplaced_sat_in_l_assets, a.unplaced_sat_relative_to_l)
                    );
                    prop_assert_eq!(&b.sat_relative_to_l[..4], &a.sat_relative_to_l[..]);
                    prop_assert_eq!(&b.sat_in_l_assets[..4], &a.sat_in_l_assets[..]);
                }
                Err(AllocationError::TooManyTranches) => match eight {
                    Ok(b) => prop_assert!(b.count > 4),
                    Err(e) => prop_assert!(e != AllocationError::Math(MathError::Overflow)),
                },
                Err(AllocationError::SaturationReachesRangeEdge) => {
                    prop_assert_eq!(eight, Err(AllocationError::SaturationReachesRangeEdge));
                }
                Err(AllocationError::Math(e)) => prop_assert!(false, "math error {:?}", e),
            }
        }
    }
}
