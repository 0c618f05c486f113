//! `repay`: repay X or Y debt of the position (spec §4.8).

use anchor_lang::prelude::*;

use super::position_legs::run_one_leg;
use super::position_tokens::PositionTokens;
use crate::actions::{Asset, Leg};

/// 1. Apply the repay leg through the position pipeline: burns `floor(amount·S/A)` debt
///    shares; an amount that covers the whole debt burns every share and pulls only the debt
///    (pass `u64::MAX` to repay everything). Repaying is never blocked by the position's
///    health.
/// 2. Pull what was repaid, verify conservation, emit `Repaid`.
pub fn handler<'info>(mut ctx: Context<'info, PositionTokens<'info>>, asset: Asset, amount: u64) -> Result<()> {
    run_one_leg(&mut ctx, Leg::Repay { asset, amount })
}
