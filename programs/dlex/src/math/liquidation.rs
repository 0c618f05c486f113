//! Liquidation prices of a position (spec §10.4 `calcLiqSqrtPriceQ72`): the sqrt prices at
//! which its netted LTV reaches 85%, one for a net-X-debt position (price falling) and one for
//! a net-Y-debt position (price rising). 0 means "no such price".

use ruint::aliases::U256;

use super::full_math::{sqrt_u256, u256};
use super::interest::{BORROW_L, BORROW_X, BORROW_Y, DEPOSIT_L, DEPOSIT_X, DEPOSIT_Y};
use super::tick_math::{MAX_SQRT_PRICE_Q72, MIN_SQRT_PRICE_Q72};

/// A signed 256-bit value as magnitude and sign; the quadratic's coefficients need both.
#[derive(Clone, Copy)]
struct Signed {
    magnitude: U256,
    negative: bool,
}

impl Signed {
    fn difference(plus: u128, minus: u128) -> Self {
        if plus >= minus {
            Signed { magnitude: u256(plus - minus), negative: false }
        } else {
            Signed { magnitude: u256(minus - plus), negative: true }
        }
    }

    fn scaled(self, factor: u64) -> Self {
        Signed { magnitude: self.magnitude.saturating_mul(U256::from(factor)), ..self }
    }

    fn is_zero(&self) -> bool {
        self.magnitude.is_zero()
    }

    /// `|self + other|` for two signed values.
    fn abs_sum(self, other: Signed) -> U256 {
        if self.negative == other.negative {
            self.magnitude.saturating_add(other.magnitude)
        } else if self.magnitude >= other.magnitude {
            self.magnitude - other.magnitude
        } else {
            other.magnitude - self.magnitude
        }
    }
}

fn q72() -> U256 {
    U256::from(1u8) << 72
}

fn checked_ratio_q72(numerator: U256, denominator: U256) -> U256 {
    if denominator.is_zero() {
        return U256::ZERO;
    }
    numerator.saturating_mul(q72()) / denominator
}

/// Keeps a sqrt price only inside `[MIN_SQRT_PRICE, MAX_SQRT_PRICE]`; anything else is "none".
fn in_range(sqrt_price: U256) -> u128 {
    if sqrt_price < u256(MIN_SQRT_PRICE_Q72) || sqrt_price > u256(MAX_SQRT_PRICE_Q72) {
        0
    } else {
        sqrt_price.to::<u128>()
    }
}

/// Spec §10.4 on user assets `[DEPOSIT_L, DEPOSIT_X, DEPOSIT_Y, BORROW_L, BORROW_X, BORROW_Y]`:
/// returns `(net_x_sqrt_price_q72, net_y_sqrt_price_q72)`. With `L = DL − BL`, `X = DX − BX`,
/// `Y = DY − BY` scaled by 185, 85 and 100, it solves `Y·s² + L·s + X = 0` and assigns the
/// roots per the reference; the net-X root is finally scaled by 100/85. Never fails: a
/// position without a liquidation price (all net balances ≥ 0, no real root, a price outside
/// the tick range) gets 0.
pub fn liquidation_sqrt_prices_q72(user_assets: [u128; 6]) -> (u128, u128) {
    let liquidity = Signed::difference(user_assets[DEPOSIT_L], user_assets[BORROW_L]);
    let x = Signed::difference(user_assets[DEPOSIT_X], user_assets[BORROW_X]);
    let y = Signed::difference(user_assets[DEPOSIT_Y], user_assets[BORROW_Y]);
    if !liquidity.negative && !x.negative && !y.negative {
        return (0, 0);
    }
    let (borrows_x, borrows_y) = (user_assets[BORROW_X] > 0, user_assets[BORROW_Y] > 0);
    let (deposits_x, deposits_y) = (user_assets[DEPOSIT_X] > 0, user_assets[DEPOSIT_Y] > 0);
    let (y, liquidity, x) = (y.scaled(100), liquidity.scaled(185), x.scaled(85));

    // (net-X root, net-Y root) before the final scaling.
    let (net_x, net_y) = if y.is_zero() {
        let s = checked_ratio_q72(x.magnitude, liquidity.magnitude);
        if borrows_x { (s, U256::ZERO) } else { (U256::ZERO, s) }
    } else if x.is_zero() {
        let s = checked_ratio_q72(liquidity.magnitude, y.magnitude);
        if borrows_y { (U256::ZERO, s) } else { (s, U256::ZERO) }
    } else if liquidity.is_zero() {
        if deposits_x && deposits_y {
            return (0, 0);
        }
        // sqrt(|X|·2^144/|Y|); above 2^112 the reference divides first to stay in 256 bits.
        let ratio = if x.magnitude >= (U256::from(1u8) << 112) {
            (x.magnitude / U256::from(100u8)).saturating_mul((U256::from(1u8) << 144) / (y.magnitude / U256::from(100u8)).max(U256::from(1u8)))
        } else {
            (x.magnitude << 144) / y.magnitude
        };
        let s = sqrt_u256(ratio);
        if deposits_x { (U256::ZERO, s) } else { (s, U256::ZERO) }
    } else {
        // rad = L² − 4·Y·X, with signs: Y·X is negative when their signs differ.
        let l_squared = liquidity.magnitude.saturating_mul(liquidity.magnitude);
        let four_yx = U256::from(4u8).saturating_mul(y.magnitude).saturating_mul(x.magnitude);
        let rad = if y.negative != x.negative {
            l_squared.saturating_add(four_yx)
        } else if l_squared > four_yx {
            l_squared - four_yx
        } else {
            return (0, 0);
        };
        let root = Signed { magnitude: sqrt_u256(rad), negative: false };
        let minus_root = Signed { magnitude: root.magnitude, negative: true };
        let two_y = y.magnitude.saturating_mul(U256::from(2u8));
        let s_plus = checked_ratio_q72(liquidity.abs_sum(root), two_y);
        let s_minus = checked_ratio_q72(liquidity.abs_sum(minus_root), two_y);
        match (borrows_x, borrows_y) {
            (false, false) | (true, true) => (s_minus, s_plus),
            (false, true) => (U256::ZERO, s_plus),
            (true, false) => (s_minus, U256::ZERO),
        }
    };
    let net_x = net_x.saturating_mul(U256::from(100u8)) / U256::from(85u8);
    (in_range(net_x), in_range(net_y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_debt_has_no_liquidation_price() {
        assert_eq!(liquidation_sqrt_prices_q72([1000, 5, 7, 0, 0, 0]), (0, 0));
    }

    /// 500 X borrowed against 1000 Y: LTV = 500/(1000·p) reaches 85% at p = 500/850, so the
    /// net-X liquidation sqrt price is sqrt(10/17)·2^72 (floor of the exact integer steps).
    #[test]
    fn x_debt_against_y_liquidates_at_85_percent_ltv() {
        let (net_x, net_y) = liquidation_sqrt_prices_q72([0, 0, 1000, 0, 500, 0]);
        assert_eq!(net_y, 0);
        // s = isqrt(42500·2^144/100000) then ·100/85.
        let s = sqrt_u256((U256::from(42_500u64) << 144) / U256::from(100_000u64));
        assert_eq!(net_x, (s * U256::from(100u8) / U256::from(85u8)).to::<u128>());
        // And it is sqrt(10/17)·2^72 up to the two floors: net_x² ≤ (10/17)·2^144 < (net_x+2)².
        let target = (U256::from(10u8) << 144) / U256::from(17u8);
        let n = U256::from(net_x);
        assert!(n * n <= target && target < (n + U256::from(2u8)) * (n + U256::from(2u8)));
    }

    /// 1000 Y borrowed against 500 X: liquidation when the price rises to 0.5·0.85.
    #[test]
    fn y_debt_against_x_liquidates_when_price_rises() {
        let (net_x, net_y) = liquidation_sqrt_prices_q72([0, 500, 0, 0, 0, 1000]);
        assert_eq!(net_x, 0);
        let s = sqrt_u256((U256::from(42_500u64) << 144) / U256::from(100_000u64));
        assert_eq!(net_y, s.to::<u128>());
    }

    #[test]
    fn never_panics_on_extremes() {
        for assets in [[u128::MAX; 6], [0, u128::MAX, 0, 0, 0, 1], [1, 0, 0, u128::MAX, 0, 0], [0, 0, 0, 1, 0, 0]] {
            let _ = liquidation_sqrt_prices_q72(assets);
        }
    }
}
