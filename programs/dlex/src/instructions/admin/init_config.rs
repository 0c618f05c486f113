//! `init_config`: create the protocol Config once, at deployment, signed by the program's
//! upgrade authority (security review L-4: otherwise anyone could front-run it and own the
//! admin role and the protocol fees).

use anchor_lang::prelude::*;
use anchor_lang::solana_program::bpf_loader_upgradeable::{self, UpgradeableLoaderState};
use solana_instructions_sysvar as ix_sysvar;

use crate::constants::{CONFIG_SEED, MAX_MID_TERM_INTERVAL_SECONDS, MIN_LONG_TERM_INTERVAL_FACTOR, MIN_MID_TERM_INTERVAL_SECONDS};
use crate::instructions::create_accounts::create_pda_account;
use crate::errors::DlexError;
use crate::events::ConfigInitialized;
use crate::state::Config;

#[event_cpi]
#[derive(Accounts)]
pub struct InitConfig<'info> {
    /// The program's upgrade authority; becomes the admin and pays for the account.
    #[account(mut)]
    pub admin: Signer<'info>,
    /// Created by the handler at this PDA (see `create_accounts`: robust to lamports sent to
    /// the predictable address before deployment).
    /// CHECK: a PDA checked by its seeds; the handler creates the account.
    #[account(mut, seeds = [CONFIG_SEED], bump)]
    pub config: UncheckedAccount<'info>,
    /// This program's ProgramData account (the upgradeable loader's PDA of the program id).
    /// Its address is checked first (`InvalidProgramData`); the handler checks its owner,
    /// state and upgrade authority ([`check_upgrade_authority`]).
    /// CHECK: see above.
    #[account(
        seeds = [crate::ID.as_ref()],
        seeds::program = bpf_loader_upgradeable::ID,
        bump = program_data_bump(program_data.key())?,
    )]
    pub program_data: UncheckedAccount<'info>,
    /// CHECK: the instructions sysvar, checked by address; read to refuse durable nonces.
    #[account(address = ix_sysvar::ID)]
    pub instructions_sysvar: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

/// Admin instructions refuse durable-nonce transactions (design §8): a pre-signed admin
/// transaction that can be replayed at any later time is a standing risk. A durable-nonce
/// transaction starts with the system program's AdvanceNonceAccount (instruction 4).
pub fn refuse_durable_nonce(instructions_sysvar: &AccountInfo) -> Result<()> {
    let first = ix_sysvar::load_instruction_at_checked(0, instructions_sysvar)?;
    let advances_nonce = first.program_id == anchor_lang::system_program::ID
        && first.data.get(..4) == Some(&4u32.to_le_bytes()[..]);
    require!(!advances_nonce, DlexError::DurableNonceNotAllowed);
    Ok(())
}

/// The canonical bump of this program's ProgramData address, once `program_data` is that
/// address (`InvalidProgramData` otherwise, before Anchor's seeds check could answer
/// `ConstraintSeeds`). Runs once per deployment, so the bump search costs nothing that matters.
pub fn program_data_bump(program_data: Pubkey) -> Result<u8> {
    let (expected, bump) = Pubkey::find_program_address(&[crate::ID.as_ref()], &bpf_loader_upgradeable::ID);
    require_keys_eq!(program_data, expected, DlexError::InvalidProgramData);
    Ok(bump)
}

/// Requires `program_data` to be this program's ProgramData account, i.e. the upgradeable
/// loader's PDA of `[program_id]`, owned by that loader and holding ProgramData state
/// (`InvalidProgramData` otherwise), whose upgrade authority is `signer`
/// (`NotUpgradeAuthority` otherwise, also when the program is immutable).
pub fn check_upgrade_authority(program_data: &AccountInfo, signer: &Pubkey) -> Result<()> {
    let expected = bpf_loader_upgradeable::get_program_data_address(&crate::ID);
    require_keys_eq!(program_data.key(), expected, DlexError::InvalidProgramData);
    require_keys_eq!(*program_data.owner, bpf_loader_upgradeable::ID, DlexError::InvalidProgramData);
    let data = program_data.try_borrow_data()?;
    let header = data.get(..UpgradeableLoaderState::size_of_programdata_metadata()).ok_or(DlexError::InvalidProgramData)?;
    let Ok(UpgradeableLoaderState::ProgramData { upgrade_authority_address, .. }) = UpgradeableLoaderState::try_deserialize_unchecked(&mut &header[..])
    else {
        return err!(DlexError::InvalidProgramData);
    };
    require!(upgrade_authority_address == Some(*signer), DlexError::NotUpgradeAuthority);
    Ok(())
}

/// 1. Refuse durable nonces; require the program's upgrade authority as signer (L-4);
///    validate the default TWAP intervals (design §6).
/// 2. Create the Config account (robust to prefunding) and store admin, fee recipient and
///    defaults; emit `ConfigInitialized`.
pub fn handler(
    ctx: Context<InitConfig>,
    fee_recipient: Pubkey,
    default_mid_term_interval: u32,
    default_long_term_interval: u32,
) -> Result<()> {
    refuse_durable_nonce(&ctx.accounts.instructions_sysvar)?;
    check_upgrade_authority(&ctx.accounts.program_data, &ctx.accounts.admin.key())?;
    validate_intervals(default_mid_term_interval, default_long_term_interval)?;
    let accounts = &ctx.accounts;
    let config_info = accounts.config.to_account_info();
    let bump = ctx.bumps.config;
    create_pda_account(
        &accounts.admin.to_account_info(),
        &config_info,
        accounts.system_program.key(),
        8 + Config::INIT_SPACE,
        &crate::ID,
        &[CONFIG_SEED, &[bump]],
    )?;
    let config = Config {
        admin: accounts.admin.key(),
        fee_recipient,
        default_mid_term_interval,
        default_long_term_interval,
        new_risk_paused: false,
        bump,
        pending_admin: None,
        reserved: [0; 64],
    };
    {
        let mut data = config_info.try_borrow_mut_data()?;
        let mut writer: &mut [u8] = &mut data;
        config.try_serialize(&mut writer)?;
    }
    emit_cpi!(ConfigInitialized { admin: config.admin, fee_recipient });
    Ok(())
}

/// Mid-term ≥ 8 s (the risk model's interval, design §8), long-term ≥ 14 × mid-term (spec
/// §8.1), both below the upper bounds in `constants`.
pub fn validate_intervals(mid: u32, long: u32) -> Result<()> {
    let long_min = mid.checked_mul(MIN_LONG_TERM_INTERVAL_FACTOR).ok_or(DlexError::InvalidIntervalConfig)?;
    require!(
        (MIN_MID_TERM_INTERVAL_SECONDS..=MAX_MID_TERM_INTERVAL_SECONDS).contains(&mid)
            && long >= long_min
            && long <= crate::constants::MAX_LONG_TERM_INTERVAL_SECONDS,
        DlexError::InvalidIntervalConfig
    );
    Ok(())
}
