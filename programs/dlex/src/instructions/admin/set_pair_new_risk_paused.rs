//! `set_pair_new_risk_paused`: the admin pauses (or resumes) new risk on one pair.

use anchor_lang::prelude::*;
use solana_instructions_sysvar as ix_sysvar;

use super::init_config::refuse_durable_nonce;
use crate::constants::CONFIG_SEED;
use crate::errors::DlexError;
use crate::events::PairNewRiskPausedSet;
use crate::state::{Config, Pair};

#[event_cpi]
#[derive(Accounts)]
pub struct PairAdmin<'info> {
    /// The Config's admin.
    pub admin: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump, has_one = admin @ DlexError::NotAdmin)]
    pub config: Box<Account<'info, Config>>,
    /// Any dlex pair (owner and discriminator checked by the loader).
    #[account(mut)]
    pub pair: AccountLoader<'info, Pair>,
    /// CHECK: the instructions sysvar, checked by address; read to refuse durable nonces.
    #[account(address = ix_sysvar::ID)]
    pub instructions_sysvar: UncheckedAccount<'info>,
}

/// 1. Refuse durable nonces.
/// 2. Store the pair's flag (1 = paused): while set (or while the global flag is), the pair
///    refuses borrow, borrow_liquidity, and withdraw or burn from a position with debt with
///    `NewRiskPaused`; repay, deposit, mint, swap and liquidate still work. Nothing else in
///    the pair changes (no accrual). Emit `PairNewRiskPausedSet`.
pub fn handler(ctx: Context<PairAdmin>, paused: bool) -> Result<()> {
    refuse_durable_nonce(&ctx.accounts.instructions_sysvar)?;
    ctx.accounts.pair.load_mut()?.new_risk_paused = u8::from(paused);
    emit_cpi!(PairNewRiskPausedSet { admin: ctx.accounts.admin.key(), pair: ctx.accounts.pair.key(), paused });
    Ok(())
}
