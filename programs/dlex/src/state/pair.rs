//! The Pair account: one X/Y pool that is at once an AMM and a money market.

use anchor_lang::prelude::*;

use super::{Depth, Pool, PodU128, ReferenceReserve, Reserve};
use crate::oracle::{Observations, PriceExtremes};

/// Kinds of balance a pair keeps, in the reference's order (spec §2.1). The index is used for
/// `Pair::total_*`, `Position::shares` and the user-asset arrays of `risk`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum TokenKind {
    DepositL = 0,
    DepositX = 1,
    DepositY = 2,
    BorrowL = 3,
    BorrowX = 4,
    BorrowY = 5,
}

pub const TOKEN_KINDS: [TokenKind; 6] = [
    TokenKind::DepositL,
    TokenKind::DepositX,
    TokenKind::DepositY,
    TokenKind::BorrowL,
    TokenKind::BorrowX,
    TokenKind::BorrowY,
];

/// Whether a six-entry array in [`TokenKind`] order (a position's balances, or a pool's
/// totals) holds any debt.
pub fn has_debt(values: &[u128; 6]) -> bool {
    [TokenKind::BorrowL, TokenKind::BorrowX, TokenKind::BorrowY].iter().any(|kind| values[*kind as usize] > 0)
}

impl TokenKind {
    /// Debts round up when converted to assets (spec §2.4).
    pub fn is_debt(self) -> bool {
        self as u8 >= 3
    }
}

/// Pool state at `["pair", mint_x, mint_y]` (mint_x < mint_y by bytes).
///
/// Reserves are virtual: they include the part lent out to borrowers (spec §2.3), so the vault
/// holds `reserve + deposits - borrows` of each token.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Pair {
    pub mint_x: Pubkey,
    pub mint_y: Pubkey,
    pub vault_x: Pubkey,
    pub vault_y: Pubkey,
    /// Token program that owns `mint_x` (SPL Token or Token-2022).
    pub token_program_x: Pubkey,
    pub token_program_y: Pubkey,
    pub reserve_x: PodU128,
    pub reserve_y: PodU128,
    /// Fee anchor of the quadratic swap fee (spec §5.3), refreshed at each TWAP observation.
    pub reference_reserve_x: PodU128,
    pub reference_reserve_y: PodU128,
    /// Total assets per [`TokenKind`]. Index 0 (deposit L) is not stored: it is derived as
    /// depletion-adjusted active liquidity + borrowed L (spec §2.3).
    pub total_assets: [PodU128; 6],
    /// Total shares per [`TokenKind`]; deposit-L shares include the locked MINIMUM_LIQUIDITY.
    pub total_shares: [PodU128; 6],
    /// Deposit-L shares held by positions that also borrow X or Y (spec §4.12).
    pub fragile_liquidity_shares: PodU128,
    /// Protocol-fee deposit shares (L, X, Y) minted to the fee recipient and not yet collected
    /// into its position (`collect_protocol_fees`). They count in `total_shares`.
    pub protocol_fee_shares: [PodU128; 3],
    /// `unix_timestamp mod 2^32` of the last recorded TWAP observation.
    pub last_update_timestamp: u32,
    /// `unix_timestamp mod 2^32` of the last interest accrual.
    pub last_lending_timestamp: u32,
    pub created_at: i64,
    /// TWAP intervals, seconds: the Config's defaults when the pair was created (design §6,
    /// security review M-1); the buffers use them from the first mint on.
    pub mid_term_interval: u32,
    pub long_term_interval: u32,
    pub bump: u8,
    pub vault_x_bump: u8,
    pub vault_y_bump: u8,
    pub decimals_x: u8,
    pub decimals_y: u8,
    /// See `constants::PAIR_STATUS_*`.
    pub status: u8,
    /// Bit 0: mint X has a freeze authority; bit 1: mint Y has one (see `FREEZABLE_*`). A
    /// frozen vault halts every instruction that moves that token (README, trust assumptions).
    pub freezable_mints: u8,
    /// Nonzero while the admin pauses new risk on this pair (`set_pair_new_risk_paused`).
    pub new_risk_paused: u8,
    pub observations: Observations,
    pub price_extremes: PriceExtremes,
    /// Pool depth at the last TWAP observation: what risk limits may count on (H-1).
    pub depth_at_observation: DepthSnapshot,
    /// The saturation summary of spec §10.8, refreshed whenever a position's tranche
    /// allocation changes: the highest occupied leaf of each side (0 = net-X debt, 1 = net-Y
    /// debt; 0 when empty, as the reference's `highestSetLeaf`) and `maxLeaf =
    /// satToLeaf(activeL − fragile)`. Interest accrual reads them (spec §7.2), so no
    /// instruction needs the index accounts just to accrue.
    pub highest_set_leaf: [u16; 2],
    pub max_leaf: u16,
    pub _saturation_padding: u16,
    pub reserved: [u8; 152],
}

/// Pool depth as it stood at the start of the current observation interval. Risk limits that
/// depend on depth use the smaller of this and the current value, so liquidity added and
/// removed around a borrow inside one interval (one transaction) never counts.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DepthSnapshot {
    /// Depletion-adjusted active liquidity.
    pub active_liquidity: PodU128,
    pub reserve_x: PodU128,
    pub reserve_y: PodU128,
}

/// `Pair::freezable_mints` bit for mint X.
pub const FREEZABLE_X: u8 = 1;
/// `Pair::freezable_mints` bit for mint Y.
pub const FREEZABLE_Y: u8 = 2;

/// 6 keys (192) + 4 reserves (64) + assets and shares (192) + fragile (16) + protocol fee
/// shares (48) + timestamps, creation time, intervals (24) + 8 status bytes + observations
/// (744) + price extremes (32) + depth snapshot (48) + saturation summary (8) + reserved (152).
pub const PAIR_SIZE: usize = 1528;
const _: () = assert!(core::mem::size_of::<Pair>() == PAIR_SIZE);
const _: () = assert!(PAIR_SIZE + 8 <= 2048);
const _: () = assert!(core::mem::align_of::<Pair>() <= 8);

impl Pair {
    /// The accounting numbers as an in-memory value that actions mutate and risk checks.
    pub fn pool(&self) -> Pool {
        let mut assets = [0u128; 6];
        let mut shares = [0u128; 6];
        for i in 0..6 {
            assets[i] = self.total_assets[i].get();
            shares[i] = self.total_shares[i].get();
        }
        let mut protocol_fee_shares = [0u128; 3];
        for (slot, stored) in protocol_fee_shares.iter_mut().zip(self.protocol_fee_shares.iter()) {
            *slot = stored.get();
        }
        Pool {
            protocol_fee_shares,
            fragile_liquidity_shares: self.fragile_liquidity_shares.get(),
            reserve_x: Reserve(self.reserve_x.get()),
            reserve_y: Reserve(self.reserve_y.get()),
            reference_x: ReferenceReserve(self.reference_reserve_x.get()),
            reference_y: ReferenceReserve(self.reference_reserve_y.get()),
            assets,
            shares,
        }
    }

    /// Stores the saturation summary an allocation update produced.
    pub fn store_saturation_summary(&mut self, summary: &crate::actions::saturation::SaturationSummary) {
        self.highest_set_leaf = summary.highest_set_leaf;
        self.max_leaf = summary.max_leaf;
    }

    /// The pair's saturation percentage (spec §10.8) from its stored summary.
    pub fn saturation_percentage_wad(&self) -> u128 {
        let highest = self.highest_set_leaf[0].max(self.highest_set_leaf[1]);
        crate::math::sat_percentage_wad(u32::from(self.max_leaf), u32::from(highest))
    }

    /// The depth snapshot as risk reads it.
    pub fn depth(&self) -> Depth {
        Depth {
            active_liquidity: self.depth_at_observation.active_liquidity.get(),
            reserve_x: self.depth_at_observation.reserve_x.get(),
            reserve_y: self.depth_at_observation.reserve_y.get(),
        }
    }

    /// Records `pool`'s depth as the snapshot for the interval that starts now.
    pub fn record_depth(&mut self, pool: &Pool) {
        let depth = Depth::of(pool);
        self.depth_at_observation.active_liquidity.set(depth.active_liquidity);
        self.depth_at_observation.reserve_x.set(depth.reserve_x);
        self.depth_at_observation.reserve_y.set(depth.reserve_y);
    }

    /// Writes back a pool that passed `risk::check`.
    pub fn store_pool(&mut self, pool: &Pool) {
        self.reserve_x.set(pool.reserve_x.0);
        self.reserve_y.set(pool.reserve_y.0);
        self.reference_reserve_x.set(pool.reference_x.0);
        self.reference_reserve_y.set(pool.reference_y.0);
        for i in 0..6 {
            self.total_assets[i].set(pool.assets[i]);
            self.total_shares[i].set(pool.shares[i]);
        }
        for (stored, value) in self.protocol_fee_shares.iter_mut().zip(pool.protocol_fee_shares.iter()) {
            stored.set(*value);
        }
        self.fragile_liquidity_shares.set(pool.fragile_liquidity_shares);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::{SAT_PERCENTAGE_DELTA_5_WAD, SAT_PERCENTAGE_DELTA_7_WAD};

    /// Spec §10.8 on the stored summary: the higher side's leaf counts.
    #[test]
    fn saturation_percentage_reads_the_summary() {
        let mut pair: Box<Pair> = Box::new(bytemuck::Zeroable::zeroed());
        assert_eq!(pair.saturation_percentage_wad(), 0, "no tranche, no saturation");
        pair.max_leaf = 1800;
        pair.highest_set_leaf = [1795, 1700];
        assert_eq!(pair.saturation_percentage_wad(), SAT_PERCENTAGE_DELTA_5_WAD);
        pair.highest_set_leaf = [1700, 1793];
        assert_eq!(pair.saturation_percentage_wad(), SAT_PERCENTAGE_DELTA_7_WAD);
        pair.highest_set_leaf = [1797, 0];
        assert_eq!(pair.saturation_percentage_wad(), 950_000_000_000_000_000);
        pair.highest_set_leaf = [1792, 0];
        assert_eq!(pair.saturation_percentage_wad(), 0, "more than 7 leaves of headroom");
    }
}
