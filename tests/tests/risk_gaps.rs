//! Behaviour the December 2026 mutation run found untested (shared/security/mutation-2026-12.md),
//! on the in-process bank: the fragile-liquidity bound (spec §4.12), intra-interval price
//! extremes (§8.5), the once-a-day interest period of swaps (§7.5), and solvency netting with
//! nonzero subtrahends (§9.2–§9.5). Each test names the mutants it kills.
//!
//! Where the program's own code would answer the question under a mutant too (the SDK's limits
//! and reports run the program's code), the tests check against values written out here from
//! the spec formulas instead, so a mutant moves the program's answer away from the test's.

use anchor_lang::solana_program::instruction::Instruction;
use dlex::actions::{self, Asset, SwapAmount, SwapDirection};
use dlex::math;
use dlex::oracle::PriceRange;
use dlex::queries::PositionReport;
use dlex::state::{has_debt, Pair, Pool, TokenKind};
use dlex_sdk::{health, ix, quote};
use dlex_tests::*;
use solana_program_test::BanksClientError;

const Q72: u128 = 1 << 72;
const DL: usize = TokenKind::DepositL as usize;
const DX: usize = TokenKind::DepositX as usize;
const DY: usize = TokenKind::DepositY as usize;
const BL: usize = TokenKind::BorrowL as usize;
const BX: usize = TokenKind::BorrowX as usize;
const BY: usize = TokenKind::BorrowY as usize;

async fn send(f: &mut Fixture, user: &User, instruction: Instruction) -> Result<(), BanksClientError> {
    f.bank.send(&[instruction], &[&user.keypair]).await
}

/// Sends `instruction`, expects `error`, and checks that nothing changed.
async fn assert_refused(f: &mut Fixture, user: &User, others: &[&User], instruction: Instruction, error: DlexError) {
    let mut users = vec![user];
    users.extend_from_slice(others);
    let before = f.snapshot(&users).await;
    assert_dlex_error(send(f, user, instruction).await, error);
    assert_eq!(f.snapshot(&users).await, before, "a refused {error:?} changes nothing");
}

/// The pair as the next instruction sees it (accrued to now on a copy) and its pool.
async fn accrued(f: &mut Fixture) -> (Pair, Pool) {
    let pair = f.pair().await;
    quote::pool_at(&pair, f.bank.now()).unwrap()
}

/// Active liquidity the risk check counts: the smaller of the pool now and the snapshot.
fn floored_active(pair: &Pair, pool: &Pool) -> u128 {
    pool.active_liquidity().min(pair.depth().active_liquidity)
}

fn div_ceil(a: u128, b: u128) -> u128 {
    a.div_ceil(b)
}

// --- spec §9.2–§9.5 written out independently of dlex::math::validation -------------------

/// `(net borrowed X, net borrowed Y, net deposited X, net deposited Y)` in L (spec §9.2):
/// X debt at sMin rounded up, Y debt at sMax rounded up, X collateral at sMax rounded down, Y
/// collateral at sMin rounded down, L on every side.
fn net(assets: [u128; 6], s_min: u128, s_max: u128) -> (u128, u128, u128, u128) {
    let bx = div_ceil(assets[BX] * Q72, s_min);
    let by = div_ceil(assets[BY] * s_max, Q72);
    let dx = assets[DX] * Q72 / s_max;
    let dy = assets[DY] * s_min / Q72;
    (assets[BL] + bx, assets[BL] + by, assets[DL] + dx, assets[DL] + dy)
}

/// `calcDebtAndCollateral` (spec §9.2): `(debt, collateral, net_debt_x)`.
fn debt_and_collateral((nbx, nby, ndx, ndy): (u128, u128, u128, u128)) -> (u128, u128, bool) {
    match (ndx > nbx, ndy > nby) {
        (true, true) => (0, 0, false),
        (false, true) => (nbx - ndx, ndy - nby, true),
        (true, false) => (nby - ndy, ndx - nbx, false),
        (false, false) => (nbx - ndx + nby - ndy, 0, false),
    }
}

/// `increaseForSlippage(D, L)` (spec §9.3), `None` when `D ≥ L`.
fn with_slippage(debt: u128, liquidity: u128) -> Option<u128> {
    (debt < liquidity).then(|| div_ceil(liquidity * debt, liquidity - debt))
}

/// Spec §9.5 `validateSolvency` on a position's assets with the pool's (floored) active L.
fn solvent(assets: [u128; 6], range: &PriceRange, active: u128) -> bool {
    if !has_debt(&assets) {
        return true;
    }
    if active < assets[DL] + 1000 || (assets[BX] > 0 && assets[DX] > 0) || (assets[BY] > 0 && assets[DY] > 0) {
        return false;
    }
    let (s_min, s_max) = range.sqrt_price_bounds().unwrap();
    let netted = net(assets, s_min, s_max);
    let (nbx, nby, ndx, ndy) = netted;
    if nbx != 0 || nby != 0 {
        let (debt, collateral, _) = debt_and_collateral(netted);
        if collateral == 0 && debt > 0 {
            return false;
        }
        match with_slippage(debt, active - assets[DL]) {
            Some(d) if collateral * 75 >= d * 100 => {}
            _ => return false,
        }
    }
    let (dep, debt) = (ndx + ndy, nbx + nby);
    !(debt > 0 && (dep < debt || (dep - debt) * 100 < dep))
}

/// Whether the position would be solvent (by [`solvent`]) after borrowing `amount` of `asset`
/// now: the borrow leg is the program's action on a copy, the judgement is this file's.
fn solvent_after_borrow(pair: &Pair, pool: &Pool, balances: [u128; 6], asset: Asset, amount: u64, now: u32) -> bool {
    let mut pool = *pool;
    let mut balances = balances;
    actions::borrow(&mut pool, &mut balances, asset, amount).unwrap();
    let range = actions::price_range_for_new_risk(pair, &pool, now).unwrap().unwrap();
    solvent(pool.user_assets(&balances).unwrap(), &range, floored_active(pair, &pool))
}

async fn report_and_limits(f: &mut Fixture, user: &User) -> (PositionReport, health::PositionLimits) {
    let pair = f.pair().await;
    let position = f.position(user).await;
    health::position_health(&pair, &position, f.bank.now(), false).unwrap()
}

/// The on-chain `position_health` query (simulated), which must equal the SDK's report.
async fn on_chain_report(f: &mut Fixture, user: &User) -> PositionReport {
    let data = f.bank.simulate_return_data(&[ix::position_health(f.keys.pair, user.pubkey())], &[]).await.unwrap();
    health::decode_report(&data).unwrap()
}

// --- B1: fragile liquidity (spec §4.12) -----------------------------------------------------

/// A passive LP (8.91e10 L) and two LPs who will borrow X, F1 (8e8 L) and F2 (1.01e10 L):
/// 1e11 L in all. A lender-borrower B has 2e12 X and 2e12 Y on deposit, so much that no price
/// can liquidate an L debt of B's (spec §10.4, `rad ≤ 0`): B has no saturation. The price
/// window is filled. Everything after this happens in the same second (no accrual, no new
/// observation).
///
/// The sizes come from the saturation rules (spec §10.5–§10.6), which judge every borrow. An LP
/// borrowing X against its own L has a saturation of about 17.5× its L (its debt at its
/// liquidation price is 85% of its L, and a liquidation consumes ~20.6× its debt). That
/// saturation goes into bands of `0.85·activeL`, so at full depth F2 fills two bands of
/// 8.5e10. After any borrow, the fullest band must stay 3 leaves (~6%) below
/// `active − fragile` (`MaxTrancheOverSaturated`). 8.5e10 is leaf 922 and leaf 925 starts at
/// ~8.914e10, so at full depth the fragile L may be at most ~1.085e10. The L-borrow limit
/// (spec §6, 90% less the fee) keeps B from taking the active L below ~1.0045e10. 95% of
/// F1's + F2's 1.09e10 L is 1.0355e10, which lies between the two. F2's own L stays below
/// the active L at which the bound refuses it, so F2 stays solvent.
async fn two_lp_pool() -> (Fixture, User, User, User) {
    let mut f = Fixture::new(Flavor::SplToken).await;
    let passive = f.user().await;
    let f1 = f.user().await;
    let f2 = f.user().await;
    let b = f.user().await;
    let keys = f.keys;
    send(&mut f, &passive, ix::mint(&keys, &passive.tokens, 89_100_000_000, 89_100_000_000, 0)).await.unwrap();
    send(&mut f, &f1, ix::mint(&keys, &f1.tokens, 800_000_000, 800_000_000, 0)).await.unwrap();
    send(&mut f, &f2, ix::mint(&keys, &f2.tokens, 10_100_000_000, 10_100_000_000, 0)).await.unwrap();
    f.fill_price_window(&b).await;
    send(&mut f, &b, ix::deposit(&keys, &b.tokens, Asset::X, 2_000_000_000_000, 0)).await.unwrap();
    send(&mut f, &b, ix::deposit(&keys, &b.tokens, Asset::Y, 2_000_000_000_000, 0)).await.unwrap();
    (f, f1, f2, b)
}

/// F1's and F2's X borrows: debts of 1/800 and ~1/100 of their L. Their liquidation prices are
/// ~40 bands apart, so they share no band.
const F1_BORROW_X: u64 = 1_000_000;
const F2_BORROW_X: u64 = 100_000_000;

/// Whether `user`'s position holds no saturation on either side.
async fn holds_no_saturation(f: &mut Fixture, user: &User) -> bool {
    f.position(user).await.allocations().iter().all(|side| side.count == 0 && side.sat_at_allocation == 0)
}

/// Spec §4.12 from the LPs' side. B borrows 8.975e10 L, which takes the active L down to
/// ~1.025e10 (inside the L-borrow limit). F1 borrows X, so its 8e8 L becomes fragile. F2's X
/// borrow would then make 95% of F1's + F2's 1.09e10 L (1.0355e10) fragile, above the active
/// liquidity: it is refused with `FragileLiquidityExceeded` and nothing changes. F2 itself is
/// solvent (its 1.01e10 L is below the active L), so of the borrow's own rules only the
/// fragile bound refuses it. Its saturation would not fit the shrunken pool's bands either,
/// but `risk::check` judges the saturation verdict after the action's rules, so the error
/// names the fragile bound. Once B repays its L, the same borrow stays under the bound, F2's
/// saturation fits, and the borrow passes.
/// B borrows before F1 does. If F1 already held saturation in bands of the full depth, the
/// fullest band would have to stay 3 leaves below `active − fragile`, and B could not take
/// the active liquidity down this far.
/// Kills risk/mod.rs `check_fragile_liquidity → Ok(())`: the saturation verdict would then
/// refuse the borrow with `TooManyTranches` (7 bands of 0.85·1.025e10 cannot hold F2's ~1.8e11).
#[tokio::test]
async fn lp_borrow_beyond_the_fragile_bound_is_refused_and_changes_nothing() {
    let (mut f, f1, f2, b) = two_lp_pool().await;
    let keys = f.keys;
    send(&mut f, &b, ix::borrow_liquidity(&keys, &b.tokens, 89_750_000_000, 0, 0)).await.unwrap();
    assert!(holds_no_saturation(&mut f, &b).await, "B's X and Y cover its L debt at every price");
    send(&mut f, &f1, ix::borrow(&keys, &f1.tokens, Asset::X, F1_BORROW_X)).await.unwrap();
    let pair = f.pair().await;
    let f1_shares = f.position(&f1).await.share_balance(TokenKind::DepositL);
    assert_eq!(pair.fragile_liquidity_shares.get(), f1_shares, "F1's whole L is fragile");

    // What F2's borrow would leave, by the program's own leg on a copy: fragile > active.
    let (accrued_pair, pool) = accrued(&mut f).await;
    let position = f.position(&f2).await;
    let (mut after, mut balances, mut fragile) = (pool, position.balances(), position.fragile_shares.get());
    actions::borrow(&mut after, &mut balances, Asset::X, F2_BORROW_X).unwrap();
    after.update_fragile(&balances, &mut fragile).unwrap();
    let fragile_l = after.fragile_liquidity_assets().unwrap();
    let active = floored_active(&accrued_pair, &after);
    assert!(fragile_l > active, "fragile {fragile_l} must exceed active {active}");
    // 1e11 − 8.975e10: above F2's 1.01e10 L, below 95% of F1's + F2's 1.09e10 L.
    assert!(active > 10_200_000_000 && active < 10_300_000_000, "active {active}");
    // F2 alone is solvent after the borrow (this file's §9.5): only the fragile rule refuses.
    let range = actions::price_range_for_new_risk(&accrued_pair, &after, f.bank.now() as u32).unwrap().unwrap();
    assert!(solvent(after.user_assets(&balances).unwrap(), &range, active));

    assert_refused(&mut f, &f2, &[&f1, &b], ix::borrow(&keys, &f2.tokens, Asset::X, F2_BORROW_X), DlexError::FragileLiquidityExceeded).await;

    // B repays all its L. The active liquidity is back at 1e11, above 95% of F1's + F2's L, and
    // it leaves room beside the fragile L for F2's saturation (the rules of the fixture), so the
    // borrow passes. A partial repayment would not do: F2's bands need an active L of ~9.95e10.
    send(&mut f, &b, ix::repay_liquidity(&keys, &b.tokens, u128::MAX, u64::MAX, u64::MAX)).await.unwrap();
    send(&mut f, &f2, ix::borrow(&keys, &f2.tokens, Asset::X, F2_BORROW_X)).await.unwrap();
    let (pair, pool) = accrued(&mut f).await;
    let f2_shares = f.position(&f2).await.share_balance(TokenKind::DepositL);
    assert_eq!(pair.fragile_liquidity_shares.get(), f1_shares + f2_shares);
    let fragile_l = pool.fragile_liquidity_assets().unwrap();
    assert!(fragile_l <= floored_active(&pair, &pool));
    f.assert_conservation().await;
}

/// Spec §4.12 at its exact boundary. F1 and F2 both borrow X at full depth: 95% of their
/// 1.09e10 L (1.0355e10) is fragile, far under the 1e11 active. Then B borrows L, which lowers
/// the active liquidity one for one. The largest L borrow that the action's own rules accept
/// (the SDK's limits without tranches) leaves fragile liquidity exactly equal to the active
/// liquidity. That equality is computed here from the pool, not by the risk check. One more
/// unit is refused with `FragileLiquidityExceeded` and changes nothing.
///
/// With tranche accounting on, the boundary is not an accepted state. There the fragile L
/// takes the whole active L, so nothing is left for the pair's saturation
/// (`maxLeaf = satToLeaf(0) = 0`, spec §10.6). The saturation verdict is judged after the
/// action's rules and refuses the borrow with `MaxTrancheOverSaturated`, which also changes
/// nothing, even though the fragile bound lets the borrow through. This holds in any pool
/// where a borrowing LP's saturation occupies a band. The largest borrow accepted with
/// tranches (`Fixture::limits`) keeps `active − fragile` 3 leaves above the fullest band. Here
/// that is ~5e8 L; it passes and leaves fragile < active.
/// Kills `check_fragile_liquidity → Ok(())`: the +1 borrow would be refused with
/// `MaxTrancheOverSaturated`. Kills `>` → `>=` in it: the boundary borrow would be refused
/// with `FragileLiquidityExceeded`, and the maximum without tranches would leave
/// fragile < active.
#[tokio::test]
async fn fragile_bound_is_reached_exactly_by_a_liquidity_borrow() {
    let (mut f, f1, f2, b) = two_lp_pool().await;
    let keys = f.keys;
    send(&mut f, &f1, ix::borrow(&keys, &f1.tokens, Asset::X, F1_BORROW_X)).await.unwrap();
    send(&mut f, &f2, ix::borrow(&keys, &f2.tokens, Asset::X, F2_BORROW_X)).await.unwrap();
    let (pair, pool) = accrued(&mut f).await;
    let fragile_before = pool.fragile_liquidity_assets().unwrap();
    let active_before = floored_active(&pair, &pool);
    assert!(fragile_before < active_before);

    // The limits the action's own rules allow, without tranches. B holds no saturation, but the
    // pair-wide rule of §10.6 binds it too, so this is not what B may borrow (see below).
    let (_, limits) = report_and_limits(&mut f, &b).await;
    let max = limits.max_borrow_l;
    // The bound is at ~active − 95%·(F1 + F2 L) = 1e11 − 1.0355e10. That is just inside the
    // L-borrow limit (~8.9955e10, 90% less the fee), so `max + 1` below reaches the fragile rule.
    assert!(max > 89_600_000_000 && max < 89_700_000_000, "max L borrow {max}");

    // This file's view of the two borrows: the program's leg on a copy, fragile vs active.
    let position = f.position(&b).await;
    // The active liquidity the bound counts for the acting position: the pool after the borrow,
    // floored by the snapshot lowered by what the borrow itself took (H-1).
    let counted_active = |before: &Pool, after: &Pool| pair.depth().less_taken(before, after).floor(after).active_liquidity;
    let leave = |liquidity: u128| {
        let (mut after, mut balances) = (pool, position.balances());
        actions::borrow_liquidity(&mut after, &mut balances, liquidity).unwrap();
        (after.fragile_liquidity_assets().unwrap(), counted_active(&pool, &after))
    };
    let (fragile_at_max, active_at_max) = leave(max);
    let (fragile_over, active_over) = leave(max + 1);
    println!("max L borrow {max}: fragile {fragile_at_max} / active {active_at_max}; +1: {fragile_over} / {active_over}");
    assert!(fragile_over > active_over);
    assert_eq!(fragile_at_max, active_at_max, "the largest borrow the action's rules accept reaches the bound exactly");

    assert_refused(&mut f, &b, &[&f1, &f2], ix::borrow_liquidity(&keys, &b.tokens, max + 1, 0, 0), DlexError::FragileLiquidityExceeded).await;
    // At the bound the fragile rule lets the borrow through; the saturation verdict does not.
    assert_refused(&mut f, &b, &[&f1, &f2], ix::borrow_liquidity(&keys, &b.tokens, max, 0, 0), DlexError::MaxTrancheOverSaturated).await;

    // What B may borrow, tranche rules included. F2's full bands hold 0.85·activeL (leaf 922).
    // `active − fragile` may fall only to the first saturation of leaf 925 (~8.914e10), down
    // from ~8.9645e10, which leaves ~5e8.
    let accepted = f.limits(&b).await.max_borrow_l;
    let book = dlex_sdk::saturation::tranche_book(&mut f.bank, keys.pair).await.unwrap();
    let fullest = book.tranches.values().map(|t| t.sat_relative_to_l).max().unwrap();
    assert_eq!(fullest, div_ceil(active_before * 85, 100), "F2 fills bands of 0.85·activeL");
    let room_leaf = |liquidity: u128| {
        let (fragile, active) = leave(liquidity);
        math::sat_to_leaf(active - fragile)
    };
    assert!(room_leaf(accepted) >= math::sat_to_leaf(fullest) + 3);
    assert!(room_leaf(accepted + 1) < math::sat_to_leaf(fullest) + 3, "the saturation rule sets the limit");
    assert!(accepted > 400_000_000 && accepted < 600_000_000, "accepted L borrow {accepted}");
    println!("accepted with tranches: {accepted} (fullest band {fullest}, leaf {})", math::sat_to_leaf(fullest));

    send(&mut f, &b, ix::borrow_liquidity(&keys, &b.tokens, accepted, 0, 0)).await.unwrap();
    assert!(holds_no_saturation(&mut f, &b).await, "B's X and Y cover its L debt at every price");
    let (pair_after, pool_after) = accrued(&mut f).await;
    assert_eq!(pair_after.depth(), pair.depth(), "same interval: the snapshot is unchanged");
    let fragile_after = pool_after.fragile_liquidity_assets().unwrap();
    assert_eq!((fragile_after, counted_active(&pool, &pool_after)), leave(accepted), "as the copy predicted");
    assert!(fragile_after < counted_active(&pool, &pool_after));
    assert_eq!(pair_after.total_assets[BL].get(), accepted + math::lending_fee(accepted));
    f.assert_conservation().await;
}

// --- B2: price extremes (spec §8.5) ---------------------------------------------------------

/// Move the price far down and back inside one observation interval (same second): the TWAP
/// and the current tick end where they were, but the extremes keep the low tick, so the range
/// for new risk reaches it and the borrower's Y collateral counts for less. Compared with the
/// same pair whose extremes are as before the move (identical otherwise: reserves, TWAP,
/// depth), the max X borrow is strictly lower, and borrowing the no-move max is refused.
/// Kills actions/accrue.rs `record_price_extreme → Ok(())`.
#[tokio::test]
async fn a_move_and_revert_inside_one_interval_widens_the_range_and_lowers_max_borrow() {
    let mut f = Fixture::new(Flavor::SplToken).await;
    let lp = f.user().await;
    let trader = f.user().await;
    let borrower = f.user().await;
    let mover = f.user().await;
    let keys = f.keys;
    send(&mut f, &lp, ix::mint(&keys, &lp.tokens, 10_000_000_000, 10_000_000_000, 0)).await.unwrap();
    f.fill_price_window(&trader).await;
    send(&mut f, &borrower, ix::deposit(&keys, &borrower.tokens, Asset::Y, 1_000_000_000, 0)).await.unwrap();

    let start = f.pair().await;
    let now = f.bank.now();
    let tick_start = math::tick_at_reserves(start.reserve_x.get(), start.reserve_y.get()).unwrap();
    let (report_start, limits_start) = report_and_limits(&mut f, &borrower).await;

    // Sell 1e10 Y (the whole Y reserve) for X: the price of Y in X falls ~4×.
    send(&mut f, &mover, ix::swap_exact_in(&keys, &mover.tokens, SwapDirection::YToX, 10_000_000_000, 0)).await.unwrap();
    let moved = f.pair().await;
    let tick_moved = math::tick_at_reserves(moved.reserve_x.get(), moved.reserve_y.get()).unwrap();
    assert!(tick_moved < report_start.min_tick - 100, "moved to tick {tick_moved}, range was [{}, {}]", report_start.min_tick, report_start.max_tick);
    // Buy Y back with the least X that brings the current tick back to where it started.
    let back = |amount: u64| {
        let q = quote::swap(&moved, now, SwapDirection::XToY, SwapAmount::ExactIn(amount)).unwrap();
        math::tick_at_reserves(moved.reserve_x.get() + u128::from(amount), moved.reserve_y.get() - u128::from(q.amount_out)).unwrap()
    };
    let (mut lo, mut hi) = (1u64, 100_000_000_000u64);
    assert!(back(hi) >= tick_start);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if back(mid) >= tick_start {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    send(&mut f, &mover, ix::swap_exact_in(&keys, &mover.tokens, SwapDirection::XToY, hi, 0)).await.unwrap();
    assert_eq!(f.bank.now(), now, "all in one second");

    let after = f.pair().await;
    assert_eq!(math::tick_at_reserves(after.reserve_x.get(), after.reserve_y.get()).unwrap(), tick_start, "price reverted");
    assert_eq!(after.observations, start.observations, "no observation recorded: the TWAP never saw the move");
    assert_eq!(after.last_update_timestamp, start.last_update_timestamp);
    // The stored extremes kept the move: current slot [tick_moved, …) since this interval began.
    assert_ne!(after.price_extremes, start.price_extremes);
    assert_eq!(after.price_extremes.current_min_tick, tick_moved);
    assert_eq!(after.price_extremes.current_initialized, 1);
    assert_eq!(after.price_extremes.current_timestamp, start.price_extremes.current_timestamp);

    // The same pair without the move's extremes (all else identical).
    let mut no_move = after;
    no_move.price_extremes = start.price_extremes;
    let position = f.position(&borrower).await;
    let (report, limits) = health::position_health(&after, &position, now, false).unwrap();
    let (report_no_move, limits_no_move) = health::position_health(&no_move, &position, now, false).unwrap();
    assert_eq!(report.min_tick, tick_moved, "the range reaches down to the extreme");
    assert!(report_no_move.min_tick > tick_moved + 100);
    assert_eq!(report.max_tick, report_no_move.max_tick);
    assert_eq!((report_no_move.min_tick, report_no_move.max_tick), (report_start.min_tick, report_start.max_tick));
    assert!(report.collateral_l < report_no_move.collateral_l);
    assert!(
        limits.max_borrow_x < limits_no_move.max_borrow_x,
        "max borrow with the extremes {} must be below {} without",
        limits.max_borrow_x,
        limits_no_move.max_borrow_x
    );
    assert!(limits_no_move.max_borrow_x >= limits_start.max_borrow_x);
    println!(
        "move to tick {tick_moved} and back to {tick_start}: range [{}, {}] vs [{}, {}] without; max borrow {} vs {}",
        report.min_tick, report.max_tick, report_no_move.min_tick, report_no_move.max_tick, limits.max_borrow_x, limits_no_move.max_borrow_x
    );

    assert_refused(&mut f, &borrower, &[], ix::borrow(&keys, &borrower.tokens, Asset::X, limits_no_move.max_borrow_x), DlexError::LtvTooHigh).await;
    send(&mut f, &borrower, ix::borrow(&keys, &borrower.tokens, Asset::X, limits.max_borrow_x)).await.unwrap();
    f.assert_conservation().await;
}

// --- B3: swaps accrue interest at most once a day (spec §7.5) --------------------------------

/// With X debt outstanding: a swap 86_398 s after the last lending checkpoint records an
/// observation but accrues no interest (`last_lending_timestamp` and every total unchanged); a
/// swap at 86_399 s accrues exactly what any other instruction would; a deposit accrues after
/// 1 s and after 100 s.
/// Kills actions/accrue.rs `elapsed < min_period` → `<=` (the 86_399 s swap would not accrue)
/// and `||` → `&&` in the period test (the 86_398 s swap would accrue).
#[tokio::test]
async fn swaps_accrue_interest_at_most_once_a_day() {
    let mut f = Fixture::new(Flavor::SplToken).await;
    let lp = f.user().await;
    let trader = f.user().await;
    let borrower = f.user().await;
    let lender = f.user().await;
    let keys = f.keys;
    send(&mut f, &lp, ix::mint(&keys, &lp.tokens, 10_000_000_000, 10_000_000_000, 0)).await.unwrap();
    send(&mut f, &borrower, ix::deposit(&keys, &borrower.tokens, Asset::Y, 4_000_000_000, 0)).await.unwrap();
    f.fill_price_window(&trader).await;
    send(&mut f, &borrower, ix::borrow(&keys, &borrower.tokens, Asset::X, 1_000_000_000)).await.unwrap();
    let checkpoint = f.pair().await;
    let t0 = f.bank.now() as u32;
    assert_eq!(checkpoint.last_lending_timestamp, t0, "the borrow accrued and set the checkpoint");
    assert_eq!(checkpoint.total_assets[BX].get(), 1_000_500_000);
    let totals = |pair: &Pair| (pair.total_assets.map(|v| v.get()), pair.total_shares.map(|v| v.get()), pair.protocol_fee_shares.map(|v| v.get()));

    // 86_398 s later: the swap records a TWAP observation, but interest waits.
    f.bank.warp_seconds(86_398);
    send(&mut f, &trader, ix::swap_exact_in(&keys, &trader.tokens, SwapDirection::XToY, 10_000, 0)).await.unwrap();
    let early = f.pair().await;
    assert_eq!(early.last_update_timestamp, t0 + 86_398, "the oracle still ticks");
    assert_eq!(early.last_lending_timestamp, t0);
    assert_eq!(totals(&early), totals(&checkpoint), "no interest on a swap within the day");

    // One second more: 86_399 s since the checkpoint. The swap accrues exactly what a deposit
    // at this time would (`actions::accrue` has no period).
    f.bank.warp_seconds(1);
    let now = f.bank.now() as u32;
    let mut expected = early;
    let mut pool = expected.pool();
    actions::accrue(&mut expected, &mut pool, now).unwrap();
    send(&mut f, &trader, ix::swap_exact_in(&keys, &trader.tokens, SwapDirection::YToX, 10_000, 0)).await.unwrap();
    let day = f.pair().await;
    assert_eq!(day.last_lending_timestamp, t0 + 86_399);
    assert_eq!(day.total_assets.map(|v| v.get()), pool.assets);
    let grown = day.total_assets[BX].get() - early.total_assets[BX].get();
    assert!(grown > 10_000, "a day of interest on 1e9 X at ~10% utilization, got {grown}");
    f.assert_conservation().await;

    // Any other instruction accrues on any elapsed time: a deposit 1 s later …
    for wait in [1, 100] {
        f.bank.warp_seconds(wait);
        let now = f.bank.now() as u32;
        let before = f.pair().await;
        let mut expected = before;
        let mut pool = expected.pool();
        actions::accrue(&mut expected, &mut pool, now).unwrap();
        send(&mut f, &lender, ix::deposit(&keys, &lender.tokens, Asset::Y, 1_000_000, 0)).await.unwrap();
        let after = f.pair().await;
        assert_eq!(after.last_lending_timestamp, now, "deposit after {wait} s accrues");
        assert_eq!(after.total_assets[BX].get(), pool.assets[BX]);
        if wait == 100 {
            assert!(after.total_assets[BX].get() > before.total_assets[BX].get(), "100 s of interest");
        }
    }
    f.assert_conservation().await;
}

// --- B4: solvency netting with nonzero subtrahends (spec §9.2–§9.5) ---------------------------

/// A 1e10 / 1e10 pool with its price window filled.
async fn lending_pool() -> (Fixture, User, User) {
    let mut f = Fixture::new(Flavor::SplToken).await;
    let lp = f.user().await;
    let trader = f.user().await;
    let keys = f.keys;
    send(&mut f, &lp, ix::mint(&keys, &lp.tokens, 10_000_000_000, 10_000_000_000, 0)).await.unwrap();
    f.fill_price_window(&trader).await;
    (f, lp, trader)
}

/// Checks `user`'s report against the program's netting (`check_ltv_params` +
/// `debt_and_collateral` on the report's assets and range) and against this file's own, the
/// LTV against this file's slippage add-on, and the on-chain query against the SDK. Returns
/// the report.
async fn check_report(f: &mut Fixture, user: &User) -> PositionReport {
    let pair = f.pair().await;
    let position = f.position(user).await;
    let report = health::position_report(&pair, &position, f.bank.now()).unwrap();
    assert_eq!(on_chain_report(f, user).await, report, "on-chain query == SDK report");
    assert!(report.price_window_ready);
    let range = PriceRange { min_tick: report.min_tick, max_tick: report.max_tick };
    let (s_min, s_max) = range.sqrt_price_bounds().unwrap();
    let params = math::check_ltv_params(report.assets, s_min, s_max).unwrap();
    assert_eq!(math::debt_and_collateral(&params), (report.debt_l, report.collateral_l, report.net_debt_x));
    let netted = net(report.assets, s_min, s_max);
    assert_eq!(
        (params.net_borrowed_x, params.net_borrowed_y, params.net_deposited_x, params.net_deposited_y),
        netted
    );
    assert_eq!(debt_and_collateral(netted), (report.debt_l, report.collateral_l, report.net_debt_x));
    let (pair, pool) = accrued(f).await;
    let slippage_l = floored_active(&pair, &pool) - report.assets[DL];
    let ltv = match (report.debt_l, report.collateral_l) {
        (0, _) => 0,
        (_, 0) => u64::MAX,
        (debt, collateral) => u64::try_from(with_slippage(debt, slippage_l).unwrap() * 10_000 / collateral).unwrap(),
    };
    assert_eq!(report.ltv_bips, ltv);
    assert!(report.solvent);
    report
}

/// Finds the max borrow of `asset` (SDK), checks it against this file's §9.5 (`max` solvent,
/// `max + 1` not), then borrows `max + 1` (refused with `LtvTooHigh`, nothing changes) and
/// `max` (passes). Returns `max`.
async fn borrow_the_max(f: &mut Fixture, user: &User, asset: Asset) -> u64 {
    let (_, limits) = report_and_limits(f, user).await;
    let max = match asset {
        Asset::X => limits.max_borrow_x,
        Asset::Y => limits.max_borrow_y,
    };
    assert!(max > 0);
    let (pair, pool) = accrued(f).await;
    let balances = f.position(user).await.balances();
    let now = f.bank.now() as u32;
    assert!(solvent_after_borrow(&pair, &pool, balances, asset, max, now), "max {max} must be solvent by spec §9.5");
    assert!(!solvent_after_borrow(&pair, &pool, balances, asset, max + 1, now), "max + 1 must not be solvent by spec §9.5");
    let keys = f.keys;
    assert_refused(f, user, &[], ix::borrow(&keys, &user.tokens, asset, max + 1), DlexError::LtvTooHigh).await;
    send(f, user, ix::borrow(&keys, &user.tokens, asset, max)).await.unwrap();
    f.assert_conservation().await;
    max
}

/// An LP that also borrowed L and deposits Y borrows X: netted, its X side is
/// `BL + BX/sMin − DL` of debt and its Y side `DL + DY·sMin − BL` of collateral (both
/// subtrahends nonzero), and the slippage add-on uses the pool's active L minus its own DL.
/// Kills validation.rs 79:35 and 80:36 `-` → `+` (only-Y-bigger branch of
/// `debt_and_collateral`) and 154:41 `activeL − DL` → `+` (the SDK's max would move away
/// from this file's §9.5 boundary).
#[tokio::test]
async fn lp_with_l_debt_and_y_collateral_borrows_x_netted_both_ways() {
    let (mut f, _lp, _trader) = lending_pool().await;
    let p = f.user().await;
    let keys = f.keys;
    send(&mut f, &p, ix::mint(&keys, &p.tokens, 1_000_000_000, 1_000_000_000, 0)).await.unwrap();
    send(&mut f, &p, ix::borrow_liquidity(&keys, &p.tokens, 200_000_000, 0, 0)).await.unwrap();
    send(&mut f, &p, ix::deposit(&keys, &p.tokens, Asset::Y, 2_000_000_000, 0)).await.unwrap();
    // Holding more L than it owes, with Y on deposit: net positive on both sides.
    let report = check_report(&mut f, &p).await;
    assert_eq!((report.debt_l, report.collateral_l), (0, 0));

    let max = borrow_the_max(&mut f, &p, Asset::X).await;
    let report = check_report(&mut f, &p).await;
    let a = report.assets;
    assert!(a[DL] > 0 && a[BL] > 0 && a[DY] > 0 && a[BX] > 0, "{a:?}");
    assert!(report.net_debt_x, "debt in X, collateral in Y");
    let (s_min, _) = PriceRange { min_tick: report.min_tick, max_tick: report.max_tick }.sqrt_price_bounds().unwrap();
    assert_eq!(report.debt_l, a[BL] + div_ceil(a[BX] * Q72, s_min) - a[DL]);
    assert_eq!(report.collateral_l, a[DL] + a[DY] * s_min / Q72 - a[BL]);
    assert!(report.ltv_bips <= 7_500 && report.ltv_bips > 7_400, "at the max the LTV is just under 75%: {}", report.ltv_bips);
    println!("P borrowed {max} X: {report:?}");
}

/// The mirror position: an LP that also borrowed L deposits X and borrows Y; netted, its Y
/// side is `BL + BY·sMax − DL` of debt and its X side `DL + DX/sMax − BL` of collateral.
/// Kills validation.rs 84:35 and 85:36 `-` → `+` (only-X-bigger branch) and, again, 154:41.
#[tokio::test]
async fn lp_with_l_debt_and_x_collateral_borrows_y_netted_both_ways() {
    let (mut f, _lp, _trader) = lending_pool().await;
    let q = f.user().await;
    let keys = f.keys;
    send(&mut f, &q, ix::mint(&keys, &q.tokens, 1_000_000_000, 1_000_000_000, 0)).await.unwrap();
    send(&mut f, &q, ix::borrow_liquidity(&keys, &q.tokens, 200_000_000, 0, 0)).await.unwrap();
    send(&mut f, &q, ix::deposit(&keys, &q.tokens, Asset::X, 2_000_000_000, 0)).await.unwrap();
    check_report(&mut f, &q).await;

    let max = borrow_the_max(&mut f, &q, Asset::Y).await;
    let report = check_report(&mut f, &q).await;
    let a = report.assets;
    assert!(a[DL] > 0 && a[BL] > 0 && a[DX] > 0 && a[BY] > 0, "{a:?}");
    assert!(!report.net_debt_x, "debt in Y, collateral in X");
    let (_, s_max) = PriceRange { min_tick: report.min_tick, max_tick: report.max_tick }.sqrt_price_bounds().unwrap();
    assert_eq!(report.debt_l, a[BL] + div_ceil(a[BY] * s_max, Q72) - a[DL]);
    assert_eq!(report.collateral_l, a[DL] + a[DX] * Q72 / s_max - a[BL]);
    assert!(report.ltv_bips <= 7_500 && report.ltv_bips > 7_400, "{}", report.ltv_bips);
    println!("Q borrowed {max} Y: {report:?}");
}

/// An LP borrowing a little X stays net positive on both sides (its L covers the X debt at
/// the worst price, and its L is collateral on the Y side too): debt and collateral net to
/// (0, 0) and the borrow passes, though `collateral == 0`. Its max X borrow is where the X
/// side turns to debt, `BX/sMin − DL`, against `DL` of Y-side collateral.
/// Kills validation.rs 111:32 `debt > 0` → `debt >= 0` (which would refuse the first borrow
/// with `DebtWithoutCollateral`), and 79:35 and 154:41 again at the max.
#[tokio::test]
async fn lp_net_positive_on_both_sides_may_borrow() {
    let (mut f, _lp, _trader) = lending_pool().await;
    let r = f.user().await;
    let keys = f.keys;
    send(&mut f, &r, ix::mint(&keys, &r.tokens, 1_000_000_000, 1_000_000_000, 0)).await.unwrap();
    send(&mut f, &r, ix::borrow(&keys, &r.tokens, Asset::X, 100_000_000)).await.unwrap();
    let report = check_report(&mut f, &r).await;
    let (s_min, _) = PriceRange { min_tick: report.min_tick, max_tick: report.max_tick }.sqrt_price_bounds().unwrap();
    assert!(report.assets[DL] > div_ceil(report.assets[BX] * Q72, s_min), "L covers the X debt");
    assert_eq!((report.debt_l, report.collateral_l, report.ltv_bips), (0, 0, 0));

    borrow_the_max(&mut f, &r, Asset::X).await;
    let report = check_report(&mut f, &r).await;
    let a = report.assets;
    let (s_min, _) = PriceRange { min_tick: report.min_tick, max_tick: report.max_tick }.sqrt_price_bounds().unwrap();
    assert!(report.net_debt_x);
    assert_eq!(report.debt_l, div_ceil(a[BX] * Q72, s_min) - a[DL]);
    assert_eq!(report.collateral_l, a[DL]);
    assert!(report.ltv_bips <= 7_500 && report.ltv_bips > 7_400, "{}", report.ltv_bips);
}
