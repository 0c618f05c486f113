//! The commit pipeline of design §5 on plain values: accrue, apply one leg in memory,
//! `risk::check`, and only then change the pair and the balances. Handlers run it on their
//! loaded accounts; tests and off-chain simulators run it on copies.

use anchor_lang::prelude::Result;

use super::{accrue, start_oracle};
use crate::risk::{self, Action};
use crate::state::{Pair, Pool, TokenKind};

/// Runs `leg` on `pair`'s pool and a position's `balances` at time `now`:
/// 1. accrue (TWAP observation, fee anchors);
/// 2. `leg(pool, balances)` applies the action to copies and names it for the risk check;
/// 3. `risk::check(action, before, after, balances)`;
/// 4. if the pool just received its first liquidity, start its TWAP buffers;
/// 5. write the pool into `pair` and the copies into `balances`.
///
/// On error the pool totals and `balances` are untouched, but `pair`'s oracle fields may have
/// accrued. On chain the failed transaction reverts that too; off-chain callers that want to
/// keep going after a failure pass a copy. (The pair is not copied here: at ~1.3 KB it would
/// take a third of an SBF stack frame.)
pub fn run_leg<T>(
    pair: &mut Pair,
    balances: &mut [u128; 6],
    now: u32,
    leg: impl FnOnce(&mut Pool, &mut [u128; 6]) -> Result<(Action, T)>,
) -> Result<(T, Pool)> {
    let mut pool = pair.pool();
    accrue(pair, &mut pool, now)?;
    let before = pool;
    let mut next_balances = *balances;
    let (action, value) = leg(&mut pool, &mut next_balances)?;
    risk::check(&action, &before, &pool, &next_balances)?;
    if before.total_shares(TokenKind::DepositL).0 == 0 && pool.total_shares(TokenKind::DepositL).0 > 0 {
        start_oracle(pair, &pool, now)?;
    }
    pair.store_pool(&pool);
    *balances = next_balances;
    Ok((value, pool))
}
