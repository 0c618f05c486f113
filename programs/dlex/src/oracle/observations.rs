//! Geometric TWAP observations (spec §8.1–8.4) and the observation step of the accrual driver
//! (§7.5 step 1, §5.3 reference tick).
//!
//! Owns the [`Observations`] ring buffers, their recording rule, the mid-term / long-term /
//! lending-state tick averages, the long-term warm-up factor, and the 90%-buffer observation
//! tick of the reserves. Outlier bounding and the towards-mid average are `crate::math`'s.

use bytemuck::Zeroable;

use super::{
    OracleError, LONG_TERM_ARRAY_LENGTH, MID_TERM_ARRAY_LENGTH, MINIMUM_LONG_TERM_INTERVAL_FACTOR,
    MIN_MID_TERM_INTERVAL,
};
use crate::math::{self, BUFFER_OBS, BUFFER_OBS_NUMERATOR, MAX_TICK, MIN_TICK};

/// Per-pair TWAP state (spec §8.1), laid out for a zero-copy account.
///
/// Differences from the reference layout, all forced by zero-copy `Pod`: booleans are `u8`
/// (0/1), `int56` sums are `i64` (wrapping, so differences of sums stay exact), `int16` ticks are
/// `i32`, `uint24` interval configs are `u32` seconds. The 8-byte arrays come first and the
/// fields shrink in alignment so there is no padding at all (checked by the size assertion).
// `zero_copy` = repr(C) + Copy + Pod + Zeroable, plus the IDL description of the layout so
// clients can decode the Pair account that embeds this struct.
#[anchor_lang::zero_copy]
#[derive(Debug, PartialEq, Eq)]
pub struct Observations {
    /// Cumulative `Σ tick·Δt` at each mid-term observation.
    pub mid_term_cumulative_sum: [i64; MID_TERM_ARRAY_LENGTH],
    /// Cumulative sum copied at each long-term observation.
    pub long_term_cumulative_sum: [i64; LONG_TERM_ARRAY_LENGTH],
    /// Cumulative sum at the last lending checkpoint (§8.4).
    pub lending_cumulative_sum: i64,
    /// Time (`u32`) of each mid-term observation.
    pub mid_term_timestamp: [u32; MID_TERM_ARRAY_LENGTH],
    /// Time (`u32`) of each long-term observation.
    pub long_term_timestamp: [u32; LONG_TERM_ARRAY_LENGTH],
    /// Minimum seconds between two mid-term observations; 0 means "not initialized".
    pub mid_term_interval: u32,
    /// Minimum seconds between two long-term observations.
    pub long_term_interval: u32,
    /// Last recorded tick, after outlier bounding.
    pub last_tick: i32,
    /// Next mid-term slot to write (0..51).
    pub mid_term_index: u8,
    /// Next long-term slot to write (0..9).
    pub long_term_index: u8,
    /// 1 once the mid-term buffer has wrapped (filled) at least once.
    pub is_mid_term_initialized: u8,
    /// 1 once the long-term buffer has wrapped (filled) at least once.
    pub is_long_term_initialized: u8,
}

/// 51·8 + 9·8 + 8 + 51·4 + 9·4 + 4 + 4 + 4 + 4·1 = 744 bytes, alignment 8.
pub const OBSERVATIONS_SIZE: usize = 744;
const _: () = assert!(core::mem::size_of::<Observations>() == OBSERVATIONS_SIZE);
const _: () = assert!(core::mem::align_of::<Observations>() == 8);

/// Slot before `index` in a ring of `len` (`getLastIndex`); `index < len` by construction.
fn prev_index(index: usize, len: usize) -> usize {
    if index == 0 {
        len - 1
    } else {
        index - 1
    }
}

/// `calculateTickAverage` (§8.4) via `math::tick_average` (truncating like Solidity), narrowed
/// to a tick.
///
/// The reference casts the quotient to int16 unchecked; dlex clamps it to the tick range
/// instead. That is identical whenever the quotient is a tick (always for the mid/long-term
/// averages). The lending tick divides a sum that can span up to one mid interval more than
/// Δl (§8.4 note), so near the price limits it can leave the domain, where the int16 cast
/// would flip its sign; the clamp keeps it at the limit and tick → price conversions
/// infallible. A zero span is unreachable (observations are ≥ 8 s apart) but the reference
/// would divide by zero there, so it falls back to `fallback` (the last tick).
fn tick_average(cur: i64, prev: i64, span: u32, fallback: i32) -> i32 {
    match math::tick_average(cur, prev, span) {
        Some(q) => q.clamp(i64::from(MIN_TICK), i64::from(MAX_TICK)) as i32,
        None => fallback,
    }
}

/// Average of one ring buffer from its oldest valid slot to its newest (§8.4 midTermTick /
/// longTermTick). Shared by both buffers so the two rules cannot drift apart.
fn buffer_average(
    cums: &[i64],
    times: &[u32],
    index: u8,
    initialized: bool,
    last_tick: i32,
) -> i32 {
    let len = cums.len().min(times.len());
    if len == 0 {
        return last_tick;
    }
    // Stored indices are always < len; the modulo only guards corrupted account data.
    let idx = usize::from(index) % len;
    let last = prev_index(idx, len);
    if !initialized && last == 0 {
        // Only the seed observation exists: no interval to average over yet.
        return last_tick;
    }
    let (prev_cum, prev_time) = if initialized {
        (cums[idx], times[idx])
    } else {
        (0, times[0])
    };
    tick_average(
        cums[last],
        prev_cum,
        times[last].wrapping_sub(prev_time),
        last_tick,
    )
}

impl Observations {
    /// `initializeObservationStruct` + `addObservationAndSetLendingState` (§8.1).
    ///
    /// Requires `mid_interval ≥ 8` (design §6; the reference only needs > 0) and
    /// `long_interval ≥ 14·mid_interval`, else `InvalidIntervalConfig`. Writes the seed
    /// observation (cumulative 0 at `now`) into slot 0 of both buffers, so both indices become
    /// 1, and sets `last_tick = tick`. `tick` is the raw-reserve tick at pair creation.
    pub fn initialize(
        &mut self,
        mid_interval: u32,
        long_interval: u32,
        tick: i32,
        now: u32,
    ) -> Result<(), OracleError> {
        if self.mid_term_interval != 0 {
            return Err(OracleError::AlreadyInitialized);
        }
        // u64 product: 14 × u32::MAX cannot overflow, so no config is silently accepted.
        if mid_interval < MIN_MID_TERM_INTERVAL
            || u64::from(long_interval)
                < MINIMUM_LONG_TERM_INTERVAL_FACTOR * u64::from(mid_interval)
        {
            return Err(OracleError::InvalidIntervalConfig);
        }
        if !(MIN_TICK..=MAX_TICK).contains(&tick) {
            return Err(OracleError::TickOutOfRange);
        }
        *self = Observations::zeroed();
        self.mid_term_interval = mid_interval;
        self.long_term_interval = long_interval;
        // Seed observation (setObservationData with firstUpdate = true): slot 0 of both
        // buffers holds cumulative 0 at `now`; lending_cumulative_sum stays 0.
        self.mid_term_timestamp[0] = now;
        self.long_term_timestamp[0] = now;
        self.mid_term_index = 1;
        self.long_term_index = 1;
        self.last_tick = tick;
        Ok(())
    }

    /// Mid-term buffer has filled once (§8.1 flag). Until then dlex keeps the pair swap-only
    /// (design §6), because the mid-term average would cover less than 50 intervals.
    pub fn is_mid_term_ready(&self) -> bool {
        self.is_mid_term_initialized != 0
    }

    /// `Err(MidTermNotReady)` unless [`Self::is_mid_term_ready`] (design §6 gate for every
    /// non-swap instruction).
    pub fn require_mid_term_ready(&self) -> Result<(), OracleError> {
        if self.is_mid_term_ready() {
            Ok(())
        } else {
            Err(OracleError::MidTermNotReady)
        }
    }

    /// Long-term buffer has filled once (§8.1 flag).
    pub fn is_long_term_ready(&self) -> bool {
        self.is_long_term_initialized != 0
    }

    /// Long-term slot index reduced into range; equal to the stored one for valid data.
    fn long_index(&self) -> u8 {
        self.long_term_index % LONG_TERM_ARRAY_LENGTH as u8
    }

    /// Long-term warm-up factor (§8.3, §8.5 `getLongTermBufferFactor`): 8 once the long-term
    /// buffer is full, else `longTermIndex − 1` (the number of long-term intervals recorded).
    ///
    /// The reference reverts on index 0 (checked `uint8` underflow); that state only exists
    /// before `initialize`, and `math::long_term_buffer_factor` saturates it to 0 (widest range,
    /// loosest clamp) instead.
    pub fn range_factor(&self) -> u8 {
        math::long_term_buffer_factor(self.is_long_term_ready(), self.long_index())
    }

    /// `recordObservation(newTick, Δt)` (§8.2). Returns whether an observation was written.
    ///
    /// Nothing happens if `delta < mid_term_interval` (or the struct is uninitialized).
    /// Otherwise the tick is clamped by `math::bound_tick` against `last_tick` (±80 ticks while
    /// the long-term buffer warms up, down to ±10), `tick·delta` is added to the newest
    /// cumulative sum and written at `now` into the next mid-term slot; a long-term slot is
    /// written too when `now − (newest long-term time) ≥ long_term_interval`. Each buffer marks
    /// itself initialized when its index wraps to 0.
    ///
    /// `delta` must be `now − lastUpdateTimestamp` (the caller's Δu, §7.5); it weights the tick,
    /// while `now` stamps the slot.
    pub fn record_observation(&mut self, new_tick: i32, delta: u32, now: u32) -> bool {
        if self.mid_term_interval == 0 || delta < self.mid_term_interval {
            return false;
        }
        // Ticks from getTickAtPrice are always in range; clamping first keeps a caller bug from
        // pushing last_tick (and every later average) out of the tick domain.
        let new_tick = new_tick.clamp(MIN_TICK, MAX_TICK);
        let new_tick = math::bound_tick(
            self.last_tick,
            new_tick,
            self.is_long_term_ready(),
            self.long_index(),
        );

        let idx = usize::from(self.mid_term_index) % MID_TERM_ARRAY_LENGTH;
        let last = prev_index(idx, MID_TERM_ARRAY_LENGTH);
        // Wrapping like the reference's unchecked int56: only differences of sums are used.
        let cum = self.mid_term_cumulative_sum[last]
            .wrapping_add(i64::from(new_tick).wrapping_mul(i64::from(delta)));

        self.mid_term_cumulative_sum[idx] = cum;
        self.mid_term_timestamp[idx] = now;
        let next = (idx + 1) % MID_TERM_ARRAY_LENGTH;
        self.mid_term_index = next as u8;
        if next == 0 {
            self.is_mid_term_initialized = 1;
        }

        let lidx = usize::from(self.long_index());
        let llast = prev_index(lidx, LONG_TERM_ARRAY_LENGTH);
        if now.wrapping_sub(self.long_term_timestamp[llast]) >= self.long_term_interval {
            self.long_term_cumulative_sum[lidx] = cum;
            self.long_term_timestamp[lidx] = now;
            let lnext = (lidx + 1) % LONG_TERM_ARRAY_LENGTH;
            self.long_term_index = lnext as u8;
            if lnext == 0 {
                self.is_long_term_initialized = 1;
            }
        } else {
            // No-op for valid data; repairs a corrupted index so later reads agree with writes.
            self.long_term_index = lidx as u8;
        }

        self.last_tick = new_tick;
        true
    }

    /// Mid-term TWAP tick (§8.4 `getObservedMidTermTick`): average over the whole buffer once
    /// full, else from the seed observation (slot 0) to the newest; `last_tick` while only the
    /// seed exists. Truncating division (−7/2 = −3).
    pub fn mid_term_tick(&self) -> i32 {
        buffer_average(
            &self.mid_term_cumulative_sum,
            &self.mid_term_timestamp,
            self.mid_term_index,
            self.is_mid_term_ready(),
            self.last_tick,
        )
    }

    /// Long-term TWAP tick (§8.4 `getObservedLongTermTick`), same rule on the 9-slot buffer.
    pub fn long_term_tick(&self) -> i32 {
        buffer_average(
            &self.long_term_cumulative_sum,
            &self.long_term_timestamp,
            self.long_term_index,
            self.is_long_term_ready(),
            self.last_tick,
        )
    }

    /// Newest cumulative sum (the one at the last observation).
    fn newest_cumulative_sum(&self) -> i64 {
        let idx = usize::from(self.mid_term_index) % MID_TERM_ARRAY_LENGTH;
        self.mid_term_cumulative_sum[prev_index(idx, MID_TERM_ARRAY_LENGTH)]
    }

    /// Lending-state tick (§8.4 `getLendingStateTick` with `tickAvailable = false`, as the
    /// accrual driver calls it after recording). `delta_lending = now − lastLendingTimestamp`.
    ///
    /// If `delta_lending < mid_term_interval` the last tick is used. Otherwise
    /// `(newestCum − lendingCumulativeSum) / delta_lending`, truncating. As in the reference
    /// (§16.8, decided §17.7) the divisor is the full lending period although the sum only runs
    /// to the last observation.
    pub fn lending_state_tick(&self, delta_lending: u32) -> i32 {
        if delta_lending < self.mid_term_interval {
            return self.last_tick;
        }
        tick_average(
            self.newest_cumulative_sum(),
            self.lending_cumulative_sum,
            delta_lending,
            self.last_tick,
        )
    }

    /// `getLendingStateTickAndCheckpoint` (§8.4, §7.5 step 2b): [`Self::lending_state_tick`],
    /// then stores the newest cumulative sum as the lending checkpoint. The checkpoint moves even
    /// when `delta_lending < mid_term_interval` (the reference does the same), so the next
    /// period starts at the last observation.
    ///
    /// The reference also takes Δu, but only uses it when a fresh tick is supplied, which the
    /// checkpoint path never does; it is omitted here.
    pub fn lending_state_tick_and_checkpoint(&mut self, delta_lending: u32) -> i32 {
        let tick = self.lending_state_tick(delta_lending);
        self.lending_cumulative_sum = self.newest_cumulative_sum();
        tick
    }

    /// §7.5 step 1 `updateObservation` with the tick already computed: `Δu = now − last_update`
    /// (wrapping); if `Δu > 0`, [`Self::record_observation`]`(tick_now, Δu, now)`.
    ///
    /// On `true` the caller sets `lastUpdateTimestamp = now` and refreshes the reference
    /// reserves (§5.3) with [`Self::reference_tick`]`(tick_now)`.
    pub fn update_observation(&mut self, tick_now: i32, last_update: u32, now: u32) -> bool {
        let delta = now.wrapping_sub(last_update);
        delta > 0 && self.record_observation(tick_now, delta, now)
    }

    /// §7.5 step 1 in full, from the pair's state: skips when a reserve is 0 or `Δu == 0`;
    /// otherwise computes [`observation_tick`] (which can fail exactly where the reference
    /// reverts, e.g. a fully lent reserve) and records it.
    ///
    /// Returns `Some(tick)` (the unbounded observed tick, needed for the §5.3 reference
    /// reserves) when an observation was recorded, `None` otherwise.
    pub fn update_observation_from_reserves(
        &mut self,
        reserve_x: u128,
        reserve_y: u128,
        missing_x: u128,
        missing_y: u128,
        last_update: u32,
        now: u32,
    ) -> Result<Option<i32>, OracleError> {
        let delta = now.wrapping_sub(last_update);
        if delta == 0 || reserve_x == 0 || reserve_y == 0 {
            return Ok(None);
        }
        let tick = observation_tick(reserve_x, reserve_y, missing_x, missing_y)?;
        Ok(self.record_observation(tick, delta, now).then_some(tick))
    }

    /// Tick of the §5.3 reference reserves after an observation:
    /// `calculateTickAverageTowardsMidTerm(midTermTick, newTick)`, with the mid-term tick read
    /// after recording and `new_tick` the observed (not outlier-bounded) tick, as the reference
    /// passes it. The caller then uses `math::reserves_at_tick(DL − BL, tick)`.
    pub fn reference_tick(&self, new_tick: i32) -> i32 {
        math::tick_average_towards_mid_term(self.mid_term_tick(), new_tick)
    }
}

/// Observation tick of the reserves (§7.5 step 1, §15 "oracle tick"): `getTickFromReserves` of
/// both reserves adjusted with the 90% buffer, `adj(R, M, 9, 10) = (R·9 < M·10) ? (R − M)·10 : R`
/// (`math::reserve_adjustment` with `BUFFER_OBS`/`BUFFER_OBS_NUMERATOR`), so a side that is more
/// than 90% lent out reads as scarce.
///
/// Errors (all `Math(..)`, where the reference reverts too): `Underflow` if a depleted reserve is
/// below its missing amount; `PriceOutOfRange` / `DivisionByZero` if an adjusted reserve is 0
/// or the price is outside the tick range.
pub fn observation_tick(
    reserve_x: u128,
    reserve_y: u128,
    missing_x: u128,
    missing_y: u128,
) -> Result<i32, OracleError> {
    let x = math::reserve_adjustment(reserve_x, missing_x, BUFFER_OBS, BUFFER_OBS_NUMERATOR)?;
    let y = math::reserve_adjustment(reserve_y, missing_y, BUFFER_OBS, BUFFER_OBS_NUMERATOR)?;
    Ok(math::tick_at_reserves(x, y)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// mid = 8 s, long = 112 s (= 14·8, the minimum), seed tick `tick` at `now`.
    fn fresh(tick: i32, now: u32) -> Observations {
        let mut o = Observations::zeroed();
        o.initialize(8, 112, tick, now).unwrap();
        o
    }

    #[test]
    fn size_and_alignment() {
        assert_eq!(core::mem::size_of::<Observations>(), 744);
        assert_eq!(core::mem::align_of::<Observations>(), 8);
        // Pod round trip through bytes, as a zero-copy account does.
        let o = fresh(5, 1);
        let bytes = bytemuck::bytes_of(&o);
        assert_eq!(bytes.len(), 744);
        let back: &Observations = bytemuck::from_bytes(bytes);
        assert_eq!(*back, o);
    }

    #[test]
    fn initialize_validates_config() {
        let mut o = Observations::zeroed();
        assert_eq!(
            o.initialize(7, 1000, 0, 0),
            Err(OracleError::InvalidIntervalConfig)
        );
        // 14·8 = 112: 111 is one short, 112 is accepted.
        assert_eq!(
            o.initialize(8, 111, 0, 0),
            Err(OracleError::InvalidIntervalConfig)
        );
        // 14·u32::MAX does not fit u32: must be rejected, not wrapped.
        assert_eq!(
            o.initialize(u32::MAX, u32::MAX, 0, 0),
            Err(OracleError::InvalidIntervalConfig)
        );
        assert_eq!(
            o.initialize(8, 112, MAX_TICK + 1, 0),
            Err(OracleError::TickOutOfRange)
        );
        assert_eq!(o, Observations::zeroed());
        o.initialize(8, 112, -40, 1000).unwrap();
        assert_eq!(
            o.initialize(8, 112, 0, 0),
            Err(OracleError::AlreadyInitialized)
        );
    }

    #[test]
    fn initialize_writes_seed_observation() {
        let o = fresh(-40, 1000);
        assert_eq!(o.mid_term_index, 1);
        assert_eq!(o.long_term_index, 1);
        assert_eq!(o.mid_term_cumulative_sum[0], 0);
        assert_eq!(o.mid_term_timestamp[0], 1000);
        assert_eq!(o.long_term_timestamp[0], 1000);
        assert_eq!(o.last_tick, -40);
        assert!(!o.is_mid_term_ready());
        assert_eq!(
            o.require_mid_term_ready(),
            Err(OracleError::MidTermNotReady)
        );
        // Only the seed exists: every average is last_tick.
        assert_eq!(o.mid_term_tick(), -40);
        assert_eq!(o.long_term_tick(), -40);
        // longTermIndex = 1, not full → factor 1 − 1 = 0.
        assert_eq!(o.range_factor(), 0);
    }

    #[test]
    fn records_only_at_or_above_the_interval() {
        let mut o = fresh(100, 1000);
        // Δt = 7 < 8: nothing recorded, state untouched.
        let before = o;
        assert!(!o.record_observation(150, 7, 1007));
        assert_eq!(o, before);
        // Δt = 8 == interval: recorded. 150 is within ±80 of 100, so unbounded.
        // cum = 0 + 150·8 = 1200 written in slot 1 at t = 1008; index → 2.
        assert!(o.record_observation(150, 8, 1008));
        assert_eq!(o.mid_term_cumulative_sum[1], 1200);
        assert_eq!(o.mid_term_timestamp[1], 1008);
        assert_eq!(o.mid_term_index, 2);
        assert_eq!(o.last_tick, 150);
        // 1008 − 1000 = 8 < 112: no long-term slot.
        assert_eq!(o.long_term_index, 1);
        // Mid-term average (not full): (1200 − 0) / (1008 − 1000) = 150.
        assert_eq!(o.mid_term_tick(), 150);
        // Long-term still has only its seed → last_tick.
        assert_eq!(o.long_term_tick(), 150);
    }

    #[test]
    fn uninitialized_never_records() {
        let mut o = Observations::zeroed();
        assert!(!o.record_observation(10, 100, 100));
        assert_eq!(o, Observations::zeroed());
    }

    #[test]
    fn bound_tick_clamps_by_warm_up_stage() {
        // Long-term index 1 (no long interval yet): factor 8 − (1 − 1) = 8 → ±80.
        let mut o = fresh(0, 0);
        assert!(o.record_observation(1000, 8, 8));
        assert_eq!(o.last_tick, 80);
        assert!(o.record_observation(-1000, 8, 16));
        assert_eq!(o.last_tick, 0);
        // cum: 80·8 = 640, then 640 + 0·8 = 640.
        assert_eq!(o.mid_term_cumulative_sum[2], 640);

        // Reach t = 112: 14 records since the seed → first long-term slot, index 2.
        let mut t = 16;
        while t < 112 {
            t += 8;
            assert!(o.record_observation(0, 8, t));
        }
        assert_eq!(o.long_term_index, 2);
        assert_eq!(o.range_factor(), 1);
        // factor 8 − (2 − 1) = 7 → ±70.
        assert!(o.record_observation(500, 8, t + 8));
        assert_eq!(o.last_tick, 70);
    }

    #[test]
    fn bound_tick_after_long_term_full_is_ten() {
        let mut o = fresh(0, 0);
        // 112 records of tick 0 every 8 s: long slots at t = 112·k, k = 1..=8; the 8th
        // (t = 896) wraps the long index to 0 and marks the buffer full.
        for k in 1..=111u32 {
            assert!(o.record_observation(0, 8, 8 * k));
        }
        assert_eq!(o.long_term_index, 8);
        assert!(!o.is_long_term_ready());
        assert_eq!(o.range_factor(), 7);
        // Index 8 (not full): factor 8 − 7 = 1 → ±10 already.
        let mut p = o;
        assert!(p.record_observation(50, 8, 896));
        assert_eq!(p.last_tick, 10);

        assert!(o.record_observation(0, 8, 896));
        assert_eq!(o.long_term_index, 0);
        assert!(o.is_long_term_ready());
        assert_eq!(o.range_factor(), 8);
        // Full: DEFAULT_TICK_DELTA_FACTOR 1 → ±10.
        assert!(o.record_observation(-50, 8, 904));
        assert_eq!(o.last_tick, -10);
    }

    #[test]
    fn mid_term_wraps_and_drops_oldest() {
        let mut o = fresh(0, 0);
        // 50 records of tick 10, Δt = 8: cum[k] = 80k at t = 8k, k = 1..=50.
        for k in 1..=50u32 {
            assert!(o.record_observation(10, 8, 8 * k));
            assert_eq!(o.is_mid_term_ready(), k == 50);
        }
        // Slot 50 written → index wraps to 0 and the buffer is full.
        assert_eq!(o.mid_term_index, 0);
        // Full, idx 0, last 50: (cum[50] − cum[0]) / (t[50] − t[0]) = (4000 − 0)/400 = 10.
        assert_eq!(o.mid_term_tick(), 10);
        // Long slots at t = 112, 224, 336 → long index 4 → factor 3 → clamp ±(8−3)·10 = ±50.
        assert_eq!(o.long_term_index, 4);
        // Tick 100 from last 10 is clamped to 60. cum[0] = 4000 + 60·8 = 4480 at t = 408.
        assert!(o.record_observation(100, 8, 408));
        assert_eq!(o.last_tick, 60);
        assert_eq!(o.mid_term_cumulative_sum[0], 4480);
        assert_eq!(o.mid_term_index, 1);
        // Oldest is now slot 1: (4480 − 80) / (408 − 8) = 4400/400 = 11.
        assert_eq!(o.mid_term_tick(), 11);
        // Long-term (not full, idx 4, last 3): (cum at 336 − 0)/(336 − 0) = 3360/336 = 10.
        assert_eq!(o.long_term_tick(), 10);
    }

    #[test]
    fn long_term_average() {
        let mut o = fresh(0, 0);
        // Ticks 10 every 8 s: 14th record at t = 112 writes long slot 1 (cum 1120).
        for k in 1..=13u32 {
            assert!(o.record_observation(10, 8, 8 * k));
        }
        assert_eq!(o.long_term_index, 1);
        assert_eq!(o.long_term_tick(), 10); // only the seed: last_tick
        assert!(o.record_observation(30, 8, 112));
        assert_eq!(o.long_term_index, 2);
        // cum = 13·80 + 30·8 = 1040 + 240 = 1280 at t = 112: 1280/112 = 11.43 → 11.
        assert_eq!(o.long_term_cumulative_sum[1], 1280);
        assert_eq!(o.long_term_tick(), 11);
    }

    #[test]
    fn long_term_uses_time_since_last_long_slot() {
        let mut o = fresh(0, 0);
        // One long Δt of 200 s ≥ 112: the record both advances mid and long buffers.
        assert!(o.record_observation(5, 200, 200));
        assert_eq!(o.long_term_index, 2);
        assert_eq!(o.long_term_timestamp[1], 200);
        // Next record 8 s later: 208 − 200 = 8 < 112 → no long slot.
        assert!(o.record_observation(5, 8, 208));
        assert_eq!(o.long_term_index, 2);
    }

    #[test]
    fn negative_averages_truncate_toward_zero() {
        let mut o = fresh(0, 0);
        // cum: −3·8 = −24 at t = 8, −24 + (−4)·8 = −56 at t = 16.
        assert!(o.record_observation(-3, 8, 8));
        assert!(o.record_observation(-4, 8, 16));
        // −56 / 16 = −3.5: truncation gives −3 (floor would give −4).
        assert_eq!(o.mid_term_tick(), -3);
        assert_eq!(tick_average(-7, 0, 2, 0), -3);
        assert_eq!(tick_average(7, 0, 2, 0), 3);
    }

    #[test]
    fn lending_state_tick_rules() {
        let mut o = fresh(0, 0);
        assert!(o.record_observation(-3, 8, 8));
        assert!(o.record_observation(-4, 8, 16));
        // Δl = 7 < 8 → last_tick = −4.
        assert_eq!(o.lending_state_tick(7), -4);
        // Δl = 8: (−56 − 0)/8 = −7.
        assert_eq!(o.lending_state_tick(8), -7);
        // Δl = 20: −56/20 = −2.8 → −2 (divides by the full Δl, §16.8).
        assert_eq!(o.lending_state_tick(20), -2);
        // Checkpoint: returns −2 and stores −56; the next period starts there.
        assert_eq!(o.lending_state_tick_and_checkpoint(20), -2);
        assert_eq!(o.lending_cumulative_sum, -56);
        assert_eq!(o.lending_state_tick(10), 0); // (−56 − −56)/10
                                                 // Checkpoint with Δl < interval still moves the sum but returns last_tick.
        assert!(o.record_observation(6, 8, 24)); // cum −56 + 48 = −8
        assert_eq!(o.lending_state_tick_and_checkpoint(3), 6);
        assert_eq!(o.lending_cumulative_sum, -8);
    }

    #[test]
    fn lending_tick_beyond_domain_is_clamped() {
        let mut o = fresh(MAX_TICK, 0);
        // Checkpoint at t = 7 stores the seed's cumulative 0.
        assert_eq!(o.lending_state_tick_and_checkpoint(7), MAX_TICK);
        assert!(o.record_observation(MAX_TICK, 8, 8));
        assert!(o.record_observation(MAX_TICK, 8, 16));
        // At t = 16, Δl = 9 but the sum spans 16 s: 16·19854/9 = 35296 > MAX_TICK.
        // (The reference's int16 cast would give 35296 − 65536 = −30240.) Clamped to MAX_TICK.
        assert_eq!(o.lending_state_tick(9), MAX_TICK);
    }

    #[test]
    fn update_observation_driver() {
        let mut o = fresh(0, 1000);
        // Δu = 0: nothing.
        assert!(!o.update_observation(20, 1000, 1000));
        // Δu = 5 < 8: nothing.
        assert!(!o.update_observation(20, 1000, 1005));
        // Δu = 9: recorded with weight 9 → cum 180 at 1009.
        assert!(o.update_observation(20, 1000, 1009));
        assert_eq!(o.mid_term_cumulative_sum[1], 180);
        assert_eq!(o.mid_term_timestamp[1], 1009);
        // Wrapping Δu across 2^32: last_update = 2^32 − 4, now = 6 → Δu = 10.
        let mut w = fresh(0, u32::MAX - 3);
        assert!(w.update_observation(7, u32::MAX - 3, 6));
        assert_eq!(w.mid_term_cumulative_sum[1], 70);
        // Mid average across the wrap: 70 / (6 − (2^32 − 4) mod 2^32 = 10) = 7.
        assert_eq!(w.mid_term_tick(), 7);
    }

    #[test]
    fn observation_tick_uses_adjusted_reserves() {
        // Equal reserves, nothing missing: price 1 → tick 0.
        assert_eq!(observation_tick(1000, 1000, 0, 0), Ok(0));
        // X 95% lent: adj X = (1000 − 950)·10 = 500, so it equals tick_at_reserves(500, 1000).
        assert_eq!(
            observation_tick(1000, 1000, 950, 0),
            math::tick_at_reserves(500, 1000).map_err(OracleError::from)
        );
        assert!(observation_tick(1000, 1000, 950, 0).unwrap() < 0);
        // Boundary 1000·9 = 900·10 is not depleted: same as no missing at all.
        assert_eq!(observation_tick(1000, 1000, 900, 0), Ok(0));
        // Y 95% lent: adj Y = 500 → tick_at_reserves(1000, 500) > 0.
        assert_eq!(
            observation_tick(1000, 1000, 0, 950),
            math::tick_at_reserves(1000, 500).map_err(OracleError::from)
        );
        // Fully lent X: adjusted reserve 0 → the price is out of range (reference reverts).
        assert_eq!(
            observation_tick(1000, 1000, 1000, 0),
            Err(OracleError::Math(math::MathError::PriceOutOfRange))
        );
        // Missing above the reserve: the reference's checked subtraction reverts.
        assert_eq!(
            observation_tick(1000, 1000, 1001, 0),
            Err(OracleError::Math(math::MathError::Underflow))
        );
    }

    #[test]
    fn update_from_reserves() {
        let mut o = fresh(0, 0);
        assert_eq!(
            o.update_observation_from_reserves(0, 10, 0, 0, 0, 100),
            Ok(None)
        );
        assert_eq!(
            o.update_observation_from_reserves(10, 10, 0, 0, 100, 100),
            Ok(None)
        );
        // Fully lent X with Δu > 0 fails like the reference, even below the interval.
        assert!(o
            .update_observation_from_reserves(10, 10, 10, 0, 0, 3)
            .is_err());
        // Δu = 3 < 8: computed but not recorded.
        assert_eq!(
            o.update_observation_from_reserves(10, 10, 0, 0, 0, 3),
            Ok(None)
        );
        assert_eq!(
            o.update_observation_from_reserves(10, 10, 0, 0, 0, 8),
            Ok(Some(0))
        );
        assert_eq!(o.mid_term_index, 2);
    }

    #[test]
    fn reference_tick_rounds_towards_mid() {
        let mut o = fresh(0, 0);
        assert!(o.record_observation(10, 8, 8));
        // mid = 80/8 = 10. Towards-mid average with 13: s = 23 odd, mid < new → (23 − 1)/2 = 11.
        assert_eq!(o.mid_term_tick(), 10);
        assert_eq!(o.reference_tick(13), 11);
        // With 7: s = 17, mid > new → (17 + 1)/2 = 9.
        assert_eq!(o.reference_tick(7), 9);
    }

    #[test]
    fn corrupted_indices_do_not_panic() {
        let mut o = fresh(0, 0);
        o.mid_term_index = 200;
        o.long_term_index = 255;
        let _ = o.mid_term_tick();
        let _ = o.long_term_tick();
        let _ = o.range_factor();
        assert!(o.record_observation(1, 8, 8));
        assert!(o.mid_term_index < 51 && o.long_term_index < 9);
    }

    proptest! {
        #[test]
        fn averages_stay_in_range_for_arbitrary_inputs(
            mid in 8u32..2000,
            extra in 0u32..10_000,
            seed_tick in MIN_TICK..=MAX_TICK,
            start in any::<u32>(),
            steps in proptest::collection::vec((any::<i32>(), any::<u32>(), any::<u32>()), 0..80),
        ) {
            let mut o = Observations::zeroed();
            o.initialize(mid, 14 * mid + extra, seed_tick, start).unwrap();
            for (tick, delta, now) in steps {
                let recorded = o.record_observation(tick, delta, now);
                prop_assert_eq!(recorded, delta >= mid);
                for t in [o.last_tick, o.mid_term_tick(), o.long_term_tick(),
                          o.lending_state_tick(delta)] {
                    prop_assert!((MIN_TICK..=MAX_TICK).contains(&t));
                }
                prop_assert!(o.range_factor() <= 8);
                let _ = o.lending_state_tick_and_checkpoint(now);
            }
        }

        #[test]
        fn consistent_sequence_average_between_extremes(
            start in any::<u32>(),
            steps in proptest::collection::vec((MIN_TICK..=MAX_TICK, 8u32..500), 1..120),
        ) {
            // With consistent timestamps, every average lies within the recorded ticks.
            let mut o = Observations::zeroed();
            o.initialize(8, 112, 0, start).unwrap();
            let (mut lo, mut hi) = (0, 0);
            let mut now = start;
            for (tick, delta) in steps {
                now = now.wrapping_add(delta);
                prop_assert!(o.update_observation(tick, now.wrapping_sub(delta), now));
                lo = lo.min(o.last_tick);
                hi = hi.max(o.last_tick);
                let m = o.mid_term_tick();
                let l = o.long_term_tick();
                prop_assert!(lo <= m && m <= hi, "mid {} outside [{}, {}]", m, lo, hi);
                prop_assert!(lo <= l && l <= hi, "long {} outside [{}, {}]", l, lo, hi);
            }
        }
    }
}
