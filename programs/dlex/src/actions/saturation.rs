//! Saturation bookkeeping of one position (spec §10.4–§10.6, §10.8, §11.2) on plain values:
//! release the tranches a position's old allocation occupies, walk its saturation today into
//! at most [`MAX_POSITION_TRANCHES`] tranches per side, keep each side's occupied-leaf index in
//! step, and report which saturation rules the new allocation breaks. Whether that refuses the
//! instruction is `risk::check`'s decision (only actions that add risk are refused); this
//! module never refuses by itself, so repay, deposit, mint and liquidations only release
//! capacity.
//!
//! The tranche totals and the two indices are reached through [`SaturationStore`]: the
//! instruction implements it over the tranche and index accounts it was given, the SDK over
//! accounts it fetched (recording which ones an instruction needs), tests over maps.

use crate::errors::DlexError;
use crate::math::{self, AllocationError, PositionSaturation};
use crate::state::SaturationIndex;

/// Most consecutive tranches one side of a position may occupy (design §8: bounded so no
/// position becomes too big to liquidate). The bound sets the accounts an instruction carries:
/// the tranches of the old and the new allocation of each side. A legacy transaction holds
/// about 31 keys with one signer; `liquidate` and the position instructions name 14 (13 when
/// both mints share a token program) and add 3 saturation accounts, which leaves 14 for
/// tranches. With 7 per side, clearing a position (a full liquidation or repayment needs only
/// the old tranches) always fits, even with a liquidation price on both sides, and so does any
/// change to a one-sided position; a two-sided position whose both allocations move to new
/// bands at once must do it in two steps.
///
/// What it limits: with the default ratio a tranche holds `0.85·L` of saturation relative
/// to L, and a liquidation's saturation is about 20× its debt in L at the liquidation price
/// (spec §10.5 divides by B − 1 ≈ 5%), where the debt is 85% of the collateral. So seven bands
/// hold one position whose collateral, valued at its liquidation price, is up to about a third
/// of the pool's active liquidity; larger positions are refused with `TooManyTranches` (the
/// reference spreads them over as many bands as they need). Because the debt at the
/// liquidation price is 85% of the collateral, adding collateral moves a position's
/// liquidation further away but makes its saturation larger: with this bound a position
/// holding a large share of the pool in collateral could not borrow even one token. That is
/// why the instructions do not enforce tranches yet (README, "Not yet enabled").
pub const MAX_POSITION_TRANCHES: usize = 7;

/// Sides of the saturation state: 0 = net-X debt (liquidated as the price falls, the walk
/// goes up), 1 = net-Y debt.
pub const SIDES: [usize; 2] = [0, 1];

/// One tranche's totals (the fields of a Tranche account).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrancheTotals {
    pub sat_in_l_assets: u128,
    pub sat_relative_to_l: u128,
}

impl TrancheTotals {
    /// The leaf the tranche occupies (spec §10.3 on its relative saturation), `None` if empty.
    pub fn leaf(&self) -> Option<u32> {
        (self.sat_relative_to_l > 0).then(|| math::sat_to_leaf(self.sat_relative_to_l))
    }
}

/// One side of a position's allocation: slot `i` is tranche `last_tranche + i·step(side)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SideAllocation {
    pub last_tranche: i32,
    /// Slots in use (0: the side holds no saturation).
    pub count: u8,
    pub sat_in_l_assets: [u128; MAX_POSITION_TRANCHES],
    pub sat_relative_to_l: [u128; MAX_POSITION_TRANCHES],
    /// The side's saturation in L assets when it was allocated (placed or not): what the
    /// debt-cap liquidation compares today's saturation with (spec §11.2).
    pub sat_at_allocation: u128,
}

/// `+1` for net-X debt, `−1` for net-Y debt.
pub fn tranche_step(side: usize) -> i32 {
    if side == 0 {
        1
    } else {
        -1
    }
}

impl SideAllocation {
    /// The tranche index of slot `i`.
    pub fn tranche_at(&self, side: usize, i: usize) -> i32 {
        self.last_tranche + tranche_step(side) * i as i32
    }
}

/// A store with no accounts: for instructions given none. Any access fails with the error
/// that names what is missing.
pub struct NoSaturationAccounts;

impl SaturationStore for NoSaturationAccounts {
    fn tranche(&mut self, _side: usize, _index: i32) -> Result<&mut TrancheTotals, DlexError> {
        Err(DlexError::MissingTrancheAccount)
    }
    fn index(&mut self, _side: usize) -> Result<&mut SaturationIndex, DlexError> {
        Err(DlexError::MissingSaturationAccount)
    }
}

/// Tranche totals and the two indices held in memory, as a store (a tranche not in the map
/// reads as fresh): for off-chain simulation (the SDK) and tests, never used on chain.
#[derive(Clone)]
pub struct TrancheBook {
    pub tranches: std::collections::BTreeMap<(usize, i32), TrancheTotals>,
    pub indices: [Box<SaturationIndex>; 2],
}

impl Default for TrancheBook {
    fn default() -> Self {
        Self { tranches: Default::default(), indices: [Box::new(bytemuck::Zeroable::zeroed()), Box::new(bytemuck::Zeroable::zeroed())] }
    }
}

impl SaturationStore for TrancheBook {
    fn tranche(&mut self, side: usize, index: i32) -> Result<&mut TrancheTotals, DlexError> {
        Ok(self.tranches.entry((side, index)).or_default())
    }

    fn index(&mut self, side: usize) -> Result<&mut SaturationIndex, DlexError> {
        Ok(&mut self.indices[side])
    }
}

/// Where the saturation state lives.
pub trait SaturationStore {
    /// Tranche `index` of `side`. `MissingTrancheAccount` when the instruction was not given it.
    fn tranche(&mut self, side: usize, index: i32) -> Result<&mut TrancheTotals, DlexError>;
    /// The occupied-leaf index of `side`.
    fn index(&mut self, side: usize) -> Result<&mut SaturationIndex, DlexError>;
}

/// What [`reallocate`] needs to know about the pool and the position after the action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaturationInputs {
    /// The position's assets `[DL, DX, DY, BL, BX, BY]` after the action.
    pub user_assets: [u128; 6],
    /// Active liquidity the saturation of §10.5 and tranche capacity (§10.6) count on: the
    /// depth floor (H-1), so liquidity added in the same transaction never makes room.
    pub active_liquidity: u128,
    /// The same less fragile liquidity, for `maxLeaf` (spec §10.6, last step).
    pub liquidity_less_fragile: u128,
    /// The position's saturation ratio in percent (1..=90, default 85).
    pub ratio_mag2: u128,
    /// The range for new risk `(min_tick, max_tick, sqrt_min_q72, sqrt_max_q72)` when the
    /// action adds risk (edges are then enforced), else `None`.
    pub range: Option<(i32, i32, u128, u128)>,
}

/// The saturation rules an allocation broke (spec §10.5 step 8, §10.6). `risk::check`
/// refuses an action that adds risk when any is set; risk-reducing actions ignore them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaturationVerdict {
    /// More than [`MAX_POSITION_TRANCHES`] tranches would be needed.
    pub too_many_tranches: bool,
    /// Saturation would be placed past the price-range edge.
    pub reaches_range_edge: bool,
    /// The liquidation would start on the wrong side of the price range.
    pub passes_range_edge: bool,
    /// `maxLeaf < highestSetLeaf + 3` after the update.
    pub over_saturated: bool,
}

impl SaturationVerdict {
    /// The error `risk::check` reports for an action that adds risk, if any rule is broken.
    pub fn refusal(&self) -> Option<DlexError> {
        if self.passes_range_edge {
            Some(DlexError::LiquidationPassesMinOrMaxTick)
        } else if self.reaches_range_edge {
            Some(DlexError::SaturationReachesMinOrMaxTick)
        } else if self.too_many_tranches {
            Some(DlexError::TooManyTranches)
        } else if self.over_saturated {
            Some(DlexError::MaxTrancheOverSaturated)
        } else {
            None
        }
    }
}

/// The pair's saturation summary after an update (stored in the Pair, read by accrual).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaturationSummary {
    pub highest_set_leaf: [u16; 2],
    pub max_leaf: u16,
}

/// Moves one tranche's totals by `f`, keeping the side's index in step with its leaf.
fn update_tranche(
    store: &mut dyn SaturationStore,
    side: usize,
    index: i32,
    f: impl FnOnce(&mut TrancheTotals) -> Result<(), DlexError>,
) -> Result<(), DlexError> {
    let tranche = store.tranche(side, index)?;
    let old_leaf = tranche.leaf();
    f(tranche)?;
    let new_leaf = tranche.leaf();
    if old_leaf != new_leaf {
        let tree = store.index(side)?;
        if let Some(leaf) = old_leaf {
            tree.remove(leaf)?;
        }
        if let Some(leaf) = new_leaf {
            tree.add(leaf)?;
        }
    }
    Ok(())
}

/// Removes `allocation` from its tranches (spec `removeSatFromTranche`). Never refused; the
/// subtraction saturates so a rounding drift between totals and slots cannot block a repay.
pub fn release(store: &mut dyn SaturationStore, side: usize, allocation: &SideAllocation) -> Result<(), DlexError> {
    for i in 0..usize::from(allocation.count).min(MAX_POSITION_TRANCHES) {
        let (abs, rel) = (allocation.sat_in_l_assets[i], allocation.sat_relative_to_l[i]);
        if abs == 0 && rel == 0 {
            continue;
        }
        update_tranche(store, side, allocation.tranche_at(side, i), |t| {
            t.sat_in_l_assets = t.sat_in_l_assets.saturating_sub(abs);
            t.sat_relative_to_l = t.sat_relative_to_l.saturating_sub(rel);
            Ok(())
        })?;
    }
    Ok(())
}

/// Re-allocates a position after an action (spec §10.5–§10.6 for each side, then §10.6's last
/// step): releases `allocations`, computes each side's saturation from
/// `inputs.user_assets`, walks it into its tranches (bounded by the range edge when
/// `inputs.range` is given), places it, and returns the broken rules and the new summary.
/// `allocations` is rewritten with what was placed. A side whose walk breaks a rule is left
/// unallocated (`count = 0`, its saturation recorded in `sat_at_allocation` only): a
/// risk-reducing action keeps going, a risk-adding one is refused by `risk::check`.
/// Errors: `MissingTrancheAccount` / `MissingSaturationAccount` from the store, arithmetic.
pub fn reallocate(
    store: &mut dyn SaturationStore,
    allocations: &mut [SideAllocation; 2],
    inputs: &SaturationInputs,
) -> Result<(SaturationVerdict, SaturationSummary), DlexError> {
    let mut verdict = SaturationVerdict::default();
    let mut summary = SaturationSummary::default();
    for side in SIDES {
        release(store, side, &allocations[side])?;
        allocations[side] = SideAllocation::default();
        let net_debt_x = side == 0;
        let Some(sat) = math::position_saturation(inputs.user_assets, inputs.active_liquidity.max(1), inputs.ratio_mag2, net_debt_x)? else {
            continue;
        };
        allocations[side].sat_at_allocation = sat.sat_in_l_assets;
        let edge = match inputs.range {
            Some((min_tick, max_tick, sqrt_min, sqrt_max)) => {
                let skip = math::straddle_skips_range_check(&sat, sqrt_min, sqrt_max);
                if !skip && math::liquidation_passes_range_edge(&sat, sqrt_min, sqrt_max) {
                    verdict.passes_range_edge = true;
                }
                math::range_edge_tick(net_debt_x, skip, min_tick, max_tick)
            }
            None => None,
        };
        match walk(store, side, &sat, inputs, edge)? {
            Ok(placed) => allocations[side] = SideAllocation { sat_at_allocation: sat.sat_in_l_assets, ..placed },
            Err(AllocationError::TooManyTranches) => verdict.too_many_tranches = true,
            Err(_) => verdict.reaches_range_edge = true,
        }
    }
    for side in SIDES {
        let highest = store.index(side)?.highest_occupied_leaf();
        summary.highest_set_leaf[side] = highest.map_or(0, |leaf| leaf as u16);
    }
    summary.max_leaf = math::sat_to_leaf(inputs.liquidity_less_fragile) as u16;
    let occupied = (0..2).any(|side| allocations[side].count > 0) || summary.highest_set_leaf.iter().any(|leaf| *leaf > 0);
    let highest = u32::from(summary.highest_set_leaf[0].max(summary.highest_set_leaf[1]));
    verdict.over_saturated = occupied && u32::from(summary.max_leaf) < highest + 3;
    Ok((verdict, summary))
}

/// The §10.6 walk on the tranches' current totals (`Ok(Err(_))` when a rule stops it), then
/// the placement into the store.
fn walk(
    store: &mut dyn SaturationStore,
    side: usize,
    sat: &PositionSaturation,
    inputs: &SaturationInputs,
    edge: Option<i32>,
) -> Result<Result<SideAllocation, AllocationError>, DlexError> {
    let (_, last_tranche) = math::usable_ticks_and_last_tranche(sat.end_tick, sat.net_debt_x);
    // Read only the tranches the walk visits: start with the first, and read more while the
    // walk runs past what it was shown (each run sees the tranches before as they are).
    let mut current = [0u128; MAX_POSITION_TRANCHES];
    let mut shown = 0;
    let placed = loop {
        let mut grew = false;
        let index = last_tranche + tranche_step(side) * shown as i32;
        if shown < MAX_POSITION_TRANCHES && (math::MIN_TRANCHE..=math::MAX_TRANCHE).contains(&index) {
            // A tranche the store cannot show is treated as empty here; placing saturation in
            // it below still needs its account.
            current[shown] = store.tranche(side, index).map(|t| t.sat_relative_to_l).unwrap_or(0);
            shown += 1;
            grew = true;
        }
        // Unread tranches count as empty, so a refusal here stands once they are read too:
        // more saturation in them only needs more room.
        let placed = match math::allocate_saturation::<MAX_POSITION_TRANCHES>(sat, inputs.active_liquidity.max(1), inputs.ratio_mag2, &current[..shown], edge) {
            Ok(placed) => placed,
            Err(AllocationError::Math(e)) => return Err(e.into()),
            Err(refusal) => return Ok(Err(refusal)),
        };
        if placed.count <= shown || !grew {
            break placed;
        }
    };
    let mut allocation = SideAllocation { last_tranche: placed.last_tranche, count: placed.count as u8, ..Default::default() };
    for i in 0..placed.count {
        let (abs, rel) = (placed.sat_in_l_assets[i], placed.sat_relative_to_l[i]);
        allocation.sat_in_l_assets[i] = abs;
        allocation.sat_relative_to_l[i] = rel;
        if abs == 0 && rel == 0 {
            continue;
        }
        update_tranche(store, side, placed.tranche_at(i), |t| {
            t.sat_in_l_assets = t.sat_in_l_assets.checked_add(abs).ok_or(DlexError::MathOverflow)?;
            t.sat_relative_to_l = t.sat_relative_to_l.checked_add(rel).ok_or(DlexError::MathOverflow)?;
            Ok(())
        })?;
    }
    Ok(Ok(allocation))
}

/// The debt-cap (saturation) liquidation's premium (spec §11.2): for each side with a
/// liquidation today, `ratio = new·1e4/old` with `new` its saturation in L assets today and
/// `old` what it was allocated with; a side allocated at 0 uses the straddle ratio
/// ([`math::saturation_reset_premium_bips`]); the premium is `(max ratio − 1e4)/10` bips, 0
/// when no side grew. Saturation is compared in L assets (debt at the liquidation price,
/// [`math::saturation_in_l_assets`]), which needs no rescaling between tranches and does not
/// depend on the pool's liquidity. Errors: arithmetic of §10.5 steps 1–2.
pub fn debt_cap_premium_bips(allocations: &[SideAllocation; 2], user_assets: [u128; 6]) -> Result<u128, DlexError> {
    let mut premium = 0u128;
    for side in SIDES {
        let Some(sat_in_l_assets) = math::saturation_in_l_assets(user_assets, side == 0)? else {
            continue;
        };
        let old = allocations[side].sat_at_allocation;
        let side_premium = if old == 0 {
            math::saturation_reset_premium_bips(user_assets[3], user_assets[1], user_assets[2])
        } else if sat_in_l_assets > old {
            let ratio = math::mul_div(sat_in_l_assets, math::BIPS, old, false).unwrap_or(u128::MAX);
            (ratio - math::BIPS) / 10
        } else {
            0
        };
        premium = premium.max(side_premium);
    }
    Ok(premium)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Deep pool: 1e22 L; a position with 1000e18 Y deposited and 600e18 X borrowed (the
    /// helper's allocation vectors use the same shape).
    fn inputs(borrow_x: u128) -> SaturationInputs {
        let l = 10u128.pow(22);
        SaturationInputs {
            user_assets: [0, 0, 1000 * 10u128.pow(18), 0, borrow_x, 0],
            active_liquidity: l,
            liquidity_less_fragile: l,
            ratio_mag2: 85,
            range: None,
        }
    }

    /// The tranches' totals equal the sum of the positions' slots, and each side's index
    /// counts exactly the non-empty tranches at their leaves.
    fn assert_books(store: &TrancheBook, positions: &[[SideAllocation; 2]]) {
        let mut expected: BTreeMap<(usize, i32), TrancheTotals> = BTreeMap::new();
        for allocations in positions {
            for side in SIDES {
                let a = &allocations[side];
                for i in 0..usize::from(a.count) {
                    let t = expected.entry((side, a.tranche_at(side, i))).or_default();
                    t.sat_in_l_assets += a.sat_in_l_assets[i];
                    t.sat_relative_to_l += a.sat_relative_to_l[i];
                }
            }
        }
        for (key, totals) in &store.tranches {
            assert_eq!(*totals, expected.get(key).copied().unwrap_or_default(), "tranche {key:?}");
        }
        for side in SIDES {
            let mut counts = vec![0u16; 4096];
            for ((s, _), totals) in &store.tranches {
                if *s == side {
                    if let Some(leaf) = totals.leaf() {
                        counts[leaf as usize] += 1;
                    }
                }
            }
            assert_eq!(&store.indices[side].tranches_per_leaf[..], &counts[..], "side {side} index");
        }
    }

    #[test]
    fn allocate_then_release_restores_everything() {
        let mut store = TrancheBook::default();
        let mut position = [SideAllocation::default(); 2];
        let (verdict, summary) = reallocate(&mut store, &mut position, &inputs(600 * 10u128.pow(18))).unwrap();
        assert_eq!(verdict, SaturationVerdict::default());
        assert!(position[0].count > 0 && position[1].count == 0, "net X debt only");
        assert_eq!(position[0].sat_at_allocation, position[0].sat_in_l_assets.iter().sum::<u128>());
        assert!(summary.highest_set_leaf[0] > 0 && summary.highest_set_leaf[1] == 0);
        assert_books(&store, &[position]);
        // Repaid: nothing left anywhere.
        let (_, summary) = reallocate(&mut store, &mut position, &inputs(0)).unwrap();
        assert_eq!(position, [SideAllocation::default(); 2]);
        assert_eq!(summary.highest_set_leaf, [0, 0]);
        assert_books(&store, &[position]);
        assert!(store.tranches.values().all(|t| *t == TrancheTotals::default()));
    }

    #[test]
    fn many_positions_share_tranches_and_the_books_balance() {
        let mut store = TrancheBook::default();
        let mut positions = vec![[SideAllocation::default(); 2]; 5];
        for (i, position) in positions.iter_mut().enumerate() {
            reallocate(&mut store, position, &inputs((500 + 20 * i as u128) * 10u128.pow(18))).unwrap();
        }
        assert_books(&store, &positions);
        // One grows, one shrinks, one leaves.
        reallocate(&mut store, &mut positions[1], &inputs(650 * 10u128.pow(18))).unwrap();
        reallocate(&mut store, &mut positions[2], &inputs(300 * 10u128.pow(18))).unwrap();
        reallocate(&mut store, &mut positions[3], &inputs(0)).unwrap();
        assert_books(&store, &positions);
    }

    #[test]
    fn a_thin_pool_breaks_the_rules_and_leaves_the_side_unallocated() {
        let mut store = TrancheBook::default();
        let mut position = [SideAllocation::default(); 2];
        // Active L of 1e20 cannot absorb a 600e18 X liquidation within four bands.
        let thin = SaturationInputs { active_liquidity: 10u128.pow(20), liquidity_less_fragile: 10u128.pow(20), ..inputs(600 * 10u128.pow(18)) };
        let (verdict, _) = reallocate(&mut store, &mut position, &thin).unwrap();
        assert!(verdict.too_many_tranches);
        assert_eq!(verdict.refusal().map(|e| e as u32), Some(DlexError::TooManyTranches as u32));
        assert_eq!(position[0].count, 0);
        assert!(position[0].sat_at_allocation > 0, "the saturation is still recorded");
        assert_books(&store, &[position]);
    }

    #[test]
    fn debt_cap_premium_grows_with_saturation() {
        let mut store = TrancheBook::default();
        let mut position = [SideAllocation::default(); 2];
        let before = inputs(600 * 10u128.pow(18));
        reallocate(&mut store, &mut position, &before).unwrap();
        assert_eq!(debt_cap_premium_bips(&position, before.user_assets).unwrap(), 0);
        // Debt up 10%: saturation in L assets up ~10%, premium ~ (11_000 − 10_000)/10 = 100.
        let grown = inputs(660 * 10u128.pow(18));
        let premium = debt_cap_premium_bips(&position, grown.user_assets).unwrap();
        let new = math::position_saturation(grown.user_assets, grown.active_liquidity, 85, true).unwrap().unwrap().sat_in_l_assets;
        assert_eq!(math::saturation_in_l_assets(grown.user_assets, true).unwrap(), Some(new));
        assert_eq!(premium, (new * 10_000 / position[0].sat_at_allocation - 10_000) / 10);
        assert!(premium > 0);
    }
}
