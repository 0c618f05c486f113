//! Position bookkeeping outside the trading legs. Closing: what may be left behind. A position can close once it owes nothing and
//! every deposit balance it still holds redeems to zero tokens (dust below one unit, or L
//! shares whose burn would pay nothing on one side); those shares are forfeited to the other
//! holders of their class, so no position is ever stuck open with its rent locked.
//! Collecting protocol fees: crediting the fee recipient under the same-asset rule.

use super::liquidity::debit;
use crate::errors::DlexError;
use crate::math;
use crate::state::{has_debt, Assets, Pool, Rounding, Shares, TokenKind};

/// Removes the position's dust deposit shares (L, X, Y) from `balances` and the pool's totals,
/// leaving the assets behind for the class's other holders, and returns the forfeited shares.
/// Refuses (`PositionNotEmpty`) a position with debt or with a deposit that still redeems to
/// at least one token: those must be repaid, burned or withdrawn first.
pub fn forfeit_dust(pool: &mut Pool, balances: &mut [u128; 6]) -> Result<[u128; 3], DlexError> {
    if has_debt(balances) {
        return Err(DlexError::PositionNotEmpty);
    }
    let shares_l = balances[TokenKind::DepositL as usize];
    if shares_l > 0 {
        let active = pool.active_liquidity();
        let deposit_l = pool.deposit_l_assets()?.0;
        let total = pool.total_shares(TokenKind::DepositL).0;
        let pays_x = math::to_liquidity_assets(shares_l, pool.reserve_x.0, active, deposit_l, total)?;
        let pays_y = math::to_liquidity_assets(shares_l, pool.reserve_y.0, active, deposit_l, total)?;
        if pays_x > 0 && pays_y > 0 {
            return Err(DlexError::PositionNotEmpty);
        }
    }
    let mut forfeited = [0u128; 3];
    for (slot, kind) in [TokenKind::DepositL, TokenKind::DepositX, TokenKind::DepositY].into_iter().enumerate() {
        let shares = Shares(balances[kind as usize]);
        if shares.0 == 0 {
            continue;
        }
        if kind != TokenKind::DepositL && pool.to_assets(kind, shares, Rounding::Down)?.0 > 0 {
            return Err(DlexError::PositionNotEmpty);
        }
        // The assets stay: only the claim on them goes, so every other holder gains.
        pool.remove_shares(kind, Assets(0), shares)?;
        debit(balances, kind, shares.0)?;
        forfeited[slot] = shares.0;
    }
    Ok(forfeited)
}

/// Moves the pool's pending protocol-fee deposit shares into the fee recipient's `balances`
/// (`collect_protocol_fees`), skipping a deposit kind whose asset the position borrows (it
/// stays pending: an asset is never both deposited and borrowed), and re-derives the
/// position's fragile liquidity. Returns the shares collected per kind (L, X, Y).
pub fn collect_protocol_fee_shares(pool: &mut Pool, balances: &mut [u128; 6], position_fragile: &mut u128) -> Result<[u128; 3], DlexError> {
    let mut collected = [0u128; 3];
    for (slot, kind) in [TokenKind::DepositL, TokenKind::DepositX, TokenKind::DepositY].into_iter().enumerate() {
        let borrowed_same_asset = match kind {
            TokenKind::DepositX => balances[TokenKind::BorrowX as usize] > 0,
            TokenKind::DepositY => balances[TokenKind::BorrowY as usize] > 0,
            _ => false,
        };
        if borrowed_same_asset {
            continue;
        }
        collected[slot] = pool.protocol_fee_shares[slot];
        super::liquidity::credit(balances, kind, collected[slot])?;
        pool.protocol_fee_shares[slot] = 0;
    }
    pool.update_fragile(balances, position_fragile)?;
    Ok(collected)
}
