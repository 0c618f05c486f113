//! `set_saturation_ratio`: the owner chooses how full (in percent of the pool's active
//! liquidity, 1–90, default 85) the tranches its position's saturation is walked into may be
//! (spec §10.6). A lower ratio spreads the allocation over more bands and leaves each band
//! less exposed to this position's liquidation; the bound on bands per position still holds.

use anchor_lang::prelude::*;

use super::pair_tokens::position_bump;
use crate::constants::POSITION_SEED;
use crate::errors::DlexError;
use crate::events::SaturationRatioSet;
use crate::state::{Pair, Position};

/// The ratio the owner may choose, in percent (spec §10.6: `MAX_INITIAL_SATURATION_MAG2`).
pub const SATURATION_RATIO_RANGE_MAG2: core::ops::RangeInclusive<u8> = 1..=90;

#[event_cpi]
#[derive(Accounts)]
pub struct SetSaturationRatio<'info> {
    pub owner: Signer<'info>,
    pub pair: AccountLoader<'info, Pair>,
    #[account(
        mut,
        seeds = [POSITION_SEED, pair.key().as_ref(), owner.key().as_ref()],
        bump = position_bump(&position, owner.key(), pair.key())?,
    )]
    pub position: AccountLoader<'info, Position>,
}

/// 1. Refuse a ratio outside 1–90 (`InvalidSaturationRatio`).
/// 2. Store it; it governs the position's next re-walk (the next instruction that changes the
///    position), so the current allocation is never moved without its tranche accounts.
/// 3. Emit `SaturationRatioSet`.
pub fn handler(ctx: Context<SetSaturationRatio>, ratio_mag2: u8) -> Result<()> {
    require!(SATURATION_RATIO_RANGE_MAG2.contains(&ratio_mag2), DlexError::InvalidSaturationRatio);
    let previous = {
        let mut position = ctx.accounts.position.load_mut()?;
        let previous = position.saturation_ratio() as u8;
        position.saturation_ratio_mag2 = ratio_mag2;
        previous
    };
    emit_cpi!(SaturationRatioSet {
        pair: ctx.accounts.pair.key(),
        owner: ctx.accounts.owner.key(),
        previous_ratio_mag2: previous,
        ratio_mag2,
    });
    Ok(())
}
