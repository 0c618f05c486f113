//! `collect_protocol_fees`: the fee recipient moves the protocol's pending deposit shares
//! (lending fees and 10% of interest) into its own position in the pair.
//!
//! On Solana the fee recipient's position is not an account of every instruction, so fee
//! shares are minted into the pair's pending balance and collected here.

use anchor_lang::prelude::*;

use super::pair_tokens::position_bump;
use crate::constants::{CONFIG_SEED, POSITION_SEED};
use crate::errors::DlexError;
use crate::events::ProtocolFeesCollected;
use crate::actions;
use crate::state::{Config, Pair, Position};

#[event_cpi]
#[derive(Accounts)]
pub struct CollectProtocolFees<'info> {
    #[account(address = config.fee_recipient @ DlexError::NotFeeRecipient)]
    pub fee_recipient: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut)]
    pub pair: AccountLoader<'info, Pair>,
    #[account(
        mut,
        seeds = [POSITION_SEED, pair.key().as_ref(), fee_recipient.key().as_ref()],
        bump = position_bump(&position, fee_recipient.key(), pair.key())?,
    )]
    pub position: AccountLoader<'info, Position>,
}

/// 1. Credit the pair's pending protocol shares (L, X, Y) to the fee recipient's position and
///    zero them, except a deposit of an asset the position borrows: that stays pending (the
///    same-asset rule of spec §9.5), collectable once the debt is repaid.
/// 2. Re-derive the position's fragile liquidity (spec §4.12: L shares of a position that
///    borrows X or Y), so the pair's total stays exact. Totals do not change: the shares
///    already count in them. Emit `ProtocolFeesCollected` with what was collected.
pub fn handler(ctx: Context<CollectProtocolFees>) -> Result<()> {
    let collected = {
        let mut pair = ctx.accounts.pair.load_mut()?;
        let mut position = ctx.accounts.position.load_mut()?;
        let mut pool = pair.pool();
        let mut balances = position.balances();
        let mut fragile = position.fragile_shares.get();
        let collected = actions::collect_protocol_fee_shares(&mut pool, &mut balances, &mut fragile)?;
        pair.store_pool(&pool);
        position.set_balances(&balances);
        position.fragile_shares.set(fragile);
        collected
    };
    emit_cpi!(ProtocolFeesCollected {
        pair: ctx.accounts.pair.key(),
        fee_recipient: ctx.accounts.fee_recipient.key(),
        shares_l: collected[0],
        shares_x: collected[1],
        shares_y: collected[2],
    });
    Ok(())
}
