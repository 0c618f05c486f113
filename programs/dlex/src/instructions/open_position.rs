//! `open_position`: create the caller's Position in a pair (one per owner per pair).

use anchor_lang::prelude::*;

use super::create_accounts::{create_zero_copy_account, fill_zero_copy_account};
use crate::constants::POSITION_SEED;
use crate::events::PositionOpened;
use crate::state::{Pair, Position, POSITION_SIZE};

#[event_cpi]
#[derive(Accounts)]
pub struct OpenPosition<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    pub pair: AccountLoader<'info, Pair>,
    /// Created by the handler at this PDA (see `create_accounts`: robust to lamports sent in
    /// advance by someone else).
    /// CHECK: a PDA checked by its seeds; the handler creates the account.
    #[account(mut, seeds = [POSITION_SEED, pair.key().as_ref(), owner.key().as_ref()], bump)]
    pub position: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

/// 1. Create the position account at its PDA (robust to prefunding).
/// 2. Record owner, pair, bump and opening time; emit `PositionOpened`.
pub fn handler(ctx: Context<OpenPosition>) -> Result<()> {
    let accounts = &ctx.accounts;
    let (pair_key, owner_key) = (accounts.pair.key(), accounts.owner.key());
    let position_info = accounts.position.to_account_info();
    create_zero_copy_account::<Position>(
        &accounts.owner.to_account_info(),
        &position_info,
        accounts.system_program.key(),
        POSITION_SIZE,
        &[POSITION_SEED, pair_key.as_ref(), owner_key.as_ref(), &[ctx.bumps.position]],
    )?;
    let opened_at = Clock::get()?.unix_timestamp;
    fill_zero_copy_account::<Position>(&position_info, |position| {
        *position = Position::opened(owner_key, pair_key, ctx.bumps.position, opened_at);
        Ok(())
    })?;
    emit_cpi!(PositionOpened {
        pair: ctx.accounts.pair.key(),
        owner: ctx.accounts.owner.key(),
        position: ctx.accounts.position.key(),
    });
    Ok(())
}
