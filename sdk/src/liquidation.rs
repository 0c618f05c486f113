//! Liquidations for keepers and tests: which liquidation a position allows now, the request
//! to send, and what it will do. Every number comes from the program's own code: the report
//! is `dlex::queries` (the `position_health` query), the plan is `risk::plan_hard_liquidation`,
//! the request is `dlex::queries::request_for`,
//! and [`quote`] runs `actions::apply_and_judge_liquidation` (the instruction's legs and
//! `risk::check`) on copies.

use dlex::actions::{self, LiquidationOutcome, LiquidationRequest, PositionBook};
// The request a keeper sends is decided in the program crate, so the simulator (which does
// not link this crate) and the keeper choose alike.
pub use dlex::queries::{hard_proposal, leverage_premium_bips, request_for};
use dlex::state::{Pair, Position};

type AnchorResult<T> = Result<T, anchor_lang::error::Error>;

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
