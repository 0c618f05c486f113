//! `position_health`: a read-only query, meant to be simulated, that returns a position's
//! [`PositionReport`](crate::queries::PositionReport) as return data (not logs).

use anchor_lang::prelude::*;

use super::common::{mirror_return_data_off_chain, now_u32};
use crate::errors::DlexError;
use crate::queries::{self, PositionReport};
use crate::state::{Pair, Position};

#[derive(Accounts)]
pub struct PositionHealth<'info> {
    /// The position's pair (clients read it from the position).
    pub pair: AccountLoader<'info, Pair>,
    #[account(has_one = pair @ DlexError::PositionPairMismatch)]
    pub position: AccountLoader<'info, Position>,
}

/// Computes the report on copies, with interest and the oracle accrued to now; writes nothing.
/// Closed-form (one accrual, one solvency check), so it fits a simulation's compute limit; the
/// borrow and withdraw limits are searched off-chain by the SDK.
pub fn handler(ctx: Context<PositionHealth>) -> Result<PositionReport> {
    let now = now_u32()?;
    let pair = Box::new(*ctx.accounts.pair.load()?);
    let position = Box::new(*ctx.accounts.position.load()?);
    let report = queries::position_report_of(&pair, &position, now)?;
    mirror_return_data_off_chain(&report)?;
    Ok(report)
}
