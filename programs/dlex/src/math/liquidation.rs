//! Liquidation math (spec §10.4, §11.1–§11.3):
//! - liquidation prices of a position (§10.4 `calcLiqSqrtPriceQ72`): the sqrt prices at which
//!   its netted LTV reaches 85%, one for a net-X-debt position (price falling) and one for a
//!   net-Y-debt position (price rising); 0 means "no such price";
//! - the hard liquidation's premium curve, maximum premium and proposed premium (§11.1);
//! - the saturation-reset premium of a straddle (§11.2);
//! - the leverage liquidation's amounts (§11.3).
//!
//! User asset arrays are `[DEPOSIT_L, DEPOSIT_X, DEPOSIT_Y, BORROW_L, BORROW_X, BORROW_Y]` in
//! assets (debts read rounded up).

use ruint::aliases::{U256, U512};

use super::full_math::{mul_div_u256, sqrt_u256, to_u128, u256};
use super::interest::{BORROW_L, BORROW_X, BORROW_Y, DEPOSIT_L, DEPOSIT_X, DEPOSIT_Y};
use super::tick_math::{MAX_SQRT_PRICE_Q72, MIN_SQRT_PRICE_Q72};
use super::validation::{
    check_ltv_params, debt_and_collateral, increase_for_slippage, ltv_premium_bips, net_legs_u256, select_debt_and_collateral,
};
use super::{MathError, BIPS};

/// Slope of the straddle saturation-reset premium (§11.2): 10 bips of premium per bip by which
/// `BL²` exceeds `DX·DY`.
pub const SAT_RESET_FOR_STRADDLE_SLOPE_BIPS: u128 = 100_000;
/// Cap of the straddle saturation-reset premium (§11.2), in bips.
pub const MAX_SAT_RESET_FOR_STRADDLE_PREMIUM_BIPS: u128 = 2000;
/// `LEVERAGE_LIQUIDATION_FACTOR = 100·100/10` (§11.3), a raw amount (not decimal-scaled).
pub const LEVERAGE_LIQUIDATION_FACTOR: u128 = 1000;

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

/// `convertLtvToPremium(ltvBips)` (§11.1 premium curve, vectors H1): 0 up to 60%, a discount
/// `floor(66_667·ltv/1e4) − 40_000` below 75%, a premium `floor(7_408·ltv/1e4) + 4_444` from
/// 75% (11_111 = `MAX_PREMIUM_IN_BIPS` at 90%). Rounds down (favors the borrower).
/// Non-decreasing; cannot fail. The curve itself is [`ltv_premium_bips`]; this is its name in
/// the liquidation API.
pub fn ltv_to_premium_bips(ltv_bips: u128) -> u128 {
    ltv_premium_bips(ltv_bips)
}

/// `premiumBips = ceil(netSeizedL·1e4/netRepaidL)` (§11.1 step 2e): the premium a hard
/// liquidation proposal takes, seized over repaid in bips. Rounds up (against the liquidator,
/// who must stay within the maximum premium). `u128::MAX` when nothing is repaid (the
/// reference's `type(uint256).max`), and saturates at `u128::MAX`. Cannot fail.
pub fn hard_premium_bips(repaid_l: u128, seized_l: u128) -> u128 {
    if repaid_l == 0 {
        return u128::MAX;
    }
    to_u128((u256(seized_l) * u256(BIPS)).div_ceil(u256(repaid_l))).unwrap_or(u128::MAX)
}

/// The maximum premium of a hard liquidation of the whole position (§11.1 step 2c):
/// net with the range prices **swapped**, `check_ltv_params(u, sMax, sMin)` (debts valued low,
/// deposits high: in the borrower's favour), take `(netDebtL, netCollL) =
/// debt_and_collateral(..)`, and return
/// `convertLtvToPremium(floor(increaseForSlippage(netDebtL, activeL)·1e4/netCollL))`.
/// Rounding: the netting rounds per §9.2, the slippage rounds up, the LTV and the curve round
/// down (as the reference). `active_liquidity` is the slippage liquidity the caller uses.
///
/// Edge cases (the reference reverts on the last three; dlex must still liquidate):
/// - no borrow at all, or a netted debt of 0: 0 (nothing to liquidate, no premium);
/// - a netted amount above u128: computed exactly on 256 bits like the reference;
/// - debt with no net collateral, debt ≥ `activeL` (slippage undefined) or a slippage-adjusted
///   debt above u128, or a zero sqrt price: `u128::MAX`, above `MAX_PREMIUM_IN_BIPS`, so the
///   position is always bad-debt-sized.
///
/// Cannot fail or panic.
pub fn hard_max_premium_bips(
    user_assets: [u128; 6],
    active_liquidity: u128,
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> u128 {
    hard_premium_for_liquidation_ltv(hard_liquidation_ltv_bips(user_assets, active_liquidity, sqrt_price_min_q72, sqrt_price_max_q72))
}

/// The maximum premium for a [`hard_liquidation_ltv_bips`] value: 0 without debt, unbounded
/// (`u128::MAX`) for an unbounded LTV, else the curve. For callers that report the LTV too.
pub fn hard_premium_for_liquidation_ltv(liquidation_ltv_bips: u128) -> u128 {
    match liquidation_ltv_bips {
        0 => 0,
        u128::MAX => u128::MAX,
        ltv => ltv_premium_bips(ltv),
    }
}

/// The LTV the hard liquidation's maximum premium is read from (§11.1 step 2c), in bips:
/// `floor(increaseForSlippage(netDebtL, activeL)·1e4/netCollL)` with the position netted at the
/// range prices swapped (in the borrower's favour). 0 without debt; `u128::MAX` when the
/// premium is unbounded: debt without net collateral, a zero sqrt price, or a debt at or
/// beyond `active_liquidity`, where the add-on is undefined (the reference reverts; dlex keeps
/// such a position liquidatable). The caller must count at least the liquidity solvency
/// counts (`risk::liquidation_liquidity` does), so only an insolvent position can reach that
/// case. Non-decreasing in the debt. This is the LTV a liquidator sees, next to the stricter
/// one of solvency. Cannot fail or panic.
pub fn hard_liquidation_ltv_bips(
    user_assets: [u128; 6],
    active_liquidity: u128,
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> u128 {
    if user_assets[BORROW_L] == 0 && user_assets[BORROW_X] == 0 && user_assets[BORROW_Y] == 0 {
        return 0;
    }
    let Some((debt, collateral)) = swapped_debt_and_collateral(user_assets, sqrt_price_min_q72, sqrt_price_max_q72) else {
        return u128::MAX;
    };
    if debt.is_zero() {
        return 0;
    }
    if collateral.is_zero() || debt >= u256(active_liquidity) {
        return u128::MAX;
    }
    // debt < activeL, so it fits u128.
    let Ok(slipped) = increase_for_slippage(debt.to::<u128>(), active_liquidity) else {
        return u128::MAX;
    };
    // slipped·1e4 fits 256 bits; the LTV can exceed u128 only for a tiny collateral and then
    // saturates below the "unbounded" marker (the curve saturates further up anyway).
    to_u128(u256(slipped) * u256(BIPS) / collateral).unwrap_or(u128::MAX - 1).clamp(1, u128::MAX - 1)
}

/// `calcDebtAndCollateral(getCheckLtvParams(u, sMax, sMin))` on 256 bits: `u` netted with the
/// range prices **swapped** (debts valued low, deposits high, in the borrower's favour), as
/// every hard-liquidation rule values positions and proposals (§11.1 step 2a). Computed in
/// u128 like the reference when it fits, else exactly on 256 bits. `None` only for a zero
/// sqrt price.
fn swapped_debt_and_collateral(
    user_assets: [u128; 6],
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> Option<(U256, U256)> {
    match check_ltv_params(user_assets, sqrt_price_max_q72, sqrt_price_min_q72) {
        Ok(params) => {
            let (debt, collateral, _) = debt_and_collateral(&params);
            Some((u256(debt), u256(collateral)))
        }
        Err(_) => {
            let legs = net_legs_u256(user_assets, sqrt_price_max_q72, sqrt_price_min_q72).ok()?;
            let (debt, collateral, _) = select_debt_and_collateral(legs, U256::ZERO, U256::saturating_add);
            Some((debt, collateral))
        }
    }
}

/// The premium a hard-liquidation proposal takes (§11.1 steps 2a and 2e): the proposal
/// `[seized DL, DX, DY, repaid BL, BX, BY]` (assets) is netted like a position with the
/// prices swapped (seized amounts as deposits, repaid ones as debts), giving
/// `(netRepaidL, netSeizedL)`, and the premium is [`hard_premium_bips`]`(netRepaidL,
/// netSeizedL)`. `u128::MAX` when the proposal nets to no repayment (or a sqrt price is 0).
/// Cannot fail.
pub fn hard_proposal_premium_bips(proposal: [u128; 6], sqrt_price_min_q72: u128, sqrt_price_max_q72: u128) -> u128 {
    match swapped_debt_and_collateral(proposal, sqrt_price_min_q72, sqrt_price_max_q72) {
        Some((repaid, seized)) => match to_u128(repaid) {
            Ok(repaid) => hard_premium_bips(repaid, to_u128(seized).unwrap_or(u128::MAX)),
            // A repayment above u128 L: the ratio on 256 bits.
            Err(_) => to_u128((seized * u256(BIPS)).div_ceil(repaid)).unwrap_or(u128::MAX),
        },
        None => u128::MAX,
    }
}

/// The partial-liquidation rule of dlex's hard liquidation: true when the position `after`
/// has an LTV, netted with the prices swapped as in [`hard_max_premium_bips`] but without
/// the slippage add-on, no higher than `before`'s: `debt_after·coll_before ≤
/// debt_before·coll_after` (exact, 512 bits). A position left without net debt always
/// passes; one left with debt and no collateral passes only if `before` had none either.
/// (The reference instead computes an exact-LTV slice over the account's tranches; this rule
/// is what the liquidator can check in closed form and still forbids leaving the borrower
/// worse off.) Cannot fail; a zero sqrt price gives false.
pub fn liquidation_keeps_ltv(before: [u128; 6], after: [u128; 6], sqrt_price_min_q72: u128, sqrt_price_max_q72: u128) -> bool {
    let (Some((debt_before, coll_before)), Some((debt_after, coll_after))) = (
        swapped_debt_and_collateral(before, sqrt_price_min_q72, sqrt_price_max_q72),
        swapped_debt_and_collateral(after, sqrt_price_min_q72, sqrt_price_max_q72),
    ) else {
        return false;
    };
    if debt_after.is_zero() {
        return true;
    }
    let widen = |v: U256| U512::from(v);
    widen(debt_after) * widen(coll_before) <= widen(debt_before) * widen(coll_after)
}

/// The saturation-reset premium of a straddle whose saturation went from zero to positive
/// (§11.2, `calcStraddlePremiumRatioBips`), in bips: 0 when `BL² ≤ DX·DY`; otherwise
/// `ratio = min(ceil((BL² − DX·DY)·100_000/(DX·DY)), 2000)·10 + 1e4` and
/// `premium = (ratio − 1e4)/10`, i.e. 10 bips per bip of excess, capped at 2000 (20%).
/// The quotient rounds up (against the borrower); the rest is exact.
/// Never fails: the intermediates are exact on 512 bits (the reference's 256-bit product can
/// overflow only for amounts far beyond uint112); `DX·DY = 0` with `BL > 0`, the limit of an
/// ever smaller collateral product (the reference divides by zero), gives the cap, 2000.
pub fn saturation_reset_premium_bips(borrow_l: u128, deposit_x: u128, deposit_y: u128) -> u128 {
    let borrow_squared = U512::from(borrow_l) * U512::from(borrow_l);
    let deposit_product = U512::from(deposit_x) * U512::from(deposit_y);
    if borrow_squared <= deposit_product {
        return 0;
    }
    let excess = if deposit_product.is_zero() {
        MAX_SAT_RESET_FOR_STRADDLE_PREMIUM_BIPS
    } else {
        // (BL² − DX·DY)·1e5 < 2^256·2^17 fits 512 bits; the minimum fits u128.
        ((borrow_squared - deposit_product) * U512::from(SAT_RESET_FOR_STRADDLE_SLOPE_BIPS))
            .div_ceil(deposit_product)
            .min(U512::from(MAX_SAT_RESET_FOR_STRADDLE_PREMIUM_BIPS))
            .to::<u128>()
    };
    // The reference encodes the premium as a ratio (ratio = premium·10 + 1e4) so that §11.2 can
    // take the maximum with the other tree's `new·1e4/old`; decoded here as it does.
    let ratio_bips = excess * 10 + BIPS;
    (ratio_bips - BIPS) / 10
}

/// Outcome of a leverage liquidation (§11.3), all in assets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeverageLiquidation {
    /// `D = floor((netDepositedX + netDepositedY)/2)`, the position's deposits in L at the
    /// mid price `floor_sqrt(sMin·sMax)`.
    pub net_deposit_l: u128,
    /// `B = floor((netBorrowedX + netBorrowedY)/2)`, its debts in L at the same price.
    pub net_borrow_l: u128,
    /// The liquidator's premium in L: `floor((100·B − 99·D)/1000)`, at most `D`.
    pub premium_l: u128,
    /// The debt in L the liquidator repays.
    pub repay_l: u128,
    /// Seized DEPOSIT_L, DEPOSIT_X, DEPOSIT_Y, then repaid BORROW_L, BORROW_X, BORROW_Y.
    pub amounts: [u128; 6],
    /// The deposits left after the premium do not cover the debt: burn the rest (§11.4).
    pub bad_debt: bool,
}

/// Leverage liquidation (§11.3), with `s̄ = floor_sqrt(sMin·sMax)` and `p =
/// check_ltv_params(u, s̄, s̄)`: `D = floor((depX + depY)/2)`, `B = floor((borX + borY)/2)`;
/// requires `100·B > 99·D + 1000` (else `LiquidationZeroPremium`);
/// `premium = floor((100·B − 99·D)/1000)`, capped at `D` (then nothing remains); with
/// `remaining = D − premium`: if `B < remaining`, `repay = remaining − 100·(remaining − B)`,
/// else `repay = remaining` and the position is bad debt; `seized = repay + premium`;
/// each deposit gives `min(u_i, floor(u_i·seized/D))` (rounds down, for the borrower) and each
/// debt takes `min(u_i, ceil(u_i·repay/B))` (rounds up, for the pool).
/// With `D = 0` (debt only; the reference divides by zero) nothing is seized and the position
/// is bad debt, so a collateral-less position stays liquidatable.
/// Errors: `LiquidationZeroPremium` below the threshold; `DivisionByZero` for a zero sqrt
/// price and `Overflow` for a netted amount above u128 (from [`check_ltv_params`]).
pub fn leverage_liquidation_amounts(
    user_assets: [u128; 6],
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> Result<LeverageLiquidation, MathError> {
    let mid = to_u128(sqrt_u256(u256(sqrt_price_min_q72) * u256(sqrt_price_max_q72)))?;
    let params = check_ltv_params(user_assets, mid, mid)?;
    let deposit = (u256(params.net_deposited_x) + u256(params.net_deposited_y)) >> 1;
    let borrow = (u256(params.net_borrowed_x) + u256(params.net_borrowed_y)) >> 1;
    let (hundred, ninety_nine) = (u256(100), u256(99));
    if borrow * hundred <= deposit * ninety_nine + u256(LEVERAGE_LIQUIDATION_FACTOR) {
        return Err(MathError::LiquidationZeroPremium);
    }
    let premium = (borrow * hundred - deposit * ninety_nine) / u256(LEVERAGE_LIQUIDATION_FACTOR);
    let (premium, remaining) =
        if deposit < premium { (deposit, U256::ZERO) } else { (premium, deposit - premium) };
    let (repay, bad_debt) = if borrow < remaining {
        // = 100·B − 99·remaining > 100·B − 99·D > 0 here, so it never saturates.
        (remaining.saturating_sub(hundred * (remaining - borrow)), false)
    } else {
        (remaining, true)
    };
    let seized = repay + premium;
    let mut amounts = [0u128; 6];
    for (i, amount) in amounts.iter_mut().enumerate() {
        let held = u256(user_assets[i]);
        // Deposits: a zero divisor only when D = 0, where nothing is seized. Debts: B > 10.
        let share = if i < BORROW_L {
            mul_div_u256(held, seized, deposit, false).unwrap_or(U256::ZERO)
        } else {
            mul_div_u256(held, repay, borrow, true).unwrap_or(held)
        };
        *amount = to_u128(share.min(held))?;
    }
    Ok(LeverageLiquidation {
        net_deposit_l: to_u128(deposit)?,
        net_borrow_l: to_u128(borrow)?,
        premium_l: to_u128(premium)?,
        repay_l: to_u128(repay)?,
        amounts,
        bad_debt,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::tick_math::Q72;

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

    const E: u128 = 1_000_000_000_000_000_000;

    fn sqrt_at(tick: i32) -> u128 {
        crate::math::sqrt_price_q72_at_tick(tick).unwrap()
    }

    /// Vectors H1 (reference-vectors.md §H).
    #[test]
    fn h1_premium_curve() {
        let cases = [
            (0, 0),
            (6000, 0),
            (6001, 6),
            (6500, 3333),
            (7000, 6666),
            (7499, 9993),
            (7500, 10000),
            (8000, 10370),
            (9000, 11111),
            (10000, 11852),
        ];
        for (ltv, premium) in cases {
            assert_eq!(ltv_to_premium_bips(ltv), premium, "ltv {ltv}");
        }
    }

    #[test]
    fn hard_premium_vectors() {
        assert_eq!(hard_premium_bips(1000, 1100), 11_000);
        assert_eq!(hard_premium_bips(3, 10), 33_334); // ceil(100000/3)
        assert_eq!(hard_premium_bips(10_000, 1), 1); // ceil(10000/10000)
        assert_eq!(hard_premium_bips(10_001, 1), 1); // ceil(10000/10001)
        assert_eq!(hard_premium_bips(7, 0), 0);
        assert_eq!(hard_premium_bips(u128::MAX, u128::MAX), 10_000);
        assert_eq!(hard_premium_bips(0, 0), u128::MAX);
        assert_eq!(hard_premium_bips(0, 5), u128::MAX);
        assert_eq!(hard_premium_bips(1, u128::MAX), u128::MAX);
        // Largest value that still fits: seized·1e4 = u128::MAX·1 exactly needs seized ≈ MAX/1e4.
        assert_eq!(hard_premium_bips(1, u128::MAX / 10_000), (u128::MAX / 10_000) * 10_000);
    }

    /// Derived with Python big integers by following §9.2 (with sMax and sMin swapped), §9.3
    /// and §11.1 step c literally. Range ticks −10..10: sMin = 4630939202706695721004, sMax =
    /// 4815598785122521694038; activeL = 100_000e18.
    #[test]
    fn hard_max_premium_vectors() {
        let (lo, hi) = (sqrt_at(-10), sqrt_at(10));
        assert_eq!((lo, hi), (4630939202706695721004, 4815598785122521694038));
        let l = 100_000 * E;
        // 650 X borrowed against 1000 Y: debt ceil(650e18·2^72/sMax) = 637415688231421492681,
        // collateral floor(1000e18·sMax/2^72) = 1019742707939139427611, slippage
        // 641504740085474511673, LTV 6290 → floor(66667·6290/1e4) − 40000 = 1933.
        assert_eq!(hard_max_premium_bips([0, 0, 1000 * E, 0, 650 * E, 0], l, lo, hi), 1933);
        // LTV 7265 (discount), 8242 and 9221 (premium), 9711 (above 90%: bad-debt-sized).
        assert_eq!(hard_max_premium_bips([0, 0, 1000 * E, 0, 750 * E, 0], l, lo, hi), 8433);
        assert_eq!(hard_max_premium_bips([0, 0, 1000 * E, 0, 850 * E, 0], l, lo, hi), 10549);
        assert_eq!(hard_max_premium_bips([0, 0, 1000 * E, 0, 950 * E, 0], l, lo, hi), 11274);
        assert_eq!(hard_max_premium_bips([0, 0, 1000 * E, 0, 1000 * E, 0], l, lo, hi), 11637);
        // Y debt against X (LTV 7754) and a position with L on both sides (LTV 7645).
        assert_eq!(hard_max_premium_bips([0, 1000 * E, 0, 0, 0, 800 * E], l, lo, hi), 10188);
        assert_eq!(hard_max_premium_bips([100 * E, 0, 900 * E, 50 * E, 800 * E, 0], l, lo, hi), 10107);
        // Less liquidity, more slippage: slippage 1429189443861128075581, LTV 14015.
        assert_eq!(hard_max_premium_bips([0, 0, 1000 * E, 0, 850 * E, 0], 2000 * E, lo, hi), 14826);
        // A wider range (ticks −100..100) values the same debt lower: LTV 6132 → 880.
        assert_eq!(hard_max_premium_bips([0, 0, 1000 * E, 0, 900 * E, 0], l, sqrt_at(-100), sqrt_at(100)), 880);
        assert_eq!(hard_max_premium_bips([0, 0, 1000 * E, 0, 700 * E, 0], l, sqrt_at(-100), sqrt_at(100)), 0);
    }

    /// The function swaps the range itself: passing the prices the other way round would value
    /// the debt high and the deposits low.
    #[test]
    fn hard_max_premium_swaps_the_range() {
        let (lo, hi) = (sqrt_at(-10), sqrt_at(10));
        let u = [0, 0, 1000 * E, 0, 650 * E, 0];
        assert_ne!(hard_max_premium_bips(u, 100_000 * E, hi, lo), 1933);
    }

    #[test]
    fn hard_max_premium_edges() {
        let (lo, hi) = (sqrt_at(-10), sqrt_at(10));
        // No debt: 0, whatever else (even prices the netting cannot use).
        assert_eq!(hard_max_premium_bips([5, 5, 5, 0, 0, 0], 1000, lo, hi), 0);
        assert_eq!(hard_max_premium_bips([u128::MAX, u128::MAX, u128::MAX, 0, 0, 0], 0, 0, 0), 0);
        // Debt netted to zero (L deposit covers both sides).
        assert_eq!(hard_max_premium_bips([100 * E, 0, 0, 0, 10 * E, 20 * E], 1000 * E, lo, hi), 0);
        // Debt without collateral and a zero sqrt price: bad-debt-sized.
        assert_eq!(hard_max_premium_bips([10 * E, 0, 0, 20 * E, 0, 0], 1000 * E, lo, hi), u128::MAX);
        assert_eq!(hard_max_premium_bips([0, 0, 1000 * E, 0, 650 * E, 0], 100_000 * E, 0, hi), u128::MAX);
        // Slippage undefined (debt at or beyond the liquidity): unbounded, as more debt only
        // raises the premium (such a position is insolvent: solvency counts less liquidity).
        assert_eq!(hard_liquidation_ltv_bips([0, 0, 1000 * E, 0, 650 * E, 0], 637 * E, lo, hi), u128::MAX);
        assert_eq!(hard_max_premium_bips([0, 0, 1000 * E, 0, 650 * E, 0], 637 * E, lo, hi), u128::MAX);
        assert_eq!(hard_max_premium_bips([0, 0, 1000 * E, 0, 650 * E, 0], 0, lo, hi), u128::MAX);
        // Slippage beyond u128: D = 2^127, L = 2^127 + 1.
        let d = 1u128 << 127;
        assert_eq!(hard_max_premium_bips([d, 0, 0, 0, 0, 0], 0, Q72, Q72), 0);
        assert_eq!(hard_max_premium_bips([0, 0, u128::MAX, 0, d, 0], d + 1, Q72, Q72), u128::MAX);
        // Found by the monotonicity proptest when a debt beyond the liquidity was counted
        // without the add-on: more debt must never lower the premium.
        let (bx, extra, l) = (767_343_132_726_280_403_701_796_809_364u128, 581_298_729_598_937_022_633_047_543_240u128, 752_487_003_289_215_506_909_473_998_116u128);
        assert!(hard_max_premium_bips([0, 0, 1, 0, bx, 0], l, lo, hi) <= hard_max_premium_bips([0, 0, 1, 0, bx + extra, 0], l, lo, hi));
        let below = l - 1;
        assert!(hard_max_premium_bips([0, 0, 1 << 100, 0, below / 2, 0], l, lo, hi) <= hard_max_premium_bips([0, 0, 1 << 100, 0, l, 0], l, lo, hi));
    }

    /// Netted amounts above u128: the 256-bit fallback. X deposited and borrowed at the minimum
    /// sqrt price 65472 (both legs ≈ 2^156 in L), Y borrowed. Python big integers: collateral
    /// 73859104326406963264, debt ceil(BY·65472/2^72) = 59087283461125570611, slippage with
    /// activeL 2^100: 59087283463879726265, LTV 8000 → 10370.
    #[test]
    fn hard_max_premium_beyond_u128_netting() {
        let s = crate::math::MIN_SQRT_PRICE_Q72;
        let u = [0, 1 << 100, 0, 0, (1 << 100) - (1 << 10), 4261849446796146717662166023104426812];
        assert_eq!(check_ltv_params(u, s, s), Err(MathError::Overflow));
        assert_eq!(hard_max_premium_bips(u, 1 << 100, s, s), 10370);
    }

    /// Derived with Python big integers from §11.2.
    #[test]
    fn saturation_reset_premium_vectors() {
        assert_eq!(saturation_reset_premium_bips(1000, 1000, 1000), 0);
        assert_eq!(saturation_reset_premium_bips(999, 1000, 1000), 0);
        // BL² − DX·DY = 2001: ceil(2001·1e5/1e6) = ceil(200.1) = 201.
        assert_eq!(saturation_reset_premium_bips(1001, 1000, 1000), 201);
        // 20100·1e5/1e6 = 2010, capped at 2000.
        assert_eq!(saturation_reset_premium_bips(1010, 1000, 1000), 2000);
        // (1000.5² − 1e6)/1e6·1e5 = 100.025 → 101; (1001² − 1e6)/1e6·1e5 = 200.1 → 201.
        assert_eq!(saturation_reset_premium_bips(10_005 * E / 10, 2000 * E, 500 * E), 101);
        assert_eq!(saturation_reset_premium_bips(1001 * E, 2000 * E, 500 * E), 201);
        // 2e36 + 1e30 over 1e42, ·1e5 = 0.2…: rounds up to 1.
        assert_eq!(saturation_reset_premium_bips(1000 * E + 1_000_000_000_000_000, 2000 * E, 500 * E), 1);
        // DX·DY = 0.
        assert_eq!(saturation_reset_premium_bips(0, 0, 0), 0);
        assert_eq!(saturation_reset_premium_bips(5, 0, 7), 2000);
        assert_eq!(saturation_reset_premium_bips(1, 7, 0), 2000);
        // Extremes: exact beyond 256 bits. BL = floor_sqrt(2^250 + 2^240), DX = DY = 2^125:
        // the excess times 1e5 passes 2^256, the ratio is 98; and 2000 for DX = DY = 2^127.
        assert_eq!(saturation_reset_premium_bips(u128::MAX, u128::MAX, u128::MAX), 0);
        assert_eq!(saturation_reset_premium_bips(u128::MAX, u128::MAX, u128::MAX - 1), 1);
        assert_eq!(saturation_reset_premium_bips(u128::MAX, 1, 1), 2000);
        assert_eq!(saturation_reset_premium_bips(42556059984423416284076227663020376454, 1 << 125, 1 << 125), 98);
        assert_eq!(saturation_reset_premium_bips(u128::MAX, 1 << 127, 1 << 127), 2000);
    }

    fn leverage(u: [u128; 6], lo: u128, hi: u128) -> LeverageLiquidation {
        leverage_liquidation_amounts(u, lo, hi).unwrap()
    }

    /// Derived with Python big integers from §11.3 (netting per §9.2 at s̄ = floor_sqrt(sMin·sMax)).
    #[test]
    fn leverage_liquidation_vectors() {
        // Price 1: D = 500e18, B = 497.5e18, premium = (49750e18 − 49500e18)/1000 = 0.25e18,
        // remaining 499.75e18 > B: repay = 499.75e18 − 100·2.25e18 = 274.75e18, seized 275e18.
        assert_eq!(
            leverage([0, 0, 1000 * E, 0, 995 * E, 0], Q72, Q72),
            LeverageLiquidation {
                net_deposit_l: 500 * E,
                net_borrow_l: 4975 * E / 10,
                premium_l: E / 4,
                repay_l: 27475 * E / 100,
                amounts: [0, 0, 550 * E, 0, 5495 * E / 10, 0],
                bad_debt: false,
            }
        );
        // B = 499.75e18 ≥ remaining 499.525e18: bad debt, all deposits seized.
        assert_eq!(
            leverage([0, 0, 1000 * E, 0, 9995 * E / 10, 0], Q72, Q72),
            LeverageLiquidation {
                net_deposit_l: 500 * E,
                net_borrow_l: 49975 * E / 100,
                premium_l: 475 * E / 1000,
                repay_l: 499525 * E / 1000,
                amounts: [0, 0, 1000 * E, 0, 99905 * E / 100, 0],
                bad_debt: true,
            }
        );
        // Range ticks −20..20: s̄ = floor_sqrt(sMin·sMax) = 2^72 − 1, so X debt rounds up to
        // 656.5e18 + 1 in L and Y collateral down: D = 349999999999999999999.
        let (lo, hi) = (sqrt_at(-20), sqrt_at(20));
        assert_eq!(
            leverage([100 * E, 0, 500 * E, 20 * E, 6565 * E / 10, 0], lo, hi),
            LeverageLiquidation {
                net_deposit_l: 349999999999999999999,
                net_borrow_l: 348250000000000000000,
                premium_l: 175000000000000000,
                repay_l: 192325000000000000099,
                amounts: [55000000000000000028, 0, 275000000000000000142, 11045226130653266338, 362559547738693467524, 0],
                bad_debt: false,
            }
        );
        assert_eq!(
            leverage([100 * E, 0, 500 * E, 20 * E, 6599 * E / 10, 0], lo, hi),
            LeverageLiquidation {
                net_deposit_l: 349999999999999999999,
                net_borrow_l: 349950000000000000000,
                premium_l: 345000000000000000,
                repay_l: 349654999999999999999,
                amounts: [100 * E, 0, 500 * E, 19983140448635519360, 659343719102728961279, 0],
                bad_debt: true,
            }
        );
        // Range ticks −100..300 (s̄ = sqrt_at(100)), L and Y debt against L and X.
        assert_eq!(
            leverage([200 * E, 300 * E, 0, 150 * E, 0, 400 * E], sqrt_at(-100), sqrt_at(300)),
            LeverageLiquidation {
                net_deposit_l: 323363071788707875872,
                net_borrow_l: 393184605936069684965,
                premium_l: 7305516486524888785,
                repay_l: 316057555302182987087,
                amounts: [200 * E, 300 * E, 0, 120576015895789955584, 0, 321536042388773214890],
                bad_debt: true,
            }
        );
    }

    #[test]
    fn leverage_liquidation_edges() {
        // Threshold: 100·B > 99·D + 1000 is strict. D = 1000: B = 1000 refused, B = 1001 passes
        // with premium (100100 − 99000)/1000 = 1, remaining 999 ≤ B: bad debt.
        assert_eq!(leverage_liquidation_amounts([0, 0, 2000, 0, 2000, 0], Q72, Q72), Err(MathError::LiquidationZeroPremium));
        assert_eq!(
            leverage([0, 0, 2000, 0, 2002, 0], Q72, Q72),
            LeverageLiquidation { net_deposit_l: 1000, net_borrow_l: 1001, premium_l: 1, repay_l: 999, amounts: [0, 0, 2000, 0, 1998, 0], bad_debt: true }
        );
        // Healthy, no debt, nothing at all: refused.
        assert_eq!(leverage_liquidation_amounts([0, 0, 1000 * E, 0, 500 * E, 0], Q72, Q72), Err(MathError::LiquidationZeroPremium));
        assert_eq!(leverage_liquidation_amounts([0, 5, 5, 0, 0, 0], Q72, Q72), Err(MathError::LiquidationZeroPremium));
        assert_eq!(leverage_liquidation_amounts([0; 6], Q72, Q72), Err(MathError::LiquidationZeroPremium));
        // Premium above D: capped at D = 5, nothing left to repay.
        assert_eq!(
            leverage([0, 0, 10, 0, 1_000_000, 0], Q72, Q72),
            LeverageLiquidation { net_deposit_l: 5, net_borrow_l: 500_000, premium_l: 5, repay_l: 0, amounts: [0, 0, 10, 0, 0, 0], bad_debt: true }
        );
        // D = 0: nothing seized, bad debt (the reference would divide by zero).
        assert_eq!(
            leverage([0, 0, 0, 0, 100, 0], Q72, Q72),
            LeverageLiquidation { net_deposit_l: 0, net_borrow_l: 50, premium_l: 0, repay_l: 0, amounts: [0; 6], bad_debt: true }
        );
        // Netting errors propagate.
        assert_eq!(leverage_liquidation_amounts([0, 0, 0, 0, 100, 0], 0, Q72), Err(MathError::DivisionByZero));
        assert_eq!(leverage_liquidation_amounts([0, 0, 0, 0, u128::MAX, 0], 1, 1), Err(MathError::Overflow));
    }

    /// Every combination of boundary values: no panic, and the documented bounds hold.
    #[test]
    fn extremes_never_panic() {
        let values = [0, 1, 1000, Q72, 1 << 112, u128::MAX - 1, u128::MAX];
        for &a in &values {
            for &b in &values {
                let _ = hard_premium_bips(a, b);
                for &c in &values {
                    assert!(saturation_reset_premium_bips(a, b, c) <= MAX_SAT_RESET_FOR_STRADDLE_PREMIUM_BIPS);
                    for &d in &values {
                        let u = [a, b, c, d, a, b];
                        let v = [d, 0, c, a, 0, b];
                        for (lo, hi) in [(0, 0), (1, u128::MAX), (Q72, Q72), (u128::MAX, u128::MAX)] {
                            let _ = hard_max_premium_bips(u, c, lo, hi);
                            let _ = hard_max_premium_bips(v, c, lo, hi);
                            let _ = leverage_liquidation_amounts(u, lo, hi);
                            let _ = leverage_liquidation_amounts(v, lo, hi);
                        }
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(crate::math::proptest_config(256))]

        #[test]
        fn no_panic_on_any_input(u in proptest::prelude::any::<[u128; 6]>(), a in proptest::prelude::any::<u128>(),
                                 b in proptest::prelude::any::<u128>(), c in proptest::prelude::any::<u128>()) {
            let _ = ltv_to_premium_bips(a);
            let _ = hard_premium_bips(a, b);
            let _ = hard_max_premium_bips(u, a, b, c);
            let _ = saturation_reset_premium_bips(a, b, c);
            if let Ok(r) = leverage_liquidation_amounts(u, a, b) {
                for (amount, held) in r.amounts.iter().zip(u) {
                    proptest::prop_assert!(*amount <= held);
                }
                proptest::prop_assert!(r.premium_l <= r.net_deposit_l && r.repay_l <= r.net_borrow_l);
            }
            let _ = liquidation_sqrt_prices_q72(u);
        }

        /// Realistic sizes (uint112 amounts, in-range prices) never fail the leverage
        /// liquidation on arithmetic: only the threshold refuses.
        #[test]
        fn leverage_fails_only_below_threshold(u in proptest::prelude::any::<[u64; 6]>(), t in -5000i32..5000, w in 0i32..200) {
            let u = u.map(|v| v as u128 * 1_000_000);
            let r = leverage_liquidation_amounts(u, sqrt_at(t), sqrt_at(t + w));
            proptest::prop_assert!(r.is_ok() || r == Err(MathError::LiquidationZeroPremium));
        }

        #[test]
        fn premium_curve_non_decreasing(l in 0u128..20_000, d in 0u128..1000) {
            proptest::prop_assert!(ltv_to_premium_bips(l) <= ltv_to_premium_bips(l + d));
        }

        /// More debt never lowers the maximum premium (same collateral, range and liquidity).
        #[test]
        fn hard_max_premium_non_decreasing_in_debt(bx in 0u128..(1u128 << 100), extra in 0u128..(1u128 << 100),
                                                   dy in 1u128..(1u128 << 100), l in 1u128..(1u128 << 110)) {
            let (lo, hi) = (sqrt_at(-10), sqrt_at(10));
            let small = hard_max_premium_bips([0, 0, dy, 0, bx, 0], l, lo, hi);
            let large = hard_max_premium_bips([0, 0, dy, 0, bx + extra, 0], l, lo, hi);
            proptest::prop_assert!(small <= large);
        }

        /// The 256-bit fallback (netting and selection at U256 width) agrees with
        /// `check_ltv_params` + `debt_and_collateral` wherever those succeed.
        #[test]
        fn fallback_netting_matches(u in proptest::prelude::any::<[u64; 6]>(), t in -19855i32..19854, w in 0i32..500) {
            let u = u.map(|v| v as u128 * 1_000_000_000);
            let (lo, hi) = (sqrt_at(t), sqrt_at((t + w).min(19854)));
            if let Ok(params) = check_ltv_params(u, lo, hi) {
                let (debt, collateral, _) = debt_and_collateral(&params);
                let legs = net_legs_u256(u, lo, hi).unwrap();
                let (debt_256, collateral_256, _) = select_debt_and_collateral(legs, U256::ZERO, U256::saturating_add);
                proptest::prop_assert_eq!((debt_256, collateral_256), (u256(debt), u256(collateral)));
            }
        }

        /// The straddle premium is 0 up to BL² = DX·DY, capped at 2000, and grows with BL.
        #[test]
        fn straddle_premium_bounds(bl in 0u128..(1u128 << 112), extra in 0u128..(1u128 << 100),
                                   dx in 0u128..(1u128 << 112), dy in 0u128..(1u128 << 112)) {
            let p = saturation_reset_premium_bips(bl, dx, dy);
            proptest::prop_assert!(p <= MAX_SAT_RESET_FOR_STRADDLE_PREMIUM_BIPS);
            proptest::prop_assert!(p <= saturation_reset_premium_bips(bl + extra, dx, dy));
            if u256(bl) * u256(bl) <= u256(dx) * u256(dy) {
                proptest::prop_assert_eq!(p, 0);
            }
        }
    }
}
