//! Saturation (spec §10): where a position's liquidation would land in the tranche grid and how
//! much of the pool's active liquidity it would consume there.
//!
//! Only the pure arithmetic lives here (leaf bucketing §10.3, the liquidation span §10.5 step 3,
//! the saturation of a position §10.5 step 6, the tranche walk's first tranche and per-tranche
//! capacity §10.6, the saturation percentage §10.8); the tranche accounts that hold the totals
//! belong to the program state. Every function here is total: inputs the reference would revert
//! on give a documented saturated value instead of a panic.

use ruint::aliases::U256;

use super::full_math::{sqrt_u256, u256};
use super::interest::MAX_SATURATION_PERCENT_IN_WAD;
use super::tick_math::{tick_at_price_q128, Q72, TRANCHE_B_MINUS_ONE_IN_Q72};

/// Ticks per tranche (`TICKS_PER_TRANCHE`): a tranche spans B = b^25 in sqrt price.
pub const TICKS_PER_TRANCHE: i32 = 25;
/// `TICKS_PER_TRANCHE · MAG2`, the divisor of the per-tranche capacity (§10.6).
pub const TICKS_PER_TRANCHE_MAG2: u128 = 2500;
/// Lowest tranche (`MIN_TICK / 25 − 1`).
pub const MIN_TRANCHE: i32 = -795;
/// Highest tranche (`MAX_TICK / 25`).
pub const MAX_TRANCHE: i32 = 794;
/// Number of leaves per tree; leaves are `0..LEAFS`.
pub const LEAFS: u32 = 4096;
/// Time buffer added to a position's saturation (101%, `SATURATION_TIME_BUFFER_IN_MAG2`).
pub const SATURATION_TIME_BUFFER_IN_MAG2: u128 = 101;
/// `EXPECTED_SATURATION_LTV_MAG2 · SATURATION_TIME_BUFFER_IN_MAG2² = 85·101²`.
pub const EXPECTED_SATURATION_LTV_MAG2_TIMES_SAT_BUFFER_SQUARED: u128 = 867_085;
/// Offset that makes the leaf of `MIN_LIQ_TO_REACH_PENALTY` start at tick 0 (§10.3).
pub const TICK_OFFSET: i32 = 1112;
/// Change of log base from the tick base b² (in price) to the leaf base, Q128 (132 bits):
/// `0xa39713406ef781154a9e682c2331a7c03`.
pub const SAT_CHANGE_OF_BASE_Q128: U256 =
    U256::from_limbs([0xa9e6_82c2_331a_7c03, 0x3971_3406_ef78_1154, 0xa, 0]);
/// Rounding shift of the leaf formula: `0xb3f2fb93ad437464387b0c308d1d05537`.
pub const SAT_CHANGE_OF_BASE_TIMES_SHIFT: U256 =
    U256::from_limbs([0x87b0_c308_d1d0_5537, 0x3f2f_b93a_d437_4643, 0xb, 0]);
/// Saturation from which the leaf is always the last one (`MAX_ASSETS · 85 / 25`).
pub const LOWEST_POSSIBLE_IN_PENALTY: u128 = 0xd999_9999_9999_9999_9999_9999_9999_9999;
/// Saturation below which the leaf is 0 (`MINIMUM_LIQUIDITY · 85 / 100`).
pub const MIN_LIQ_TO_REACH_PENALTY: u128 = 850;
/// Saturation percentage when `maxLeaf − highestSetLeaf` is 4, 5, 6 or 7 (§10.8).
pub const SAT_PERCENTAGE_DELTA_4_WAD: u128 = 941_795_538_580_338_563;
/// See [`SAT_PERCENTAGE_DELTA_4_WAD`].
pub const SAT_PERCENTAGE_DELTA_5_WAD: u128 = 923_156_868_017_020_937;
/// See [`SAT_PERCENTAGE_DELTA_4_WAD`].
pub const SAT_PERCENTAGE_DELTA_6_WAD: u128 = 904_887_067_368_814_135;
/// See [`SAT_PERCENTAGE_DELTA_4_WAD`].
pub const SAT_PERCENTAGE_DELTA_7_WAD: u128 = 886_978_836_489_829_983;

const MAX_LEAF: u32 = LEAFS - 1;

/// `satToLeaf(s)` (§10.3): 0 below `MIN_LIQ_TO_REACH_PENALTY` (850), 4095 from
/// `LOWEST_POSSIBLE_IN_PENALTY`, otherwise with `t = getTickAtPrice(s·2^112) + 1112`,
/// `leaf = floor((2t·2^128 + SAT_CHANGE_OF_BASE_TIMES_SHIFT) / SAT_CHANGE_OF_BASE_Q128)`.
/// Rounds down (the tick is the floor tick, then the quotient is floored), so the leaf never
/// overstates the saturation. Logarithmic: about one leaf per 2% of saturation
/// (`satToLeaf(1e18) = 1737`, `satToLeaf(1e21) = 2082`). Non-decreasing in `sat`. Cannot fail.
pub fn sat_to_leaf(sat: u128) -> u32 {
    if sat < MIN_LIQ_TO_REACH_PENALTY {
        return 0;
    }
    if sat >= LOWEST_POSSIBLE_IN_PENALTY {
        return MAX_LEAF;
    }
    // 850 ≤ sat < 0xd99…9 < 2^128 − 2^16, so `sat·2^112` lies inside
    // [MIN_PRICE_Q128, MAX_PRICE_Q128] and the tick is at least −1112 (t ≥ 0): neither fallback
    // below is reachable, they only keep the function total.
    let Ok(tick) = tick_at_price_q128(u256(sat) << 112) else {
        return MAX_LEAF;
    };
    let t = u128::try_from(tick.saturating_add(TICK_OFFSET)).unwrap_or(0);
    // t ≤ 2^15, so 2t·2^128 < 2^145.
    let leaf = ((u256(t) << 129) + SAT_CHANGE_OF_BASE_TIMES_SHIFT) / SAT_CHANGE_OF_BASE_Q128;
    u32::try_from(leaf).map_or(MAX_LEAF, |leaf| leaf.min(MAX_LEAF))
}

/// `getSatPercentageInWads` (§10.8), given `maxLeaf` and `highest_set_leaf` (the caller passes
/// `max(highestSetLeaf_X, highestSetLeaf_Y)`): 0 if both are 0; otherwise with
/// `δ = maxLeaf − highestSetLeaf`: 0.95e18 for δ ≤ 3, `SAT_PERCENTAGE_DELTA_δ_WAD` for
/// δ = 4..7, 0 for δ > 7. Exact (table lookup, no rounding).
/// A highest set leaf above `maxLeaf` (the pool shrank below its saturation; the reference's
/// unsigned subtraction would revert) is the most saturated case and gives 0.95e18.
pub fn sat_percentage_wad(max_leaf: u32, highest_set_leaf: u32) -> u128 {
    if max_leaf == 0 && highest_set_leaf == 0 {
        return 0;
    }
    match max_leaf.checked_sub(highest_set_leaf) {
        None | Some(0..=3) => MAX_SATURATION_PERCENT_IN_WAD,
        Some(4) => SAT_PERCENTAGE_DELTA_4_WAD,
        Some(5) => SAT_PERCENTAGE_DELTA_5_WAD,
        Some(6) => SAT_PERCENTAGE_DELTA_6_WAD,
        Some(7) => SAT_PERCENTAGE_DELTA_7_WAD,
        Some(_) => 0,
    }
}

/// `calculateMinSqrtPriceSpanQ72(collateral, debt, activeL, thr)` (§10.5 step 3): the sqrt
/// price ratio (Q72, ≥ 2^72) a liquidation of `debt_l` against `collateral_l` spans, the root
/// of `s + 1/s = b` with
/// `b = floor(floor(floor(debt·867085/1e6)·coll/(activeL·thr²))·(1e4·2^72)/activeL) + 2·2^72`
/// and `span = ceil((b + floor_sqrt(b² − 4·2^144))/2)`.
/// Rounding: the three quotients round down, the square root rounds down, the final halving
/// rounds up (as the reference).
/// Never fails: `activeL == 0` or `thr == 0` (a zero divisor; the reference reverts) and any
/// `b ≥ 2^128` (whose span is at least `2^128 − 1`) give `u128::MAX`. An `activeL·thr²` beyond
/// 256 bits makes the middle quotient exactly 0, and is computed as such.
pub fn min_sqrt_price_span_q72(
    collateral_l: u128,
    debt_l: u128,
    active_liquidity: u128,
    threshold_mag2: u128,
) -> u128 {
    if active_liquidity == 0 || threshold_mag2 == 0 {
        return u128::MAX;
    }
    let q72 = u256(Q72);
    // < 2^128·0.87: fits, and so does its product with a u128 collateral.
    let scaled_debt =
        u256(debt_l) * u256(EXPECTED_SATURATION_LTV_MAG2_TIMES_SAT_BUFFER_SQUARED) / u256(1_000_000);
    let ratio = u256(active_liquidity)
        .checked_mul(u256(threshold_mag2))
        .and_then(|d| d.checked_mul(u256(threshold_mag2)))
        .map_or(U256::ZERO, |denominator| scaled_debt * u256(collateral_l) / denominator);
    let b = ratio
        .checked_mul(u256(10_000) * q72)
        .map(|p| p / u256(active_liquidity))
        .and_then(|a| a.checked_add(q72 << 1));
    let Some(b) = b.filter(|b| b.bit_len() <= 128) else {
        return u128::MAX;
    };
    // 2^73 ≤ b < 2^128: b² fits and b² ≥ 4·2^144.
    let root = sqrt_u256(b * b - ((q72 * q72) << 2));
    u128::try_from((b + root).div_ceil(U256::from(2u8))).unwrap_or(u128::MAX)
}

/// `calculateSaturation(debt, endSqrtPrice, netDebtX)` (§10.5 step 6): the position's
/// saturation relative to L as if all of it fell in the last tranche,
/// `ceil(debt·101·f / ((B−1)·100))` with `f = ceil(2^144/endSqrt)` for net X debt (X debt is
/// worth `debt/s` in L) and `f = endSqrt` for net Y debt (`debt·s`).
///
/// `(B−1)` is [`TRANCHE_B_MINUS_ONE_IN_Q72`] = `0xcd2b2ae53a69d3552` = `TRANCHE_B_IN_Q72 − 2^72`
/// ≈ 0.0501·2^72: `f` is Q72, so dividing by a Q72 constant leaves a plain L amount. The other
/// "minus one" constant of §10.2, `B_SQUARED_Q72_MINUS_ONE = 0x10100c08050301c1008`, is
/// `b²·2^72 − 1` ≈ 1.0039·2^72, the factor that rounds a price up before `getTickAtPrice`
/// (§10.5 step 7), and is not B−1.
///
/// Rounds up twice (the reciprocal and the quotient): saturation is never understated.
/// Never fails: a result above `u128::MAX` (or a numerator beyond 256 bits, which implies it)
/// saturates to `u128::MAX`; for net X debt a zero end price (unbounded `1/s`) gives
/// `u128::MAX`, or 0 when there is no debt.
pub fn calculate_saturation(net_debt_assets: u128, end_sqrt_price_q72: u128, net_debt_x: bool) -> u128 {
    if net_debt_assets == 0 {
        return 0;
    }
    let factor = if net_debt_x {
        if end_sqrt_price_q72 == 0 {
            return u128::MAX;
        }
        (U256::from(1u8) << 144usize).div_ceil(u256(end_sqrt_price_q72))
    } else {
        u256(end_sqrt_price_q72)
    };
    let denominator = u256(TRANCHE_B_MINUS_ONE_IN_Q72) * u256(100);
    (u256(net_debt_assets) * u256(SATURATION_TIME_BUFFER_IN_MAG2))
        .checked_mul(factor)
        .and_then(|numerator| u128::try_from(numerator.div_ceil(denominator)).ok())
        .unwrap_or(u128::MAX)
}

/// `getUsableTicksAndLastTranche(endTick, netDebtX)` (§10.6), returns `(usable_ticks,
/// last_tranche)`: the tranche that holds the end of the liquidation and how many of its 25
/// ticks lie between that end and the price side of the tranche. With truncating `%` and `/`:
/// `m = endTick % 25`, `last = endTick / 25`; `last −= 1` if (`m == 0 && !netDebtX`) or
/// (`m ≠ 0 && endTick < 0`); `m = netDebtX ? −m : m`; `usable = m < 0 ? m + 25 : m`, and 25
/// instead of 0. Exact integer arithmetic (so `last` is the floor tranche, and for net Y debt
/// a tranche boundary belongs to the lower tranche). Cannot fail for any `i32`.
pub fn usable_ticks_and_last_tranche(end_tick: i32, net_debt_x: bool) -> (i32, i32) {
    let mut m = end_tick % TICKS_PER_TRANCHE;
    let mut last = end_tick / TICKS_PER_TRANCHE;
    if (m == 0 && !net_debt_x) || (m != 0 && end_tick < 0) {
        last -= 1;
    }
    if net_debt_x {
        m = -m;
    }
    let usable = if m < 0 { m + TICKS_PER_TRANCHE } else { m };
    (if usable == 0 { TICKS_PER_TRANCHE } else { usable }, last)
}

/// `calcSatAvailableToAddToTranche` (§10.6), returns `(available, target)`: with
/// `capacity = ceil(activeL·ratioMag2·usableTicks/2500)`, `target = min(capacity, newSat)` and
/// `available = min(newSat, max(capacity, current) − current)`. So `available ≤ target ≤
/// newSat`. The capacity rounds up (as the reference); the rest is exact.
/// Never fails: a negative `usable_ticks` counts as 0 (no capacity), and a capacity product
/// beyond 256 bits is treated as unbounded, which gives the exact results since both outputs
/// are then capped by `new_saturation`.
pub fn tranche_saturation_available(
    active_liquidity: u128,
    new_saturation: u128,
    current_tranche_saturation: u128,
    ratio_mag2: u128,
    usable_ticks: i32,
) -> (u128, u128) {
    let usable = u128::try_from(usable_ticks).unwrap_or(0);
    let capacity = u256(active_liquidity)
        .checked_mul(u256(ratio_mag2))
        .and_then(|p| p.checked_mul(u256(usable)))
        .map_or(U256::MAX, |p| p.div_ceil(u256(TICKS_PER_TRANCHE_MAG2)));
    let new = u256(new_saturation);
    let current = u256(current_tranche_saturation);
    let available = new.min(capacity.max(current) - current);
    // Both are ≤ new_saturation, so they fit u128.
    (available.to::<u128>(), capacity.min(new).to::<u128>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::proptest_config as config;
    use crate::math::sqrt_price_q72_at_tick;
    use proptest::prelude::*;

    const E: u128 = 1_000_000_000_000_000_000;

    #[test]
    fn constants_match_the_spec_table() {
        let hex = |s: &str| U256::from_str_radix(s, 16).unwrap();
        assert_eq!(SAT_CHANGE_OF_BASE_Q128, hex("a39713406ef781154a9e682c2331a7c03"));
        assert_eq!(SAT_CHANGE_OF_BASE_TIMES_SHIFT, hex("b3f2fb93ad437464387b0c308d1d05537"));
        assert_eq!(u256(LOWEST_POSSIBLE_IN_PENALTY), hex(&format!("d{}", "9".repeat(31))));
        assert_eq!(TRANCHE_B_MINUS_ONE_IN_Q72, crate::math::TRANCHE_B_IN_Q72 - Q72);
    }

    /// The spec's examples (§10.3) and values derived with Python big integers by following
    /// §10.3 literally (getTickAtPrice ported as "largest t with getPriceAtTick(t) ≤ p").
    #[test]
    fn sat_to_leaf_vectors() {
        assert_eq!(sat_to_leaf(E), 1737);
        assert_eq!(sat_to_leaf(1000 * E), 2082);
        assert_eq!(sat_to_leaf(0), 0);
        assert_eq!(sat_to_leaf(849), 0);
        assert_eq!(sat_to_leaf(850), 1); // t = 0: floor(SHIFT/COB) = 1
        assert_eq!(sat_to_leaf(851), 1);
        assert_eq!(sat_to_leaf(1000), 9);
        assert_eq!(sat_to_leaf(1_000_000), 354);
        assert_eq!(sat_to_leaf(1_000_000_000_000), 1046);
        assert_eq!(sat_to_leaf(1 << 112), 3547);
        assert_eq!(sat_to_leaf(1_000_000_000_000 * E), 3119);
        assert_eq!(sat_to_leaf(LOWEST_POSSIBLE_IN_PENALTY - 1), 4094);
        assert_eq!(sat_to_leaf(LOWEST_POSSIBLE_IN_PENALTY), 4095);
        assert_eq!(sat_to_leaf(u128::MAX), 4095);
        // The first saturation of leaf 1737 (Python bisection): its tick is 7763, the one
        // below has tick 7762 and falls in leaf 1736.
        assert_eq!(sat_to_leaf(997_696_732_350_082_935), 1737);
        assert_eq!(sat_to_leaf(997_696_732_350_082_934), 1736);
    }

    #[test]
    fn sat_percentage_table() {
        assert_eq!(sat_percentage_wad(0, 0), 0);
        assert_eq!(sat_percentage_wad(3, 0), MAX_SATURATION_PERCENT_IN_WAD);
        assert_eq!(sat_percentage_wad(100, 100), MAX_SATURATION_PERCENT_IN_WAD);
        assert_eq!(sat_percentage_wad(103, 100), 950_000_000_000_000_000);
        assert_eq!(sat_percentage_wad(104, 100), 941_795_538_580_338_563);
        assert_eq!(sat_percentage_wad(105, 100), 923_156_868_017_020_937);
        assert_eq!(sat_percentage_wad(106, 100), 904_887_067_368_814_135);
        assert_eq!(sat_percentage_wad(107, 100), 886_978_836_489_829_983);
        assert_eq!(sat_percentage_wad(108, 100), 0);
        assert_eq!(sat_percentage_wad(4, 0), SAT_PERCENTAGE_DELTA_4_WAD);
        assert_eq!(sat_percentage_wad(8, 0), 0);
        assert_eq!(sat_percentage_wad(4095, 0), 0);
        // Over-saturated (highest leaf above maxLeaf): the most saturated value.
        assert_eq!(sat_percentage_wad(0, 5), MAX_SATURATION_PERCENT_IN_WAD);
        assert_eq!(sat_percentage_wad(10, 4095), MAX_SATURATION_PERCENT_IN_WAD);
        assert_eq!(sat_percentage_wad(u32::MAX, 0), 0);
    }

    /// Derived with Python big integers from §10.5 step 3. For (coll 1000e18, debt 800e18,
    /// activeL 5000e18, thr 85): floor(debt·867085/1e6) = 693668e15, ·coll/(activeL·85²) =
    /// 19201882352941176, ·1e4·2^72/activeL = 181356651263071057484, b = that + 2^73 =
    /// 9626089617002361484876, floor_sqrt(b² − 2^146) = 1859736680403486006627.
    #[test]
    fn span_vectors() {
        assert_eq!(min_sqrt_price_span_q72(1000 * E, 800 * E, 5000 * E, 85), 5742913148702923745752);
        assert_eq!(min_sqrt_price_span_q72(1000 * E, 800 * E, 1_000_000 * E, 85), 4726995932493658849732);
        // (1e6, 1e5, 1e7, 90): 86708, then 1, then 4722366482869645213, b =
        // 9449455332222160072605, root 298706011890154335367.
        assert_eq!(min_sqrt_price_span_q72(1_000_000, 100_000, 10_000_000, 90), 4874080672056157203986);
        assert_eq!(min_sqrt_price_span_q72(5 * E, 3 * E, 7 * E, 1), 12544217879069434379847576);
        // No debt: b = 2·2^72, root 0, span = 2^72 (sqrt price ratio 1).
        assert_eq!(min_sqrt_price_span_q72(1000 * E, 0, 1_000_000 * E, 85), Q72);
        // A huge threshold makes the middle quotient 0 (also when activeL·thr² passes 2^256).
        assert_eq!(min_sqrt_price_span_q72(1000 * E, 800 * E, 1_000_000 * E, 1 << 64), Q72);
        assert_eq!(min_sqrt_price_span_q72(u128::MAX, u128::MAX, u128::MAX, u128::MAX), Q72);
        // Zero divisors and b ≥ 2^128 saturate.
        assert_eq!(min_sqrt_price_span_q72(1, 1, 0, 85), u128::MAX);
        assert_eq!(min_sqrt_price_span_q72(1, 1, 1000, 0), u128::MAX);
        assert_eq!(min_sqrt_price_span_q72(u128::MAX, u128::MAX, 1, 1), u128::MAX);
    }

    /// Derived with Python big integers from §10.5 step 6 with B−1 = 0xcd2b2ae53a69d3552, at
    /// end sqrt prices from `getSqrtPriceAtTick` (tick −1000: 668496051902729083145, tick 500:
    /// 12551340408626954603061).
    #[test]
    fn saturation_vectors() {
        let low = sqrt_price_q72_at_tick(-1000).unwrap();
        let high = sqrt_price_q72_at_tick(500).unwrap();
        assert_eq!(low, 668496051902729083145);
        assert_eq!(high, 12551340408626954603061);
        assert_eq!(calculate_saturation(100 * E, low, true), 14243975519467120883262);
        assert_eq!(calculate_saturation(100 * E, low, false), 285436519006802131851);
        assert_eq!(calculate_saturation(100 * E, Q72, true), 2016370697340843901460);
        assert_eq!(calculate_saturation(100 * E, Q72, false), 2016370697340843901460);
        assert_eq!(calculate_saturation(100 * E, high, true), 758647370572315803831);
        assert_eq!(calculate_saturation(100 * E, high, false), 5359210282410443706877);
        // ceil: 1·101·2^72/((B−1)·100) = 20.16… → 21.
        assert_eq!(calculate_saturation(1, Q72, true), 21);
        assert_eq!(calculate_saturation(1, Q72, false), 21);
        assert_eq!(calculate_saturation(12345, 1, false), 1);
        assert_eq!(calculate_saturation(3, 1, true), 285661241944886846874840);
        // Edges: no debt, zero price, overflow.
        assert_eq!(calculate_saturation(0, 0, true), 0);
        assert_eq!(calculate_saturation(0, Q72, false), 0);
        assert_eq!(calculate_saturation(1, 0, true), u128::MAX);
        assert_eq!(calculate_saturation(1, 0, false), 0);
        assert_eq!(calculate_saturation(u128::MAX, 1, true), u128::MAX);
        assert_eq!(calculate_saturation(u128::MAX, u128::MAX, false), u128::MAX);
    }

    /// Hand-derived (and checked with Python's truncating division) from §10.6.
    #[test]
    fn usable_ticks_vectors() {
        let cases = [
            (30, (20, 1), (5, 1)),
            (-30, (5, -2), (20, -2)),
            (50, (25, 2), (25, 1)),
            (-50, (25, -2), (25, -3)),
            (0, (25, 0), (25, -1)),
            (25, (25, 1), (25, 0)),
            (-25, (25, -1), (25, -2)),
            (1, (24, 0), (1, 0)),
            (-1, (1, -1), (24, -1)),
            (24, (1, 0), (24, 0)),
            (-24, (24, -1), (1, -1)),
            (19854, (21, 794), (4, 794)),
            (19855, (20, 794), (5, 794)),
            (-19855, (5, -795), (20, -795)),
        ];
        for (end, net_x, net_y) in cases {
            assert_eq!(usable_ticks_and_last_tranche(end, true), net_x, "netX {end}");
            assert_eq!(usable_ticks_and_last_tranche(end, false), net_y, "netY {end}");
        }
        for end in [i32::MIN, i32::MAX] {
            for x in [true, false] {
                let (usable, _) = usable_ticks_and_last_tranche(end, x);
                assert!((1..=25).contains(&usable));
            }
        }
    }

    /// The three cases of §10.6 (derived with Python big integers).
    #[test]
    fn tranche_available_vectors() {
        // capacity = ceil(1e6·85·25/2500) = 850_000.
        assert_eq!(tranche_saturation_available(1_000_000, 100_000, 0, 85, 25), (100_000, 100_000));
        assert_eq!(tranche_saturation_available(1_000_000, 1_000_000, 0, 85, 25), (850_000, 850_000));
        assert_eq!(tranche_saturation_available(1_000_000, 1_000_000, 800_000, 85, 25), (50_000, 850_000));
        assert_eq!(tranche_saturation_available(1_000_000, 1_000_000, 900_000, 85, 25), (0, 850_000));
        // capacity 340_000 − current 100_000 > new 50_000.
        assert_eq!(tranche_saturation_available(1_000_000, 50_000, 100_000, 85, 10), (50_000, 50_000));
        // capacity 102_000: available 99_000 < target 100_000.
        assert_eq!(tranche_saturation_available(1_000_000, 100_000, 3_000, 85, 3), (99_000, 100_000));
        // ceil(1000·1·1/2500) = 1.
        assert_eq!(tranche_saturation_available(1000, 1, 0, 1, 1), (1, 1));
        assert_eq!(tranche_saturation_available(1000, 5, 0, 1, 1), (1, 1));
        // No usable ticks or negative ones: no capacity.
        assert_eq!(tranche_saturation_available(1000, 5, 0, 85, 0), (0, 0));
        assert_eq!(tranche_saturation_available(1000, 5, 0, 85, -3), (0, 0));
        // A capacity product beyond 256 bits is unbounded.
        assert_eq!(tranche_saturation_available(u128::MAX, 7, 3, u128::MAX, 25), (7, 7));
        assert_eq!(tranche_saturation_available(u128::MAX, u128::MAX, 0, 1, 25), (u128::MAX / 100 + 1, u128::MAX / 100 + 1));
    }

    /// Every combination of boundary values: no panic, and the documented bounds hold.
    #[test]
    fn extremes_never_panic() {
        let values = [0, 1, 2, 849, 850, Q72, 1 << 112, LOWEST_POSSIBLE_IN_PENALTY, u128::MAX - 1, u128::MAX];
        for &a in &values {
            assert!(sat_to_leaf(a) <= 4095);
            for &b in &values {
                for x in [true, false] {
                    let _ = calculate_saturation(a, b, x);
                }
                for &c in &values {
                    for &d in &values {
                        assert!(min_sqrt_price_span_q72(a, b, c, d) >= Q72);
                        for t in [i32::MIN, -1, 0, 25, i32::MAX] {
                            let (available, target) = tranche_saturation_available(a, b, c, d, t);
                            assert!(available <= target && target <= b);
                        }
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn no_panic_on_any_input(a in any::<u128>(), b in any::<u128>(), c in any::<u128>(), d in any::<u128>(),
                                 t in any::<i32>(), x in any::<bool>(), m in any::<u32>(), h in any::<u32>()) {
            prop_assert!(sat_to_leaf(a) <= 4095);
            let _ = sat_percentage_wad(m, h);
            let span = min_sqrt_price_span_q72(a, b, c, d);
            prop_assert!(span >= Q72);
            let _ = calculate_saturation(a, b, x);
            let (usable, _) = usable_ticks_and_last_tranche(t, x);
            prop_assert!((1..=25).contains(&usable));
            let (available, target) = tranche_saturation_available(a, b, c, d, t);
            prop_assert!(available <= target && target <= b);
        }

        #[test]
        fn sat_to_leaf_is_non_decreasing(a in any::<u128>(), d in 0u128..(1u128 << 100)) {
            prop_assert!(sat_to_leaf(a) <= sat_to_leaf(a.saturating_add(d)));
        }

        #[test]
        fn sat_to_leaf_is_non_decreasing_near_the_penalty_range(a in 800u128..10_000_000) {
            prop_assert!(sat_to_leaf(a) <= sat_to_leaf(a + 1));
        }

        /// Saturation grows with debt; net X saturation falls and net Y rises with the price.
        #[test]
        fn saturation_monotonic(d in 0u128..(1u128 << 112), e in 0u128..(1u128 << 100),
                                s in 1u128..(1u128 << 100), ds in 0u128..(1u128 << 100)) {
            prop_assert!(calculate_saturation(d, s, true) <= calculate_saturation(d + e, s, true));
            prop_assert!(calculate_saturation(d, s, false) <= calculate_saturation(d + e, s, false));
            prop_assert!(calculate_saturation(d, s + ds, true) <= calculate_saturation(d, s, true));
            prop_assert!(calculate_saturation(d, s, false) <= calculate_saturation(d, s + ds, false));
        }

        /// The span is at least 1 (2^72) and grows with the debt (every step of §10.5.3 is
        /// non-decreasing in it).
        #[test]
        fn span_is_monotonic_in_debt(coll in 0u128..(1u128 << 112), debt in 0u128..(1u128 << 112),
                                     l in 1u128..(1u128 << 112), thr in 1u128..100) {
            let span = min_sqrt_price_span_q72(coll, debt, l, thr);
            prop_assume!(span < u128::MAX);
            prop_assert!(span >= Q72);
            prop_assert!(span >= min_sqrt_price_span_q72(coll, debt / 2, l, thr));
        }
    }
}
