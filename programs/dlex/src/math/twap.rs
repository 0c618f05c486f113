//! Pure parts of the GeometricTWAP oracle (spec §8.3–§8.5): outlier bounding of new ticks,
//! the average towards the mid-term tick, and the price (tick) range.
//!
//! Arithmetic is done on `i64` so no `i32` input can overflow; results are ticks (`i32`).

use super::tick_math::{MAX_TICK, MIN_TICK};

/// Maximum tick move per observation once the long-term buffer is full (`MAX_TICK_DELTA`).
pub const MAX_TICK_DELTA: i32 = 10;
/// Last index of the 9-slot long-term buffer (`LONG_TERM_ARRAY_LAST_INDEX`).
pub const LONG_TERM_ARRAY_LAST_INDEX: u8 = 8;
/// 51-slot mid-term buffer length.
pub const MID_TERM_ARRAY_LENGTH: usize = 51;
/// 9-slot long-term buffer length.
pub const LONG_TERM_ARRAY_LENGTH: usize = 9;
/// Ticks per factor of √2 in sqrt price (`LOG_BASE_OF_ROOT_TWO`): the warm-up buffer.
pub const LOG_BASE_OF_ROOT_TWO: i64 = 178;

/// `getLongTermBufferFactor`: 8 once the long-term buffer has wrapped, else `longTermIndex − 1`.
/// The reference computes `longTermIndex − 1` in checked uint8 math, which reverts for index 0;
/// that state cannot occur (the first observation advances the index to 1 before any read), and
/// here it saturates to 0 (the least-information factor) instead of failing. Indices above 9
/// saturate to 8.
pub fn long_term_buffer_factor(long_term_initialized: bool, long_term_index: u8) -> u8 {
    if long_term_initialized {
        LONG_TERM_ARRAY_LAST_INDEX
    } else {
        long_term_index.saturating_sub(1).min(LONG_TERM_ARRAY_LAST_INDEX)
    }
}

/// `boundTick` (§8.3): clamp `new_tick` to `last_tick ± factor·10` with
/// `factor = longInit ? 1 : 8 − (longTermIndex − 1)` (±80 ticks right after init, ±10 once the
/// long-term buffer is full). Index 0 before the buffer wraps (unreachable; the reference
/// would revert on the uint8 underflow) is treated like index 1 (factor 8); indices above 9 give
/// factor 0 (the tick is pinned to `last_tick`). Exact, cannot fail.
pub fn bound_tick(
    last_tick: i32,
    new_tick: i32,
    long_term_initialized: bool,
    long_term_index: u8,
) -> i32 {
    let outlier_factor: i64 = if long_term_initialized {
        1
    } else {
        i64::from(LONG_TERM_ARRAY_LAST_INDEX - long_term_buffer_factor(false, long_term_index))
    };
    let max_delta = outlier_factor * i64::from(MAX_TICK_DELTA);
    let last = i64::from(last_tick);
    let new = i64::from(new_tick);
    let bounded = if new > last + max_delta {
        last + max_delta
    } else if new < last - max_delta {
        last - max_delta
    } else {
        new
    };
    // Between last_tick and new_tick, so it fits i32.
    bounded as i32
}

/// `calculateTickAverageTowardsMidTerm(mid, new)` (§8.4): the average of the two ticks, a
/// half-integer result being rounded towards `mid` (Solidity truncating division). Cannot fail.
pub fn tick_average_towards_mid_term(mid: i32, new: i32) -> i32 {
    let sum = i64::from(mid) + i64::from(new);
    let avg = if sum % 2 == 0 {
        sum / 2
    } else if mid > new {
        (sum + 1) / 2
    } else {
        (sum - 1) / 2
    };
    // Between mid and new, so it fits i32.
    avg as i32
}

/// `calculateTickAverage(cur, prev, len) = (cur − prev)/len` (truncating towards zero), as
/// used for the mid-term, long-term and lending-state ticks. Returns `None` if `len == 0`
/// (the reference would revert on the division). The reference truncates the result to int16;
/// here the result is returned untruncated as `i64`.
pub fn tick_average(current_cumulative: i64, previous_cumulative: i64, len: u32) -> Option<i64> {
    if len == 0 {
        return None;
    }
    Some(current_cumulative.wrapping_sub(previous_cumulative) / i64::from(len))
}

/// `getTickRange` with the long-term tick (§8.5, before PriceExtremes widening):
/// `buffer = (max − min of the four ticks) + floor(178·(8 − factor)/8)`, then
/// `minTick = last − buffer` (floored at `MIN_TICK`) and `maxTick = last + buffer + 1` (capped at
/// `MAX_TICK`), where `factor = longInit ? 8 : longTermIndex − 1`. A `factor` above 8 is treated
/// as 8 (the reference would wrap). The warm-up term rounds down. Cannot fail.
pub fn tick_range(
    long_term_tick: i32,
    mid_term_tick: i32,
    last_tick: i32,
    current_tick: i32,
    factor: u8,
) -> (i32, i32) {
    let ticks = [long_term_tick, mid_term_tick, last_tick, current_tick];
    let mut lo = i64::from(long_term_tick);
    let mut hi = lo;
    for t in ticks {
        lo = lo.min(i64::from(t));
        hi = hi.max(i64::from(t));
    }
    let factor = i64::from(factor.min(LONG_TERM_ARRAY_LAST_INDEX));
    let last_index = i64::from(LONG_TERM_ARRAY_LAST_INDEX);
    let buffer = (hi - lo) + LOG_BASE_OF_ROOT_TWO * (last_index - factor) / last_index;
    let bt = i64::from(last_tick);
    let min_tick = if bt - buffer > i64::from(MIN_TICK) {
        bt - buffer
    } else {
        i64::from(MIN_TICK)
    };
    let max_tick = if bt + buffer + 1 < i64::from(MAX_TICK) {
        bt + buffer + 1
    } else {
        i64::from(MAX_TICK)
    };
    // Both lie within [MIN_TICK, MAX_TICK] unless last_tick itself lies outside; clamp to i32.
    (clamp_i32(min_tick), clamp_i32(max_tick))
}

/// `getTickRangeWithoutLongTerm` (§8.5, liquidation pricing): `(min(mid, last),
/// max(mid, last) + 1)`. The current tick is deliberately not included. Cannot fail (saturates
/// at `i32::MAX`).
pub fn tick_range_without_long_term(mid_term_tick: i32, last_tick: i32) -> (i32, i32) {
    (
        mid_term_tick.min(last_tick),
        mid_term_tick.max(last_tick).saturating_add(1),
    )
}

fn clamp_i32(x: i64) -> i32 {
    x.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bound_tick_cases() {
        // Initialized: ±10.
        assert_eq!(bound_tick(100, 200, true, 3), 110);
        assert_eq!(bound_tick(100, 0, true, 0), 90);
        assert_eq!(bound_tick(100, 105, true, 0), 105);
        // Index 1 (one long-term observation): factor 8 → ±80.
        assert_eq!(bound_tick(0, 1000, false, 1), 80);
        assert_eq!(bound_tick(0, -1000, false, 1), -80);
        // Index 8 (one slot before wrapping): factor 1 → ±10.
        assert_eq!(bound_tick(0, 1000, false, 8), 10);
        // Index 5: factor 8 − 4 = 4 → ±40.
        assert_eq!(bound_tick(-50, 1000, false, 5), -10);
        // Index 0 without init (unreachable): treated like index 1.
        assert_eq!(bound_tick(0, 1000, false, 0), 80);
        // Index 9 and above: factor 0, pinned.
        assert_eq!(bound_tick(7, 1000, false, 9), 7);
        assert_eq!(bound_tick(7, -1000, false, 255), 7);
        assert_eq!(bound_tick(i32::MAX, i32::MIN, false, 1), i32::MAX - 80);
        assert_eq!(bound_tick(i32::MIN, i32::MAX, true, 1), i32::MIN + 10);
    }

    #[test]
    fn average_towards_mid() {
        assert_eq!(tick_average_towards_mid_term(10, 20), 15);
        assert_eq!(tick_average_towards_mid_term(10, 21), 15);
        assert_eq!(tick_average_towards_mid_term(21, 10), 16);
        assert_eq!(tick_average_towards_mid_term(-1, -2), -1);
        assert_eq!(tick_average_towards_mid_term(-2, -1), -2);
        assert_eq!(tick_average_towards_mid_term(-3, 0), -2);
        assert_eq!(tick_average_towards_mid_term(0, -3), -1);
        assert_eq!(tick_average_towards_mid_term(i32::MAX, i32::MAX), i32::MAX);
        assert_eq!(tick_average_towards_mid_term(i32::MIN, i32::MAX), -1);
        assert_eq!(tick_average(-7, 0, 2), Some(-3));
        assert_eq!(tick_average(7, 0, 0), None);
    }

    #[test]
    fn tick_range_cases() {
        // Fully warmed up: buffer = spread only.
        assert_eq!(tick_range(0, 2, 1, 4, 8), (-3, 6));
        // Fresh (factor 0): + 178.
        assert_eq!(tick_range(0, 0, 0, 0, 0), (-178, 179));
        // factor 3: floor(178·5/8) = 111.
        assert_eq!(tick_range(10, 10, 10, 10, 3), (-101, 122));
        assert_eq!(tick_range(0, 0, 0, 0, 200), (0, 1));
        // Clamped at the tick bounds.
        assert_eq!(tick_range(MIN_TICK, MAX_TICK, 0, 0, 8), (MIN_TICK, MAX_TICK));
        assert_eq!(tick_range(MAX_TICK, MAX_TICK, MAX_TICK, MAX_TICK, 8), (MAX_TICK, MAX_TICK));
        assert_eq!(tick_range(MIN_TICK, MIN_TICK, MIN_TICK, MIN_TICK, 8), (MIN_TICK, MIN_TICK + 1));
        assert_eq!(tick_range_without_long_term(5, 3), (3, 6));
        assert_eq!(tick_range_without_long_term(-5, 3), (-5, 4));
        assert_eq!(long_term_buffer_factor(true, 3), 8);
        assert_eq!(long_term_buffer_factor(false, 3), 2);
        assert_eq!(long_term_buffer_factor(false, 0), 0);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn no_panics(a in any::<i32>(), b in any::<i32>(), c in any::<i32>(), d in any::<i32>(), f in any::<u8>(), init in any::<bool>()) {
            let t = bound_tick(a, b, init, f);
            prop_assert!((i64::from(t) - i64::from(a)).abs() <= 80);
            let m = tick_average_towards_mid_term(a, b);
            prop_assert!(m >= a.min(b) && m <= a.max(b));
            let (lo, hi) = tick_range(a, b, c, d, f);
            let _ = (lo, hi);
            let _ = tick_range_without_long_term(a, b);
        }

        #[test]
        fn range_contains_last(l in MIN_TICK..=MAX_TICK, m in MIN_TICK..=MAX_TICK, b in MIN_TICK..=MAX_TICK, c in MIN_TICK..=MAX_TICK, f in 0u8..=8) {
            let (lo, hi) = tick_range(l, m, b, c, f);
            prop_assert!(lo <= b && b < hi || hi == MAX_TICK);
            prop_assert!(lo >= MIN_TICK && hi <= MAX_TICK);
        }
    }
}
