//! `open_position`: create the caller's Position in a pair (one per owner per pair).

use anchor_lang::prelude::*;

use crate::constants::POSITION_SEED;
use crate::events::PositionOpened;
use crate::state::{Pair, Position, POSITION_SIZE};

#[event_cpi]
#[derive(Accounts)]
pub struct OpenPosition<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    pub pair: AccountLoader<'info, Pair>,
    #[account(
        init,
        payer = owner,
        space = 8 + POSITION_SIZE,
        seeds = [POSITION_SEED, pair.key().as_ref(), owner.key().as_ref()],
        bump,
    )]
    pub position: AccountLoader<'info, Position>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<OpenPosition>) -> Result<()> {
    let mut position = ctx.accounts.position.load_init()?;
    position.owner = ctx.accounts.owner.key();
    position.pair = ctx.accounts.pair.key();
    position.bump = ctx.bumps.position;
    position.opened_at = Clock::get()?.unix_timestamp;
    drop(position);
    emit_cpi!(PositionOpened {
        pair: ctx.accounts.pair.key(),
        owner: ctx.accounts.owner.key(),
        position: ctx.accounts.position.key(),
    });
    Ok(())
}
