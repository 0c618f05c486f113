//! What the position instructions do after their legs passed `risk::check`: move the tokens
//! and emit one event per leg. The plain instructions (`mint`, `burn`, `deposit`, `withdraw`,
//! `borrow`, `repay`, `borrow_liquidity`, `repay_liquidity`) are one leg through
//! [`run_one_leg`]; `execute` runs a list and emits the same events, one per leg, so indexers
//! read both alike.

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::*;
use crate::actions::{self, Leg, LegOutcome};
use crate::events::{Borrowed, Deposited, LiquidityAdded, LiquidityBorrowed, LiquidityRemoved, LiquidityRepaid, Repaid, Swapped, Withdrawn};

/// A leg's event.
pub enum LegEvent {
    LiquidityAdded(LiquidityAdded),
    LiquidityRemoved(LiquidityRemoved),
    Deposited(Deposited),
    Withdrawn(Withdrawn),
    Borrowed(Borrowed),
    Repaid(Repaid),
    LiquidityBorrowed(LiquidityBorrowed),
    LiquidityRepaid(LiquidityRepaid),
    Swapped(Swapped),
}

/// The event of a leg that did `outcome` and left the reserves at `reserves`.
pub fn leg_event(pair: Pubkey, owner: Pubkey, outcome: &LegOutcome, (reserve_x, reserve_y): (u128, u128)) -> LegEvent {
    match *outcome {
        LegOutcome::Mint(o) => LegEvent::LiquidityAdded(LiquidityAdded {
            pair,
            owner,
            amount_x: o.flows.x_in,
            amount_y: o.flows.y_in,
            liquidity: o.liquidity.0,
            shares: o.shares.0,
            reserve_x,
            reserve_y,
        }),
        LegOutcome::Burn { outcome: o, shares } => LegEvent::LiquidityRemoved(LiquidityRemoved {
            pair,
            owner,
            amount_x: o.flows.x_out,
            amount_y: o.flows.y_out,
            liquidity: o.liquidity.0,
            shares,
            reserve_x,
            reserve_y,
        }),
        LegOutcome::Deposit { asset, amount, shares, .. } => LegEvent::Deposited(Deposited { pair, owner, asset, amount, shares: shares.0 }),
        LegOutcome::Withdraw { asset, shares, flows } => {
            LegEvent::Withdrawn(Withdrawn { pair, owner, asset, amount: flows.x_out.max(flows.y_out), shares })
        }
        LegOutcome::Borrow { asset, amount, outcome: o } => {
            LegEvent::Borrowed(Borrowed { pair, owner, asset, amount, debt: o.debt.0, fee: o.fee.0, shares: o.shares.0 })
        }
        LegOutcome::Repay { asset, outcome: o } => LegEvent::Repaid(Repaid { pair, owner, asset, amount: o.amount, shares: o.shares.0 }),
        LegOutcome::BorrowLiquidity { liquidity, outcome: o } => LegEvent::LiquidityBorrowed(LiquidityBorrowed {
            pair,
            owner,
            liquidity,
            debt: o.debt.0,
            fee: o.fee.0,
            shares: o.shares.0,
            amount_x: o.flows.x_out,
            amount_y: o.flows.y_out,
        }),
        LegOutcome::RepayLiquidity(o) => LegEvent::LiquidityRepaid(LiquidityRepaid {
            pair,
            owner,
            amount_x: o.flows.x_in,
            amount_y: o.flows.y_in,
            repaid: o.repaid.0,
            shares: o.shares.0,
        }),
        LegOutcome::Swap { direction, flows, fee_bips_q64 } => {
            let (amount_in, amount_out) = match direction {
                actions::SwapDirection::XToY => (flows.x_in, flows.y_out),
                actions::SwapDirection::YToX => (flows.y_in, flows.x_out),
            };
            LegEvent::Swapped(Swapped { pair, trader: owner, direction, amount_in, amount_out, fee_bips_q64, reserve_x, reserve_y })
        }
    }
}

/// Emits `event` through the program's event authority (`emit_cpi!`).
pub fn emit_leg_event<'info>(ctx: &Context<'info, PositionTokens<'info>>, event: LegEvent) -> Result<()> {
    match event {
        LegEvent::LiquidityAdded(e) => emit_cpi!(e),
        LegEvent::LiquidityRemoved(e) => emit_cpi!(e),
        LegEvent::Deposited(e) => emit_cpi!(e),
        LegEvent::Withdrawn(e) => emit_cpi!(e),
        LegEvent::Borrowed(e) => emit_cpi!(e),
        LegEvent::Repaid(e) => emit_cpi!(e),
        LegEvent::LiquidityBorrowed(e) => emit_cpi!(e),
        LegEvent::LiquidityRepaid(e) => emit_cpi!(e),
        LegEvent::Swapped(e) => emit_cpi!(e),
    }
    Ok(())
}

/// A plain position instruction:
/// 1. apply `leg` through the position pipeline (accrue, the leg with its limit, saturation
///    re-walk, `risk::check` as the leg's own action, write back);
/// 2. move its tokens, verify conservation;
/// 3. emit its event.
pub fn run_one_leg<'info>(ctx: &mut Context<'info, PositionTokens<'info>>, leg: Leg) -> Result<()> {
    let now = now_u32()?;
    let (outcome, pool) = ctx.accounts.apply_position_leg(ctx.remaining_accounts, now, |pool, balances| actions::apply_leg(pool, balances, &leg))?;
    ctx.accounts.settle(outcome.flows())?;
    let event = leg_event(ctx.accounts.pair.key(), ctx.accounts.owner.key(), &outcome, (pool.reserve_x.0, pool.reserve_y.0));
    emit_leg_event(ctx, event)
}
