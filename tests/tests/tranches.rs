//! Tranches on the bank (spec §10.4–§10.6, §11.2; design §6): the tranche accounts an
//! indebted position occupies, the cascade of borrowers whose liquidations fall in the same
//! bands, the debt-cap liquidation, and the owner's saturation ratio. Every instruction goes
//! through `Bank::send`, which appends the saturation accounts the SDK computes.

use dlex::actions::saturation::{SideAllocation, TrancheTotals};
use dlex::actions::{Asset, LiquidationRequest, SwapDirection};
use dlex::events::{Liquidated, SaturationRatioSet};
use dlex::risk::LiquidationKind;
use dlex::state::TokenKind;
use dlex_sdk::bank::decode_event;
use dlex_sdk::{decode, health, ix, liquidation, pda};
use dlex_tests::*;

/// A pool of 1e10 X / 1e10 Y (price 1, L = 1e10) with a filled price window.
async fn deep_pool() -> (Fixture, User) {
    let mut f = Fixture::new(Flavor::SplToken).await;
    let keys = f.keys;
    let lp = f.user().await;
    let trader = f.user().await;
    f.bank.send(&[ix::mint(&keys, &lp.tokens, 10_000_000_000, 10_000_000_000, 0)], &[&lp.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    (f, trader)
}

/// The tranche accounts of one side of `allocation`, read from the bank.
async fn stored_tranches(f: &mut Fixture, side: usize, allocation: &SideAllocation) -> Vec<TrancheTotals> {
    let mut out = Vec::new();
    for i in 0..usize::from(allocation.count) {
        let index = allocation.tranche_at(side, i) as i16;
        let totals = match f.bank.account(pda::tranche(f.keys.pair, side as u8, index)).await {
            Some(account) => {
                let tranche = decode::tranche(&account.data).expect("a tranche account");
                assert_eq!((tranche.pair, tranche.side, tranche.index), (f.keys.pair, side as u8, index));
                TrancheTotals { sat_in_l_assets: tranche.sat_in_l_assets.get(), sat_relative_to_l: tranche.sat_relative_to_l.get() }
            }
            None => TrancheTotals::default(),
        };
        out.push(totals);
    }
    out
}

/// A borrow creates the tranche accounts its allocation reaches (the borrower pays their
/// rent), each holding exactly the position's slot; the pair's summary names the occupied
/// leaf; a full repayment empties them and the position occupies nothing.
#[tokio::test]
async fn a_borrow_fills_its_tranche_accounts_and_a_repayment_empties_them() {
    let (mut f, _trader) = deep_pool().await;
    let keys = f.keys;
    let borrower = f.user().await;
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 1_200_000_000, 0)], &[&borrower.keypair]).await.unwrap();
    let lamports_before = f.bank.account(borrower.pubkey()).await.unwrap().lamports;
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 500_000_000)], &[&borrower.keypair]).await.unwrap();
    let position = f.position(&borrower).await;
    let allocation = position.allocations()[0];
    assert!(allocation.count > 0 && position.allocations()[1].count == 0, "net X debt only: {allocation:?}");
    let stored = stored_tranches(&mut f, 0, &allocation).await;
    for (i, totals) in stored.iter().enumerate() {
        assert_eq!(*totals, TrancheTotals { sat_in_l_assets: allocation.sat_in_l_assets[i], sat_relative_to_l: allocation.sat_relative_to_l[i] });
    }
    let created = stored.iter().filter(|t| **t != TrancheTotals::default()).count() as u64;
    let rent = f.bank.account(pda::tranche(keys.pair, 0, allocation.last_tranche as i16)).await.unwrap().lamports;
    assert_eq!(f.bank.account(borrower.pubkey()).await.unwrap().lamports, lamports_before - created * rent, "the borrower paid the new tranches' rent");
    assert!(f.pair().await.highest_set_leaf[0] > 0);
    let report = health::position_report(&f.pair().await, &position, f.bank.now()).unwrap();
    assert_eq!((report.tranches[0].first_tranche, report.tranches[0].tranche_count), (allocation.last_tranche, allocation.count));
    assert_eq!(report.tranches[0].allocated_saturation_l, allocation.sat_at_allocation);
    assert!(!report.debt_cap_liquidatable);

    f.bank.send(&[ix::repay(&keys, &borrower.tokens, Asset::X, u64::MAX)], &[&borrower.keypair]).await.unwrap();
    assert_eq!(f.position(&borrower).await.allocations(), [SideAllocation::default(); 2]);
    assert!(stored_tranches(&mut f, 0, &allocation).await.iter().all(|t| *t == TrancheTotals::default()));
    assert_eq!(f.pair().await.highest_set_leaf, [0, 0]);
    f.assert_conservation().await;
}

/// The cascade: borrowers with the same collateral and borrow (so the same liquidation
/// price) fill the bands between that price and the price range one after the other. The
/// borrow that finds no room is refused (`TooManyTranches` when it would need more bands than
/// a position may occupy, `SaturationReachesMinOrMaxTick` when its walk reaches the range
/// edge) and changes nothing, though the same borrow passed for the first borrowers. After the price moves past their
/// liquidation price, the keeper's request liquidates every one of them in turn.
#[tokio::test]
async fn a_cascade_in_one_band_is_capped_and_every_position_is_liquidated_after_the_move() {
    let (mut f, trader) = deep_pool().await;
    let keys = f.keys;
    let mut accepted = Vec::new();
    let mut refused = None;
    for _ in 0..8 {
        let borrower = f.user().await;
        f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 1_200_000_000, 0)], &[&borrower.keypair]).await.unwrap();
        let before = f.snapshot(&[&borrower]).await;
        let result = f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 500_000_000)], &[&borrower.keypair]).await;
        if result.is_ok() {
            accepted.push(borrower);
            continue;
        }
        let code = error_code(result);
        let capacity = [DlexError::TooManyTranches, DlexError::SaturationReachesMinOrMaxTick].map(dlex_code);
        assert!(capacity.contains(&code), "refused for capacity, got {code}");
        assert_eq!(f.snapshot(&[&borrower]).await, before, "the refused borrow changed nothing");
        refused = Some(borrower);
        break;
    }
    assert!(accepted.len() >= 2, "several borrowers fit before the bands fill: {}", accepted.len());
    assert!(refused.is_some(), "the bands below the shared liquidation price fill up");
    let first = f.position(&accepted[0]).await.allocations()[0];
    let last = f.position(&accepted[accepted.len() - 1]).await.allocations()[0];
    assert_eq!(first.last_tranche, last.last_tranche, "the same liquidation price: the walk starts in the same band");
    assert!(last.count > first.count, "later borrowers walk past the bands the earlier ones filled");

    // X doubles in price (Y sold in), and the window follows.
    f.bank.send(&[ix::swap_exact_in(&keys, &trader.tokens, SwapDirection::YToX, 5_000_000_000, 0)], &[&trader.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    for borrower in &accepted {
        let mut liquidations = 0;
        for _ in 0..4 {
            let (pair, position) = (f.pair().await, f.position(borrower).await);
            let report = health::position_report(&pair, &position, f.bank.now()).unwrap();
            let Some(request) = liquidation::request_for(&report) else { break };
            let liquidator = f.user().await;
            let sent = f.bank.send_with_events(&[ix::liquidate(&keys, &liquidator.tokens, borrower.pubkey(), request, u64::MAX, u64::MAX)], &[&liquidator.keypair]).await;
            let events = sent.unwrap_or_else(|e| panic!("{request:?} refused: {e:?}\n{report:?}"));
            let event: Liquidated = decode_event(&events[0]).unwrap();
            assert_ne!(event.kind, LiquidationKind::DebtCap, "the move makes the positions liquidatable by LTV");
            liquidations += 1;
        }
        assert!(liquidations > 0, "every borrower of the cascade was liquidatable after the move");
        let report = health::position_report(&f.pair().await, &f.position(borrower).await, f.bank.now()).unwrap();
        assert!(!report.hard_liquidatable && !report.leverage_liquidatable, "{report:?}");
    }
    f.assert_conservation().await;
}

/// Spec §11.2 (the debt cap): a year of interest grows the X debt, so the position's
/// saturation today exceeds what it was allocated with. The report gives the premium; a
/// liquidator's `DebtCap` request seizes exactly `floor(deposit·premium/1e4)` of the Y deposit,
/// repays nothing, pays no tokens, and re-allocates the position at today's saturation, after
/// which the same request is refused with `LiquidationZeroPremium`.
#[tokio::test]
async fn grown_saturation_is_reset_by_the_debt_cap_liquidation() {
    let (mut f, _trader) = deep_pool().await;
    let keys = f.keys;
    let borrower = f.user().await;
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 1_200_000_000, 0)], &[&borrower.keypair]).await.unwrap();
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 500_000_000)], &[&borrower.keypair]).await.unwrap();
    let allocated = f.position(&borrower).await.allocations()[0].sat_at_allocation;
    assert!(allocated > 0);
    let liquidator = f.user().await;
    assert_dlex_error(
        f.bank.send(&[ix::liquidate(&keys, &liquidator.tokens, borrower.pubkey(), LiquidationRequest::DebtCap, 0, 0)], &[&liquidator.keypair]).await,
        DlexError::LiquidationZeroPremium,
    );

    f.bank.warp_seconds(365 * 86_400);
    let (pair, position) = (f.pair().await, f.position(&borrower).await);
    let report = health::position_report(&pair, &position, f.bank.now()).unwrap();
    assert!(report.debt_cap_liquidatable && report.tranches[0].saturation_today_l > allocated, "{report:?}");
    assert_eq!(report.debt_cap_premium_bips, (report.tranches[0].saturation_today_l * 10_000 / allocated - 10_000) / 10);
    assert_eq!(report.tranches[0].headroom_l, 0);
    let seized_y = report.assets[2] * report.debt_cap_premium_bips / 10_000;
    let (deposit_shares, debt_shares) = (position.share_balance(TokenKind::DepositY), position.share_balance(TokenKind::BorrowX));
    let tokens = f.balances(&liquidator).await;
    let events = f
        .bank
        .send_with_events(&[ix::liquidate(&keys, &liquidator.tokens, borrower.pubkey(), LiquidationRequest::DebtCap, 0, 0)], &[&liquidator.keypair])
        .await
        .unwrap();
    let event: Liquidated = decode_event(&events[0]).unwrap();
    assert_eq!(event.kind, LiquidationKind::DebtCap);
    assert_eq!([event.seized_l, event.seized_x, event.seized_y], [0, 0, seized_y]);
    assert_eq!([event.repaid_l, event.repaid_x, event.repaid_y, u128::from(event.paid_x), u128::from(event.paid_y)], [0; 5]);
    assert_eq!(event.premium_bips, report.debt_cap_premium_bips);
    assert_eq!(f.balances(&liquidator).await, tokens, "the liquidator paid nothing");
    let after = f.position(&borrower).await;
    assert_eq!(after.share_balance(TokenKind::BorrowX), debt_shares, "no debt repaid");
    let taken = deposit_shares - after.share_balance(TokenKind::DepositY);
    assert_eq!(f.position(&liquidator).await.share_balance(TokenKind::DepositY), taken, "the liquidator holds the seized shares");
    let reset = after.allocations()[0].sat_at_allocation;
    assert!(reset > allocated, "re-allocated at today's saturation");
    assert_dlex_error(
        f.bank.send(&[ix::liquidate(&keys, &liquidator.tokens, borrower.pubkey(), LiquidationRequest::DebtCap, 0, 0)], &[&liquidator.keypair]).await,
        DlexError::LiquidationZeroPremium,
    );
    f.assert_conservation().await;
}

/// `set_saturation_ratio`: only the owner, only 1–90; the ratio is stored, announced, and used
/// by the position's next re-walk: at 20% a band holds less, so the same borrow spreads over
/// more bands than at the default 85%.
#[tokio::test]
async fn the_owner_sets_the_saturation_ratio_and_the_next_walk_uses_it() {
    let (mut f, _trader) = deep_pool().await;
    let keys = f.keys;
    let default_user = f.user().await;
    let low_user = f.user().await;
    let stranger = f.user().await;
    for ratio in [0u8, 91] {
        assert_dlex_error(
            f.bank.send(&[ix::set_saturation_ratio(low_user.pubkey(), keys.pair, ratio)], &[&low_user.keypair]).await,
            DlexError::InvalidSaturationRatio,
        );
    }
    let mut foreign = ix::set_saturation_ratio(stranger.pubkey(), keys.pair, 20);
    foreign.accounts[2].pubkey = pda::position(keys.pair, low_user.pubkey());
    assert_dlex_error(f.bank.send(&[foreign], &[&stranger.keypair]).await, DlexError::PositionOwnerMismatch);
    let events = f.bank.send_with_events(&[ix::set_saturation_ratio(low_user.pubkey(), keys.pair, 20)], &[&low_user.keypair]).await.unwrap();
    let event: SaturationRatioSet = decode_event(&events[0]).unwrap();
    assert_eq!((event.previous_ratio_mag2, event.ratio_mag2, event.owner), (85, 20, low_user.pubkey()));
    assert_eq!(f.position(&low_user).await.saturation_ratio(), 20);

    for user in [&default_user, &low_user] {
        f.bank.send(&[ix::deposit(&keys, &user.tokens, Asset::Y, 300_000_000, 0)], &[&user.keypair]).await.unwrap();
    }
    // One after the other, the first undone before the second, so each walks into empty bands.
    f.bank.send(&[ix::borrow(&keys, &default_user.tokens, Asset::X, 120_000_000)], &[&default_user.keypair]).await.unwrap();
    let at_default = f.position(&default_user).await.allocations()[0];
    f.bank.send(&[ix::repay(&keys, &default_user.tokens, Asset::X, u64::MAX)], &[&default_user.keypair]).await.unwrap();
    f.bank.send(&[ix::borrow(&keys, &low_user.tokens, Asset::X, 120_000_000)], &[&low_user.keypair]).await.unwrap();
    let at_low = f.position(&low_user).await.allocations()[0];
    assert!(at_low.count > at_default.count, "a lower ratio spreads the saturation: {} vs {} bands", at_low.count, at_default.count);
    f.assert_conservation().await;
}
