//! `repay`: repay X or Y debt of the position (spec §4.8).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions::{self, Asset};
use crate::events::Repaid;
use crate::risk::Action;

/// 1. Apply the repay leg through the position pipeline: burns `floor(amount·S/A)` debt
///    shares; an amount that covers the whole debt burns every share and pulls only the debt
///    (pass `u64::MAX` to repay everything). Repaying is never blocked by the position's
///    health.
/// 2. Pull what was repaid, verify conservation, emit `Repaid`.
pub fn handler<'info>(ctx: Context<'info, PositionTokens<'info>>, asset: Asset, amount: u64) -> Result<()> {
    let now = now_u32()?;
    let (outcome, _) = ctx.accounts.apply_position_leg(ctx.remaining_accounts, now, |pool, balances| {
        Ok((Action::Repay { asset }, actions::repay(pool, balances, asset, amount)?))
    })?;
    ctx.accounts.settle(outcome.flows)?;
    emit_cpi!(Repaid {
        pair: ctx.accounts.pair.key(),
        owner: ctx.accounts.owner.key(),
        asset,
        amount: outcome.amount,
        shares: outcome.shares.0,
    });
    Ok(())
}
