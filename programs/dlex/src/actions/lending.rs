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

/// Result of [`borrow`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BorrowOutcome {
    pub flows: TokenFlows,
    /// Debt recorded: the amount received plus the lending fee.
    pub debt: Assets,
    /// The 5-bip lending fee (spec §4.6), minted to the protocol as deposit shares.
    pub fee: Assets,
    /// Debt shares credited to the position (rounded up).
    pub shares: Shares,
}

/// Borrows `amount` of one asset (spec §4.6): debt = amount + `ceil(amount·5/10_000)`, debt
/// shares rounded up; the fee becomes protocol deposit shares (rounded up). The lending limit
/// and solvency are `risk::check`'s job; the position must not hold a deposit of the same
/// asset (spec §9.5 same-asset rule, refused early with the same error).
pub fn borrow(pool: &mut Pool, balances: &mut [u128; 6], asset: Asset, amount: u64) -> Result<BorrowOutcome, DlexError> {
    if amount == 0 {
        return Err(DlexError::ZeroAmount);
    }
    if balances[asset.deposit_kind() as usize] > 0 {
        return Err(DlexError::CannotBorrowAgainstSameCollateral);
    }
    let principal = u128::from(amount);
    let fee = crate::math::lending_fee(principal);
    let debt = Assets(principal.checked_add(fee).ok_or(DlexError::MathOverflow)?);
    let kind = asset.borrow_kind();
    let shares = pool.to_shares(kind, debt, Rounding::Up)?;
    pool.add_shares(kind, debt, shares)?;
    credit(balances, kind, shares.0)?;
    pool.mint_protocol_fee(asset.deposit_kind(), fee)?;
    Ok(BorrowOutcome { flows: asset.flows(0, amount), debt, fee: Assets(fee), shares })
}

/// Result of [`repay`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RepayOutcome {
    pub flows: TokenFlows,
    /// Tokens pulled: the amount offered, or the whole debt if that is less.
    pub amount: u64,
    /// Debt assets extinguished (equal to the tokens pulled).
    pub repaid: Assets,
    /// Debt shares burned.
    pub shares: Shares,
}

/// Repays with at most `amount` of one asset (spec §4.8, with Solana's exact pulls): burns
/// `floor(amount·S/A)` debt shares. When that reaches the position's whole balance, which
/// happens exactly when `amount ≥ ceil(balance·A/S)` (the debt), it burns every share and
/// pulls only the debt: nothing beyond what is owed ever leaves the payer (security review
/// L-2). Never blocked by health, never fails on arithmetic for any amount.
pub fn repay(pool: &mut Pool, balances: &mut [u128; 6], asset: Asset, amount: u64) -> Result<RepayOutcome, DlexError> {
    if amount == 0 {
        return Err(DlexError::ZeroAmount);
    }
    let kind = asset.borrow_kind();
    let (repaid, shares) = repaid_debt(pool, balances, kind, Assets(u128::from(amount)))?;
    pool.remove_shares(kind, repaid, shares)?;
    debit(balances, kind, shares.0)?;
    let pulled = to_token_amount(repaid.0)?;
    Ok(RepayOutcome { flows: asset.flows(pulled, 0), amount: pulled, repaid, shares })
}

/// A position's debt of `kind`: its debt shares and what they are worth, rounded up (for the
/// pool). `NothingToRepay` when it owes none.
pub(crate) fn owed(pool: &Pool, balances: &[u128; 6], kind: TokenKind) -> Result<(Shares, Assets), DlexError> {
    let held = balances[kind as usize];
    if held == 0 {
        return Err(DlexError::NothingToRepay);
    }
    Ok((Shares(held), pool.to_assets(kind, Shares(held), Rounding::Up)?))
}

/// The debt assets and shares that an offer of `offered` assets extinguishes for a position
/// holding debt shares of `kind`: `floor(offered·S/A)` shares for `offered` assets, or, when
/// that covers the whole balance, every share for `ceil(balance·A/S)` assets (the debt, which
/// is then at most `offered` and at most `A`). Errors: `NothingToRepay`, `RepayTooSmall`.
pub(crate) fn repaid_debt(pool: &Pool, balances: &[u128; 6], kind: TokenKind, offered: Assets) -> Result<(Assets, Shares), DlexError> {
    let (held, debt) = owed(pool, balances, kind)?;
    if offered >= debt {
        return Ok((debt, held));
    }
    // offered < debt ≤ A here, so floor(offered·S/A) < held and the product fits.
    let shares = pool.to_shares(kind, offered, Rounding::Down)?;
    if shares.0 == 0 {
        return Err(DlexError::RepayTooSmall);
    }
    Ok((offered, shares))
}
