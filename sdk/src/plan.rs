//! `execute` plans run off-chain: the program's own pipeline (`actions::run_legs` with
//! `actions::apply_legs`: accrual, each leg with its limit and pool rules, `risk::check` on
//! the final state) on copies of the pair and the position, so a client sees exactly what the
//! instruction will do, or the error it will fail with, before sending it. Tranche capacity is
//! not judged here (it needs the tranche accounts; `saturation::complete` walks them when the
//! instruction is sent).

use dlex::actions::{self, ExecuteOutcome, Leg, PositionBook};
use dlex::state::{Pair, Position};

type AnchorResult<T> = Result<T, anchor_lang::error::Error>;

/// A plan run on copies: what it did, and the pair and position as it leaves them.
pub struct Simulated {
    pub outcome: ExecuteOutcome,
    pub pair: Box<Pair>,
    pub position: Position,
}

/// `execute(legs, min_net_x, min_net_y)` on copies of `pair` and `position` at unix time
/// `now` (`globally_paused`: the Config's pause of new risk).
pub fn simulate(pair: &Pair, position: &Position, now: i64, globally_paused: bool, legs: &[Leg], min_net_x: i64, min_net_y: i64) -> AnchorResult<Simulated> {
    let mut pair = Box::new(*pair);
    let mut book = PositionBook::of(position);
    let (outcome, _, _) = actions::run_legs(&mut pair, &mut book.balances, &mut book.fragile, now as u32, globally_paused, None, |pool, balances, depth| {
        actions::apply_legs(pool, balances, legs, depth, min_net_x, min_net_y)
    })?;
    let mut position = *position;
    book.store(&mut position);
    Ok(Simulated { outcome, pair, position })
}
