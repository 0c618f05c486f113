//! `close_position`: close an empty Position and return its rent to the owner.

use anchor_lang::prelude::*;

use crate::errors::DlexError;
use crate::events::PositionClosed;
use crate::state::{Pair, Position};

#[event_cpi]
#[derive(Accounts)]
pub struct ClosePosition<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    pub pair: AccountLoader<'info, Pair>,
    #[account(
        mut,
        close = owner,
        constraint = position.load()?.owner == owner.key() @ DlexError::PositionOwnerMismatch,
        constraint = position.load()?.pair == pair.key() @ DlexError::PositionPairMismatch,
        constraint = position.load()?.is_empty() @ DlexError::PositionNotEmpty,
    )]
    pub position: AccountLoader<'info, Position>,
}

pub fn handler(ctx: Context<ClosePosition>) -> Result<()> {
    emit_cpi!(PositionClosed {
        pair: ctx.accounts.pair.key(),
        owner: ctx.accounts.owner.key(),
        position: ctx.accounts.position.key(),
    });
    Ok(())
}
