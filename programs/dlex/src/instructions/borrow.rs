//! `borrow`: borrow X or Y against the position's cross-margined collateral (spec §4.6).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions::{self, Asset};
use crate::events::Borrowed;
use crate::risk::Action;

/// 1. Apply the borrow leg through the position pipeline: debt = amount + 5-bip fee (debt
///    shares rounded up, the fee minted to the protocol); `risk::check` requires the pair's
///    price window to be ready and applies the 90% lending limit, the fragile-liquidity bound
///    and solvency at the worst price of the range.
/// 2. Pay out the amount, verify conservation, emit `Borrowed`.
pub fn handler<'info>(ctx: Context<'info, PositionTokens<'info>>, asset: Asset, amount: u64) -> Result<()> {
    let now = now_u32()?;
    let (outcome, _) = ctx.accounts.apply_position_leg(ctx.remaining_accounts, now, |pool, balances| {
        Ok((Action::Borrow { asset }, actions::borrow(pool, balances, asset, amount)?))
    })?;
    ctx.accounts.settle(outcome.flows)?;
    emit_cpi!(Borrowed {
        pair: ctx.accounts.pair.key(),
        owner: ctx.accounts.owner.key(),
        asset,
        amount,
        debt: outcome.debt.0,
        fee: outcome.fee.0,
        shares: outcome.shares.0,
    });
    Ok(())
}
