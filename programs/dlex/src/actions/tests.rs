//! Unit tests of the legs that the security review changed (repay, repay_liquidity, dust
//! forfeiture, protocol-fee collection) on plain pools, with exact values worked out by hand in
//! each test's comments. They run in milliseconds, so mutation runs can use them.

use proptest::prelude::*;

use super::*;
use crate::errors::DlexError;
use crate::math;
use crate::state::{Pool, TokenKind};

const BX: usize = TokenKind::BorrowX as usize;
const BL: usize = TokenKind::BorrowL as usize;
const DL: usize = TokenKind::DepositL as usize;
const DXK: usize = TokenKind::DepositX as usize;
const DYK: usize = TokenKind::DepositY as usize;

/// A pool after a first mint of 1e6 X / 4e6 Y: L = 2e6, the LP holds 1_999_000 shares.
fn pool() -> (Pool, [u128; 6]) {
    let mut pool = Pool::default();
    let mut lp = [0u128; 6];
    mint_liquidity(&mut pool, &mut lp, 1_000_000, 4_000_000).unwrap();
    assert_eq!((pool.active_liquidity(), lp[DL]), (2_000_000, 1_999_000));
    (pool, lp)
}

/// [`pool`] where a borrower owes 100_000 X (debt 100_050 with the fee, 100_050 shares), and
/// interest has since made one debt share worth 1.5 X (BORROW_X assets 150_075).
fn pool_with_x_debt() -> (Pool, [u128; 6]) {
    let (mut pool, _) = pool();
    let mut borrower = [0u128; 6];
    let outcome = borrow(&mut pool, &mut borrower, Asset::X, 100_000).unwrap();
    assert_eq!((outcome.debt.0, outcome.shares.0), (100_050, 100_050));
    pool.assets[BX] = 150_075;
    (pool, borrower)
}

fn error_of<T: core::fmt::Debug>(result: Result<T, DlexError>) -> String {
    format!("{:?}", result.unwrap_err())
}

#[test]
fn repay_below_the_debt_burns_floor_shares_and_pulls_the_offer() {
    let (mut pool, mut borrower) = pool_with_x_debt();
    // floor(10_000·100_050/150_075) = floor(6_666.67) = 6_666 shares.
    let outcome = repay(&mut pool, &mut borrower, Asset::X, 10_000).unwrap();
    assert_eq!((outcome.amount, outcome.repaid.0, outcome.shares.0), (10_000, 10_000, 6_666));
    assert_eq!(outcome.flows, TokenFlows { x_in: 10_000, ..Default::default() });
    assert_eq!((pool.assets[BX], pool.shares[BX], borrower[BX]), (140_075, 93_384, 93_384));
}

#[test]
fn repay_one_unit_below_the_debt_leaves_one_share() {
    let (mut pool, mut borrower) = pool_with_x_debt();
    // debt = ceil(100_050·150_075/100_050) = 150_075; floor(150_074·100_050/150_075) = 100_049.
    let outcome = repay(&mut pool, &mut borrower, Asset::X, 150_074).unwrap();
    assert_eq!((outcome.amount, outcome.shares.0), (150_074, 100_049));
    assert_eq!((pool.assets[BX], pool.shares[BX], borrower[BX]), (1, 1, 1));
}

/// Security review L-2: an offer at, one above (F3's sole-borrower case), or far above the debt
/// burns every share and pulls exactly the debt; the debt class is then empty.
#[test]
fn repay_at_or_above_the_debt_pulls_exactly_the_debt() {
    for offer in [150_075, 150_076, u64::MAX] {
        let (mut pool, mut borrower) = pool_with_x_debt();
        let outcome = repay(&mut pool, &mut borrower, Asset::X, offer).unwrap();
        assert_eq!((outcome.amount, outcome.repaid.0, outcome.shares.0), (150_075, 150_075, 100_050), "offer {offer}");
        assert_eq!((pool.assets[BX], pool.shares[BX], borrower[BX]), (0, 0, 0));
    }
}

#[test]
fn repay_refusals() {
    let (mut pool, mut borrower) = pool_with_x_debt();
    assert_eq!(error_of(repay(&mut pool, &mut borrower, Asset::X, 0)), "ZeroAmount");
    // floor(1·100_050/150_075) = 0 shares.
    assert_eq!(error_of(repay(&mut pool, &mut borrower, Asset::X, 1)), "RepayTooSmall");
    assert_eq!(error_of(repay(&mut pool, &mut borrower, Asset::Y, 1_000)), "NothingToRepay");
}

/// [`pool`] where a borrower took 100_000 L: it received floor(1e5·2e6/4e6) = 50_000 X and
/// floor(1e5·2e6/1e6) = 200_000 Y and owes 100_050 L in 100_050 shares; reserves 950_000 /
/// 3_800_000, so s = sqrtCeil(rX·rY) = 1_900_000.
fn pool_with_l_debt() -> (Pool, [u128; 6]) {
    let (mut pool, _) = pool();
    let mut borrower = [0u128; 6];
    let outcome = borrow_liquidity(&mut pool, &mut borrower, 100_000).unwrap();
    assert_eq!(outcome.flows, TokenFlows { x_out: 50_000, y_out: 200_000, ..Default::default() });
    assert_eq!((pool.reserve_x.0, pool.reserve_y.0, borrower[BL]), (950_000, 3_800_000, 100_050));
    (pool, borrower)
}

/// Security review L-1: the whole L debt is repaid with ceil(100_050·950_000/1_900_000) =
/// 50_025 X and ceil(100_050·3_800_000/1_900_000) = 200_100 Y, which join the reserves; a
/// maximum one unit lower on either side is refused and changes nothing.
#[test]
fn repay_liquidity_pulls_proportional_amounts_within_the_maxima() {
    let (pool_before, borrower_before) = pool_with_l_debt();
    for (max_x, max_y) in [(50_024, 200_100), (50_025, 200_099)] {
        let (mut pool, mut borrower) = (pool_before, borrower_before);
        assert_eq!(error_of(repay_liquidity(&mut pool, &mut borrower, u128::MAX, max_x, max_y)), "SlippageAmountIn");
        assert_eq!((pool, borrower), (pool_before, borrower_before));
    }
    let (mut pool, mut borrower) = (pool_before, borrower_before);
    let outcome = repay_liquidity(&mut pool, &mut borrower, u128::MAX, 50_025, 200_100).unwrap();
    assert_eq!((outcome.repaid.0, outcome.shares.0), (100_050, 100_050));
    assert_eq!(outcome.flows, TokenFlows { x_in: 50_025, y_in: 200_100, ..Default::default() });
    assert_eq!((pool.reserve_x.0, pool.reserve_y.0), (1_000_025, 4_000_100));
    assert_eq!((pool.assets[BL], pool.shares[BL], borrower[BL]), (0, 0, 0));
}

#[test]
fn repay_liquidity_of_part_of_the_debt() {
    let (mut pool, mut borrower) = pool_with_l_debt();
    // 10_000 L: floor(10_000·100_050/100_050) = 10_000 shares, for 5_000 X and 20_000 Y.
    let outcome = repay_liquidity(&mut pool, &mut borrower, 10_000, u64::MAX, u64::MAX).unwrap();
    assert_eq!((outcome.repaid.0, outcome.shares.0), (10_000, 10_000));
    assert_eq!(outcome.flows, TokenFlows { x_in: 5_000, y_in: 20_000, ..Default::default() });
    assert_eq!(borrower[BL], 90_050);
    assert_eq!(error_of(repay_liquidity(&mut pool, &mut borrower, 0, u64::MAX, u64::MAX)), "ZeroAmount");
    let mut stranger = [0u128; 6];
    assert_eq!(error_of(repay_liquidity(&mut pool, &mut stranger, 1, u64::MAX, u64::MAX)), "NothingToRepay");
}

/// A deposit-L share whose burn pays floor(1·1e6/2e6) = 0 X is dust: it is forfeited and the
/// pool's L shares fall by one while its reserves stay. Two shares pay 1 X and 4 Y: not dust.
#[test]
fn dust_l_is_forfeited_and_redeemable_l_is_not() {
    let (mut pool, _) = pool();
    let before = pool;
    let mut position = [0u128; 6];
    position[DL] = 1;
    assert_eq!(forfeit_dust(&mut pool, &mut position).unwrap(), [1, 0, 0]);
    assert_eq!(pool.shares[DL], before.shares[DL] - 1);
    assert_eq!((pool.reserve_x, pool.reserve_y), (before.reserve_x, before.reserve_y));
    assert_eq!(position, [0; 6]);

    let mut position = [0u128; 6];
    position[DL] = 2;
    assert_eq!(error_of(forfeit_dust(&mut pool, &mut position)), "PositionNotEmpty");
}

/// The mirror image: in a pool of 4e6 X / 1e6 Y one L share pays floor(1·4e6/2e6) = 2 X but
/// floor(1·1e6/2e6) = 0 Y. A burn would be refused, so the share is dust.
#[test]
fn l_share_paying_nothing_on_one_side_is_dust() {
    let mut pool = Pool::default();
    let mut lp = [0u128; 6];
    mint_liquidity(&mut pool, &mut lp, 4_000_000, 1_000_000).unwrap();
    let mut position = [0u128; 6];
    position[DL] = 1;
    assert_eq!(forfeit_dust(&mut pool, &mut position).unwrap(), [1, 0, 0]);
}

/// A position holding only X dust closes even in a pair without liquidity: no L share is
/// valued, so nothing divides by the zero active liquidity.
#[test]
fn deposit_dust_closes_in_a_pair_without_liquidity() {
    let mut pool = Pool::default();
    pool.assets[DXK] = 1;
    pool.shares[DXK] = 3;
    let mut position = [0u128; 6];
    position[DXK] = 1;
    assert_eq!(forfeit_dust(&mut pool, &mut position).unwrap(), [0, 1, 0]);
    assert_eq!((pool.assets[DXK], pool.shares[DXK]), (1, 2));
}

/// X deposit shares worth half a token each: one share redeems to floor(0.5) = 0 (dust), two
/// redeem to 1 X (not dust). A position with debt never closes.
#[test]
fn dust_deposits_and_debt() {
    let (mut pool, _) = pool();
    pool.assets[DXK] = 30;
    pool.shares[DXK] = 60;
    let mut position = [0u128; 6];
    position[DXK] = 1;
    assert_eq!(forfeit_dust(&mut pool, &mut position).unwrap(), [0, 1, 0]);
    assert_eq!((pool.assets[DXK], pool.shares[DXK]), (30, 59));

    let mut position = [0u128; 6];
    position[DXK] = 2;
    assert_eq!(error_of(forfeit_dust(&mut pool, &mut position)), "PositionNotEmpty");

    let (mut pool, mut borrower) = pool_with_x_debt();
    borrower[DL] = 1;
    assert_eq!(error_of(forfeit_dust(&mut pool, &mut borrower)), "PositionNotEmpty");
}

/// The fee recipient borrows X: its pending X fee shares stay pending (same-asset rule); L and
/// Y are collected, and its fragile liquidity (all its L, since it borrows X) follows.
#[test]
fn fee_collection_skips_a_borrowed_asset_and_refreshes_fragile_liquidity() {
    for (borrowed, kept_slot) in [(BX, 1usize), (TokenKind::BorrowY as usize, 2)] {
        let (mut pool, _) = pool();
        pool.protocol_fee_shares = [7, 50, 9];
        pool.fragile_liquidity_shares = 100;
        let mut recipient = [0u128; 6];
        recipient[DL] = 100;
        recipient[borrowed] = 5;
        let mut fragile = 100u128;
        let collected = collect_protocol_fee_shares(&mut pool, &mut recipient, &mut fragile).unwrap();
        let mut expected = [7u128, 50, 9];
        expected[kept_slot] = 0;
        assert_eq!(collected, expected);
        let mut pending = [0u128; 3];
        pending[kept_slot] = [7, 50, 9][kept_slot];
        assert_eq!(pool.protocol_fee_shares, pending);
        assert_eq!((recipient[DL], recipient[DXK] + recipient[DYK]), (107, expected[1] + expected[2]));
        assert_eq!((fragile, pool.fragile_liquidity_shares), (107, 107));
    }
}

proptest! {
    #![proptest_config(math::proptest_config(512))]

    /// Any offer repays without an arithmetic error, never pulls more than offered or owed,
    /// and clears the debt exactly when it covers it.
    #[test]
    fn repay_any_offer(interest in 0u128..10_000_000_000_000, offer in any::<u64>()) {
        let (mut pool, mut borrower) = pool_with_x_debt();
        pool.assets[BX] = 100_050 + interest;
        let debt = pool.assets[BX];
        match repay(&mut pool, &mut borrower, Asset::X, offer) {
            Ok(outcome) => {
                prop_assert!(u128::from(outcome.amount) <= debt && outcome.amount <= offer);
                prop_assert_eq!(borrower[BX] == 0, u128::from(offer) >= debt);
            }
            Err(error) => prop_assert!(matches!(error, DlexError::ZeroAmount | DlexError::RepayTooSmall), "{error:?}"),
        }
    }

    /// The amounts `repay_liquidity` pulls for L always earn at least L under the spec §4.9
    /// credit `min(ceil(x·s/rX), ceil(y·s/rY))`: rounding never shortchanges the pool.
    #[test]
    fn repay_liquidity_amounts_cover_the_credit(l in 1u128..1u128 << 100, rx in 1u128..1u128 << 112, ry in 1u128..1u128 << 112) {
        let (x, y) = math::repay_liquidity_token_amounts(l, rx, ry).unwrap();
        prop_assert!(math::repay_liquidity_amount(x, y, rx, ry).unwrap() >= l);
    }
}

/// Bad debt (spec §11.4) on [`pool_with_x_debt`] plus an X lender of 300_000: the borrower's
/// 100_050 shares are worth floor(100_050·150_075/100_050) = 150_075 X. The reserve holds
/// 1e6 X, the lenders 300_000 + 50 (the fee): floor(150_075·1e6/1_300_050) = 115_437 comes out
/// of the reserve and 34_638 out of the deposits; the vault's requirement is unchanged.
#[test]
fn bad_debt_is_split_between_the_reserve_and_the_lenders() {
    let (mut pool, mut borrower) = pool_with_x_debt();
    let mut lender = [0u128; 6];
    deposit(&mut pool, &mut lender, Asset::X, 300_000).unwrap();
    assert_eq!(pool.assets[DXK], 300_050);
    let vault = pool.expected_vault_x().unwrap();
    let burn = burn_bad_debt(&mut pool, &mut borrower).unwrap();
    assert_eq!((burn.debt_assets, burn.debt_shares), ([0, 150_075, 0], [0, 100_050, 0]));
    assert_eq!((burn.from_reserves, burn.from_deposits), ([115_437, 0], [34_638, 0]));
    assert_eq!((pool.reserve_x.0, pool.assets[DXK], pool.assets[BX], pool.shares[BX]), (884_563, 265_412, 0, 0));
    assert_eq!(pool.expected_vault_x().unwrap(), vault);
    assert_eq!(borrower, [0; 6]);
}

/// L bad debt lowers BORROW_L and so DEPOSIT_L; leftover deposit shares are burned into their
/// class (the assets stay).
#[test]
fn bad_l_debt_falls_on_l_holders_and_leftover_deposits_are_forfeited() {
    let (mut pool, lp) = pool();
    let mut borrower = [0u128; 6];
    deposit(&mut pool, &mut borrower, Asset::Y, 1_000_000).unwrap();
    borrow_liquidity(&mut pool, &mut borrower, 100_000).unwrap();
    let deposit_l = pool.deposit_l_assets().unwrap().0;
    let debt = pool.assets[BL];
    let (y_assets, y_shares) = (pool.assets[DYK], pool.shares[DYK]);
    let burn = burn_bad_debt(&mut pool, &mut borrower).unwrap();
    assert_eq!(burn.debt_assets, [debt, 0, 0]);
    assert_eq!(pool.deposit_l_assets().unwrap().0, deposit_l - debt);
    assert_eq!(burn.forfeited_deposit_shares, [0, 0, y_shares]);
    assert_eq!((pool.assets[DYK], pool.shares[DYK]), (y_assets, 0));
    assert_eq!(borrower, [0; 6]);
    assert_eq!(lp[DL], 1_999_000);
}
