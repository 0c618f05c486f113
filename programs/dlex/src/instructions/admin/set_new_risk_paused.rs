//! `set_new_risk_paused`: the admin pauses (or resumes) new risk on every pair at once.

use anchor_lang::prelude::*;

use super::config_admin::ConfigAdmin;
use super::init_config::refuse_durable_nonce;
use crate::events::NewRiskPausedSet;

/// 1. Refuse durable nonces.
/// 2. Store the global flag, which `risk::check` reads through every position instruction:
///    while set, borrow, borrow_liquidity, and withdraw or burn from a position with debt fail
///    with `NewRiskPaused`; repay, deposit, mint, swap and liquidate still work. Emit
///    `NewRiskPausedSet`.
pub fn handler(ctx: Context<ConfigAdmin>, paused: bool) -> Result<()> {
    refuse_durable_nonce(&ctx.accounts.instructions_sysvar)?;
    ctx.accounts.config.new_risk_paused = paused;
    emit_cpi!(NewRiskPausedSet { admin: ctx.accounts.admin.key(), paused });
    Ok(())
}
