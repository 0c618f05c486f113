//! The recipe builders (`dlex_sdk::recipes`) on the bank: each recipe opens with one `execute`
//! from a wallet holding only X (so the plan's one net swap buys the Y it needs), the opened
//! position is exactly the plan's (`plan::simulate`), its health report is the one the preview
//! (`recipes::preview`) gave before sending, it has the recipe's delta and gamma scores, and one
//! more `execute` closes it to the wallet with nothing left owing.
//!
//! The pool holds 10e9 X / 40e9 Y (price 0.25 X per Y), a lender supplies 2e9 X and 8e9 Y, and
//! both TWAP windows have filled. Equity: 50e6 X.

use dlex_sdk::recipes::{self, Recipe, ONE};
use dlex_sdk::{ix, plan};
use dlex_tests::*;

const EQUITY: i128 = 50_000_000;

/// Opens `recipe` for a new user paying only X (the equity plus 6% for the swap's fee and
/// price impact), checks it against the plan and the recipe's scores (within `tolerance`
/// bips: the scores are read at the price the plan's own swap left, a few percent away from
/// the entry price for the leveraged recipes), then closes it.
async fn open_and_close(f: &mut Fixture, recipe: Recipe, tolerance: i128) {
    let keys = f.keys;
    let user = f.user().await;
    let target = recipe.composition(EQUITY);
    let wallet = (u64::try_from(EQUITY * 106 / 100).unwrap(), 0);
    let (pair, position) = (f.pair().await, f.position(&user).await);
    let opening = recipes::open(&pair, &position, f.bank.now(), &target, wallet).unwrap_or_else(|e| panic!("{recipe:?}: no plan: {e}"));
    let planned = plan::simulate(&pair, &position, f.bank.now(), false, &opening.legs, opening.min_net_x, opening.min_net_y)
        .unwrap_or_else(|e| panic!("{recipe:?}: the plan {:?} is refused: {e}", opening.legs));
    let preview = recipes::preview(&pair, &position, f.bank.now(), &opening).unwrap_or_else(|e| panic!("{recipe:?}: preview: {e}"));
    let before = f.balances(&user).await;
    f.bank.send(&[ix::execute(&keys, &user.tokens, opening.legs.clone(), opening.min_net_x, opening.min_net_y)], &[&user.keypair])
        .await
        .unwrap_or_else(|e| panic!("{recipe:?}: {e:?}"));
    let opened = f.position(&user).await;
    assert_eq!(opened.balances(), planned.position.balances(), "{recipe:?}: the position is the plan's");
    let report = dlex_sdk::health::position_report(&f.pair().await, &opened, f.bank.now()).unwrap();
    // The preview runs without tranche accounts: everything but the allocation, and the
    // debt-cap verdict that compares saturation with it, must match.
    let without_tranches = |r: dlex::queries::PositionReport| dlex::queries::PositionReport {
        tranches: Default::default(),
        debt_cap_liquidatable: false,
        debt_cap_premium_bips: 0,
        ..r
    };
    assert_eq!(without_tranches(preview.after), without_tranches(report), "{recipe:?}: the preview's after-state is the position's report after execution");
    assert_eq!(preview.net, planned.outcome.net);
    let net = planned.outcome.net;
    assert_eq!(f.balances(&user).await, (before.0 - net.x_in + net.x_out, before.1 - net.y_in + net.y_out), "{recipe:?}: the wallet paid the plan's net");
    assert!(net.y_in == 0 && net.y_out <= 10, "{recipe:?}: the wallet had no Y, and at most rounding dust of the Y bought is left over: {net:?}");

    let (_, pool) = dlex_sdk::quote::pool_at(&f.pair().await, f.bank.now()).unwrap();
    let held = recipes::composition_of(&pool, &opened).unwrap();
    let (want_delta, want_gamma) = target.scores();
    let (delta, gamma) = held.scores();
    assert!((delta - want_delta).abs() <= tolerance && (gamma - want_gamma).abs() <= tolerance, "{recipe:?}: scores {:?} want {:?}", (delta, gamma), (want_delta, want_gamma));
    assert!((held.equity() - EQUITY).abs() * ONE / EQUITY <= tolerance, "{recipe:?}: equity {} want about {EQUITY}", held.equity());
    f.assert_conservation().await;

    let (pair, position) = (f.pair().await, f.position(&user).await);
    let closing = recipes::close(&pair, &position, f.bank.now()).expect("a closing plan");
    f.bank.send(&[ix::execute(&keys, &user.tokens, closing.legs.clone(), closing.min_net_x, closing.min_net_y)], &[&user.keypair])
        .await
        .unwrap_or_else(|e| panic!("{recipe:?}: closing {:?}: {e:?}", closing.legs));
    assert_eq!(f.position(&user).await.balances(), [0; 6], "{recipe:?}: nothing left owing or deposited");
    // The round trip costs swap fees and the 5-bip borrow fees, and the plan's own swap moves
    // the price: the wallet's value at the pool price is back within 3% of the equity.
    let after = f.balances(&user).await;
    let pool = f.pair().await.pool();
    let change = i128::from(after.0) - i128::from(before.0) + (i128::from(after.1) - i128::from(before.1)) * pool.reserve_x.0 as i128 / pool.reserve_y.0 as i128;
    assert!(change.abs() * ONE / EQUITY <= 300, "{recipe:?}: the round trip changed the wallet by {change} of {EQUITY}");
    f.assert_conservation().await;
}

#[tokio::test]
async fn every_recipe_opens_and_closes_in_one_execute_each() {
    let (mut f, _trader) = Fixture::with_lent_deep_pool(Flavor::SplToken, 8_000_000_000).await;
    for (recipe, tolerance) in [
        (Recipe::MarketMaking, 100),
        (Recipe::DeltaNeutralMarketMaking { m: ONE }, 200),
        (Recipe::LeveragedMarketMaking { leverage: 3 * ONE }, 300),
        (Recipe::Long { leverage: 2 * ONE }, 500),
        (Recipe::Short { k: ONE }, 500),
        (Recipe::LongMarketMaking, 500),
        (Recipe::ShortMarketMaking, 500),
        (Recipe::LongStraddle { n: ONE }, 200),
        (Recipe::Call { notional: 2 * ONE }, 500),
        (Recipe::Put { notional: 2 * ONE }, 500),
    ] {
        open_and_close(&mut f, recipe, tolerance).await;
    }
}

/// The payout model's rates (`payout::Rates::of_pool`, the program's utilization and rate
/// code on the pool as it stands) are the rates the program charges: a year of the program's
/// accrual (`math::accrue_interest`) at the pair's last tick grows each debt total at its rate
/// (to 0.1%: the accrual compounds with a 3-term Taylor series and rounds to whole units; a
/// year keeps the rounding far below that).
#[tokio::test]
async fn the_payout_models_rates_are_the_rates_the_program_charges() {
    let (mut f, _trader) = Fixture::with_lent_deep_pool(Flavor::SplToken, 8_000_000_000).await;
    for recipe in [Recipe::LongStraddle { n: ONE }, Recipe::Long { leverage: 2 * ONE }, Recipe::Short { k: ONE }] {
        let user = f.user().await;
        let (pair, position) = (f.pair().await, f.position(&user).await);
        let plan = recipes::open(&pair, &position, f.bank.now(), &recipe.composition(EQUITY), (u64::try_from(EQUITY * 2).unwrap(), 0)).unwrap();
        f.bank.send(&[ix::execute(&f.keys, &user.tokens, plan.legs, plan.min_net_x, plan.min_net_y)], &[&user.keypair]).await.unwrap();
    }
    let snapshot = dlex::queries::PairSnapshot::new(&f.pair().await, u32::try_from(f.bank.now()).unwrap()).unwrap();
    let rates = dlex_sdk::payout::Rates::of_pool(&snapshot, 0.0).unwrap();
    let pool = snapshot.pool();
    let input = dlex::actions::interest_accrual_input(snapshot.pair(), pool, 365 * 86_400, snapshot.pair().observations.lending_state_tick(0));
    let day = dlex::math::accrue_interest(&input).unwrap();
    use dlex::state::TokenKind::{BorrowL, BorrowX, BorrowY};
    for (kind, rate) in [(BorrowL, rates.r_l), (BorrowX, rates.r_x), (BorrowY, rates.r_y)] {
        assert!(rate > 0.0001, "{kind:?}: every debt is charged: {rate}");
        let realized = (day.assets[kind as usize] as f64 / pool.assets[kind as usize] as f64).ln();
        assert!((realized / rate - 1.0).abs() < 0.001, "{kind:?}: the model's {rate} vs the program's {realized}");
    }
}
