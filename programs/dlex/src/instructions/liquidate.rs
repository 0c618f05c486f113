//! `liquidate`: a liquidator repays part or all of an unhealthy position's debt from its own
//! token accounts and takes deposit shares of that position into its own position in the same
//! pair (spec §11; design §8 on liveness).

use anchor_lang::prelude::*;

// Glob: the nested accounts struct brings Anchor-generated companions (bumps, client modules).
use super::common::now_u32;
use super::pair_tokens::*;
use super::saturation_accounts::with_saturation_accounts;
use crate::actions::{self, LiquidationRequest, PositionBook};
use crate::errors::DlexError;
use crate::events::{BadDebtBurned, Liquidated};
use crate::state::Position;

#[event_cpi]
#[derive(Accounts)]
pub struct Liquidate<'info> {
    /// Pays the repaid debt from `tokens.user_token_x/y` and owns `liquidator_position`.
    pub liquidator: Signer<'info>,
    /// The pair and the liquidator's token accounts.
    pub tokens: PairTokens<'info>,
    #[account(
        mut,
        constraint = borrower_position.load()?.pair == tokens.pair.key() @ DlexError::PositionPairMismatch,
        constraint = borrower_position.load()?.owner != liquidator.key() @ DlexError::SelfLiquidation,
    )]
    pub borrower_position: AccountLoader<'info, Position>,
    /// Receives the seized deposit shares (open one with `open_position` first).
    #[account(
        mut,
        constraint = liquidator_position.load()?.owner == liquidator.key() @ DlexError::PositionOwnerMismatch,
        constraint = liquidator_position.load()?.pair == tokens.pair.key() @ DlexError::PositionPairMismatch,
    )]
    pub liquidator_position: AccountLoader<'info, Position>,
}

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
    let pair_key = accounts.tokens.pair.key();
    let (outcome, borrower_owner) = with_saturation_accounts(pair_key, ctx.remaining_accounts, |store| {
        let mut pair = accounts.tokens.pair.load_mut()?;
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
    accounts.tokens.settle(&accounts.liquidator, outcome.flows)?;
    let pair = ctx.accounts.tokens.pair.key();
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
