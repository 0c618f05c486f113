//! The account set shared by the instructions that move a position's tokens — `mint`, `burn`,
//! `deposit`, `withdraw` — and the pipeline they share (design §5, [`actions::run_leg`]):
//! load, accrue, apply the leg in memory, `risk::check`, write back. Only then do handlers move
//! tokens and emit.

use anchor_lang::prelude::*;

// Glob: the nested accounts struct brings Anchor-generated companions (bumps, client modules).
use super::pair_tokens::*;
use crate::actions;
use crate::constants::CONFIG_SEED;
use crate::errors::DlexError;
use crate::risk::Action;
use crate::state::{Config, Pair, Pool, Position};

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
    /// Runs `leg` through [`actions::run_leg`] (accrue, leg, `risk::check`, first-liquidity
    /// oracle start) on the loaded pair and position, which are written only if it succeeds.
    /// Returns the leg's value and the pool after it.
    pub fn apply_position_leg<T>(&self, now: u32, leg: impl FnOnce(&mut Pool, &mut [u128; 6]) -> Result<(Action, T)>) -> Result<(T, Pool)> {
        run_position_leg(&self.tokens.pair, &self.position, now, self.config.new_risk_paused, leg)
    }
}

/// [`actions::run_leg`] on loaded pair and position accounts: the position's balances and
/// fragile shares are read, and written back only if the leg passes. Instructions without the
/// full token account set (`close_position`) use it directly.
pub fn run_position_leg<T>(
    pair: &AccountLoader<Pair>,
    position: &AccountLoader<Position>,
    now: u32,
    globally_paused: bool,
    leg: impl FnOnce(&mut Pool, &mut [u128; 6]) -> Result<(Action, T)>,
) -> Result<(T, Pool)> {
    let mut pair = pair.load_mut()?;
    let mut position = position.load_mut()?;
    let mut balances = position.balances();
    let mut fragile = position.fragile_shares.get();
    let result = actions::run_leg(&mut pair, &mut balances, &mut fragile, now, globally_paused, leg)?;
    position.set_balances(&balances);
    position.fragile_shares.set(fragile);
    Ok(result)
}
