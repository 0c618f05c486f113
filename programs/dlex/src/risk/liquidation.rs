//! Leverage liquidation (spec §11.3) with the program's error type. The arithmetic is
//! [`math::leverage_liquidation_amounts`] (Anchor-free, `MathError`); this only maps its errors
//! to [`DlexError`] so handlers, the SDK and the keeper share one entry point.

use crate::errors::DlexError;
use crate::math;
pub use crate::math::LeverageLiquidation;

/// Leverage liquidation of `user_assets` (`[DL, DX, DY, BL, BX, BY]` in assets) on the range
/// `[sqrt_price_min_q72, sqrt_price_max_q72]`, spec §11.3 exactly: netted at the mid price
/// `floor_sqrt(sMin·sMax)`, premium `floor((100·B − 99·D)/1000)` capped at `D`, seized deposits
/// rounded down and repaid debts rounded up (see [`math::leverage_liquidation_amounts`]).
/// `amounts` are the seized DL, DX, DY then the repaid BL, BX, BY.
/// Errors: `LiquidationZeroPremium` unless `100·B > 99·D + 1000`; `DivisionByZero` for a zero
/// sqrt price; `MathOverflow` for a netted amount above u128.
pub fn leverage_liquidation(
    user_assets: [u128; 6],
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> Result<LeverageLiquidation, DlexError> {
    Ok(math::leverage_liquidation_amounts(user_assets, sqrt_price_min_q72, sqrt_price_max_q72)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::Q72;

    #[test]
    fn maps_the_math_result() {
        // `DlexError` has no `PartialEq` (Anchor's `#[error_code]`): match on the variant.
        assert!(matches!(
            leverage_liquidation([0, 0, 2000, 0, 2000, 0], Q72, Q72),
            Err(DlexError::LiquidationZeroPremium)
        ));
        assert!(matches!(leverage_liquidation([0, 0, 0, 0, 100, 0], 0, Q72), Err(DlexError::DivisionByZero)));
        assert!(matches!(leverage_liquidation([0, 0, 0, 0, u128::MAX, 0], 1, 1), Err(DlexError::MathOverflow)));
        // Price 1, D = 1000, B = 1001: premium 1, repay 999, bad debt (see the math tests).
        let r = leverage_liquidation([0, 0, 2000, 0, 2002, 0], Q72, Q72).unwrap();
        assert_eq!((r.premium_l, r.repay_l, r.amounts, r.bad_debt), (1, 999, [0, 0, 2000, 0, 1998, 0], true));
    }
}
