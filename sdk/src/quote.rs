//! Exact off-chain quotes. Each runs the program's own accrual step and action on a copy of
//! the pair at a given time, so a quote equals what the instruction will do at that time.

use dlex::actions::{self, BurnOutcome, MintOutcome, RepayLiquidityOutcome, SwapAmount, SwapDirection, SwapQuote};
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
    swap_with_fee(pair, now, direction, amount).map(|quoted| quoted.amounts)
}

/// A swap quote with the fee it pays ([`swap_with_fee`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwapWithFee {
    /// What [`swap`] returns: the tokens in and out.
    pub amounts: SwapQuote,
    /// The fee rate on the input in Q64 bips (`fee / 2^64` bips), the `fee_bips_q64` the
    /// instruction's `Swapped` event reports: the quadratic fee of the input against the
    /// pool's reference reserve, at least 0.1 bip.
    pub fee_bips_q64: u128,
    /// The input tokens that rate keeps in the pool, `ceil(amount_in·fee/BIPS_Q64)`
    /// (`math::swap_fee_amount`; at most `amount_in`).
    pub fee_amount: u64,
}

/// [`swap`] and the fee the swap pays, each computed by the program's own code on the pool
/// after the accrual the instruction runs first (`actions::swap_fee_rate`, as the `Swapped`
/// event reports it).
pub fn swap_with_fee(pair: &Pair, now: i64, direction: SwapDirection, amount: SwapAmount) -> Result<SwapWithFee, DlexError> {
    let mut pair = *pair;
    let mut pool = pair.pool();
    actions::accrue_for_swap(&mut pair, &mut pool, now as u32)?;
    let amounts = actions::quote_swap(&pool, direction, amount)?;
    let flows = match direction {
        SwapDirection::XToY => actions::TokenFlows { x_in: amounts.amount_in, y_out: amounts.amount_out, ..Default::default() },
        SwapDirection::YToX => actions::TokenFlows { y_in: amounts.amount_in, x_out: amounts.amount_out, ..Default::default() },
    };
    let fee_bips_q64 = actions::swap_fee_rate(&pool, direction, &flows);
    let fee_amount = dlex::math::swap_fee_amount(u128::from(amounts.amount_in), fee_bips_q64);
    // A fee rate is below 100%, so the fee is at most the input; saturate rather than fail.
    Ok(SwapWithFee { amounts, fee_bips_q64, fee_amount: u64::try_from(fee_amount).unwrap_or(u64::MAX).min(amounts.amount_in) })
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

/// Tokens that repay `position`'s whole X or Y debt at time `now`: the debt's assets rounded
/// up, which burns every debt share. `repay` pulls exactly this for any amount at or above it
/// (so `u64::MAX` also clears the debt); this tells the payer how much it needs.
pub fn repay_all(pair: &Pair, position: &dlex::state::Position, now: i64, asset: dlex::actions::Asset) -> Result<u64, DlexError> {
    let (_, mut pool) = pool_at(pair, now)?;
    let mut balances = position.balances();
    Ok(actions::repay(&mut pool, &mut balances, asset, u64::MAX)?.amount)
}

/// What `repay_liquidity(liquidity, ..)` does at time `now`: the L repaid (at most the whole
/// debt), and the X and Y it pulls. With `liquidity = u128::MAX` it is the whole debt, and the
/// amounts are what the payer needs (pass them, or more, as the maxima).
pub fn repay_liquidity(pair: &Pair, position: &dlex::state::Position, now: i64, liquidity: u128) -> Result<RepayLiquidityOutcome, DlexError> {
    let (_, mut pool) = pool_at(pair, now)?;
    let mut balances = position.balances();
    actions::repay_liquidity(&mut pool, &mut balances, liquidity, u64::MAX, u64::MAX)
}

/// `[L, X, Y]` assets valued in X at the pool's price: Y at `reserve_x / reserve_y`, and L as
/// the X and Y it redeems for (`L·reserve/active L` of each), i.e. `2·L·reserve_x/active L`.
/// Rounded down; saturates instead of overflowing (keepers value liquidations with it, the
/// recipes a position's composition).
pub fn value_in_x(pool: &Pool, [l, x, y]: [u128; 3]) -> u128 {
    let (reserve_x, reserve_y) = (pool.reserve_x.0, pool.reserve_y.0);
    let y_in_x = if reserve_y == 0 { 0 } else { dlex::math::mul_div(y, reserve_x, reserve_y, false).unwrap_or(u128::MAX) };
    let active = pool.active_liquidity();
    let l_in_x = if active == 0 { 0 } else { dlex::math::mul_div(l, reserve_x, active, false).unwrap_or(u128::MAX).saturating_mul(2) };
    x.saturating_add(y_in_x).saturating_add(l_in_x)
}

/// The pool's spot price, X per Y in raw units (`reserve_x / reserve_y`; 0 for an empty pool).
/// A float: for display and the payout model, never for an amount.
pub fn spot_price(pool: &Pool) -> f64 {
    if pool.reserve_y.0 > 0 {
        pool.reserve_x.0 as f64 / pool.reserve_y.0 as f64
    } else {
        0.0
    }
}

/// How far the spot price moved from `before` to `after`: `after/before − 1` (0 when `before`
/// is empty).
pub fn price_move(before: &Pool, after: &Pool) -> f64 {
    let before = spot_price(before);
    if before > 0.0 {
        spot_price(after) / before - 1.0
    } else {
        0.0
    }
}
