//! `deposit`: supply X or Y for lending, for DEPOSIT_X / DEPOSIT_Y shares (spec §4.4).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions::{self, Asset};
use crate::errors::DlexError;
use crate::events::Deposited;
use crate::risk::{self, Action};

/// 1. Load and accrue.
/// 2. Apply the deposit leg (shares rounded down; refused for an asset the position borrows
///    and for a written-off share class).
/// 3. Refuse fewer than `min_shares`; `risk::check` (deposits are never blocked by health).
/// 4. Write back, pull the tokens, verify conservation, emit `Deposited`.
pub fn handler(ctx: Context<PositionTokens>, asset: Asset, amount: u64, min_shares: u128) -> Result<()> {
    let now = now_u32()?;
    let pair_key = ctx.accounts.pair.key();
    let (shares, flows) = {
        let mut pair = ctx.accounts.pair.load_mut()?;
        let mut position = ctx.accounts.position.load_mut()?;
        let mut pool = pair.pool();
        actions::accrue(&mut pair, &mut pool, now)?;
        let before = pool;
        let mut balances = position.balances();
        let (shares, flows) = actions::deposit(&mut pool, &mut balances, asset, amount)?;
        require!(shares.0 >= min_shares, DlexError::SlippageSharesOut);
        risk::check(&Action::Deposit { asset }, &before, &pool, &balances)?;
        pair.store_pool(&pool);
        position.set_balances(&balances);
        (shares, flows)
    };
    ctx.accounts.settle(flows)?;
    emit_cpi!(Deposited { pair: pair_key, owner: ctx.accounts.owner.key(), asset, amount, shares: shares.0 });
    Ok(())
}
