//! Lending math (spec §4.6, §7.1–§7.4): the up-front lending fee, the protocol share of
//! interest, the three-tier rate curve, utilization (and its saturation mutation), the Morpho
//! third-order Taylor compounding, the capped interest for a duration, and the full interest
//! accrual step on a plain struct of totals.

use ruint::aliases::U256;

use super::full_math::{ceil_div_u256, mul_div_u256, to_u128, u256};
use super::tick_math::{sqrt_price_q72_at_tick, B_IN_Q72, Q72};
use super::swap::{depletion_adjusted_active_liquidity, missing_assets};
use super::{MathError, MAX_AMOUNT, WAD};

/// Index of DEPOSIT_L in a six-total array.
pub const DEPOSIT_L: usize = 0;
/// Index of DEPOSIT_X.
pub const DEPOSIT_X: usize = 1;
/// Index of DEPOSIT_Y.
pub const DEPOSIT_Y: usize = 2;
/// Index of BORROW_L.
pub const BORROW_L: usize = 3;
/// Index of BORROW_X.
pub const BORROW_X: usize = 4;
/// Index of BORROW_Y.
pub const BORROW_Y: usize = 5;

/// Up-front fee on every new debt, in bips.
pub const INITIAL_LENDING_FEE_BIPS: u128 = 5;
/// Protocol share of accrued interest, in percent.
pub const LENDING_FEE_RATE: u128 = 10;
/// Seconds per year used by the rate curve.
pub const SECONDS_IN_YEAR: u128 = 31_536_000;
/// L-borrow interest is this multiple of the X/Y curve.
pub const LIQUIDITY_INTEREST_RATE_MAGNIFICATION: u128 = 5;
/// Kink 1 of the rate curve (80%).
pub const OPTIMAL_UTILIZATION: u128 = 800_000_000_000_000_000;
/// Kink 2 of the rate curve (92.5%).
pub const DANGER_UTILIZATION: u128 = 925_000_000_000_000_000;
/// Slope below the optimal utilization.
pub const SLOPE1: u128 = 100_000_000_000_000_000;
/// Slope between the kinks.
pub const SLOPE2: u128 = 2_000_000_000_000_000_000;
/// Slope above the danger utilization.
pub const SLOPE3: u128 = 20_000_000_000_000_000_000;
/// Annual rate at the optimal utilization (8%).
pub const BASE_OPTIMAL_UTILIZATION: u128 = 80_000_000_000_000_000;
/// Annual rate at the danger utilization (33%).
pub const BASE_DANGER_UTILIZATION: u128 = 330_000_000_000_000_000;
/// Utilization ceiling used by the saturation mutation (90%).
pub const MAX_UTILIZATION_PERCENT_IN_WAD: u128 = 900_000_000_000_000_000;
/// Saturation at which the L utilization is pinned to 90% (95%).
pub const MAX_SATURATION_PERCENT_IN_WAD: u128 = 950_000_000_000_000_000;
/// Saturation below which the L utilization is not mutated (85%).
pub const PENALTY_SATURATION_PERCENT_IN_WAD: u128 = 850_000_000_000_000_000;
/// `MAX_SATURATION_PERCENT − PENALTY_SATURATION_PERCENT` (10%).
pub const SATURATION_PENALTY_BUFFER_IN_WAD: u128 = 100_000_000_000_000_000;

/// Initial lending fee `ceil(principal·5/10_000)` (D1). Rounds up: favors the protocol.
/// Cannot fail (computed on 256 bits; the fee is below the principal for principal ≥ 1).
pub fn lending_fee(principal: u128) -> u128 {
    ceil_div_u256(u256(principal) * u256(INITIAL_LENDING_FEE_BIPS), u256(super::BIPS))
        .ok()
        .and_then(|v| to_u128(v).ok())
        .unwrap_or(u128::MAX)
}

/// Protocol share of interest `ceil(interest·10/100)` (D3). Rounds up: favors the protocol.
/// Cannot fail.
pub fn protocol_fee_share(interest: u128) -> u128 {
    ceil_div_u256(u256(interest) * u256(LENDING_FEE_RATE), u256(100))
        .ok()
        .and_then(|v| to_u128(v).ok())
        .unwrap_or(u128::MAX)
}

/// `wMulDown(a, b) = floor(a·b/1e18)` on 256 bits.
fn w_mul_down(a: U256, b: u128) -> U256 {
    a * u256(b) / u256(WAD)
}

/// Annual rate in WAD for a utilization in WAD (§7.1, before the division by the year):
/// `u·0.1` up to 80%, then `0.08 + (u−0.8)·2` up to 92.5%, then `0.33 + (u−0.925)·20`.
/// Each `wMulDown` rounds down. Cannot fail; saturates at `u128::MAX` for absurd utilizations
/// (above ~1.7e19 WAD), which no pool state can produce.
pub fn annual_interest_rate_wad(utilization_wad: u128) -> u128 {
    let u = u256(utilization_wad);
    let rate = if utilization_wad <= OPTIMAL_UTILIZATION {
        w_mul_down(u, SLOPE1)
    } else if utilization_wad <= DANGER_UTILIZATION {
        w_mul_down(u - u256(OPTIMAL_UTILIZATION), SLOPE2) + u256(BASE_OPTIMAL_UTILIZATION)
    } else {
        w_mul_down(u - u256(DANGER_UTILIZATION), SLOPE3) + u256(BASE_DANGER_UTILIZATION)
    };
    to_u128(rate).unwrap_or(u128::MAX)
}

/// `getAnnualInterestRatePerSecondInWads`: `floor(annual(u)/31_536_000)` (E1). Rounds down.
pub fn interest_rate_per_second_wad(utilization_wad: u128) -> u128 {
    annual_interest_rate_wad(utilization_wad) / SECONDS_IN_YEAR
}

/// 256-bit utilization, `deposited > 0 ? ceil(borrowed·1e18/deposited) : 0`.
fn utilization_wad_u256(borrowed: U256, deposited: U256) -> U256 {
    if deposited.is_zero() {
        return U256::ZERO;
    }
    mul_div_u256(borrowed, u256(WAD), deposited, true).unwrap_or(U256::MAX)
}

/// `getUtilizationInWads(borrowed, deposited) = deposited > 0 ? ceil(borrowed·1e18/deposited)
/// : 0` (§7.2). Rounds up: favors lenders (a higher rate). Cannot fail; saturates at
/// `u128::MAX` when borrowed exceeds deposited by a factor above ~3.4e20.
pub fn utilization_wad(borrowed: u128, deposited: u128) -> u128 {
    to_u128(utilization_wad_u256(u256(borrowed), u256(deposited))).unwrap_or(u128::MAX)
}

/// `mutateUtilizationForSaturation(u, s)` (§7.2): `u` if `u ≥ 90%` or `s ≤ 85%`; 90% if
/// `s ≥ 95%`; else `min(max(0.9 − floor((0.95 − s)(0.9 − u)/0.1), u), 0.9)` (the subtracted
/// term rounds down, i.e. the utilization rounds up). Cannot fail.
pub fn utilization_for_saturation(utilization_wad: u128, saturation_wad: u128) -> u128 {
    if utilization_wad >= MAX_UTILIZATION_PERCENT_IN_WAD
        || saturation_wad <= PENALTY_SATURATION_PERCENT_IN_WAD
    {
        return utilization_wad;
    }
    if saturation_wad >= MAX_SATURATION_PERCENT_IN_WAD {
        return MAX_UTILIZATION_PERCENT_IN_WAD;
    }
    // Both factors are below 0.1e18 and 0.9e18, so the product fits u128 comfortably.
    let cut = (MAX_SATURATION_PERCENT_IN_WAD - saturation_wad)
        * (MAX_UTILIZATION_PERCENT_IN_WAD - utilization_wad)
        / SATURATION_PENALTY_BUFFER_IN_WAD;
    let adjusted = MAX_UTILIZATION_PERCENT_IN_WAD - cut;
    adjusted.max(utilization_wad).min(MAX_UTILIZATION_PERCENT_IN_WAD)
}

/// Morpho `wTaylorCompounded(x, n)` on 256 bits, as the reference computes it:
/// `x·n + floor((x·n)²/2e18) + floor(floor((x·n)²/2e18)·(x·n)/3e18)`. `None` only when a term
/// or the sum exceeds 256 bits (the growth factor is then above ~2^195, i.e. astronomically
/// beyond anything a uint112 total can absorb). `x·n` itself always fits (< 2^192).
pub(crate) fn w_taylor_compounded_u256(rate_per_second_wad: u128, duration: u64) -> Option<U256> {
    let first = u256(rate_per_second_wad) * U256::from(duration);
    let second = mul_div_u256(first, first, u256(2 * WAD), false).ok()?;
    let third = mul_div_u256(second, first, u256(3 * WAD), false).ok()?;
    first.checked_add(second)?.checked_add(third)
}

/// Morpho `wTaylorCompounded(x, n)`: `e^(x·n) − 1` to third order, each term rounded down:
/// `x·n + floor((x·n)²/2e18) + floor(floor((x·n)²/2e18)·(x·n)/3e18)`. Rounds down: favors
/// borrowers by at most a few wei. Error: `Overflow` if a term exceeds 256 bits or the sum
/// exceeds `u128` (interest itself is computed from the 256-bit factor and never fails).
pub fn w_taylor_compounded(rate_per_second_wad: u128, duration: u64) -> Result<u128, MathError> {
    to_u128(w_taylor_compounded_u256(rate_per_second_wad, duration).ok_or(MathError::Overflow)?)
}

/// Uncapped interest `floor(wTaylor(rate, d)·borrowed/1e18)` on 256 bits. Where the product
/// does not fit 256 bits it returns `U256::MAX`: the true value is then at least ~2^135 (a
/// growth factor ≥ 2^195 times borrowed ≥ 1, over 1e18), far above any uint112 cap, so every
/// caller's `min(·, cap)` is still exact. Rounds down.
fn uncapped_interest(duration: u64, rate_per_second_wad: u128, borrowed: u128) -> U256 {
    if borrowed == 0 {
        return U256::ZERO;
    }
    w_taylor_compounded_u256(rate_per_second_wad, duration)
        .and_then(|growth| growth.checked_mul(u256(borrowed)))
        .map_or(U256::MAX, |product| product / u256(WAD))
}

/// The uint112 interest cap `(2^112−1) − max(deposited, reserve, borrowed)`, 0 when a total
/// already reaches 2^112−1.
fn interest_cap(reserve: u128, borrowed: u128, deposited: u128) -> u128 {
    MAX_AMOUNT.saturating_sub(deposited.max(reserve).max(borrowed))
}

/// `min(interest, cap)` for a 256-bit interest; the result fits because `cap ≤ 2^112−1`.
fn min_with_cap(interest: U256, cap: u128) -> u128 {
    to_u128(interest.min(u256(cap))).unwrap_or(cap)
}

/// Interest for `duration` at a per-second rate (§7.4 `interest` / `computeInterestAssetsGivenRate`):
/// `min(floor(wTaylor(rate, d)·borrowed/1e18), (2^112−1) − max(deposited, reserve, borrowed))`,
/// with the growth factor and the product on 256 bits as in the reference. Rounds down: favors
/// borrowers by < 1 wei. The cap keeps every total within uint112. Cannot fail: a cap below
/// zero (totals already above 2^112−1) gives 0, and a product beyond 256 bits (true interest
/// astronomically above the cap) gives the cap.
pub fn interest_for_duration_given_rate(
    duration: u64,
    rate_per_second_wad: u128,
    reserve: u128,
    borrowed: u128,
    deposited: u128,
) -> u128 {
    min_with_cap(
        uncapped_interest(duration, rate_per_second_wad, borrowed),
        interest_cap(reserve, borrowed, deposited),
    )
}

/// L-borrow interest (§7.4 `I_L`, with the ×5 magnification applied BEFORE the uint112 cap,
/// as review M-2 requires): `min(5·floor(wTaylor(rate(u), d)·BL/1e18), (2^112−1) − max(DL, 0, BL))`.
/// Applying it after the cap (`5·min(raw, cap)`) could add up to 5× the headroom and push
/// BORROW_L past 2^112−1 (review M-2). `deposited_l` may exceed `u128` only for non-uint112
/// inputs; it is taken as 256-bit. Rounds down. Cannot fail.
fn liquidity_interest_for_duration(
    duration: u64,
    utilization_wad: u128,
    borrowed_l: u128,
    deposited_l: U256,
) -> u128 {
    let raw = uncapped_interest(duration, interest_rate_per_second_wad(utilization_wad), borrowed_l);
    let magnified = raw.saturating_mul(u256(LIQUIDITY_INTEREST_RATE_MAGNIFICATION));
    let cap = interest_cap(0, borrowed_l, to_u128(deposited_l).unwrap_or(u128::MAX));
    min_with_cap(magnified, cap)
}

/// Interest for `duration` at the rate of `utilization_wad` (§7.4 `interest(d, u, R, Bo, De)`),
/// i.e. [`interest_for_duration_given_rate`] with `interest_rate_per_second_wad(u)`.
/// Rounds down. Cannot fail.
pub fn interest_for_duration(
    duration: u64,
    utilization_wad: u128,
    reserve: u128,
    borrowed: u128,
    deposited: u128,
) -> u128 {
    interest_for_duration_given_rate(
        duration,
        interest_rate_per_second_wad(utilization_wad),
        reserve,
        borrowed,
        deposited,
    )
}

/// Inputs of [`accrue_interest`]: the pair's totals before accrual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InterestAccrualInput {
    /// Asset totals `[DEPOSIT_L, DEPOSIT_X, DEPOSIT_Y, BORROW_L, BORROW_X, BORROW_Y]`.
    /// `DEPOSIT_L` is ignored: it is derived as depletion-adjusted active L + BORROW_L.
    pub assets: [u128; 6],
    /// AMM reserve of X.
    pub reserve_x: u128,
    /// AMM reserve of Y.
    pub reserve_y: u128,
    /// Seconds since the last lending checkpoint (Δl).
    pub duration: u64,
    /// Geometric TWAP tick since the last lending checkpoint.
    pub lending_tick: i32,
    /// Saturation percentage in WAD (`getSatPercentageInWads`).
    pub sat_percentage_wad: u128,
}

/// Outputs of [`accrue_interest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InterestAccrualOutput {
    /// New totals `[DEPOSIT_L, DEPOSIT_X, DEPOSIT_Y, BORROW_L, BORROW_X, BORROW_Y]`.
    /// `DEPOSIT_L` (active L + BORROW_L, saturated at 2^112−1) already counts the L protocol
    /// fee (it is inside BORROW_L). `DEPOSIT_X/Y`
    /// do NOT yet include `protocol_fees[1]/[2]`: the caller mints the fee shares against these
    /// totals (`shares = ceil(fee·S/A)`) and then adds the fee, as the reference does.
    pub assets: [u128; 6],
    /// New reserve of X (old reserve + the LP share of X interest).
    pub reserve_x: u128,
    /// New reserve of Y.
    pub reserve_y: u128,
    /// Protocol fees `[L, X, Y]` to mint as deposit shares to `feeTo`.
    pub protocol_fees: [u128; 3],
}

/// `getReservesAtTick(L, t)` (§7.3) on 256 bits: `sMax = ceil(sMin·B_IN_Q72/2^72)`,
/// `x = max(floor(L·sMin/2^72), 1)`, `y = max(floor(L·2^72/sMax), 1)`. Identical to
/// `liquidity::reserves_at_tick` wherever that fits `u128`; at extreme ticks with a large L
/// (x up to ~2^184) it does not, and accrual must not fail there. Every product fits 256 bits
/// (`sMin < 2^128`, `L < 2^128`). Error: `TickOutOfRange`.
fn reserves_at_tick_u256(liquidity: u128, tick: i32) -> Result<(U256, U256), MathError> {
    let q72 = u256(Q72);
    let s_min = u256(sqrt_price_q72_at_tick(tick)?);
    let s_max = (s_min * u256(B_IN_Q72) + q72 - U256::from(1u8)) / q72;
    let x = u256(liquidity) * s_min / q72;
    let y = u256(liquidity) * q72 / s_max;
    Ok((x.max(U256::from(1u8)), y.max(U256::from(1u8))))
}

/// `ceil(missing·activeL/avgReserve)`, 0 when nothing is missing; 256-bit.
fn missing_in_l(missing: u128, active_l: u128, avg_reserve: U256) -> U256 {
    if missing == 0 {
        return U256::ZERO;
    }
    // avg_reserve >= 1 (getReservesAtTick floors at 1).
    ceil_div_u256(u256(missing) * u256(active_l), avg_reserve).unwrap_or(U256::MAX)
}

/// LP part of the net X (or Y) interest, `floor(net·avg/(D + avg))`, computed exactly as
/// `net − ceil(net·D/(D + avg))` (the two are equal: `net·avg = net·(D + avg) − net·D`), so the
/// product stays below 2^240 even when `avg` is far above uint112 (an extreme lending tick).
/// Rounds down (the LP share); `D + avg ≥ 1` because `avg ≥ 1`. Cannot fail.
fn lp_interest_share(net: u128, deposits: u128, avg_reserve: U256) -> u128 {
    let denominator = u256(deposits) + avg_reserve;
    let to_deposits = (u256(net) * u256(deposits) + denominator - U256::from(1u8)) / denominator;
    // to_deposits <= net because deposits <= denominator.
    net - to_u128(to_deposits).unwrap_or(net)
}

/// The utilizations one accrual charges at (§7.2), in WAD: L (with missing X/Y converted to L
/// at the lending-tick reserves, then mutated for saturation), X and Y (borrowed over deposits
/// plus the average reserve at the lending tick). The rate of each is
/// [`annual_interest_rate_wad`] of it (five times that for L).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Utilizations {
    pub l: u128,
    pub x: u128,
    pub y: u128,
}

/// What [`accrue_interest`] derives from its input before charging anything.
struct AccrualBasis {
    /// Derived DEPOSIT_L: depletion-adjusted active L + BORROW_L.
    dl: U256,
    /// Average reserves at the lending tick.
    avg_x: U256,
    avg_y: U256,
    utilizations: Utilizations,
}

fn accrual_basis(input: &InterestAccrualInput) -> Result<AccrualBasis, MathError> {
    let a = input.assets;
    let (dx, dy, bl, bx, by) = (a[DEPOSIT_X], a[DEPOSIT_Y], a[BORROW_L], a[BORROW_X], a[BORROW_Y]);
    let mx = missing_assets(dx, bx);
    let my = missing_assets(dy, by);
    let active_l = depletion_adjusted_active_liquidity(input.reserve_x, input.reserve_y, mx, my);
    let dl = u256(active_l) + u256(bl);
    let (avg_x, avg_y) = reserves_at_tick_u256(active_l, input.lending_tick)?;

    let miss_l = missing_in_l(mx, active_l, avg_x).max(missing_in_l(my, active_l, avg_y));
    let u_l_raw = utilization_wad_u256(u256(bl).saturating_add(miss_l), dl);
    let l = utilization_for_saturation(to_u128(u_l_raw).unwrap_or(u128::MAX), input.sat_percentage_wad);
    let x = to_u128(utilization_wad_u256(u256(bx), u256(dx) + avg_x)).unwrap_or(u128::MAX);
    let y = to_u128(utilization_wad_u256(u256(by), u256(dy) + avg_y)).unwrap_or(u128::MAX);
    Ok(AccrualBasis { dl, avg_x, avg_y, utilizations: Utilizations { l, x, y } })
}

/// The utilizations [`accrue_interest`] would charge at for `input` (its duration is not
/// used). Error: `TickOutOfRange` for a lending tick outside the tick-math range.
pub fn utilizations(input: &InterestAccrualInput) -> Result<Utilizations, MathError> {
    Ok(accrual_basis(input)?.utilizations)
}

/// One interest accrual (`accrueInterestWithAssets`, §7.4), as a pure function:
/// active L from the depletion-adjusted reserves; average reserves at the lending tick;
/// utilizations (L mutated for saturation); interest per asset with the uint112 cap (for L the
/// ×5 is applied before the cap, M-2); protocol fee `ceil(I·10%)` taken out of each; the LP
/// part of X/Y interest `floor(I·avg/(D + avg))` moves to the reserves; borrows grow by the
/// gross interest.
/// Rounding: interest and LP shares round down, fees round up (favor the protocol).
///
/// Never fails on arithmetic, for any totals and reserves: every intermediate is 256-bit and
/// the interest caps keep each new stored total and reserve within 2^112−1 whenever the input
/// ones are (`new = old + I ≤ old + (2^112−1 − old)`; the X/Y deposits still fit once the caller
/// adds `protocol_fees`, since `D + (I − lp) ≤ D + I`). Once a total reaches the cap, interest
/// on it stops accruing (as in the reference). The derived DEPOSIT_L output (active L + BL)
/// is reported saturated at 2^112−1; the caller re-derives it from the stored state anyway.
/// Error: `TickOutOfRange` for a lending tick outside the tick-math range.
pub fn accrue_interest(input: &InterestAccrualInput) -> Result<InterestAccrualOutput, MathError> {
    let a = input.assets;
    let (dx, dy, bl, bx, by) = (a[DEPOSIT_X], a[DEPOSIT_Y], a[BORROW_L], a[BORROW_X], a[BORROW_Y]);
    let (rx, ry) = (input.reserve_x, input.reserve_y);
    let d = input.duration;
    let AccrualBasis { dl, avg_x, avg_y, utilizations: Utilizations { l: u_l, x: u_x, y: u_y } } = accrual_basis(input)?;

    let gross_l = liquidity_interest_for_duration(d, u_l, bl, dl);
    let gross_x = interest_for_duration(d, u_x, rx, bx, dx);
    let gross_y = interest_for_duration(d, u_y, ry, by, dy);

    let fee_l = protocol_fee_share(gross_l);
    let fee_x = protocol_fee_share(gross_x);
    let fee_y = protocol_fee_share(gross_y);
    // ceil(I/10) <= I, so these cannot underflow.
    let net_x = gross_x - fee_x;
    let net_y = gross_y - fee_y;

    let lp_x = lp_interest_share(net_x, dx, avg_x);
    let lp_y = lp_interest_share(net_y, dy, avg_y);

    // None of these additions can saturate: each interest is at most
    // (2^112−1) − max(total, reserve, borrowed) (0 for a total already above it), lp <= net
    // <= gross, and DL >= BL. Saturating adds only make "cannot panic" evident.
    let new_dx = dx.saturating_add(net_x - lp_x);
    let new_dy = dy.saturating_add(net_y - lp_y);
    let new_bl = bl.saturating_add(gross_l);
    let new_bx = bx.saturating_add(gross_x);
    let new_by = by.saturating_add(gross_y);
    let new_rx = rx.saturating_add(lp_x);
    let new_ry = ry.saturating_add(lp_y);

    // DEPOSIT_L is re-derived with the X/Y fees already counted as deposits.
    let new_mx = missing_assets(new_dx.saturating_add(fee_x), new_bx);
    let new_my = missing_assets(new_dy.saturating_add(fee_y), new_by);
    let new_dl = depletion_adjusted_active_liquidity(new_rx, new_ry, new_mx, new_my)
        .saturating_add(new_bl)
        .min(MAX_AMOUNT);

    Ok(InterestAccrualOutput {
        assets: [new_dl, new_dx, new_dy, new_bl, new_bx, new_by],
        reserve_x: new_rx,
        reserve_y: new_ry,
        protocol_fees: [fee_l, fee_x, fee_y],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::liquidity::reserves_at_tick;
    use crate::math::tick_math::{MAX_TICK, MIN_TICK};
    use proptest::prelude::*;

    const E: u128 = WAD;

    use crate::math::proptest_config as config;

    #[test]
    fn d1_lending_fee() {
        assert_eq!(lending_fee(100_000), 50);
        assert_eq!(100_000 + lending_fee(100_000), 100_050);
        assert_eq!(lending_fee(99), 1);
        assert_eq!(99 + lending_fee(99), 100);
        assert_eq!(lending_fee(1), 1);
        assert_eq!(lending_fee(0), 0);
        // A total debt of 1 is unreachable: principal 0 → 0, principal 1 → 2.
        assert!((0..10u128).all(|p| p + lending_fee(p) != 1));
        assert_eq!(lending_fee(u128::MAX), u128::MAX / 2000 + 1);
    }

    #[test]
    fn d3_protocol_fee() {
        assert_eq!(protocol_fee_share(0), 0);
        assert_eq!(protocol_fee_share(1), 1);
        assert_eq!(protocol_fee_share(MAX_AMOUNT), 519229685853482762853049632922010);
        assert_eq!(protocol_fee_share(10), 1);
        assert_eq!(protocol_fee_share(11), 2);
        assert_eq!(protocol_fee_share(u128::MAX), u128::MAX / 10 + 1);
    }

    #[test]
    fn e1_rates() {
        let cases: [(u128, u128, u128); 7] = [
            (0, 0, 0),
            (E / 2, 50000000000000000, 1585489599),
            (8 * E / 10, 80000000000000000, 2536783358),
            (9 * E / 10, 280000000000000000, 8878741755),
            (925 * E / 1000, 330000000000000000, 10464231354),
            (95 * E / 100, 830000000000000000, 26319127346),
            (E, 1830000000000000000, 58028919330),
        ];
        for (u, annual, per_sec) in cases {
            assert_eq!(annual_interest_rate_wad(u), annual, "u {u}");
            assert_eq!(interest_rate_per_second_wad(u), per_sec, "u {u}");
        }
        assert_eq!(annual_interest_rate_wad(u128::MAX), u128::MAX);
        // (2 − 0.925)·20 + 0.33 = 21.83: the curve keeps rising above 100%.
        assert_eq!(annual_interest_rate_wad(2 * E), 21_830_000_000_000_000_000);
    }

    #[test]
    fn utilization_cases() {
        assert_eq!(utilization_wad(1, 0), 0);
        assert_eq!(utilization_wad(0, 5), 0);
        assert_eq!(utilization_wad(1, 3), 333333333333333334);
        assert_eq!(utilization_wad(9, 10), 9 * E / 10);
        assert_eq!(utilization_wad(u128::MAX, 1), u128::MAX);
        // Saturation mutation.
        assert_eq!(utilization_for_saturation(E / 2, 85 * E / 100), E / 2);
        assert_eq!(utilization_for_saturation(95 * E / 100, 94 * E / 100), 95 * E / 100);
        assert_eq!(utilization_for_saturation(E / 2, 95 * E / 100), 9 * E / 10);
        // s = 0.9: 0.9 − floor(0.05·0.4/0.1) = 0.9 − 0.2 = 0.7.
        assert_eq!(utilization_for_saturation(E / 2, 9 * E / 10), 7 * E / 10);
        // s just above 0.85: cut = floor((0.1e18 − 1)·0.8e18/0.1e18) = 0.8e18 − 8.
        assert_eq!(utilization_for_saturation(E / 10, 85 * E / 100 + 1), E / 10 + 8);
        assert_eq!(utilization_for_saturation(0, 85 * E / 100 + 1), 9);
    }

    #[test]
    fn taylor_and_interest() {
        assert_eq!(w_taylor_compounded(0, 1000), Ok(0));
        assert_eq!(w_taylor_compounded(E, 1), Ok(E + E / 2 + E / 6));
        assert_eq!(w_taylor_compounded(1585489599, 31_536_000), Ok(51270833327093113));
        assert_eq!(w_taylor_compounded(u128::MAX, u64::MAX), Err(MathError::Overflow));
        // 1000e18 borrowed for a year at 50% utilization.
        let i = interest_for_duration(31_536_000, E / 2, 0, 1000 * E, 2000 * E);
        assert_eq!(i, 51270833327093113000);
        // Cap: (2^112 − 1) − max(deposited, reserve, borrowed).
        assert_eq!(interest_for_duration(31_536_000, E, MAX_AMOUNT - 5, 1000 * E, 0), 5);
        assert_eq!(interest_for_duration(31_536_000, E, 0, MAX_AMOUNT, 0), 0);
        assert_eq!(interest_for_duration(31_536_000, E, 0, u128::MAX, u128::MAX), 0);
        assert_eq!(interest_for_duration_given_rate(u64::MAX, u128::MAX, 0, 1, 0), MAX_AMOUNT - 1);
        assert_eq!(interest_for_duration_given_rate(u64::MAX, u128::MAX, 0, 0, 0), 0);
    }

    #[test]
    fn accrual_no_debt_is_identity() {
        let input = InterestAccrualInput {
            assets: [0, 100 * E, 50 * E, 0, 0, 0],
            reserve_x: 1000 * E,
            reserve_y: 1000 * E,
            duration: 86_400,
            lending_tick: 0,
            sat_percentage_wad: 0,
        };
        let out = accrue_interest(&input).unwrap();
        assert_eq!(out.assets, [1000 * E, 100 * E, 50 * E, 0, 0, 0]);
        assert_eq!((out.reserve_x, out.reserve_y), (1000 * E, 1000 * E));
        assert_eq!(out.protocol_fees, [0, 0, 0]);
    }

    #[test]
    fn accrual_hand_derived() {
        // X: deposit 100e18, borrow 50e18, reserves 1000e18/1000e18, tick 0, one year.
        // activeL = 1000e18; avg = (1000e18, floor(1000e18·2^72/B_IN_Q72)).
        // u_X = ceil(50e18·1e18/(100e18 + 1000e18)) = 45454545454545455
        // rate = floor(floor(u·0.1)/31536000) = 144135418
        let input = InterestAccrualInput {
            assets: [0, 100 * E, 0, 0, 50 * E, 0],
            reserve_x: 1000 * E,
            reserve_y: 1000 * E,
            duration: 31_536_000,
            lending_tick: 0,
            sat_percentage_wad: 0,
        };
        let u_x = utilization_wad(50 * E, 1100 * E);
        assert_eq!(u_x, 45454545454545455);
        let rate = interest_rate_per_second_wad(u_x);
        assert_eq!(rate, 144135418);
        let gross = interest_for_duration(31_536_000, u_x, 1000 * E, 50 * E, 100 * E);
        let fee = protocol_fee_share(gross);
        let net = gross - fee;
        let lp = net * 1000 / 1100;
        let out = accrue_interest(&input).unwrap();
        assert_eq!(out.protocol_fees, [0, fee, 0]);
        assert_eq!(out.assets[BORROW_X], 50 * E + gross);
        assert_eq!(out.assets[DEPOSIT_X], 100 * E + net - lp);
        assert_eq!(out.reserve_x, 1000 * E + lp);
        assert_eq!(out.reserve_y, 1000 * E);
        // Not depleted: DL = sqrt(rX'·rY) exactly as the helper computes it.
        assert_eq!(
            out.assets[DEPOSIT_L],
            depletion_adjusted_active_liquidity(out.reserve_x, out.reserve_y, 0, 0)
        );
        // Conservation: borrower pays gross = LP part + depositor part + protocol fee.
        assert_eq!(
            (out.assets[BORROW_X] - 50 * E),
            (out.reserve_x - 1000 * E) + (out.assets[DEPOSIT_X] - 100 * E) + fee
        );
    }

    #[test]
    fn accrual_l_borrow_magnified() {
        let input = InterestAccrualInput {
            assets: [0, 0, 0, 100 * E, 0, 0],
            reserve_x: 900 * E,
            reserve_y: 900 * E,
            duration: 3600,
            lending_tick: 0,
            sat_percentage_wad: 0,
        };
        let u_l = utilization_wad(100 * E, 1000 * E);
        let gross = 5 * interest_for_duration(3600, u_l, 0, 100 * E, 1000 * E);
        let out = accrue_interest(&input).unwrap();
        assert_eq!(out.protocol_fees, [protocol_fee_share(gross), 0, 0]);
        assert_eq!(out.assets[BORROW_L], 100 * E + gross);
        assert_eq!(out.assets[DEPOSIT_L], 900 * E + 100 * E + gross);
        // Saturation at 95% pins u_L to 90%.
        let out_sat = accrue_interest(&InterestAccrualInput { sat_percentage_wad: 95 * E / 100, ..input }).unwrap();
        let gross_sat = 5 * interest_for_duration(3600, 9 * E / 10, 0, 100 * E, 1000 * E);
        assert_eq!(out_sat.assets[BORROW_L], 100 * E + gross_sat);
        // Bad tick.
        assert_eq!(
            accrue_interest(&InterestAccrualInput { lending_tick: 30000, ..input }),
            Err(MathError::TickOutOfRange)
        );
    }

    /// Vectors computed independently (a direct Python transcription of spec §7.1–§7.4) for a
    /// depleted-X pool with L, X and Y borrows, saturation mutation and non-zero lending ticks.
    #[test]
    fn accrual_independent_vectors() {
        let out = accrue_interest(&InterestAccrualInput {
            assets: [0, 0, 30 * E, 50 * E, 960 * E, 20 * E],
            reserve_x: 1000 * E,
            reserve_y: 1000 * E,
            duration: 86_400 * 30,
            lending_tick: 100,
            sat_percentage_wad: 9 * E / 10,
        })
        .unwrap();
        assert_eq!(
            out.assets,
            [
                950016202643164557244,
                0,
                30000152030920501156,
                55587347789640901250,
                979561957013503560000,
                20004302804614012000
            ]
        );
        assert_eq!((out.reserve_x, out.reserve_y), (1017605761312153204000, 1000003720493232109644));
        assert_eq!(out.protocol_fees, [558734778964090125, 1956195701350356000, 430280461401200]);

        let out = accrue_interest(&InterestAccrualInput {
            assets: [0, 7 * E, 300 * E, 123456789 * 1_000_000_000_000, 400 * E, 250 * E],
            reserve_x: 1000 * E,
            reserve_y: 2000 * E,
            duration: 86_400 * 365,
            lending_tick: -100,
            sat_percentage_wad: 93 * E / 100,
        })
        .unwrap();
        assert_eq!(
            out.assets,
            [
                1598583810760694222403,
                7074898743635030039,
                300417700309516878560,
                174747886205162748835,
                413910696308740067200,
                253119163593990336000
            ]
        );
        assert_eq!((out.reserve_x, out.reserve_y), (1012444727934231030441, 2002389546925074423840));
        assert_eq!(out.protocol_fees, [5129109720516274884, 1391069630874006720, 311916359399033600]);
    }

    /// Amounts spread over all magnitudes up to 2^112−1, with the edges made likely.
    fn extreme_amount() -> impl Strategy<Value = u128> {
        prop_oneof![
            Just(0u128),
            Just(MAX_AMOUNT),
            (MAX_AMOUNT - 1_000_000)..=MAX_AMOUNT,
            0..=MAX_AMOUNT,
            (0u32..=112, any::<u128>()).prop_map(|(bits, r)| if bits == 0 { 0 } else { r >> (128 - bits) }),
        ]
    }

    /// Postconditions of one accrual on a state whose totals and reserves are uint112.
    fn check_accrual_output(input: &InterestAccrualInput, out: &InterestAccrualOutput) -> Result<(), TestCaseError> {
        let a = input.assets;
        let [fee_l, fee_x, fee_y] = out.protocol_fees;
        for v in out.assets.iter().chain([&out.reserve_x, &out.reserve_y]) {
            prop_assert!(*v <= MAX_AMOUNT, "{:?}", out);
        }
        // Still uint112 once the caller credits the X/Y fee deposits.
        prop_assert!(out.assets[DEPOSIT_X] + fee_x <= MAX_AMOUNT);
        prop_assert!(out.assets[DEPOSIT_Y] + fee_y <= MAX_AMOUNT);
        // Stored totals and reserves never decrease (borrows never shrink).
        for i in [DEPOSIT_X, DEPOSIT_Y, BORROW_L, BORROW_X, BORROW_Y] {
            prop_assert!(out.assets[i] >= a[i], "total {} shrank: {:?}", i, out);
        }
        prop_assert!(out.reserve_x >= input.reserve_x && out.reserve_y >= input.reserve_y);
        // Conservation: borrowers pay exactly LP part + depositor part + protocol fee.
        prop_assert_eq!(
            out.assets[BORROW_X] - a[BORROW_X],
            (out.reserve_x - input.reserve_x) + (out.assets[DEPOSIT_X] - a[DEPOSIT_X]) + fee_x
        );
        prop_assert_eq!(
            out.assets[BORROW_Y] - a[BORROW_Y],
            (out.reserve_y - input.reserve_y) + (out.assets[DEPOSIT_Y] - a[DEPOSIT_Y]) + fee_y
        );
        prop_assert_eq!(fee_l, protocol_fee_share(out.assets[BORROW_L] - a[BORROW_L]));
        let active = depletion_adjusted_active_liquidity(
            out.reserve_x,
            out.reserve_y,
            missing_assets(out.assets[DEPOSIT_X] + fee_x, out.assets[BORROW_X]),
            missing_assets(out.assets[DEPOSIT_Y] + fee_y, out.assets[BORROW_Y]),
        );
        prop_assert_eq!(out.assets[DEPOSIT_L], active.saturating_add(out.assets[BORROW_L]).min(MAX_AMOUNT));
        Ok(())
    }

    /// The interest factor is taken on 256 bits as in the reference: a Taylor sum beyond u128
    /// no longer means "the cap". xn = 1e27: factor 166666667166666667666666666666666666666666666
    /// (> 2^128), so 1 wei borrowed earns floor(factor/1e18), well below the cap.
    #[test]
    fn interest_uses_the_256_bit_factor() {
        assert_eq!(w_taylor_compounded(E, 1_000_000_000), Err(MathError::Overflow));
        assert_eq!(
            w_taylor_compounded_u256(E, 1_000_000_000),
            Some("166666667166666667666666666666666666666666666".parse::<U256>().unwrap())
        );
        assert_eq!(interest_for_duration_given_rate(1_000_000_000, E, 0, 1, 0), 166666667166666667666666666);
        assert_eq!(interest_for_duration_given_rate(1_000_000_000, E, 0, 0, 0), 0);
        // Beyond 256 bits (x·n = 2^192 squared): the true value is astronomically above the cap.
        assert_eq!(w_taylor_compounded_u256(u128::MAX, u64::MAX), None);
        assert_eq!(interest_for_duration_given_rate(u64::MAX, u128::MAX, 7, 1, 3), MAX_AMOUNT - 7);
        // Product growth·borrowed beyond 256 bits: the cap, not a wrapped value.
        let g = w_taylor_compounded_u256(E, 1_000_000_000_000).unwrap();
        assert!(g.checked_mul(u256(MAX_AMOUNT / 2)).is_none());
        assert_eq!(interest_for_duration_given_rate(1_000_000_000_000, E, 0, MAX_AMOUNT / 2, 0), MAX_AMOUNT / 2 + 1);
    }

    /// M-2, hand-checked: the ×5 L magnification is applied BEFORE the uint112 cap.
    /// rX = rY = 2^110, BL = 2^111, no X/Y debt, tick 0, three years:
    /// activeL = 2^110, DL = 3·2^110, cap = (2^112−1) − 3·2^110 = 2^110 − 1;
    /// u_L = ceil(2^111·1e18/(3·2^110)) = 666666666666666667, annual = 66666666666666666,
    /// rate = floor(annual/31536000) = 2113986132/s, growth(3y) = 221333333304365653,
    /// raw = floor(growth·2^111/1e18) = 574614185602649859760471039545337 < cap,
    /// 5·raw = 2873070928013249298802355197726685 > cap  ⇒  I_L = cap.
    /// New BL = 2^111 + 2^110 − 1 = MAX_AMOUNT − 2^110 and DL = activeL + BL = MAX_AMOUNT.
    /// The old `5·min(raw, cap)` gave BL + 5·raw = 5469219357280663113067603362336733 > 2^112
    /// (an `Overflow` that froze the pair).
    #[test]
    fn l_multiplier_is_applied_before_the_cap() {
        let (r, bl, d) = (1u128 << 110, 1u128 << 111, 3 * 31_536_000u64);
        let input = InterestAccrualInput {
            assets: [0, 0, 0, bl, 0, 0],
            reserve_x: r,
            reserve_y: r,
            duration: d,
            lending_tick: 0,
            sat_percentage_wad: 0,
        };
        let u = utilization_wad(bl, r + bl);
        assert_eq!(u, 666666666666666667);
        assert_eq!(interest_rate_per_second_wad(u), 2113986132);
        assert_eq!(w_taylor_compounded(2113986132, d), Ok(221333333304365653));
        let raw = interest_for_duration(d, u, 0, bl, r + bl);
        assert_eq!(raw, 574614185602649859760471039545337);
        let cap = MAX_AMOUNT - 3 * (1u128 << 110);
        assert_eq!(cap, (1u128 << 110) - 1);
        assert!(raw < cap && 5 * raw > cap);
        assert!(bl + 5 * raw > MAX_AMOUNT, "the old formula overflowed here");
        let out = accrue_interest(&input).unwrap();
        assert_eq!(out.assets[BORROW_L], bl + cap);
        assert_eq!(out.assets[BORROW_L], MAX_AMOUNT - (1u128 << 110));
        assert_eq!(out.assets[DEPOSIT_L], MAX_AMOUNT);
        // fee_L = ceil(cap·10/100), and it is inside BL (the L depositors get cap − fee_L).
        assert_eq!(out.protocol_fees, [129807421463370690713262408230503, 0, 0]);
        assert_eq!(out.protocol_fees[0], protocol_fee_share(cap));
        assert_eq!(out.reserve_x, r);
        assert_eq!(out.reserve_y, r);
        // At the cap, L interest stops: the next accrual changes nothing.
        let again = accrue_interest(&InterestAccrualInput { assets: out.assets, ..input }).unwrap();
        assert_eq!(again.assets, out.assets);
        assert_eq!(again.protocol_fees, [0, 0, 0]);
        // Below the cap the ×5 is unchanged (the normal regime): one year, 5·raw < cap.
        let one_year = accrue_interest(&InterestAccrualInput { duration: 31_536_000, ..input }).unwrap();
        let raw_1y = interest_for_duration(31_536_000, u, 0, bl, r + bl);
        assert!(5 * raw_1y < cap);
        assert_eq!(one_year.assets[BORROW_L], bl + 5 * raw_1y);
    }

    /// Review F2 shape: a 1e9 X / 4e9 Y pool (L = 2e9) lends 900M L (+ the 5-bip fee), i.e.
    /// ~45% of DL, and nobody repays; anyone's instruction accrues every 90 days for 30 years.
    /// Before the fix accrual returned `Overflow` after ~70 steps (BORROW_L ≈ 3.8e33) and the
    /// pair froze. Now every step is Ok, BORROW_L never shrinks, and it ends pinned at the cap
    /// (2^112−1) − activeL, where activeL = sqrt(550e6·2200e6) = 1.1e9.
    #[test]
    fn f2_l_debt_compounds_30_years_without_freezing() {
        let borrowed_l = 900_000_000u128 + lending_fee(900_000_000);
        let mut state = InterestAccrualInput {
            assets: [0, 50_000_000, 100_000_000_000_000, borrowed_l, 0, 0],
            reserve_x: 550_000_000,
            reserve_y: 2_200_000_000,
            duration: 90 * 86_400,
            lending_tick: crate::math::tick_math::tick_at_reserves(550_000_000, 2_200_000_000).unwrap(),
            sat_percentage_wad: 0,
        };
        let active = 1_100_000_000u128;
        let mut capped_at = None;
        for step in 1..=122 {
            let out = accrue_interest(&state).unwrap_or_else(|e| panic!("step {step}: {e:?}"));
            check_accrual_output(&state, &out).unwrap();
            assert!(out.assets[BORROW_L] >= state.assets[BORROW_L]);
            assert!(out.assets[BORROW_L] <= MAX_AMOUNT);
            if capped_at.is_none() && out.assets[BORROW_L] == MAX_AMOUNT - active {
                capped_at = Some(step);
            }
            // What the caller stores: the totals, with the X/Y protocol fees credited as deposits.
            state.assets = out.assets;
            state.assets[DEPOSIT_X] += out.protocol_fees[1];
            state.assets[DEPOSIT_Y] += out.protocol_fees[2];
            state.reserve_x = out.reserve_x;
            state.reserve_y = out.reserve_y;
        }
        let capped_at = capped_at.expect("BORROW_L reaches the uint112 cap within 30 years");
        assert!((60..=80).contains(&capped_at), "capped at step {capped_at}");
        assert_eq!(state.assets[BORROW_L], MAX_AMOUNT - active);
        assert_eq!(state.assets[DEPOSIT_L], MAX_AMOUNT);
    }

    /// The 256-bit average reserves are `reserves_at_tick` wherever that fits u128, and exist
    /// where it does not (an extreme lending tick with a large L), so accrual does not fail.
    #[test]
    fn average_reserves_at_extreme_ticks() {
        for l in [0u128, 1, 999, 10u128.pow(24), MAX_AMOUNT] {
            for t in [MIN_TICK, -7777, -355, -1, 0, 1, 100, 7777, MAX_TICK, MAX_TICK + 1] {
                match reserves_at_tick(l, t) {
                    Ok((x, y)) => assert_eq!(reserves_at_tick_u256(l, t), Ok((u256(x), u256(y))), "{l} {t}"),
                    Err(e) => {
                        assert_eq!(e, MathError::Overflow);
                        let (x, y) = reserves_at_tick_u256(l, t).unwrap();
                        assert!(x.max(y) > u256(u128::MAX));
                    }
                }
            }
        }
        assert_eq!(reserves_at_tick(MAX_AMOUNT, MAX_TICK), Err(MathError::Overflow));
        assert_eq!(reserves_at_tick_u256(1, MAX_TICK + 2), Err(MathError::TickOutOfRange));
        assert_eq!(reserves_at_tick_u256(1, MIN_TICK - 1), Err(MathError::TickOutOfRange));
        // A deep pool with X debt at the top tick: Ok, and the totals stay uint112.
        let input = InterestAccrualInput {
            assets: [0, MAX_AMOUNT / 4, MAX_AMOUNT / 2, MAX_AMOUNT / 8, MAX_AMOUNT / 2, MAX_AMOUNT],
            reserve_x: MAX_AMOUNT / 2,
            reserve_y: MAX_AMOUNT,
            duration: u64::from(u32::MAX),
            lending_tick: MAX_TICK,
            sat_percentage_wad: 0,
        };
        let out = accrue_interest(&input).unwrap();
        check_accrual_output(&input, &out).unwrap();
    }

    proptest! {
        #![proptest_config(config(256))]
        #[test]
        fn no_panics(a in any::<[u128; 6]>(), rx in any::<u128>(), ry in any::<u128>(), d in any::<u64>(), t in -20000i32..20000, s in any::<u128>()) {
            let _ = lending_fee(rx);
            let _ = protocol_fee_share(rx);
            let _ = annual_interest_rate_wad(rx);
            let _ = utilization_wad(rx, ry);
            let _ = utilization_for_saturation(rx, s);
            let _ = w_taylor_compounded(rx, d);
            let _ = interest_for_duration(d, rx, ry, s, a[0]);
            let _ = accrue_interest(&InterestAccrualInput { assets: a, reserve_x: rx, reserve_y: ry, duration: d, lending_tick: t, sat_percentage_wad: s });
        }

        #[test]
        fn accrual_keeps_totals_bounded(
            dx in 0u128..(1u128 << 100), bx in 0u128..(1u128 << 100), bl in 0u128..(1u128 << 90),
            r in (1u128 << 60)..(1u128 << 100), d in 0u64..100_000_000, t in -500i32..500,
        ) {
            let input = InterestAccrualInput {
                assets: [0, dx, 0, bl, bx.min(dx + r / 2), 0],
                reserve_x: r, reserve_y: r, duration: d, lending_tick: t, sat_percentage_wad: 0,
            };
            let out = accrue_interest(&input);
            prop_assert!(out.is_ok(), "{:?}", out);
            let out = out.unwrap();
            prop_assert!(out.assets.iter().skip(1).all(|v| *v <= MAX_AMOUNT));
            prop_assert!(out.assets[BORROW_X] >= input.assets[BORROW_X]);
            prop_assert!(out.assets[DEPOSIT_X] >= input.assets[DEPOSIT_X]);
            let paid = out.assets[BORROW_X] - input.assets[BORROW_X];
            let got = (out.reserve_x - r) + (out.assets[DEPOSIT_X] - dx) + out.protocol_fees[1];
            prop_assert_eq!(paid, got);
        }

        /// Accrual never fails and never breaks uint112, whatever the state (M-2 and the
        /// review's "accrual must not freeze the pair"): totals and reserves anywhere in
        /// 0..=2^112−1 (borrows beyond deposits + reserves, L utilization above 100%),
        /// durations up to u32::MAX seconds (and any u64), any tick of the tick-math range.
        #[test]
        fn accrual_never_fails_on_extreme_states(
            a in proptest::array::uniform6(extreme_amount()),
            rx in extreme_amount(), ry in extreme_amount(),
            d in prop_oneof![
                Just(u64::from(u32::MAX)), 0u64..=u64::from(u32::MAX), 0u64..=2 * 31_536_000,
                any::<u64>(),
            ],
            t in prop_oneof![Just(MIN_TICK), Just(MAX_TICK), Just(MAX_TICK + 1), MIN_TICK..=MAX_TICK + 1, -1000i32..1000],
            s in prop_oneof![0u128..=E, any::<u128>()],
        ) {
            let input = InterestAccrualInput { assets: a, reserve_x: rx, reserve_y: ry, duration: d, lending_tick: t, sat_percentage_wad: s };
            let out = accrue_interest(&input);
            prop_assert!(out.is_ok(), "{:?} -> {:?}", input, out);
            let out = out.unwrap();
            check_accrual_output(&input, &out)?;
        }

        /// The overflow-free LP share equals the spec's `floor(net·avg/(D + avg))`.
        #[test]
        fn lp_share_is_the_spec_formula(net in extreme_amount(), dep in extreme_amount(), avg in 1u128..=u128::MAX) {
            let direct = u256(net) * u256(avg) / (u256(dep) + u256(avg));
            prop_assert_eq!(u256(lp_interest_share(net, dep, u256(avg))), direct);
        }

        /// The 256-bit Taylor factor is the u128 one wherever that fits.
        #[test]
        fn taylor_u256_extends_u128(rate in prop_oneof![0u128..100_000_000_000, any::<u128>()], d in any::<u64>()) {
            match w_taylor_compounded(rate, d) {
                Ok(g) => prop_assert_eq!(w_taylor_compounded_u256(rate, d), Some(u256(g))),
                Err(e) => {
                    prop_assert_eq!(e, MathError::Overflow);
                    prop_assert!(w_taylor_compounded_u256(rate, d).is_none_or(|g| g > u256(u128::MAX)));
                }
            }
        }
    }
}
