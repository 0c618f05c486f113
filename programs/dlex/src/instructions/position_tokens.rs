//! The account set shared by the instructions that move a position's tokens: `mint`, `burn`,
//! `deposit` and `withdraw`. Every account is bound to the pair: mints, vaults and token
//! programs by the addresses the pair stored at creation, the position by its owner and pair.

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use super::common::TokenSide;
use crate::errors::DlexError;
use crate::state::{Pair, Position};

#[event_cpi]
#[derive(Accounts)]
pub struct PositionTokens<'info> {
    /// Owner of the position and of the user token accounts.
    pub owner: Signer<'info>,
    #[account(mut)]
    pub pair: AccountLoader<'info, Pair>,
    #[account(
        mut,
        constraint = position.load()?.owner == owner.key() @ DlexError::PositionOwnerMismatch,
        constraint = position.load()?.pair == pair.key() @ DlexError::PositionPairMismatch,
    )]
    pub position: AccountLoader<'info, Position>,
    #[account(address = pair.load()?.mint_x @ DlexError::WrongMint)]
    pub mint_x: Box<InterfaceAccount<'info, Mint>>,
    #[account(address = pair.load()?.mint_y @ DlexError::WrongMint)]
    pub mint_y: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, address = pair.load()?.vault_x @ DlexError::WrongVault)]
    pub vault_x: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, address = pair.load()?.vault_y @ DlexError::WrongVault)]
    pub vault_y: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, constraint = user_token_x.mint == mint_x.key() @ DlexError::WrongTokenAccountMint)]
    pub user_token_x: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, constraint = user_token_y.mint == mint_y.key() @ DlexError::WrongTokenAccountMint)]
    pub user_token_y: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = pair.load()?.token_program_x @ DlexError::WrongTokenProgram)]
    pub token_program_x: Interface<'info, TokenInterface>,
    #[account(address = pair.load()?.token_program_y @ DlexError::WrongTokenProgram)]
    pub token_program_y: Interface<'info, TokenInterface>,
}

impl<'info> PositionTokens<'info> {
    pub fn side_x(&self) -> TokenSide<'_, 'info> {
        TokenSide { user: &self.user_token_x, vault: &self.vault_x, mint: &self.mint_x, token_program: &self.token_program_x }
    }

    pub fn side_y(&self) -> TokenSide<'_, 'info> {
        TokenSide { user: &self.user_token_y, vault: &self.vault_y, mint: &self.mint_y, token_program: &self.token_program_y }
    }

    /// Transfers `flows`, then verifies the vaults still cover the accounting.
    pub fn settle(&mut self, flows: crate::actions::TokenFlows) -> Result<()> {
        super::common::settle(&self.owner, &self.pair, self.side_x(), self.side_y(), flows)?;
        super::common::verify_conservation(&self.pair, &mut self.vault_x, &mut self.vault_y)
    }
}
