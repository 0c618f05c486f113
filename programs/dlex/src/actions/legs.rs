//! The legs of the position instructions as data: each plain instruction (`mint`, `burn`,
//! `deposit`, `withdraw`, `borrow`, `repay`, `borrow_liquidity`, `repay_liquidity`) is one
//! [`Leg`], and the composite `execute` (design §4) is an ordered list of them plus swaps. One
//! function, [`apply_leg`], applies any of them to the in-memory pool and balances with the
//! leg's own limit (min out, max in, min shares), and returns the `risk::Action` it is judged
//! as and what it did. Nothing here moves tokens or decides safety.

use anchor_lang::prelude::*;

use super::{
    borrow, borrow_liquidity, burn_liquidity, deposit, mint_liquidity, repay, repay_liquidity, swap, withdraw, Asset, BorrowLiquidityOutcome,
    BorrowOutcome, BurnOutcome, MintOutcome, RepayLiquidityOutcome, RepayOutcome, SwapAmount, SwapDirection, TokenFlows,
};
use crate::errors::DlexError;
use crate::risk::{self, Action};
use crate::state::{Assets, Depth, Pool, Shares};

/// One leg with its own limit; the fields are the plain instructions' arguments.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leg {
    /// Add liquidity: at most these amounts, at least `min_shares` DEPOSIT_L shares.
    Mint { max_amount_x: u64, max_amount_y: u64, min_shares: u128 },
    /// Remove liquidity: burn `shares`, receive at least these amounts.
    Burn { shares: u128, min_amount_x: u64, min_amount_y: u64 },
    /// Lend one asset: at least `min_shares` deposit shares.
    Deposit { asset: Asset, amount: u64, min_shares: u128 },
    /// Redeem deposit shares of one asset for at least `min_amount`.
    Withdraw { asset: Asset, shares: u128, min_amount: u64 },
    /// Borrow one asset (the debt includes the 5-bip fee).
    Borrow { asset: Asset, amount: u64 },
    /// Repay one asset, at most the debt.
    Repay { asset: Asset, amount: u64 },
    /// Borrow L, receiving at least these amounts of X and Y.
    BorrowLiquidity { liquidity: u128, min_amount_x: u64, min_amount_y: u64 },
    /// Repay L debt, paying at most these amounts.
    RepayLiquidity { liquidity: u128, max_amount_x: u64, max_amount_y: u64 },
    /// Swap an exact input for at least `min_amount_out`.
    SwapExactIn { direction: SwapDirection, amount_in: u64, min_amount_out: u64 },
    /// Swap for an exact output, paying at most `max_amount_in`.
    SwapExactOut { direction: SwapDirection, amount_out: u64, max_amount_in: u64 },
}

/// What a leg did, with the numbers its event reports (the leg's own arguments included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegOutcome {
    Mint(MintOutcome),
    Burn { outcome: BurnOutcome, shares: u128 },
    Deposit { asset: Asset, amount: u64, shares: Shares, flows: TokenFlows },
    Withdraw { asset: Asset, shares: u128, flows: TokenFlows },
    Borrow { asset: Asset, amount: u64, outcome: BorrowOutcome },
    Repay { asset: Asset, outcome: RepayOutcome },
    BorrowLiquidity { liquidity: u128, outcome: BorrowLiquidityOutcome },
    RepayLiquidity(RepayLiquidityOutcome),
    /// `fee_bips_q64`: the fee rate the swap paid on its input, for the event.
    Swap { direction: SwapDirection, flows: TokenFlows, fee_bips_q64: u128 },
}

impl LegOutcome {
    /// Tokens the leg moves between the user and the vaults.
    pub fn flows(&self) -> TokenFlows {
        match self {
            LegOutcome::Mint(o) => o.flows,
            LegOutcome::Burn { outcome, .. } => outcome.flows,
            LegOutcome::Deposit { flows, .. } | LegOutcome::Withdraw { flows, .. } | LegOutcome::Swap { flows, .. } => *flows,
            LegOutcome::Borrow { outcome, .. } => outcome.flows,
            LegOutcome::Repay { outcome, .. } => outcome.flows,
            LegOutcome::BorrowLiquidity { outcome, .. } => outcome.flows,
            LegOutcome::RepayLiquidity(o) => o.flows,
        }
    }
}

/// The fee rate a swap paid on its input (Q64 bips), from the pool before it.
pub fn swap_fee_rate(before: &Pool, direction: SwapDirection, flows: &TokenFlows) -> u128 {
    match direction {
        SwapDirection::XToY => crate::math::swap_fee_bips_q64(u128::from(flows.x_in), before.reserve_x.0, before.reference_x.0),
        SwapDirection::YToX => crate::math::swap_fee_bips_q64(u128::from(flows.y_in), before.reserve_y.0, before.reference_y.0),
    }
}

/// A swap with the trader's limit (`SlippageAmountOut` / `SlippageAmountIn`).
pub fn swap_with_limit(pool: &mut Pool, direction: SwapDirection, amount: SwapAmount, limit: u64) -> Result<TokenFlows> {
    let flows = swap(pool, direction, amount)?;
    let (amount_in, amount_out) = match direction {
        SwapDirection::XToY => (flows.x_in, flows.y_out),
        SwapDirection::YToX => (flows.y_in, flows.x_out),
    };
    match amount {
        SwapAmount::ExactIn(_) => require!(amount_out >= limit, DlexError::SlippageAmountOut),
        SwapAmount::ExactOut(_) => require!(amount_in <= limit, DlexError::SlippageAmountIn),
    }
    Ok(flows)
}

fn swap_leg(pool: &mut Pool, direction: SwapDirection, amount: SwapAmount, limit: u64) -> Result<(Action, LegOutcome)> {
    let before = *pool;
    let flows = swap_with_limit(pool, direction, amount, limit)?;
    Ok((Action::Swap { direction, flows }, LegOutcome::Swap { direction, flows, fee_bips_q64: swap_fee_rate(&before, direction, &flows) }))
}

/// Applies `leg` to the pool and the position's balances: the leg's action function, then
/// its limit. Returns the action `risk::check` judges it as and its outcome.
pub fn apply_leg(pool: &mut Pool, balances: &mut [u128; 6], leg: &Leg) -> Result<(Action, LegOutcome)> {
    Ok(match *leg {
        Leg::Mint { max_amount_x, max_amount_y, min_shares } => {
            let outcome = mint_liquidity(pool, balances, max_amount_x, max_amount_y)?;
            require!(outcome.shares.0 >= min_shares, DlexError::SlippageSharesOut);
            (Action::Mint, LegOutcome::Mint(outcome))
        }
        Leg::Burn { shares, min_amount_x, min_amount_y } => {
            let deposit_l_before = pool.deposit_l_assets()?;
            let outcome = burn_liquidity(pool, balances, shares)?;
            require!(outcome.flows.x_out >= min_amount_x, DlexError::SlippageAmountOut);
            require!(outcome.flows.y_out >= min_amount_y, DlexError::SlippageAmountOut);
            let deposit_l_after = Assets(deposit_l_before.0.checked_sub(outcome.liquidity.0).ok_or(DlexError::MathOverflow)?);
            (Action::Burn { deposit_l_after }, LegOutcome::Burn { outcome, shares })
        }
        Leg::Deposit { asset, amount, min_shares } => {
            let (shares, flows) = deposit(pool, balances, asset, amount)?;
            require!(shares.0 >= min_shares, DlexError::SlippageSharesOut);
            (Action::Deposit { asset }, LegOutcome::Deposit { asset, amount, shares, flows })
        }
        Leg::Withdraw { asset, shares, min_amount } => {
            let (_, flows) = withdraw(pool, balances, asset, shares)?;
            require!(flows.x_out.max(flows.y_out) >= min_amount, DlexError::SlippageAmountOut);
            (Action::Withdraw { asset }, LegOutcome::Withdraw { asset, shares, flows })
        }
        Leg::Borrow { asset, amount } => (Action::Borrow { asset }, LegOutcome::Borrow { asset, amount, outcome: borrow(pool, balances, asset, amount)? }),
        Leg::Repay { asset, amount } => (Action::Repay { asset }, LegOutcome::Repay { asset, outcome: repay(pool, balances, asset, amount)? }),
        Leg::BorrowLiquidity { liquidity, min_amount_x, min_amount_y } => {
            let outcome = borrow_liquidity(pool, balances, liquidity)?;
            require!(outcome.flows.x_out >= min_amount_x && outcome.flows.y_out >= min_amount_y, DlexError::SlippageAmountOut);
            (Action::BorrowLiquidity { debt: outcome.debt }, LegOutcome::BorrowLiquidity { liquidity, outcome })
        }
        Leg::RepayLiquidity { liquidity, max_amount_x, max_amount_y } => {
            (Action::RepayLiquidity, LegOutcome::RepayLiquidity(repay_liquidity(pool, balances, liquidity, max_amount_x, max_amount_y)?))
        }
        Leg::SwapExactIn { direction, amount_in, min_amount_out } => swap_leg(pool, direction, SwapAmount::ExactIn(amount_in), min_amount_out)?,
        Leg::SwapExactOut { direction, amount_out, max_amount_in } => swap_leg(pool, direction, SwapAmount::ExactOut(amount_out), max_amount_in)?,
    })
}

/// Most legs one `execute` takes. Eight covers every recipe (the longest, a closing plan, is
/// four repayments, two withdrawals, a burn and a swap) and keeps the instruction data under
/// 300 bytes, so `execute` fits a legacy transaction with the position instructions' accounts
/// and the tranche accounts of a one-sided re-walk.
pub const MAX_EXECUTE_LEGS: usize = 8;

/// What `execute` did: each leg's outcome with the reserves after it (for its event and the
/// price extremes a swap records), and the net tokens per mint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecuteOutcome {
    pub legs: Vec<(LegOutcome, u128, u128)>,
    /// The legs' flows netted per mint: only `x_in` or `x_out` (and `y_in` or `y_out`) is
    /// non-zero.
    pub net: TokenFlows,
}

/// The legs of `execute` applied in order to the pool and the position's balances, each
/// judged by `risk::check_leg` (its pool-level rules) as it runs on `snapshot`, the pair's
/// depth snapshot; then the net tokens per mint are held to the user's limits: the net the
/// user receives of X (out − in) must be at least `min_net_x`, a negative limit being the
/// most it pays (`NetTokenLimit`). Returns the composite action `risk::check` judges the
/// final state as (design §4) and the outcome. Errors: `EmptyExecute`, `TooManyLegs`, any
/// leg's own error.
pub fn apply_legs(
    pool: &mut Pool,
    balances: &mut [u128; 6],
    legs: &[Leg],
    snapshot: &Depth,
    min_net_x: i64,
    min_net_y: i64,
) -> Result<(Action, ExecuteOutcome)> {
    require!(!legs.is_empty(), DlexError::EmptyExecute);
    require!(legs.len() <= MAX_EXECUTE_LEGS, DlexError::TooManyLegs);
    let (mut borrows, mut lowers_collateral) = (false, false);
    let (mut net_x, mut net_y) = (0i128, 0i128);
    let mut outcome = ExecuteOutcome { legs: Vec::with_capacity(legs.len()), net: TokenFlows::default() };
    for leg in legs {
        let before = *pool;
        let (action, leg_outcome) = apply_leg(pool, balances, leg)?;
        risk::check_leg(&action, &before, pool, snapshot)?;
        match action {
            Action::Borrow { .. } | Action::BorrowLiquidity { .. } => borrows = true,
            Action::Withdraw { .. } | Action::Burn { .. } => lowers_collateral = true,
            _ => {}
        }
        let flows = leg_outcome.flows();
        net_x += i128::from(flows.x_out) - i128::from(flows.x_in);
        net_y += i128::from(flows.y_out) - i128::from(flows.y_in);
        outcome.legs.push((leg_outcome, pool.reserve_x.0, pool.reserve_y.0));
    }
    require!(net_x >= i128::from(min_net_x) && net_y >= i128::from(min_net_y), DlexError::NetTokenLimit);
    let amount = |net: i128| u64::try_from(net.unsigned_abs()).map_err(|_| DlexError::AmountTooLarge);
    outcome.net = TokenFlows {
        x_in: if net_x < 0 { amount(net_x)? } else { 0 },
        x_out: if net_x > 0 { amount(net_x)? } else { 0 },
        y_in: if net_y < 0 { amount(net_y)? } else { 0 },
        y_out: if net_y > 0 { amount(net_y)? } else { 0 },
    };
    Ok((Action::Execute { borrows, lowers_collateral }, outcome))
}
