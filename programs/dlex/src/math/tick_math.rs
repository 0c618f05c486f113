//! TickMath (spec §3): conversions between ticks (base b = 512/511 in sqrt price) and Q72 sqrt
//! prices / Q128 prices, plus `getTickFromReserves`.
//!
//! The constants and the bit-by-bit algorithms are copied from the reference so results match
//! bit for bit. `getTickAtPrice` works on signed 256-bit values; ruint has no signed type, so
//! those values are held in two's complement inside a `U256` (wrapping add/mul are exactly the
//! EVM's `unchecked` int256 ops, and `arithmetic_shr` is `sar`).

use ruint::aliases::U256;

use super::full_math::u256;
use super::MathError;

/// Lowest tick (int16 in the reference).
pub const MIN_TICK: i32 = -19855;
/// Highest tick; `MAX_TICK + 1` is also accepted by the price functions (maps to the max price).
pub const MAX_TICK: i32 = 19854;
/// `getSqrtPriceAtTick(MIN_TICK)`.
pub const MIN_SQRT_PRICE_Q72: u128 = 0xffc0;
/// `getSqrtPriceAtTick(MAX_TICK)`.
pub const MAX_SQRT_PRICE_Q72: u128 = 0xffc00ffc00ffc00ffc00ffc00ffc00ff;
/// Smallest price accepted by `getTickAtPrice` (Q128).
pub const MIN_PRICE_Q128: U256 = U256::from_limbs([0x10000, 0, 0, 0]);
/// Largest price accepted by `getTickAtPrice` (Q128): 112 one bits followed by 128 zero bits.
pub const MAX_PRICE_Q128: U256 =
    U256::from_limbs([0, 0, 0xffff_ffff_ffff_ffff, 0x0000_ffff_ffff_ffff]);
/// Tick base b = 512/511 in Q72 (= getSqrtPriceAtTick(1)).
pub const B_IN_Q72: u128 = 0x1008040201008040201;
/// Tranche base B = b^25 in Q72.
pub const TRANCHE_B_IN_Q72: u128 = 0x10cd2b2ae53a69d3552;
/// B − 1 in Q72.
pub const TRANCHE_B_MINUS_ONE_IN_Q72: u128 = 0xcd2b2ae53a69d3552;
/// 2^72.
pub const Q72: u128 = 1 << 72;

const Q128_ONE: U256 = U256::from_limbs([0, 0, 1, 0]);
/// (511/512)·2^128, the start value when bit 0 of the exponent is set.
const START_ODD: u128 = 0xff800000000000000000000000000000;
/// C_k = (511/512)^(2^k) in Q128 for bits 0x2 .. 0x4000.
const MULTIPLIERS: [(u32, u128); 14] = [
    (0x2, 0xff004000000000000000000000000000),
    (0x4, 0xfe017f80100000000000000000000000),
    (0x8, 0xfc06f9045e406ff00100000000000000),
    (0x10, 0xf81dba7137fcc6d22fafcfde71ae81e0),
    (0x20, 0xf0799caf21e927ea1252fa7400a1d886),
    (0x40, 0xe1e43f8ddd0922622788b108788fc191),
    (0x80, 0xc7530338a302e81d8229a7f1f67fa265),
    (0x100, 0x9b3229ed2432991a2e021bb106f5feb6),
    (0x200, 0x5e15c89991553a6dc1c8a8a0931572d2),
    (0x400, 0x2294012b4d1cbe1865fe254cef6e40bc),
    (0x800, 0x4aba5e0da8e29a77fabca56a012ae25),
    (0x1000, 0x15d0460cb40a7356d32b6966397c03),
    (0x2000, 0x1dbd4effd593afec2694414e4f6),
    (0x4000, 0x3746fe3b485b7be710a06),
];
/// Extra factor for bit 0x8000 in `getPriceAtTick` (exponent 2|t| can reach 39710).
const MULTIPLIER_0X8000: u128 = 0xbef94ed7e;

const BASE_CHANGE_Q128: u128 = 0xb145b7be86780ae93f;
const TICK_LOW_ERROR_CORRECTION_Q128: u128 = 0x1f6d22eefc342687357a94df44b0dbf;
const TICK_HI_ERROR_CORRECTION_Q128: u128 = 0xb33c8bdbc23c5eaf1cd8140681512562;

/// (511/512)^a in Q128 for 0 <= a < 2^15 (bits above 0x4000 are ignored, as in the reference).
/// Every product is < 2^128·2^128, so the 256-bit multiplication never wraps.
fn apply_multiplications(abs_exp: u32) -> U256 {
    let mut v = if abs_exp & 1 != 0 { u256(START_ODD) } else { Q128_ONE };
    for (bit, c) in MULTIPLIERS.iter() {
        if abs_exp & bit != 0 {
            v = v.wrapping_mul(u256(*c)) >> 128;
        }
    }
    v
}

/// `getSqrtPriceAtTick`: b^tick in Q72. The negative side is computed as (511/512)^|t| and
/// truncated (rounds down); positive ticks are `(2^144−1)/v` of that, i.e. rounded down from an
/// already rounded-down reciprocal base, exactly as the reference does.
/// Error: `TickOutOfRange` outside `MIN_TICK..=MAX_TICK+1` (`MAX_TICK+1` maps to the max sqrt
/// price).
pub fn sqrt_price_q72_at_tick(tick: i32) -> Result<u128, MathError> {
    if tick == MAX_TICK + 1 {
        return Ok(MAX_SQRT_PRICE_Q72);
    }
    if !(MIN_TICK..=MAX_TICK).contains(&tick) {
        return Err(MathError::TickOutOfRange);
    }
    let mut v = apply_multiplications(tick.unsigned_abs()) >> 56;
    if tick > 0 {
        let max144 = (U256::from(1u8) << 144usize) - U256::from(1u8);
        v = max144.checked_div(v).ok_or(MathError::DivisionByZero)?;
    }
    u128::try_from(v).map_err(|_| MathError::Overflow)
}

/// `getPriceAtTick`: b^(2·tick) in Q128 (needs up to 240 bits, hence `U256`). Rounding as in
/// the reference (truncating products; positive ticks via `(2^256−1)/v`).
/// Error: `TickOutOfRange` outside `MIN_TICK..=MAX_TICK+1` (`MAX_TICK+1` maps to the max price).
pub fn price_q128_at_tick(tick: i32) -> Result<U256, MathError> {
    if tick == MAX_TICK + 1 {
        return Ok(MAX_PRICE_Q128);
    }
    if !(MIN_TICK..=MAX_TICK).contains(&tick) {
        return Err(MathError::TickOutOfRange);
    }
    let abs2 = tick.unsigned_abs() * 2;
    let mut v = apply_multiplications(abs2);
    if abs2 & 0x8000 != 0 {
        v = v.wrapping_mul(u256(MULTIPLIER_0X8000)) >> 128;
    }
    if tick > 0 {
        v = U256::MAX.checked_div(v).ok_or(MathError::DivisionByZero)?;
    }
    Ok(v)
}

/// Two's-complement encoding of an `i128` in 256 bits.
fn i128_to_u256(x: i128) -> U256 {
    let mag = u256(x.unsigned_abs());
    if x < 0 {
        mag.wrapping_neg()
    } else {
        mag
    }
}

/// `int16(x)` of a two's-complement 256-bit value: keep the low 16 bits.
fn low_i16(x: U256) -> i32 {
    (x.as_limbs()[0] as u16 as i16) as i32
}

/// `getTickAtPrice`: the floor tick of sqrt(price), i.e. the largest t with
/// `getPriceAtTick(t) <= price` (rounds down). Error: `PriceOutOfRange` outside
/// `[MIN_PRICE_Q128, MAX_PRICE_Q128]`.
pub fn tick_at_price_q128(price: U256) -> Result<i32, MathError> {
    if price < MIN_PRICE_Q128 || price > MAX_PRICE_Q128 {
        return Err(MathError::PriceOutOfRange);
    }
    // price >= 2^16 so bit_len >= 17 and msb is in 16..=239.
    let msb = price.bit_len() - 1;
    let mut p = if msb >= 128 {
        price >> (msb - 127)
    } else {
        price << (127 - msb)
    };
    // Integer part of log2 in Q64 (signed); the fraction bits below are OR-ed in, which on the
    // two's-complement value is the same as adding them since the low 64 bits are zero.
    let mut log2: i128 = ((msb as i128) - 128) << 64;
    let mut bit: u32 = 63;
    while bit >= 55 {
        // p in [2^127, 2^128) so p*p < 2^256.
        p = p.wrapping_mul(p) >> 127;
        let f: U256 = p >> 128usize; // 0 or 1
        let f_is_one = !f.is_zero();
        if f_is_one {
            log2 |= 1i128 << bit;
            p >>= 1;
        }
        bit -= 1;
    }
    // Unchecked int256 arithmetic in the reference: |logB| < 2^144, no wrap in practice.
    let log_b = u256(BASE_CHANGE_Q128).wrapping_mul(i128_to_u256(log2));
    let tick_low = low_i16(
        log_b
            .wrapping_sub(u256(TICK_LOW_ERROR_CORRECTION_Q128))
            .arithmetic_shr(128),
    );
    let tick_hi = low_i16(
        log_b
            .wrapping_add(u256(TICK_HI_ERROR_CORRECTION_Q128))
            .arithmetic_shr(128),
    );
    if tick_low == tick_hi {
        return Ok(tick_low);
    }
    if price_q128_at_tick(tick_hi)? <= price {
        Ok(tick_hi)
    } else {
        Ok(tick_low)
    }
}

/// `getTickFromReserves(x, y) = getTickAtPrice(floor(x·2^128/y))` (price rounds down).
/// Errors: `DivisionByZero` if `reserve_y == 0`; `PriceOutOfRange` if the price is outside the
/// tick range (e.g. `reserve_x == 0`).
pub fn tick_at_reserves(reserve_x: u128, reserve_y: u128) -> Result<i32, MathError> {
    if reserve_y == 0 {
        return Err(MathError::DivisionByZero);
    }
    // reserve_x < 2^128 so the shift cannot lose bits.
    let p = (u256(reserve_x) << 128) / u256(reserve_y);
    tick_at_price_q128(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn g1_sqrt_price_vectors() {
        let cases: [(i32, u128); 9] = [
            (0, 4722366482869645213696),
            (1, 4731607904558235517441),
            (-1, 4713143110832790437888),
            (25, 4958909800722280035665),
            (100, 5742034161111790218452),
            (-100, 3883770902925573093587),
            (1000, 33359576522638221557944),
            (-19855, 65472),
            (19854, 0xffc00ffc00ffc00ffc00ffc00ffc00ff),
        ];
        for (t, want) in cases {
            assert_eq!(sqrt_price_q72_at_tick(t), Ok(want), "tick {t}");
        }
        assert_eq!(sqrt_price_q72_at_tick(0), Ok(Q72));
        assert_eq!(sqrt_price_q72_at_tick(1), Ok(B_IN_Q72));
        assert_eq!(sqrt_price_q72_at_tick(MIN_TICK), Ok(MIN_SQRT_PRICE_Q72));
        assert_eq!(sqrt_price_q72_at_tick(MAX_TICK), Ok(MAX_SQRT_PRICE_Q72));
        assert_eq!(sqrt_price_q72_at_tick(MAX_TICK + 1), Ok(MAX_SQRT_PRICE_Q72));
    }

    #[test]
    fn tranche_constant_matches_tick_25() {
        // B = b^25 up to rounding of the Q72 representation.
        let s25 = sqrt_price_q72_at_tick(25).unwrap();
        assert!(s25.abs_diff(TRANCHE_B_IN_Q72) <= 1);
        assert_eq!(TRANCHE_B_IN_Q72 - Q72, TRANCHE_B_MINUS_ONE_IN_Q72);
    }

    #[test]
    fn tick_range_errors() {
        assert_eq!(sqrt_price_q72_at_tick(MIN_TICK - 1), Err(MathError::TickOutOfRange));
        assert_eq!(sqrt_price_q72_at_tick(MAX_TICK + 2), Err(MathError::TickOutOfRange));
        assert_eq!(sqrt_price_q72_at_tick(i32::MIN), Err(MathError::TickOutOfRange));
        assert_eq!(sqrt_price_q72_at_tick(i32::MAX), Err(MathError::TickOutOfRange));
        assert_eq!(price_q128_at_tick(MIN_TICK - 1), Err(MathError::TickOutOfRange));
        assert_eq!(price_q128_at_tick(i32::MAX), Err(MathError::TickOutOfRange));
        assert_eq!(price_q128_at_tick(MAX_TICK + 1), Ok(MAX_PRICE_Q128));
        assert_eq!(
            tick_at_price_q128(MIN_PRICE_Q128 - U256::from(1u8)),
            Err(MathError::PriceOutOfRange)
        );
        assert_eq!(
            tick_at_price_q128(MAX_PRICE_Q128 + U256::from(1u8)),
            Err(MathError::PriceOutOfRange)
        );
        assert_eq!(tick_at_price_q128(U256::ZERO), Err(MathError::PriceOutOfRange));
        assert_eq!(tick_at_price_q128(U256::MAX), Err(MathError::PriceOutOfRange));
        assert_eq!(tick_at_reserves(1, 0), Err(MathError::DivisionByZero));
        assert_eq!(tick_at_reserves(0, 1), Err(MathError::PriceOutOfRange));
    }

    #[test]
    fn price_extremes() {
        assert_eq!(price_q128_at_tick(0), Ok(Q128_ONE));
        // price(MIN_TICK) = 0xff80 lies below MIN_PRICE (0x10000), so the reference's
        // getTickAtPrice rejects it; MIN_PRICE itself floors to MIN_TICK.
        let lo = price_q128_at_tick(MIN_TICK).unwrap();
        assert_eq!(lo, U256::from(0xff80u64));
        assert_eq!(tick_at_price_q128(lo), Err(MathError::PriceOutOfRange));
        assert!(price_q128_at_tick(MIN_TICK + 1).unwrap() >= MIN_PRICE_Q128);
        let hi = price_q128_at_tick(MAX_TICK).unwrap();
        assert!(hi <= MAX_PRICE_Q128);
        assert_eq!(tick_at_price_q128(MIN_PRICE_Q128), Ok(MIN_TICK));
        assert_eq!(tick_at_price_q128(MAX_PRICE_Q128), Ok(MAX_TICK));
        assert_eq!(tick_at_price_q128(Q128_ONE), Ok(0));
        assert_eq!(tick_at_price_q128(Q128_ONE - U256::from(1u8)), Ok(-1));
    }

    #[test]
    fn reserves_ticks() {
        assert_eq!(tick_at_reserves(1000, 1000), Ok(0));
        assert_eq!(tick_at_reserves(999, 1000), Ok(-1));
        // price 4 = b^(2t): t = floor(ln 2 / ln(512/511)) (≈ 354.5)
        assert_eq!(tick_at_reserves(4000, 1000), Ok(354));
        assert_eq!(tick_at_reserves(1000, 4000), Ok(-355));
        assert_eq!(tick_at_reserves(u128::MAX, 1), Err(MathError::PriceOutOfRange));
    }

    #[test]
    fn full_range_round_trip_and_monotonic() {
        let mut prev_sqrt = 0u128;
        let mut prev_price = U256::ZERO;
        for t in MIN_TICK..=MAX_TICK {
            let p = price_q128_at_tick(t).unwrap();
            if t > MIN_TICK {
                assert_eq!(tick_at_price_q128(p), Ok(t), "round trip {t}");
                assert_eq!(tick_at_price_q128(p - U256::from(1u8)), Ok(t - 1), "below {t}");
            }
            assert!(p > prev_price);
            let s = sqrt_price_q72_at_tick(t).unwrap();
            assert!(s > prev_sqrt, "sqrt not increasing at {t}");
            prev_sqrt = s;
            prev_price = p;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn tick_round_trip(t in (MIN_TICK + 1)..=MAX_TICK) {
            let p = price_q128_at_tick(t).unwrap();
            prop_assert_eq!(tick_at_price_q128(p), Ok(t));
        }

        #[test]
        fn tick_at_price_is_floor(p in any::<[u64; 4]>()) {
            let price = U256::from_limbs(p) >> (p[0] as usize % 256);
            if let Ok(t) = tick_at_price_q128(price) {
                prop_assert!(price_q128_at_tick(t).unwrap() <= price);
                if t < MAX_TICK {
                    prop_assert!(price_q128_at_tick(t + 1).unwrap() > price);
                }
            }
        }

        #[test]
        fn tick_at_reserves_monotonic(x in 1u128..(1u128 << 112), y in 1u128..(1u128 << 112), dx in 0u128..(1u128 << 100)) {
            let a = tick_at_reserves(x, y);
            let b = tick_at_reserves(x.saturating_add(dx), y);
            if let (Ok(a), Ok(b)) = (a, b) {
                prop_assert!(a <= b);
            }
            let c = tick_at_reserves(x, y.saturating_add(dx));
            if let (Ok(a), Ok(c)) = (a, c) {
                prop_assert!(c <= a);
            }
        }

        #[test]
        fn no_panic_any_tick(t in any::<i32>(), x in any::<u128>(), y in any::<u128>()) {
            let _ = sqrt_price_q72_at_tick(t);
            let _ = price_q128_at_tick(t);
            let _ = tick_at_reserves(x, y);
        }
    }
}
