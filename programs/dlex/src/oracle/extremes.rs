//! Intra-interval price extremes (spec §8.5 `PriceExtremes`).
//!
//! Owns [`PriceExtremes`]: the min/max tick that swaps produced in the current and the previous
//! observation interval. The TWAP only sees one tick per interval, so a swap that moves the
//! price and moves it back inside one interval would otherwise be invisible to the solvency
//! range; `widen` folds these fresh extremes back in.


use super::OracleError;
use crate::math;

/// Per-pair extreme-tick state (spec §8.5), laid out for a zero-copy account: two slots
/// (current, previous), each `[min_tick, max_tick)` with its start time. Booleans are `u8`,
/// `int16` ticks are `i32`; explicit padding makes the size a multiple of 8 with no implicit
/// padding.
// `zero_copy` = repr(C) + Copy + Pod + Zeroable, plus the IDL description of the layout so
// clients can decode the Pair account that embeds this struct.
#[anchor_lang::zero_copy]
#[derive(Debug, PartialEq, Eq)]
pub struct PriceExtremes {
    /// Start time (`u32`) of the current slot.
    pub current_timestamp: u32,
    /// Start time (`u32`) of the previous slot.
    pub previous_timestamp: u32,
    /// Lowest tick seen in the current slot (inclusive).
    pub current_min_tick: i32,
    /// Highest tick seen in the current slot, plus one (exclusive).
    pub current_max_tick: i32,
    /// Lowest tick of the previous slot (inclusive).
    pub previous_min_tick: i32,
    /// Highest tick of the previous slot, plus one (exclusive).
    pub previous_max_tick: i32,
    /// 1 once the current slot holds a record.
    pub current_initialized: u8,
    /// 1 once the previous slot holds a record.
    pub previous_initialized: u8,
    /// Explicit padding (Pod forbids implicit padding); always zero.
    pub _padding: [u8; 6],
}

/// 6·4 + 2 + 6 = 32 bytes, alignment 4.
pub const PRICE_EXTREMES_SIZE: usize = 32;
const _: () = assert!(core::mem::size_of::<PriceExtremes>() == PRICE_EXTREMES_SIZE);

/// Folds one slot into `[lo, hi)` if it is initialized and younger than `max_age`.
fn widen_with_slot(
    (lo, hi): (i32, i32),
    slot_ts: u32,
    slot_min: i32,
    slot_max: i32,
    initialized: bool,
    now: u32,
    max_age: u32,
) -> (i32, i32) {
    // Wrapping age so the freshness test stays right across the 2^32 boundary.
    if initialized && now.wrapping_sub(slot_ts) < max_age {
        (lo.min(slot_min), hi.max(slot_max))
    } else {
        (lo, hi)
    }
}

impl PriceExtremes {
    /// `PriceExtremes.record` (§8.5), called after every swap with
    /// `price_tick = getTickAtPrice(newRX·2^128/newRY)` (= `math::tick_at_reserves`) and
    /// `interval` = the pair's mid-term interval.
    ///
    /// The slot is `[price_tick, price_tick + 1)`. If the current slot is uninitialized or
    /// `now − current_timestamp ≥ interval`, the current slot becomes the previous one and a new
    /// slot starts at `now`; otherwise the current slot is widened.
    pub fn record(&mut self, price_tick: i32, interval: u32, now: u32) {
        let min_tick = price_tick;
        // Ticks are ≤ MAX_TICK so this never saturates for real prices.
        let max_tick = price_tick.saturating_add(1);
        let elapsed = now.wrapping_sub(self.current_timestamp);
        if self.current_initialized == 0 || elapsed >= interval {
            self.previous_timestamp = self.current_timestamp;
            self.previous_min_tick = self.current_min_tick;
            self.previous_max_tick = self.current_max_tick;
            self.previous_initialized = self.current_initialized;
            self.current_timestamp = now;
            self.current_min_tick = min_tick;
            self.current_max_tick = max_tick;
            self.current_initialized = 1;
        } else {
            self.current_max_tick = self.current_max_tick.max(max_tick);
            self.current_min_tick = self.current_min_tick.min(min_tick);
        }
    }

    /// Convenience for the swap path: [`Self::record`] of `math::tick_at_reserves(rx, ry)`.
    /// Errors (zero or out-of-range reserves) are the math errors, as the reference reverts.
    pub fn record_reserves(
        &mut self,
        reserve_x: u128,
        reserve_y: u128,
        interval: u32,
        now: u32,
    ) -> Result<(), OracleError> {
        let tick = math::tick_at_reserves(reserve_x, reserve_y)?;
        self.record(tick, interval, now);
        Ok(())
    }

    /// `PriceExtremes.widen` (§8.5): extends `[min_tick, max_tick)` with every slot (current,
    /// then previous) whose age `now − slot_ts` is `< 2·interval`. Never narrows.
    ///
    /// `2·interval` saturates instead of overflowing (the reference's u24 config cannot
    /// overflow; dlex's u32 could).
    pub fn widen(&self, min_tick: i32, max_tick: i32, interval: u32, now: u32) -> (i32, i32) {
        let max_age = interval.saturating_mul(2);
        let range = widen_with_slot(
            (min_tick, max_tick),
            self.current_timestamp,
            self.current_min_tick,
            self.current_max_tick,
            self.current_initialized != 0,
            now,
            max_age,
        );
        widen_with_slot(
            range,
            self.previous_timestamp,
            self.previous_min_tick,
            self.previous_max_tick,
            self.previous_initialized != 0,
            now,
            max_age,
        )
    }
}

#[cfg(test)]
mod tests {
    use bytemuck::Zeroable;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn size() {
        assert_eq!(core::mem::size_of::<PriceExtremes>(), 32);
        assert_eq!(core::mem::align_of::<PriceExtremes>(), 4);
    }

    #[test]
    fn fresh_state_never_widens() {
        let e = PriceExtremes::zeroed();
        assert_eq!(e.widen(10, 20, 8, 0), (10, 20));
        assert_eq!(e.widen(10, 20, 8, 12345), (10, 20));
    }

    #[test]
    fn roll_widen_and_age_out() {
        let mut e = PriceExtremes::zeroed();
        // Uninitialized → roll: current = [100, 101) at 1000; previous copies the empty slot.
        e.record(100, 8, 1000);
        assert_eq!(
            (e.current_min_tick, e.current_max_tick, e.current_timestamp),
            (100, 101, 1000)
        );
        assert_eq!(e.current_initialized, 1);
        assert_eq!(e.previous_initialized, 0);
        // 1005 − 1000 = 5 < 8 → widen current: min 95, max stays 101.
        e.record(95, 8, 1005);
        assert_eq!((e.current_min_tick, e.current_max_tick), (95, 101));
        // 1007: 7 < 8 → max 120 + 1 = 121.
        e.record(120, 8, 1007);
        assert_eq!((e.current_min_tick, e.current_max_tick), (95, 121));
        // 1008 − 1000 = 8 ≥ 8 → roll: previous = [95, 121) @1000, current = [110, 111) @1008.
        e.record(110, 8, 1008);
        assert_eq!(
            (
                e.previous_min_tick,
                e.previous_max_tick,
                e.previous_timestamp
            ),
            (95, 121, 1000)
        );
        assert_eq!(e.previous_initialized, 1);
        assert_eq!(
            (e.current_min_tick, e.current_max_tick, e.current_timestamp),
            (110, 111, 1008)
        );

        // now 1010: current age 2 < 16, previous age 10 < 16 → both fold in.
        // [200, 201) ∪ [110, 111) ∪ [95, 121) → (95, 201).
        assert_eq!(e.widen(200, 201, 8, 1010), (95, 201));
        // now 1016: previous age 16 is not < 16 → only current → (110, 201).
        assert_eq!(e.widen(200, 201, 8, 1016), (110, 201));
        // now 1024: current age 16 → nothing folds in.
        assert_eq!(e.widen(200, 201, 8, 1024), (200, 201));
        // Never narrows: a range containing everything is returned unchanged.
        assert_eq!(e.widen(0, 1000, 8, 1010), (0, 1000));
    }

    #[test]
    fn gap_longer_than_interval_rolls_stale_slot() {
        let mut e = PriceExtremes::zeroed();
        e.record(-50, 8, 100);
        // 1000 s later: roll; the previous slot (started at 100) is far older than 16 s.
        e.record(10, 8, 1100);
        assert_eq!(e.widen(10, 11, 8, 1101), (10, 11));
    }

    #[test]
    fn ages_wrap_across_2_pow_32() {
        let mut e = PriceExtremes::zeroed();
        e.record(-300, 8, u32::MAX - 2);
        // now = 3: wrapping age = 3 − (2^32 − 3) = 6 < 8 → widen current, no roll.
        e.record(-310, 8, 3);
        assert_eq!(e.current_min_tick, -310);
        assert_eq!(e.current_timestamp, u32::MAX - 2);
        // Age 6 < 16 → folds in.
        assert_eq!(e.widen(0, 1, 8, 3), (-310, 1));
    }

    #[test]
    fn record_reserves_uses_reserve_tick() {
        let mut e = PriceExtremes::zeroed();
        // Equal reserves: price 1 → tick 0 → slot [0, 1).
        e.record_reserves(500, 500, 8, 7).unwrap();
        assert_eq!((e.current_min_tick, e.current_max_tick), (0, 1));
        assert!(e.record_reserves(500, 0, 8, 7).is_err());
    }

    proptest! {
        #[test]
        fn widen_never_narrows(
            records in proptest::collection::vec((-19855i32..=19854, any::<u32>()), 0..20),
            interval in any::<u32>(),
            lo in -19855i32..=19854,
            width in 0i32..1000,
            now in any::<u32>(),
        ) {
            let mut e = PriceExtremes::zeroed();
            for (tick, t) in records {
                e.record(tick, interval, t);
                prop_assert!(e.current_min_tick < e.current_max_tick);
            }
            let hi = lo + width;
            let (a, b) = e.widen(lo, hi, interval, now);
            prop_assert!(a <= lo && b >= hi);
        }
    }
}
