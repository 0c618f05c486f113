//! `deposit`: supply X or Y for lending, for DEPOSIT_X / DEPOSIT_Y shares (spec §4.4).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions::{self, Asset};
use crate::errors::DlexError;
use crate::events::Deposited;
use crate::risk::Action;

/// 1. Apply the deposit leg through the position pipeline: shares rounded down; refused for an
///    asset the position borrows and for a written-off share class. Deposits are never blocked
///    by a position's health.
/// 2. Refuse fewer than `min_shares`.
/// 3. Pull the tokens, verify conservation, emit `Deposited`.
pub fn handler<'info>(ctx: Context<'info, PositionTokens<'info>>, asset: Asset, amount: u64, min_shares: u128) -> Result<()> {
    let now = now_u32()?;
    let ((shares, flows), _) = ctx.accounts.apply_position_leg(ctx.remaining_accounts, now, |pool, balances| {
        let (shares, flows) = actions::deposit(pool, balances, asset, amount)?;
        require!(shares.0 >= min_shares, DlexError::SlippageSharesOut);
        Ok((Action::Deposit { asset }, (shares, flows)))
    })?;
    ctx.accounts.settle(flows)?;
    emit_cpi!(Deposited { pair: ctx.accounts.pair.key(), owner: ctx.accounts.owner.key(), asset, amount, shares: shares.0 });
    Ok(())
}
