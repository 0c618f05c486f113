//! `accept_admin`: second step of the two-step admin transfer, signed by the proposed admin.

use anchor_lang::prelude::*;
use solana_instructions_sysvar as ix_sysvar;

use super::init_config::refuse_durable_nonce;
use crate::constants::CONFIG_SEED;
use crate::errors::DlexError;
use crate::events::AdminAccepted;
use crate::state::Config;

#[event_cpi]
#[derive(Accounts)]
pub struct AcceptAdmin<'info> {
    /// The Config's pending admin.
    pub new_admin: Signer<'info>,
    /// `NotPendingAdmin` unless `new_admin` is the pending admin (also when none is pending).
    #[account(
        mut,
        seeds = [CONFIG_SEED],
        bump = config.bump,
        constraint = config.pending_admin == Some(new_admin.key()) @ DlexError::NotPendingAdmin,
    )]
    pub config: Box<Account<'info, Config>>,
    /// CHECK: the instructions sysvar, checked by address; read to refuse durable nonces.
    #[account(address = ix_sysvar::ID)]
    pub instructions_sysvar: UncheckedAccount<'info>,
}

/// 1. Refuse durable nonces (the pending-admin signature is checked by the constraint).
/// 2. Make the pending admin the admin and clear the proposal; emit `AdminAccepted`.
pub fn handler(ctx: Context<AcceptAdmin>) -> Result<()> {
    refuse_durable_nonce(&ctx.accounts.instructions_sysvar)?;
    let new_admin = ctx.accounts.new_admin.key();
    let config = &mut ctx.accounts.config;
    let old_admin = config.admin;
    config.admin = new_admin;
    config.pending_admin = None;
    emit_cpi!(AdminAccepted { old_admin, new_admin });
    Ok(())
}
