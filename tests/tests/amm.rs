//! Every AMM/lending-supply instruction through real transactions, with exact token balances
//! and conservation after each step, for an SPL Token pair and a Token-2022 pair.
//!
//! Expected swap amounts were computed independently (Python big integers, straight from spec
//! §5.1-5.2), not with dlex's own code.

use dlex::actions::{Asset, SwapDirection};
use dlex::events::{LiquidityAdded, Swapped};
use dlex::state::TokenKind;
use dlex_sdk::bank::decode_event;
use dlex_sdk::ix;
use dlex_tests::*;

async fn amm_flow(flavor: Flavor) {
    let mut f = Fixture::new(flavor).await;
    let lp1 = f.user().await;
    let lp2 = f.user().await;
    let trader = f.user().await;
    let keys = f.keys;

    // First mint: L = sqrt(1e9 · 4e9) = 2e9; MINIMUM_LIQUIDITY (1000) stays locked.
    let events = f
        .bank
        .send_with_events(&[ix::mint(&keys, &lp1.tokens, 1_000_000_000, 4_000_000_000, 1_999_999_000)], &[&lp1.keypair])
        .await
        .unwrap();
    let added: LiquidityAdded = decode_event(&events[0]).expect("LiquidityAdded event");
    assert_eq!((added.amount_x, added.amount_y, added.liquidity, added.shares), (1_000_000_000, 4_000_000_000, 2_000_000_000, 1_999_999_000));
    assert_eq!(f.balances(&lp1).await, (USER_FUNDS - 1_000_000_000, USER_FUNDS - 4_000_000_000));
    assert_eq!(f.vaults().await, (1_000_000_000, 4_000_000_000));
    assert_eq!(f.position(&lp1).await.share_balance(TokenKind::DepositL), 1_999_999_000);
    assert_eq!(f.pair().await.total_shares[0].get(), 2_000_000_000);
    f.assert_conservation().await;

    // Second mint: the maxima allow 1e9 of L; only the proportional amounts are pulled
    // (5e8 X, 2e9 Y — not the extra unit of Y offered) and 1e9 shares are credited.
    f.bank.send(&[ix::mint(&keys, &lp2.tokens, 500_000_000, 2_000_000_001, 1_000_000_000)], &[&lp2.keypair]).await.unwrap();
    assert_eq!(f.balances(&lp2).await, (USER_FUNDS - 500_000_000, USER_FUNDS - 2_000_000_000));
    assert_eq!(f.position(&lp2).await.share_balance(TokenKind::DepositL), 1_000_000_000);
    let pair = f.pair().await;
    assert_eq!((pair.reserve_x.get(), pair.reserve_y.get()), (1_500_000_000, 6_000_000_000));
    assert_eq!((pair.reference_reserve_x.get(), pair.reference_reserve_y.get()), (1_500_000_000, 6_000_000_000));
    f.assert_conservation().await;

    // Swap 1e7 X in: quadratic fee 245956587649460688213 (Q64 bips) against the reference;
    // the largest output passing the K check is 39682466 Y.
    let events = f
        .bank
        .send_with_events(&[ix::swap_exact_in(&keys, &trader.tokens, SwapDirection::XToY, 10_000_000, 39_682_466)], &[&trader.keypair])
        .await
        .unwrap();
    let swapped: Swapped = decode_event(&events[0]).expect("Swapped event");
    assert_eq!((swapped.amount_in, swapped.amount_out, swapped.fee_bips_q64), (10_000_000, 39_682_466, 245_956_587_649_460_688_213));
    assert_eq!(f.balances(&trader).await, (USER_FUNDS - 10_000_000, USER_FUNDS + 39_682_466));
    assert_eq!(f.vaults().await, (1_510_000_000, 6_000_000_000 - 39_682_466));
    f.assert_conservation().await;

    // Back toward the reference: 4e7 Y in pays only the minimum fee and buys 10066033 X.
    f.bank.send(&[ix::swap_exact_in(&keys, &trader.tokens, SwapDirection::YToX, 40_000_000, 0)], &[&trader.keypair]).await.unwrap();
    assert_eq!(f.balances(&trader).await, (USER_FUNDS - 10_000_000 + 10_066_033, USER_FUNDS + 39_682_466 - 40_000_000));
    f.assert_conservation().await;

    // Exact out, measured from the state before the Y→X swap above is not what we want:
    // buy exactly 1e6 X now and check the input equals the quote the SDK gives.
    let pair = f.pair().await;
    let quote = dlex_sdk::quote::swap(&pair, f.bank.now(), SwapDirection::YToX, dlex::actions::SwapAmount::ExactOut(1_000_000)).unwrap();
    let before = f.balances(&trader).await;
    f.bank.send(&[ix::swap_exact_out(&keys, &trader.tokens, SwapDirection::YToX, 1_000_000, quote.amount_in)], &[&trader.keypair]).await.unwrap();
    assert_eq!(f.balances(&trader).await, (before.0 + 1_000_000, before.1 - quote.amount_in));
    f.assert_conservation().await;

    // Single-asset lending supply: the first deposit mints shares 1:1; withdrawing them all
    // returns exactly the deposit.
    f.bank.send(&[ix::deposit(&keys, &trader.tokens, Asset::X, 7_000_000, 7_000_000)], &[&trader.keypair]).await.unwrap();
    assert_eq!(f.position(&trader).await.share_balance(TokenKind::DepositX), 7_000_000);
    f.assert_conservation().await;
    let before = f.balances(&trader).await;
    f.bank.send(&[ix::withdraw(&keys, &trader.tokens, Asset::X, 7_000_000, 7_000_000)], &[&trader.keypair]).await.unwrap();
    assert_eq!(f.balances(&trader).await, (before.0 + 7_000_000, before.1));
    assert_eq!(f.position(&trader).await.share_balance(TokenKind::DepositX), 0);
    f.assert_conservation().await;

    // Burn lp2's shares: each side pays floor(shares · reserve / activeL · DL_A / DL_S).
    let pair = f.pair().await;
    let pool = pair.pool();
    let (rx, ry) = (pool.reserve_x.0, pool.reserve_y.0);
    let active = pool.active_liquidity();
    let expected_x = (1_000_000_000u128 * rx / active) * active / 3_000_000_000;
    let expected_y = (1_000_000_000u128 * ry / active) * active / 3_000_000_000;
    let before = f.balances(&lp2).await;
    f.bank.send(&[ix::burn(&keys, &lp2.tokens, 1_000_000_000, 0, 0)], &[&lp2.keypair]).await.unwrap();
    let after = f.balances(&lp2).await;
    assert_eq!((u128::from(after.0 - before.0), u128::from(after.1 - before.1)), (expected_x, expected_y));
    f.assert_conservation().await;

    // An emptied position can be closed; its rent returns to the owner.
    f.bank.send(&[ix::close_position(lp2.pubkey(), keys.pair)], &[&lp2.keypair]).await.unwrap();
    assert!(f.bank.account(dlex_sdk::pda::position(keys.pair, lp2.pubkey())).await.is_none());
}

#[tokio::test]
async fn amm_flow_spl_token() {
    amm_flow(Flavor::SplToken).await;
}

#[tokio::test]
async fn amm_flow_token_2022() {
    amm_flow(Flavor::Token2022).await;
}
