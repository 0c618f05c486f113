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
//! - liquidate: the rules of its kind ([`judge_liquidation`]: premium, no-worse LTV, the
//!   leverage formula, bad debt) on the range without the long-term TWAP; never blocked by
//!   a pause, tranche capacity, range edges or the price-window warm-up;
//! - every action that adds risk and re-walked the position's saturation: no tranche past
//!   capacity or more tranches than a position may hold, nothing on the wrong side of the
//!   price range, and the pair's most saturated leaf 3 below `maxLeaf` (spec §10.5-§10.6);
//! - every action: each stored amount stays within the reference's uint112 bound;
//! - while the admin pauses new risk, every action that adds risk ([`adds_risk`]) is refused.
//!
//! Depth (security review H-1): the slippage add-on, the minimum-liquidity rule, the fragile
//! bound and the lending limits count the smaller of the pool's depth now and its depth at
//! the start of the observation interval ([`RiskContext::depth_snapshot`]). For the acting
//! position's own solvency and the fragile bound, the snapshot is first lowered by the depth
//! the action itself removes ([`Depth::less_taken`]). Liquidity minted and burned around a
//! borrow in one transaction therefore never raises a limit.
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
use crate::state::{has_debt, Assets, Depth, Pool, TokenKind};

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
    /// Closing a position that holds only dust: its deposit shares are forfeited (never
    /// blocked; it only gives value to the pool).
    ForfeitDust,
    /// A liquidation of the acting (borrower's) position, described by
    /// [`RiskContext::liquidation`]; judged by [`judge_liquidation`] on the range without the
    /// long-term TWAP. Never blocked by a pause, capacity or range edges (design §8).
    Liquidate,
    /// The composite `execute` (design §4): each leg's pool rules were judged as it ran
    /// ([`check_leg`]); the position is judged once, on the final state, as the riskiest of
    /// its legs would be: solvency (with the fragile-liquidity bound) when it borrowed,
    /// solvency when it withdrew or burned while indebted, nothing otherwise (a list of only
    /// deposits, repayments, mints and swaps is never blocked).
    Execute { borrows: bool, lowers_collateral: bool },
}

/// Whether [`check`] needs the price range for `action`: anything that adds risk to a
/// position that has (or, for a borrow, takes on) debt.
pub fn needs_price_range(action: &Action, position_balances: &[u128; 6]) -> bool {
    adds_risk(action, position_balances)
}

/// Whether `action` adds risk: borrows always; withdrawals and burns when the position is
/// indebted after them. Exactly these are refused while new risk is paused.
pub fn adds_risk(action: &Action, position_balances: &[u128; 6]) -> bool {
    match action {
        Action::Borrow { .. } | Action::BorrowLiquidity { .. } | Action::Execute { borrows: true, .. } => true,
        Action::Withdraw { .. } | Action::Burn { .. } | Action::Execute { lowers_collateral: true, .. } => has_debt(position_balances),
        _ => false,
    }
}

/// What [`check`] reads besides the two pools and the balances: the pair-level state that
/// holds for the whole instruction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RiskContext<'a> {
    /// The range for new risk (with long-term TWAP, spec §8.5), present when
    /// [`needs_price_range`] asked for it and the pair's mid-term window has filled; `None`
    /// there means the window is not ready.
    pub price_range: Option<&'a PriceRange>,
    /// Depth at the start of the observation interval. Depth-based limits count the smaller
    /// of this and the pool now (security review H-1), see [`Depth::floor`].
    pub depth_snapshot: Depth,
    /// The admin paused new risk on this pair or globally.
    pub new_risk_paused: bool,
    /// For [`Action::Liquidate`]: what the liquidation did; `price_range` is then the range
    /// without the long-term TWAP (spec §11 step 3).
    pub liquidation: Option<&'a LiquidationFacts>,
    /// The saturation rules the acting position's new tranche allocation broke (spec §10.5
    /// step 8, §10.6), when the action re-walked it. Refused only for actions that add risk.
    pub saturation: Option<crate::actions::saturation::SaturationVerdict>,
}

/// Judges `action`, which turned `before` into `after`. `position_balances` are the acting
/// position's share balances after the action.
pub fn check(
    action: &Action,
    before: &Pool,
    after: &Pool,
    position_balances: &[u128; 6],
    context: &RiskContext,
) -> Result<(), DlexError> {
    after.check_bounds()?;
    if context.new_risk_paused && adds_risk(action, position_balances) {
        return Err(DlexError::NewRiskPaused);
    }
    let snapshot = &context.depth_snapshot;
    // The acting position is judged once, now, so the depth its own action removes comes out
    // of the snapshot too (JIT liquidity cannot absorb it). The pool-wide limits are checked
    // on every action that lowers depth, so the plain snapshot suffices for them.
    let position_snapshot = &snapshot.less_taken(before, after);
    check_action(action, before, after, position_balances, context, snapshot, position_snapshot)?;
    // Tranche capacity, the tranche bound and the range edges (spec §10.5-§10.6) refuse only
    // new risk: repay, deposit, mint and liquidations never fail on them (design §8).
    if adds_risk(action, position_balances) {
        if let Some(refusal) = context.saturation.and_then(|verdict| verdict.refusal()) {
            return Err(refusal);
        }
    }
    Ok(())
}

fn check_action(
    action: &Action,
    before: &Pool,
    after: &Pool,
    position_balances: &[u128; 6],
    context: &RiskContext,
    snapshot: &Depth,
    position_snapshot: &Depth,
) -> Result<(), DlexError> {
    match *action {
        Action::Mint | Action::Deposit { .. } | Action::Repay { .. } | Action::RepayLiquidity | Action::ForfeitDust => Ok(()),
        Action::Liquidate => check_liquidation(before, snapshot, position_balances, context),
        Action::Swap { .. } => check_leg(action, before, after, snapshot),
        Action::Burn { .. } | Action::Withdraw { .. } => {
            check_leg(action, before, after, snapshot)?;
            check_solvency_if_indebted(after, position_snapshot, position_balances, context.price_range)
        }
        Action::Borrow { .. } | Action::BorrowLiquidity { .. } | Action::Execute { borrows: true, .. } => {
            let range = context.price_range.ok_or(DlexError::PriceWindowNotReady)?;
            check_leg(action, before, after, snapshot)?;
            check_fragile_liquidity(after, position_snapshot)?;
            check_solvency(after, position_snapshot, position_balances, range)
        }
        Action::Execute { lowers_collateral: true, .. } => check_solvency_if_indebted(after, position_snapshot, position_balances, context.price_range),
        Action::Execute { .. } => Ok(()),
    }
}

/// The pool-level rules of one leg that turned `before` into `after`, judged as the leg runs
/// (plain instructions, and each leg of `execute` in turn): the adjusted-K check of a swap,
/// the 90% lending limit of a borrow (spec §4.6: deposits and reserve as they were, borrows
/// including the new debt) or a withdrawal, and the L-borrow limit of an L borrow (spec §4.7:
/// on the reserves and totals before it) or a burn. Position rules (solvency, fragile
/// liquidity, tranches) are [`check`]'s, once per instruction.
pub fn check_leg(action: &Action, before: &Pool, after: &Pool, snapshot: &Depth) -> Result<(), DlexError> {
    after.check_bounds()?;
    match *action {
        Action::Swap { direction, flows } => check_swap(before, direction, flows),
        Action::Burn { deposit_l_after } => check_max_borrow_for_liquidity(after, snapshot, deposit_l_after.0, 0),
        Action::Withdraw { asset } => check_lending_limit(after, after, snapshot, asset),
        Action::Borrow { asset } => check_lending_limit(before, after, snapshot, asset),
        Action::BorrowLiquidity { debt } => check_max_borrow_for_liquidity(before, snapshot, before.deposit_l_assets()?.0, debt.0),
        _ => Ok(()),
    }
}

/// A liquidation must be the one [`judge_liquidation`] allows on the pool before it, and a
/// bad-debt verdict must have cleared the borrower's debt (spec §11.4).
fn check_liquidation(before: &Pool, snapshot: &Depth, borrower_balances: &[u128; 6], context: &RiskContext) -> Result<(), DlexError> {
    let (Some(facts), Some(range)) = (context.liquidation, context.price_range) else {
        return Err(DlexError::LiquidationMutation);
    };
    let (sqrt_price_min_q72, sqrt_price_max_q72) = range.sqrt_price_bounds()?;
    let verdict = judge_liquidation(facts, liquidation_liquidity(before, snapshot, &facts.borrower_before), sqrt_price_min_q72, sqrt_price_max_q72)?;
    if verdict.bad_debt != facts.bad_debt || (facts.bad_debt && has_debt(borrower_balances)) {
        return Err(DlexError::LiquidationMutation);
    }
    Ok(())
}

/// The 90% lending limit of spec §6 for `asset`: deposits and reserve from `base`, borrows
/// from `with_debt`, reserve and active liquidity floored by the depth snapshot.
fn check_lending_limit(base: &Pool, with_debt: &Pool, snapshot: &Depth, asset: Asset) -> Result<(), DlexError> {
    let depth = snapshot.floor(base);
    let borrowed_l = base.assets[TokenKind::BorrowL as usize];
    let deposit_l = depth.active_liquidity.checked_add(borrowed_l).ok_or(DlexError::MathOverflow)?;
    let (deposited, reserve) = match asset {
        Asset::X => (base.assets[TokenKind::DepositX as usize], depth.reserve_x),
        Asset::Y => (base.assets[TokenKind::DepositY as usize], depth.reserve_y),
    };
    let borrowed = with_debt.assets[asset.borrow_kind() as usize];
    verify_max_borrow(deposited, borrowed, reserve, deposit_l, borrowed_l)?;
    Ok(())
}

fn check_solvency_if_indebted(after: &Pool, snapshot: &Depth, balances: &[u128; 6], price_range: Option<&PriceRange>) -> Result<(), DlexError> {
    if !has_debt(balances) {
        return Ok(());
    }
    check_solvency(after, snapshot, balances, price_range.ok_or(DlexError::PriceWindowNotReady)?)
}

/// Spec §9.5 on the position's assets (deposits rounded down, debts up) at the range's sqrt
/// price bounds. The slippage add-on and the minimum-liquidity rule see the pool's
/// depletion-adjusted active liquidity floored by the depth snapshot.
pub fn check_solvency(pool: &Pool, snapshot: &Depth, balances: &[u128; 6], range: &PriceRange) -> Result<(), DlexError> {
    let user_assets = pool.user_assets(balances)?;
    let (sqrt_price_min_q72, sqrt_price_max_q72) = range.sqrt_price_bounds()?;
    validate_solvency(user_assets, sqrt_price_min_q72, sqrt_price_max_q72, snapshot.floor(pool).active_liquidity)?;
    Ok(())
}

/// Spec §4.12: fragile liquidity (L of positions that also borrow X or Y, at 95%) may not
/// exceed the pool's active liquidity (floored by the depth snapshot).
fn check_fragile_liquidity(pool: &Pool, snapshot: &Depth) -> Result<(), DlexError> {
    if pool.fragile_liquidity_assets()? > snapshot.floor(pool).active_liquidity {
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

mod liquidation;
pub use liquidation::{
    judge_liquidation, leverage_liquidation, liquidation_liquidity, plan_hard_liquidation, HardLiquidationPlan, LeverageLiquidation, LiquidationFacts, LiquidationKind,
    LiquidationVerdict,
};

/// The L-borrow limit for both assets (spec §6, `checkMaxBorrowForLiquidity`) on `pool`, with
/// `total_deposit_l` given explicitly (a burn passes DEPOSIT_L minus the burned L). Reserves
/// and active liquidity are floored by the depth snapshot.
pub fn check_max_borrow_for_liquidity(pool: &Pool, snapshot: &Depth, total_deposit_l: u128, new_borrow_l: u128) -> Result<(), DlexError> {
    let depth = snapshot.floor(pool);
    let borrowed_l = pool.assets[TokenKind::BorrowL as usize];
    let floored_deposit_l = depth.active_liquidity.checked_add(borrowed_l).ok_or(DlexError::MathOverflow)?;
    verify_max_borrow_liquidity(
        depth.reserve_x,
        depth.reserve_y,
        pool.missing_x(),
        pool.missing_y(),
        total_deposit_l.min(floored_deposit_l),
        borrowed_l,
        new_borrow_l,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
