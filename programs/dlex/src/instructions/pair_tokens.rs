//! The token accounts of one pair as seen by a user: the pair, its mints, vaults and token
//! programs, and the user's two token accounts. The swaps, the position instructions and
//! `liquidate` list them flat, in this order, right after their signer:
//!
//! `pair, mint_x, mint_y, vault_x, vault_y, user_token_x, user_token_y, token_program_x, token_program_y`
//!
//! They are declared in each accounts struct rather than in a nested one so that the IDL can
//! tell clients how to find them: the pair is the PDA `["pair", mint_x, mint_y]`, each vault
//! `["vault", pair, mint]`, the token programs are the pair's (`has_one`), and a position is
//! `["position", pair, owner]`. A seed that pointed into a nested struct would be resolved by
//! neither Anchor's TypeScript client nor Codama.
//!
//! Anchor checks a field's `seeds` before its other constraints, with its own
//! `ConstraintSeeds`. The bump functions below therefore first compare the account with what
//! the pair or position stored and fail with dlex's own error (`WrongMint`, `WrongVault`,
//! `PositionOwnerMismatch`, `PositionPairMismatch`); only then is the stored bump handed to
//! the seeds check, which then holds by construction.

use anchor_lang::prelude::*;

use crate::errors::DlexError;
use crate::state::{Pair, Position};

/// The pair's stored bump for its `["pair", mint_x, mint_y]` seeds, once the pair is known to
/// store these mints (`WrongMint` otherwise: a mint of another pair, or another pair).
pub fn pair_bump(pair: &AccountLoader<Pair>, mint_x: Pubkey, mint_y: Pubkey) -> Result<u8> {
    let pair = pair.load()?;
    require!(pair.mint_x == mint_x && pair.mint_y == mint_y, DlexError::WrongMint);
    Ok(pair.bump)
}

/// Which vault of a pair.
#[derive(Clone, Copy)]
pub enum VaultSide {
    X,
    Y,
}

/// The vault's stored bump for its `["vault", pair, mint]` seeds, once `vault` is the pair's
/// vault of that side (`WrongVault` otherwise: another pair's vault, or a user's account).
pub fn vault_bump(pair: &AccountLoader<Pair>, vault: Pubkey, side: VaultSide) -> Result<u8> {
    let pair = pair.load()?;
    let (stored, bump) = match side {
        VaultSide::X => (pair.vault_x, pair.vault_x_bump),
        VaultSide::Y => (pair.vault_y, pair.vault_y_bump),
    };
    require!(stored == vault, DlexError::WrongVault);
    Ok(bump)
}

/// The position's stored bump for its `["position", pair, owner]` seeds, once it is `owner`'s
/// (`PositionOwnerMismatch`) and in `pair` (`PositionPairMismatch`).
pub fn position_bump(position: &AccountLoader<Position>, owner: Pubkey, pair: Pubkey) -> Result<u8> {
    let position = position.load()?;
    require!(position.owner == owner, DlexError::PositionOwnerMismatch);
    require!(position.pair == pair, DlexError::PositionPairMismatch);
    Ok(position.bump)
}

/// Implements `settle` on an accounts struct that lists the pair's token accounts (above) and
/// whose `$user` signs for the user's token accounts: transfers the instruction's flows
/// between the user and the vaults, then verifies the vaults still cover the accounting
/// (design §7).
macro_rules! impl_settle {
    ($accounts:ident, $user:ident) => {
        impl<'info> $accounts<'info> {
            pub fn settle(&mut self, flows: $crate::actions::TokenFlows) -> Result<()> {
                use $crate::instructions::common::{settle, verify_conservation, TokenSide};
                let x = TokenSide { user: &self.user_token_x, vault: &self.vault_x, mint: &self.mint_x, token_program: &self.token_program_x };
                let y = TokenSide { user: &self.user_token_y, vault: &self.vault_y, mint: &self.mint_y, token_program: &self.token_program_y };
                settle(&self.$user, &self.pair, x, y, flows)?;
                verify_conservation(&self.pair, &mut self.vault_x, &mut self.vault_y)
            }
        }
    };
}
pub(crate) use impl_settle;
