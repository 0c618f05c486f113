//! Adding and removing liquidity (DEPOSIT_L), spec §4.1 and §4.2.

use super::{add, sub, to_token_amount, TokenFlows};
use crate::errors::DlexError;
use crate::math;
use crate::state::{Assets, Pool, ReferenceReserve, Reserve, Rounding, Shares, TokenKind};

/// Result of [`mint_liquidity`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MintOutcome {
    pub flows: TokenFlows,
    /// L assets added to the pool (for the first mint: all of it, including the locked part).
    pub liquidity: Assets,
    /// Shares credited to the position.
    pub shares: Shares,
    /// True when this mint created the pool's first liquidity.
    pub first_mint: bool,
}

/// Adds liquidity for at most `max_x` / `max_y` tokens.
///
/// First mint (spec §4.1.2): takes both amounts as given, sets the fee anchors to them, and locks
/// MINIMUM_LIQUIDITY shares that no position owns. Later mints: the liquidity the two maxima
/// allow is `min(floor(maxX·activeL/rX), floor(maxY·activeL/rY))`; the pool pulls the
/// proportional amounts rounded up (so it never gives away a rounding unit), then prices the
/// shares from the pulled amounts with the spec's own formula (§4.1.3), rounding shares down.
/// Unlike the EVM reference nothing is donated: only the proportional amounts are pulled.
pub fn mint_liquidity(pool: &mut Pool, balances: &mut [u128; 6], max_x: u64, max_y: u64) -> Result<MintOutcome, DlexError> {
    if max_x == 0 || max_y == 0 {
        return Err(DlexError::ZeroAmount);
    }
    let (max_x, max_y) = (u128::from(max_x), u128::from(max_y));
    let total_l_shares = pool.total_shares(TokenKind::DepositL);

    if total_l_shares.0 == 0 {
        let (user_shares, total_liquidity) =
            math::first_mint_liquidity(max_x, max_y).map_err(|_| DlexError::InsufficientLiquidityMinted)?;
        if user_shares == 0 {
            return Err(DlexError::InsufficientLiquidityMinted);
        }
        pool.reserve_x = Reserve(max_x);
        pool.reserve_y = Reserve(max_y);
        pool.reference_x = ReferenceReserve(max_x);
        pool.reference_y = ReferenceReserve(max_y);
        // The locked MINIMUM_LIQUIDITY shares count in the total but belong to no position.
        pool.shares[TokenKind::DepositL as usize] = total_liquidity;
        credit(balances, TokenKind::DepositL, user_shares)?;
        return Ok(MintOutcome {
            flows: TokenFlows { x_in: to_token_amount(max_x)?, y_in: to_token_amount(max_y)?, ..Default::default() },
            liquidity: Assets(total_liquidity),
            shares: Shares(user_shares),
            first_mint: true,
        });
    }

    let (reserve_x, reserve_y) = (pool.reserve_x.0, pool.reserve_y.0);
    let active = pool.active_liquidity();
    if reserve_x == 0 || reserve_y == 0 || active == 0 {
        return Err(DlexError::PairNotInitialized);
    }
    let target = math::mint_liquidity_assets(max_x, max_y, reserve_x, reserve_y, active)?;
    if target == 0 {
        return Err(DlexError::InsufficientLiquidityMinted);
    }
    // Rounded up: the pool receives at least the value of the liquidity it credits.
    let amount_x = math::mul_div(target, reserve_x, active, true)?;
    let amount_y = math::mul_div(target, reserve_y, active, true)?;
    let liquidity = math::mint_liquidity_assets(amount_x, amount_y, reserve_x, reserve_y, active)?;
    let shares = pool.to_shares(TokenKind::DepositL, Assets(liquidity), Rounding::Down)?;
    if shares.0 == 0 {
        return Err(DlexError::InsufficientLiquidityMinted);
    }
    pool.add_shares(TokenKind::DepositL, Assets(liquidity), shares)?;
    credit(balances, TokenKind::DepositL, shares.0)?;
    pool.update_reserves_and_reference(Reserve(add(reserve_x, amount_x)?), Reserve(add(reserve_y, amount_y)?))?;
    Ok(MintOutcome {
        flows: TokenFlows { x_in: to_token_amount(amount_x)?, y_in: to_token_amount(amount_y)?, ..Default::default() },
        liquidity: Assets(liquidity),
        shares,
        first_mint: false,
    })
}

/// Result of [`burn_liquidity`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BurnOutcome {
    pub flows: TokenFlows,
    /// L assets the burned shares were worth (rounded down).
    pub liquidity: Assets,
}

/// Burns `shares` of DEPOSIT_L for X and Y (spec §4.2): each side pays
/// `floor(floor(shares·R/activeL)·DL_A/DL_S)`, so the pool keeps every rounding unit.
/// The L-borrow limit after the burn is `risk::check`'s job.
pub fn burn_liquidity(pool: &mut Pool, balances: &mut [u128; 6], shares: u128) -> Result<BurnOutcome, DlexError> {
    if shares == 0 {
        return Err(DlexError::ZeroAmount);
    }
    debit(balances, TokenKind::DepositL, shares)?;
    let (reserve_x, reserve_y) = (pool.reserve_x.0, pool.reserve_y.0);
    let active = pool.active_liquidity();
    let deposit_l = pool.deposit_l_assets()?;
    let total_l_shares = pool.total_shares(TokenKind::DepositL);
    let liquidity = pool.to_assets(TokenKind::DepositL, Shares(shares), Rounding::Down)?;
    let amount_x = math::to_liquidity_assets(shares, reserve_x, active, deposit_l.0, total_l_shares.0)?;
    let amount_y = math::to_liquidity_assets(shares, reserve_y, active, deposit_l.0, total_l_shares.0)?;
    if amount_x == 0 || amount_y == 0 {
        return Err(DlexError::InsufficientLiquidityBurned);
    }
    pool.remove_shares(TokenKind::DepositL, liquidity, Shares(shares))?;
    pool.update_reserves_and_reference(Reserve(sub(reserve_x, amount_x)?), Reserve(sub(reserve_y, amount_y)?))?;
    Ok(BurnOutcome {
        flows: TokenFlows { x_out: to_token_amount(amount_x)?, y_out: to_token_amount(amount_y)?, ..Default::default() },
        liquidity,
    })
}

pub(crate) fn credit(balances: &mut [u128; 6], kind: TokenKind, shares: u128) -> Result<(), DlexError> {
    let slot = &mut balances[kind as usize];
    *slot = slot.checked_add(shares).ok_or(DlexError::MathOverflow)?;
    Ok(())
}

pub(crate) fn debit(balances: &mut [u128; 6], kind: TokenKind, shares: u128) -> Result<(), DlexError> {
    let slot = &mut balances[kind as usize];
    *slot = slot.checked_sub(shares).ok_or(DlexError::InsufficientShares)?;
    Ok(())
}

/// Result of [`borrow_liquidity`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BorrowLiquidityOutcome {
    pub flows: TokenFlows,
    /// L debt recorded: the L borrowed plus the 5-bip fee.
    pub debt: Assets,
    pub fee: Assets,
    /// BORROW_L shares credited (rounded up).
    pub shares: Shares,
}

/// Borrows `liquidity` L (spec §4.7): the pool removes `lx = floor(L·activeL/rY)` X and
/// `ly = floor(L·activeL/rX)` Y from its reserves and pays them out ([CORE] split, spec §17.1);
/// the debt is `L + ceil(L·5/10_000)` in BORROW_L shares rounded up. The fee's DEPOSIT_L
/// shares are minted before the debt, as the reference orders it. The L-borrow limit and
/// solvency are `risk::check`'s job.
pub fn borrow_liquidity(pool: &mut Pool, balances: &mut [u128; 6], liquidity: u128) -> Result<BorrowLiquidityOutcome, DlexError> {
    if liquidity == 0 {
        return Err(DlexError::ZeroAmount);
    }
    if liquidity > math::MAX_AMOUNT {
        return Err(DlexError::AmountTooLarge);
    }
    let (reserve_x, reserve_y) = (pool.reserve_x.0, pool.reserve_y.0);
    if reserve_x == 0 || reserve_y == 0 {
        return Err(DlexError::PairNotInitialized);
    }
    let fee = math::lending_fee(liquidity);
    let debt = Assets(add(liquidity, fee)?);
    let (amount_x, amount_y) = math::borrow_liquidity_amounts(liquidity, reserve_x, reserve_y, pool.missing_x(), pool.missing_y());
    if amount_x == 0 || amount_y == 0 {
        return Err(DlexError::InsufficientLiquidityBorrowed);
    }
    // More than the pool holds can never pass the L-borrow limit; say so before the reserve
    // subtraction below would underflow.
    if amount_x >= reserve_x || amount_y >= reserve_y {
        return Err(DlexError::MaxBorrowReached);
    }
    let shares = pool.to_shares(TokenKind::BorrowL, debt, Rounding::Up)?;
    pool.mint_protocol_fee(TokenKind::DepositL, fee)?;
    pool.add_shares(TokenKind::BorrowL, debt, shares)?;
    credit(balances, TokenKind::BorrowL, shares.0)?;
    pool.update_reserves_and_reference(Reserve(sub(reserve_x, amount_x)?), Reserve(sub(reserve_y, amount_y)?))?;
    Ok(BorrowLiquidityOutcome {
        flows: TokenFlows { x_out: to_token_amount(amount_x)?, y_out: to_token_amount(amount_y)?, ..Default::default() },
        debt,
        fee: Assets(fee),
        shares,
    })
}

/// Result of [`repay_liquidity`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RepayLiquidityOutcome {
    /// X and Y pulled: `ceil(repaid·r/s)` of each side.
    pub flows: TokenFlows,
    /// L debt extinguished: the L asked for, or the whole debt if that is less.
    pub repaid: Assets,
    pub shares: Shares,
}

/// Repays `liquidity` L of debt, at most the whole debt (security review L-1, L-2): burns
/// `floor(L·S/A)` BORROW_L shares, or every share for the `ceil` debt when `L` covers it.
/// The payer sends the proportional amounts `ceil(repaid·rX/s)` X and `ceil(repaid·rY/s)` Y
/// with `s = sqrtCeil(rX·rY)` (raw reserves), so the spec §4.9 credit
/// `min(ceil(x·s/rX), ceil(y·s/rY))` covers the L repaid; rounding is against the payer, as
/// `mint` does. A swap landing first changes only the amounts, which the caller bounds with
/// `max_x` / `max_y` (`SlippageAmountIn`). Everything pulled joins the reserves.
pub fn repay_liquidity(pool: &mut Pool, balances: &mut [u128; 6], liquidity: u128, max_x: u64, max_y: u64) -> Result<RepayLiquidityOutcome, DlexError> {
    if liquidity == 0 {
        return Err(DlexError::ZeroAmount);
    }
    let (repaid, shares) = super::lending::repaid_debt(pool, balances, TokenKind::BorrowL, Assets(liquidity))?;
    let flows = pay_liquidity_debt(pool, balances, repaid, shares, max_x, max_y)?;
    Ok(RepayLiquidityOutcome { flows, repaid, shares })
}

/// Extinguishes `repaid` L of debt (`shares` BORROW_L shares of `balances`) against the
/// proportional tokens `ceil(repaid·rX/s)` X and `ceil(repaid·rY/s)` Y, which join the
/// reserves; returns them as inflows. Refuses (`SlippageAmountIn`), before changing anything,
/// amounts above `max_x` / `max_y`. Shared by `repay_liquidity` and liquidations.
pub(crate) fn pay_liquidity_debt(
    pool: &mut Pool,
    balances: &mut [u128; 6],
    repaid: Assets,
    shares: Shares,
    max_x: u64,
    max_y: u64,
) -> Result<TokenFlows, DlexError> {
    let (reserve_x, reserve_y) = (pool.reserve_x.0, pool.reserve_y.0);
    // Reserves are both zero (no liquidity yet) or both positive (burns never empty them),
    // so `||` and `&&` agree here; the guard names the state instead of a division by zero.
    if reserve_x == 0 || reserve_y == 0 {
        return Err(DlexError::PairNotInitialized);
    }
    let (x, y) = math::repay_liquidity_token_amounts(repaid.0, reserve_x, reserve_y)?;
    let (amount_x, amount_y) = (to_token_amount(x)?, to_token_amount(y)?);
    if amount_x > max_x || amount_y > max_y {
        return Err(DlexError::SlippageAmountIn);
    }
    pool.remove_shares(TokenKind::BorrowL, repaid, shares)?;
    debit(balances, TokenKind::BorrowL, shares.0)?;
    pool.update_reserves_and_reference(Reserve(add(reserve_x, x)?), Reserve(add(reserve_y, y)?))?;
    Ok(TokenFlows { x_in: amount_x, y_in: amount_y, ..Default::default() })
}
