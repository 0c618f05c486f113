//! The Mango / Cream pattern: an attacker with large capital pumps the price of its collateral
//! inside one observation interval, then borrows against the inflated value. dlex prices risk
//! from its own TWAP range, which is centred on the last *observed* tick and widens by the
//! current tick's distance on both sides, and it adds the slippage of liquidating the debt.
//! So the pump makes the collateral count for *less*, not more, and the attack fails.
//!
//! Risk model assumption (design §8): honest arbitrage keeps one observation interval within
//! +33% / −25% in price; the attack here moves the price far beyond that.

use dlex::actions::{Asset, SwapDirection};
use dlex_sdk::{health, ix};
use dlex_tests::*;

async fn report(f: &mut Fixture, user: &User) -> (dlex::queries::PositionReport, health::PositionLimits) {
    let pair = f.pair().await;
    let position = f.position(user).await;
    health::position_health(&pair, &position, f.bank.now(), false).unwrap()
}

#[tokio::test]
async fn pumping_the_collateral_price_inside_one_interval_does_not_raise_borrowing_power() {
    let mut f = Fixture::new(Flavor::SplToken).await;
    let lp = f.user().await;
    let keeper = f.user().await;
    let attacker = f.user().await;
    let keys = f.keys;
    // A deep pool: 10e9 X / 40e9 Y (price 0.25 X per Y).
    f.bank.send(&[ix::mint(&keys, &lp.tokens, 10_000_000_000, 40_000_000_000, 0)], &[&lp.keypair]).await.unwrap();
    f.fill_price_window(&keeper).await;
    // The attacker posts 4e9 Y of collateral: worth 1e9 X at the fair price.
    f.bank.send(&[ix::deposit(&keys, &attacker.tokens, Asset::Y, 4_000_000_000, 0)], &[&attacker.keypair]).await.unwrap();
    let (fair, fair_limits) = report(&mut f, &attacker).await;
    assert!(fair_limits.max_borrow_x > 0);

    // Same second, same observation interval: sell 30e9 X for Y. Even after the quadratic fee
    // (up to 80% on such a move) the pool price of Y rises ~9.6×, so the attacker's 4e9 Y now
    // "looks" worth ~9.6e9 X instead of 1e9 X.
    let start = f.balances(&attacker).await;
    f.bank.send(&[ix::swap_exact_in(&keys, &attacker.tokens, SwapDirection::XToY, 30_000_000_000, 0)], &[&attacker.keypair]).await.unwrap();
    let pair = f.pair().await;
    let (rx, ry) = (pair.reserve_x.get(), pair.reserve_y.get());
    let spot_value_x = 4_000_000_000u128 * rx / ry;
    assert!(spot_value_x > 9_000_000_000, "the pump made the collateral look worth {spot_value_x} X");

    let (pumped, pumped_limits) = report(&mut f, &attacker).await;
    // The range widened around the last observed tick instead of following the spot price,
    // so the collateral counts for less and the borrowing power *fell*.
    assert!(pumped.min_tick < fair.min_tick && pumped.max_tick > fair.max_tick);
    assert!(pumped_limits.max_borrow_x < fair_limits.max_borrow_x, "max borrow fell from {} to {}", fair_limits.max_borrow_x, pumped_limits.max_borrow_x);

    // Borrowing what the spot price would allow at 75% LTV (capped by what the pool could
    // lend) is refused; so is merely the fair max: only the smaller pumped max passes.
    let naive = (spot_value_x * 3 / 4).min(u128::from(u64::MAX)) as u64;
    let before = f.snapshot(&[&attacker]).await;
    let attempt = f.bank.send(&[ix::borrow(&keys, &attacker.tokens, Asset::X, naive.min(20_000_000_000))], &[&attacker.keypair]).await;
    assert!(attempt.is_err());
    let at_fair_max = f.bank.send(&[ix::borrow(&keys, &attacker.tokens, Asset::X, fair_limits.max_borrow_x)], &[&attacker.keypair]).await;
    assert_dlex_error(at_fair_max, DlexError::LtvTooHigh);
    assert_eq!(f.snapshot(&[&attacker]).await, before, "refused attempts change nothing");

    // Unwinding the pump costs the attacker the quadratic fee on both legs.
    let got_y = f.balances(&attacker).await.1 - start.1;
    f.bank.send(&[ix::swap_exact_in(&keys, &attacker.tokens, SwapDirection::YToX, got_y, 0)], &[&attacker.keypair]).await.unwrap();
    let end = f.balances(&attacker).await;
    let lost_x = start.0 - end.0;
    assert!(lost_x > 1_000_000_000, "the round trip cost {lost_x} X, more than the whole fair collateral value");
    println!(
        "collateral 4e9 Y: fair value 1e9 X, pumped spot value {spot_value_x} X; max borrow {} X before the pump, {} X after; \
         range ticks [{}, {}] -> [{}, {}]; unwinding the pump cost {lost_x} X",
        fair_limits.max_borrow_x, pumped_limits.max_borrow_x, fair.min_tick, fair.max_tick, pumped.min_tick, pumped.max_tick
    );
    f.assert_conservation().await;
}
