//! Lending on the same pool, through real transactions: borrowing X against Y, the price
//! window gate, the LTV limit, interest over a warped year split between lenders, LPs and the
//! protocol, repayment of more than the debt (only the debt is pulled), and collection of protocol fees.

use dlex::actions::{Asset, SwapDirection};
use dlex::events::{Borrowed, Repaid};
use dlex::math;
use dlex::state::TokenKind;
use dlex_sdk::bank::decode_event;
use dlex_sdk::{ix, pda};
use dlex_tests::*;


async fn borrow_x_against_y(flavor: Flavor) {
    let (mut f, _lp, trader) = Fixture::with_pool(flavor).await;
    let borrower = f.user().await;
    let keys = f.keys;
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 400_000_000, 0)], &[&borrower.keypair]).await.unwrap();

    // A new pair is swap-only for borrowing until its mid-term window has filled.
    let before = f.snapshot(&[&borrower]).await;
    let early = f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 10_000_000)], &[&borrower.keypair]).await;
    assert_dlex_error(early, DlexError::PriceWindowNotReady);
    assert_eq!(f.snapshot(&[&borrower]).await, before);

    f.fill_price_window(&trader).await;

    // 400e6 Y is worth about 100e6 X at the pool price, but while the long-term buffer warms
    // up the range for new risk is wide (±111 ticks: the low price is ~0.16 X per Y), so the
    // collateral counts for ~65e6 X. 30e6 X stays inside 75% LTV with the slippage add-on.
    let start = f.balances(&borrower).await;
    let events = f.bank.send_with_events(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 30_000_000)], &[&borrower.keypair]).await.unwrap();
    let borrowed: Borrowed = decode_event(&events[0]).expect("Borrowed event");
    // fee = ceil(30e6·5/1e4) = 15_000; the first debt mints shares 1:1.
    assert_eq!((borrowed.amount, borrowed.fee, borrowed.debt, borrowed.shares), (30_000_000, 15_000, 30_015_000, 30_015_000));
    assert_eq!(f.balances(&borrower).await, (start.0 + 30_000_000, start.1));
    let pair = f.pair().await;
    assert_eq!(pair.total_assets[TokenKind::BorrowX as usize].get(), 30_015_000);
    // The fee is X supplied to the pool by the protocol: first X deposit, so 1:1 shares.
    assert_eq!(pair.total_assets[TokenKind::DepositX as usize].get(), 15_000);
    assert_eq!(pair.protocol_fee_shares[1].get(), 15_000);
    f.assert_conservation().await;

    // Borrowing the rest of the collateral's value breaks the 75% LTV.
    let before = f.snapshot(&[&borrower]).await;
    let greedy = f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 40_000_000)], &[&borrower.keypair]).await;
    assert_dlex_error(greedy, DlexError::LtvTooHigh);
    assert_eq!(f.snapshot(&[&borrower]).await, before);

    // Withdrawing the collateral of an indebted position is refused the same way.
    let shares_y = f.position(&borrower).await.share_balance(TokenKind::DepositY);
    let unsafe_withdraw = f.bank.send(&[ix::withdraw(&keys, &borrower.tokens, Asset::Y, shares_y, 0)], &[&borrower.keypair]).await;
    assert_dlex_error(unsafe_withdraw, DlexError::DebtWithoutCollateral);

    // Depositing the borrowed asset is refused (spec §9.5 same-asset rule).
    let same = f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::X, 1_000, 0)], &[&borrower.keypair]).await;
    assert_dlex_error(same, DlexError::CannotDepositBorrowedAsset);

    // Repaying is never blocked; 10e6 X burns floor(10e6·S/A) = 10e6 shares (no interest yet).
    let events = f.bank.send_with_events(&[ix::repay(&keys, &borrower.tokens, Asset::X, 10_000_000)], &[&borrower.keypair]).await.unwrap();
    let repaid: Repaid = decode_event(&events[0]).expect("Repaid event");
    assert_eq!((repaid.amount, repaid.shares), (10_000_000, 10_000_000));
    assert_eq!(f.position(&borrower).await.share_balance(TokenKind::BorrowX), 20_015_000);
    f.assert_conservation().await;

    // Offering more than the whole debt: the debt is cleared and only the debt is pulled
    // (Solana pulls exact amounts, so nothing beyond what is owed leaves the payer).
    let start = f.balances(&borrower).await;
    let events = f.bank.send_with_events(&[ix::repay(&keys, &borrower.tokens, Asset::X, 20_100_000)], &[&borrower.keypair]).await.unwrap();
    let repaid: Repaid = decode_event(&events[0]).expect("Repaid event");
    assert_eq!((repaid.amount, repaid.shares), (20_015_000, 20_015_000));
    assert_eq!(f.balances(&borrower).await, (start.0 - 20_015_000, start.1));
    let position = f.position(&borrower).await;
    assert_eq!(position.share_balance(TokenKind::BorrowX), 0);
    assert_eq!(f.pair().await.total_assets[TokenKind::BorrowX as usize].get(), 0);
    f.assert_conservation().await;

    // Debt-free again: the collateral can leave.
    f.bank.send(&[ix::withdraw(&keys, &borrower.tokens, Asset::Y, shares_y, 0)], &[&borrower.keypair]).await.unwrap();
    f.assert_conservation().await;
}

#[tokio::test]
async fn borrow_x_against_y_spl() {
    borrow_x_against_y(Flavor::SplToken).await;
}

#[tokio::test]
async fn borrow_x_against_y_token_2022() {
    borrow_x_against_y(Flavor::Token2022).await;
}

/// A year of interest on X debt, accrued lazily by the next instruction: the borrower's debt
/// grows by exactly the spec §7.4 amount, and that interest is split between the X lender,
/// the LPs (as X reserve) and the protocol (10%, as pending deposit shares).
#[tokio::test]
async fn a_year_of_interest_is_split_between_lenders_lps_and_protocol() {
    let (mut f, _lp, trader) = Fixture::with_pool(Flavor::SplToken).await;
    let lender = f.user().await;
    let borrower = f.user().await;
    let keys = f.keys;
    f.bank.send(&[ix::deposit(&keys, &lender.tokens, Asset::X, 200_000_000, 0)], &[&lender.keypair]).await.unwrap();
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 2_000_000_000, 0)], &[&borrower.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 150_000_000)], &[&borrower.keypair]).await.unwrap();

    let before = f.pair().await;
    f.bank.warp_seconds(31_536_000);
    let now = f.bank.now() as u32;
    // What the next instruction will accrue, step by step from the spec formulas:
    // observation first (§7.5 step 1), then interest over Δl at the lending-state tick.
    let mut expected = before;
    let mut pool = expected.pool();
    dlex::actions::accrue(&mut expected, &mut pool, now).unwrap();
    let elapsed = now - before.last_lending_timestamp;
    let borrow_x = before.total_assets[TokenKind::BorrowX as usize].get();
    let deposit_x = before.total_assets[TokenKind::DepositX as usize].get();
    let growth_x = pool.assets[TokenKind::BorrowX as usize] - borrow_x;
    // Borrowers pay I·(1 + 10%) split as: protocol fee = ceil(10% of I), LPs floor(I·avgX/(D+avgX)),
    // lenders the rest — checked against the closed form of §7.4 below.
    let utilization = math::utilization_wad(borrow_x, deposit_x + {
        let lending_tick = {
            let mut observations = before.observations;
            let observed = observations
                .update_observation_from_reserves(before.reserve_x.get(), before.reserve_y.get(), before.pool().missing_x(), before.pool().missing_y(), before.last_update_timestamp, now)
                .unwrap();
            assert!(observed.is_some(), "a year later an observation is due");
            observations.lending_state_tick(elapsed)
        };
        math::reserves_at_tick(before.pool().active_liquidity(), lending_tick).unwrap().0
    });
    let rate = math::interest_rate_per_second_wad(utilization);
    let compounded = math::w_taylor_compounded(rate, u64::from(elapsed)).unwrap();
    let gross_interest = compounded * borrow_x / 1_000_000_000_000_000_000;
    let protocol_fee = math::protocol_fee_share(gross_interest);
    assert_eq!(growth_x, gross_interest, "debt grows by floor(wTaylor(rate, Δ)·B/1e18)");
    assert!(gross_interest > 0);

    // After a year a debt share is worth more than one unit: repaying 1 burns no share.
    let dust = f.bank.send(&[ix::repay(&keys, &borrower.tokens, Asset::X, 1)], &[&borrower.keypair]).await;
    assert_dlex_error(dust, DlexError::RepayTooSmall);
    // Any instruction accrues; a repay of 1000 runs the year's accrual on chain.
    f.bank.send(&[ix::repay(&keys, &borrower.tokens, Asset::X, 1_000)], &[&borrower.keypair]).await.unwrap();
    let after = f.pair().await;
    let debt_now = after.total_assets[TokenKind::BorrowX as usize].get();
    assert_eq!(debt_now, borrow_x + gross_interest - 1_000, "on-chain debt = before + interest − repaid");
    let lp_part = after.reserve_x.get() - before.reserve_x.get();
    let lender_part = after.total_assets[TokenKind::DepositX as usize].get() - deposit_x - protocol_fee;
    assert_eq!(lp_part + lender_part + protocol_fee, gross_interest, "every unit of interest has an owner");
    assert!(lp_part > 0 && lender_part > 0);
    assert!(after.protocol_fee_shares[1].get() > before.protocol_fee_shares[1].get());
    f.assert_conservation().await;

    // The fee recipient (the bank's payer in the fixture) collects the protocol's shares.
    let admin = f.bank.payer_pubkey();
    f.bank.send(&[ix::open_position(admin, keys.pair)], &[]).await.unwrap();
    let pending = after.protocol_fee_shares[1].get();
    f.bank.send(&[ix::collect_protocol_fees(admin, keys.pair)], &[]).await.unwrap();
    let collected = f.bank.position(pda::position(keys.pair, admin)).await.unwrap();
    assert_eq!(collected.share_balance(TokenKind::DepositX), pending);
    assert_eq!(f.pair().await.protocol_fee_shares[1].get(), 0);
}

/// Borrow L against Y: the pool pays out `floor(L·activeL/rY)` X and `floor(L·activeL/rX)`
/// Y; after the price moves, the L owed costs less than the tokens received are worth — the
/// borrower is short liquidity and gains what LPs lose to impermanent loss.
#[tokio::test]
async fn borrow_liquidity_and_repay_after_the_price_moved() {
    let (mut f, _lp, trader) = Fixture::with_pool(Flavor::Token2022).await;
    let borrower = f.user().await;
    let keys = f.keys;
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 2_000_000_000, 0)], &[&borrower.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;

    let pair = f.pair().await;
    let pool = pair.pool();
    let (rx, ry, active) = (pool.reserve_x.0, pool.reserve_y.0, pool.active_liquidity());
    let liquidity = 100_000_000u128;
    let expected_x = liquidity * active / ry;
    let expected_y = liquidity * active / rx;
    let start = f.balances(&borrower).await;
    let events = f
        .bank
        .send_with_events(&[ix::borrow_liquidity(&keys, &borrower.tokens, liquidity, expected_x as u64, expected_y as u64)], &[&borrower.keypair])
        .await
        .unwrap();
    let borrowed: dlex::events::LiquidityBorrowed = decode_event(&events[0]).expect("LiquidityBorrowed event");
    // fee = ceil(1e8·5/1e4) = 50_000 L; the first L debt mints shares 1:1.
    assert_eq!((borrowed.debt, borrowed.fee, borrowed.shares), (100_050_000, 50_000, 100_050_000));
    assert_eq!((u128::from(borrowed.amount_x), u128::from(borrowed.amount_y)), (expected_x, expected_y));
    assert_eq!(f.balances(&borrower).await, (start.0 + expected_x as u64, start.1 + expected_y as u64));
    let after_borrow = f.pair().await;
    assert_eq!((after_borrow.reserve_x.get(), after_borrow.reserve_y.get()), (rx - expected_x, ry - expected_y));
    assert_eq!(after_borrow.total_assets[TokenKind::BorrowL as usize].get(), 100_050_000);
    f.assert_conservation().await;

    // The price of Y falls: a trader sells a lot of Y.
    f.bank.send(&[ix::swap_exact_in(&keys, &trader.tokens, SwapDirection::YToX, 800_000_000, 0)], &[&trader.keypair]).await.unwrap();

    // Tokens needed to repay the whole L debt now: ceil(debt·r/s) of each side, s = sqrtCeil(rX·rY).
    let pair = f.pair().await;
    let (rx, ry) = (pair.reserve_x.get(), pair.reserve_y.get());
    let s = math::sqrt_ceil(math::U256::from(rx) * math::U256::from(ry)).to::<u128>();
    let debt = 100_050_000u128;
    let need_x = (debt * rx).div_ceil(s);
    let need_y = (debt * ry).div_ceil(s);
    // Valued in X at the new price (rx/ry per Y), what was received is worth more than what
    // repaying costs: the impairment gain of a liquidity borrower.
    let value = |x: u128, y: u128| x + y * rx / ry;
    assert!(value(expected_x, expected_y) > value(need_x, need_y), "short liquidity gains when the price moves");

    let before_repay = f.balances(&borrower).await;
    let events = f
        .bank
        .send_with_events(&[ix::repay_liquidity(&keys, &borrower.tokens, u128::MAX, need_x as u64, need_y as u64)], &[&borrower.keypair])
        .await
        .unwrap();
    assert_eq!(f.balances(&borrower).await, (before_repay.0 - need_x as u64, before_repay.1 - need_y as u64));
    let repaid: dlex::events::LiquidityRepaid = decode_event(&events[0]).expect("LiquidityRepaid event");
    assert_eq!((repaid.shares, repaid.repaid), (100_050_000, debt), "the whole L debt is gone");
    assert_eq!((u128::from(repaid.amount_x), u128::from(repaid.amount_y)), (need_x, need_y));
    assert_eq!(f.position(&borrower).await.share_balance(TokenKind::BorrowL), 0);
    let after = f.pair().await;
    assert_eq!((after.reserve_x.get(), after.reserve_y.get()), (rx + need_x, ry + need_y), "all of the payment joins the reserves");
    f.assert_conservation().await;
}

/// The `position_health` query (simulated, return data) and the SDK's off-chain report are
/// the same numbers, and its limits are exact: borrowing `max_borrow_x` passes, one more fails.
#[tokio::test]
async fn health_query_matches_the_sdk_and_its_limits_are_exact() {
    let (mut f, _lp, trader) = Fixture::with_pool(Flavor::SplToken).await;
    let borrower = f.user().await;
    let keys = f.keys;
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 400_000_000, 0)], &[&borrower.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 10_000_000)], &[&borrower.keypair]).await.unwrap();

    let query = ix::position_health(keys.pair, borrower.pubkey());
    let data = f.bank.simulate_return_data(&[query], &[]).await.unwrap();
    let on_chain = dlex_sdk::health::decode_report(&data).unwrap();
    let pair = f.pair().await;
    let position = f.position(&borrower).await;
    let (off_chain, limits) = dlex_sdk::health::position_health(&pair, &position, f.bank.now(), false).unwrap();
    assert_eq!(on_chain, off_chain);

    assert!(on_chain.price_window_ready && on_chain.solvent && on_chain.net_debt_x);
    assert!(on_chain.ltv_bips > 0 && on_chain.ltv_bips <= 7_500);
    assert_eq!(on_chain.assets[TokenKind::BorrowX as usize], 10_005_000);
    assert!(on_chain.liquidation_sqrt_price_net_x_q72 > 0 && on_chain.liquidation_sqrt_price_net_y_q72 == 0);
    assert_eq!(limits.max_borrow_y, 0, "Y is deposited: it cannot also be borrowed");
    assert_eq!(limits.max_withdraw_x_shares, 0);
    assert!(limits.max_withdraw_y_shares < position.share_balance(TokenKind::DepositY), "some collateral must stay");

    let max = limits.max_borrow_x;
    assert!(max > 0);
    let too_much = f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, max + 1)], &[&borrower.keypair]).await;
    assert_dlex_error(too_much, DlexError::LtvTooHigh);
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, max)], &[&borrower.keypair]).await.unwrap();
    let (after, after_limits) = dlex_sdk::health::position_health(&f.pair().await, &f.position(&borrower).await, f.bank.now(), false).unwrap();
    assert!(after.solvent && after_limits.max_borrow_x == 0);
    f.assert_conservation().await;
}

/// An LP borrows X against its liquidity (DEPOSIT_L): L counts half as X and half as Y, the
/// position is netted (spec §9.2), and it becomes fragile liquidity (spec §4.12).
///
/// The first LP deepens the pool to 1e10 X / 4e10 Y, so lp2's 4e8 L is 2% of it. An LP that
/// borrows against its own L must stay small relative to the pool (tranche accounting, design
/// §8): its saturation (here about 17× its own L, in two tranches) must stay 3 leaves below
/// what the pool's liquidity less the fragile liquidity can absorb, and its own L turns
/// fragile as it borrows. With a sixth of a 1e9 X / 4e9 Y pool, lp2 could not borrow even
/// 5e7 X (`MaxTrancheOverSaturated`).
#[tokio::test]
async fn borrow_x_against_liquidity() {
    let (mut f, lp, trader) = Fixture::with_pool(Flavor::SplToken).await;
    let lp2 = f.user().await;
    let keys = f.keys;
    f.bank.send(&[ix::mint(&keys, &lp.tokens, 9_000_000_000, 36_000_000_000, 0)], &[&lp.keypair]).await.unwrap();
    f.bank.send(&[ix::mint(&keys, &lp2.tokens, 200_000_000, 800_000_000, 0)], &[&lp2.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    let limits = f.limits(&lp2).await;
    assert!(limits.max_borrow_x > 0 && limits.max_borrow_y > 0, "L collateral backs both X and Y");

    let start = f.balances(&lp2).await;
    f.bank.send(&[ix::borrow(&keys, &lp2.tokens, Asset::X, 50_000_000)], &[&lp2.keypair]).await.unwrap();
    assert_eq!(f.balances(&lp2).await, (start.0 + 50_000_000, start.1));
    let position = f.position(&lp2).await;
    let l_shares = position.share_balance(TokenKind::DepositL);
    assert_eq!(position.fragile_shares.get(), l_shares, "an LP that borrows X is fragile liquidity");
    assert_eq!(f.pair().await.fragile_liquidity_shares.get(), l_shares);

    // Burning the L that backs the debt is refused by solvency; repaying clears fragility.
    let burn_all = f.bank.send(&[ix::burn(&keys, &lp2.tokens, l_shares, 0, 0)], &[&lp2.keypair]).await;
    assert_dlex_error(burn_all, DlexError::DebtWithoutCollateral);
    f.bank.send(&[ix::repay(&keys, &lp2.tokens, Asset::X, 50_100_000)], &[&lp2.keypair]).await.unwrap();
    assert_eq!(f.position(&lp2).await.fragile_shares.get(), 0);
    assert_eq!(f.pair().await.fragile_liquidity_shares.get(), 0);
    f.bank.send(&[ix::burn(&keys, &lp2.tokens, l_shares, 0, 0)], &[&lp2.keypair]).await.unwrap();
    f.assert_conservation().await;
}

/// One position holding L, X and Y deposits' worth of risk at once: it supplies liquidity and
/// Y, borrows X and L; everything nets in one solvency check and unwinds cleanly.
#[tokio::test]
async fn cross_margined_x_y_l_position() {
    let (mut f, _lp, trader) = Fixture::with_pool(Flavor::Token2022).await;
    let user = f.user().await;
    let keys = f.keys;
    f.bank.send(&[ix::mint(&keys, &user.tokens, 100_000_000, 400_000_000, 0)], &[&user.keypair]).await.unwrap();
    f.bank.send(&[ix::deposit(&keys, &user.tokens, Asset::Y, 800_000_000, 0)], &[&user.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    f.bank.send(&[ix::borrow(&keys, &user.tokens, Asset::X, 40_000_000)], &[&user.keypair]).await.unwrap();
    f.bank.send(&[ix::borrow_liquidity(&keys, &user.tokens, 30_000_000, 0, 0)], &[&user.keypair]).await.unwrap();
    let report = dlex_sdk::health::position_report(&f.pair().await, &f.position(&user).await, f.bank.now()).unwrap();
    assert!(report.solvent);
    let assets = report.assets;
    assert!(assets[TokenKind::DepositL as usize] > 0 && assets[TokenKind::DepositY as usize] > 0);
    assert!(assets[TokenKind::BorrowX as usize] > 0 && assets[TokenKind::BorrowL as usize] > 0);
    // Netted per spec §9.2, the L deposit covers the X side and L + Y cover the Y side even at
    // the range's worst prices, so no net debt remains: LTV 0.
    assert_eq!((report.debt_l, report.collateral_l, report.ltv_bips), (0, 0, 0));
    // Taking more L than the collateral nets against is refused by the same check.
    let too_much = f.bank.send(&[ix::borrow_liquidity(&keys, &user.tokens, 600_000_000, 0, 0)], &[&user.keypair]).await;
    assert!(too_much.is_err());
    f.assert_conservation().await;

    // Unwind: repay all the L with generous maxima (only what the debt needs is pulled),
    // repay X, exit.
    f.bank.send(&[ix::repay_liquidity(&keys, &user.tokens, u128::MAX, 20_000_000, 80_000_000)], &[&user.keypair]).await.unwrap();
    f.bank.send(&[ix::repay(&keys, &user.tokens, Asset::X, 40_100_000)], &[&user.keypair]).await.unwrap();
    let position = f.position(&user).await;
    assert_eq!(position.share_balance(TokenKind::BorrowL), 0);
    assert_eq!(position.share_balance(TokenKind::BorrowX), 0);
    let (l, y) = (position.share_balance(TokenKind::DepositL), position.share_balance(TokenKind::DepositY));
    f.bank.send(&[ix::burn(&keys, &user.tokens, l, 0, 0)], &[&user.keypair]).await.unwrap();
    f.bank.send(&[ix::withdraw(&keys, &user.tokens, Asset::Y, y, 0)], &[&user.keypair]).await.unwrap();
    assert!(f.position(&user).await.is_empty());
    f.assert_conservation().await;
}

/// Lend out as much X as one borrower may, then buy X until more than 95% of the reserve is
/// lent out: the pool prices X with the depleted invariant (spec §5.2: the reserve left after
/// lending, ×20), so selling X in earns far more Y than just before, and X can never be bought
/// out entirely.
///
/// One borrower may owe only what the pool can liquidate (tranche accounting, design §8): with
/// 4e9 Y of collateral, about the X reserve's worth, the tranche bound binds (its liquidation
/// must fit seven tranches of the pool's liquidity) at about 8.8e7 X, 9% of the reserve, well
/// below the ~3e8 X the 75% LTV would allow. Most of the X reserve must then be bought before
/// it is depleted, which alone raises the price of X over a hundredfold, so the undepleted
/// rate is quoted once the reserve is just above the depletion boundary (`reserve·19 ≥
/// missing·20`) and the depleted rate after a small further purchase.
#[tokio::test]
async fn a_depleted_asset_is_priced_per_the_depleted_invariant_and_never_emptied() {
    let (mut f, _lp, trader) = Fixture::with_pool(Flavor::SplToken).await;
    let borrower = f.user().await;
    let keys = f.keys;
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 4_000_000_000, 0)], &[&borrower.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    let limits = f.limits(&borrower).await;
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, limits.max_borrow_x)], &[&borrower.keypair]).await.unwrap();
    let over = f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 1_000)], &[&borrower.keypair]).await;
    assert_dlex_error(over, DlexError::TooManyTranches);

    let sell_x_quote = |pair: &dlex::state::Pair, now: i64| {
        dlex_sdk::quote::swap(pair, now, SwapDirection::XToY, dlex::actions::SwapAmount::ExactIn(1_000_000)).unwrap().amount_out
    };

    // Buy X until the reserve is just above the depletion boundary missing·20/19 (1% of the
    // missing X to spare): not depleted yet, this is the undepleted rate at about these reserves.
    let pool = f.pair().await.pool();
    let (reserve, missing) = (pool.reserve_x.0, pool.missing_x());
    let above_boundary = reserve - (missing * 20 / 19 + missing / 100);
    f.bank.send(&[ix::swap_exact_out(&keys, &trader.tokens, SwapDirection::YToX, above_boundary as u64, u64::MAX)], &[&trader.keypair]).await.unwrap();
    let pair = f.pair().await;
    let pool = pair.pool();
    assert!(pool.reserve_x.0 * 19 >= pool.missing_x() * 20, "X is not depleted yet");
    let before_depletion = sell_x_quote(&pair, f.bank.now());

    // Buy X until the reserve left after lending is below 5% of the reserve: the reserve must
    // fall below missing·20/19; buy halfway between that threshold and all that is not lent.
    let (reserve, missing) = (pool.reserve_x.0, pool.missing_x());
    let available = reserve - missing;
    let threshold = reserve - missing * 20 / 19;
    assert!(threshold < available);
    let buy = (threshold + (available - threshold) / 2) as u64;
    f.bank.send(&[ix::swap_exact_out(&keys, &trader.tokens, SwapDirection::YToX, buy, u64::MAX)], &[&trader.keypair]).await.unwrap();
    let pair = f.pair().await;
    let pool = pair.pool();
    assert!(pool.reserve_x.0 * 19 < pool.missing_x() * 20, "X is depleted: over 95% of the reserve is lent out");
    let utilization = math::utilization_wad(pool.assets[TokenKind::BorrowX as usize], pool.assets[TokenKind::DepositX as usize] + pool.reserve_x.0);
    assert!(utilization > 950_000_000_000_000_000, "utilization {utilization}");

    // Selling X into a depleted pool pays far more than the undepleted rate (spec §5.2, vector
    // B3): the invariant counts X as (reserve − missing)·20, so each X sold in counts 20 times.
    // Against the constant-product payout at the same reserves, fees aside (more than any
    // undepleted quote), it pays about 27× here; against the quote just before depletion,
    // more still, since buying into depletion was priced the same way and left about six times
    // more Y in the pool. Without depletion the small purchase would barely move the rate.
    let after_depletion = sell_x_quote(&pair, f.bank.now());
    let undepleted_at_these_reserves = pool.reserve_y.0 * 1_000_000 / (pool.reserve_x.0 + 1_000_000);
    assert!(u128::from(after_depletion) > undepleted_at_these_reserves * 10, "{undepleted_at_these_reserves} Y undepleted vs {after_depletion} Y depleted");
    assert!(after_depletion > before_depletion * 10, "{before_depletion} Y before vs {after_depletion} Y after depletion");

    // X can never be emptied: buying everything not lent out is refused, and even a huge
    // input buys strictly less than that.
    let left = (pool.reserve_x.0 - pool.missing_x()) as u64;
    let all = f.bank.send(&[ix::swap_exact_out(&keys, &trader.tokens, SwapDirection::YToX, left, u64::MAX)], &[&trader.keypair]).await;
    assert!(all.is_err(), "the last X cannot be bought");
    let start = f.balances(&trader).await;
    f.bank.send(&[ix::swap_exact_in(&keys, &trader.tokens, SwapDirection::YToX, 500_000_000_000, 0)], &[&trader.keypair]).await.unwrap();
    let bought = f.balances(&trader).await.0 - start.0;
    assert!(bought < left, "bought {bought} of the {left} X not lent out");
    let pool = f.pair().await.pool();
    assert!(pool.reserve_x.0 > pool.missing_x());
    f.assert_conservation().await;
}

/// What `dlex position` prints, produced by the SDK's fetch-and-describe path on the bank
/// (the CLI runs the same path against a cluster over RPC).
#[tokio::test]
async fn position_description_reads_the_accounts_and_reports_health() {
    let (mut f, _lp, trader) = Fixture::with_pool(Flavor::SplToken).await;
    let borrower = f.user().await;
    let keys = f.keys;
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 400_000_000, 0)], &[&borrower.keypair]).await.unwrap();
    let early = dlex_sdk::health::fetch(&mut f.bank, keys.pair, borrower.pubkey()).await.unwrap();
    assert!(dlex_sdk::health::describe(&early).contains("price range  not ready"));

    f.fill_price_window(&trader).await;
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 10_000_000)], &[&borrower.keypair]).await.unwrap();
    let health = dlex_sdk::health::fetch(&mut f.bank, keys.pair, borrower.pubkey()).await.unwrap();
    let text = dlex_sdk::health::describe(&health);
    assert!(text.contains("deposits     L 0   X 0.000000   Y 400.000000\n"), "{text}");
    assert!(text.contains("debts        L 0   X 10.005000   Y 0.000000\n"), "{text}");
    assert!(text.contains(&format!("LTV          {} after the slippage add-on", dlex_sdk::health::format_ltv(&health.report))), "{text}");
    assert!(text.contains("solvent      yes\n") && text.contains("(if the price falls)"), "{text}");
    assert!(text.contains(&format!("may borrow   X {}.{:06}", health.limits.max_borrow_x / 1_000_000, health.limits.max_borrow_x % 1_000_000)), "{text}");

    let missing = dlex_sdk::health::fetch(&mut f.bank, keys.pair, trader.pubkey()).await;
    assert!(missing.is_ok(), "the trader has an (empty) position");
    let nobody = anchor_lang::prelude::Pubkey::new_unique();
    let error = dlex_sdk::health::fetch(&mut f.bank, keys.pair, nobody).await.err().unwrap();
    assert!(error.contains("has no position"), "{error}");
}

/// The SDK's full-repayment quotes clear X and L debt exactly, with nothing overpaid, after
/// interest has made the debt an odd amount.
#[tokio::test]
async fn repay_all_quotes_clear_the_debt_without_overpaying() {
    let (mut f, _lp, trader) = Fixture::with_pool(Flavor::SplToken).await;
    let borrower = f.user().await;
    let keys = f.keys;
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, 2_000_000_000, 0)], &[&borrower.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, 20_000_000)], &[&borrower.keypair]).await.unwrap();
    f.bank.send(&[ix::borrow_liquidity(&keys, &borrower.tokens, 30_000_000, 0, 0)], &[&borrower.keypair]).await.unwrap();
    f.bank.warp_seconds(97 * 86_400 + 13);

    let (pair, position) = (f.pair().await, f.position(&borrower).await);
    let owed_x = dlex_sdk::quote::repay_all(&pair, &position, f.bank.now(), Asset::X).unwrap();
    assert!(owed_x > 20_010_000, "interest accrued: {owed_x}");
    let events = f.bank.send_with_events(&[ix::repay(&keys, &borrower.tokens, Asset::X, owed_x)], &[&borrower.keypair]).await.unwrap();
    let repaid: Repaid = decode_event(&events[0]).expect("Repaid event");
    assert_eq!(repaid.amount, owed_x);
    assert_eq!(f.position(&borrower).await.share_balance(TokenKind::BorrowX), 0);

    let (pair, position) = (f.pair().await, f.position(&borrower).await);
    let all = dlex_sdk::quote::repay_liquidity(&pair, &position, f.bank.now(), u128::MAX).unwrap();
    let (x, y) = (all.flows.x_in, all.flows.y_in);
    let start = f.balances(&borrower).await;
    f.bank.send(&[ix::repay_liquidity(&keys, &borrower.tokens, u128::MAX, x, y)], &[&borrower.keypair]).await.unwrap();
    assert_eq!(f.balances(&borrower).await, (start.0 - x, start.1 - y));
    assert_eq!(f.position(&borrower).await.share_balance(TokenKind::BorrowL), 0);
    f.assert_conservation().await;
}
