//! The in-memory pool: the accounting numbers of a pair, loaded once per instruction, mutated
//! by `actions`, judged by `risk::check`, and written back only if the check passes.
//!
//! Current and reference reserves, assets and shares are distinct newtypes so that swapping two
//! of them (Ammalgam's swapped-fee-argument finding) does not compile.

use crate::errors::DlexError;
use crate::math;

use super::TokenKind;

/// A current (virtual) reserve: tokens in the AMM curve, including the part lent out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reserve(pub u128);

/// A reference reserve: the quadratic fee's anchor for the current observation interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReferenceReserve(pub u128);

/// An amount of underlying assets (tokens, or L units for the L kinds).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Assets(pub u128);

/// An amount of shares of one [`TokenKind`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shares(pub u128);

/// Which way a conversion rounds. Always chosen so the pool, not the user, gets the remainder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    Down,
    Up,
}

impl Rounding {
    fn up(self) -> bool {
        matches!(self, Rounding::Up)
    }
}

/// The accounting state of one pair (spec §2.1, §2.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pool {
    pub reserve_x: Reserve,
    pub reserve_y: Reserve,
    pub reference_x: ReferenceReserve,
    pub reference_y: ReferenceReserve,
    /// Totals per [`TokenKind`]; `assets[DepositL]` is unused (derived, see [`Pool::deposit_l_assets`]).
    pub assets: [u128; 6],
    pub shares: [u128; 6],
}

impl Pool {
    pub fn total_assets(&self, kind: TokenKind) -> Result<Assets, DlexError> {
        match kind {
            TokenKind::DepositL => self.deposit_l_assets(),
            _ => Ok(Assets(self.assets[kind as usize])),
        }
    }

    pub fn total_shares(&self, kind: TokenKind) -> Shares {
        Shares(self.shares[kind as usize])
    }

    /// Reserve X lent out beyond single-sided deposits (spec §2.3).
    pub fn missing_x(&self) -> u128 {
        let (deposit, borrow) = (self.assets[TokenKind::DepositX as usize], self.assets[TokenKind::BorrowX as usize]);
        borrow.saturating_sub(deposit)
    }

    pub fn missing_y(&self) -> u128 {
        let (deposit, borrow) = (self.assets[TokenKind::DepositY as usize], self.assets[TokenKind::BorrowY as usize]);
        borrow.saturating_sub(deposit)
    }

    /// Depletion-adjusted active liquidity `sqrt(adj(rX, mX) · adj(rY, mY))` (spec §2.3).
    pub fn active_liquidity(&self) -> u128 {
        math::depletion_adjusted_active_liquidity(self.reserve_x.0, self.reserve_y.0, self.missing_x(), self.missing_y())
    }

    /// DEPOSIT_L assets = active liquidity + borrowed L (spec §2.3).
    pub fn deposit_l_assets(&self) -> Result<Assets, DlexError> {
        self.active_liquidity()
            .checked_add(self.assets[TokenKind::BorrowL as usize])
            .map(Assets)
            .ok_or(DlexError::MathOverflow)
    }

    /// Shares worth `assets` of `kind` (spec §2.4 `toShares`).
    pub fn to_shares(&self, kind: TokenKind, assets: Assets, rounding: Rounding) -> Result<Shares, DlexError> {
        let total = self.total_assets(kind)?;
        Ok(Shares(math::to_shares(assets.0, total.0, self.shares[kind as usize], rounding.up())?))
    }

    /// Assets behind `shares` of `kind` (spec §2.4 `toAssets`).
    pub fn to_assets(&self, kind: TokenKind, shares: Shares, rounding: Rounding) -> Result<Assets, DlexError> {
        let total = self.total_assets(kind)?;
        Ok(Assets(math::to_assets(shares.0, total.0, self.shares[kind as usize], rounding.up())?))
    }

    /// Moves the reserves and rescales the fee anchors in proportion (spec §5.3): used by
    /// mint, burn and the liquidity-borrow paths, never by swaps.
    pub fn update_reserves_and_reference(&mut self, new_x: Reserve, new_y: Reserve) -> Result<(), DlexError> {
        self.reference_x = ReferenceReserve(math::rescale_reference(self.reference_x.0, self.reserve_x.0, new_x.0)?);
        self.reference_y = ReferenceReserve(math::rescale_reference(self.reference_y.0, self.reserve_y.0, new_y.0)?);
        self.reserve_x = new_x;
        self.reserve_y = new_y;
        Ok(())
    }

    /// Every stored amount must fit the reference's uint112 (spec §1).
    pub fn check_bounds(&self) -> Result<(), DlexError> {
        let fits = |v: u128| v <= math::MAX_AMOUNT;
        let ok = fits(self.reserve_x.0)
            && fits(self.reserve_y.0)
            && fits(self.reference_x.0)
            && fits(self.reference_y.0)
            && self.assets.iter().all(|v| fits(*v))
            && self.shares.iter().all(|v| fits(*v));
        if ok {
            Ok(())
        } else {
            Err(DlexError::AmountTooLarge)
        }
    }

    /// Tokens the vault of X must hold: reserve + deposits − borrows (spec §2.3, design §7).
    pub fn expected_vault_x(&self) -> Option<u128> {
        self.reserve_x.0
            .checked_add(self.assets[TokenKind::DepositX as usize])?
            .checked_sub(self.assets[TokenKind::BorrowX as usize])
    }

    pub fn expected_vault_y(&self) -> Option<u128> {
        self.reserve_y.0
            .checked_add(self.assets[TokenKind::DepositY as usize])?
            .checked_sub(self.assets[TokenKind::BorrowY as usize])
    }

    pub fn add_shares(&mut self, kind: TokenKind, assets: Assets, shares: Shares) -> Result<(), DlexError> {
        let i = kind as usize;
        self.shares[i] = self.shares[i].checked_add(shares.0).ok_or(DlexError::MathOverflow)?;
        if kind != TokenKind::DepositL {
            self.assets[i] = self.assets[i].checked_add(assets.0).ok_or(DlexError::MathOverflow)?;
        }
        Ok(())
    }

    pub fn remove_shares(&mut self, kind: TokenKind, assets: Assets, shares: Shares) -> Result<(), DlexError> {
        let i = kind as usize;
        self.shares[i] = self.shares[i].checked_sub(shares.0).ok_or(DlexError::MathOverflow)?;
        if kind != TokenKind::DepositL {
            self.assets[i] = self.assets[i].checked_sub(assets.0).ok_or(DlexError::MathOverflow)?;
        }
        Ok(())
    }
}
