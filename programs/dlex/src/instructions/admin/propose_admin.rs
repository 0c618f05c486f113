//! `propose_admin`: first step of the two-step admin transfer. The proposed key becomes admin
//! only when it signs `accept_admin`, so a typo cannot lose the role.

use anchor_lang::prelude::*;

use super::config_admin::ConfigAdmin;
use super::init_config::refuse_durable_nonce;
use crate::events::AdminProposed;

/// 1. Refuse durable nonces.
/// 2. Store `new_admin` as the pending admin, replacing any earlier proposal (which can then
///    no longer be accepted); emit `AdminProposed`.
pub fn handler(ctx: Context<ConfigAdmin>, new_admin: Pubkey) -> Result<()> {
    refuse_durable_nonce(&ctx.accounts.instructions_sysvar)?;
    ctx.accounts.config.pending_admin = Some(new_admin);
    emit_cpi!(AdminProposed { admin: ctx.accounts.admin.key(), pending_admin: new_admin });
    Ok(())
}
