//! Liquidations for keepers and tests: which liquidation a position allows now, the request
//! to send, and what it will do. Every number comes from the program's own code: the report
//! is `dlex::queries` (the `position_health` query), the plan is `risk::plan_hard_liquidation`,
//! and [`quote`] runs `actions::apply_and_judge_liquidation` (the instruction's legs and
//! `risk::check`) on copies.

use dlex::actions::{self, HardLiquidationProposal, LiquidationOutcome, LiquidationRequest, PositionBook};
use dlex::queries::PositionReport;
use dlex::state::{Pair, Position};

type AnchorResult<T> = Result<T, anchor_lang::error::Error>;

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
    let sqrt = |tick: i32| dlex::math::sqrt_price_q72_at_tick(tick).unwrap_or(0);
    dlex::math::hard_proposal_premium_bips(report.leverage_amounts, sqrt(report.liquidation_min_tick), sqrt(report.liquidation_max_tick))
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

/// What `liquidate(request)` by the owner of `liquidator` would do to `borrower` at unix time
/// `now`, or the error it would fail with (before token transfers: the liquidator's token
/// balances are not checked here).
pub fn quote(pair: &Pair, borrower: &Position, liquidator: &Position, now: i64, request: LiquidationRequest) -> AnchorResult<LiquidationOutcome> {
    let now = now as u32;
    let mut pair = Box::new(*pair);
    let mut pool = pair.pool();
    actions::accrue(&mut pair, &mut pool, now)?;
    // Tranche accounts only receive the borrower's new allocation; they never change what a
    // liquidation repays or seizes, so the quote runs without them.
    Ok(actions::apply_and_judge_liquidation(&pair, &pool, &PositionBook::of(borrower), &PositionBook::of(liquidator), None, now, request)?.outcome)
}
