//! The account set of the admin instructions that only change the Config
//! (`set_fee_recipient`, `set_pair_defaults`, `propose_admin`, `set_new_risk_paused`).

use anchor_lang::prelude::*;
use solana_instructions_sysvar as ix_sysvar;

use crate::constants::CONFIG_SEED;
use crate::errors::DlexError;
use crate::state::Config;

#[event_cpi]
#[derive(Accounts)]
pub struct ConfigAdmin<'info> {
    /// The Config's admin.
    pub admin: Signer<'info>,
    #[account(mut, seeds = [CONFIG_SEED], bump = config.bump, has_one = admin @ DlexError::NotAdmin)]
    pub config: Box<Account<'info, Config>>,
    /// CHECK: the instructions sysvar, checked by address; read to refuse durable nonces.
    #[account(address = ix_sysvar::ID)]
    pub instructions_sysvar: UncheckedAccount<'info>,
}
