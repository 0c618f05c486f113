//! `swap_exact_in`: sell an exact amount of one token for at least `min_amount_out` of the
//! other (spec §4.3, §5). Also defines the swap account set shared with `swap_exact_out`.

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use super::common::{now_u32, settle, verify_conservation, TokenSide};
use crate::actions::{self, SwapAmount, SwapDirection, TokenFlows};
use crate::errors::DlexError;
use crate::events::Swapped;
use crate::math;
use crate::risk::{self, Action};
use crate::state::{Pair, Pool};

#[event_cpi]
#[derive(Accounts)]
pub struct SwapTokens<'info> {
    pub trader: Signer<'info>,
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
    #[account(mut, constraint = user_token_x.mint == mint_x.key() @ DlexError::WrongTokenAccountMint)]
    pub user_token_x: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, constraint = user_token_y.mint == mint_y.key() @ DlexError::WrongTokenAccountMint)]
    pub user_token_y: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(address = pair.load()?.token_program_x @ DlexError::WrongTokenProgram)]
    pub token_program_x: Interface<'info, TokenInterface>,
    #[account(address = pair.load()?.token_program_y @ DlexError::WrongTokenProgram)]
    pub token_program_y: Interface<'info, TokenInterface>,
}

/// The fee rate the swap paid on its input (Q64 bips), for the event.
fn fee_rate(before: &Pool, direction: SwapDirection, flows: &TokenFlows) -> u128 {
    match direction {
        SwapDirection::XToY => math::swap_fee_bips_q64(u128::from(flows.x_in), before.reserve_x.0, before.reference_x.0),
        SwapDirection::YToX => math::swap_fee_bips_q64(u128::from(flows.y_in), before.reserve_y.0, before.reference_y.0),
    }
}

/// Shared body of both swap instructions.
/// 1. Load the pair; accrue (TWAP observation; interest at most daily, spec §7.5).
/// 2. Apply the swap leg from the quote (largest output / smallest input passing K).
/// 3. Check the trader's limit; `risk::check` recomputes the adjusted-K check from the amounts.
/// 4. Record the price extreme (spec §8.5), write back, move tokens, verify conservation, emit.
pub fn execute_swap(mut ctx: Context<SwapTokens>, direction: SwapDirection, amount: SwapAmount, limit: u64) -> Result<()> {
    let now = now_u32()?;
    let pair_key = ctx.accounts.pair.key();
    let (flows, pool, fee_bips_q64) = {
        let mut pair = ctx.accounts.pair.load_mut()?;
        let mut pool = pair.pool();
        actions::accrue(&mut pair, &mut pool, now)?;
        let before = pool;
        let flows = actions::swap(&mut pool, direction, amount)?;
        let (amount_in, amount_out) = match direction {
            SwapDirection::XToY => (flows.x_in, flows.y_out),
            SwapDirection::YToX => (flows.y_in, flows.x_out),
        };
        match amount {
            SwapAmount::ExactIn(_) => require!(amount_out >= limit, DlexError::SlippageAmountOut),
            SwapAmount::ExactOut(_) => require!(amount_in <= limit, DlexError::SlippageAmountIn),
        }
        risk::check(&Action::Swap { direction, flows }, &before, &pool, &[0; 6])?;
        actions::record_price_extreme(&mut pair, &pool, now)?;
        pair.store_pool(&pool);
        (flows, pool, fee_rate(&before, direction, &flows))
    };
    let accounts = &mut ctx.accounts;
    let x = TokenSide { user: &accounts.user_token_x, vault: &accounts.vault_x, mint: &accounts.mint_x, token_program: &accounts.token_program_x };
    let y = TokenSide { user: &accounts.user_token_y, vault: &accounts.vault_y, mint: &accounts.mint_y, token_program: &accounts.token_program_y };
    settle(&accounts.trader, &accounts.pair, x, y, flows)?;
    verify_conservation(&accounts.pair, &mut accounts.vault_x, &mut accounts.vault_y)?;
    let (amount_in, amount_out) = match direction {
        SwapDirection::XToY => (flows.x_in, flows.y_out),
        SwapDirection::YToX => (flows.y_in, flows.x_out),
    };
    emit_cpi!(Swapped {
        pair: pair_key,
        trader: ctx.accounts.trader.key(),
        direction,
        amount_in,
        amount_out,
        fee_bips_q64,
        reserve_x: pool.reserve_x.0,
        reserve_y: pool.reserve_y.0,
    });
    Ok(())
}

pub fn handler(ctx: Context<SwapTokens>, direction: SwapDirection, amount_in: u64, min_amount_out: u64) -> Result<()> {
    execute_swap(ctx, direction, SwapAmount::ExactIn(amount_in), min_amount_out)
}
