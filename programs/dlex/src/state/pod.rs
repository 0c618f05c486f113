//! Alignment-1 storage for 128-bit values inside zero-copy accounts.

use anchor_lang::prelude::*;

/// A `u128` stored as 16 little-endian bytes, so zero-copy structs stay 8-aligned on every
/// target. Read with [`PodU128::get`], write with [`PodU128::set`].
#[zero_copy]
#[derive(Default, Debug, PartialEq, Eq)]
pub struct PodU128 {
    pub le_bytes: [u8; 16],
}

impl PodU128 {
    pub const fn new(value: u128) -> Self {
        Self { le_bytes: value.to_le_bytes() }
    }
    #[inline]
    pub fn get(&self) -> u128 {
        u128::from_le_bytes(self.le_bytes)
    }
    #[inline]
    pub fn set(&mut self, value: u128) {
        self.le_bytes = value.to_le_bytes();
    }
}

const _: () = assert!(core::mem::size_of::<PodU128>() == 16);
const _: () = assert!(core::mem::align_of::<PodU128>() == 1);
