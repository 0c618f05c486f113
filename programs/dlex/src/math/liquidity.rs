//! Liquidity math for mint / burn / borrowLiquidity / repayLiquidity and reference reserves
//! (spec §4.1, §4.7, §4.9, §5.3, §7.3).

use ruint::aliases::U256;

use super::full_math::{mul_div, mul_div_u256, sqrt_ceil, sqrt_u256, to_u128, u256};
use super::swap::depletion_adjusted_active_liquidity;
use super::tick_math::{sqrt_price_q72_at_tick, B_IN_Q72, Q72};
use super::{MathError, MINIMUM_LIQUIDITY};

/// First mint (§4.1 step 2): `L = floor(sqrt(x·y))`; returns `(user shares, total L)` with
/// `user = L − MINIMUM_LIQUIDITY` (shares = assets 1:1; the 1000 are locked for the factory).
/// Rounds down (floor sqrt): favors the pool. Error: `LiquidityBelowMinimum` if `L < 1000`, or
/// if nothing is left for the user (the reference then reverts `InsufficientLiquidityMinted`).
pub fn first_mint_liquidity(amount_x: u128, amount_y: u128) -> Result<(u128, u128), MathError> {
    let l = to_u128(sqrt_u256(u256(amount_x) * u256(amount_y)))?;
    if l <= MINIMUM_LIQUIDITY {
        return Err(MathError::LiquidityBelowMinimum);
    }
    Ok((l - MINIMUM_LIQUIDITY, l))
}

/// Later mints (§4.1 step 3): `min(floor(ax·activeL/rX), floor(ay·activeL/rY))` L assets.
/// Rounds down and takes the smaller side: favors the pool (an unbalanced excess is donated).
/// Errors: `DivisionByZero` if a reserve is 0, `Overflow` if a quotient exceeds `u128`.
pub fn mint_liquidity_assets(
    amount_x: u128,
    amount_y: u128,
    reserve_x: u128,
    reserve_y: u128,
    active_liquidity: u128,
) -> Result<u128, MathError> {
    let lx = mul_div(amount_x, active_liquidity, reserve_x, false)?;
    let ly = mul_div(amount_y, active_liquidity, reserve_y, false)?;
    Ok(lx.min(ly))
}

/// Reference-reserve rescale on mint/burn/borrowL/repayL/sync (§5.3): `floor(ref·new/old)`.
/// Rounds down (the fee anchor moves with the reserves, never above proportion).
/// Errors: `DivisionByZero` if `old_reserve == 0`, `Overflow` if the result exceeds `u128`.
pub fn rescale_reference(
    reference: u128,
    old_reserve: u128,
    new_reserve: u128,
) -> Result<u128, MathError> {
    mul_div(reference, new_reserve, old_reserve, false)
}

/// `getReservesAtTick(L, t)` (§7.3): `sMin = sqrtPrice(t)`, `sMax = ceil(sMin·b)`,
/// `x = max(floor(L·sMin/2^72), 1)`, `y = max(floor(L·2^72/sMax), 1)`. Both round down (then
/// floor at 1). Errors: `TickOutOfRange`, `Overflow` if an amount exceeds `u128`.
pub fn reserves_at_tick(liquidity: u128, tick: i32) -> Result<(u128, u128), MathError> {
    let s_min = sqrt_price_q72_at_tick(tick)?;
    let s_max = mul_div_u256(u256(s_min), u256(B_IN_Q72), u256(Q72), true)?;
    let x = to_u128(mul_div_u256(u256(liquidity), u256(s_min), u256(Q72), false)?)?;
    let y = to_u128(mul_div_u256(u256(liquidity), u256(Q72), s_max, false)?)?;
    Ok((x.max(1), y.max(1)))
}

/// borrowLiquidity split (§4.7, [CORE] form as decided in §17.1):
/// `activeL = sqrt(adj(rX,mX)·adj(rY,mY))`, `lx = floor(L·activeL/rY)`,
/// `ly = floor(L·activeL/rX)`. Rounds down: favors the pool (the borrower receives less).
///
/// Infallible, as the public API promises: an empty reserve has nothing to lend and gives 0 on
/// that side, and a quotient above `u128` (impossible while L ≤ activeL ≤ sqrt(rX·rY))
/// saturates. The borrow itself is still bounded by the L-borrow limit in `risk`.
pub fn borrow_liquidity_amounts(
    liquidity: u128,
    reserve_x: u128,
    reserve_y: u128,
    missing_x: u128,
    missing_y: u128,
) -> (u128, u128) {
    let active = depletion_adjusted_active_liquidity(reserve_x, reserve_y, missing_x, missing_y);
    let split = |reserve: u128| -> u128 {
        if reserve == 0 {
            return 0;
        }
        mul_div(liquidity, active, reserve, false).unwrap_or(u128::MAX)
    };
    (split(reserve_y), split(reserve_x))
}

/// repayLiquidity credit (§4.9): with `s = sqrtCeil(rX·rY)` (raw reserves, not depletion
/// adjusted), `L = min(ceil(rx·s/rX), ceil(ry·s/rY))`. Rounds as the reference does (up, then
/// the smaller side). Errors: `DivisionByZero` if a reserve is 0, `Overflow` if `L` exceeds
/// `u128`.
pub fn repay_liquidity_amount(
    repay_x: u128,
    repay_y: u128,
    reserve_x: u128,
    reserve_y: u128,
) -> Result<u128, MathError> {
    let s: U256 = sqrt_ceil(u256(reserve_x) * u256(reserve_y));
    let lx = mul_div_u256(u256(repay_x), s, u256(reserve_x), true)?;
    let ly = mul_div_u256(u256(repay_y), s, u256(reserve_y), true)?;
    to_u128(lx.min(ly))
}

/// Tokens that repay `liquidity` L (the inverse of [`repay_liquidity_amount`], rounded against
/// the payer): `(ceil(L·rX/s), ceil(L·rY/s))` with `s = sqrtCeil(rX·rY)`, so that
/// `repay_liquidity_amount(x, y, rX, rY) ≥ L`. Errors: `DivisionByZero` if a reserve is 0,
/// `Overflow` if an amount exceeds `u128`.
pub fn repay_liquidity_token_amounts(liquidity: u128, reserve_x: u128, reserve_y: u128) -> Result<(u128, u128), MathError> {
    if reserve_x == 0 || reserve_y == 0 {
        return Err(MathError::DivisionByZero);
    }
    let s: U256 = sqrt_ceil(u256(reserve_x) * u256(reserve_y));
    let x = mul_div_u256(u256(liquidity), u256(reserve_x), s, true)?;
    let y = mul_div_u256(u256(liquidity), u256(reserve_y), s, true)?;
    Ok((to_u128(x)?, to_u128(y)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::tick_math::{MAX_TICK, MIN_TICK};
    use proptest::prelude::*;

    const E: u128 = 1_000_000_000_000_000_000;

    #[test]
    fn j1_first_mint() {
        assert_eq!(
            first_mint_liquidity(1000 * E, 4000 * E),
            Ok((1999999999999999999000, 2000 * E))
        );
        assert_eq!(first_mint_liquidity(1000, 1000), Err(MathError::LiquidityBelowMinimum));
        assert_eq!(first_mint_liquidity(1001, 1001), Ok((1, 1001)));
        assert_eq!(first_mint_liquidity(0, 5), Err(MathError::LiquidityBelowMinimum));
        assert_eq!(first_mint_liquidity(u128::MAX, u128::MAX), Ok((u128::MAX - 1000, u128::MAX)));
    }

    #[test]
    fn mint_and_rescale() {
        assert_eq!(mint_liquidity_assets(10, 30, 100, 100, 100), Ok(10));
        assert_eq!(mint_liquidity_assets(10, 5, 100, 100, 100), Ok(5));
        assert_eq!(mint_liquidity_assets(1, 1, 3, 3, 2), Ok(0));
        assert_eq!(mint_liquidity_assets(1, 1, 0, 3, 2), Err(MathError::DivisionByZero));
        assert_eq!(rescale_reference(1000, 900, 1100), Ok(1222));
        assert_eq!(rescale_reference(1000, 0, 1100), Err(MathError::DivisionByZero));
    }

    #[test]
    fn reserves_at_tick_cases() {
        assert_eq!(reserves_at_tick(1000 * E, 0), Ok((1000 * E, 998046875000000000000)));
        // b·2^72 exactly: y = floor(L·2^72 / ceil(2^72·b)).
        let (x, y) = reserves_at_tick(1000, 0).unwrap();
        assert_eq!((x, y), (1000, 998));
        assert_eq!(reserves_at_tick(0, 100), Ok((1, 1)));
        assert_eq!(reserves_at_tick(1, MIN_TICK - 1), Err(MathError::TickOutOfRange));
        assert!(reserves_at_tick(u128::MAX, MAX_TICK).is_err());
        assert!(reserves_at_tick(1 << 100, MAX_TICK + 1).is_err());
        assert!(reserves_at_tick(1 << 50, MAX_TICK + 1).is_ok());
    }

    #[test]
    fn borrow_and_repay_liquidity() {
        // Not depleted: activeL = 2000 for 1000 X / 4000 Y.
        assert_eq!(borrow_liquidity_amounts(100, 1000, 4000, 0, 0), (50, 200));
        // X depleted: adj X = (100 − 96)·20 = 80; activeL = sqrt(80·900) = 268.
        assert_eq!(borrow_liquidity_amounts(10, 100, 900, 96, 0), (2, 26));
        assert_eq!(borrow_liquidity_amounts(1, 0, 1, 0, 0), (0, 0));
        // sqrtCeil(1000·4000) = 2000: L = min(ceil(50·2000/1000), ceil(200·2000/4000)) = 100.
        assert_eq!(repay_liquidity_amount(50, 200, 1000, 4000), Ok(100));
        assert_eq!(repay_liquidity_amount(51, 200, 1000, 4000), Ok(100));
        // sqrtCeil(10·11) = 11: min(ceil(3·11/10), ceil(3·11/11)) = min(4, 3).
        assert_eq!(repay_liquidity_amount(3, 3, 10, 11), Ok(3));
        assert_eq!(repay_liquidity_amount(1, 1, 0, 1), Err(MathError::DivisionByZero));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn no_panics(a in any::<u128>(), b in any::<u128>(), c in any::<u128>(), d in any::<u128>(), e in any::<u128>(), t in any::<i32>()) {
            let _ = first_mint_liquidity(a, b);
            let _ = mint_liquidity_assets(a, b, c, d, e);
            let _ = rescale_reference(a, b, c);
            let _ = reserves_at_tick(a, t);
            let _ = reserves_at_tick(a, t % 20000);
            let _ = borrow_liquidity_amounts(a, b, c, d, e);
            let _ = repay_liquidity_amount(a, b, c, d);
        }
    }
}
