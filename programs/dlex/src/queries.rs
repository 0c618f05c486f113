//! Read-only answers about a position: its health (netted debt and collateral, LTV after the
//! slippage add-on, the price range used, liquidation prices), computed from plain copies of
//! the pair and position with the same accrual and risk code the instructions run, so the
//! `position_health` instruction (run through simulation) and the SDK give the same numbers.
//! The report is closed-form: a fixed amount of work, well inside a simulation's compute
//! limit. How much a position may still borrow or withdraw needs searches over the risk
//! check; those run off-chain in the SDK (`dlex_sdk::health::position_limits`).

use anchor_lang::prelude::*;

use crate::actions::{self, HardLiquidationProposal, LiquidationRequest};
use crate::errors::DlexError;
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
    PairSnapshot::new(pair, now)?.report(position)
}

/// The report for a position with `balances` and `fragile` shares, at unix time `now`
/// (interest and the oracle accrued to `now` on a copy; nothing is written).
pub fn position_report(pair: &Pair, balances: &[u128; 6], now: u32) -> Result<PositionReport> {
    PairSnapshot::new(pair, now)?.report_balances(balances)
}

/// The request a keeper sends for the position `report` describes, or `None` (healthy):
/// the whole hard liquidation of the report's plan, or the leverage kind when the position
/// qualifies and the hard plan's premium is not higher (the leverage amounts are fixed by
/// formula, so its premium is what the formula gives). Amounts that take a whole debt or
/// deposit are sent as `MAX` so interest accrued before execution does not leave dust behind.
/// When neither kind applies but the position's saturation outgrew its allocation, the
/// debt-cap kind (the report must come from `queries::position_report_of`, which knows the
/// allocation).
pub fn request_for(report: &PositionReport) -> Option<LiquidationRequest> {
    let hard = report.hard_liquidatable.then(|| LiquidationRequest::Hard(hard_proposal(report)));
    if !report.leverage_liquidatable {
        // The debt cap only resets an allocation: sent when nothing repays debt.
        return hard.or_else(|| report.debt_cap_liquidatable.then_some(LiquidationRequest::DebtCap));
    }
    let leverage_premium = leverage_premium_bips(report);
    match hard {
        Some(hard) if report.hard_plan.premium_bips > leverage_premium => Some(hard),
        _ => Some(LiquidationRequest::Leverage),
    }
}

/// The premium of the report's leverage amounts, netted as the hard liquidation nets a
/// proposal (`math::hard_proposal_premium_bips` on the liquidation range).
pub fn leverage_premium_bips(report: &PositionReport) -> u128 {
    let sqrt = |tick: i32| math::sqrt_price_q72_at_tick(tick).unwrap_or(0);
    math::hard_proposal_premium_bips(report.leverage_amounts, sqrt(report.liquidation_min_tick), sqrt(report.liquidation_max_tick))
}

/// The report's hard-liquidation plan as a proposal.
pub fn hard_proposal(report: &PositionReport) -> HardLiquidationProposal {
    let plan = &report.hard_plan;
    let assets = &report.assets;
    // Whole legs become MAX (the program caps them); partial legs are sent as planned.
    let leg = |planned: u128, held: u128, whole: u128| if held > 0 && planned >= held { whole } else { planned };
    let repay_token = |planned: u128, held: u128| u64::try_from(leg(planned, held, u128::from(u64::MAX))).unwrap_or(u64::MAX);
    HardLiquidationProposal {
        repay_l: leg(plan.repaid[0], assets[3], u128::MAX),
        repay_x: repay_token(plan.repaid[1], assets[4]),
        repay_y: repay_token(plan.repaid[2], assets[5]),
        seize_l: leg(plan.seized[0], assets[0], u128::MAX),
        seize_x: leg(plan.seized[1], assets[1], u128::MAX),
        seize_y: leg(plan.seized[2], assets[2], u128::MAX),
    }
}

/// Which liquidations a position allows now ([`PairSnapshot::liquidation_chances`]): the
/// fields of [`PositionReport`] that decide it, without the hard plan and the solvency part.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiquidationChances {
    /// The hard liquidation's maximum premium, bips (0: not hard-liquidatable).
    pub hard_max_premium_bips: u128,
    /// The leverage liquidation's formula applies (spec §11.3).
    pub leverage: bool,
    /// The debt-cap premium, bips (0: saturation within its allocation).
    pub debt_cap_premium_bips: u128,
}

impl LiquidationChances {
    /// Some liquidation kind is possible now.
    pub fn any(&self) -> bool {
        self.hard_max_premium_bips > 0 || self.leverage || self.debt_cap_premium_bips > 0
    }
}

/// The liquidation range (spec §8.5 without the long-term TWAP) and its sqrt-price bounds.
#[derive(Clone, Copy)]
struct LiquidationPrices {
    min_tick: i32,
    max_tick: i32,
    sqrt_min_q72: u128,
    sqrt_max_q72: u128,
}

/// A pair accrued once to `now`, with what every position of it is judged on (the liquidation
/// range and the depth). `position_health` builds one per query; a
/// keeper builds one per pair and round and judges every position of the pair on it, so both
/// run the same code on the same numbers. Nothing is written.
pub struct PairSnapshot {
    /// Boxed: the pair is too large for an SBF stack frame.
    pair: Box<Pair>,
    pool: Pool,
    now: u32,
    /// Kept as the error it may be: only indebted positions need it (as in `liquidate`).
    liquidation: core::result::Result<LiquidationPrices, DlexError>,
}

impl PairSnapshot {
    /// `pair` with interest and the oracle accrued to `now` on a copy.
    pub fn new(pair: &Pair, now: u32) -> Result<Self> {
        let mut pair = Box::new(*pair);
        let mut pool = pair.pool();
        actions::accrue(&mut pair, &mut pool, now)?;
        let liquidation = actions::liquidation_price_range(&pair, &pool, now).and_then(|range| {
            let (sqrt_min_q72, sqrt_max_q72) = range.sqrt_price_bounds()?;
            Ok(LiquidationPrices { min_tick: range.min_tick, max_tick: range.max_tick, sqrt_min_q72, sqrt_max_q72 })
        });
        Ok(Self { pair, pool, now, liquidation })
    }

    /// The accrued pair and pool.
    pub fn pair(&self) -> &Pair {
        &self.pair
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The utilizations the pair's next accrual would charge at (`math::utilizations`), with
    /// the last observed tick standing in for the coming period's lending TWAP: what the
    /// payout model's constant rates start from.
    pub fn utilizations(&self) -> Result<math::Utilizations> {
        let input = actions::interest_accrual_input(&self.pair, &self.pool, 0, self.pair.observations.lending_state_tick(0));
        Ok(math::utilizations(&input).map_err(DlexError::from)?)
    }

    /// Which liquidations `position` allows now: the same verdict [`PairSnapshot::report`]
    /// gives (`hard_liquidatable`, `leverage_liquidatable`, `debt_cap_liquidatable` and their
    /// premiums), without the rest of the report. Positions without debt allow none.
    pub fn liquidation_chances(&self, position: &crate::state::Position) -> Result<LiquidationChances> {
        let book = actions::PositionBook::of(position);
        let assets = self.pool.user_assets(&book.balances)?;
        if !has_debt(&assets) {
            return Ok(LiquidationChances::default());
        }
        let prices = self.liquidation?;
        let (_, hard_max_premium_bips, leverage) = self.hard_and_leverage(&assets, &prices);
        let debt_cap_premium_bips = if has_debt(&book.balances) { actions::saturation::debt_cap_premium_bips(&book.allocations, assets)? } else { 0 };
        Ok(LiquidationChances { hard_max_premium_bips, leverage: leverage.is_some(), debt_cap_premium_bips })
    }

    /// What `position_health` returns for `position` (see [`position_report_of`]).
    pub fn report(&self, position: &crate::state::Position) -> Result<PositionReport> {
        let book = actions::PositionBook::of(position);
        let mut report = self.report_balances(&book.balances)?;
        if !has_debt(&book.balances) && book.allocations.iter().all(|a| a.count == 0) {
            return Ok(report);
        }
        for side in actions::saturation::SIDES {
            let allocation = &book.allocations[side];
            let today = math::saturation_in_l_assets(report.assets, side == 0).map_err(DlexError::from)?.unwrap_or(0);
            report.tranches[side] = TrancheReport {
                first_tranche: allocation.last_tranche,
                tranche_count: allocation.count,
                allocated_saturation_l: allocation.sat_at_allocation,
                saturation_today_l: today,
                headroom_l: allocation.sat_at_allocation.saturating_sub(today),
            };
        }
        if has_debt(&book.balances) {
            report.debt_cap_premium_bips = actions::saturation::debt_cap_premium_bips(&book.allocations, report.assets)?;
            report.debt_cap_liquidatable = report.debt_cap_premium_bips > 0;
        }
        Ok(report)
    }

    /// The report of a position with `balances` and no tranche allocation
    /// ([`position_report`]).
    pub fn report_balances(&self, balances: &[u128; 6]) -> Result<PositionReport> {
        let (pair, pool) = (&*self.pair, &self.pool);
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
            self.describe_liquidations(&mut report)?;
        }
        let Some(range) = actions::price_range_for_new_risk(pair, pool, self.now)? else {
            return Ok(report);
        };
        report.price_window_ready = true;
        report.min_tick = range.min_tick;
        report.max_tick = range.max_tick;
        let (sqrt_min, sqrt_max) = range.sqrt_price_bounds().map_err(DlexError::from)?;
        let params = math::check_ltv_params(assets, sqrt_min, sqrt_max).map_err(DlexError::from)?;
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

    /// The liquidation LTV, the hard maximum premium and the leverage formula's outcome, with
    /// the same range, L and functions `liquidate` judges with.
    fn hard_and_leverage(&self, assets: &[u128; 6], prices: &LiquidationPrices) -> (u128, u128, Option<math::LeverageLiquidation>) {
        let liquidity = risk::liquidation_liquidity(&self.pool, &self.pair.depth(), assets);
        let ltv = math::hard_liquidation_ltv_bips(*assets, liquidity, prices.sqrt_min_q72, prices.sqrt_max_q72);
        let leverage = risk::leverage_liquidation(*assets, prices.sqrt_min_q72, prices.sqrt_max_q72).ok();
        (ltv, math::hard_premium_for_liquidation_ltv(ltv), leverage)
    }

    /// The liquidation part of the report for an indebted position.
    fn describe_liquidations(&self, report: &mut PositionReport) -> Result<()> {
        let prices = self.liquidation?;
        report.liquidation_min_tick = prices.min_tick;
        report.liquidation_max_tick = prices.max_tick;
        let (ltv, max_premium, leverage) = self.hard_and_leverage(&report.assets, &prices);
        report.liquidation_ltv_bips = ltv;
        report.hard_max_premium_bips = max_premium;
        report.hard_liquidatable = max_premium > 0;
        report.hard_plan = risk::plan_hard_liquidation(report.assets, max_premium, prices.sqrt_min_q72, prices.sqrt_max_q72).unwrap_or_default();
        if let Some(leverage) = leverage {
            report.leverage_liquidatable = true;
            report.leverage_amounts = leverage.amounts;
            report.leverage_bad_debt = leverage.bad_debt;
        }
        Ok(())
    }
}
