//! THE risk check: the one place that decides whether a state change may be committed.
//!
//! Every handler applies its action to an in-memory copy of the pool (see `actions`), then calls
//! [`check`] with the pool before and after and the position's balances. Nothing is written
//! unless `check` returns `Ok`. Handlers never test solvency or limits themselves.
//!
//! Which rules run depends on the action (design §5):
//! - swap: output strictly below `reserve − missing`, and the depletion-adjusted K check with
//!   the quadratic fee (spec §5.2), recomputed here from the amounts, independent of the quote;
//! - burn (removing liquidity): the L-borrow limit with the post-burn reserves (spec §6);
//! - withdraw: the 90% lending limit for the withdrawn asset (spec §6);
//! - mint and deposit only add to the pool and are never blocked by a position's health
//!   (the first mint's MINIMUM_LIQUIDITY is enforced by the action itself);
//! - every action: each stored amount stays within the reference's uint112 bound.
//!
//! The functions take plain integers and the program's plain [`Pool`] value, never Anchor
//! accounts, so the SDK and the keeper run this exact code off-chain.

use crate::actions::{Asset, SwapDirection, TokenFlows};
use crate::errors::DlexError;
use crate::math;
use crate::state::{Assets, Pool, TokenKind};

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
}

/// Judges `action`, which turned `before` into `after`. `position_balances` are the acting
/// position's share balances after the action (unused until borrowing exists, where solvency
/// is checked on them).
pub fn check(action: &Action, before: &Pool, after: &Pool, _position_balances: &[u128; 6]) -> Result<(), DlexError> {
    after.check_bounds()?;
    match *action {
        Action::Mint | Action::Deposit { .. } => Ok(()),
        Action::Swap { direction, flows } => check_swap(before, direction, flows),
        Action::Burn { deposit_l_after } => check_max_borrow_for_liquidity(after, deposit_l_after.0, 0),
        Action::Withdraw { asset } => {
            let (deposited, borrowed, reserve) = match asset {
                Asset::X => (after.assets[TokenKind::DepositX as usize], after.assets[TokenKind::BorrowX as usize], after.reserve_x.0),
                Asset::Y => (after.assets[TokenKind::DepositY as usize], after.assets[TokenKind::BorrowY as usize], after.reserve_y.0),
            };
            verify_max_borrow(deposited, borrowed, reserve, after.deposit_l_assets()?.0, after.assets[TokenKind::BorrowL as usize])?;
            Ok(())
        }
    }
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
