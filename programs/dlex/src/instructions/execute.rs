//! `execute`: the composite instruction (design §4). An ordered list of legs — deposit,
//! withdraw, borrow, repay, borrow and repay L, mint, burn, swap — is applied to the in-memory
//! pair and position, each leg with its own limit and its pool-level rules; the position is
//! judged once, on the final state, by `risk::check`; only the net tokens per mint move. A
//! leveraged or delta-neutral position therefore opens in one transaction with only the
//! user's margin moving: borrowed proceeds can stay in the vault (borrow, then mint or
//! deposit). Liquidate, close and transfers are not legs (design §8).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_legs::{emit_leg_event, leg_event};
use super::position_tokens::*;
use crate::actions::{self, Leg, LegOutcome};

/// 1. Apply the legs in order through the position pipeline (accrue once; each leg with its
///    limit, then `risk::check_leg` on the pool it left: swap K check, lending and L-borrow
///    limits); refuse an empty list (`EmptyExecute`), more than `MAX_EXECUTE_LEGS`
///    (`TooManyLegs`), and a net token flow beyond `min_net_x` / `min_net_y` (the least the
///    user receives of each mint; negative: the most it pays; `NetTokenLimit`).
/// 2. Re-walk the position's saturation and judge the final state once with `risk::check`
///    (`Action::Execute`: solvency and the fragile-liquidity bound when a leg borrowed,
///    solvency when one withdrew or burned with debt left); nothing is written on failure.
/// 3. Record the price extreme each swap leg reached (spec §8.5), as a plain swap does.
/// 4. Move the net tokens per mint, verify conservation, emit each leg's event in order.
pub fn handler<'info>(ctx: Context<'info, PositionTokens<'info>>, legs: Vec<Leg>, min_net_x: i64, min_net_y: i64) -> Result<()> {
    let now = now_u32()?;
    let (outcome, _) =
        ctx.accounts.apply_position_legs(ctx.remaining_accounts, now, |pool, balances, depth| actions::apply_legs(pool, balances, &legs, depth, min_net_x, min_net_y))?;
    {
        let mut pair = ctx.accounts.pair.load_mut()?;
        for (leg, reserve_x, reserve_y) in &outcome.legs {
            if matches!(leg, LegOutcome::Swap { .. }) {
                actions::record_price_extreme_at(&mut pair, *reserve_x, *reserve_y, now)?;
            }
        }
    }
    ctx.accounts.settle(outcome.net)?;
    let (pair, owner) = (ctx.accounts.pair.key(), ctx.accounts.owner.key());
    for (leg, reserve_x, reserve_y) in &outcome.legs {
        emit_leg_event(&ctx, leg_event(pair, owner, leg, (*reserve_x, *reserve_y)))?;
    }
    Ok(())
}
