//! `close_position`: close a Position that owes nothing and holds at most dust, and return its
//! rent to the owner.

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::run_position_leg;
use crate::actions;
use super::pair_tokens::position_bump;
use crate::constants::POSITION_SEED;
use crate::events::{DustForfeited, PositionClosed};
use crate::risk::Action;
use crate::state::{Pair, Position};

#[event_cpi]
#[derive(Accounts)]
pub struct ClosePosition<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    /// Written only when dust is forfeited.
    #[account(mut)]
    pub pair: AccountLoader<'info, Pair>,
    #[account(
        mut,
        close = owner,
        seeds = [POSITION_SEED, pair.key().as_ref(), owner.key().as_ref()],
        bump = position_bump(&position, owner.key(), pair.key())?,
    )]
    pub position: AccountLoader<'info, Position>,
}

/// 1. An empty position closes at once.
/// 2. Otherwise run the dust leg through the pipeline (accrue first, so dust is judged at
///    today's share prices): refuses a position with debt or with a deposit that still
///    redeems to a token (`PositionNotEmpty`), else forfeits the dust shares to the pool and
///    emits `DustForfeited`.
/// 3. Anchor closes the account to the owner; emit `PositionClosed`.
pub fn handler<'info>(ctx: Context<'info, ClosePosition<'info>>) -> Result<()> {
    let is_empty = ctx.accounts.position.load()?.is_empty();
    if !is_empty {
        let now = now_u32()?;
        // Forfeiting dust adds no risk, so the global pause is irrelevant here.
        let (forfeited, _) = run_position_leg(&ctx.accounts.pair, &ctx.accounts.position, ctx.remaining_accounts, now, false, |pool, balances| {
            Ok((Action::ForfeitDust, actions::forfeit_dust(pool, balances)?))
        })?;
        emit_cpi!(DustForfeited {
            pair: ctx.accounts.pair.key(),
            owner: ctx.accounts.owner.key(),
            shares_l: forfeited[0],
            shares_x: forfeited[1],
            shares_y: forfeited[2],
        });
    }
    emit_cpi!(PositionClosed {
        pair: ctx.accounts.pair.key(),
        owner: ctx.accounts.owner.key(),
        position: ctx.accounts.position.key(),
    });
    Ok(())
}
