//! What the keeper knows of the chain: the pairs it watches and every position in them, kept
//! as decoded copies. Filled by a full scan (`getProgramAccounts` with the Position
//! discriminator, and the pair's address at the Position's `pair` offset when the operator
//! named pairs), then kept current with the changed accounts only ([`Book::apply_changes`]).

use std::collections::BTreeMap;

use anchor_lang::prelude::Pubkey;
use anchor_lang::Discriminator;
use dlex::state::{Pair, Position, POSITION_SIZE};
use dlex_sdk::PairKeys;
use solana_rpc_client_api::filter::{Memcmp, RpcFilterType};

use crate::chain::{Chain, Changes};

/// Byte offset of `Position::pair` in the account (after the 8-byte discriminator and the
/// 32-byte owner).
pub const POSITION_PAIR_OFFSET: usize = 8 + 32;

/// The `getProgramAccounts` filters for dlex positions, of `pair` if given.
pub fn position_filters(pair: Option<Pubkey>) -> Vec<RpcFilterType> {
    let mut filters = vec![
        RpcFilterType::DataSize((8 + POSITION_SIZE) as u64),
        RpcFilterType::Memcmp(Memcmp::new_raw_bytes(0, Position::DISCRIMINATOR.to_vec())),
    ];
    if let Some(pair) = pair {
        filters.push(RpcFilterType::Memcmp(Memcmp::new_raw_bytes(POSITION_PAIR_OFFSET, pair.to_bytes().to_vec())));
    }
    filters
}

/// The `getProgramAccounts` filters for dlex pairs.
pub fn pair_filters() -> Vec<RpcFilterType> {
    vec![RpcFilterType::Memcmp(Memcmp::new_raw_bytes(0, Pair::DISCRIMINATOR.to_vec()))]
}

/// A Position account's data decoded, or `None` if it is not one.
pub fn decode_position(data: &[u8]) -> Option<Position> {
    if data.len() < 8 + POSITION_SIZE || data[..8] != *Position::DISCRIMINATOR {
        return None;
    }
    dlex_sdk::decode::position(data).ok()
}

/// A Pair account's data decoded, or `None` if it is not one.
pub fn decode_pair(data: &[u8]) -> Option<Pair> {
    dlex_sdk::decode::pair(data).ok()
}

/// One watched pair and its positions.
pub struct PairBook {
    pub pair: Box<Pair>,
    pub keys: PairKeys,
    /// Positions in address order (an index of `slots` by address keeps updates O(log n)).
    pub positions: Vec<(Pubkey, Position)>,
    slots: BTreeMap<Pubkey, usize>,
}

impl PairBook {
    fn new(address: Pubkey, pair: Pair) -> Self {
        Self { keys: PairKeys::from_pair(address, &pair), pair: Box::new(pair), positions: Vec::new(), slots: BTreeMap::new() }
    }

    fn upsert(&mut self, address: Pubkey, position: Position) {
        match self.slots.get(&address) {
            Some(&slot) => self.positions[slot].1 = position,
            None => {
                self.slots.insert(address, self.positions.len());
                self.positions.push((address, position));
            }
        }
    }

    fn remove(&mut self, address: &Pubkey) {
        if let Some(slot) = self.slots.remove(address) {
            self.positions.swap_remove(slot);
            if let Some((moved, _)) = self.positions.get(slot) {
                self.slots.insert(*moved, slot);
            }
        }
    }

    /// The stored copy of the position at `address`.
    pub fn position(&self, address: &Pubkey) -> Option<&Position> {
        self.slots.get(address).map(|&slot| &self.positions[slot].1)
    }
}

/// Every watched pair with its positions.
#[derive(Default)]
pub struct Book {
    /// The pairs the operator named (empty: all pairs).
    only: Vec<Pubkey>,
    pub pairs: BTreeMap<Pubkey, PairBook>,
    /// [`Chain::changes`]' bookmark.
    cursor: u64,
}

impl Book {
    pub fn new(only: Vec<Pubkey>) -> Self {
        Self { only, ..Self::default() }
    }

    fn watches(&self, pair: &Pubkey) -> bool {
        self.only.is_empty() || self.only.contains(pair)
    }

    /// Puts `pair` and `positions` in the book as if a scan had found them (benchmarks and
    /// tests that build a book without a chain).
    pub fn insert(&mut self, address: Pubkey, pair: Pair, positions: impl IntoIterator<Item = (Pubkey, Position)>) {
        let book = self.pairs.entry(address).or_insert_with(|| PairBook::new(address, pair));
        *book.pair = pair;
        for (position_address, position) in positions {
            book.upsert(position_address, position);
        }
    }

    /// Positions known, over all pairs.
    pub fn position_count(&self) -> usize {
        self.pairs.values().map(|book| book.positions.len()).sum()
    }

    /// Reads every watched pair and all their positions again (the first round, and whenever
    /// the chain cannot say what changed). Returns the number of positions.
    pub async fn full_scan<C: Chain>(&mut self, chain: &mut C) -> Result<usize, String> {
        // Everything changed before the scan is in it: start the change feed here.
        let _ = chain.changes(&mut self.cursor).await?;
        let mut pairs = BTreeMap::new();
        let found = if self.only.is_empty() {
            chain.scan(pair_filters()).await?
        } else {
            let mut found = Vec::new();
            for &address in &self.only {
                let data = chain.account_data(address).await?.ok_or_else(|| format!("no pair account at {address}"))?;
                found.push((address, data));
            }
            found
        };
        for (address, data) in found {
            let pair = decode_pair(&data).ok_or_else(|| format!("{address} is not a dlex pair"))?;
            pairs.insert(address, PairBook::new(address, pair));
        }
        let scans: Vec<Option<Pubkey>> = if self.only.is_empty() { vec![None] } else { self.only.iter().copied().map(Some).collect() };
        for pair in scans {
            for (address, data) in chain.scan(position_filters(pair)).await? {
                let Some(position) = decode_position(&data) else { continue };
                if let Some(book) = pairs.get_mut(&position.pair) {
                    book.upsert(address, position);
                }
            }
        }
        self.pairs = pairs;
        Ok(self.position_count())
    }

    /// Brings the book up to date with what changed since the last scan or update; returns
    /// `false` (and changes nothing) when the chain cannot tell. Pairs are re-read every
    /// time: there are few, and every position's health depends on its pair.
    pub async fn apply_changes<C: Chain>(&mut self, chain: &mut C) -> Result<bool, String> {
        let Changes::Accounts(changed) = chain.changes(&mut self.cursor).await? else {
            return Ok(false);
        };
        for (address, data) in changed {
            let Some(data) = data else {
                for book in self.pairs.values_mut() {
                    book.remove(&address);
                }
                continue;
            };
            if let Some(position) = decode_position(&data) {
                if let Some(book) = self.pairs.get_mut(&position.pair) {
                    book.upsert(address, position);
                }
            } else if let Some(pair) = decode_pair(&data) {
                if self.watches(&address) {
                    // A pair created after the scan: its positions arrive as changes too.
                    self.pairs.entry(address).or_insert_with(|| PairBook::new(address, pair));
                }
            }
        }
        self.refresh_pairs(chain).await?;
        Ok(true)
    }

    /// Re-reads every watched pair account.
    pub async fn refresh_pairs<C: Chain>(&mut self, chain: &mut C) -> Result<(), String> {
        for (address, book) in self.pairs.iter_mut() {
            let data = chain.account_data(*address).await?.ok_or_else(|| format!("the pair {address} was closed"))?;
            *book.pair = decode_pair(&data).ok_or_else(|| format!("{address} is no longer a dlex pair"))?;
        }
        Ok(())
    }

    /// Re-reads one position (before acting on it).
    pub async fn refresh_position<C: Chain>(&mut self, chain: &mut C, pair: Pubkey, address: Pubkey) -> Result<Option<Position>, String> {
        let position = chain.account_data(address).await?.as_deref().and_then(decode_position);
        if let Some(book) = self.pairs.get_mut(&pair) {
            match position {
                Some(position) => book.upsert(address, position),
                None => book.remove(&address),
            }
        }
        Ok(position)
    }
}
