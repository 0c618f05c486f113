//! Position accounts: one owner's cross-margined share balances in one pair.

use anchor_lang::prelude::*;

use super::{PodU128, TokenKind, TOKEN_KINDS};

/// Maximum number of consecutive tranches one position's saturation may occupy. Bounded so no
/// position becomes too big to liquidate (design §8).
pub const MAX_POSITION_TRANCHES: usize = 4;

/// One owner's balances in one pair, at `["position", pair, owner]`. Balances are internal
/// ledgers, not SPL tokens, so every movement of collateral or debt passes `risk::check`.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Position {
    pub owner: Pubkey,
    pub pair: Pubkey,
    /// Share balances indexed by [`TokenKind`]: deposit L, X, Y, borrow L, X, Y.
    pub shares: [PodU128; 6],
    /// Saturation recorded when the position's tranches were last allocated (lending issue).
    pub saturation_at_allocation: PodU128,
    /// Deposit-L shares this position contributes to the pair's fragile liquidity (spec
    /// §4.12): its whole L balance while it also borrows X or Y, else 0.
    pub fragile_shares: PodU128,
    /// First tranche index the position occupies (valid when `tranche_count > 0`).
    pub first_tranche: i16,
    pub tranche_count: u8,
    /// 0 = net-X debt tree, 1 = net-Y debt tree.
    pub tranche_side: u8,
    pub bump: u8,
    pub _padding: [u8; 3],
    /// Unix time the position was opened.
    pub opened_at: i64,
    pub reserved: [u8; 112],
}

pub const POSITION_SIZE: usize = 32 + 32 + 16 * 6 + 16 + 16 + 2 + 1 + 1 + 1 + 3 + 8 + 112;
const _: () = assert!(core::mem::size_of::<Position>() == POSITION_SIZE);
const _: () = assert!(POSITION_SIZE + 8 <= 512);
const _: () = assert!(core::mem::align_of::<Position>() <= 8);

impl Position {
    pub fn share_balance(&self, kind: TokenKind) -> u128 {
        self.shares[kind as usize].get()
    }

    /// All six balances, in [`TokenKind`] order.
    pub fn balances(&self) -> [u128; 6] {
        let mut out = [0u128; 6];
        for kind in TOKEN_KINDS {
            out[kind as usize] = self.share_balance(kind);
        }
        out
    }

    pub fn set_balances(&mut self, balances: &[u128; 6]) {
        for (slot, value) in self.shares.iter_mut().zip(balances.iter()) {
            slot.set(*value);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.shares.iter().all(|s| s.get() == 0)
    }
}
