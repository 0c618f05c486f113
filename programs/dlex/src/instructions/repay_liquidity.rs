//! `repay_liquidity`: repay L debt with X and Y (spec §4.9).

use anchor_lang::prelude::*;

use super::common::now_u32;
use super::position_tokens::PositionTokens;
use crate::actions;
use crate::events::LiquidityRepaid;
use crate::risk::Action;

/// 1. Apply the L-repay leg through the position pipeline: credits
///    `min(ceil(x·s/rX), ceil(y·s/rY))` L with `s = sqrtCeil(rX·rY)`, burns `floor` shares
///    capped at the debt; everything sent joins the reserves. Never blocked by health.
/// 2. Pull the tokens, verify conservation, emit `LiquidityRepaid`.
pub fn handler(mut ctx: Context<PositionTokens>, amount_x: u64, amount_y: u64) -> Result<()> {
    let now = now_u32()?;
    let (outcome, _) = ctx.accounts.apply_position_leg(now, |pool, balances| {
        Ok((Action::RepayLiquidity, actions::repay_liquidity(pool, balances, amount_x, amount_y)?))
    })?;
    let accounts = &mut ctx.accounts;
    accounts.tokens.settle(&accounts.owner, outcome.flows)?;
    emit_cpi!(LiquidityRepaid {
        pair: ctx.accounts.tokens.pair.key(),
        owner: ctx.accounts.owner.key(),
        amount_x,
        amount_y,
        repaid: outcome.repaid.0,
        shares: outcome.shares.0,
    });
    Ok(())
}
