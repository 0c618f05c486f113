//! Single-asset lending supply: deposit and withdraw X or Y (spec §4.4, §4.5, §2.4).

use super::liquidity::{credit, debit};
use super::{to_token_amount, TokenFlows};
use crate::errors::DlexError;
use crate::state::{Assets, Pool, Rounding, Shares, TokenKind};

/// The single asset a deposit or withdrawal is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, anchor_lang::AnchorSerialize, anchor_lang::AnchorDeserialize)]
pub enum Asset {
    X,
    Y,
}

impl Asset {
    pub fn deposit_kind(self) -> TokenKind {
        match self {
            Asset::X => TokenKind::DepositX,
            Asset::Y => TokenKind::DepositY,
        }
    }

    pub fn borrow_kind(self) -> TokenKind {
        match self {
            Asset::X => TokenKind::BorrowX,
            Asset::Y => TokenKind::BorrowY,
        }
    }

    fn flows(self, amount_in: u64, amount_out: u64) -> TokenFlows {
        match self {
            Asset::X => TokenFlows { x_in: amount_in, x_out: amount_out, ..Default::default() },
            Asset::Y => TokenFlows { y_in: amount_in, y_out: amount_out, ..Default::default() },
        }
    }
}

/// Deposits `amount` of one asset for lending; shares are rounded down (spec §2.4).
///
/// Refuses a share class whose assets were written off while shares remain (design §8): the
/// 1:1 fallback of `toShares` would hand the depositor's tokens to the old holders.
pub fn deposit(pool: &mut Pool, balances: &mut [u128; 6], asset: Asset, amount: u64) -> Result<(Shares, TokenFlows), DlexError> {
    if amount == 0 {
        return Err(DlexError::ZeroAmount);
    }
    if balances[asset.borrow_kind() as usize] > 0 {
        return Err(DlexError::CannotDepositBorrowedAsset);
    }
    let kind = asset.deposit_kind();
    let total_assets = pool.total_assets(kind)?;
    if total_assets.0 == 0 && pool.total_shares(kind).0 > 0 {
        return Err(DlexError::ShareClassWrittenOff);
    }
    let assets = Assets(u128::from(amount));
    let shares = pool.to_shares(kind, assets, Rounding::Down)?;
    if shares.0 == 0 {
        return Err(DlexError::ZeroSharesMinted);
    }
    pool.add_shares(kind, assets, shares)?;
    credit(balances, kind, shares.0)?;
    Ok((shares, asset.flows(amount, 0)))
}

/// Redeems `shares` of one asset's deposit for `floor` assets (spec §4.5). The 90% lending
/// limit after the withdrawal is `risk::check`'s job.
pub fn withdraw(pool: &mut Pool, balances: &mut [u128; 6], asset: Asset, shares: u128) -> Result<(Assets, TokenFlows), DlexError> {
    if shares == 0 {
        return Err(DlexError::ZeroAmount);
    }
    let kind = asset.deposit_kind();
    debit(balances, kind, shares)?;
    let assets = pool.to_assets(kind, Shares(shares), Rounding::Down)?;
    if assets.0 == 0 {
        return Err(DlexError::ZeroAssetsWithdrawn);
    }
    pool.remove_shares(kind, assets, Shares(shares))?;
    Ok((assets, asset.flows(0, to_token_amount(assets.0)?)))
}
