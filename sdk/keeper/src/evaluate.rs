//! Evaluation: which positions can be liquidated now, and what each liquidation would earn.
//!
//! Every pair is accrued once per round into a `dlex::queries::PairSnapshot`, the same object
//! the `position_health` query builds, and each of its positions is judged with
//! `PairSnapshot::liquidation_chances`: the program's own accrual, liquidation range and risk
//! functions, so the keeper and the program cannot disagree. No formula is written again here.
//! Positions without debt are passed over after reading their share balances.
//!
//! Only the liquidatable positions are then planned ([`plan`]): the health report, a request
//! for every kind it allows (the hard one is the SDK's whole plan) and each one's exact
//! outcome (`dlex_sdk::liquidation::quote`, i.e. `actions::apply_and_judge_liquidation` and
//! `risk::check` on copies). The expected profit is what the liquidator receives less what it
//! pays, both valued in X at the pool's own price; the most profitable kind is sent.

use anchor_lang::prelude::Pubkey;
use dlex::actions::{LiquidationOutcome, LiquidationRequest};
use dlex::queries::{LiquidationChances, PairSnapshot};
use dlex::state::{Pair, Position};
use dlex_sdk::liquidation;
use dlex_sdk::quote::value_in_x;

use crate::book::Book;

/// A position some liquidation kind applies to now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub pair: Pubkey,
    pub position: Pubkey,
    pub owner: Pubkey,
    pub chances: LiquidationChances,
}

/// One evaluation pass over the book.
#[derive(Debug, Default)]
pub struct Evaluation {
    /// Positions judged.
    pub scanned: usize,
    pub candidates: Vec<Candidate>,
    /// Pairs whose snapshot could not be built, and positions the risk code could not judge
    /// (the health query fails on them too), with why.
    pub errors: Vec<(Pubkey, String)>,
}

/// Judges every position of every pair in `book` at unix time `now`, skipping those owned by
/// `skip_owner` (a keeper cannot liquidate itself). `progress` is told how many positions
/// were judged, after each pair.
pub fn evaluate(book: &Book, now: i64, skip_owner: Option<Pubkey>, mut progress: impl FnMut(usize)) -> Evaluation {
    let mut evaluation = Evaluation::default();
    for (&pair_address, pair_book) in &book.pairs {
        let snapshot = match PairSnapshot::new(&pair_book.pair, now as u32) {
            Ok(snapshot) => snapshot,
            Err(error) => {
                evaluation.errors.push((pair_address, error.to_string()));
                continue;
            }
        };
        for (address, position) in &pair_book.positions {
            evaluation.scanned += 1;
            if Some(position.owner) == skip_owner {
                continue;
            }
            match judge(&snapshot, position) {
                Ok(Some(chances)) => evaluation.candidates.push(Candidate { pair: pair_address, position: *address, owner: position.owner, chances }),
                Ok(None) => {}
                Err(error) => evaluation.errors.push((*address, error)),
            }
        }
        progress(evaluation.scanned);
    }
    evaluation
}

/// The liquidations `position` allows on `snapshot`, `None` when none does.
pub fn judge(snapshot: &PairSnapshot, position: &Position) -> Result<Option<LiquidationChances>, String> {
    // Most positions are pure deposits: no debt shares, nothing to judge.
    if position.shares[3..].iter().all(|shares| shares.get() == 0) {
        return Ok(None);
    }
    let chances = snapshot.liquidation_chances(position).map_err(|e| e.to_string())?;
    Ok(chances.any().then_some(chances))
}

/// What liquidating one position would do and earn.
#[derive(Clone, Debug)]
pub struct Plan {
    pub request: LiquidationRequest,
    pub outcome: LiquidationOutcome,
    /// Received less paid, in X at the pool's price (negative: a loss).
    pub profit_x: i128,
    /// Every kind the position allows now with its expected profit (`hard`, `leverage`,
    /// `debt_cap`), the chosen one included.
    pub options: Vec<(&'static str, i128)>,
}

/// The kind's name in the logs.
pub fn kind_name(request: &LiquidationRequest) -> &'static str {
    match request {
        LiquidationRequest::Hard(_) => "hard",
        LiquidationRequest::Leverage => "leverage",
        LiquidationRequest::DebtCap => "debt_cap",
    }
}

/// Every liquidation kind `borrower` allows now, quoted exactly and valued in X, and the one
/// to send: the most profitable (ties: the order hard, leverage, debt cap), or the leverage
/// kind wherever it applies when `prefer_leverage` is set. The hard request is the SDK's
/// whole plan (`liquidation::hard_proposal`). `Err` when no kind applies after all or every
/// quote fails (the program would refuse them too).
pub fn plan(pair: &Pair, borrower: &Position, liquidator: &Position, now: i64, prefer_leverage: bool) -> Result<Plan, String> {
    let snapshot = PairSnapshot::new(pair, now as u32).map_err(|e| e.to_string())?;
    let report = snapshot.report(borrower).map_err(|e| e.to_string())?;
    let mut requests = Vec::new();
    if report.hard_liquidatable {
        requests.push(LiquidationRequest::Hard(liquidation::hard_proposal(&report)));
    }
    if report.leverage_liquidatable {
        requests.push(LiquidationRequest::Leverage);
    }
    if report.debt_cap_liquidatable {
        requests.push(LiquidationRequest::DebtCap);
    }
    if requests.is_empty() {
        return Err("the position allows no liquidation".into());
    }
    let pool = snapshot.pool();
    let mut quoted: Vec<(LiquidationRequest, LiquidationOutcome, i128)> = Vec::new();
    let mut last_error = String::new();
    for request in requests {
        match liquidation::quote(pair, borrower, liquidator, now, request) {
            Ok(outcome) => {
                let received = value_in_x(pool, outcome.seized);
                let paid = value_in_x(pool, [0, u128::from(outcome.flows.x_in), u128::from(outcome.flows.y_in)]);
                let profit = i128::try_from(received).unwrap_or(i128::MAX).saturating_sub(i128::try_from(paid).unwrap_or(i128::MAX));
                quoted.push((request, outcome, profit));
            }
            Err(error) => last_error = error.to_string(),
        }
    }
    let options = quoted.iter().map(|(request, _, profit)| (kind_name(request), *profit)).collect();
    let preferred = quoted.iter().position(|(request, ..)| prefer_leverage && *request == LiquidationRequest::Leverage);
    // `max_by_key` keeps the last of equals; scanning in reverse keeps the first instead.
    let best = preferred.or_else(|| quoted.iter().enumerate().rev().max_by_key(|(_, (.., profit))| *profit).map(|(i, _)| i));
    let Some(best) = best else {
        return Err(last_error);
    };
    let (request, outcome, profit_x) = quoted.swap_remove(best);
    Ok(Plan { request, outcome, profit_x, options })
}
