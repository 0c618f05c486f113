//! `set_fee_recipient`: the admin redirects protocol fees not yet collected, and all future
//! ones, to another owner's positions.

use anchor_lang::prelude::*;

use super::config_admin::ConfigAdmin;
use super::init_config::refuse_durable_nonce;
use crate::events::FeeRecipientSet;

/// 1. Refuse durable nonces (the admin signature is checked by `ConfigAdmin`).
/// 2. Store the new fee recipient; emit `FeeRecipientSet`.
pub fn handler(ctx: Context<ConfigAdmin>, new_fee_recipient: Pubkey) -> Result<()> {
    refuse_durable_nonce(&ctx.accounts.instructions_sysvar)?;
    let config = &mut ctx.accounts.config;
    let old_fee_recipient = config.fee_recipient;
    config.fee_recipient = new_fee_recipient;
    emit_cpi!(FeeRecipientSet { admin: ctx.accounts.admin.key(), old_fee_recipient, new_fee_recipient });
    Ok(())
}
