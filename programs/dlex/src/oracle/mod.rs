//! dlex price oracle (spec §8, with the §7.5 observation step and the §5.3 reference tick).
//!
//! This module owns the per-pair oracle *state* and the rules that move it:
//! * [`Observations`]: the geometric TWAP ring buffers (51 mid-term, 9 long-term cumulative tick
//!   sums), the outlier-bounded `last_tick`, and the lending-state checkpoint (§8.1–8.4);
//! * [`PriceExtremes`]: intra-interval min/max ticks seen by swaps (§8.5);
//! * [`price_range`]: the tick range used for solvency / new positions (with long-term) and for
//!   liquidation pricing (without), widened by the extremes (§8.5).
//!
//! Pure tick arithmetic (tick ↔ price, `boundTick`, the range buffer, the average towards the
//! mid-term tick) belongs to `crate::math`; this module only calls it. Everything here is plain
//! Rust (no Anchor), panic-free on every input, and the two state structs are `Pod` so they can
//! be embedded in zero-copy accounts.
//!
//! Time: `u32` timestamps are `unix_timestamp mod 2^32` and every elapsed time is a wrapping
//! subtraction (spec §14, design §6); [`timestamp_u32`] does the conversion.

mod error;
mod extremes;
mod observations;
mod range;

pub use error::OracleError;
pub use extremes::{PriceExtremes, PRICE_EXTREMES_SIZE};
pub use observations::{observation_tick, Observations, OBSERVATIONS_SIZE};
pub use range::{price_range, PriceRange};

/// Ring-buffer lengths (§8.1: 51 mid-term slots = 50 intervals, 9 long-term = 8 intervals),
/// owned by `crate::math` with the rest of the TWAP constants.
pub use crate::math::twap::{LONG_TERM_ARRAY_LENGTH, MID_TERM_ARRAY_LENGTH};
/// §8.1 `MINIMUM_LONG_TERM_INTERVAL_FACTOR`: long-term interval ≥ 14 × mid-term interval.
pub const MINIMUM_LONG_TERM_INTERVAL_FACTOR: u64 = 14;
/// dlex floor on the mid-term interval in seconds (design §6; the reference only requires > 0).
pub const MIN_MID_TERM_INTERVAL: u32 = 8;

/// `Clock::unix_timestamp` → the oracle's `u32` time (`unix_ts mod 2^32`, spec §14).
///
/// Truncation is the point: all deltas are wrapping, so only the low 32 bits matter, and a
/// (theoretical) negative clock still maps to a well-defined residue instead of failing.
pub fn timestamp_u32(unix_timestamp: i64) -> u32 {
    unix_timestamp as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_is_mod_2_32() {
        assert_eq!(timestamp_u32(0), 0);
        assert_eq!(timestamp_u32(1_700_000_000), 1_700_000_000);
        // 2^32 + 5 wraps to 5.
        assert_eq!(timestamp_u32((1i64 << 32) + 5), 5);
        // −1 ≡ 2^32 − 1 (mod 2^32).
        assert_eq!(timestamp_u32(-1), u32::MAX);
    }
}
