//! The scene that sends every dlex instruction, each in a transaction of its own, on a bank
//! the caller started (from `dlex.so` for measurements, natively in the tests that keep the
//! scene working).
//!
//! It is the integration tests' pool (`dlex_tests::Fixture::with_pool_on`: 1e9 X / 4e9 Y, one
//! LP, a trader) with the keeper test's borrowers: an X and Y lender, two borrowers of 30e6 X
//! against 400e6 Y each (30% LTV), a careful one at 5%, a Y borrower against X, an L borrower,
//! and a 20% long of Y opened with one `execute`. The oracle window fills (50 swaps), a day of
//! interest accrues, every other position and admin instruction runs once, then 3e9 Y are
//! sold and the oracle follows, which makes the 30% borrowers liquidatable, and one round of
//! the keeper (`dlex_keeper`) liquidates what it finds. Measured figures are therefore the
//! worst case over realistic calls: the first borrower in a band also creates its tranche
//! account, a swap may close an observation interval, a liquidation re-allocates tranches.

use anchor_lang::solana_program::instruction::Instruction;
use dlex::actions::{Asset, Leg, SwapDirection};
use dlex_sdk::bank::{Bank, TransactionCost};
use dlex_sdk::ix;
use dlex_tests::{Fixture, Flavor, User};
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;

/// Y sold into the pool to make the 30% borrowers liquidatable (as `tests/tests/keeper.rs`).
const SHOCK_Y: u64 = 3_000_000_000;
/// Interest accrues for a day before the repayments and withdrawals.
const INTEREST_SECONDS: i64 = 86_400;

/// Sends every dlex instruction on `bank` under `flavor`'s token program and returns what each
/// transaction cost (setup transactions included; [`crate::CostTable::tabulate`] sorts them).
/// Panics, naming the step, if the program refuses one.
pub async fn run(mut bank: Bank, flavor: Flavor) -> Vec<TransactionCost> {
    bank.record_costs();
    // init_config, create_pair, open_position, mint.
    let (mut f, lp, trader) = Fixture::with_pool_on(bank, flavor).await;
    let keys = f.keys;
    let admin = f.bank.payer_pubkey();

    let lender = f.user().await;
    send(&mut f, "deposit X", ix::deposit(&keys, &lender.tokens, Asset::X, 500_000_000, 0), &lender).await;
    send(&mut f, "deposit Y", ix::deposit(&keys, &lender.tokens, Asset::Y, 2_000_000_000, 0), &lender).await;
    let risky = [f.user().await, f.user().await];
    let careful = f.user().await;
    let l_borrower = f.user().await;
    let long = f.user().await;
    for user in risky.iter().chain([&careful, &l_borrower]) {
        send(&mut f, "collateral", ix::deposit(&keys, &user.tokens, Asset::Y, 400_000_000, 0), user).await;
    }
    let y_borrower = f.user().await;
    send(&mut f, "collateral", ix::deposit(&keys, &y_borrower.tokens, Asset::X, 100_000_000, 0), &y_borrower).await;
    f.fill_price_window(&trader).await; // swap_exact_in

    for (user, amount) in [(&risky[0], 30_000_000), (&risky[1], 30_000_000), (&careful, 5_000_000)] {
        send(&mut f, "borrow X", ix::borrow(&keys, &user.tokens, Asset::X, amount), user).await;
    }
    send(&mut f, "borrow Y", ix::borrow(&keys, &y_borrower.tokens, Asset::Y, 100_000_000), &y_borrower).await;
    send(&mut f, "borrow_liquidity", ix::borrow_liquidity(&keys, &l_borrower.tokens, 10_000_000, 0, 0), &l_borrower).await;
    let long_legs = vec![
        Leg::Deposit { asset: Asset::Y, amount: 400_000_000, min_shares: 0 },
        Leg::Borrow { asset: Asset::X, amount: 20_000_000 },
        Leg::SwapExactIn { direction: SwapDirection::XToY, amount_in: 20_000_000, min_amount_out: 0 },
    ];
    send(&mut f, "execute", ix::execute(&keys, &long.tokens, long_legs, 0, -400_000_000), &long).await;
    let swap_out = ix::swap_exact_out(&keys, &trader.tokens, SwapDirection::XToY, 1_000_000, u64::MAX);
    send(&mut f, "swap_exact_out", swap_out, &trader).await;
    // One-hop routes: the route's own cost over the pair's swap (each further hop adds a swap
    // and a transfer).
    let (source, destination) = (trader.tokens.token_x, trader.tokens.token_y);
    send(&mut f, "swap_route_exact_in", ix::swap_route_exact_in(trader.pubkey(), source, destination, &[keys], 1_000_000, 0), &trader).await;
    send(&mut f, "swap_route_exact_out", ix::swap_route_exact_out(trader.pubkey(), source, destination, &[keys], 1_000_000, u64::MAX), &trader).await;

    f.bank.warp_seconds(INTEREST_SECONDS);
    send(&mut f, "repay", ix::repay(&keys, &careful.tokens, Asset::X, 1_000_000), &careful).await;
    send(&mut f, "repay_liquidity", ix::repay_liquidity(&keys, &l_borrower.tokens, 5_000_000, u64::MAX, u64::MAX), &l_borrower).await;
    send(&mut f, "withdraw", ix::withdraw(&keys, &lender.tokens, Asset::X, 100_000_000, 0), &lender).await;
    send(&mut f, "burn", ix::burn(&keys, &lp.tokens, 100_000_000, 0, 0), &lp).await;
    send(&mut f, "set_saturation_ratio", ix::set_saturation_ratio(careful.pubkey(), keys.pair, 50), &careful).await;
    send_signed(&mut f, "position_health", ix::position_health(keys.pair, careful.pubkey()), &[]).await;
    let idle = f.user().await;
    send(&mut f, "close_position", ix::close_position(idle.pubkey(), keys.pair), &idle).await;

    let successor = Keypair::new();
    let admin_steps = [
        ix::open_position(admin, keys.pair),
        ix::collect_protocol_fees(admin, keys.pair),
        ix::set_fee_recipient(admin, admin),
        ix::set_pair_defaults(admin, dlex_tests::MID, dlex_tests::LONG),
        ix::set_new_risk_paused(admin, true),
        ix::set_new_risk_paused(admin, false),
        ix::set_pair_new_risk_paused(admin, keys.pair, true),
        ix::set_pair_new_risk_paused(admin, keys.pair, false),
        ix::propose_admin(admin, successor.pubkey()),
    ];
    for step in admin_steps {
        send_signed(&mut f, "admin", step, &[]).await;
    }
    send_signed(&mut f, "accept_admin", ix::accept_admin(successor.pubkey()), &[&successor]).await;

    let shock = ix::swap_exact_in(&keys, &trader.tokens, SwapDirection::YToX, SHOCK_Y, 0);
    send(&mut f, "shock", shock, &trader).await;
    f.fill_price_window(&trader).await;
    let liquidator = f.user().await;
    let config = dlex_keeper::Config {
        token_accounts: std::collections::BTreeMap::from([(keys.pair, liquidator.tokens)]),
        ..dlex_keeper::Config::default()
    };
    let mut keeper = dlex_keeper::Keeper::new(liquidator.keypair.insecure_clone(), config);
    let round = keeper.round(&mut f.bank).await.expect("keeper round");
    assert!(round.sent > 0 && round.failed == 0, "the keeper liquidates what the shock made liquidatable: {round:?}");

    f.bank.take_costs()
}

async fn send(f: &mut Fixture, step: &str, instruction: Instruction, signer: &User) {
    send_signed(f, step, instruction, &[&signer.keypair]).await;
}

async fn send_signed(f: &mut Fixture, step: &str, instruction: Instruction, signers: &[&Keypair]) {
    if let Err(error) = f.bank.send(&[instruction], signers).await {
        panic!("{step}: the program refused it: {error}");
    }
}
