//! Price range of a pair (spec §8.5 `getTickRange(pair, rX, rY, includeLongTerm)`).
//!
//! Owns the composition only: which observed ticks feed `crate::math::tick_range` /
//! `tick_range_without_long_term`, when [`PriceExtremes`] widens the result, the final clamp to
//! the tick domain, and the conversion of the range to Q72 sqrt prices.

use super::{Observations, OracleError, PriceExtremes};
use crate::math::{self, MAX_TICK, MIN_TICK};

/// A tick range `[min_tick, max_tick]` (§8.5) used to price positions conservatively.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceRange {
    /// Lowest tick, `≥ MIN_TICK`.
    pub min_tick: i32,
    /// Highest tick, `≤ MAX_TICK + 1` (the exclusive top of an extreme slot may reach it).
    pub max_tick: i32,
}

impl PriceRange {
    /// `(getSqrtPriceAtTick(min_tick), getSqrtPriceAtTick(max_tick))` in Q72 (§3), the form the
    /// validation code (§9) consumes.
    pub fn sqrt_price_bounds(&self) -> Result<(u128, u128), OracleError> {
        Ok((
            math::sqrt_price_q72_at_tick(self.min_tick)?,
            math::sqrt_price_q72_at_tick(self.max_tick)?,
        ))
    }
}

/// `getTickRange` (§8.5).
///
/// * `include_long_term = true` (new positions, solvency): `math::tick_range` of the long-term,
///   mid-term and last ticks and `current_tick` (the raw-reserve tick,
///   `math::tick_at_reserves(rX, rY)`) with the warm-up factor, then widened by the price
///   extremes with the pair's mid-term interval.
/// * `include_long_term = false` (liquidation pricing): `math::tick_range_without_long_term`
///   of the mid-term and last ticks; neither the current tick nor the extremes are used, so a
///   same-transaction price move cannot raise a liquidation payout.
///
/// The result is clamped to `[MIN_TICK, MAX_TICK + 1]` (a no-op for consistent state) so
/// [`PriceRange::sqrt_price_bounds`] cannot fail, and `min_tick ≤ max_tick` always holds.
pub fn price_range(
    obs: &Observations,
    extremes: &PriceExtremes,
    current_tick: i32,
    include_long_term: bool,
    now: u32,
) -> PriceRange {
    let (lo, hi) = if include_long_term {
        let (lo, hi) = math::tick_range(
            obs.long_term_tick(),
            obs.mid_term_tick(),
            obs.last_tick,
            current_tick.clamp(MIN_TICK, MAX_TICK),
            obs.range_factor(),
        );
        extremes.widen(lo, hi, obs.mid_term_interval, now)
    } else {
        math::tick_range_without_long_term(obs.mid_term_tick(), obs.last_tick)
    };
    let min_tick = lo.clamp(MIN_TICK, MAX_TICK + 1);
    let max_tick = hi.clamp(min_tick, MAX_TICK + 1);
    PriceRange { min_tick, max_tick }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytemuck::Zeroable;
    use proptest::prelude::*;

    fn fresh(tick: i32, now: u32) -> Observations {
        let mut o = Observations::zeroed();
        o.initialize(8, 112, tick, now).unwrap();
        o
    }

    fn range(o: &Observations, e: &PriceExtremes, cur: i32, long: bool, now: u32) -> (i32, i32) {
        let r = price_range(o, e, cur, long, now);
        (r.min_tick, r.max_tick)
    }

    #[test]
    fn fresh_pair_full_warm_up_buffer() {
        let o = fresh(100, 1000);
        let e = PriceExtremes::zeroed();
        // lt = mt = bt = cur = 100, factor 0: buffer = 0 + floor(178·(8 − 0)/8) = 178.
        // min = 100 − 178 = −78, max = 100 + 178 + 1 = 279.
        assert_eq!(range(&o, &e, 100, true, 1000), (-78, 279));
        // cur 130: spread 30 → buffer 208 → (100 − 208, 100 + 208 + 1) = (−108, 309).
        assert_eq!(range(&o, &e, 130, true, 1000), (-108, 309));
        // Without long-term: (min(mt, bt), max(mt, bt) + 1) = (100, 101); cur ignored.
        assert_eq!(range(&o, &e, 130, false, 1000), (100, 101));
    }

    #[test]
    fn mid_and_last_differ() {
        let mut o = fresh(0, 0);
        assert!(o.record_observation(10, 8, 8)); // cum 80
        assert!(o.record_observation(20, 8, 16)); // cum 240 → mid 240/16 = 15, last 20
        assert_eq!(o.mid_term_tick(), 15);
        let e = PriceExtremes::zeroed();
        // Without long-term: (15, 20 + 1).
        assert_eq!(range(&o, &e, 20, false, 16), (15, 21));
        // With: lt = last_tick (long buffer has only its seed) = 20, mt 15, bt 20, cur 20;
        // spread 5, factor 0 → buffer 5 + 178 = 183 → (20 − 183, 20 + 183 + 1) = (−163, 204).
        assert_eq!(range(&o, &e, 20, true, 16), (-163, 204));
    }

    #[test]
    fn warm_up_term_shrinks_with_long_term_factor() {
        let mut o = fresh(0, 0);
        for k in 1..=14u32 {
            assert!(o.record_observation(10, 8, 8 * k));
        }
        // One long slot at t = 112 → factor 1; lt = mt = 1120/112 = 10, bt = 10.
        assert_eq!(o.range_factor(), 1);
        assert_eq!(
            (o.long_term_tick(), o.mid_term_tick(), o.last_tick),
            (10, 10, 10)
        );
        let e = PriceExtremes::zeroed();
        // cur 0: spread 10; warm-up floor(178·7/8) = floor(155.75) = 155; buffer 165.
        // (10 − 165, 10 + 165 + 1) = (−155, 176).
        assert_eq!(range(&o, &e, 0, true, 112), (-155, 176));
    }

    #[test]
    fn long_term_full_has_no_warm_up_term() {
        let mut o = fresh(0, 0);
        for k in 1..=112u32 {
            assert!(o.record_observation(0, 8, 8 * k));
        }
        assert_eq!(o.range_factor(), 8);
        let e = PriceExtremes::zeroed();
        // All observed ticks 0, cur 7: buffer = 7 + floor(178·0/8) = 7 → (−7, 8).
        assert_eq!(range(&o, &e, 7, true, 896), (-7, 8));
        assert_eq!(range(&o, &e, -7, true, 896), (-7, 8));
        // Without long-term: (0, 1).
        assert_eq!(range(&o, &e, 7, false, 896), (0, 1));
    }

    #[test]
    fn clamps_to_tick_domain() {
        let e = PriceExtremes::zeroed();
        // bt − 178 < MIN_TICK → MIN_TICK; max = MIN_TICK + 10 + 179.
        let lo = fresh(MIN_TICK + 10, 0);
        assert_eq!(
            range(&lo, &e, MIN_TICK + 10, true, 0),
            (MIN_TICK, MIN_TICK + 189)
        );
        // bt + 179 ≥ MAX_TICK → MAX_TICK (the reference clamps to MAX_TICK, not +1).
        let hi = fresh(MAX_TICK - 10, 0);
        assert_eq!(
            range(&hi, &e, MAX_TICK - 10, true, 0),
            (MAX_TICK - 188, MAX_TICK)
        );
        // An extreme at MAX_TICK widens the top to MAX_TICK + 1 (exclusive slot end).
        let mut ex = PriceExtremes::zeroed();
        ex.record(MAX_TICK, 8, 0);
        assert_eq!(
            range(&hi, &ex, MAX_TICK - 10, true, 0),
            (MAX_TICK - 188, MAX_TICK + 1)
        );
        let r = price_range(&hi, &ex, MAX_TICK - 10, true, 0);
        assert_eq!(r.sqrt_price_bounds().unwrap().1, math::MAX_SQRT_PRICE_Q72);
    }

    #[test]
    fn extremes_widen_only_the_long_term_range() {
        let o = fresh(100, 1000);
        let mut e = PriceExtremes::zeroed();
        e.record(500, 8, 1000); // slot [500, 501) at 1000
                                // Age 5 < 16: (−78, 279) widened to (−78, 501).
        assert_eq!(range(&o, &e, 100, true, 1005), (-78, 501));
        // Liquidation range ignores extremes.
        assert_eq!(range(&o, &e, 100, false, 1005), (100, 101));
        // Age 16: aged out.
        assert_eq!(range(&o, &e, 100, true, 1016), (-78, 279));
        e.record(-400, 8, 1016); // roll: previous [500, 501) @1000, current [−400, −399) @1016
                                 // now 1020: current age 4 folds in; previous age 20 ≥ 16 does not.
        assert_eq!(range(&o, &e, 100, true, 1020), (-400, 279));
    }

    #[test]
    fn sqrt_price_bounds_match_vectors() {
        // G1: sqrtPrice(0) = 2^72, sqrtPrice(1) = B_IN_Q72, sqrtPrice(−100) from the vectors.
        let r = PriceRange {
            min_tick: 0,
            max_tick: 1,
        };
        assert_eq!(
            r.sqrt_price_bounds(),
            Ok((4722366482869645213696, 4731607904558235517441))
        );
        let r = PriceRange {
            min_tick: -100,
            max_tick: 100,
        };
        assert_eq!(
            r.sqrt_price_bounds(),
            Ok((3883770902925573093587, 5742034161111790218452))
        );
        let bad = PriceRange {
            min_tick: MIN_TICK - 1,
            max_tick: 0,
        };
        assert!(matches!(bad.sqrt_price_bounds(), Err(OracleError::Math(_))));
    }

    proptest! {
        #[test]
        fn range_contains_last_and_current(
            mid in 8u32..100,
            extra in 0u32..2000,
            seed in MIN_TICK..=MAX_TICK,
            start in any::<u32>(),
            steps in proptest::collection::vec(
                (MIN_TICK..=MAX_TICK, 0u32..400, any::<bool>()), 0..150),
            cur in MIN_TICK..=MAX_TICK,
            later in 0u32..1000,
        ) {
            let mut o = Observations::zeroed();
            o.initialize(mid, 14 * mid + extra, seed, start).unwrap();
            let mut e = PriceExtremes::zeroed();
            let mut now = start;
            let mut last_update = start;
            for (tick, dt, swap) in steps {
                now = now.wrapping_add(dt);
                if o.update_observation(tick, last_update, now) {
                    last_update = now;
                }
                if swap {
                    e.record(tick, o.mid_term_interval, now);
                }
            }
            let now = now.wrapping_add(later);
            let with = price_range(&o, &e, cur, true, now);
            let without = price_range(&o, &e, cur, false, now);
            for r in [with, without] {
                prop_assert!(r.min_tick <= r.max_tick);
                prop_assert!(MIN_TICK <= r.min_tick && r.max_tick <= MAX_TICK + 1);
                prop_assert!(r.min_tick <= o.last_tick && o.last_tick <= r.max_tick);
                prop_assert!(r.sqrt_price_bounds().is_ok());
            }
            prop_assert!(with.min_tick <= cur && cur <= with.max_tick);
            // The long-term range also covers the mid-term tick and the liquidation range's
            // lower end (the mid/last spread is part of its buffer).
            prop_assert!(with.min_tick <= without.min_tick);
        }

        #[test]
        fn no_panic_on_arbitrary_time_and_ticks(
            seed in MIN_TICK..=MAX_TICK,
            start in any::<u32>(),
            steps in proptest::collection::vec(
                (any::<i32>(), any::<u32>(), any::<u32>(), any::<u32>()), 0..60),
            cur in any::<i32>(),
            now in any::<u32>(),
            long in any::<bool>(),
        ) {
            let mut o = Observations::zeroed();
            o.initialize(8, 112, seed, start).unwrap();
            let mut e = PriceExtremes::zeroed();
            for (tick, delta, t, interval) in steps {
                let _ = o.record_observation(tick, delta, t);
                let _ = o.update_observation(tick, delta, t);
                e.record(tick, interval, t);
                let _ = o.lending_state_tick_and_checkpoint(delta);
            }
            let r = price_range(&o, &e, cur, long, now);
            prop_assert!(r.min_tick <= r.max_tick);
            prop_assert!(MIN_TICK <= r.min_tick && r.max_tick <= MAX_TICK + 1);
            prop_assert!(r.sqrt_price_bounds().is_ok());
        }
    }
}
