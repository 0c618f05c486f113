//! `withdraw`: redeem DEPOSIT_X / DEPOSIT_Y shares for the asset (spec §4.5).

use anchor_lang::prelude::*;

use super::position_legs::run_one_leg;
use super::position_tokens::PositionTokens;
use crate::actions::{Asset, Leg};

/// 1. Apply the withdraw leg through the position pipeline: assets rounded down;
///    `risk::check` applies the 90% lending limit after the withdrawal.
/// 2. Refuse fewer than `min_amount` tokens.
/// 3. Pay out, verify conservation, emit `Withdrawn`.
pub fn handler<'info>(mut ctx: Context<'info, PositionTokens<'info>>, asset: Asset, shares: u128, min_amount: u64) -> Result<()> {
    run_one_leg(&mut ctx, Leg::Withdraw { asset, shares, min_amount })
}
