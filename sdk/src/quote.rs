//! Exact off-chain quotes. Each runs the program's own accrual step and action on a copy of
//! the pair at a given time, so a quote equals what the instruction will do at that time.

use dlex::actions::{self, BurnOutcome, MintOutcome, SwapAmount, SwapDirection, SwapQuote};
use dlex::errors::DlexError;
use dlex::state::{Pair, Pool};

/// The pair's pool after the accrual an instruction at `now` (unix seconds) would run first.
pub fn pool_at(pair: &Pair, now: i64) -> Result<(Pair, Pool), DlexError> {
    let mut pair = *pair;
    let mut pool = pair.pool();
    actions::accrue(&mut pair, &mut pool, now as u32)?;
    Ok((pair, pool))
}

/// A swap quote; swaps accrue interest at most daily, as the instruction does.
pub fn swap(pair: &Pair, now: i64, direction: SwapDirection, amount: SwapAmount) -> Result<SwapQuote, DlexError> {
    let mut pair = *pair;
    let mut pool = pair.pool();
    actions::accrue_for_swap(&mut pair, &mut pool, now as u32)?;
    actions::quote_swap(&pool, direction, amount)
}

/// Amounts pulled and shares credited by `mint(max_x, max_y)`.
pub fn mint(pair: &Pair, now: i64, max_x: u64, max_y: u64) -> Result<MintOutcome, DlexError> {
    let (_, mut pool) = pool_at(pair, now)?;
    let mut balances = [0u128; 6];
    actions::mint_liquidity(&mut pool, &mut balances, max_x, max_y)
}

/// Amounts paid out by burning `shares` of DEPOSIT_L.
pub fn burn(pair: &Pair, now: i64, shares: u128) -> Result<BurnOutcome, DlexError> {
    let (_, mut pool) = pool_at(pair, now)?;
    let mut balances = [0u128; 6];
    balances[dlex::state::TokenKind::DepositL as usize] = shares;
    actions::burn_liquidity(&mut pool, &mut balances, shares)
}

/// Tokens that repay `position`'s whole X or Y debt at time `now` with nothing overpaid
/// (an overpayment would be kept as protocol fees, spec §4.8): the debt's assets rounded up,
/// which always burns every debt share.
pub fn repay_all(pair: &Pair, position: &dlex::state::Position, now: i64, asset: dlex::actions::Asset) -> Result<u64, DlexError> {
    let (_, pool) = pool_at(pair, now)?;
    let kind = asset.borrow_kind();
    let owed = pool.to_assets(kind, dlex::state::Shares(position.share_balance(kind)), dlex::state::Rounding::Up)?;
    u64::try_from(owed.0).map_err(|_| DlexError::AmountTooLarge)
}

/// X and Y that repay `position`'s whole L debt at time `now`: `ceil(L·r/s)` of each side with
/// `s = sqrtCeil(rX·rY)`, so the spec §4.9 credit covers the debt; the rounding excess (a unit
/// or two) joins the reserves.
pub fn repay_liquidity_all(pair: &Pair, position: &dlex::state::Position, now: i64) -> Result<(u64, u64), DlexError> {
    let (_, pool) = pool_at(pair, now)?;
    let kind = dlex::state::TokenKind::BorrowL;
    let owed = pool.to_assets(kind, dlex::state::Shares(position.share_balance(kind)), dlex::state::Rounding::Up)?.0;
    let (reserve_x, reserve_y) = (pool.reserve_x.0, pool.reserve_y.0);
    let product = dlex::math::U256::from(reserve_x) * dlex::math::U256::from(reserve_y);
    let s: u128 = dlex::math::sqrt_ceil(product).try_into().map_err(|_| DlexError::MathOverflow)?;
    let side = |reserve: u128| -> Result<u64, DlexError> {
        let amount = dlex::math::mul_div(owed, reserve, s, true)?;
        u64::try_from(amount).map_err(|_| DlexError::AmountTooLarge)
    };
    Ok((side(reserve_x)?, side(reserve_y)?))
}
