//! Creation of dlex's program-derived accounts, robust to lamports sent in advance.
//!
//! Config, pair, vault and position addresses are predictable. Anchor 1.2's `init` creates an
//! address that already holds lamports with the system program's `CreateAccountAllowPrefund`,
//! which runtimes without that instruction refuse — so anyone could block the config, a pair,
//! or another user's position, forever by sending it the rent of an empty account. dlex
//! creates these accounts itself: `create_account` for an empty address, otherwise top up to
//! rent, `allocate` and `assign`, signed with the address's seeds. An address that already
//! holds an account is refused with `AccountAlreadyExists`.

use anchor_lang::prelude::*;
use anchor_lang::system_program::{self, Allocate, Assign, CreateAccount, Transfer};
use anchor_lang::Discriminator;
use anchor_spl::token_2022::spl_token_2022;
use anchor_spl::token_2022::spl_token_2022::extension::{BaseStateWithExtensions, ExtensionType, StateWithExtensions};
use anchor_spl::token_interface::{self, InitializeAccount3, Mint, TokenInterface};

use crate::errors::DlexError;

/// Creates the account at `target` (a PDA signed by `signer_seeds`) with `space` bytes owned
/// by `owner`, whether or not someone already sent lamports to the address.
pub fn create_pda_account<'info>(
    payer: &AccountInfo<'info>,
    target: &AccountInfo<'info>,
    system_program: Pubkey,
    space: usize,
    owner: &Pubkey,
    signer_seeds: &[&[u8]],
) -> Result<()> {
    let rent = Rent::get()?.minimum_balance(space);
    let signer: &[&[&[u8]]] = &[signer_seeds];
    let program = system_program.key();
    if target.lamports() == 0 {
        let accounts = CreateAccount { from: payer.clone(), to: target.clone() };
        return system_program::create_account(CpiContext::new_with_signer(program, accounts, signer), rent, space as u64, owner);
    }
    require!(*target.owner == system_program::ID && target.data_is_empty(), DlexError::AccountAlreadyExists);
    let top_up = rent.saturating_sub(target.lamports());
    if top_up > 0 {
        let accounts = Transfer { from: payer.clone(), to: target.clone() };
        system_program::transfer(CpiContext::new(program, accounts), top_up)?;
    }
    system_program::allocate(CpiContext::new_with_signer(program, Allocate { account_to_allocate: target.clone() }, signer), space as u64)?;
    system_program::assign(CpiContext::new_with_signer(program, Assign { account_to_assign: target.clone() }, signer), owner)
}

/// Creates a zero-copy account of type `T` owned by dlex and writes its discriminator, so an
/// `AccountLoader<T>` accepts it afterwards.
pub fn create_zero_copy_account<'info, T: Discriminator>(
    payer: &AccountInfo<'info>,
    target: &AccountInfo<'info>,
    system_program: Pubkey,
    size: usize,
    signer_seeds: &[&[u8]],
) -> Result<()> {
    create_pda_account(payer, target, system_program, 8 + size, &crate::ID, signer_seeds)?;
    target.try_borrow_mut_data()?[..8].copy_from_slice(T::DISCRIMINATOR);
    Ok(())
}

/// Creates a vault token account for `mint` at `vault` (a PDA), owned by `token_program`, with
/// the account extensions a Token-2022 mint requires, and initializes it with `authority`.
pub fn create_vault<'info>(
    payer: &AccountInfo<'info>,
    vault: &AccountInfo<'info>,
    mint: &InterfaceAccount<'info, Mint>,
    authority: &AccountInfo<'info>,
    token_program: &Interface<'info, TokenInterface>,
    system_program: Pubkey,
    signer_seeds: &[&[u8]],
) -> Result<()> {
    let space = {
        let mint_info = mint.to_account_info();
        let data = mint_info.try_borrow_data()?;
        let required = match StateWithExtensions::<spl_token_2022::state::Mint>::unpack(&data) {
            Ok(state) if *mint_info.owner == anchor_spl::token_2022::ID => {
                let mint_extensions = state.get_extension_types().map_err(|_| DlexError::InvalidMint)?;
                ExtensionType::get_required_init_account_extensions(&mint_extensions)
            }
            _ => Vec::new(),
        };
        ExtensionType::try_calculate_account_len::<spl_token_2022::state::Account>(&required).map_err(|_| DlexError::InvalidMint)?
    };
    create_pda_account(payer, vault, system_program, space, &token_program.key(), signer_seeds)?;
    let accounts = InitializeAccount3 { account: vault.clone(), mint: mint.to_account_info(), authority: authority.clone() };
    token_interface::initialize_account3(CpiContext::new(token_program.key(), accounts))
}

/// Runs `fill` on the body of a freshly created zero-copy account (after its discriminator).
pub fn fill_zero_copy_account<T: bytemuck::Pod>(target: &AccountInfo, fill: impl FnOnce(&mut T) -> Result<()>) -> Result<()> {
    let mut data = target.try_borrow_mut_data()?;
    let body = data.get_mut(8..8 + core::mem::size_of::<T>()).ok_or(ErrorCode::AccountDidNotDeserialize)?;
    let value = bytemuck::try_from_bytes_mut::<T>(body).map_err(|_| ErrorCode::AccountDidNotDeserialize)?;
    fill(value)
}
