//! Tranche accounts: the saturation of one 25-tick band on one side (spec §10.1, §10.6).

use anchor_lang::prelude::*;

use super::PodU128;

/// Saturation totals of one 25-tick band for one side (net-X or net-Y debt), at
/// `["tranche", pair, side, index as i16 little-endian]`. Created by the first instruction
/// that places saturation in the band (its signer pays the rent); its leaf in the side's
/// [`super::SaturationTree`] follows from `sat_relative_to_l` (spec §10.3).
#[account(zero_copy)]
#[derive(Debug)]
pub struct Tranche {
    pub pair: Pubkey,
    /// Sum of the positions' saturation in L assets (spec `satInLAssets`).
    pub sat_in_l_assets: PodU128,
    /// Sum of the L their liquidation swaps would consume (spec `satRelativeToL`).
    pub sat_relative_to_l: PodU128,
    /// Tranche index: tick / 25, within [-795, 794].
    pub index: i16,
    /// 0 = net-X debt tree, 1 = net-Y debt tree.
    pub side: u8,
    pub bump: u8,
    pub _padding: [u8; 4],
    pub reserved: [u8; 64],
}

pub const TRANCHE_SIZE: usize = 32 + 16 + 16 + 2 + 1 + 1 + 4 + 64;
const _: () = assert!(core::mem::size_of::<Tranche>() == TRANCHE_SIZE);
const _: () = assert!(core::mem::align_of::<Tranche>() <= 8);
