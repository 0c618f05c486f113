//! `liquidate`: a liquidator repays part or all of an unhealthy position's debt from its own
//! token accounts and takes deposit shares of that position into its own position in the same
//! pair (spec §11; design §8 on liveness).

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use super::common::now_u32;
use super::pair_tokens::{impl_settle, pair_bump, position_bump, vault_bump, VaultSide};
use super::saturation_accounts::with_saturation_accounts;
use crate::actions::{self, LiquidationRequest, PositionBook};
use crate::constants::{PAIR_SEED, POSITION_SEED, VAULT_SEED};
use crate::errors::DlexError;
use crate::events::{BadDebtBurned, Liquidated};
use crate::state::{Pair, Position};

#[event_cpi]
#[derive(Accounts)]
pub struct Liquidate<'info> {
    /// Pays the repaid debt from `user_token_x/y` and owns `liquidator_position`.
    pub liquidator: Signer<'info>,
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
    /// The liquidator's token accounts.
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
    /// The position to liquidate (any owner's but the liquidator's, in this pair).
    #[account(
        mut,
        constraint = borrower_position.load()?.pair == pair.key() @ DlexError::PositionPairMismatch,
        constraint = borrower_position.load()?.owner != liquidator.key() @ DlexError::SelfLiquidation,
    )]
    pub borrower_position: AccountLoader<'info, Position>,
    /// Receives the seized deposit shares (open one with `open_position` first).
    #[account(
        mut,
        seeds = [POSITION_SEED, pair.key().as_ref(), liquidator.key().as_ref()],
        bump = position_bump(&liquidator_position, liquidator.key(), pair.key())?,
    )]
    pub liquidator_position: AccountLoader<'info, Position>,
}

impl_settle!(Liquidate, liquidator);

/// 1. Run the liquidation on the loaded pair and both positions ([`actions::run_liquidation`]:
///    accrue, repay, seize, judge with `risk::check`, burn bad debt, re-walk the borrower's
///    saturation into the tranche accounts given after the named ones, write back). Never
///    blocked by a pause, tranche capacity or range edges, and the price window needs no
///    warm-up.
/// 2. Pull the repaid tokens from the liquidator and verify conservation.
/// 3. Emit `Liquidated`, and `BadDebtBurned` when the rest of the debt was written off.
pub fn handler<'info>(mut ctx: Context<'info, Liquidate<'info>>, request: LiquidationRequest, max_amount_x: u64, max_amount_y: u64) -> Result<()> {
    let now = now_u32()?;
    let accounts = &mut ctx.accounts;
    let pair_key = accounts.pair.key();
    let (outcome, borrower_owner) = with_saturation_accounts(pair_key, ctx.remaining_accounts, |store| {
        let mut pair = accounts.pair.load_mut()?;
        let mut borrower_position = accounts.borrower_position.load_mut()?;
        let mut liquidator_position = accounts.liquidator_position.load_mut()?;
        let mut borrower = PositionBook::of(&borrower_position);
        let mut liquidator = PositionBook::of(&liquidator_position);
        let outcome =
            actions::run_liquidation(&mut pair, &mut borrower, &mut liquidator, Some(store), now, request, max_amount_x, max_amount_y)?;
        borrower.store(&mut borrower_position);
        liquidator.store(&mut liquidator_position);
        Ok((outcome, borrower_position.owner))
    })?;
    accounts.settle(outcome.flows)?;
    let pair = ctx.accounts.pair.key();
    emit_cpi!(Liquidated {
        pair,
        borrower: borrower_owner,
        liquidator: ctx.accounts.liquidator.key(),
        kind: outcome.kind,
        repaid_l: outcome.repaid[0],
        repaid_x: outcome.repaid[1],
        repaid_y: outcome.repaid[2],
        seized_l: outcome.seized[0],
        seized_x: outcome.seized[1],
        seized_y: outcome.seized[2],
        paid_x: outcome.flows.x_in,
        paid_y: outcome.flows.y_in,
        premium_bips: outcome.verdict.premium_bips,
        max_premium_bips: outcome.verdict.max_premium_bips,
        bad_debt: outcome.bad_debt.is_some(),
    });
    if let Some(burn) = outcome.bad_debt {
        emit_cpi!(BadDebtBurned {
            pair,
            borrower: borrower_owner,
            debt_l: burn.debt_assets[0],
            debt_x: burn.debt_assets[1],
            debt_y: burn.debt_assets[2],
            from_reserve_x: burn.from_reserves[0],
            from_reserve_y: burn.from_reserves[1],
            from_deposits_x: burn.from_deposits[0],
            from_deposits_y: burn.from_deposits[1],
            forfeited_shares_l: burn.forfeited_deposit_shares[0],
            forfeited_shares_x: burn.forfeited_deposit_shares[1],
            forfeited_shares_y: burn.forfeited_deposit_shares[2],
        });
    }
    Ok(())
}
