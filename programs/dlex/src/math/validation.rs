//! Solvency math (spec §6, §9.2–§9.5, §11.1): netting a position into L units at the range
//! prices, debt vs collateral, slippage on the debt, the LTV and leverage checks, the 90%
//! lending limit, and the liquidation premium curve.

use super::full_math::{ceil_div_u256, mul_div_u256, to_u128, u256};
use super::interest::{BORROW_L, BORROW_X, BORROW_Y, DEPOSIT_L, DEPOSIT_X, DEPOSIT_Y};
use super::tick_math::Q72;
use ruint::aliases::U256;
use super::{MathError, BIPS, MINIMUM_LIQUIDITY};

/// Maximum LTV after slippage, in percent.
pub const LTVMAX_IN_MAG2: u128 = 75;
/// Lending limit: 90% of a reserve (plus its share of L borrows).
pub const MAX_BORROW_PERCENTAGE: u128 = 90;
/// At most 100× leverage.
pub const ALLOWED_LIQUIDITY_LEVERAGE: u128 = 100;
/// Premium above which a hard liquidation is bad debt (1/0.9 in bips).
pub const MAX_PREMIUM_IN_BIPS: u128 = 11_111;

/// A position netted into L units (`CheckLtvParams`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetLtvParams {
    /// The user's DEPOSIT_L assets.
    pub deposited_l: u128,
    /// `DL + floor(DX·2^72/sMax)`: X collateral valued at the high price.
    pub net_deposited_x: u128,
    /// `DL + floor(DY·sMin/2^72)`: Y collateral valued at the low price.
    pub net_deposited_y: u128,
    /// `BL + ceil(BX·2^72/sMin)`: X debt valued at the low price.
    pub net_borrowed_x: u128,
    /// `BL + ceil(BY·sMax/2^72)`: Y debt valued at the high price.
    pub net_borrowed_y: u128,
}

/// `getCheckLtvParams(u, sMin, sMax)` (§9.2): debts rounded up and collateral rounded down,
/// each at its less favourable range price, i.e. always against the borrower.
/// `user_assets` is `[DEPOSIT_L, DEPOSIT_X, DEPOSIT_Y, BORROW_L, BORROW_X, BORROW_Y]` (debts
/// already read rounded up). Errors: `DivisionByZero` if a sqrt price is 0, `Overflow` if a
/// netted amount exceeds `u128`.
pub fn check_ltv_params(
    user_assets: [u128; 6],
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> Result<NetLtvParams, MathError> {
    let [net_deposited_x, net_deposited_y, net_borrowed_x, net_borrowed_y] =
        net_legs_u256(user_assets, sqrt_price_min_q72, sqrt_price_max_q72)?;
    Ok(NetLtvParams {
        deposited_l: user_assets[DEPOSIT_L],
        net_deposited_x: to_u128(net_deposited_x)?,
        net_deposited_y: to_u128(net_deposited_y)?,
        net_borrowed_x: to_u128(net_borrowed_x)?,
        net_borrowed_y: to_u128(net_borrowed_y)?,
    })
}

/// The §9.2 netting on 256 bits, as the reference computes it:
/// `[DL + floor(DX·2^72/sMax), DL + floor(DY·sMin/2^72), BL + ceil(BX·2^72/sMin),
/// BL + ceil(BY·sMax/2^72)]`. [`check_ltv_params`] is this stored in u128; the hard
/// liquidation premium also needs the unbounded values. Errors: `DivisionByZero` if a sqrt
/// price is 0.
pub(crate) fn net_legs_u256(
    user_assets: [u128; 6],
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
) -> Result<[U256; 4], MathError> {
    let q72 = u256(Q72);
    let (dl, bl) = (u256(user_assets[DEPOSIT_L]), u256(user_assets[BORROW_L]));
    let leg = |amount: u128, numerator: U256, denominator: U256, round_up: bool| {
        mul_div_u256(u256(amount), numerator, denominator, round_up)
    };
    let (sqrt_min, sqrt_max) = (u256(sqrt_price_min_q72), u256(sqrt_price_max_q72));
    // Each leg is below 2^128·2^72 and each base below 2^128, so no sum overflows 256 bits.
    Ok([
        dl + leg(user_assets[DEPOSIT_X], q72, sqrt_max, false)?,
        dl + leg(user_assets[DEPOSIT_Y], sqrt_min, q72, false)?,
        bl + leg(user_assets[BORROW_X], q72, sqrt_min, true)?,
        bl + leg(user_assets[BORROW_Y], sqrt_max, q72, true)?,
    ])
}

/// `calcDebtAndCollateral` (§9.2): returns `(debt_l, collateral_l, net_debt_x)`.
/// Neither side's deposit strictly bigger: all net debt, no collateral; only Y bigger: debt in
/// X (`net_debt_x = true`); only X bigger: debt in Y; both bigger: `(0, 0, false)`.
/// Exact; the two-sided debt sum saturates at `u128::MAX` (cannot be reached from
/// [`check_ltv_params`] with 112-bit amounts).
pub fn debt_and_collateral(params: &NetLtvParams) -> (u128, u128, bool) {
    select_debt_and_collateral(
        [params.net_deposited_x, params.net_deposited_y, params.net_borrowed_x, params.net_borrowed_y],
        0,
        u128::saturating_add,
    )
}

/// The selection of `calcDebtAndCollateral` on netted `[depX, depY, borX, borY]` of any width
/// (u128 here, U256 for the hard liquidation premium); `add` sums the two-sided debt.
pub(crate) fn select_debt_and_collateral<T: Copy + PartialOrd + core::ops::Sub<Output = T>>(
    [deposited_x, deposited_y, borrowed_x, borrowed_y]: [T; 4],
    zero: T,
    add: impl Fn(T, T) -> T,
) -> (T, T, bool) {
    match (deposited_x > borrowed_x, deposited_y > borrowed_y) {
        (false, false) => (add(borrowed_x - deposited_x, borrowed_y - deposited_y), zero, false),
        (false, true) => (borrowed_x - deposited_x, deposited_y - borrowed_y, true),
        (true, false) => (borrowed_y - deposited_y, deposited_x - borrowed_x, false),
        (true, true) => (zero, zero, false),
    }
}

/// `increaseForSlippage(D, L) = ceil(L·D/(L − D))` (§9.3): the L that must be sold into a
/// constant-product pool of liquidity `L` to buy `D`. Rounds up: against the borrower.
/// Errors: `MaxSlippage` if `D ≥ L`, `Overflow` if the result exceeds `u128`.
pub fn increase_for_slippage(debt: u128, liquidity: u128) -> Result<u128, MathError> {
    if debt >= liquidity {
        return Err(MathError::MaxSlippage);
    }
    to_u128(ceil_div_u256(u256(liquidity) * u256(debt), u256(liquidity - debt))?)
}

/// `checkLtv(params, L)` (§9.4), where `liquidity` is the slippage liquidity (the pool's active
/// L minus the user's own DEPOSIT_L, as §9.5 passes it). Passes when there is no debt;
/// otherwise requires collateral and `collateral·75 ≥ increaseForSlippage(debt, L)·100`.
/// Errors: `DepositNotStrictlyBigger`, `MaxSlippage`, `LtvExceeded`, `Overflow`.
pub fn check_ltv(params: &NetLtvParams, liquidity: u128) -> Result<(), MathError> {
    if params.net_borrowed_x == 0 && params.net_borrowed_y == 0 {
        return Ok(());
    }
    let (debt, collateral, _) = debt_and_collateral(params);
    if collateral == 0 && debt > 0 {
        return Err(MathError::DepositNotStrictlyBigger);
    }
    let debt_with_slippage = increase_for_slippage(debt, liquidity)?;
    if u256(collateral) * u256(LTVMAX_IN_MAG2) < u256(debt_with_slippage) * u256(100) {
        return Err(MathError::LtvExceeded);
    }
    Ok(())
}

/// `checkLeverage(params)` (§9.4): with `dep = depX + depY` and `debt = borX + borY`, fails if
/// `debt > 0` and (`dep < debt` or `(dep − debt)·100 < dep`). Error: `TooMuchLeverage`.
pub fn check_leverage(params: &NetLtvParams) -> Result<(), MathError> {
    let dep = u256(params.net_deposited_x) + u256(params.net_deposited_y);
    let debt = u256(params.net_borrowed_x) + u256(params.net_borrowed_y);
    // `dep < debt` vs `dep <= debt` is equivalent: at dep == debt > 0 the second test,
    // 0·100 < dep, fails the position anyway (a cargo-mutants survivor that cannot be killed).
    if !debt.is_zero()
        && (dep < debt || (dep - debt) * u256(ALLOWED_LIQUIDITY_LEVERAGE) < dep)
    {
        return Err(MathError::TooMuchLeverage);
    }
    Ok(())
}

/// `validateSolvency(u, sMin, sMax, activeL)` (§9.5): enough pool liquidity beyond the user's
/// own (`activeL ≥ DL + 1000`, else `InsufficientLiquidity`), no borrowing against the same
/// asset (`SameAssetCollateral`), then [`check_ltv`] with `activeL − DL` and
/// [`check_leverage`].
pub fn validate_solvency(
    user_assets: [u128; 6],
    sqrt_price_min_q72: u128,
    sqrt_price_max_q72: u128,
    active_liquidity: u128,
) -> Result<(), MathError> {
    let dl = user_assets[DEPOSIT_L];
    if u256(active_liquidity) < u256(dl) + u256(MINIMUM_LIQUIDITY) {
        return Err(MathError::InsufficientLiquidity);
    }
    if (user_assets[BORROW_X] > 0 && user_assets[DEPOSIT_X] > 0)
        || (user_assets[BORROW_Y] > 0 && user_assets[DEPOSIT_Y] > 0)
    {
        return Err(MathError::SameAssetCollateral);
    }
    let params = check_ltv_params(user_assets, sqrt_price_min_q72, sqrt_price_max_q72)?;
    check_ltv(&params, active_liquidity - dl)?;
    check_leverage(&params)
}

/// `verifyMaxBorrow` (§6): with `scaledBL = floor(reserve·BL/(DL − BL))`, fails
/// (`MaxBorrowReached`) if `floor((reserve + scaledBL)·90/100) + deposited < scaledBL +
/// borrowed`. `borrowed` already includes the new debt and its fee. Rounds down: against the
/// borrower. Errors: `DivisionByZero` if `DL ≤ BL` (no active liquidity), `MaxBorrowReached`.
pub fn verify_max_borrow(
    deposited: u128,
    borrowed: u128,
    reserve: u128,
    total_deposited_l: u128,
    total_borrowed_l: u128,
) -> Result<(), MathError> {
    // With no L borrowed the scaled term is 0 whatever DL is. The reference computes
    // mulDiv(reserve, 0, 0) and reverts when the pool has no liquidity yet, which would trap a
    // lender who deposited before the first mint; dlex takes 0 there.
    let scaled_bl = if total_borrowed_l == 0 {
        ruint::aliases::U256::ZERO
    } else {
        let active = total_deposited_l
            .checked_sub(total_borrowed_l)
            .ok_or(MathError::DivisionByZero)?;
        mul_div_u256(u256(reserve), u256(total_borrowed_l), u256(active), false)?
    };
    // ruint operators wrap, so every step that could exceed 256 bits is checked.
    let limit = u256(reserve)
        .checked_add(scaled_bl)
        .and_then(|v| v.checked_mul(u256(MAX_BORROW_PERCENTAGE)))
        .map(|v| v / u256(100) + u256(deposited))
        .ok_or(MathError::Overflow)?;
    let used = scaled_bl
        .checked_add(u256(borrowed))
        .ok_or(MathError::Overflow)?;
    if limit < used {
        return Err(MathError::MaxBorrowReached);
    }
    Ok(())
}

/// `checkMaxBorrowForLiquidity` (§6): for each asset, [`verify_max_borrow`] with
/// `deposited = 0` and `borrowed = missing + ceil(newBorrowL·reserve/(DL − BL))` (a burn passes
/// `new_borrow_l = 0` with the post-burn reserves and DL). Errors as [`verify_max_borrow`].
#[allow(clippy::too_many_arguments)]
pub fn verify_max_borrow_liquidity(
    reserve_x: u128,
    reserve_y: u128,
    missing_x: u128,
    missing_y: u128,
    total_deposited_l: u128,
    total_borrowed_l: u128,
    new_borrow_l: u128,
) -> Result<(), MathError> {
    let active = total_deposited_l
        .checked_sub(total_borrowed_l)
        .ok_or(MathError::DivisionByZero)?;
    for (reserve, missing) in [(reserve_x, missing_x), (reserve_y, missing_y)] {
        let new_in_asset = mul_div_u256(u256(new_borrow_l), u256(reserve), u256(active), true)?;
        let borrowed = to_u128(
            new_in_asset
                .checked_add(u256(missing))
                .ok_or(MathError::Overflow)?,
        )?;
        verify_max_borrow(0, borrowed, reserve, total_deposited_l, total_borrowed_l)?;
    }
    Ok(())
}

/// `convertLtvToPremium(ltvBips)` (§11.1, H1): 0 up to 60%; `floor(66_667·ltv/1e4) − 40_000`
/// below 75%; `floor(7_408·ltv/1e4) + 4_444` from 75% (11_111 at 90%). Rounds down: favors the
/// borrower. Cannot fail; saturates for absurd LTVs.
pub fn ltv_premium_bips(ltv_bips: u128) -> u128 {
    if ltv_bips <= 6000 {
        0
    } else if ltv_bips < 7500 {
        // Both branches give 10_000 at exactly 7500 (continuous), so `<` vs `<=` is equivalent.
        // ltv > 6000 gives 66_667·ltv/1e4 ≥ 40_000.
        66_667 * ltv_bips / BIPS - 40_000
    } else {
        to_u128(u256(7_408) * u256(ltv_bips) / u256(BIPS))
            .unwrap_or(u128::MAX)
            .saturating_add(4_444)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const E: u128 = 1_000_000_000_000_000_000;

    use crate::math::proptest_config as config;

    #[test]
    fn f1_slippage() {
        assert_eq!(increase_for_slippage(100, 1000), Ok(112));
        assert_eq!(increase_for_slippage(60 * E, 1000 * E), Ok(63829787234042553192));
        assert_eq!(increase_for_slippage(0, 5), Ok(0));
        assert_eq!(increase_for_slippage(1000, 1000), Err(MathError::MaxSlippage));
        assert_eq!(increase_for_slippage(1001, 1000), Err(MathError::MaxSlippage));
        assert_eq!(increase_for_slippage(0, 0), Err(MathError::MaxSlippage));
        assert_eq!(increase_for_slippage(u128::MAX - 1, u128::MAX), Err(MathError::Overflow));
        // The flaky-proptest counterexample: D ≈ 3.9e33, L = D + 1 needs ~1.5e67.
        let d = 3_900_000_000_000_000_000_000_000_000_000_000u128;
        assert_eq!(increase_for_slippage(d, d + 1), Err(MathError::Overflow));
    }

    #[test]
    fn h1_premium() {
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
            assert_eq!(ltv_premium_bips(ltv), premium, "ltv {ltv}");
        }
        assert_eq!(ltv_premium_bips(9000), MAX_PREMIUM_IN_BIPS);
        assert_eq!(
            ltv_premium_bips(u128::MAX),
            to_u128(u256(7_408) * u256(u128::MAX) / u256(BIPS)).unwrap() + 4_444
        );
    }

    #[test]
    fn netting_and_debt() {
        let s = Q72; // price 1
        // Borrow 50 X against 100 Y at price 1: net debt X.
        let p = check_ltv_params([0, 0, 100, 0, 50, 0], s, s).unwrap();
        assert_eq!(p, NetLtvParams { deposited_l: 0, net_deposited_x: 0, net_deposited_y: 100, net_borrowed_x: 50, net_borrowed_y: 0 });
        assert_eq!(debt_and_collateral(&p), (50, 100, true));
        // Range prices: X debt at sMin rounds up, Y collateral at sMin rounds down.
        let lo = Q72 / 2;
        let hi = Q72 * 2;
        let p = check_ltv_params([10, 7, 7, 3, 7, 7], lo, hi).unwrap();
        assert_eq!(p.net_borrowed_x, 3 + 14);
        assert_eq!(p.net_borrowed_y, 3 + 14);
        assert_eq!(p.net_deposited_x, 10 + 3);
        assert_eq!(p.net_deposited_y, 10 + 3);
        assert_eq!(debt_and_collateral(&p), (8, 0, false));
        let p = check_ltv_params([0, 3, 0, 0, 0, 1], Q72 - 1, Q72 + 1).unwrap();
        assert_eq!((p.net_deposited_x, p.net_borrowed_y), (2, 2));
        assert_eq!(debt_and_collateral(&p), (2, 2, false));
        let both = NetLtvParams { deposited_l: 0, net_deposited_x: 5, net_deposited_y: 5, net_borrowed_x: 1, net_borrowed_y: 1 };
        assert_eq!(debt_and_collateral(&both), (0, 0, false));
        assert_eq!(check_ltv_params([0; 6], 0, 1), Err(MathError::DivisionByZero));
        assert_eq!(check_ltv_params([0, 0, 0, 0, u128::MAX, 0], 1, 1), Err(MathError::Overflow));
    }

    #[test]
    fn ltv_and_leverage() {
        let s = Q72;
        let p = check_ltv_params([0, 0, 100, 0, 60, 0], s, s).unwrap();
        // increaseForSlippage(60, 1000) = ceil(60000/940) = 64; 100·75 >= 6400.
        assert_eq!(check_ltv(&p, 1000), Ok(()));
        // increaseForSlippage(60, 200) = ceil(12000/140) = 86; 7500 < 8600.
        assert_eq!(check_ltv(&p, 200), Err(MathError::LtvExceeded));
        assert_eq!(check_ltv(&p, 60), Err(MathError::MaxSlippage));
        let p = check_ltv_params([0, 0, 0, 0, 60, 0], s, s).unwrap();
        assert_eq!(check_ltv(&p, 1000), Err(MathError::DepositNotStrictlyBigger));
        assert_eq!(check_ltv(&NetLtvParams::default(), 0), Ok(()));
        // Leverage: dep 100, debt 99 → (1)·100 >= 100 ok; debt 99.5 not representable, use 100/1000.
        let lev = |dep: u128, debt: u128| NetLtvParams { deposited_l: 0, net_deposited_x: dep, net_deposited_y: 0, net_borrowed_x: 0, net_borrowed_y: debt };
        assert_eq!(check_leverage(&lev(100, 99)), Ok(()));
        assert_eq!(check_leverage(&lev(1000, 991)), Err(MathError::TooMuchLeverage));
        assert_eq!(check_leverage(&lev(1000, 990)), Ok(()));
        assert_eq!(check_leverage(&lev(10, 11)), Err(MathError::TooMuchLeverage));
        assert_eq!(check_leverage(&lev(0, 0)), Ok(()));
    }

    #[test]
    fn solvency() {
        let s = Q72;
        assert_eq!(validate_solvency([0, 0, 100, 0, 60, 0], s, s, 1000), Ok(()));
        assert_eq!(validate_solvency([0, 0, 100, 0, 60, 0], s, s, 999), Err(MathError::InsufficientLiquidity));
        assert_eq!(validate_solvency([500, 0, 100, 0, 60, 0], s, s, 1499), Err(MathError::InsufficientLiquidity));
        assert_eq!(validate_solvency([0, 1, 100, 0, 60, 0], s, s, 1000), Err(MathError::SameAssetCollateral));
        assert_eq!(validate_solvency([0, 0, 100, 0, 60, 0], s, s, 1060), Ok(()));
    }

    /// Netting with nonzero subtrahends on both sides (kills `-`→`+` in both one-sided arms
    /// of `debt_and_collateral`: every older case had a zero subtrahend).
    #[test]
    fn netting_with_both_sides_nonzero() {
        // Only Y bigger: debt = 10 − 3 = 7 (in X), collateral = 50 − 20 = 30.
        let only_y = NetLtvParams { deposited_l: 0, net_deposited_x: 3, net_deposited_y: 50, net_borrowed_x: 10, net_borrowed_y: 20 };
        assert_eq!(debt_and_collateral(&only_y), (7, 30, true));
        // Only X bigger: debt = 20 − 9 = 11 (in Y), collateral = 50 − 4 = 46.
        let only_x = NetLtvParams { deposited_l: 0, net_deposited_x: 50, net_deposited_y: 9, net_borrowed_x: 4, net_borrowed_y: 20 };
        assert_eq!(debt_and_collateral(&only_x), (11, 46, false));
        // Neither bigger: (10 − 3) + (20 − 9).
        let neither = NetLtvParams { deposited_l: 0, net_deposited_x: 3, net_deposited_y: 9, net_borrowed_x: 10, net_borrowed_y: 20 };
        assert_eq!(debt_and_collateral(&neither), (18, 0, false));
        // From a real position at price 1 with L on both sides: [DL 10, DY 100, BL 5, BX 60]:
        // netBorrowedX = 5 + 60, netDepositedX = 10, netBorrowedY = 5, netDepositedY = 110.
        let p = check_ltv_params([10, 0, 100, 5, 60, 0], Q72, Q72).unwrap();
        assert_eq!(p, NetLtvParams { deposited_l: 10, net_deposited_x: 10, net_deposited_y: 110, net_borrowed_x: 65, net_borrowed_y: 5 });
        assert_eq!(debt_and_collateral(&p), (55, 105, true));
        // Mirror: [DL 10, DX 100, BL 5, BY 60].
        let p = check_ltv_params([10, 100, 0, 5, 0, 60], Q72, Q72).unwrap();
        assert_eq!(debt_and_collateral(&p), (55, 105, false));
    }

    /// A tie (net deposit == net debt on a side) is not "strictly bigger" (§9.2 `xBig = depX >
    /// borX`): the tied side contributes a zero debt and the other side's surplus stays
    /// collateral (kills `>` → `>=` for `x_big` and `y_big`, which would net the position to
    /// (0, 0) and drop its collateral from the health report).
    #[test]
    fn netting_ties_are_not_strictly_bigger() {
        let x_tie = NetLtvParams { deposited_l: 0, net_deposited_x: 10, net_deposited_y: 50, net_borrowed_x: 10, net_borrowed_y: 20 };
        assert_eq!(debt_and_collateral(&x_tie), (0, 30, true));
        let y_tie = NetLtvParams { deposited_l: 0, net_deposited_x: 50, net_deposited_y: 20, net_borrowed_x: 10, net_borrowed_y: 20 };
        assert_eq!(debt_and_collateral(&y_tie), (0, 40, false));
        let both_tie = NetLtvParams { deposited_l: 0, net_deposited_x: 10, net_deposited_y: 20, net_borrowed_x: 10, net_borrowed_y: 20 };
        assert_eq!(debt_and_collateral(&both_tie), (0, 0, false));
    }

    /// A borrower that also holds L: slippage is taken on `activeL − DL` (kills `−`→`+` in
    /// `validate_solvency`). Position [DL 100, DY 1000, BX 600] at price 1: debt = 600 − 100 =
    /// 500, collateral = 100 + 1000 = 1100, so 1100·75 ≥ ceil(500·L/(L − 500))·100 needs
    /// L ≥ 1270: ceil(500·1270/770) = 825 passes, ceil(500·1269/769) = 826 fails.
    #[test]
    fn solvency_excludes_own_liquidity_from_slippage() {
        let s = Q72;
        let u = [100, 0, 1000, 0, 600, 0];
        assert_eq!(increase_for_slippage(500, 1270), Ok(825));
        assert_eq!(increase_for_slippage(500, 1269), Ok(826));
        assert_eq!(validate_solvency(u, s, s, 1370), Ok(()));
        // activeL 1369 − DL 100 = 1269: LTV fails (with activeL + DL it would pass).
        assert_eq!(validate_solvency(u, s, s, 1369), Err(MathError::LtvExceeded));
    }

    /// A position with debt that is net positive on both sides (its L deposit outweighs the
    /// debt in X and in Y) has debt 0 and collateral 0 and must pass (kills `debt > 0` →
    /// `debt >= 0` in `check_ltv`, which would call it `DepositNotStrictlyBigger`).
    #[test]
    fn net_positive_on_both_sides_passes() {
        let p = check_ltv_params([100, 0, 0, 0, 10, 20], Q72, Q72).unwrap();
        assert_eq!(p, NetLtvParams { deposited_l: 100, net_deposited_x: 100, net_deposited_y: 100, net_borrowed_x: 10, net_borrowed_y: 20 });
        assert_eq!(debt_and_collateral(&p), (0, 0, false));
        assert_eq!(check_ltv(&p, 1000), Ok(()));
        assert_eq!(validate_solvency([100, 0, 0, 0, 10, 20], Q72, Q72, 1100), Ok(()));
    }

    /// The same-asset rule (§9.5.2) in every direction: each of the four comparisons is
    /// needed (kills `BORROW_X > 0`→`>= 0`, `BORROW_Y > 0`→`< 0`, `DEPOSIT_Y > 0`→`== 0`/`< 0`/
    /// `>= 0`, and the like).
    #[test]
    fn same_asset_rule() {
        let s = Q72;
        // Deposit X, borrow Y (with and without L on either side): allowed.
        // [DX 100, BY 60]: debt 60, collateral 100, slippage ceil(1000·60/940) = 64 ≤ 75.
        assert_eq!(validate_solvency([0, 100, 0, 0, 0, 60], s, s, 1000), Ok(()));
        // [DL 50, DX 100, BY 60]: debt 10, collateral 150.
        assert_eq!(validate_solvency([50, 100, 0, 0, 0, 60], s, s, 1050), Ok(()));
        // [DX 200, BL 10, BY 60]: debt 70, collateral 190.
        assert_eq!(validate_solvency([0, 200, 0, 10, 0, 60], s, s, 1000), Ok(()));
        // Deposit Y, borrow X: allowed.
        assert_eq!(validate_solvency([0, 0, 100, 0, 60, 0], s, s, 1000), Ok(()));
        // X on both sides, Y on both sides, each alone and mixed with a legal leg: refused.
        let refused = [
            [0, 100, 0, 0, 60, 0],
            [0, 1, 100, 0, 60, 0],
            [0, 0, 100, 0, 0, 60],
            [0, 100, 1, 0, 0, 60],
            [0, 100, 100, 0, 1, 1],
            [50, 100, 0, 10, 1, 0],
        ];
        for u in refused {
            assert_eq!(validate_solvency(u, s, s, 10_000), Err(MathError::SameAssetCollateral), "{u:?}");
        }
    }

    #[test]
    fn max_borrow() {
        // No L borrowed: limit = floor(reserve·0.9) + deposited.
        assert_eq!(verify_max_borrow(0, 900, 1000, 5000, 0), Ok(()));
        assert_eq!(verify_max_borrow(0, 901, 1000, 5000, 0), Err(MathError::MaxBorrowReached));
        assert_eq!(verify_max_borrow(100, 1000, 1000, 5000, 0), Ok(()));
        // BL = 1000 of DL = 5000: scaled = floor(1000·1000/4000) = 250; limit = 1125 vs 250 + b.
        assert_eq!(verify_max_borrow(0, 875, 1000, 5000, 1000), Ok(()));
        assert_eq!(verify_max_borrow(0, 876, 1000, 5000, 1000), Err(MathError::MaxBorrowReached));
        assert_eq!(verify_max_borrow(0, 0, 1000, 5, 5), Err(MathError::DivisionByZero));
        // L form: newBL 900 of active 1000 → 900 X and 900 Y borrowed of 1000 each: at the limit.
        assert_eq!(verify_max_borrow_liquidity(1000, 1000, 0, 0, 1000, 0, 900), Ok(()));
        assert_eq!(verify_max_borrow_liquidity(1000, 1000, 0, 0, 1000, 0, 901), Err(MathError::MaxBorrowReached));
        assert_eq!(verify_max_borrow_liquidity(1000, 1000, 1, 0, 1000, 0, 900), Err(MathError::MaxBorrowReached));
        // Huge scaled L borrow: reported, not wrapped.
        assert_eq!(verify_max_borrow(0, 0, u128::MAX, u128::MAX, u128::MAX - 1), Err(MathError::Overflow));
        assert_eq!(
            verify_max_borrow_liquidity(u128::MAX, 1, 0, 0, u128::MAX, u128::MAX - 1, u128::MAX),
            Err(MathError::Overflow)
        );
    }

    proptest! {
        #![proptest_config(config(256))]
        #[test]
        fn no_panics(u in any::<[u128; 6]>(), a in any::<u128>(), b in any::<u128>(), c in any::<u128>()) {
            if let Ok(p) = check_ltv_params(u, a, b) {
                let _ = debt_and_collateral(&p);
                let _ = check_ltv(&p, c);
                let _ = check_leverage(&p);
            }
            let _ = validate_solvency(u, a, b, c);
            let _ = increase_for_slippage(a, b);
            let _ = ltv_premium_bips(a);
            let _ = verify_max_borrow(u[0], u[1], u[2], a, b);
            let _ = verify_max_borrow_liquidity(u[0], u[1], u[2], u[3], a, b, c);
        }

        /// `ceil(L·D/(L − D))` with `L = D + extra` is about `D²/extra`: for D near 2^112 and a
        /// tiny `extra` it exceeds u128 (the old `unwrap()` panicked about twice in 500 runs,
        /// e.g. D ≈ 3.9e33, extra = 1). Such a debt is refused anyway (`Overflow` fails the
        /// LTV check like `MaxSlippage` would); the property is that the function reports
        /// `Overflow` exactly when the true value does not fit, and is ≥ D and exact otherwise.
        #[test]
        fn slippage_is_at_least_debt(d in 0u128..(1u128 << 112), extra in 1u128..(1u128 << 112)) {
            let l = d + extra;
            let exact = ceil_div_u256(u256(l) * u256(d), u256(extra)).unwrap();
            match increase_for_slippage(d, l) {
                Ok(v) => {
                    prop_assert_eq!(u256(v), exact);
                    prop_assert!(v >= d);
                }
                Err(e) => {
                    prop_assert_eq!(e, MathError::Overflow);
                    prop_assert!(exact > u256(u128::MAX));
                }
            }
        }

        #[test]
        fn premium_monotonic(l in 0u128..20_000) {
            prop_assert!(ltv_premium_bips(l) <= ltv_premium_bips(l + 1));
        }
    }
}
