//! The saturation accounts a dlex instruction needs, computed so users never list them.
//!
//! Every instruction that changes an indebted position (and `liquidate`) takes, after its named
//! accounts, the pair's two saturation indices, the system program, the signer as rent payer
//! and the tranche accounts its position's old and new allocation touch (see the program's
//! `instructions::saturation_accounts`). [`complete`] finds them by running the program's own
//! action and `actions::saturation` code on copies of the accounts, with a store that records
//! every tranche it is asked for; tranches are fetched from the source as the walk reaches
//! them. Instructions of one transaction are simulated in order, so a later one sees what an
//! earlier one did to the pair and its positions. The set is exact for the state read: an
//! instruction that lands after another one moved the pool far enough to shift the position's
//! liquidation into another band fails with `MissingTrancheAccount`, and is rebuilt.

use std::collections::{BTreeMap, BTreeSet};

use anchor_lang::prelude::{AccountMeta, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{AnchorDeserialize, Discriminator};
pub use dlex::actions::saturation::TrancheBook;
use dlex::actions::saturation::{SaturationStore, TrancheTotals};
use dlex::actions::{self, PositionBook, SaturationContext};
use dlex::errors::DlexError;
use dlex::state::{Pair, Position, SaturationIndex};

use crate::source::AccountSource;
use crate::{decode, pda};

/// A copy of the model's tranches that records which ones the simulation asked for.
struct RecordingStore {
    book: TrancheBook,
    requested: BTreeSet<(usize, i32)>,
    used_index: bool,
}

impl SaturationStore for RecordingStore {
    fn tranche(&mut self, side: usize, index: i32) -> Result<&mut TrancheTotals, DlexError> {
        self.requested.insert((side, index));
        self.book.tranche(side, index)
    }

    fn index(&mut self, side: usize) -> Result<&mut SaturationIndex, DlexError> {
        self.used_index = true;
        self.book.index(side)
    }
}

/// The state the simulation of one transaction carries from instruction to instruction.
struct Model {
    pair_address: Pubkey,
    pair: Pair,
    positions: BTreeMap<Pubkey, Position>,
    /// Tranches and indices as fetched, then as the transaction's earlier instructions left them.
    book: TrancheBook,
    fetched: BTreeSet<(usize, i32)>,
    now: u32,
}

/// A position instruction's effect on the pool and the position's balances (given the pair's
/// depth snapshot after accrual, which `execute`'s legs judge their pool rules on). `Send` so
/// [`complete`] can run inside a multi-threaded server (`localnet`'s `dlex_saturationAccounts`).
type ApplyLeg = Box<dyn Fn(&mut dlex::state::Pool, &mut [u128; 6], &dlex::state::Depth) -> anchor_lang::Result<()> + Send + Sync>;

/// What one instruction does to a position, as the program's handlers apply it.
enum Leg {
    Position { position: Pubkey, apply: ApplyLeg },
    Liquidate { borrower: Pubkey, liquidator: Pubkey, request: actions::LiquidationRequest },
}

fn decode_args<T: AnchorDeserialize>(data: &[u8]) -> Option<T> {
    T::try_from_slice(&data[8..]).ok()
}

/// The plain position instruction `data` encodes, as the leg it is (`None` for any other).
fn plain_leg(data: &[u8]) -> Option<actions::Leg> {
    use actions::Leg;
    use dlex::instruction as ix;
    let disc = &data[..8];
    Some(if disc == ix::Mint::DISCRIMINATOR {
        let a: ix::Mint = decode_args(data)?;
        Leg::Mint { max_amount_x: a.max_amount_x, max_amount_y: a.max_amount_y, min_shares: a.min_shares }
    } else if disc == ix::Burn::DISCRIMINATOR {
        let a: ix::Burn = decode_args(data)?;
        Leg::Burn { shares: a.shares, min_amount_x: a.min_amount_x, min_amount_y: a.min_amount_y }
    } else if disc == ix::Deposit::DISCRIMINATOR {
        let a: ix::Deposit = decode_args(data)?;
        Leg::Deposit { asset: a.asset, amount: a.amount, min_shares: a.min_shares }
    } else if disc == ix::Withdraw::DISCRIMINATOR {
        let a: ix::Withdraw = decode_args(data)?;
        Leg::Withdraw { asset: a.asset, shares: a.shares, min_amount: a.min_amount }
    } else if disc == ix::Borrow::DISCRIMINATOR {
        let a: ix::Borrow = decode_args(data)?;
        Leg::Borrow { asset: a.asset, amount: a.amount }
    } else if disc == ix::Repay::DISCRIMINATOR {
        let a: ix::Repay = decode_args(data)?;
        Leg::Repay { asset: a.asset, amount: a.amount }
    } else if disc == ix::BorrowLiquidity::DISCRIMINATOR {
        let a: ix::BorrowLiquidity = decode_args(data)?;
        Leg::BorrowLiquidity { liquidity: a.liquidity, min_amount_x: a.min_amount_x, min_amount_y: a.min_amount_y }
    } else if disc == ix::RepayLiquidity::DISCRIMINATOR {
        let a: ix::RepayLiquidity = decode_args(data)?;
        Leg::RepayLiquidity { liquidity: a.liquidity, max_amount_x: a.max_amount_x, max_amount_y: a.max_amount_y }
    } else {
        return None;
    })
}

/// The leg of a dlex instruction that moves a position, or `None` for any other instruction.
fn leg_of(instruction: &Instruction) -> Option<(Pubkey, Leg)> {
    use dlex::instruction as ix;
    let data = &instruction.data;
    if instruction.program_id != dlex::ID || data.len() < 8 {
        return None;
    }
    let key = |i: usize| instruction.accounts.get(i).map(|m| m.pubkey);
    let disc = &data[..8];
    // PositionTokens: [owner, pair, mints, vaults, user tokens, token programs, position, …].
    let position_leg = |apply: ApplyLeg| Some((key(1)?, Leg::Position { position: key(10)?, apply }));
    if let Some(leg) = plain_leg(data) {
        position_leg(Box::new(move |p, b, _| actions::apply_leg(p, b, &leg).map(|_| ())))
    } else if disc == ix::Execute::DISCRIMINATOR {
        let a: ix::Execute = decode_args(data)?;
        position_leg(Box::new(move |p, b, depth| actions::apply_legs(p, b, &a.legs, depth, a.min_net_x, a.min_net_y).map(|_| ())))
    } else if disc == ix::ClosePosition::DISCRIMINATOR {
        // ClosePosition: [owner, pair, position, …].
        Some((key(1)?, Leg::Position { position: key(2)?, apply: Box::new(|p, b, _| actions::forfeit_dust(p, b).map(|_| ()).map_err(Into::into)) }))
    } else if disc == ix::Liquidate::DISCRIMINATOR {
        let a: ix::Liquidate = decode_args(data)?;
        // Liquidate: [liquidator, pair, …, borrower position (10), liquidator position (11), …].
        Some((key(1)?, Leg::Liquidate { borrower: key(10)?, liquidator: key(11)?, request: a.request }))
    } else {
        None
    }
}

/// The pair's two saturation indices, in a book with no tranches yet.
async fn indices_of<S: AccountSource>(source: &mut S, pair_address: Pubkey) -> Result<TrancheBook, String> {
    let mut book = TrancheBook::default();
    for side in 0..2u8 {
        if let Some(data) = source.account_data(pda::saturation(pair_address, side)).await? {
            *book.indices[side as usize] = decode::saturation_tree(&data).map_err(|_| "not a saturation index")?.index;
        }
    }
    Ok(book)
}

/// Every tranche of the pair at `pair_address` and both indices, read from `source`: one read
/// per possible tranche address (2 sides × 1,590 bands), for off-chain judgements that may
/// reach any band (the limits of [`crate::health::position_limits_with_tranches`]).
pub async fn tranche_book<S: AccountSource>(source: &mut S, pair_address: Pubkey) -> Result<TrancheBook, String> {
    let mut book = indices_of(source, pair_address).await?;
    for side in 0..2u8 {
        for index in dlex::math::MIN_TRANCHE..=dlex::math::MAX_TRANCHE {
            let Some(data) = source.account_data(pda::tranche(pair_address, side, index as i16)).await? else { continue };
            let tranche = decode::tranche(&data).map_err(|_| "not a tranche")?;
            let totals = TrancheTotals { sat_in_l_assets: tranche.sat_in_l_assets.get(), sat_relative_to_l: tranche.sat_relative_to_l.get() };
            book.tranches.insert((usize::from(side), index), totals);
        }
    }
    Ok(book)
}

impl Model {
    async fn load<S: AccountSource>(source: &mut S, pair_address: Pubkey) -> Result<Self, String> {
        let data = source.account_data(pair_address).await?.ok_or("no pair account")?;
        let pair = decode::pair(&data).map_err(|_| "not a pair")?;
        let book = indices_of(source, pair_address).await?;
        let now = source.unix_timestamp().await? as u32;
        Ok(Self { pair_address, pair, positions: BTreeMap::new(), book, fetched: BTreeSet::new(), now })
    }

    async fn position<S: AccountSource>(&mut self, source: &mut S, address: Pubkey) -> Result<Option<Position>, String> {
        if let Some(position) = self.positions.get(&address) {
            return Ok(Some(*position));
        }
        let Some(data) = source.account_data(address).await? else { return Ok(None) };
        let Ok(position) = decode::position(&data) else { return Ok(None) };
        self.positions.insert(address, position);
        Ok(Some(position))
    }

    async fn fetch<S: AccountSource>(&mut self, source: &mut S, keys: &BTreeSet<(usize, i32)>) -> Result<bool, String> {
        let mut found = false;
        for &(side, index) in keys {
            if !self.fetched.insert((side, index)) {
                continue;
            }
            let Ok(index16) = i16::try_from(index) else { continue };
            if let Some(data) = source.account_data(pda::tranche(self.pair_address, side as u8, index16)).await? {
                if let Ok(tranche) = decode::tranche(&data) {
                    let totals = TrancheTotals { sat_in_l_assets: tranche.sat_in_l_assets.get(), sat_relative_to_l: tranche.sat_relative_to_l.get() };
                    found |= totals != TrancheTotals::default();
                    self.book.tranches.insert((side, index), totals);
                }
            }
        }
        Ok(found)
    }

    /// Simulates `leg`; returns the tranches it touched (`None`: no saturation accounts needed)
    /// after committing its effect to the model.
    fn simulate(&mut self, leg: &Leg) -> Option<(BTreeSet<(usize, i32)>, bool)> {
        let mut store = RecordingStore { book: self.book.clone(), requested: BTreeSet::new(), used_index: false };
        let mut pair = self.pair;
        let mut pool = pair.pool();
        actions::accrue(&mut pair, &mut pool, self.now).ok()?;
        let mut writes: Vec<(Pubkey, PositionBook)> = Vec::new();
        let mut summary = None;
        match leg {
            Leg::Position { position, apply } => {
                let stored = self.positions.get(position)?;
                let mut book = PositionBook::of(stored);
                let accrued = pool;
                let simulated = (|| -> anchor_lang::Result<()> {
                    apply(&mut pool, &mut book.balances, &pair.depth())?;
                    pool.update_fragile(&book.balances, &mut book.fragile)?;
                    let mut context = SaturationContext { store: &mut store, allocations: book.allocations, ratio_mag2: book.ratio_mag2 };
                    let (allocations, new_summary, _) = actions::update_saturation(&pair, &accrued, &pool, &book.balances, &mut context, None)?;
                    book.allocations = allocations;
                    summary = new_summary;
                    Ok(())
                })();
                simulated.ok()?;
                writes.push((*position, book));
            }
            Leg::Liquidate { borrower, liquidator, request } => {
                let borrower_book = PositionBook::of(self.positions.get(borrower)?);
                let liquidator_book = PositionBook::of(self.positions.get(liquidator)?);
                let judged = actions::apply_and_judge_liquidation(&pair, &pool, &borrower_book, &liquidator_book, Some(&mut store), self.now, *request).ok()?;
                pool = judged.pool;
                summary = judged.summary;
                writes.push((*borrower, judged.borrower));
                writes.push((*liquidator, judged.liquidator));
            }
        }
        // Commit the instruction's effect for the instructions after it.
        let RecordingStore { book, requested, used_index } = store;
        self.book = book;
        pair.store_pool(&pool);
        if let Some(summary) = summary {
            pair.store_saturation_summary(&summary);
        }
        self.pair = pair;
        for (address, book) in writes {
            if let Some(position) = self.positions.get_mut(&address) {
                book.store(position);
            }
        }
        Some((requested, used_index))
    }
}

/// `instructions` with the saturation accounts each needs appended (see the module doc).
/// Instructions that need none are returned unchanged; so are those whose simulation fails
/// (the program refuses them too: its action rules are judged before a failed walk's error).
pub async fn complete<S: AccountSource>(source: &mut S, instructions: &[Instruction]) -> Result<Vec<Instruction>, String> {
    let mut models: BTreeMap<Pubkey, Model> = BTreeMap::new();
    let mut out = Vec::with_capacity(instructions.len());
    // Positions an earlier instruction of the transaction opens (a keeper opens its own
    // position in the transaction of its first liquidation).
    let mut opened: BTreeMap<Pubkey, Position> = BTreeMap::new();
    for instruction in instructions {
        if instruction.program_id == dlex::ID && instruction.data.starts_with(dlex::instruction::OpenPosition::DISCRIMINATOR) {
            // OpenPosition: [owner, pair, position, …].
            if let (Some(owner), Some(pair), Some(position)) = (instruction.accounts.first(), instruction.accounts.get(1), instruction.accounts.get(2)) {
                opened.insert(position.pubkey, Position::opened(owner.pubkey, pair.pubkey, 0, 0));
            }
        }
        let Some((pair_address, leg)) = leg_of(instruction) else {
            out.push(instruction.clone());
            continue;
        };
        if let std::collections::btree_map::Entry::Vacant(slot) = models.entry(pair_address) {
            let Ok(model) = Model::load(source, pair_address).await else {
                out.push(instruction.clone());
                continue;
            };
            slot.insert(model);
        }
        let model = models.get_mut(&pair_address).expect("loaded");
        let positions: Vec<Pubkey> = match &leg {
            Leg::Position { position, .. } => vec![*position],
            Leg::Liquidate { borrower, liquidator, .. } => vec![*borrower, *liquidator],
        };
        for address in positions {
            if model.position(source, address).await?.is_none() {
                if let Some(position) = opened.get(&address) {
                    model.positions.insert(address, *position);
                }
            }
        }
        // Walk, fetch what the walk reached, and walk again until nothing new exists. The
        // last walk, on everything that exists, is the instruction's effect: it is committed
        // for the instructions after it.
        let mut touched = BTreeSet::new();
        let mut needed = false;
        let mut settled = false;
        for _ in 0..4 {
            let mut trial = Model {
                pair_address,
                pair: model.pair,
                positions: model.positions.clone(),
                book: model.book.clone(),
                fetched: BTreeSet::new(),
                now: model.now,
            };
            let Some((requested, used_index)) = trial.simulate(&leg) else {
                // The program refuses it too: nothing to commit.
                touched.clear();
                needed = false;
                settled = true;
                break;
            };
            touched = requested;
            needed = used_index || !touched.is_empty();
            if !model.fetch(source, &touched).await? {
                (model.pair, model.positions, model.book) = (trial.pair, trial.positions, trial.book);
                settled = true;
                break;
            }
        }
        if !settled {
            model.simulate(&leg);
        }
        if !needed {
            out.push(instruction.clone());
            continue;
        }
        let keys = touched;
        // The instruction's signer pays for new tranches; a signer flag the caller left off
        // stays off (the program then names the missing signature).
        let payer = &instruction.accounts[0];
        let mut completed = instruction.clone();
        completed.accounts.push(AccountMeta::new(pda::saturation(pair_address, 0), false));
        completed.accounts.push(AccountMeta::new(pda::saturation(pair_address, 1), false));
        completed.accounts.push(AccountMeta::new_readonly(anchor_lang::system_program::ID, false));
        completed.accounts.push(AccountMeta::new(payer.pubkey, payer.is_signer));
        for (side, index) in keys {
            completed.accounts.push(AccountMeta::new(pda::tranche(pair_address, side as u8, index as i16), false));
        }
        out.push(completed);
    }
    Ok(out)
}
