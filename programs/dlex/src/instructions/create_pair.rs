//! `create_pair`: permissionless creation of an X/Y pair with its two vaults. The TWAP
//! intervals come from the Config (security review M-1: the first caller must not be able to
//! fix a pair's intervals forever, since a mint pair has only one pair).

use anchor_lang::prelude::*;
use anchor_spl::token_2022::spl_token_2022::extension::default_account_state::DefaultAccountState;
use anchor_spl::token_2022::spl_token_2022::extension::{BaseStateWithExtensions, ExtensionType, StateWithExtensions};
use anchor_spl::token_2022::spl_token_2022::state::{AccountState, Mint as Token2022Mint};
use anchor_spl::token_interface::{Mint, TokenInterface};

use super::create_accounts::{create_vault, create_zero_copy_account, fill_zero_copy_account};
use super::admin::init_config::validate_intervals;
use crate::constants::{CONFIG_SEED, PAIR_SEED, PAIR_STATUS_ACTIVE, SATURATION_SEED, SIDE_NET_X, SIDE_NET_Y, VAULT_SEED};
use crate::errors::DlexError;
use crate::events::PairCreated;
use crate::state::{Config, Pair, SaturationTree, FREEZABLE_X, FREEZABLE_Y, PAIR_SIZE, SATURATION_TREE_SIZE};

#[event_cpi]
#[derive(Accounts)]
pub struct CreatePair<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mint::token_program = token_program_x,
        constraint = mint_is_supported(&mint_x.to_account_info()) @ DlexError::UnsupportedMintExtension,
    )]
    pub mint_x: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        mint::token_program = token_program_y,
        constraint = mint_is_supported(&mint_y.to_account_info()) @ DlexError::UnsupportedMintExtension,
    )]
    pub mint_y: Box<InterfaceAccount<'info, Mint>>,
    /// Created by the handler at this PDA (see `create_accounts`: robust to lamports sent in
    /// advance). The mint-order checks sit here, before any account is created.
    /// CHECK: a PDA checked by its seeds; the handler creates the account.
    #[account(
        mut,
        seeds = [PAIR_SEED, mint_x.key().as_ref(), mint_y.key().as_ref()],
        bump,
        constraint = mint_x.key() != mint_y.key() @ DlexError::IdenticalMints,
        constraint = mint_x.key() < mint_y.key() @ DlexError::MintsNotCanonical,
    )]
    pub pair: UncheckedAccount<'info>,
    /// The pair's X vault, created by the handler at this PDA.
    /// CHECK: a PDA checked by its seeds; the handler creates the account.
    #[account(mut, seeds = [VAULT_SEED, pair.key().as_ref(), mint_x.key().as_ref()], bump)]
    pub vault_x: UncheckedAccount<'info>,
    /// The pair's Y vault, created by the handler at this PDA.
    /// CHECK: a PDA checked by its seeds; the handler creates the account.
    #[account(mut, seeds = [VAULT_SEED, pair.key().as_ref(), mint_y.key().as_ref()], bump)]
    pub vault_y: UncheckedAccount<'info>,
    /// The pair's net-X-debt saturation index, created by the handler at this PDA.
    /// CHECK: a PDA checked by its seeds; the handler creates the account.
    #[account(mut, seeds = [SATURATION_SEED, pair.key().as_ref(), SIDE_NET_X], bump)]
    pub saturation_net_x: UncheckedAccount<'info>,
    /// The pair's net-Y-debt saturation index, created by the handler at this PDA.
    /// CHECK: a PDA checked by its seeds; the handler creates the account.
    #[account(mut, seeds = [SATURATION_SEED, pair.key().as_ref(), SIDE_NET_Y], bump)]
    pub saturation_net_y: UncheckedAccount<'info>,
    pub token_program_x: Interface<'info, TokenInterface>,
    pub token_program_y: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

/// SPL Token mints are always accepted. A Token-2022 mint is refused if it carries an
/// extension that changes amounts or authority over the pool's tokens (design §4, §8):
/// transfer fee, transfer hook, permanent delegate, non-transferable, confidential transfers
/// or mint/burn, a close authority, pausable, or a default account state of frozen.
pub fn mint_is_supported(mint: &AccountInfo) -> bool {
    if *mint.owner != anchor_spl::token_2022::ID {
        return true;
    }
    let Ok(data) = mint.try_borrow_data() else { return false };
    let Ok(state) = StateWithExtensions::<Token2022Mint>::unpack(&data) else { return false };
    let Ok(extensions) = state.get_extension_types() else { return false };
    extensions.iter().all(|extension| match extension {
        ExtensionType::TransferFeeConfig
        | ExtensionType::TransferHook
        | ExtensionType::PermanentDelegate
        | ExtensionType::NonTransferable
        | ExtensionType::ConfidentialTransferMint
        | ExtensionType::ConfidentialTransferFeeConfig
        | ExtensionType::ConfidentialMintBurn
        | ExtensionType::MintCloseAuthority
        | ExtensionType::Pausable => false,
        ExtensionType::DefaultAccountState => state
            .get_extension::<DefaultAccountState>()
            .map(|ext| ext.state != AccountState::Frozen as u8)
            .unwrap_or(false),
        _ => true,
    })
}

/// 1. Accounts: canonical mint order, supported mints, PDA addresses (constraints above).
/// 2. Take the TWAP intervals from the Config's defaults (set by the admin, M-1) and validate
///    them again (design §6).
/// 3. Create the pair account, both vaults (owned by the pair PDA) and the two saturation
///    index accounts (one per side, spec §10.2), robust to prefunding.
/// 4. Store the mints, vaults, token programs, decimals and which mints can be frozen; the
///    pair is empty until its first `mint`, which also starts the TWAP buffers. Emit
///    `PairCreated`.
pub fn handler(ctx: Context<CreatePair>) -> Result<()> {
    let (mid_term_interval, long_term_interval) = (ctx.accounts.config.default_mid_term_interval, ctx.accounts.config.default_long_term_interval);
    validate_intervals(mid_term_interval, long_term_interval)?;
    let accounts = &ctx.accounts;
    let (mint_x, mint_y) = (accounts.mint_x.key(), accounts.mint_y.key());
    let pair_key = accounts.pair.key();
    let payer = accounts.payer.to_account_info();
    let pair_info = accounts.pair.to_account_info();
    let system_program = accounts.system_program.key();
    let bumps = &ctx.bumps;
    create_zero_copy_account::<Pair>(&payer, &pair_info, system_program, PAIR_SIZE, &[PAIR_SEED, mint_x.as_ref(), mint_y.as_ref(), &[bumps.pair]])?;
    create_vault(
        &payer,
        &accounts.vault_x.to_account_info(),
        &accounts.mint_x,
        &pair_info,
        &accounts.token_program_x,
        system_program,
        &[VAULT_SEED, pair_key.as_ref(), mint_x.as_ref(), &[bumps.vault_x]],
    )?;
    create_vault(
        &payer,
        &accounts.vault_y.to_account_info(),
        &accounts.mint_y,
        &pair_info,
        &accounts.token_program_y,
        system_program,
        &[VAULT_SEED, pair_key.as_ref(), mint_y.as_ref(), &[bumps.vault_y]],
    )?;
    for (side, info, bump) in [
        (0u8, accounts.saturation_net_x.to_account_info(), bumps.saturation_net_x),
        (1u8, accounts.saturation_net_y.to_account_info(), bumps.saturation_net_y),
    ] {
        create_zero_copy_account::<SaturationTree>(&payer, &info, system_program, SATURATION_TREE_SIZE, &[SATURATION_SEED, pair_key.as_ref(), &[side], &[bump]])?;
        fill_zero_copy_account::<SaturationTree>(&info, |tree| {
            tree.pair = pair_key;
            tree.side = side;
            tree.bump = bump;
            Ok(())
        })?;
    }
    let created_at = Clock::get()?.unix_timestamp;
    // Mints with a freeze authority (USDC and most fiat-backed stablecoins) are accepted; the
    // pair records them so clients can show the trust assumption (README, security).
    let (freezable_x, freezable_y) = (accounts.mint_x.freeze_authority.is_some(), accounts.mint_y.freeze_authority.is_some());
    let freezable_mints = if freezable_x { FREEZABLE_X } else { 0 } | if freezable_y { FREEZABLE_Y } else { 0 };
    fill_zero_copy_account::<Pair>(&pair_info, |pair| {
        pair.mint_x = mint_x;
        pair.mint_y = mint_y;
        pair.vault_x = accounts.vault_x.key();
        pair.vault_y = accounts.vault_y.key();
        pair.token_program_x = accounts.token_program_x.key();
        pair.token_program_y = accounts.token_program_y.key();
        pair.decimals_x = accounts.mint_x.decimals;
        pair.decimals_y = accounts.mint_y.decimals;
        pair.bump = bumps.pair;
        pair.vault_x_bump = bumps.vault_x;
        pair.vault_y_bump = bumps.vault_y;
        pair.status = PAIR_STATUS_ACTIVE;
        pair.freezable_mints = freezable_mints;
        pair.created_at = created_at;
        crate::actions::configure_oracle(pair, mid_term_interval, long_term_interval)?;
        Ok(())
    })?;
    emit_cpi!(PairCreated {
        pair: pair_key,
        mint_x,
        mint_y,
        token_program_x: accounts.token_program_x.key(),
        token_program_y: accounts.token_program_y.key(),
        mid_term_interval,
        long_term_interval,
        freezable_x,
        freezable_y,
    });
    Ok(())
}
