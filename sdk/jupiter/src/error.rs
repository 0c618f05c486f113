//! Why a dlex pair cannot be loaded or quoted. The `Amm` trait returns `anyhow::Result`; each
//! failure is one of these variants inside it, so an aggregator can
//! `error.downcast_ref::<DlexAmmError>()` to tell a bad account from a trade the pool refuses.

use std::fmt;

use anchor_lang::prelude::Pubkey;
use dlex::actions::SwapAmount;
use dlex::errors::DlexError;

#[derive(Debug, Clone)]
pub enum DlexAmmError {
    /// The account belongs to another program, so it is not a dlex pair.
    NotOwnedByDlex { account: Pubkey, owner: Pubkey },
    /// The account is dlex's but its data is not a Pair (another account type, or too short).
    NotAPair { account: Pubkey },
    /// The account holds a Pair, but not at the address the program derives from its mints.
    NotThePairOfItsMints { account: Pubkey, expected: Pubkey },
    /// The account map given to `update` lacks the pair.
    PairAccountMissing { account: Pubkey },
    /// A mint of the request is neither of the pair's two mints.
    MintNotInPair { pair: Pubkey, mint: Pubkey },
    /// The request sells a mint for itself.
    SameInputAndOutputMint { mint: Pubkey },
    /// A zero amount: dlex refuses zero swaps.
    ZeroAmount,
    /// The aggregator's clock (`AmmContext::clock_ref`) was never set, so the time the swap
    /// accrues to is unknown.
    ClockNotSet,
    /// The program refuses this swap in this state: `reason` is the program's own error (an
    /// input too small to buy one unit, an output the reserves cannot pay, an amount beyond
    /// the pool's accounting).
    CannotFill { pair: Pubkey, amount: SwapAmount, reason: DlexError },
}

impl fmt::Display for DlexAmmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotOwnedByDlex { account, owner } => {
                write!(f, "account {account} is owned by {owner}, not by the dlex program {}", dlex::ID)
            }
            Self::NotAPair { account } => write!(f, "account {account} is not a dlex Pair (wrong discriminator or size)"),
            Self::NotThePairOfItsMints { account, expected } => {
                write!(f, "account {account} holds a dlex Pair, but the pair of its mints is {expected}")
            }
            Self::PairAccountMissing { account } => write!(f, "the account map has no data for the dlex pair {account}"),
            Self::MintNotInPair { pair, mint } => write!(f, "mint {mint} is not one of the dlex pair {pair}'s mints"),
            Self::SameInputAndOutputMint { mint } => write!(f, "the input and output mint are the same ({mint})"),
            Self::ZeroAmount => write!(f, "the swap amount must be greater than zero"),
            Self::ClockNotSet => write!(f, "the clock (AmmContext::clock_ref) is not set: a dlex quote depends on the time"),
            Self::CannotFill { pair, amount, reason } => {
                let amount = match amount {
                    SwapAmount::ExactIn(amount) => format!("selling exactly {amount}"),
                    SwapAmount::ExactOut(amount) => format!("buying exactly {amount}"),
                };
                write!(f, "the dlex pair {pair} cannot fill a swap {amount}: {reason} ({reason:?})")
            }
        }
    }
}

impl std::error::Error for DlexAmmError {}
