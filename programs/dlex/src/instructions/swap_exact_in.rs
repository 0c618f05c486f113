//! `swap_exact_in`: sell an exact amount of one token for at least `min_amount_out` of the
//! other (spec §4.3, §5). Also defines the swap account set shared with `swap_exact_out`.

use anchor_lang::prelude::*;

use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use super::common::now_u32;
use super::pair_tokens::{impl_settle, pair_bump, vault_bump, VaultSide};
use crate::actions::{self, PairSwap, SwapAmount, SwapDirection};
use crate::constants::{PAIR_SEED, VAULT_SEED};
use crate::errors::DlexError;
use crate::events::Swapped;
use crate::state::Pair;

#[event_cpi]
#[derive(Accounts)]
pub struct SwapTokens<'info> {
    pub trader: Signer<'info>,
    #[account(
        mut,
        seeds = [PAIR_SEED, mint_x.key().as_ref(), mint_y.key().as_ref()],
        bump = pair_bump(&pair, mint_x.key(), mint_y.key())?,
        has_one = token_program_x @ DlexError::WrongTokenProgram,
        has_one = token_program_y @ DlexError::WrongTokenProgram,
    )]
    pub pair: AccountLoader<'info, Pair>,
    pub mint_x: Box<InterfaceAccount<'info, Mint>>,
    pub mint_y: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, seeds = [VAULT_SEED, pair.key().as_ref(), mint_x.key().as_ref()], bump = vault_bump(&pair, vault_x.key(), VaultSide::X)?)]
    pub vault_x: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, seeds = [VAULT_SEED, pair.key().as_ref(), mint_y.key().as_ref()], bump = vault_bump(&pair, vault_y.key(), VaultSide::Y)?)]
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
    pub token_program_x: Interface<'info, TokenInterface>,
    pub token_program_y: Interface<'info, TokenInterface>,
}

impl_settle!(SwapTokens, trader);

/// Shared body of both swap instructions.
/// 1. Load the pair and run the swap on it (`actions::swap_on_pair`): accrue (TWAP
///    observation; interest at most daily, spec §7.5), the swap leg with the trader's limit,
///    `risk::check` (the adjusted-K check), the price extreme (spec §8.5), write back.
/// 2. Move tokens, verify conservation, emit.
pub fn execute_swap(ctx: Context<SwapTokens>, direction: SwapDirection, amount: SwapAmount, limit: u64) -> Result<()> {
    let now = now_u32()?;
    let swap = actions::swap_on_pair(&mut *ctx.accounts.pair.load_mut()?, direction, amount, limit, now)?;
    ctx.accounts.settle(swap.flows)?;
    emit_cpi!(swapped(ctx.accounts.pair.key(), ctx.accounts.trader.key(), &swap));
    Ok(())
}

/// The `Swapped` event of one applied swap.
pub(crate) fn swapped(pair: Pubkey, trader: Pubkey, swap: &PairSwap) -> Swapped {
    let (amount_in, amount_out) = swap.amounts();
    Swapped {
        pair,
        trader,
        direction: swap.direction,
        amount_in,
        amount_out,
        fee_bips_q64: swap.fee_bips_q64,
        reserve_x: swap.pool.reserve_x.0,
        reserve_y: swap.pool.reserve_y.0,
    }
}

pub fn handler(ctx: Context<SwapTokens>, direction: SwapDirection, amount_in: u64, min_amount_out: u64) -> Result<()> {
    execute_swap(ctx, direction, SwapAmount::ExactIn(amount_in), min_amount_out)
}
