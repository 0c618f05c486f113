//! The occupied-leaf index of one side's saturation (spec §10.2, reduced to what dlex needs):
//! how many tranches sit at each of the 4096 saturation leaves, with a two-level 16-ary
//! summary so that the highest occupied leaf, which the pair's saturation percentage (§10.8)
//! and the `MaxTrancheOverSaturated` rule read, is found in three word reads. Every update and
//! query does bounded work, however many tranches or positions the pair has, so no
//! instruction ever scans an unbounded set of accounts (issue 7).
//!
//! Each pair has one [`SaturationTree`] account per side at `["saturation", pair, side]`,
//! created with the pair (8,784 bytes, under the 10 KiB an instruction may create).

use anchor_lang::prelude::*;

use crate::errors::DlexError;

/// Saturation leaves per side (spec §10.2 `LEAFS`).
pub const SATURATION_LEAVES: usize = 4096;
const WORD_BITS: usize = 16;
const LEAF_WORDS: usize = SATURATION_LEAVES / WORD_BITS;
const GROUP_WORDS: usize = LEAF_WORDS / WORD_BITS;

/// Tranche counts per saturation leaf of one side, and the summary bits above them.
#[zero_copy]
#[derive(Debug, PartialEq, Eq)]
pub struct SaturationIndex {
    /// Tranches whose saturation currently falls in each leaf (at most 1,590 tranches exist
    /// per side, so a u16 never overflows).
    pub tranches_per_leaf: [u16; SATURATION_LEAVES],
    /// Bit `j` of word `i`: leaf `16·i + j` holds at least one tranche.
    pub occupied_leaves: [u16; LEAF_WORDS],
    /// Bit `j` of word `i`: `occupied_leaves[16·i + j]` is not zero.
    pub occupied_leaf_words: [u16; GROUP_WORDS],
    /// Bit `i`: `occupied_leaf_words[i]` is not zero.
    pub occupied_groups: u16,
    pub _padding: [u8; 6],
}

pub const SATURATION_INDEX_SIZE: usize = 2 * SATURATION_LEAVES + 2 * LEAF_WORDS + 2 * GROUP_WORDS + 2 + 6;
const _: () = assert!(core::mem::size_of::<SaturationIndex>() == SATURATION_INDEX_SIZE);
const _: () = assert!(SATURATION_INDEX_SIZE + 8 <= 10_240);
const _: () = assert!(core::mem::align_of::<SaturationIndex>() <= 8);

/// One side's index of a pair, at `["saturation", pair, side]` (side 0 = net-X debt, 1 =
/// net-Y debt). Created by `create_pair`; written by every instruction that moves a
/// position's tranche allocation.
#[account(zero_copy)]
#[derive(Debug)]
pub struct SaturationTree {
    pub pair: Pubkey,
    pub side: u8,
    pub bump: u8,
    pub _padding: [u8; 6],
    pub index: SaturationIndex,
}

pub const SATURATION_TREE_SIZE: usize = 32 + 8 + SATURATION_INDEX_SIZE;
const _: () = assert!(core::mem::size_of::<SaturationTree>() == SATURATION_TREE_SIZE);
const _: () = assert!(SATURATION_TREE_SIZE + 8 <= 10_240);

fn highest_bit(word: u16) -> Option<usize> {
    (word != 0).then(|| WORD_BITS - 1 - word.leading_zeros() as usize)
}

impl SaturationIndex {
    /// Records one more tranche at `leaf`. Errors: `TickOutOfRange` for a leaf past 4095,
    /// `MathOverflow` if the leaf's count would pass u16 (more tranches than exist).
    pub fn add(&mut self, leaf: u32) -> core::result::Result<(), DlexError> {
        let leaf = Self::index(leaf)?;
        let count = &mut self.tranches_per_leaf[leaf];
        *count = count.checked_add(1).ok_or(DlexError::MathOverflow)?;
        let word = leaf / WORD_BITS;
        self.occupied_leaves[word] |= 1 << (leaf % WORD_BITS);
        self.occupied_leaf_words[word / WORD_BITS] |= 1 << (word % WORD_BITS);
        self.occupied_groups |= 1 << (word / WORD_BITS);
        Ok(())
    }

    /// Removes one tranche from `leaf`, clearing the summary bits that become empty. Errors:
    /// `TickOutOfRange` for a leaf past 4095, `MathOverflow` if no tranche is recorded there
    /// (the bookkeeping would be wrong, so the instruction must fail).
    pub fn remove(&mut self, leaf: u32) -> core::result::Result<(), DlexError> {
        let leaf = Self::index(leaf)?;
        let count = &mut self.tranches_per_leaf[leaf];
        *count = count.checked_sub(1).ok_or(DlexError::MathOverflow)?;
        if *count > 0 {
            return Ok(());
        }
        let word = leaf / WORD_BITS;
        self.occupied_leaves[word] &= !(1 << (leaf % WORD_BITS));
        if self.occupied_leaves[word] == 0 {
            let group = word / WORD_BITS;
            self.occupied_leaf_words[group] &= !(1 << (word % WORD_BITS));
            if self.occupied_leaf_words[group] == 0 {
                self.occupied_groups &= !(1 << group);
            }
        }
        Ok(())
    }

    /// The highest leaf holding a tranche (`highestSetLeaf`), or `None` when the side is
    /// empty. Three word reads.
    pub fn highest_occupied_leaf(&self) -> Option<u32> {
        let group = highest_bit(self.occupied_groups)?;
        let word = group * WORD_BITS + highest_bit(self.occupied_leaf_words[group])?;
        let leaf = word * WORD_BITS + highest_bit(self.occupied_leaves[word])?;
        u32::try_from(leaf).ok()
    }

    fn index(leaf: u32) -> core::result::Result<usize, DlexError> {
        usize::try_from(leaf).ok().filter(|leaf| *leaf < SATURATION_LEAVES).ok_or(DlexError::TickOutOfRange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn empty() -> Box<SaturationIndex> {
        Box::new(bytemuck::Zeroable::zeroed())
    }

    #[test]
    fn empty_side_has_no_highest_leaf() {
        assert_eq!(empty().highest_occupied_leaf(), None);
    }

    #[test]
    fn highest_leaf_follows_adds_and_removes() {
        let mut index = empty();
        for leaf in [17, 4095, 0, 1737, 4095] {
            index.add(leaf).unwrap();
        }
        assert_eq!(index.highest_occupied_leaf(), Some(4095));
        index.remove(4095).unwrap();
        assert_eq!(index.highest_occupied_leaf(), Some(4095), "two tranches were at 4095");
        index.remove(4095).unwrap();
        assert_eq!(index.highest_occupied_leaf(), Some(1737));
        index.remove(1737).unwrap();
        assert_eq!(index.highest_occupied_leaf(), Some(17));
        index.remove(17).unwrap();
        index.remove(0).unwrap();
        assert_eq!(*index, *empty(), "every bit is cleared again");
    }

    #[test]
    fn bad_leaves_and_removals_are_refused() {
        let mut index = empty();
        assert!(matches!(index.add(4096), Err(DlexError::TickOutOfRange)));
        assert!(matches!(index.remove(5), Err(DlexError::MathOverflow)));
        assert!(matches!(index.remove(u32::MAX), Err(DlexError::TickOutOfRange)));
        assert_eq!(*index, *empty());
    }

    proptest! {
        #![proptest_config(crate::math::proptest_config(256))]

        /// Random adds and removes agree with a plain count per leaf: the counts, the summary
        /// bits, and the highest occupied leaf (brute force over all 4096).
        #[test]
        fn matches_a_plain_model(ops in prop::collection::vec((any::<bool>(), 0u32..4096), 1..300)) {
            let mut index = empty();
            let mut model = vec![0u16; SATURATION_LEAVES];
            for (add, leaf) in ops {
                let slot = &mut model[leaf as usize];
                if add {
                    index.add(leaf).unwrap();
                    *slot += 1;
                } else if *slot > 0 {
                    index.remove(leaf).unwrap();
                    *slot -= 1;
                } else {
                    prop_assert!(matches!(index.remove(leaf), Err(DlexError::MathOverflow)));
                }
                let highest = model.iter().rposition(|count| *count > 0).map(|leaf| leaf as u32);
                prop_assert_eq!(index.highest_occupied_leaf(), highest);
            }
            prop_assert_eq!(&index.tranches_per_leaf[..], &model[..]);
            for (word, bits) in index.occupied_leaves.iter().enumerate() {
                for bit in 0..WORD_BITS {
                    prop_assert_eq!(bits & (1 << bit) != 0, model[word * WORD_BITS + bit] > 0);
                }
            }
        }
    }
}
