//! Swaps against the pool with the quadratic fee and the depletion-adjusted K (spec §4.3, §5).

use super::{add, sub, to_token_amount, TokenFlows};
use crate::errors::DlexError;
use crate::math;
use crate::state::{Pool, Reserve};

/// Which token the trader sends in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, anchor_lang::AnchorSerialize, anchor_lang::AnchorDeserialize)]
pub enum SwapDirection {
    /// Send X, receive Y.
    XToY,
    /// Send Y, receive X.
    YToX,
}

/// What the trader fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwapAmount {
    /// Exact input; the output is the largest that passes the K check.
    ExactIn(u64),
    /// Exact output; the input is the smallest that passes the K check.
    ExactOut(u64),
}

/// The two sides of a swap, oriented from the trader's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwapQuote {
    pub amount_in: u64,
    pub amount_out: u64,
}

/// Quotes a swap on `pool` without changing it; `swap` and the SDK both use this.
pub fn quote_swap(pool: &Pool, direction: SwapDirection, amount: SwapAmount) -> Result<SwapQuote, DlexError> {
    let (reserve_in, reserve_out, reference_in, missing_in, missing_out) = match direction {
        SwapDirection::XToY => (pool.reserve_x.0, pool.reserve_y.0, pool.reference_x.0, pool.missing_x(), pool.missing_y()),
        SwapDirection::YToX => (pool.reserve_y.0, pool.reserve_x.0, pool.reference_y.0, pool.missing_y(), pool.missing_x()),
    };
    if reserve_in == 0 || reserve_out == 0 {
        return Err(DlexError::PairNotInitialized);
    }
    match amount {
        SwapAmount::ExactIn(amount_in) => {
            if amount_in == 0 {
                return Err(DlexError::InsufficientInputAmount);
            }
            let out = math::max_amount_out(u128::from(amount_in), reserve_in, reserve_out, reference_in, missing_in, missing_out)?;
            if out == 0 {
                return Err(DlexError::InsufficientOutputAmount);
            }
            Ok(SwapQuote { amount_in, amount_out: to_token_amount(out)? })
        }
        SwapAmount::ExactOut(amount_out) => {
            if amount_out == 0 {
                return Err(DlexError::InsufficientOutputAmount);
            }
            let needed = math::min_amount_in(u128::from(amount_out), reserve_in, reserve_out, reference_in, missing_in, missing_out)?;
            Ok(SwapQuote { amount_in: to_token_amount(needed)?, amount_out })
        }
    }
}

/// Applies a swap to `pool`: reserves move by the quoted amounts; the fee anchors do not
/// (spec §4.3.8), so every swap in one observation interval pays against the same anchor.
pub fn swap(pool: &mut Pool, direction: SwapDirection, amount: SwapAmount) -> Result<TokenFlows, DlexError> {
    let quote = quote_swap(pool, direction, amount)?;
    let (amount_in, amount_out) = (u128::from(quote.amount_in), u128::from(quote.amount_out));
    match direction {
        SwapDirection::XToY => {
            pool.reserve_x = Reserve(add(pool.reserve_x.0, amount_in)?);
            pool.reserve_y = Reserve(sub(pool.reserve_y.0, amount_out)?);
            Ok(TokenFlows { x_in: quote.amount_in, y_out: quote.amount_out, ..Default::default() })
        }
        SwapDirection::YToX => {
            pool.reserve_y = Reserve(add(pool.reserve_y.0, amount_in)?);
            pool.reserve_x = Reserve(sub(pool.reserve_x.0, amount_out)?);
            Ok(TokenFlows { y_in: quote.amount_in, x_out: quote.amount_out, ..Default::default() })
        }
    }
}
