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

/// Pool depth that risk limits may count on (security review H-1): depletion-adjusted active
/// liquidity and the two reserves. [`Depth::floor`] takes, per field, the smaller of the pool
/// now and the snapshot at the last observation, which liquidity added inside the current
/// interval cannot raise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Depth {
    pub active_liquidity: u128,
    pub reserve_x: u128,
    pub reserve_y: u128,
}

impl Depth {
    /// The depth of `pool` as it stands.
    pub fn of(pool: &Pool) -> Self {
        Depth { active_liquidity: pool.active_liquidity(), reserve_x: pool.reserve_x.0, reserve_y: pool.reserve_y.0 }
    }

    /// This snapshot lowered, per field, by what an action took out of the pool (`before` →
    /// `after`). Judging a position on the pool after an action against this (through
    /// [`Depth::floor`]) makes the action's own withdrawal of depth (the L a borrow removes, the
    /// depletion an X or Y borrow causes, a burn) come out of the snapshot as well, so depth
    /// added earlier in the same interval cannot absorb it.
    pub fn less_taken(&self, before: &Pool, after: &Pool) -> Self {
        let (was, now) = (Depth::of(before), Depth::of(after));
        let lowered = |snapshot: u128, was: u128, now: u128| snapshot.saturating_sub(was.saturating_sub(now));
        Depth {
            active_liquidity: lowered(self.active_liquidity, was.active_liquidity, now.active_liquidity),
            reserve_x: lowered(self.reserve_x, was.reserve_x, now.reserve_x),
            reserve_y: lowered(self.reserve_y, was.reserve_y, now.reserve_y),
        }
    }

    /// Per field, the smaller of `pool`'s depth now and this snapshot.
    pub fn floor(&self, pool: &Pool) -> Self {
        let now = Depth::of(pool);
        Depth {
            active_liquidity: now.active_liquidity.min(self.active_liquidity),
            reserve_x: now.reserve_x.min(self.reserve_x),
            reserve_y: now.reserve_y.min(self.reserve_y),
        }
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
    /// Protocol-fee deposit shares (L, X, Y) awaiting collection by the fee recipient; part of
    /// `shares`.
    pub protocol_fee_shares: [u128; 3],
    /// Sum of the positions' fragile deposit-L shares (spec §4.12).
    pub fragile_liquidity_shares: u128,
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
        math::missing_assets(self.assets[TokenKind::DepositX as usize], self.assets[TokenKind::BorrowX as usize])
    }

    pub fn missing_y(&self) -> u128 {
        math::missing_assets(self.assets[TokenKind::DepositY as usize], self.assets[TokenKind::BorrowY as usize])
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

    /// Assets behind a position's shares (spec §9.1 `userAssets`): deposits rounded down,
    /// debts rounded up, so the position is always valued against its owner.
    pub fn user_assets(&self, balances: &[u128; 6]) -> Result<[u128; 6], DlexError> {
        let mut assets = [0u128; 6];
        for kind in super::TOKEN_KINDS {
            let rounding = if kind.is_debt() { Rounding::Up } else { Rounding::Down };
            assets[kind as usize] = self.to_assets(kind, Shares(balances[kind as usize]), rounding)?.0;
        }
        Ok(assets)
    }

    /// Mints deposit shares worth `fee` to the protocol (spec `mintProtocolFees`), held in
    /// `protocol_fee_shares` until the fee recipient collects them. Shares round up against the
    /// assets before the fee; for X and Y the fee then joins the deposit assets. For L the fee
    /// is already inside DEPOSIT_L (it was added to BORROW_L), so the base is `DL − fee`.
    pub fn mint_protocol_fee(&mut self, kind: TokenKind, fee: u128) -> Result<Shares, DlexError> {
        if fee == 0 {
            return Ok(Shares(0));
        }
        let slot = match kind {
            TokenKind::DepositL => 0,
            TokenKind::DepositX => 1,
            TokenKind::DepositY => 2,
            _ => return Err(DlexError::MathOverflow),
        };
        let base = match kind {
            TokenKind::DepositL => self.deposit_l_assets()?.0.checked_sub(fee).ok_or(DlexError::MathOverflow)?,
            _ => self.assets[kind as usize],
        };
        let shares = Shares(math::to_shares(fee, base, self.shares[kind as usize], true)?);
        self.add_shares(kind, Assets(fee), shares)?;
        self.protocol_fee_shares[slot] = self.protocol_fee_shares[slot].checked_add(shares.0).ok_or(DlexError::MathOverflow)?;
        Ok(shares)
    }

    /// Re-derives one position's contribution to fragile liquidity (spec §4.12: its whole L
    /// balance while it also borrows X or Y) and moves the pair's total by the difference.
    pub fn update_fragile(&mut self, balances: &[u128; 6], position_fragile: &mut u128) -> Result<(), DlexError> {
        let borrows_x_or_y = balances[TokenKind::BorrowX as usize] > 0 || balances[TokenKind::BorrowY as usize] > 0;
        let fragile = if borrows_x_or_y { balances[TokenKind::DepositL as usize] } else { 0 };
        self.fragile_liquidity_shares = self
            .fragile_liquidity_shares
            .checked_sub(*position_fragile)
            .and_then(|v| v.checked_add(fragile))
            .ok_or(DlexError::MathOverflow)?;
        *position_fragile = fragile;
        Ok(())
    }

    /// Fragile liquidity in L assets, counted at 95% (spec §4.12):
    /// `ceil(toAssets(fragileShares)) · 95 / 100`.
    pub fn fragile_liquidity_assets(&self) -> Result<u128, DlexError> {
        let assets = self.to_assets(TokenKind::DepositL, Shares(self.fragile_liquidity_shares), Rounding::Up)?.0;
        math::mul_div(assets, 95, 100, false).map_err(Into::into)
    }
}
