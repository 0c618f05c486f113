//! Read-only answers about a position: its health (netted debt and collateral, LTV after the
//! slippage add-on, the price range used, liquidation prices), computed from plain copies of
//! the pair and position with the same accrual and risk code the instructions run, so the
//! `position_health` instruction (run through simulation) and the SDK give the same numbers.
//! The report is closed-form: a fixed amount of work, well inside a simulation's compute
//! limit. How much a position may still borrow or withdraw needs searches over the risk
//! check; those run off-chain in the SDK (`dlex_sdk::health::position_limits`).

use anchor_lang::prelude::*;

use crate::actions;
use crate::math;
use crate::risk::{self, HardLiquidationPlan};
use crate::state::{has_debt, Pair, Pool, TokenKind};

/// What `position_health` returns.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PositionReport {
    /// Assets behind the shares `[deposit L, X, Y, borrow L, X, Y]`; debts rounded up.
    pub assets: [u128; 6],
    /// Whether the pair's mid-term window has filled (borrowing is possible).
    pub price_window_ready: bool,
    /// The price range for new risk, in ticks (0, 0 while the window fills).
    pub min_tick: i32,
    pub max_tick: i32,
    /// Debt and collateral netted in L units at the range's worst prices (spec §9.2).
    pub debt_l: u128,
    pub collateral_l: u128,
    /// True when the net debt is in X (liquidation happens as the price falls).
    pub net_debt_x: bool,
    /// Debt with the slippage add-on (spec §9.3); `u128::MAX` if the pool could not absorb it.
    pub debt_with_slippage_l: u128,
    /// `debt_with_slippage / collateral` in bips: must stay ≤ 7500. 0 without debt,
    /// `u64::MAX` with debt and no collateral.
    pub ltv_bips: u64,
    /// Whether the position passes the solvency check now.
    pub solvent: bool,
    /// Sqrt prices (Q72) at which the netted LTV reaches 85% (spec §10.4); 0 = none.
    pub liquidation_sqrt_price_net_x_q72: u128,
    pub liquidation_sqrt_price_net_y_q72: u128,
    /// The range liquidations are priced on (spec §8.5 without the long-term TWAP), ticks.
    pub liquidation_min_tick: i32,
    pub liquidation_max_tick: i32,
    /// The LTV liquidations read (spec §11.1 step 2c, bips): netted on the liquidation range
    /// with the prices in the borrower's favour, after the slippage add-on. Lower than
    /// `ltv_bips`, which solvency reads on the wider range for new risk; `u128::MAX` when
    /// unbounded.
    pub liquidation_ltv_bips: u128,
    /// A hard liquidation is possible now: the maximum premium is positive (spec §11.1).
    pub hard_liquidatable: bool,
    /// The hard liquidation's maximum premium, bips (`u128::MAX`: no collateral left or debt
    /// beyond the pool's depth).
    pub hard_max_premium_bips: u128,
    /// The whole hard liquidation a keeper would propose (`risk::plan_hard_liquidation`);
    /// zeros when none.
    pub hard_plan: HardLiquidationPlan,
    /// A leverage liquidation is possible now (spec §11.3), with the formula's amounts
    /// (seized DL, DX, DY, repaid BL, BX, BY) and whether it leaves bad debt.
    pub leverage_liquidatable: bool,
    pub leverage_amounts: [u128; 6],
    pub leverage_bad_debt: bool,
    /// The position's tranche allocation per side (0: net X debt, 1: net Y debt); filled by
    /// [`position_report_of`], which has the position's allocation.
    pub tranches: [TrancheReport; 2],
    /// A debt-cap liquidation is possible now (spec §11.2): the position's saturation grew
    /// past what it was allocated with; it would seize this share of each deposit, bips.
    pub debt_cap_liquidatable: bool,
    pub debt_cap_premium_bips: u128,
}

/// One side of a position's tranche allocation (spec §10.5–§10.6).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrancheReport {
    /// The band the walk started from (the liquidation's end) and how many consecutive bands
    /// the allocation occupies (0: none; at most `MAX_POSITION_TRANCHES`).
    pub first_tranche: i32,
    pub tranche_count: u8,
    /// Saturation in L assets (the net debt at the liquidation price) when allocated.
    pub allocated_saturation_l: u128,
    /// The same, today (0 when the side has no liquidation price).
    pub saturation_today_l: u128,
    /// How much today's saturation may still grow (interest, price) before the position
    /// becomes debt-cap liquidatable: allocated less today, 0 once exceeded.
    pub headroom_l: u128,
}

/// [`position_report`] for a stored position, with its tranche allocation, the headroom left
/// in it, and whether a debt-cap liquidation is possible: what `position_health` returns.
pub fn position_report_of(pair: &Pair, position: &crate::state::Position, now: u32) -> Result<PositionReport> {
    let book = actions::PositionBook::of(position);
    let (pair, pool) = accrued(pair, now)?;
    let mut report = report_on_accrued(&pair, &pool, &book.balances, now)?;
    if !has_debt(&book.balances) && book.allocations.iter().all(|a| a.count == 0) {
        return Ok(report);
    }
    let liquidity = pair.depth().floor(&pool).active_liquidity.saturating_sub(pool.fragile_liquidity_assets()?);
    for side in actions::saturation::SIDES {
        let allocation = &book.allocations[side];
        let today = math::position_saturation(report.assets, liquidity.max(1), book.ratio_mag2, side == 0)
            .map_err(crate::errors::DlexError::from)?
            .map_or(0, |sat| sat.sat_in_l_assets);
        report.tranches[side] = TrancheReport {
            first_tranche: allocation.last_tranche,
            tranche_count: allocation.count,
            allocated_saturation_l: allocation.sat_at_allocation,
            saturation_today_l: today,
            headroom_l: allocation.sat_at_allocation.saturating_sub(today),
        };
    }
    if has_debt(&book.balances) {
        report.debt_cap_premium_bips = actions::debt_cap_premium(&pair, &pool, &book)?;
        report.debt_cap_liquidatable = report.debt_cap_premium_bips > 0;
    }
    Ok(report)
}

/// The report for a position with `balances` and `fragile` shares, at unix time `now`
/// (interest and the oracle accrued to `now` on a copy; nothing is written).
pub fn position_report(pair: &Pair, balances: &[u128; 6], now: u32) -> Result<PositionReport> {
    let (pair, pool) = accrued(pair, now)?;
    report_on_accrued(&pair, &pool, balances, now)
}

/// A copy of `pair` and its pool with interest and the oracle accrued to `now` (the pair is
/// boxed: it is too large for an SBF stack frame).
fn accrued(pair: &Pair, now: u32) -> Result<(Box<Pair>, Pool)> {
    let mut pair = Box::new(*pair);
    let mut pool = pair.pool();
    actions::accrue(&mut pair, &mut pool, now)?;
    Ok((pair, pool))
}

/// [`position_report`] on a pair and pool already accrued to `now`.
fn report_on_accrued(pair: &Pair, pool: &Pool, balances: &[u128; 6], now: u32) -> Result<PositionReport> {
    let assets = pool.user_assets(balances)?;
    let (liquidation_x, liquidation_y) = math::liquidation_sqrt_prices_q72(assets);
    let mut report = PositionReport {
        assets,
        liquidation_sqrt_price_net_x_q72: liquidation_x,
        liquidation_sqrt_price_net_y_q72: liquidation_y,
        solvent: true,
        ..PositionReport::default()
    };
    if has_debt(&assets) {
        describe_liquidations(&mut report, pair, pool, now)?;
    }
    let Some(range) = actions::price_range_for_new_risk(pair, pool, now)? else {
        return Ok(report);
    };
    report.price_window_ready = true;
    report.min_tick = range.min_tick;
    report.max_tick = range.max_tick;
    let (sqrt_min, sqrt_max) = range.sqrt_price_bounds().map_err(crate::errors::DlexError::from)?;
    let params = math::check_ltv_params(assets, sqrt_min, sqrt_max).map_err(crate::errors::DlexError::from)?;
    let (debt_l, collateral_l, net_debt_x) = math::debt_and_collateral(&params);
    report.debt_l = debt_l;
    report.collateral_l = collateral_l;
    report.net_debt_x = net_debt_x;
    let own_liquidity = assets[TokenKind::DepositL as usize];
    let slippage_liquidity = pair.depth().floor(pool).active_liquidity.saturating_sub(own_liquidity);
    report.debt_with_slippage_l = math::increase_for_slippage(debt_l, slippage_liquidity).unwrap_or(u128::MAX);
    report.ltv_bips = match (debt_l, collateral_l) {
        (0, _) => 0,
        (_, 0) => u64::MAX,
        (_, collateral) => u64::try_from(report.debt_with_slippage_l.saturating_mul(10_000) / collateral).unwrap_or(u64::MAX),
    };
    report.solvent = !has_debt(&assets) || risk::check_solvency(pool, &pair.depth(), balances, &range).is_ok();
    Ok(report)
}

/// The liquidation part of the report for an indebted position, with the same range, L and
/// functions `liquidate` judges with.
fn describe_liquidations(report: &mut PositionReport, pair: &Pair, pool: &Pool, now: u32) -> Result<()> {
    let range = actions::liquidation_price_range(pair, pool, now)?;
    report.liquidation_min_tick = range.min_tick;
    report.liquidation_max_tick = range.max_tick;
    let (sqrt_min, sqrt_max) = range.sqrt_price_bounds().map_err(crate::errors::DlexError::from)?;
    let liquidity = risk::liquidation_liquidity(pool, &pair.depth(), &report.assets);
    report.liquidation_ltv_bips = math::hard_liquidation_ltv_bips(report.assets, liquidity, sqrt_min, sqrt_max);
    report.hard_max_premium_bips = math::hard_premium_for_liquidation_ltv(report.liquidation_ltv_bips);
    report.hard_liquidatable = report.hard_max_premium_bips > 0;
    report.hard_plan = risk::plan_hard_liquidation(report.assets, report.hard_max_premium_bips, sqrt_min, sqrt_max).unwrap_or_default();
    if let Ok(leverage) = risk::leverage_liquidation(report.assets, sqrt_min, sqrt_max) {
        report.leverage_liquidatable = true;
        report.leverage_amounts = leverage.amounts;
        report.leverage_bad_debt = leverage.bad_debt;
    }
    Ok(())
}
