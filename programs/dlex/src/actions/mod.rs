//! Actions: each function applies one leg (mint, burn, swap, deposit, withdraw …) to the
//! in-memory [`Pool`](crate::state::Pool) and a position's balances, and returns the token
//! movements it needs. Actions compute amounts with the spec's rounding; they do not decide
//! whether the result is safe (that is `risk::check`) and they do not move tokens (that is the
//! handler). Keeping the three apart is what lets the composite `execute` instruction (design
//! §4) apply several legs and check once.

pub mod accrue;
pub mod bookkeeping;
pub mod legs;
pub mod lending;
pub mod liquidation;
pub mod liquidity;
pub mod pipeline;
pub mod route;
pub mod saturation;
pub mod swap;

pub use accrue::*;
pub use bookkeeping::*;
pub use legs::*;
pub use lending::*;
pub use liquidation::*;
pub use liquidity::*;
pub use pipeline::*;
pub use route::*;
pub use swap::*;

use crate::errors::DlexError;

/// Token amounts an action moves between the user and the vaults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenFlows {
    pub x_in: u64,
    pub y_in: u64,
    pub x_out: u64,
    pub y_out: u64,
}

/// Token amounts are u64 on Solana; pool math runs in u128.
pub(crate) fn to_token_amount(value: u128) -> Result<u64, DlexError> {
    u64::try_from(value).map_err(|_| DlexError::AmountTooLarge)
}

pub(crate) fn add(a: u128, b: u128) -> Result<u128, DlexError> {
    a.checked_add(b).ok_or(DlexError::MathOverflow)
}

pub(crate) fn sub(a: u128, b: u128) -> Result<u128, DlexError> {
    a.checked_sub(b).ok_or(DlexError::MathOverflow)
}

#[cfg(test)]
mod tests;
