//! The token accounts of one pair as seen by a user: the pair, its mints, vaults and token
//! programs, and the user's two token accounts. Nested into the account sets of every
//! instruction that moves tokens (swaps and position instructions). Every account is bound to
//! the pair by the addresses it stored at creation.

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use super::common::{settle, verify_conservation, TokenSide};
use crate::actions::TokenFlows;
use crate::errors::DlexError;
use crate::state::Pair;

#[derive(Accounts)]
pub struct PairTokens<'info> {
    #[account(mut)]
    pub pair: AccountLoader<'info, Pair>,
    #[account(address = pair.load()?.mint_x @ DlexError::WrongMint)]
    pub mint_x: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = pair.load()?.mint_y @ DlexError::WrongMint)]
    pub mint_y: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, address = pair.load()?.vault_x @ DlexError::WrongVault)]
    pub vault_x: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, address = pair.load()?.vault_y @ DlexError::WrongVault)]
    pub vault_y: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = user_token_x.mint == mint_x.key() @ DlexError::WrongTokenAccountMint,
        constraint = user_token_x.key() != vault_x.key() @ DlexError::VaultAsUserAccount,
    )]
    pub user_token_x: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = user_token_y.mint == mint_y.key() @ DlexError::WrongTokenAccountMint,
        constraint = user_token_y.key() != vault_y.key() @ DlexError::VaultAsUserAccount,
    )]
    pub user_token_y: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = pair.load()?.token_program_x @ DlexError::WrongTokenProgram)]
    pub token_program_x: Interface<'info, TokenInterface>,
    #[account(address = pair.load()?.token_program_y @ DlexError::WrongTokenProgram)]
    pub token_program_y: Interface<'info, TokenInterface>,
}

impl<'info> PairTokens<'info> {
    /// Transfers `flows` between `user` and the vaults, then verifies the vaults still cover
    /// the accounting (design §7).
    pub fn settle(&mut self, user: &Signer<'info>, flows: TokenFlows) -> Result<()> {
        let x = TokenSide { user: &self.user_token_x, vault: &self.vault_x, mint: &self.mint_x, token_program: &self.token_program_x };
        let y = TokenSide { user: &self.user_token_y, vault: &self.vault_y, mint: &self.mint_y, token_program: &self.token_program_y };
        settle(user, &self.pair, x, y, flows)?;
        verify_conservation(&self.pair, &mut self.vault_x, &mut self.vault_y)
    }
}
