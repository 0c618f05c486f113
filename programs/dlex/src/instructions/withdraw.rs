//! `withdraw`: redeem DEPOSIT_X / DEPOSIT_Y shares for the asset (spec §4.5).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions::{self, Asset};
use crate::errors::DlexError;
use crate::events::Withdrawn;
use crate::risk::Action;

/// 1. Apply the withdraw leg through the position pipeline: assets rounded down;
///    `risk::check` applies the 90% lending limit after the withdrawal.
/// 2. Refuse fewer than `min_amount` tokens.
/// 3. Pay out, verify conservation, emit `Withdrawn`.
pub fn handler<'info>(ctx: Context<'info, PositionTokens<'info>>, asset: Asset, shares: u128, min_amount: u64) -> Result<()> {
    let now = now_u32()?;
    let (flows, _) = ctx.accounts.apply_position_leg(ctx.remaining_accounts, now, |pool, balances| {
        let (_, flows) = actions::withdraw(pool, balances, asset, shares)?;
        require!(flows.x_out.max(flows.y_out) >= min_amount, DlexError::SlippageAmountOut);
        Ok((Action::Withdraw { asset }, flows))
    })?;
    ctx.accounts.settle(flows)?;
    let amount = flows.x_out.max(flows.y_out);
    emit_cpi!(Withdrawn { pair: ctx.accounts.pair.key(), owner: ctx.accounts.owner.key(), asset, amount, shares });
    Ok(())
}
