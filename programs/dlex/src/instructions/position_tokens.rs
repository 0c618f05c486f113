//! The account set shared by the instructions that move a position's tokens — `mint`, `burn`,
//! `deposit`, `withdraw` — and the pipeline they share (design §5, [`actions::run_leg`]):
//! load, accrue, apply the leg in memory, `risk::check`, write back. Only then do handlers move
//! tokens and emit.

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

use super::pair_tokens::{impl_settle, pair_bump, position_bump, vault_bump, VaultSide};
use super::saturation_accounts::with_saturation_accounts;
use crate::actions::{self, SaturationContext};
use crate::constants::{CONFIG_SEED, PAIR_SEED, POSITION_SEED, VAULT_SEED};
use crate::errors::DlexError;
use crate::risk::Action;
use crate::state::{Config, Depth, Pair, Pool, Position};

#[event_cpi]
#[derive(Accounts)]
pub struct PositionTokens<'info> {
    /// Owner of the position and of the user token accounts.
    pub owner: Signer<'info>,
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
    /// The owner's position in the pair.
    #[account(
        mut,
        seeds = [POSITION_SEED, pair.key().as_ref(), owner.key().as_ref()],
        bump = position_bump(&position, owner.key(), pair.key())?,
    )]
    pub position: AccountLoader<'info, Position>,
    /// Read for the global pause of new risk (`Config::new_risk_paused`).
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,
}

impl_settle!(PositionTokens, owner);

impl<'info> PositionTokens<'info> {
    /// Runs `leg` through [`run_position_leg`] (accrue, leg, saturation re-walk, `risk::check`,
    /// first-liquidity oracle start) on the loaded pair and position and the saturation
    /// accounts in `remaining`; all are written only if it succeeds. Returns the leg's value
    /// and the pool after it.
    pub fn apply_position_leg<T>(
        &self,
        remaining: &[AccountInfo<'info>],
        now: u32,
        leg: impl FnOnce(&mut Pool, &mut [u128; 6]) -> Result<(Action, T)>,
    ) -> Result<(T, Pool)> {
        run_position_leg(&self.pair, &self.position, remaining, now, self.config.new_risk_paused, leg)
    }

    /// [`apply_position_leg`](Self::apply_position_leg) for `execute`'s list, whose legs
    /// judge their pool rules on the pair's depth snapshot after accrual.
    pub fn apply_position_legs<T>(
        &self,
        remaining: &[AccountInfo<'info>],
        now: u32,
        legs: impl FnOnce(&mut Pool, &mut [u128; 6], &Depth) -> Result<(Action, T)>,
    ) -> Result<(T, Pool)> {
        run_position_legs(&self.pair, &self.position, remaining, now, self.config.new_risk_paused, legs)
    }
}

/// [`actions::run_leg`] on loaded pair and position accounts: the position's
/// balances, fragile shares and tranche allocation are read, its saturation is re-walked into
/// the tranche accounts of `remaining` (layout in [`super::saturation_accounts`]; none are
/// needed by a position that neither owes nor occupies a tranche), and everything is written
/// back only if the leg passes `risk::check`. Instructions without the full token account set
/// (`close_position`) use it directly.
pub fn run_position_leg<'info, T>(
    pair: &AccountLoader<'info, Pair>,
    position: &AccountLoader<'info, Position>,
    remaining: &[AccountInfo<'info>],
    now: u32,
    globally_paused: bool,
    leg: impl FnOnce(&mut Pool, &mut [u128; 6]) -> Result<(Action, T)>,
) -> Result<(T, Pool)> {
    run_position_legs(pair, position, remaining, now, globally_paused, |pool, balances, _| leg(pool, balances))
}

/// [`run_position_leg`] through [`actions::run_legs`]: the legs also receive the pair's
/// depth snapshot after accrual.
pub fn run_position_legs<'info, T>(
    pair: &AccountLoader<'info, Pair>,
    position: &AccountLoader<'info, Position>,
    remaining: &[AccountInfo<'info>],
    now: u32,
    globally_paused: bool,
    legs: impl FnOnce(&mut Pool, &mut [u128; 6], &Depth) -> Result<(Action, T)>,
) -> Result<(T, Pool)> {
    with_saturation_accounts(pair.key(), remaining, |store| {
        let mut pair = pair.load_mut()?;
        let mut position = position.load_mut()?;
        let mut balances = position.balances();
        let mut fragile = position.fragile_shares.get();
        let mut saturation = SaturationContext { store, allocations: position.allocations(), ratio_mag2: position.saturation_ratio() };
        let (value, pool, allocations) =
            actions::run_legs(&mut pair, &mut balances, &mut fragile, now, globally_paused, Some(&mut saturation), legs)?;
        position.set_balances(&balances);
        position.fragile_shares.set(fragile);
        if let Some(allocations) = allocations {
            position.set_allocations(&allocations);
        }
        Ok((value, pool))
    })
}
