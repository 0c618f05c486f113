//! Lending math (spec §4.6, §7.1–§7.4): the up-front lending fee, the protocol share of
//! interest, the three-tier rate curve, utilization (and its saturation mutation), the Morpho
//! third-order Taylor compounding, the capped interest for a duration, and the full interest
//! accrual step on a plain struct of totals.

use ruint::aliases::U256;

use super::full_math::{ceil_div_u256, mul_div_u256, to_u128, u256};
use super::liquidity::reserves_at_tick;
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

/// Morpho `wTaylorCompounded(x, n)`: `e^(x·n) − 1` to third order, each term rounded down:
/// `x·n + floor((x·n)²/2e18) + floor(floor((x·n)²/2e18)·(x·n)/3e18)`. Rounds down: favors
/// borrowers by at most a few wei. Error: `Overflow` if a term exceeds 256 bits or the sum
/// exceeds `u128`.
pub fn w_taylor_compounded(rate_per_second_wad: u128, duration: u64) -> Result<u128, MathError> {
    let first = u256(rate_per_second_wad) * U256::from(duration);
    let second = mul_div_u256(first, first, u256(2 * WAD), false)?;
    let third = mul_div_u256(second, first, u256(3 * WAD), false)?;
    let sum = first
        .checked_add(second)
        .and_then(|s| s.checked_add(third))
        .ok_or(MathError::Overflow)?;
    to_u128(sum)
}

/// Interest for `duration` at a per-second rate (§7.4 `interest` / `computeInterestAssetsGivenRate`):
/// `min(floor(wTaylor(rate, d)·borrowed/1e18), (2^112−1) − max(deposited, reserve, borrowed))`.
/// Rounds down: favors borrowers by < 1 wei. The cap keeps every total within uint112. Cannot
/// fail: a cap below zero (totals already above 2^112−1) gives 0, and a Taylor term beyond
/// 128 bits (unreachable: it needs a rate or duration far outside any pool state; the reference
/// would revert) is treated as "the cap".
pub fn interest_for_duration_given_rate(
    duration: u64,
    rate_per_second_wad: u128,
    reserve: u128,
    borrowed: u128,
    deposited: u128,
) -> u128 {
    let cap = MAX_AMOUNT.saturating_sub(deposited.max(reserve).max(borrowed));
    match w_taylor_compounded(rate_per_second_wad, duration) {
        Ok(growth) => {
            let raw = u256(growth) * u256(borrowed) / u256(WAD);
            to_u128(raw).unwrap_or(u128::MAX).min(cap)
        }
        Err(_) => {
            if borrowed == 0 {
                0
            } else {
                cap
            }
        }
    }
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
    /// `DEPOSIT_L` already counts the L protocol fee (it is inside BORROW_L). `DEPOSIT_X/Y`
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

/// `ceil(missing·activeL/avgReserve)`, 0 when nothing is missing; 256-bit.
fn missing_in_l(missing: u128, active_l: u128, avg_reserve: u128) -> U256 {
    if missing == 0 {
        return U256::ZERO;
    }
    // avg_reserve >= 1 (getReservesAtTick floors at 1).
    ceil_div_u256(u256(missing) * u256(active_l), u256(avg_reserve)).unwrap_or(U256::MAX)
}

/// One interest accrual (`accrueInterestWithAssets`, §7.4), as a pure function:
/// active L from the depletion-adjusted reserves; average reserves at the lending tick;
/// utilizations (L mutated for saturation); interest per asset (L ×5) with the uint112 cap;
/// protocol fee `ceil(I·10%)` taken out of each; the LP part of X/Y interest
/// `floor(I·avg/(D + avg))` moves to the reserves; borrows grow by the gross interest.
/// Rounding: interest and LP shares round down, fees round up (favor the protocol).
/// Errors: `TickOutOfRange` for a bad lending tick, `Overflow` if a new total or reserve exceeds
/// 2^112−1 (the reference's SafeCast reverts), `DivisionByZero` never (all divisors are ≥ 1).
pub fn accrue_interest(input: &InterestAccrualInput) -> Result<InterestAccrualOutput, MathError> {
    let a = input.assets;
    let (dx, dy, bl, bx, by) = (a[DEPOSIT_X], a[DEPOSIT_Y], a[BORROW_L], a[BORROW_X], a[BORROW_Y]);
    let (rx, ry) = (input.reserve_x, input.reserve_y);
    let d = input.duration;

    let mx = missing_assets(dx, bx);
    let my = missing_assets(dy, by);
    let active_l = depletion_adjusted_active_liquidity(rx, ry, mx, my);
    let dl = active_l.checked_add(bl).ok_or(MathError::Overflow)?;
    let (avg_x, avg_y) = reserves_at_tick(active_l, input.lending_tick)?;

    let miss_l = missing_in_l(mx, active_l, avg_x).max(missing_in_l(my, active_l, avg_y));
    let u_l_raw = utilization_wad_u256(u256(bl).saturating_add(miss_l), u256(dl));
    let u_l = utilization_for_saturation(
        to_u128(u_l_raw).unwrap_or(u128::MAX),
        input.sat_percentage_wad,
    );
    let u_x = to_u128(utilization_wad_u256(u256(bx), u256(dx) + u256(avg_x))).unwrap_or(u128::MAX);
    let u_y = to_u128(utilization_wad_u256(u256(by), u256(dy) + u256(avg_y))).unwrap_or(u128::MAX);

    let gross_l = interest_for_duration(d, u_l, 0, bl, dl)
        .checked_mul(LIQUIDITY_INTEREST_RATE_MAGNIFICATION)
        .ok_or(MathError::Overflow)?;
    let gross_x = interest_for_duration(d, u_x, rx, bx, dx);
    let gross_y = interest_for_duration(d, u_y, ry, by, dy);

    let fee_l = protocol_fee_share(gross_l);
    let fee_x = protocol_fee_share(gross_x);
    let fee_y = protocol_fee_share(gross_y);
    // ceil(I/10) <= I, so these cannot underflow.
    let net_x = gross_x - fee_x;
    let net_y = gross_y - fee_y;

    // Denominators are >= 1 because avg >= 1.
    let lp_x = to_u128(u256(net_x) * u256(avg_x) / (u256(dx) + u256(avg_x)))?;
    let lp_y = to_u128(u256(net_y) * u256(avg_y) / (u256(dy) + u256(avg_y)))?;

    let cap = |v: Option<u128>| -> Result<u128, MathError> {
        match v {
            Some(x) if x <= MAX_AMOUNT => Ok(x),
            _ => Err(MathError::Overflow),
        }
    };
    // net - lp >= 0 because lp = floor(net·avg/(D+avg)) <= net.
    let new_dx = cap(dx.checked_add(net_x - lp_x))?;
    let new_dy = cap(dy.checked_add(net_y - lp_y))?;
    let new_bl = cap(bl.checked_add(gross_l))?;
    let new_bx = cap(bx.checked_add(gross_x))?;
    let new_by = cap(by.checked_add(gross_y))?;
    let new_rx = cap(rx.checked_add(lp_x))?;
    let new_ry = cap(ry.checked_add(lp_y))?;

    // DEPOSIT_L is re-derived with the X/Y fees already counted as deposits.
    let new_mx = missing_assets(new_dx.saturating_add(fee_x), new_bx);
    let new_my = missing_assets(new_dy.saturating_add(fee_y), new_by);
    let new_dl = depletion_adjusted_active_liquidity(new_rx, new_ry, new_mx, new_my)
        .checked_add(new_bl)
        .ok_or(MathError::Overflow)?;

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
    use proptest::prelude::*;

    const E: u128 = WAD;

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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
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
            if let Ok(out) = accrue_interest(&input) {
                prop_assert!(out.assets.iter().skip(1).all(|v| *v <= MAX_AMOUNT));
                prop_assert!(out.assets[BORROW_X] >= input.assets[BORROW_X]);
                prop_assert!(out.assets[DEPOSIT_X] >= input.assets[DEPOSIT_X]);
                let paid = out.assets[BORROW_X] - input.assets[BORROW_X];
                let got = (out.reserve_x - r) + (out.assets[DEPOSIT_X] - dx) + out.protocol_fees[1];
                prop_assert_eq!(paid, got);
            }
        }
    }
}
