//! Errors of the oracle module (§8). Owns [`OracleError`]; the program maps it to its Anchor
//! error codes.

use crate::math::MathError;

/// Every way an oracle operation can fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OracleError {
    /// Interval configuration rejected (§8.1 `InvalidIntervalConfig`): the mid-term interval is
    /// below `MIN_MID_TERM_INTERVAL` (8 s, design §6) or the long-term interval is below
    /// 14 × mid-term.
    InvalidIntervalConfig,
    /// `initialize` was called on observations that already hold a configuration (the
    /// reference's `PairAlreadyExists`); re-initializing would erase the TWAP history.
    AlreadyInitialized,
    /// The initial tick is outside `MIN_TICK..=MAX_TICK`.
    TickOutOfRange,
    /// The mid-term buffer has not filled yet: the pair is swap-only (design §6).
    MidTermNotReady,
    /// A `crate::math` function failed (tick/price out of range, zero reserve, …).
    Math(MathError),
}

impl From<MathError> for OracleError {
    fn from(e: MathError) -> Self {
        OracleError::Math(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn math_error_converts() {
        let e: OracleError = MathError::TickOutOfRange.into();
        assert_eq!(e, OracleError::Math(MathError::TickOutOfRange));
    }
}
