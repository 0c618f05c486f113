//! The saturation accounts an instruction that moves a position's tranche allocation receives
//! after its named accounts (`remaining_accounts`, computed by the SDK):
//!
//! `[saturation index net X (w), saturation index net Y (w), system program, payer (w, signer),
//!  tranches (w)…]`
//!
//! [`AccountStore`] serves them to `actions::saturation` as a [`SaturationStore`]: each index
//! must be this pair's (owner, discriminator, stored pair and side); a tranche is looked up by
//! its PDA `["tranche", pair, side, index]` among the accounts given, read if it exists and
//! treated as empty if the address holds no account yet. [`AccountStore::flush`] writes the
//! totals back after `risk::check` passed, creating the tranche accounts that received their
//! first saturation (the payer, the instruction's signer, pays the rent, prefund-proof as every
//! dlex account). Work is
//! bounded: at most [`MAX_TRANCHE_ENTRIES`] tranches per instruction. Every account appears
//! once (`DuplicateSaturationAccount`), and a tranche the instruction does not use is refused
//! (`UnexpectedTrancheAccount`), as a missing one is (`MissingTrancheAccount`).

use core::cell::RefMut;

use anchor_lang::prelude::*;
use anchor_lang::Discriminator;

use super::create_accounts::{create_zero_copy_account, fill_zero_copy_account};
use crate::actions::saturation::{NoSaturationAccounts, SaturationStore, TrancheTotals};
use crate::constants::TRANCHE_SEED;
use crate::errors::DlexError;
use crate::state::{SaturationIndex, SaturationTree, Tranche, SATURATION_TREE_SIZE, TRANCHE_SIZE};

/// Tranches one instruction may touch: the old and new allocation of both sides.
pub const MAX_TRANCHE_ENTRIES: usize = 4 * crate::actions::saturation::MAX_POSITION_TRANCHES;
/// Index accounts, the system program and the payer precede the tranche accounts.
const FIXED_ACCOUNTS: usize = 4;

struct Entry {
    side: u8,
    index: i32,
    /// Position of the account among the remaining accounts.
    account: usize,
    bump: u8,
    exists: bool,
    totals: TrancheTotals,
}

/// The saturation accounts of one instruction (see the module doc).
pub struct AccountStore<'a, 'info> {
    pair: Pubkey,
    accounts: &'a [AccountInfo<'info>],
    trees: [RefMut<'a, SaturationTree>; 2],
    /// Boxed: a bounded heap allocation keeps the SBF stack frame small.
    entries: Box<[Option<Entry>; MAX_TRANCHE_ENTRIES]>,
}

/// Runs `f` with the saturation accounts of `remaining` as its store (or, when none were
/// given, a store that names the missing account on first use), then, if `f` succeeded,
/// writes the touched tranches back ([`AccountStore::flush`]). Handlers call it around their
/// pipeline, with the pair and position accounts loaded inside `f`.
pub fn with_saturation_accounts<'info, R>(
    pair: Pubkey,
    remaining: &[AccountInfo<'info>],
    f: impl FnOnce(&mut dyn SaturationStore) -> Result<R>,
) -> Result<R> {
    let Some(mut store) = AccountStore::from_remaining(pair, remaining)? else {
        return f(&mut NoSaturationAccounts);
    };
    let result = f(&mut store)?;
    store.flush()?;
    Ok(result)
}

/// Borrows `info` as `side`'s saturation index of `pair`, refusing anything else.
fn load_tree<'a, 'info>(info: &'a AccountInfo<'info>, pair: &Pubkey, side: u8) -> Result<RefMut<'a, SaturationTree>> {
    require!(info.owner == &crate::ID && info.is_writable, DlexError::MissingSaturationAccount);
    let data = info.try_borrow_mut_data()?;
    require!(data.len() >= 8 + SATURATION_TREE_SIZE && data[..8] == *SaturationTree::DISCRIMINATOR, DlexError::MissingSaturationAccount);
    let tree = RefMut::map(data, |data| bytemuck::from_bytes_mut::<SaturationTree>(&mut data[8..8 + SATURATION_TREE_SIZE]));
    require!(tree.pair == *pair && tree.side == side, DlexError::MissingSaturationAccount);
    Ok(tree)
}

impl<'a, 'info> AccountStore<'a, 'info> {
    /// The store over `remaining` for `pair`, or `None` when no saturation accounts were given.
    pub fn from_remaining(pair: Pubkey, remaining: &'a [AccountInfo<'info>]) -> Result<Option<Self>> {
        if remaining.is_empty() {
            return Ok(None);
        }
        require!(remaining.len() >= FIXED_ACCOUNTS, DlexError::MissingSaturationAccount);
        require!(remaining.len() <= FIXED_ACCOUNTS + MAX_TRANCHE_ENTRIES, DlexError::UnexpectedTrancheAccount);
        // At most 4 + MAX_TRANCHE_ENTRIES keys: the quadratic check is bounded (under 500
        // comparisons), and it names the duplicate before a second mutable borrow could.
        for (i, info) in remaining.iter().enumerate() {
            require!(remaining[i + 1..].iter().all(|other| other.key != info.key), DlexError::DuplicateSaturationAccount);
        }
        require!(remaining[2].key() == anchor_lang::system_program::ID, DlexError::MissingSaturationAccount);
        require!(remaining[3].is_signer && remaining[3].is_writable, DlexError::MissingSaturationAccount);
        let trees = [load_tree(&remaining[0], &pair, 0)?, load_tree(&remaining[1], &pair, 1)?];
        Ok(Some(Self { pair, accounts: remaining, trees, entries: Box::new(core::array::from_fn(|_| None)) }))
    }

    fn entry(&mut self, side: usize, index: i32) -> core::result::Result<usize, DlexError> {
        let side_byte = side as u8;
        if let Some(found) = self.entries.iter().position(|e| matches!(e, Some(e) if e.side == side_byte && e.index == index)) {
            return Ok(found);
        }
        let free = self.entries.iter().position(Option::is_none).ok_or(DlexError::MissingTrancheAccount)?;
        let index_i16 = i16::try_from(index).map_err(|_| DlexError::MissingTrancheAccount)?;
        let (address, bump) =
            Pubkey::find_program_address(&[TRANCHE_SEED, self.pair.as_ref(), &[side_byte], &index_i16.to_le_bytes()], &crate::ID);
        let account = self.accounts[FIXED_ACCOUNTS..]
            .iter()
            .position(|info| info.key() == address)
            .map(|i| i + FIXED_ACCOUNTS)
            .ok_or(DlexError::MissingTrancheAccount)?;
        let info = &self.accounts[account];
        if !info.is_writable {
            return Err(DlexError::MissingTrancheAccount);
        }
        let (exists, totals) = if info.owner == &crate::ID && !info.data_is_empty() {
            let data = info.try_borrow_data().map_err(|_| DlexError::MissingTrancheAccount)?;
            if data.len() < 8 + TRANCHE_SIZE || data[..8] != *Tranche::DISCRIMINATOR {
                return Err(DlexError::MissingTrancheAccount);
            }
            let tranche = bytemuck::from_bytes::<Tranche>(&data[8..8 + TRANCHE_SIZE]);
            (true, TrancheTotals { sat_in_l_assets: tranche.sat_in_l_assets.get(), sat_relative_to_l: tranche.sat_relative_to_l.get() })
        } else if info.data_is_empty() {
            (false, TrancheTotals::default())
        } else {
            return Err(DlexError::MissingTrancheAccount);
        };
        self.entries[free] = Some(Entry { side: side_byte, index, account, bump, exists, totals });
        Ok(free)
    }

    /// Writes every tranche touched back, creating those that received their first
    /// saturation (rent from the payer). Call only after `risk::check` passed. A tranche
    /// account the instruction never asked for is refused rather than ignored: the SDK passes
    /// exactly the walk's bands, so an extra one means a stale or hand-made account list.
    pub fn flush(self) -> Result<()> {
        let Self { pair, accounts, trees, entries } = self;
        drop(trees);
        for account in FIXED_ACCOUNTS..accounts.len() {
            require!(entries.iter().flatten().any(|entry| entry.account == account), DlexError::UnexpectedTrancheAccount);
        }
        let payer = &accounts[3];
        let system_program = accounts[2].key();
        for entry in entries.into_iter().flatten() {
            let info = &accounts[entry.account];
            if !entry.exists {
                if entry.totals == TrancheTotals::default() {
                    continue;
                }
                let index = (entry.index as i16).to_le_bytes();
                create_zero_copy_account::<Tranche>(payer, info, system_program, TRANCHE_SIZE, &[TRANCHE_SEED, pair.as_ref(), &[entry.side], &index, &[entry.bump]])?;
            }
            fill_zero_copy_account::<Tranche>(info, |tranche| {
                if !entry.exists {
                    tranche.pair = pair;
                    tranche.index = entry.index as i16;
                    tranche.side = entry.side;
                    tranche.bump = entry.bump;
                }
                tranche.sat_in_l_assets.set(entry.totals.sat_in_l_assets);
                tranche.sat_relative_to_l.set(entry.totals.sat_relative_to_l);
                Ok(())
            })?;
        }
        Ok(())
    }
}

impl SaturationStore for AccountStore<'_, '_> {
    fn tranche(&mut self, side: usize, index: i32) -> core::result::Result<&mut TrancheTotals, DlexError> {
        let slot = self.entry(side, index)?;
        match &mut self.entries[slot] {
            Some(entry) => Ok(&mut entry.totals),
            None => Err(DlexError::MissingTrancheAccount),
        }
    }

    fn index(&mut self, side: usize) -> core::result::Result<&mut SaturationIndex, DlexError> {
        self.trees.get_mut(side).map(|tree| &mut tree.index).ok_or(DlexError::MissingSaturationAccount)
    }
}
