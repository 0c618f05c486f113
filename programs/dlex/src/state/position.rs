//! Position accounts: one owner's cross-margined share balances in one pair.

use anchor_lang::prelude::*;

use super::{PodU128, TokenKind, TOKEN_KINDS};

pub use crate::actions::saturation::MAX_POSITION_TRANCHES;
use crate::actions::saturation::SideAllocation;

/// Default saturation ratio of a position, percent (spec §10.6 `START_SATURATION_PENALTY_RATIO_IN_MAG2`).
pub const DEFAULT_SATURATION_RATIO_MAG2: u8 = 85;

/// One owner's balances in one pair, at `["position", pair, owner]`. Balances are internal
/// ledgers, not SPL tokens, so every movement of collateral or debt passes `risk::check`.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Position {
    pub owner: Pubkey,
    pub pair: Pubkey,
    /// Share balances indexed by [`TokenKind`]: deposit L, X, Y, borrow L, X, Y.
    pub shares: [PodU128; 6],
    /// Deposit-L shares this position contributes to the pair's fragile liquidity (spec
    /// §4.12): its whole L balance while it also borrows X or Y, else 0.
    pub fragile_shares: PodU128,
    /// Where its saturation sits, per side (0 = net-X debt, 1 = net-Y debt; spec §10.6). A
    /// position with a liquidation price on both sides (a straddle) uses both.
    pub allocations: [StoredAllocation; 2],
    /// The saturation ratio the position's tranches are filled to, percent (1..=90, default
    /// 85; spec §10.6 `userSaturationRatioMAG2`).
    pub saturation_ratio_mag2: u8,
    pub bump: u8,
    pub _padding: [u8; 6],
    /// Unix time the position was opened.
    pub opened_at: i64,
    pub reserved: [u8; 64],
}

/// One side of a position's tranche allocation as stored: slot `i` is tranche
/// `last_tranche + i·(+1 for net X, −1 for net Y)` (see `actions::saturation`).
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StoredAllocation {
    pub sat_in_l_assets: [PodU128; MAX_POSITION_TRANCHES],
    pub sat_relative_to_l: [PodU128; MAX_POSITION_TRANCHES],
    /// The side's saturation in L assets when allocated (the debt-cap liquidation's "old").
    pub sat_at_allocation: PodU128,
    pub last_tranche: i16,
    /// Slots in use.
    pub count: u8,
    pub _padding: [u8; 5],
}

pub const STORED_ALLOCATION_SIZE: usize = 16 * (2 * MAX_POSITION_TRANCHES + 1) + 8;
const _: () = assert!(core::mem::size_of::<StoredAllocation>() == STORED_ALLOCATION_SIZE);

impl StoredAllocation {
    pub fn get(&self) -> SideAllocation {
        let mut out = SideAllocation {
            last_tranche: i32::from(self.last_tranche),
            count: self.count,
            sat_at_allocation: self.sat_at_allocation.get(),
            ..Default::default()
        };
        for i in 0..MAX_POSITION_TRANCHES {
            out.sat_in_l_assets[i] = self.sat_in_l_assets[i].get();
            out.sat_relative_to_l[i] = self.sat_relative_to_l[i].get();
        }
        out
    }

    /// Stores `allocation`; tranche indices are within `[-795, 794]`, so they fit i16.
    pub fn set(&mut self, allocation: &SideAllocation) {
        self.last_tranche = allocation.last_tranche.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
        self.count = allocation.count;
        self.sat_at_allocation.set(allocation.sat_at_allocation);
        for i in 0..MAX_POSITION_TRANCHES {
            self.sat_in_l_assets[i].set(allocation.sat_in_l_assets[i]);
            self.sat_relative_to_l[i].set(allocation.sat_relative_to_l[i]);
        }
    }
}

pub const POSITION_SIZE: usize = 32 + 32 + 16 * 6 + 16 + 2 * STORED_ALLOCATION_SIZE + 1 + 1 + 6 + 8 + 64;
const _: () = assert!(core::mem::size_of::<Position>() == POSITION_SIZE);
const _: () = assert!(POSITION_SIZE + 8 <= 1024);
const _: () = assert!(core::mem::align_of::<Position>() <= 8);

impl Position {
    /// What `open_position` writes: no balances, no allocation, the default saturation ratio.
    /// Off-chain code that plans a transaction which opens the position uses it too.
    pub fn opened(owner: Pubkey, pair: Pubkey, bump: u8, opened_at: i64) -> Self {
        let mut position: Self = bytemuck::Zeroable::zeroed();
        position.owner = owner;
        position.pair = pair;
        position.bump = bump;
        position.saturation_ratio_mag2 = DEFAULT_SATURATION_RATIO_MAG2;
        position.opened_at = opened_at;
        position
    }

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

    /// Both sides' allocations.
    pub fn allocations(&self) -> [SideAllocation; 2] {
        [self.allocations[0].get(), self.allocations[1].get()]
    }

    pub fn set_allocations(&mut self, allocations: &[SideAllocation; 2]) {
        self.allocations[0].set(&allocations[0]);
        self.allocations[1].set(&allocations[1]);
    }

    /// The saturation ratio, with the default for positions that never set one.
    pub fn saturation_ratio(&self) -> u128 {
        u128::from(if self.saturation_ratio_mag2 == 0 { DEFAULT_SATURATION_RATIO_MAG2 } else { self.saturation_ratio_mag2 })
    }

    pub fn is_empty(&self) -> bool {
        self.shares.iter().all(|s| s.get() == 0)
    }
}
