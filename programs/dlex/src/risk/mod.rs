//! THE risk check: the one place that decides whether a state change may be committed.
//!
//! Every handler applies its action to an in-memory copy of the pool (see `actions`), then calls
//! [`check`] with the pool before and after and the position's balances. Nothing is written
//! unless `check` returns `Ok`. Handlers never test solvency or limits themselves.
//!
//! Which rules run depends on the action (design §5):
//! - swap: output strictly below `reserve − missing`, and the depletion-adjusted K check with
//!   the quadratic fee (spec §5.2), recomputed here from the amounts, independent of the quote;
//! - borrow: the price window must be ready (a new pair is swap-only until its mid-term TWAP
//!   buffer has filled), the 90% lending limit including the fee (spec §6), solvency, and the
//!   fragile-liquidity bound (spec §4.12);
//! - borrow_liquidity: the same, with the L-borrow limit of each asset (spec §6) instead of
//!   the single-asset limit;
//! - burn (removing liquidity): the L-borrow limit with the post-burn reserves (spec §6), and
//!   solvency if the position has debt;
//! - withdraw: the 90% lending limit for the withdrawn asset (spec §6), and solvency if the
//!   position has debt;
//! - mint, deposit and repay only reduce risk and are never blocked by a position's health
//!   (the first mint's MINIMUM_LIQUIDITY is enforced by the action itself);
//! - every action: each stored amount stays within the reference's uint112 bound.
//!
//! Solvency (spec §9.5) nets the position's X, Y and L at the worst prices of the range that
//! includes the long-term TWAP, the current tick and the recent extremes (spec §8.5): debts
//! are valued at the end of the range that makes them largest, collateral at the end that
//! makes it smallest. LTV must stay ≤ 75% after the slippage add-on, leverage ≤ 100×, no asset
//! may be both deposited and borrowed, and the pool must keep 1000 L beyond the position's own.
//!
//! The functions take plain integers and the program's plain [`Pool`] value, never Anchor
//! accounts, so the SDK and the keeper run this exact code off-chain.

use crate::actions::{Asset, SwapDirection, TokenFlows};
use crate::errors::DlexError;
use crate::math;
use crate::oracle::PriceRange;
use crate::state::{has_debt, Assets, Pool, TokenKind};

/// The action being judged, with what the rules need to know about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Liquidity added (never blocked).
    Mint,
    /// Liquidity removed: `deposit_l_after` is DEPOSIT_L assets minus the burned L (spec §4.2.4).
    Burn { deposit_l_after: Assets },
    /// A swap with its token flows.
    Swap { direction: SwapDirection, flows: TokenFlows },
    /// Single-asset deposit (never blocked).
    Deposit { asset: Asset },
    /// Single-asset withdrawal.
    Withdraw { asset: Asset },
    /// Borrow of one asset (the debt recorded includes the lending fee).
    Borrow { asset: Asset },
    /// Repayment of one asset (never blocked).
    Repay { asset: Asset },
    /// Borrow of `debt` L (the L taken plus the lending fee).
    BorrowLiquidity { debt: Assets },
    /// Repayment of L debt (never blocked).
    RepayLiquidity,
}

/// Whether [`check`] needs the price range for `action`: anything that adds risk to a
/// position that has (or, for a borrow, takes on) debt.
pub fn needs_price_range(action: &Action, position_balances: &[u128; 6]) -> bool {
    match action {
        Action::Borrow { .. } | Action::BorrowLiquidity { .. } => true,
        Action::Withdraw { .. } | Action::Burn { .. } => has_debt(position_balances),
        _ => false,
    }
}


/// Judges `action`, which turned `before` into `after`. `position_balances` are the acting
/// position's share balances after the action. `price_range` is the range for new risk
/// (with long-term TWAP, spec §8.5), present when [`needs_price_range`] asked for it and the
/// pair's mid-term window has filled; `None` there means the window is not ready.
pub fn check(
    action: &Action,
    before: &Pool,
    after: &Pool,
    position_balances: &[u128; 6],
    price_range: Option<&PriceRange>,
) -> Result<(), DlexError> {
    after.check_bounds()?;
    match *action {
        Action::Mint | Action::Deposit { .. } | Action::Repay { .. } | Action::RepayLiquidity => Ok(()),
        Action::Swap { direction, flows } => check_swap(before, direction, flows),
        Action::Burn { deposit_l_after } => {
            check_max_borrow_for_liquidity(after, deposit_l_after.0, 0)?;
            check_solvency_if_indebted(after, position_balances, price_range)
        }
        Action::Withdraw { asset } => {
            let (deposited, borrowed, reserve) = asset_totals(after, asset);
            verify_max_borrow(deposited, borrowed, reserve, after.deposit_l_assets()?.0, after.assets[TokenKind::BorrowL as usize])?;
            check_solvency_if_indebted(after, position_balances, price_range)
        }
        Action::Borrow { asset } => {
            let range = price_range.ok_or(DlexError::PriceWindowNotReady)?;
            // Spec §4.6: deposits and reserve as they were, borrows including the new debt.
            let (deposited, _, reserve) = asset_totals(before, asset);
            let (_, borrowed, _) = asset_totals(after, asset);
            verify_max_borrow(deposited, borrowed, reserve, before.deposit_l_assets()?.0, before.assets[TokenKind::BorrowL as usize])?;
            check_fragile_liquidity(after)?;
            check_solvency(after, position_balances, range)
        }
        Action::BorrowLiquidity { debt } => {
            let range = price_range.ok_or(DlexError::PriceWindowNotReady)?;
            // Spec §4.7: the L-borrow limit on the reserves and totals before the borrow.
            check_max_borrow_for_liquidity(before, before.deposit_l_assets()?.0, debt.0)?;
            check_fragile_liquidity(after)?;
            check_solvency(after, position_balances, range)
        }
    }
}

/// (deposits, borrows, reserve) of one asset.
fn asset_totals(pool: &Pool, asset: Asset) -> (u128, u128, u128) {
    match asset {
        Asset::X => (pool.assets[TokenKind::DepositX as usize], pool.assets[TokenKind::BorrowX as usize], pool.reserve_x.0),
        Asset::Y => (pool.assets[TokenKind::DepositY as usize], pool.assets[TokenKind::BorrowY as usize], pool.reserve_y.0),
    }
}

fn check_solvency_if_indebted(after: &Pool, balances: &[u128; 6], price_range: Option<&PriceRange>) -> Result<(), DlexError> {
    if !has_debt(balances) {
        return Ok(());
    }
    check_solvency(after, balances, price_range.ok_or(DlexError::PriceWindowNotReady)?)
}

/// Spec §9.5 on the position's assets (deposits rounded down, debts up) at the range's sqrt
/// price bounds, with the pool's depletion-adjusted active liquidity.
pub fn check_solvency(pool: &Pool, balances: &[u128; 6], range: &PriceRange) -> Result<(), DlexError> {
    let user_assets = pool.user_assets(balances)?;
    let (sqrt_price_min_q72, sqrt_price_max_q72) = range.sqrt_price_bounds()?;
    validate_solvency(user_assets, sqrt_price_min_q72, sqrt_price_max_q72, pool.active_liquidity())?;
    Ok(())
}

/// Spec §4.12: fragile liquidity (L of positions that also borrow X or Y, at 95%) may not
/// exceed the pool's active liquidity.
fn check_fragile_liquidity(pool: &Pool) -> Result<(), DlexError> {
    if pool.fragile_liquidity_assets()? > pool.active_liquidity() {
        return Err(DlexError::FragileLiquidityExceeded);
    }
    Ok(())
}

/// Spec §4.3 steps 3-6 on the pre-swap pool: output bounds, input present, adjusted K.
fn check_swap(before: &Pool, direction: SwapDirection, flows: TokenFlows) -> Result<(), DlexError> {
    let (in_x, in_y, out_x, out_y) =
        (u128::from(flows.x_in), u128::from(flows.y_in), u128::from(flows.x_out), u128::from(flows.y_out));
    let consistent = match direction {
        SwapDirection::XToY => in_y == 0 && out_x == 0,
        SwapDirection::YToX => in_x == 0 && out_y == 0,
    };
    if !consistent {
        return Err(DlexError::KInvariant);
    }
    math::check_k(
        before.reserve_x.0,
        before.reserve_y.0,
        before.reference_x.0,
        before.reference_y.0,
        before.missing_x(),
        before.missing_y(),
        in_x,
        in_y,
        out_x,
        out_y,
    )?;
    Ok(())
}

pub use crate::math::{validate_solvency, verify_max_borrow, verify_max_borrow_liquidity};

/// The L-borrow limit for both assets (spec §6, `checkMaxBorrowForLiquidity`) on `pool`, with
/// `total_deposit_l` given explicitly (a burn passes DEPOSIT_L minus the burned L).
pub fn check_max_borrow_for_liquidity(pool: &Pool, total_deposit_l: u128, new_borrow_l: u128) -> Result<(), DlexError> {
    verify_max_borrow_liquidity(
        pool.reserve_x.0,
        pool.reserve_y.0,
        pool.missing_x(),
        pool.missing_y(),
        total_deposit_l,
        pool.assets[TokenKind::BorrowL as usize],
        new_borrow_l,
    )?;
    Ok(())
}
