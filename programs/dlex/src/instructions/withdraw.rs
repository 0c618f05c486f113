//! `withdraw`: redeem DEPOSIT_X / DEPOSIT_Y shares for the asset (spec §4.5).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions::{self, Asset};
use crate::errors::DlexError;
use crate::events::Withdrawn;
use crate::risk::{self, Action};

/// 1. Load and accrue.
/// 2. Apply the withdraw leg (assets rounded down).
/// 3. Refuse fewer than `min_amount` tokens; `risk::check` (90% lending limit after the
///    withdrawal).
/// 4. Write back, pay out, verify conservation, emit `Withdrawn`.
pub fn handler(ctx: Context<PositionTokens>, asset: Asset, shares: u128, min_amount: u64) -> Result<()> {
    let now = now_u32()?;
    let pair_key = ctx.accounts.pair.key();
    let (amount, flows) = {
        let mut pair = ctx.accounts.pair.load_mut()?;
        let mut position = ctx.accounts.position.load_mut()?;
        let mut pool = pair.pool();
        actions::accrue(&mut pair, &mut pool, now)?;
        let before = pool;
        let mut balances = position.balances();
        let (assets, flows) = actions::withdraw(&mut pool, &mut balances, asset, shares)?;
        let amount = flows.x_out.max(flows.y_out);
        require!(amount >= min_amount, DlexError::SlippageAmountOut);
        risk::check(&Action::Withdraw { asset }, &before, &pool, &balances)?;
        debug_assert_eq!(u128::from(amount), assets.0);
        pair.store_pool(&pool);
        position.set_balances(&balances);
        (amount, flows)
    };
    ctx.accounts.settle(flows)?;
    emit_cpi!(Withdrawn { pair: pair_key, owner: ctx.accounts.owner.key(), asset, amount, shares });
    Ok(())
}
