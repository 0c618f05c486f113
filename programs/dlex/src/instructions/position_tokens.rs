//! The account set shared by the instructions that move a position's tokens — `mint`, `burn`,
//! `deposit`, `withdraw` — and the pipeline they share (design §5, [`actions::run_leg`]):
//! load, accrue, apply the leg in memory, `risk::check`, write back. Only then do handlers move
//! tokens and emit.

use anchor_lang::prelude::*;

// Glob: the nested accounts struct brings Anchor-generated companions (bumps, client modules).
use super::pair_tokens::*;
use super::saturation_accounts::with_saturation_accounts;
use crate::actions::{self, SaturationContext};
use crate::constants::CONFIG_SEED;
use crate::errors::DlexError;
use crate::risk::Action;
use crate::state::{Config, Depth, Pair, Pool, Position};

#[event_cpi]
#[derive(Accounts)]
pub struct PositionTokens<'info> {
    /// Owner of the position and of the user token accounts.
    pub owner: Signer<'info>,
    pub tokens: PairTokens<'info>,
    #[account(
        mut,
        constraint = position.load()?.owner == owner.key() @ DlexError::PositionOwnerMismatch,
        constraint = position.load()?.pair == tokens.pair.key() @ DlexError::PositionPairMismatch,
    )]
    pub position: AccountLoader<'info, Position>,
    /// Read for the global pause of new risk (`Config::new_risk_paused`).
    #[account(seeds = [CONFIG_SEED], bump = config.bump)]
    pub config: Box<Account<'info, Config>>,
}

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
        run_position_leg(&self.tokens.pair, &self.position, remaining, now, self.config.new_risk_paused, leg)
    }

    /// [`apply_position_leg`](Self::apply_position_leg) for `execute`'s list, whose legs
    /// judge their pool rules on the pair's depth snapshot after accrual.
    pub fn apply_position_legs<T>(
        &self,
        remaining: &[AccountInfo<'info>],
        now: u32,
        legs: impl FnOnce(&mut Pool, &mut [u128; 6], &Depth) -> Result<(Action, T)>,
    ) -> Result<(T, Pool)> {
        run_position_legs(&self.tokens.pair, &self.position, remaining, now, self.config.new_risk_paused, legs)
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
