//! Liquidations through real transactions (spec §11), for an SPL Token and a Token-2022
//! pair: a partial then a whole hard liquidation, a hard liquidation into bad debt whose
//! write-off is checked to the unit for the LPs and the X lender, a leverage liquidation with
//! the formula's amounts, and every refusal leaving nothing changed.
//!
//! The scene: a pool of 1e9 X / 4e9 Y; a borrower deposits 400e6 Y and borrows 30e6 X; a
//! trader then sells Y (the "shock") and keeps the oracle ticking for one window, so the
//! liquidation range (mid-term TWAP, no long-term) follows the price down.

use dlex::actions::{Asset, HardLiquidationProposal, LiquidationRequest, SwapDirection};
use dlex::events::{BadDebtBurned, Liquidated};
use dlex::risk::LiquidationKind;
use dlex::state::{Pool, Rounding, Shares, TokenKind};
use dlex_sdk::bank::decode_event;
use dlex_sdk::{health, ix, liquidation};
use dlex_tests::*;

const DEPOSIT_Y: u64 = 400_000_000;
const BORROW_X: u64 = 30_000_000;
/// Y sold by the shock: the position enters the premium zone (max premium just above 1e4).
const SHOCK_PREMIUM: u64 = 2_500_000_000;
/// Enough that the maximum premium passes 11_111 bips: bad debt if every deposit is taken.
const SHOCK_BAD_DEBT: u64 = 3_500_000_000;
/// Enough that the position's debt passes 99% of its deposits at the mid price: leverage.
const SHOCK_LEVERAGE: u64 = 4_000_000_000;

struct Scene {
    f: Fixture,
    lp: User,
    trader: User,
    lender: User,
    borrower: User,
    liquidator: User,
}

/// The scene before any shock; an X lender supplies 500e6 X so bad debt has lenders to share.
async fn indebted(flavor: Flavor) -> Scene {
    let (mut f, lp, trader) = Fixture::with_pool(flavor).await;
    let lender = f.user().await;
    let borrower = f.user().await;
    let liquidator = f.user().await;
    let keys = f.keys;
    f.bank.send(&[ix::deposit(&keys, &lender.tokens, Asset::X, 500_000_000, 0)], &[&lender.keypair]).await.unwrap();
    f.bank.send(&[ix::deposit(&keys, &borrower.tokens, Asset::Y, DEPOSIT_Y, 0)], &[&borrower.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    f.bank.send(&[ix::borrow(&keys, &borrower.tokens, Asset::X, BORROW_X)], &[&borrower.keypair]).await.unwrap();
    Scene { f, lp, trader, lender, borrower, liquidator }
}

impl Scene {
    async fn shock(&mut self, y_in: u64) {
        let keys = self.f.keys;
        let swap = ix::swap_exact_in(&keys, &self.trader.tokens, SwapDirection::YToX, y_in, 0);
        self.f.bank.send(&[swap], &[&self.trader.keypair]).await.unwrap();
        self.f.fill_price_window(&self.trader).await;
    }

    /// The pair's pool as the next instruction sees it: interest accrued to now (swaps accrue
    /// at most daily, so the stored totals lag).
    async fn accrued_pool(&mut self) -> Pool {
        let pair = self.f.pair().await;
        dlex_sdk::quote::pool_at(&pair, self.f.bank.now()).expect("accrual").1
    }

    async fn report(&mut self) -> dlex::queries::PositionReport {
        let pair = self.f.pair().await;
        let position = self.f.position(&self.borrower).await;
        health::position_report(&pair, &position, self.f.bank.now()).unwrap()
    }

    /// The SDK's quote of `request` now.
    async fn quote(&mut self, request: LiquidationRequest) -> dlex::actions::LiquidationOutcome {
        let pair = self.f.pair().await;
        let borrower = self.f.position(&self.borrower).await;
        let liquidator = self.f.position(&self.liquidator).await;
        liquidation::quote(&pair, &borrower, &liquidator, self.f.bank.now(), request).expect("quote")
    }

    fn liquidate_ix(&self, request: LiquidationRequest) -> solana_sdk::instruction::Instruction {
        ix::liquidate(&self.f.keys, &self.liquidator.tokens, self.borrower.pubkey(), request, u64::MAX, u64::MAX)
    }

    /// Sends `request`, returning its events.
    async fn liquidate(&mut self, request: LiquidationRequest) -> (Liquidated, Option<BadDebtBurned>) {
        let instruction = self.liquidate_ix(request);
        let events = self.f.bank.send_with_events(&[instruction], &[&self.liquidator.keypair]).await.expect("liquidate");
        let liquidated: Liquidated = decode_event(&events[0]).expect("Liquidated event");
        let burned = events.get(1).map(|data| decode_event::<BadDebtBurned>(data).expect("BadDebtBurned event"));
        (liquidated, burned)
    }

    async fn refused(&mut self, request: LiquidationRequest, error: DlexError) {
        let instruction = self.liquidate_ix(request);
        self.refused_ix(instruction, error).await;
    }

    async fn refused_ix(&mut self, instruction: solana_sdk::instruction::Instruction, error: DlexError) {
        let users = [&self.borrower, &self.liquidator];
        let before = self.f.snapshot(&users).await;
        let result = self.f.bank.send(&[instruction], &[&self.liquidator.keypair]).await;
        assert_dlex_error(result, error);
        let users = [&self.borrower, &self.liquidator];
        assert_eq!(self.f.snapshot(&users).await, before, "a refused liquidation changes nothing");
    }
}

fn hard(repay_x: u64, seize_y: u128) -> LiquidationRequest {
    LiquidationRequest::Hard(HardLiquidationProposal { repay_x, seize_y, ..Default::default() })
}

fn shares(position: &dlex::state::Position, kind: TokenKind) -> u128 {
    position.share_balance(kind)
}

/// `ceil(a·b/c)`.
fn mul_div_ceil(a: u128, b: u128, c: u128) -> u128 {
    (dlex::math::U256::from(a) * dlex::math::U256::from(b)).div_ceil(dlex::math::U256::from(c)).to::<u128>()
}

/// Every movement of a liquidation, checked against the state before it: the liquidator's
/// tokens paid exactly the repaid X, the borrower's tokens did not move, debt and deposit
/// shares moved exactly, and the vaults still hold reserve + deposits − borrows.
async fn assert_moves(s: &mut Scene, before: &Pool, event: &Liquidated, liquidator_tokens: (u64, u64), borrower_tokens: (u64, u64)) {
    assert_eq!(s.f.balances(&s.liquidator).await, (liquidator_tokens.0 - event.paid_x, liquidator_tokens.1 - event.paid_y));
    assert_eq!(s.f.balances(&s.borrower).await, borrower_tokens, "the borrower's tokens never move");
    let after = s.f.pair().await.pool();
    // Without bad debt the X debt total falls by exactly what was repaid.
    if !event.bad_debt {
        assert_eq!(after.assets[TokenKind::BorrowX as usize], before.assets[TokenKind::BorrowX as usize] - event.repaid_x);
    }
    // Deposit-Y shares only changed hands.
    assert_eq!(after.shares[TokenKind::DepositY as usize], before.shares[TokenKind::DepositY as usize]);
    s.f.assert_conservation().await;
}

async fn hard_partial_then_whole(flavor: Flavor) {
    let mut s = indebted(flavor).await;

    // Healthy: no premium, nothing to liquidate.
    s.refused(hard(1_000_000, 1_000_000), DlexError::PositionNotLiquidatable).await;
    s.refused(LiquidationRequest::Leverage, DlexError::LiquidationZeroPremium).await;

    s.shock(SHOCK_PREMIUM).await;
    let report = s.report().await;
    assert!(report.hard_liquidatable && !report.leverage_liquidatable);
    assert_eq!(report.hard_max_premium_bips, 10_091);
    // The whole plan: every X repaid, 293_684_657 Y seized (premium exactly at the maximum).
    assert_eq!(report.hard_plan.repaid, [0, 30_015_000, 0]);
    assert_eq!(report.hard_plan.seized, [0, 0, 293_684_657]);

    // Over-seizing (twice the plan's Y for a third of the debt) and an empty proposal.
    s.refused(hard(10_000_000, 195_789_778), DlexError::LiquidationPremiumTooHigh).await;
    s.refused(hard(0, 0), DlexError::EmptyLiquidation).await;
    s.refused(hard(0, 1_000), DlexError::LiquidationPremiumTooHigh).await;
    // The borrower holds no X deposit and owes no Y.
    let seize_x = LiquidationRequest::Hard(HardLiquidationProposal { repay_x: 10_000_000, seize_x: 1, ..Default::default() });
    s.refused(seize_x, DlexError::NothingToSeize).await;
    let repay_y = LiquidationRequest::Hard(HardLiquidationProposal { repay_y: 1, ..Default::default() });
    s.refused(repay_y, DlexError::NothingToRepay).await;
    // Slippage bound on the tokens pulled, and the borrower liquidating itself.
    let keys = s.f.keys;
    let bounded = ix::liquidate(&keys, &s.liquidator.tokens, s.borrower.pubkey(), hard(10_000_000, 1_000), 9_999_999, 0);
    s.refused_ix(bounded, DlexError::SlippageAmountIn).await;
    let own = ix::liquidate(&keys, &s.borrower.tokens, s.borrower.pubkey(), hard(10_000_000, 1_000), u64::MAX, u64::MAX);
    let before = s.f.snapshot(&[&s.borrower]).await;
    assert_dlex_error(s.f.bank.send(&[own], &[&s.borrower.keypair]).await, DlexError::SelfLiquidation);
    assert_eq!(s.f.snapshot(&[&s.borrower]).await, before);

    // A partial liquidation: a third of the plan. 10_005_000 X offered burns
    // ceil(offered·S/A) debt shares and pulls ceil(shares·A/S) X; the Y seized is a third of
    // the plan's, rounded down.
    let pool = s.accrued_pool().await;
    let (debt_assets, debt_shares) = (pool.assets[TokenKind::BorrowX as usize], pool.shares[TokenKind::BorrowX as usize]);
    let burned = mul_div_ceil(10_005_000, debt_shares, debt_assets);
    let pulled = mul_div_ceil(burned, debt_assets, debt_shares);
    let seize_y = 293_684_657u128 / 3;
    let quoted = s.quote(hard(10_005_000, seize_y)).await;
    let (liquidator_tokens, borrower_tokens) = (s.f.balances(&s.liquidator).await, s.f.balances(&s.borrower).await);
    let position_before = s.f.position(&s.borrower).await;
    let (event, burned_event) = s.liquidate(hard(10_005_000, seize_y)).await;
    assert!(burned_event.is_none());
    assert_eq!(event.kind, LiquidationKind::Hard);
    assert_eq!((event.repaid_x, u128::from(event.paid_x), event.seized_y), (pulled, pulled, seize_y));
    assert_eq!((event.repaid_l, event.repaid_y, event.seized_l, event.seized_x), (0, 0, 0, 0));
    assert_eq!((event.premium_bips, event.max_premium_bips, event.bad_debt), (quoted.verdict.premium_bips, 10_091, false));
    assert!(event.premium_bips <= 10_091);
    assert_eq!([event.repaid_l, event.repaid_x, event.repaid_y], quoted.repaid, "the SDK quote is what the program did");
    assert_moves(&mut s, &pool, &event, liquidator_tokens, borrower_tokens).await;
    // Deposit-Y shares: ceil(seized·S/A) moved from the borrower to the liquidator.
    let moved = mul_div_ceil(seize_y, pool.shares[TokenKind::DepositY as usize], pool.assets[TokenKind::DepositY as usize]);
    let (borrower_after, liquidator_after) = (s.f.position(&s.borrower).await, s.f.position(&s.liquidator).await);
    assert_eq!(shares(&borrower_after, TokenKind::DepositY), shares(&position_before, TokenKind::DepositY) - moved);
    assert_eq!(shares(&liquidator_after, TokenKind::DepositY), moved);
    assert_eq!(shares(&borrower_after, TokenKind::BorrowX), shares(&position_before, TokenKind::BorrowX) - burned);
    // The borrower's LTV did not rise.
    let report_after = s.report().await;
    assert!(report_after.ltv_bips <= report.ltv_bips);

    // The rest, as the SDK plans it: every remaining debt repaid, the largest Y within the
    // premium seized; the borrower keeps the remainder and owes nothing.
    let request = liquidation::request_for(&report_after).expect("still liquidatable");
    let quoted = s.quote(request).await;
    let pair = s.f.pair().await;
    let pool = s.accrued_pool().await;
    let (liquidator_tokens, borrower_tokens) = (s.f.balances(&s.liquidator).await, s.f.balances(&s.borrower).await);
    let remaining_debt = dlex_sdk::quote::repay_all(&pair, &s.f.position(&s.borrower).await, s.f.bank.now(), Asset::X).unwrap();
    let (event, _) = s.liquidate(request).await;
    assert_eq!(event.paid_x, remaining_debt, "the whole remaining debt, not a unit more");
    assert_eq!([event.seized_l, event.seized_x, event.seized_y], quoted.seized);
    assert!(event.premium_bips <= event.max_premium_bips);
    assert_moves(&mut s, &pool, &event, liquidator_tokens, borrower_tokens).await;
    let borrower_after = s.f.position(&s.borrower).await;
    assert_eq!(shares(&borrower_after, TokenKind::BorrowX), 0);
    assert!(shares(&borrower_after, TokenKind::DepositY) > 0, "the borrower keeps what was not seized");
    s.refused(hard(1, 1), DlexError::NothingToLiquidate).await;
}

#[tokio::test]
async fn hard_liquidation_partial_then_whole_spl() {
    hard_partial_then_whole(Flavor::SplToken).await;
}

#[tokio::test]
async fn hard_liquidation_partial_then_whole_token_2022() {
    hard_partial_then_whole(Flavor::Token2022).await;
}

/// Bad debt: with the maximum premium above 11_111 bips, a liquidator that takes every
/// deposit repays only what the premium allows, and the rest of the X debt is written off:
/// `floor(bad·rX/(DX + rX))` from the reserve (the LPs' L shrinks) and the rest from the X
/// lenders' deposits, each checked to the unit.
async fn bad_debt_socialized(flavor: Flavor) {
    let mut s = indebted(flavor).await;
    s.shock(SHOCK_BAD_DEBT).await;
    let report = s.report().await;
    assert!(report.hard_plan.bad_debt);
    assert_eq!(report.hard_max_premium_bips, 11_534);

    // A partial proposal whose premium (≈ 11_200) is within the maximum but above the
    // position's collateral/debt ratio would raise its LTV: refused.
    let repay = 10_000_000u64;
    let seize_y = 400_000_000u128 * u128::from(repay) / 28_620_580 * 11_200 / 11_534;
    s.refused(hard(repay, seize_y), DlexError::NotEnoughRepaidForLiquidation).await;

    let request = liquidation::request_for(&report).expect("liquidatable");
    let LiquidationRequest::Hard(proposal) = request else { panic!("hard expected") };
    assert_eq!((proposal.repay_x, proposal.seize_y), (28_620_579, u128::MAX), "minimal repayment, every deposit");

    let pool = s.accrued_pool().await;
    let borrower_before = s.f.position(&s.borrower).await;
    let lender_shares = shares(&s.f.position(&s.lender).await, TokenKind::DepositX);
    let lender_value = |pool: &dlex::state::Pool| pool.to_assets(TokenKind::DepositX, Shares(lender_shares), Rounding::Down).unwrap().0;
    let lp_shares = shares(&s.f.position(&s.lp).await, TokenKind::DepositL);
    let lp_value = |pool: &dlex::state::Pool| pool.to_assets(TokenKind::DepositL, Shares(lp_shares), Rounding::Down).unwrap().0;
    let (lender_before, lp_before) = (lender_value(&pool), lp_value(&pool));
    let (liquidator_tokens, borrower_tokens) = (s.f.balances(&s.liquidator).await, s.f.balances(&s.borrower).await);

    let (event, burned) = s.liquidate(request).await;
    let burned = burned.expect("BadDebtBurned event");
    assert!(event.bad_debt);
    assert_eq!((event.seized_y, event.premium_bips, event.max_premium_bips), (u128::from(DEPOSIT_Y), 11_534, 11_534));

    // The repayment: ceil(offered·S/A) shares for ceil(shares·A/S) X.
    let (a, sh) = (pool.assets[TokenKind::BorrowX as usize], pool.shares[TokenKind::BorrowX as usize]);
    let repaid_shares = mul_div_ceil(28_620_579, sh, a);
    let repaid = mul_div_ceil(repaid_shares, a, sh);
    assert_eq!(event.repaid_x, repaid);
    // The bad debt: the borrower's remaining shares at floor assets of what is left.
    let remaining_shares = shares(&borrower_before, TokenKind::BorrowX) - repaid_shares;
    let bad = remaining_shares * (a - repaid) / (sh - repaid_shares);
    assert_eq!(burned.debt_x, bad);
    assert_eq!((burned.debt_l, burned.debt_y), (0, 0));
    let (reserve_x, deposit_x) = (pool.reserve_x.0, pool.assets[TokenKind::DepositX as usize]);
    let from_reserve = bad * reserve_x / (deposit_x + reserve_x);
    assert_eq!((burned.from_reserve_x, burned.from_deposits_x), (from_reserve, bad - from_reserve));
    assert_eq!((burned.from_reserve_y, burned.from_deposits_y), (0, 0));

    let after = s.f.pair().await;
    let after_pool = after.pool();
    assert_eq!(after_pool.reserve_x.0, reserve_x - from_reserve, "the LPs' reserve bears its share");
    assert_eq!(after_pool.reserve_y.0, pool.reserve_y.0);
    assert_eq!(after_pool.assets[TokenKind::DepositX as usize], deposit_x - (bad - from_reserve), "the lenders bear the rest");
    assert_eq!(after_pool.assets[TokenKind::BorrowX as usize], a - repaid - bad);
    // To the unit: the lender's X claim falls by its pro-rata share of the lenders' part.
    let lender_after = lender_value(&after_pool);
    assert_eq!(lender_after, lender_shares * (deposit_x - (bad - from_reserve)) / pool.shares[TokenKind::DepositX as usize]);
    assert!(lender_after < lender_before);
    // The LP's L claim shrinks with the reserve: DEPOSIT_L is active liquidity + borrowed L.
    let active_after = dlex::math::depletion_adjusted_active_liquidity(after_pool.reserve_x.0, after_pool.reserve_y.0, after_pool.missing_x(), after_pool.missing_y());
    assert_eq!(lp_value(&after_pool), lp_shares * active_after / after_pool.shares[TokenKind::DepositL as usize]);
    assert!(lp_value(&after_pool) < lp_before);

    let borrower_after = s.f.position(&s.borrower).await;
    assert!(borrower_after.is_empty(), "nothing is left of the borrower's position");
    assert_eq!(shares(&s.f.position(&s.liquidator).await, TokenKind::DepositY), shares(&borrower_before, TokenKind::DepositY));
    assert_moves(&mut s, &pool, &event, liquidator_tokens, borrower_tokens).await;
}

#[tokio::test]
async fn bad_debt_is_socialized_to_the_unit_spl() {
    bad_debt_socialized(Flavor::SplToken).await;
}

#[tokio::test]
async fn bad_debt_is_socialized_to_the_unit_token_2022() {
    bad_debt_socialized(Flavor::Token2022).await;
}

/// Leverage (spec §11.3): the formula fixes every amount; the program repays and seizes
/// exactly those, and burns the rest of the debt when the deposits do not cover it.
async fn leverage(flavor: Flavor) {
    let mut s = indebted(flavor).await;
    s.shock(SHOCK_LEVERAGE).await;
    let report = s.report().await;
    assert!(report.leverage_liquidatable && report.leverage_bad_debt);
    assert_eq!(report.leverage_amounts, [0, 0, 400_000_000, 0, 28_761_383, 0]);
    // The keeper's request picks the kind that pays more: here the hard plan (12_247 bips)
    // beats the formula's premium, so the leverage kind is sent explicitly.
    assert!(liquidation::leverage_premium_bips(&report) < report.hard_plan.premium_bips);
    assert!(matches!(liquidation::request_for(&report), Some(LiquidationRequest::Hard(_))));

    let pool = s.accrued_pool().await;
    let (a, sh) = (pool.assets[TokenKind::BorrowX as usize], pool.shares[TokenKind::BorrowX as usize]);
    let (liquidator_tokens, borrower_tokens) = (s.f.balances(&s.liquidator).await, s.f.balances(&s.borrower).await);
    let (event, burned) = s.liquidate(LiquidationRequest::Leverage).await;
    assert_eq!(event.kind, LiquidationKind::Leverage);
    // The formula's 28_761_383 X, paid as ceil(ceil(x·S/A)·A/S).
    let repaid = mul_div_ceil(mul_div_ceil(28_761_383, sh, a), a, sh);
    assert_eq!((event.repaid_x, u128::from(event.paid_x), event.seized_y), (repaid, repaid, 400_000_000));
    let burned = burned.expect("bad debt");
    assert_eq!(burned.debt_x, a - repaid, "the borrower was the only X borrower: the rest of the X debt is written off");
    assert!(s.f.position(&s.borrower).await.is_empty());
    assert_moves(&mut s, &pool, &event, liquidator_tokens, borrower_tokens).await;
}

#[tokio::test]
async fn leverage_liquidation_spl() {
    leverage(Flavor::SplToken).await;
}

#[tokio::test]
async fn leverage_liquidation_token_2022() {
    leverage(Flavor::Token2022).await;
}

/// Liveness (design §8): pausing new risk, on the pair and globally, never blocks a
/// liquidation.
#[tokio::test]
async fn liquidation_runs_while_new_risk_is_paused() {
    let mut s = indebted(Flavor::SplToken).await;
    s.shock(SHOCK_PREMIUM).await;
    let admin = s.f.bank.payer_pubkey();
    let pair = s.f.keys.pair;
    s.f.bank.send(&[ix::set_pair_new_risk_paused(admin, pair, true), ix::set_new_risk_paused(admin, true)], &[]).await.unwrap();
    let report = s.report().await;
    let (event, _) = s.liquidate(liquidation::request_for(&report).unwrap()).await;
    assert_eq!(event.repaid_x, 30_015_000);
    s.f.assert_conservation().await;
}
