//! Round trips never create value (issue: "mint then burn, deposit then withdraw, swap there
//! and back"), and the TWAP oracle records lazily as the pool is used.

use dlex::actions::{Asset, SwapDirection};
use dlex::state::TokenKind;
use dlex_sdk::ix;
use dlex_tests::*;

async fn seeded(flavor: Flavor) -> (Fixture, User) {
    let mut f = Fixture::new(flavor).await;
    let lp = f.user().await;
    f.bank.send(&[ix::mint(&f.keys, &lp.tokens, 1_000_000_000, 4_000_000_000, 0)], &[&lp.keypair]).await.unwrap();
    (f, lp)
}

async fn mint_then_burn(flavor: Flavor) {
    let (mut f, _lp) = seeded(flavor).await;
    let user = f.user().await;
    let start = f.balances(&user).await;
    // Odd amounts so every rounding step has something to round.
    f.bank.send(&[ix::mint(&f.keys, &user.tokens, 123_456_789, 987_654_321, 0)], &[&user.keypair]).await.unwrap();
    let shares = f.position(&user).await.share_balance(TokenKind::DepositL);
    f.bank.send(&[ix::burn(&f.keys, &user.tokens, shares, 0, 0)], &[&user.keypair]).await.unwrap();
    let end = f.balances(&user).await;
    // The pool keeps the rounding units: never more back, and at most 2 units lost per side.
    assert!(end.0 <= start.0 && end.1 <= start.1, "mint→burn created value: {start:?} → {end:?}");
    assert!(start.0 - end.0 <= 2 && start.1 - end.1 <= 2, "mint→burn lost more than rounding: {start:?} → {end:?}");
    f.assert_conservation().await;
}

async fn deposit_then_withdraw(flavor: Flavor) {
    let (mut f, _lp) = seeded(flavor).await;
    let first = f.user().await;
    let second = f.user().await;
    f.bank.send(&[ix::deposit(&f.keys, &first.tokens, Asset::Y, 333_333_333, 0)], &[&first.keypair]).await.unwrap();
    let start = f.balances(&second).await;
    f.bank.send(&[ix::deposit(&f.keys, &second.tokens, Asset::Y, 777_777_777, 0)], &[&second.keypair]).await.unwrap();
    let shares = f.position(&second).await.share_balance(TokenKind::DepositY);
    assert_eq!(shares, 777_777_777, "no interest yet: shares are 1:1");
    f.bank.send(&[ix::withdraw(&f.keys, &second.tokens, Asset::Y, shares, 0)], &[&second.keypair]).await.unwrap();
    assert_eq!(f.balances(&second).await, start, "deposit→withdraw returns exactly the deposit");
    f.assert_conservation().await;
}

async fn swap_there_and_back(flavor: Flavor) {
    let (mut f, _lp) = seeded(flavor).await;
    let trader = f.user().await;
    let start = f.balances(&trader).await;
    f.bank.send(&[ix::swap_exact_in(&f.keys, &trader.tokens, SwapDirection::XToY, 50_000_000, 0)], &[&trader.keypair]).await.unwrap();
    let middle = f.balances(&trader).await;
    let received_y = middle.1 - start.1;
    f.bank.send(&[ix::swap_exact_in(&f.keys, &trader.tokens, SwapDirection::YToX, received_y, 0)], &[&trader.keypair]).await.unwrap();
    let end = f.balances(&trader).await;
    assert_eq!(end.1, start.1, "all the Y went back");
    assert!(end.0 < start.0, "X→Y→X must cost the trader: {start:?} → {end:?}");
    f.assert_conservation().await;
}

#[tokio::test]
async fn mint_then_burn_never_creates_value_spl() {
    mint_then_burn(Flavor::SplToken).await;
}

#[tokio::test]
async fn mint_then_burn_never_creates_value_token_2022() {
    mint_then_burn(Flavor::Token2022).await;
}

#[tokio::test]
async fn deposit_then_withdraw_returns_the_deposit_spl() {
    deposit_then_withdraw(Flavor::SplToken).await;
}

#[tokio::test]
async fn deposit_then_withdraw_returns_the_deposit_token_2022() {
    deposit_then_withdraw(Flavor::Token2022).await;
}

#[tokio::test]
async fn swap_there_and_back_never_creates_value_spl() {
    swap_there_and_back(Flavor::SplToken).await;
}

#[tokio::test]
async fn swap_there_and_back_never_creates_value_token_2022() {
    swap_there_and_back(Flavor::Token2022).await;
}

/// Spec §7.5 / §8.2 / §5.3 on the bank: within an interval nothing is recorded and the fee
/// anchors stay put; the first instruction after the interval records the tick of the
/// reserves as they stood and re-anchors the fee at `reserves_at_tick(activeL, towards-mid)`;
/// after 50 recorded intervals the mid-term window is full.
#[tokio::test]
async fn twap_observations_are_recorded_lazily_and_fill_the_window() {
    let (mut f, _lp) = seeded(Flavor::SplToken).await;
    let trader = f.user().await;
    let created = f.pair().await;
    assert_eq!(created.observations.mid_term_index, 1, "the first mint seeds slot 0");
    // sqrt(price) = sqrt(1e9/4e9) = 0.5 = b^t with b = 512/511: t = ln 0.5 / ln b = -354.5 → -355.
    assert_eq!(created.observations.last_tick, -355);

    // Same timestamp: a swap records nothing and leaves the anchors.
    f.bank.send(&[ix::swap_exact_in(&f.keys, &trader.tokens, SwapDirection::XToY, 100_000_000, 0)], &[&trader.keypair]).await.unwrap();
    let pair = f.pair().await;
    assert_eq!(pair.observations.mid_term_index, 1);
    assert_eq!((pair.reference_reserve_x.get(), pair.reference_reserve_y.get()), (1_000_000_000, 4_000_000_000));

    // One interval later the next instruction records the pre-instruction tick.
    f.bank.warp_seconds(i64::from(MID));
    let pool = pair.pool();
    let observed = dlex::math::tick_at_reserves(pool.reserve_x.0, pool.reserve_y.0).unwrap();
    f.bank.send(&[ix::swap_exact_in(&f.keys, &trader.tokens, SwapDirection::YToX, 1_000_000, 0)], &[&trader.keypair]).await.unwrap();
    let recorded = f.pair().await;
    assert_eq!(recorded.observations.mid_term_index, 2);
    assert_eq!(recorded.observations.last_tick, observed, "moved less than the outlier clamp");
    assert_eq!(recorded.last_update_timestamp, f.bank.now() as u32);
    let reference_tick = recorded.observations.reference_tick(observed);
    let (ref_x, ref_y) = dlex::math::reserves_at_tick(pool.active_liquidity(), reference_tick).unwrap();
    assert_eq!((recorded.reference_reserve_x.get(), recorded.reference_reserve_y.get()), (ref_x, ref_y));

    // 49 more intervals fill the 51-slot window (50 intervals).
    assert!(!recorded.observations.is_mid_term_ready());
    for _ in 0..49 {
        f.bank.warp_seconds(i64::from(MID));
        f.bank.send(&[ix::swap_exact_in(&f.keys, &trader.tokens, SwapDirection::XToY, 1_000, 0)], &[&trader.keypair]).await.unwrap();
    }
    assert!(f.pair().await.observations.is_mid_term_ready());
    f.assert_conservation().await;
}
