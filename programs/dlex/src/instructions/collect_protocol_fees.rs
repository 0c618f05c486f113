//! `collect_protocol_fees`: the fee recipient moves the protocol's pending deposit shares
//! (lending fees, 10% of interest, overpayments) into its own position in the pair.
//!
//! On Solana the fee recipient's position is not an account of every instruction, so fee
//! shares are minted into the pair's pending balance and collected here.

use anchor_lang::prelude::*;

use crate::constants::CONFIG_SEED;
use crate::errors::DlexError;
use crate::events::ProtocolFeesCollected;
use crate::state::{Config, Pair, Position, TokenKind};

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
        constraint = position.load()?.owner == fee_recipient.key() @ DlexError::PositionOwnerMismatch,
        constraint = position.load()?.pair == pair.key() @ DlexError::PositionPairMismatch,
    )]
    pub position: AccountLoader<'info, Position>,
}

/// 1. Take the pair's pending protocol shares (L, X, Y) and zero them.
/// 2. Credit them to the fee recipient's position; totals do not change (the shares already
///    count in them). Emit `ProtocolFeesCollected`.
pub fn handler(ctx: Context<CollectProtocolFees>) -> Result<()> {
    let (shares_l, shares_x, shares_y) = {
        let mut pair = ctx.accounts.pair.load_mut()?;
        let mut position = ctx.accounts.position.load_mut()?;
        let pending = [pair.protocol_fee_shares[0].get(), pair.protocol_fee_shares[1].get(), pair.protocol_fee_shares[2].get()];
        for (kind, shares) in [TokenKind::DepositL, TokenKind::DepositX, TokenKind::DepositY].into_iter().zip(pending) {
            let slot = &mut position.shares[kind as usize];
            slot.set(slot.get().checked_add(shares).ok_or(DlexError::MathOverflow)?);
        }
        for slot in pair.protocol_fee_shares.iter_mut() {
            slot.set(0);
        }
        (pending[0], pending[1], pending[2])
    };
    emit_cpi!(ProtocolFeesCollected {
        pair: ctx.accounts.pair.key(),
        fee_recipient: ctx.accounts.fee_recipient.key(),
        shares_l,
        shares_x,
        shares_y,
    });
    Ok(())
}
