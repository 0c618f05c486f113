//! Full-width integer helpers: 256-bit `mulDiv`, ceiling division and integer square roots.
//!
//! Every Ammalgam formula takes its products at 256 bits (Solidity's plain `uint256`, not a
//! 512-bit mulDiv), so a product that does not fit 256 bits is an error here too. Results that
//! are stored as amounts must fit `u128`; anything larger is reported as `Overflow`.

use ruint::aliases::U256;

use super::MathError;

/// Widens a `u128` into a `U256`.
#[inline]
pub fn u256(x: u128) -> U256 {
    U256::from(x)
}

/// Narrows a `U256` to `u128`, failing with `Overflow` when it does not fit.
#[inline]
pub fn to_u128(x: U256) -> Result<u128, MathError> {
    u128::try_from(x).map_err(|_| MathError::Overflow)
}

/// `a·b/c` on 256 bits. Rounds down, or up when `round_up` (the caller picks the side that
/// favors the protocol). Errors: `DivisionByZero` if `c == 0`, `Overflow` if `a·b` exceeds
/// 256 bits.
pub fn mul_div_u256(a: U256, b: U256, c: U256, round_up: bool) -> Result<U256, MathError> {
    if c.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    let prod = a.checked_mul(b).ok_or(MathError::Overflow)?;
    let (q, r) = prod.div_rem(c);
    if round_up && !r.is_zero() {
        // q < 2^256 - 1 here because r != 0 implies prod/c < prod <= MAX.
        q.checked_add(U256::from(1u8)).ok_or(MathError::Overflow)
    } else {
        Ok(q)
    }
}

/// `a·b/c` for `u128` operands with a 256-bit product (which always fits). Rounds down, or up
/// when `round_up`. Errors: `DivisionByZero` if `c == 0`, `Overflow` if the quotient does not
/// fit `u128`.
pub fn mul_div(a: u128, b: u128, c: u128, round_up: bool) -> Result<u128, MathError> {
    to_u128(mul_div_u256(u256(a), u256(b), u256(c), round_up)?)
}

/// `ceilDiv(a, b) = a == 0 ? 0 : (a − 1)/b + 1`. Rounds up. Error: `DivisionByZero` if `b == 0`
/// (also for `a == 0`, so that a zero divisor is never silently accepted).
pub fn ceil_div(a: u128, b: u128) -> Result<u128, MathError> {
    if b == 0 {
        return Err(MathError::DivisionByZero);
    }
    if a == 0 {
        return Ok(0);
    }
    // (a-1)/b + 1 cannot overflow: (a-1)/b <= u128::MAX - 1 when b >= 1 and a >= 1.
    Ok((a - 1) / b + 1)
}

/// 256-bit `ceilDiv`. Rounds up. Error: `DivisionByZero` if `b == 0`.
pub fn ceil_div_u256(a: U256, b: U256) -> Result<U256, MathError> {
    if b.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    if a.is_zero() {
        return Ok(U256::ZERO);
    }
    let one = U256::from(1u8);
    Ok((a - one) / b + one)
}

/// Floor integer square root (OpenZeppelin `Math.sqrt`). Rounds down. Never fails; the result
/// always fits 128 bits.
pub fn sqrt_u256(x: U256) -> U256 {
    let two = U256::from(2u8);
    if x < two {
        return x;
    }
    // Initial guess 2^ceil(bits/2) >= sqrt(x); Newton's iteration then decreases monotonically
    // to floor(sqrt(x)). It converges in well under 300 steps; the bound only keeps the loop
    // finite by construction.
    let bits = x.bit_len();
    let mut g = U256::from(1u8) << bits.div_ceil(2);
    for _ in 0..300 {
        let y = (g + x / g) >> 1;
        if y >= g {
            break;
        }
        g = y;
    }
    g
}

/// Ceiling integer square root (`sqrtCeil`). Rounds up. The result is at most 2^128, so it is
/// returned as `U256`.
pub fn sqrt_ceil(x: U256) -> U256 {
    let s = sqrt_u256(x);
    // s <= 2^128 - 1, so s*s cannot overflow and s + 1 <= 2^128.
    if s * s == x {
        s
    } else {
        s + U256::from(1u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_div_rounding() {
        assert_eq!(mul_div(7, 3, 2, false), Ok(10));
        assert_eq!(mul_div(7, 3, 2, true), Ok(11));
        assert_eq!(mul_div(6, 3, 2, true), Ok(9));
        assert_eq!(mul_div(0, 3, 2, true), Ok(0));
        assert_eq!(mul_div(1, 1, 0, false), Err(MathError::DivisionByZero));
        assert_eq!(mul_div(u128::MAX, u128::MAX, u128::MAX, true), Ok(u128::MAX));
        assert_eq!(mul_div(u128::MAX, 2, 1, false), Err(MathError::Overflow));
    }

    #[test]
    fn mul_div_u256_overflow() {
        let big = U256::from(1u8) << 200;
        assert_eq!(mul_div_u256(big, big, U256::from(1u8), false), Err(MathError::Overflow));
        assert_eq!(
            mul_div_u256(U256::MAX, U256::from(1u8), U256::MAX, true),
            Ok(U256::from(1u8))
        );
        assert_eq!(
            mul_div_u256(U256::MAX, U256::from(1u8), U256::from(2u8), true),
            Ok((U256::MAX >> 1) + U256::from(1u8))
        );
    }

    #[test]
    fn ceil_div_cases() {
        assert_eq!(ceil_div(0, 5), Ok(0));
        assert_eq!(ceil_div(1, 5), Ok(1));
        assert_eq!(ceil_div(10, 5), Ok(2));
        assert_eq!(ceil_div(11, 5), Ok(3));
        assert_eq!(ceil_div(u128::MAX, 1), Ok(u128::MAX));
        assert_eq!(ceil_div(1, 0), Err(MathError::DivisionByZero));
        assert_eq!(ceil_div_u256(U256::MAX, U256::from(1u8)), Ok(U256::MAX));
    }

    #[test]
    fn sqrt_cases() {
        for (x, f, c) in [(0u64, 0u64, 0u64), (1, 1, 1), (2, 1, 2), (3, 1, 2), (4, 2, 2), (8, 2, 3), (9, 3, 3)] {
            assert_eq!(sqrt_u256(U256::from(x)), U256::from(f));
            assert_eq!(sqrt_ceil(U256::from(x)), U256::from(c));
        }
        assert_eq!(sqrt_u256(U256::from(72000u64)), U256::from(268u64));
        assert_eq!(sqrt_u256(U256::MAX), U256::from(u128::MAX));
        assert_eq!(sqrt_ceil(U256::MAX), U256::from(1u8) << 128);
        let sq = U256::from(u128::MAX) * U256::from(u128::MAX);
        assert_eq!(sqrt_u256(sq), U256::from(u128::MAX));
        assert_eq!(sqrt_u256(sq - U256::from(1u8)), U256::from(u128::MAX - 1));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn sqrt_is_floor(a in proptest::prelude::any::<u128>(), b in proptest::prelude::any::<u128>()) {
            let x = u256(a) * u256(b);
            let s = sqrt_u256(x);
            proptest::prop_assert!(s * s <= x);
            let s1 = s + U256::from(1u8);
            proptest::prop_assert!(s1.checked_mul(s1).is_none_or(|v| v > x));
            let c = sqrt_ceil(x);
            proptest::prop_assert!(c * c >= x);
        }

        #[test]
        fn mul_div_never_panics(a in proptest::prelude::any::<u128>(), b in proptest::prelude::any::<u128>(), c in proptest::prelude::any::<u128>(), up in proptest::prelude::any::<bool>()) {
            let _ = mul_div(a, b, c, up);
            let _ = ceil_div(a, c);
        }
    }
}
