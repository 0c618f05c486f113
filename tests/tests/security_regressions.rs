//! Regression tests for the December 2026 security review (../shared/security/review-2026-12.md).
//! Each test replays the proof of concept of one finding (`audit_poc.rs` beside the review)
//! and asserts that the defect is gone. F1 (pair squatting) and L-4 (init_config
//! front-running) are in `admin.rs`, with the admin instructions they depend on.

use dlex::actions::{Asset, SwapDirection};
use dlex::events::{DustForfeited, PairCreated, ProtocolFeesCollected, Repaid};
use dlex::state::{TokenKind, FREEZABLE_X, FREEZABLE_Y};
use dlex_sdk::bank::{decode_event, TOKEN_PROGRAM};
use dlex_sdk::ix::UserTokens;
use dlex_sdk::{health, ix, pda, quote};
use dlex_tests::*;
use solana_sdk::signer::Signer;

/// A thin pool (1e6 X / 4e6 Y) with 5e8 X from lenders and a filled price window: the
/// setting of F5 and F5b.
async fn thin_pool_with_lenders() -> (Fixture, User) {
    let mut f = Fixture::new(Flavor::SplToken).await;
    let keys = f.keys;
    let lp = f.user().await;
    let trader = f.user().await;
    let lender = f.user().await;
    f.bank.send(&[ix::mint(&keys, &lp.tokens, 1_000_000, 4_000_000, 0)], &[&lp.keypair]).await.unwrap();
    f.bank.send(&[ix::deposit(&keys, &lender.tokens, Asset::X, 500_000_000, 0)], &[&lender.keypair]).await.unwrap();
    (f, trader)
}

/// H-1 / F5: [B mints 2e9 X + 8e9 Y, A borrows 4e8 X, B burns] in one transaction. The
/// depth risk counts is the smaller of the pool now and its depth at the start of the
/// observation interval, so the JIT liquidity adds nothing: the borrow is refused with
/// `MaxSlippage`, exactly as without it, and the whole transaction changes nothing.
#[tokio::test]
async fn jit_liquidity_around_a_borrow_does_not_raise_the_depth_limit() {
    let (mut f, trader) = thin_pool_with_lenders().await;
    let keys = f.keys;
    for i in 0..50 {
        f.bank.warp_seconds(8);
        let direction = if i % 2 == 0 { SwapDirection::XToY } else { SwapDirection::YToX };
        f.bank.send(&[ix::swap_exact_in(&keys, &trader.tokens, direction, 1_000, 0)], &[&trader.keypair]).await.unwrap();
    }
    let a = f.user().await;
    let b = f.user().await;
    f.bank.send(&[ix::deposit(&keys, &a.tokens, Asset::Y, 100_000_000_000_000, 0)], &[&a.keypair]).await.unwrap();
    let borrow = 400_000_000u64;
    let alone = f.bank.send(&[ix::borrow(&keys, &a.tokens, Asset::X, borrow)], &[&a.keypair]).await;
    assert_dlex_error(alone, DlexError::MaxSlippage);
    let limits = f.limits(&a).await;
    assert!(limits.max_borrow_x < 1_000_000, "the thin pool's depth caps A at {} X", limits.max_borrow_x);

    let minted = quote::mint(&f.pair().await, f.bank.now(), 2_000_000_000, 8_000_000_000).unwrap();
    let jit = |amount: u64| {
        [
            ix::mint(&keys, &b.tokens, 2_000_000_000, 8_000_000_000, 0),
            ix::borrow(&keys, &a.tokens, Asset::X, amount),
            ix::burn(&keys, &b.tokens, minted.shares.0, 0, 0),
        ]
    };
    let before = f.snapshot(&[&a, &b]).await;
    assert_dlex_error(f.bank.send(&jit(borrow), &[&a.keypair, &b.keypair]).await, DlexError::MaxSlippage);
    // Not even one unit beyond what the pool alone allows, refused by the same rule as
    // without the JIT legs (with this much collateral, tranche capacity binds before depth).
    let alone_over = error_code(f.bank.send(&[ix::borrow(&keys, &a.tokens, Asset::X, limits.max_borrow_x + 1)], &[&a.keypair]).await);
    assert_eq!(error_code(f.bank.send(&jit(limits.max_borrow_x + 1), &[&a.keypair, &b.keypair]).await), alone_over);
    assert_eq!(f.snapshot(&[&a, &b]).await, before, "the refused transactions changed nothing");
    f.assert_conservation().await;
}

/// H-1, the L-borrow form: a borrow of L removes depth itself. With JIT liquidity around it,
/// the pool during the borrow is deep enough to absorb that, but after the JIT burn it is not;
/// the acting position's solvency therefore counts the snapshot lowered by what its own
/// borrow takes. Exactly the non-JIT maximum passes with the JIT legs, one L more does not.
#[tokio::test]
async fn jit_liquidity_cannot_absorb_the_depth_an_l_borrow_removes() {
    let (mut f, trader) = thin_pool_with_lenders().await;
    let keys = f.keys;
    f.fill_price_window(&trader).await;
    let a = f.user().await;
    let b = f.user().await;
    f.bank.send(&[ix::deposit(&keys, &a.tokens, Asset::Y, 100_000_000_000, 0)], &[&a.keypair]).await.unwrap();
    let limits = f.limits(&a).await;
    let non_jit_max = limits.max_borrow_l;
    assert!(non_jit_max > 0, "A may borrow some L");
    let minted = quote::mint(&f.pair().await, f.bank.now(), 2_000_000_000, 8_000_000_000).unwrap();
    let jit = |liquidity: u128| {
        [
            ix::mint(&keys, &b.tokens, 2_000_000_000, 8_000_000_000, 0),
            ix::borrow_liquidity(&keys, &a.tokens, liquidity, 0, 0),
            ix::burn(&keys, &b.tokens, minted.shares.0, 0, 0),
        ]
    };
    let before = f.snapshot(&[&a, &b]).await;
    let over = f.bank.send(&jit(non_jit_max + 1), &[&a.keypair, &b.keypair]).await;
    // One L beyond the non-JIT maximum is refused with the JIT legs too, by the same rule.
    let alone_over = f.bank.send(&[ix::borrow_liquidity(&keys, &a.tokens, non_jit_max + 1, 0, 0)], &[&a.keypair]).await;
    assert_eq!(error_code(over), error_code(alone_over));
    assert_eq!(f.snapshot(&[&a, &b]).await, before);
    f.bank.send(&jit(non_jit_max), &[&a.keypair, &b.keypair]).await.unwrap();
    f.assert_conservation().await;
}

/// H-1 / F5b: the attacker steers the thin pool's price (Y up about tenfold) for ~27 minutes,
/// then tries the JIT borrow of 3e8 X against 4e8 Y (worth 1e8 X before the steering). The
/// JIT liquidity cannot lift the borrow above what the steered pool alone allows, which is
/// below 1% of the attempted theft; the lenders' 5e8 X stay in the vault.
#[tokio::test]
async fn steering_plus_jit_liquidity_cannot_borrow_beyond_the_non_jit_depth() {
    let (mut f, trader) = thin_pool_with_lenders().await;
    let keys = f.keys;
    let m = f.user().await;
    for i in 0..200 {
        f.bank.warp_seconds(8);
        if i < 8 {
            f.bank.send(&[ix::swap_exact_in(&keys, &m.tokens, SwapDirection::XToY, 300_000, 0)], &[&m.keypair]).await.unwrap();
        } else {
            let direction = if i % 2 == 0 { SwapDirection::XToY } else { SwapDirection::YToX };
            f.bank.send(&[ix::swap_exact_in(&keys, &trader.tokens, direction, 100, 0)], &[&trader.keypair]).await.unwrap();
        }
    }
    let a = f.user().await;
    let b = f.user().await;
    f.bank.send(&[ix::deposit(&keys, &a.tokens, Asset::Y, 400_000_000, 0)], &[&a.keypair]).await.unwrap();
    let limits = f.limits(&a).await;
    let non_jit_max = limits.max_borrow_x;
    assert!(non_jit_max > 0 && non_jit_max < 4_000_000, "the steered thin pool allows {non_jit_max} X");

    let minted = quote::mint(&f.pair().await, f.bank.now(), 2_000_000_000, 2_000_000_000).unwrap();
    let jit = |amount: u64| {
        [
            ix::mint(&keys, &b.tokens, 2_000_000_000, 2_000_000_000, 0),
            ix::borrow(&keys, &a.tokens, Asset::X, amount),
            ix::burn(&keys, &b.tokens, minted.shares.0, 0, 0),
        ]
    };
    let before = f.snapshot(&[&a, &b]).await;
    // The theft is beyond what the (floored) depth can absorb; one unit over the pool's own
    // limit is refused by the same rule as without the JIT legs.
    assert_dlex_error(f.bank.send(&jit(300_000_000), &[&a.keypair, &b.keypair]).await, DlexError::MaxSlippage);
    let alone_over = error_code(f.bank.send(&[ix::borrow(&keys, &a.tokens, Asset::X, non_jit_max + 1)], &[&a.keypair]).await);
    assert_eq!(error_code(f.bank.send(&jit(non_jit_max + 1), &[&a.keypair, &b.keypair]).await), alone_over);
    assert_eq!(f.snapshot(&[&a, &b]).await, before);
    // What the pool alone allows is still allowed with the JIT legs around it.
    f.bank.send(&jit(non_jit_max), &[&a.keypair, &b.keypair]).await.unwrap();
    assert_eq!(f.pair().await.total_assets[TokenKind::BorrowX as usize].get(), u128::from(non_jit_max) + dlex::math::lending_fee(u128::from(non_jit_max)));
    f.assert_conservation().await;
}

/// M-2 / F2: an L debt of 900M on a 2e9 L pool left unpaid for thirty years, accrued every
/// 90 days by anyone's instruction. The 5× L multiplier is applied before the uint112 cap,
/// so accrual never fails: every step's deposit passes and BORROW_L stops at the cap
/// (DL = activeL + BL = 2^112 − 1). Afterwards an X borrower repays, a trader swaps and a
/// year later a lender deposits. The L debt itself is now worth more than any token amount:
/// repaying part of it is refused as less than one share, all of it as beyond u64, and the
/// lending limit holds lenders' withdrawals — the pair's own rules, each with its error,
/// never an arithmetic failure.
#[tokio::test]
async fn thirty_years_of_unpaid_l_debt_never_freeze_the_pair() {
    let (mut f, _lp, trader) = Fixture::with_pool(Flavor::SplToken).await;
    let keys = f.keys;
    let borrower = f.user().await;
    let lender = f.user().await;
    // Collateral on both sides, so that no price makes the L debt liquidatable (spec §10.4:
    // L² ≤ 4·X·Y after scaling) and it needs no tranche: only the unpaid interest can break it.
    let collateral = [ix::deposit(&keys, &borrower.tokens, Asset::X, 10_000_000_000, 0), ix::deposit(&keys, &borrower.tokens, Asset::Y, 40_000_000_000, 0)];
    f.bank.send(&collateral, &[&borrower.keypair]).await.unwrap();
    f.bank.send(&[ix::deposit(&keys, &lender.tokens, Asset::X, 50_000_000, 0)], &[&lender.keypair]).await.unwrap();
    let x_borrower = f.user().await;
    f.bank.send(&[ix::deposit(&keys, &x_borrower.tokens, Asset::Y, 400_000_000, 0)], &[&x_borrower.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    f.bank.send(&[ix::borrow(&keys, &x_borrower.tokens, Asset::X, 1_000_000)], &[&x_borrower.keypair]).await.unwrap();
    f.bank.send(&[ix::borrow_liquidity(&keys, &borrower.tokens, 900_000_000, 0, 0)], &[&borrower.keypair]).await.unwrap();
    let mut previous = f.pair().await.total_assets[TokenKind::BorrowL as usize].get();
    for _ in 0..120 {
        f.bank.warp_seconds(90 * 86_400);
        f.bank.send(&[ix::deposit(&keys, &lender.tokens, Asset::X, 1_000_000, 0)], &[&lender.keypair]).await.expect("accrual never fails");
        let borrowed_l = f.pair().await.total_assets[TokenKind::BorrowL as usize].get();
        assert!(borrowed_l >= previous && borrowed_l <= dlex::math::MAX_AMOUNT);
        previous = borrowed_l;
    }
    // The cap binds: interest stops where DL = activeL + BL reaches 2^112 − 1 (activeL ≈ 2e9).
    assert!(dlex::math::MAX_AMOUNT - previous < 3_000_000_000, "BORROW_L {previous} is at the cap");
    f.assert_conservation().await;

    let part = f.bank.send(&[ix::repay_liquidity(&keys, &borrower.tokens, 1_000_000, u64::MAX, u64::MAX)], &[&borrower.keypair]).await;
    assert_dlex_error(part, DlexError::RepayTooSmall);
    let all = f.bank.send(&[ix::repay_liquidity(&keys, &borrower.tokens, u128::MAX, u64::MAX, u64::MAX)], &[&borrower.keypair]).await;
    assert_dlex_error(all, DlexError::AmountTooLarge);
    let owed_x = quote::repay_all(&f.pair().await, &f.position(&x_borrower).await, f.bank.now(), Asset::X).unwrap();
    let start = f.balances(&x_borrower).await;
    f.bank.send(&[ix::repay(&keys, &x_borrower.tokens, Asset::X, u64::MAX)], &[&x_borrower.keypair]).await.expect("repay works");
    assert_eq!(f.balances(&x_borrower).await, (start.0 - owed_x, start.1));
    assert_eq!(f.position(&x_borrower).await.share_balance(TokenKind::BorrowX), 0);
    // The lender's withdrawal runs to the end and meets the spec §6 lending limit, whose
    // `scaledBL = reserve·BL/(DL − BL)` now dwarfs every reserve: the L debt is a claim on
    // the reserves that no withdrawal may undercut. A rule with its own error, not a freeze;
    // liquidating the L debt (issue 7) is what releases it.
    let shares = f.position(&lender).await.share_balance(TokenKind::DepositX);
    let withdraw = f.bank.send(&[ix::withdraw(&keys, &lender.tokens, Asset::X, shares / 2, 0)], &[&lender.keypair]).await;
    assert_dlex_error(withdraw, DlexError::MaxBorrowReached);
    f.bank.send(&[ix::swap_exact_in(&keys, &trader.tokens, SwapDirection::XToY, 10_000, 0)], &[&trader.keypair]).await.expect("swap works");
    f.bank.warp_seconds(365 * 86_400);
    f.bank.send(&[ix::deposit(&keys, &lender.tokens, Asset::X, 1_000_000, 0)], &[&lender.keypair]).await.expect("deposit a year later works");
    f.assert_conservation().await;
}

/// L-2 / F3: the sole borrower of X offers debt + 1 after a year of interest. The offer covers
/// the debt, so every debt share is burned and exactly the debt is pulled (never more than
/// what is owed); the X debt total is then zero.
#[tokio::test]
async fn sole_borrower_offering_debt_plus_one_repays_exactly_the_debt() {
    let (mut f, _lp, trader) = Fixture::with_pool(Flavor::Token2022).await;
    let keys = f.keys;
    let borrower = f.user().await;
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 400_000_000, 0)], &[&borrower.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 30_000_000)], &[&borrower.keypair]).await.unwrap();
    f.bank.warp_seconds(365 * 86_400);
    let (pair, position) = (f.pair().await, f.position(&borrower).await);
    let debt = quote::repay_all(&pair, &position, f.bank.now(), Asset::X).unwrap();
    let (_, pool) = quote::pool_at(&pair, f.bank.now()).unwrap();
    assert_eq!(pool.shares[TokenKind::BorrowX as usize], position.share_balance(TokenKind::BorrowX), "the sole borrower");
    assert_eq!(u128::from(debt), pool.assets[TokenKind::BorrowX as usize], "the sole borrower owes all of BORROW_X");
    let start = f.balances(&borrower).await;
    let events = f.bank.send_with_events(&[ix::repay(&keys, &borrower.tokens, Asset::X, debt + 1)], &[&borrower.keypair]).await.unwrap();
    let repaid: Repaid = decode_event(&events[0]).expect("Repaid event");
    assert_eq!((repaid.amount, repaid.shares), (debt, position.share_balance(TokenKind::BorrowX)));
    assert_eq!(f.balances(&borrower).await, (start.0 - debt, start.1));
    let pair = f.pair().await;
    assert_eq!((pair.total_assets[TokenKind::BorrowX as usize].get(), pair.total_shares[TokenKind::BorrowX as usize].get()), (0, 0));
    f.assert_conservation().await;
}

/// L-1 / F4: a swap of 10% of the X reserve lands before the borrower's full L repayment.
/// The repayment names the L and the maximum X and Y; the swap raised the X it needs, so it
/// is refused with `SlippageAmountIn` and takes nothing. Re-quoted, it clears the debt and
/// pulls exactly the quoted amounts.
#[tokio::test]
async fn front_run_swap_cannot_take_a_liquidity_repayers_tokens() {
    let (mut f, _lp, trader) = Fixture::with_pool(Flavor::SplToken).await;
    let keys = f.keys;
    let borrower = f.user().await;
    let attacker = f.user().await;
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 2_000_000_000, 0)], &[&borrower.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    f.bank.send(&[ix::borrow_liquidity(&keys, &borrower.tokens, 100_000_000, 0, 0)], &[&borrower.keypair]).await.unwrap();
    let quoted = quote::repay_liquidity(&f.pair().await, &f.position(&borrower).await, f.bank.now(), u128::MAX).unwrap();
    assert_eq!(quoted.repaid.0, 100_050_000, "the whole debt: L + the 5-bip fee");

    f.bank.send(&[ix::swap_exact_in(&keys, &attacker.tokens, SwapDirection::XToY, 100_000_000, 0)], &[&attacker.keypair]).await.unwrap();
    let before = f.snapshot(&[&borrower]).await;
    let late = ix::repay_liquidity(&keys, &borrower.tokens, u128::MAX, quoted.flows.x_in, quoted.flows.y_in);
    assert_dlex_error(f.bank.send(&[late], &[&borrower.keypair]).await, DlexError::SlippageAmountIn);
    assert_eq!(f.snapshot(&[&borrower]).await, before);

    let requoted = quote::repay_liquidity(&f.pair().await, &f.position(&borrower).await, f.bank.now(), u128::MAX).unwrap();
    assert!(requoted.flows.x_in > quoted.flows.x_in && requoted.flows.y_in < quoted.flows.y_in);
    let start = f.balances(&borrower).await;
    let repay = ix::repay_liquidity(&keys, &borrower.tokens, u128::MAX, requoted.flows.x_in, requoted.flows.y_in);
    f.bank.send(&[repay], &[&borrower.keypair]).await.unwrap();
    assert_eq!(f.balances(&borrower).await, (start.0 - requoted.flows.x_in, start.1 - requoted.flows.y_in));
    assert_eq!(f.position(&borrower).await.share_balance(TokenKind::BorrowL), 0);
    f.assert_conservation().await;
}

/// A mint with no freeze authority, made by hand (the bank's mints all have one).
async fn mint_without_freeze_authority(f: &mut Fixture) -> anchor_lang::prelude::Pubkey {
    use anchor_spl::token::spl_token;
    use solana_sdk::program_pack::Pack;
    let mint = solana_sdk::signature::Keypair::new();
    let payer = f.bank.payer_pubkey();
    let create = solana_system_interface::instruction::create_account(&payer, &mint.pubkey(), 10_000_000, spl_token::state::Mint::LEN as u64, &TOKEN_PROGRAM);
    let init = spl_token::instruction::initialize_mint2(&TOKEN_PROGRAM, &mint.pubkey(), &payer, None, 6).unwrap();
    f.bank.send(&[create, init], &[&mint]).await.unwrap();
    mint.pubkey()
}

/// L-3: mints with a freeze authority (USDC-like) are accepted; the pair records which can be
/// frozen, `PairCreated` says so, and the SDK's report shows it.
#[tokio::test]
async fn freezable_mints_are_recorded_and_reported() {
    let mut f = Fixture::new(Flavor::SplToken).await;
    assert_eq!(f.pair().await.freezable_mints, FREEZABLE_X | FREEZABLE_Y, "the fixture's mints have a freeze authority");
    let plain = mint_without_freeze_authority(&mut f).await;
    let freezable = f.bank.create_mint(TOKEN_PROGRAM, 6, None).await.unwrap();
    let payer = f.bank.payer_pubkey();
    let (create, keys) = ix::create_pair(payer, (plain, TOKEN_PROGRAM), (freezable, TOKEN_PROGRAM));
    let events = f.bank.send_with_events(&[create], &[]).await.unwrap();
    let created: PairCreated = decode_event(&events[0]).expect("PairCreated event");
    let plain_is_x = keys.mint_x == plain;
    assert_eq!((created.freezable_x, created.freezable_y), (!plain_is_x, plain_is_x));
    let pair = f.bank.pair(keys.pair).await;
    assert_eq!(pair.freezable_mints, if plain_is_x { FREEZABLE_Y } else { FREEZABLE_X });
    let text = health::describe_freeze_authorities(&pair);
    let expected = if plain_is_x {
        "X no freeze authority; Y freezable (its issuer can freeze the vault)"
    } else {
        "X freezable (its issuer can freeze the vault); Y no freeze authority"
    };
    assert_eq!(text, expected);
}

/// Info: collecting protocol fees keeps the same-asset rule. The fee recipient borrows X, so
/// the pending DEPOSIT_X fee shares stay pending (collected only L and Y), and its L, which
/// became fragile liquidity (it borrows X), is counted in the pair's fragile total at once.
#[tokio::test]
async fn collecting_fees_never_deposits_an_asset_the_recipient_borrows() {
    let (mut f, _lp, trader) = Fixture::with_pool(Flavor::SplToken).await;
    let keys = f.keys;
    let recipient = f.bank.payer().insecure_clone();
    let program = f.flavor.program();
    let owner = recipient.pubkey();
    let tokens = UserTokens {
        owner,
        token_x: f.bank.create_token_account(keys.mint_x, owner, program).await,
        token_y: f.bank.create_token_account(keys.mint_y, owner, program).await,
    };
    f.bank.mint_to(keys.mint_x, tokens.token_x, 1_000_000_000, program).await;
    f.bank.mint_to(keys.mint_y, tokens.token_y, 4_000_000_000, program).await;
    f.bank.send(&[ix::open_position(owner, keys.pair)], &[]).await.unwrap();
    let borrower = f.user().await;
    f.bank.send(&[ix::deposit(&keys, &tokens, Asset::Y, 400_000_000, 0)], &[]).await.unwrap();
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 4_000_000_000, 0)], &[&borrower.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    // The recipient borrows X; others' borrows of X and L mint X and L fee shares.
    f.bank.send(&[ix::borrow(&keys, &tokens, Asset::X, 10_000_000)], &[]).await.unwrap();
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 20_000_000)], &[&borrower.keypair]).await.unwrap();
    f.bank.send(&[ix::borrow_liquidity(&keys, &borrower.tokens, 50_000_000, 0, 0)], &[&borrower.keypair]).await.unwrap();
    let pending = f.pair().await.protocol_fee_shares.map(|s| s.get());
    assert!(pending[0] > 0 && pending[1] > 0, "L and X fee shares are pending: {pending:?}");

    let events = f.bank.send_with_events(&[ix::collect_protocol_fees(owner, keys.pair)], &[]).await.unwrap();
    let collected: ProtocolFeesCollected = decode_event(&events[0]).expect("ProtocolFeesCollected event");
    assert_eq!((collected.shares_l, collected.shares_x, collected.shares_y), (pending[0], 0, pending[2]));
    let pair = f.pair().await;
    assert_eq!(pair.protocol_fee_shares.map(|s| s.get()), [0, pending[1], 0], "DEPOSIT_X stays pending");
    let position = f.bank.position(pda::position(keys.pair, owner)).await.unwrap();
    assert_eq!(position.share_balance(TokenKind::DepositX), 0, "never both deposited and borrowed");
    assert_eq!(position.share_balance(TokenKind::DepositL), pending[0]);
    assert_eq!(position.fragile_shares.get(), pending[0], "its L is fragile: it borrows X");
    assert_eq!(pair.fragile_liquidity_shares.get(), pending[0], "the pair's fragile total is refreshed at once");
    f.assert_conservation().await;
}

/// Info: a position left with one DEPOSIT_L share, whose burn would pay floor(0.5) = 0 X,
/// can still close: the share is forfeited to the other LPs (the pair's L shares fall by one,
/// its assets do not), `DustForfeited` says so, and the rent returns to the owner. A position
/// whose L still redeems to tokens cannot.
#[tokio::test]
async fn a_position_holding_only_dust_can_close() {
    let (mut f, _lp, _trader) = Fixture::with_pool(Flavor::SplToken).await;
    let keys = f.keys;
    let user = f.user().await;
    f.bank.send(&[ix::mint(&keys, &user.tokens, 1_000_000, 4_000_000, 0)], &[&user.keypair]).await.unwrap();
    let shares = f.position(&user).await.share_balance(TokenKind::DepositL);
    let refused = f.bank.send(&[ix::close_position(user.pubkey(), keys.pair)], &[&user.keypair]).await;
    assert_dlex_error(refused, DlexError::PositionNotEmpty);
    f.bank.send(&[ix::burn(&keys, &user.tokens, shares - 1, 0, 0)], &[&user.keypair]).await.unwrap();
    let burn_one = f.bank.send(&[ix::burn(&keys, &user.tokens, 1, 0, 0)], &[&user.keypair]).await;
    assert_dlex_error(burn_one, DlexError::InsufficientLiquidityBurned);

    let before = f.pair().await;
    let position_address = pda::position(keys.pair, user.pubkey());
    let rent = f.bank.account(position_address).await.unwrap().lamports;
    let lamports_before = f.bank.account(user.pubkey()).await.unwrap().lamports;
    let events = f.bank.send_with_events(&[ix::close_position(user.pubkey(), keys.pair)], &[&user.keypair]).await.unwrap();
    let dust: DustForfeited = decode_event(&events[0]).expect("DustForfeited event");
    assert_eq!((dust.shares_l, dust.shares_x, dust.shares_y), (1, 0, 0));
    let after = f.pair().await;
    assert_eq!(after.total_shares[TokenKind::DepositL as usize].get(), before.total_shares[TokenKind::DepositL as usize].get() - 1);
    assert_eq!((after.reserve_x.get(), after.reserve_y.get()), (before.reserve_x.get(), before.reserve_y.get()));
    assert!(f.bank.account(position_address).await.is_none(), "the position is closed");
    let lamports_after = f.bank.account(user.pubkey()).await.unwrap().lamports;
    assert_eq!(lamports_after, lamports_before + rent, "the rent returns to the owner (the bank's payer pays the fee)");
    f.assert_conservation().await;
}
