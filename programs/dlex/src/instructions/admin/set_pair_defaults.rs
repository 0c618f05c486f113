//! `set_pair_defaults`: the admin sets the TWAP intervals of pairs created from now on
//! (security review M-1: `create_pair` takes them from the Config). Live pairs keep theirs.

use anchor_lang::prelude::*;

use super::config_admin::ConfigAdmin;
use super::init_config::{refuse_durable_nonce, validate_intervals};
use crate::events::PairDefaultsSet;

/// 1. Refuse durable nonces; validate the intervals (`InvalidIntervalConfig`, design §6).
/// 2. Store them as the Config's defaults; emit `PairDefaultsSet`.
pub fn handler(ctx: Context<ConfigAdmin>, mid_term_interval: u32, long_term_interval: u32) -> Result<()> {
    refuse_durable_nonce(&ctx.accounts.instructions_sysvar)?;
    validate_intervals(mid_term_interval, long_term_interval)?;
    let config = &mut ctx.accounts.config;
    config.default_mid_term_interval = mid_term_interval;
    config.default_long_term_interval = long_term_interval;
    emit_cpi!(PairDefaultsSet { admin: ctx.accounts.admin.key(), mid_term_interval, long_term_interval });
    Ok(())
}
