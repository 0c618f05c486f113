//! The keeper (`dlex-keeper`'s library) on the in-process bank: it finds every position, judges
//! them with the program's own risk code, and liquidates the ones a price move made
//! liquidatable, through real transactions.
//!
//! The scene (as `liquidation.rs`): a pool of 1e9 X / 4e9 Y, an X lender, two borrowers of
//! 30e6 X against 400e6 Y each, a careful borrower of 5e6 X against 400e6 Y, and a Y borrower
//! against X; then 3e9 Y are sold and the oracle ticks for a window, which makes the two
//! 30e6 X borrowers hard-liquidatable and leaves the others healthy. (After a 2.5e9 shock
//! they are liquidatable too, but at a maximum premium of about 1%: valued at the pool's own
//! price, which sits inside the range the premium is measured on with the borrower's prices,
//! the seized Y is worth less than the X repaid, and the keeper reports `unprofitable`.)

use std::collections::BTreeMap;

use dlex::actions::{Asset, SwapDirection};
use dlex::state::TokenKind;
use dlex_keeper::{Config, Keeper, RoundReport, Status};
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::{health, liquidation, pda};
use dlex_tests::*;
use solana_sdk::signer::Signer;

const SHOCK_Y: u64 = 3_000_000_000;

struct Scene {
    f: Fixture,
    trader: User,
    risky: [User; 2],
    careful: User,
    y_borrower: User,
    keeper_user: User,
}

async fn scene(flavor: Flavor) -> Scene {
    let (mut f, _lp, trader) = Fixture::with_pool(flavor).await;
    let keys = f.keys;
    let lender = f.user().await;
    f.bank.send(&[ix::deposit(&keys, &lender.tokens, Asset::X, 500_000_000, 0)], &[&lender.keypair]).await.unwrap();
    let risky = [f.user().await, f.user().await];
    let careful = f.user().await;
    let y_borrower = f.user().await;
    let keeper_user = f.user().await;
    for user in risky.iter().chain([&careful]) {
        f.bank.send(&[ix::deposit(&keys, &user.tokens, Asset::Y, 400_000_000, 0)], &[&user.keypair]).await.unwrap();
    }
    f.bank.send(&[ix::deposit(&keys, &y_borrower.tokens, Asset::X, 100_000_000, 0)], &[&y_borrower.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    for (user, amount) in [(&risky[0], 30_000_000), (&risky[1], 30_000_000), (&careful, 5_000_000)] {
        f.bank.send(&[ix::borrow(&keys, &user.tokens, Asset::X, amount)], &[&user.keypair]).await.unwrap();
    }
    f.bank.send(&[ix::borrow(&keys, &y_borrower.tokens, Asset::Y, 100_000_000)], &[&y_borrower.keypair]).await.unwrap();
    Scene { f, trader, risky, careful, y_borrower, keeper_user }
}

impl Scene {
    async fn shock(&mut self) {
        let swap = ix::swap_exact_in(&self.f.keys, &self.trader.tokens, SwapDirection::YToX, SHOCK_Y, 0);
        self.f.bank.send(&[swap], &[&self.trader.keypair]).await.unwrap();
        self.f.fill_price_window(&self.trader).await;
    }

    /// A keeper signing as `user`, repaying from `user`'s token accounts.
    fn keeper(&self, user: &User, config: Config) -> Keeper {
        let token_accounts = BTreeMap::from([(self.f.keys.pair, user.tokens)]);
        Keeper::new(user.keypair.insecure_clone(), Config { token_accounts, ..config })
    }

    async fn report(&mut self, user: &User) -> dlex::queries::PositionReport {
        let (pair, position) = (self.f.pair().await, self.f.position(user).await);
        health::position_report(&pair, &position, self.f.bank.now()).unwrap()
    }

    async fn liquidatable(&mut self, user: &User) -> bool {
        let report = self.report(user).await;
        report.hard_liquidatable || report.leverage_liquidatable || report.debt_cap_liquidatable
    }
}

fn statuses(report: &RoundReport) -> Vec<(String, Status)> {
    report.attempts.iter().map(|a| (a.owner.clone(), a.status)).collect()
}

fn sum(report: &RoundReport, field: impl Fn(&dlex_keeper::Attempt) -> &String) -> u64 {
    report.attempts.iter().filter(|a| a.status == Status::Sent).map(|a| field(a).parse::<u64>().unwrap()).sum()
}

/// After the shock, one round liquidates exactly the two risky borrowers (most profitable
/// first), pays exactly what its plans said, takes the seized Y deposit shares into its own
/// position, and leaves the careful X borrower and the Y borrower alone. The next round
/// reads only what changed and finds nothing left to do.
async fn keeper_liquidates_what_the_shock_made_liquidatable(flavor: Flavor) {
    let mut s = scene(flavor).await;
    let mut keeper = s.keeper(&s.keeper_user, Config::default());
    let healthy_round = keeper.round(&mut s.f.bank).await.unwrap();
    assert!(healthy_round.full_scan);
    assert_eq!((healthy_round.liquidatable, healthy_round.sent), (0, 0), "{healthy_round:?}");
    assert!(healthy_round.positions_scanned >= 7, "every position of the pair is scanned: {healthy_round:?}");

    s.shock().await;
    let (careful_before, y_borrower_before) = (s.f.position(&s.careful).await, s.f.position(&s.y_borrower).await);
    let keeper_user = s.keeper_user.insecure_clone();
    let tokens_before = s.f.balances(&keeper_user).await;
    let own_before = s.f.position(&keeper_user).await;
    let risky_before = [s.f.position(&s.risky[0]).await, s.f.position(&s.risky[1]).await];
    assert!(s.liquidatable(&s.risky[0].insecure_clone()).await && s.liquidatable(&s.risky[1].insecure_clone()).await);

    let report = keeper.round(&mut s.f.bank).await.unwrap();
    assert!(!report.full_scan, "the second round reads the changed accounts only");
    let mut sent: Vec<String> = report.attempts.iter().filter(|a| a.status == Status::Sent).map(|a| a.owner.clone()).collect();
    sent.sort();
    let mut risky: Vec<String> = s.risky.iter().map(|u| u.pubkey().to_string()).collect();
    risky.sort();
    assert_eq!(sent, risky, "{:?}", statuses(&report));
    assert_eq!((report.liquidatable, report.sent, report.failed), (2, 2, 0));
    assert!(report.attempts.iter().all(|a| a.kind == "hard"));
    // Every kind the positions allow was quoted; the one sent is the most profitable.
    for attempt in &report.attempts {
        assert_eq!(attempt.options.get("hard"), Some(&attempt.profit_x));
        assert!(attempt.options.values().all(|profit| profit.parse::<i128>().unwrap() <= attempt.profit_x.parse::<i128>().unwrap()));
    }
    let profits: Vec<i128> = report.attempts.iter().map(|a| a.profit_x.parse().unwrap()).collect();
    assert!(profits.windows(2).all(|w| w[0] >= w[1]) && profits.iter().all(|&p| p > 0), "most profitable first: {profits:?}");

    // Exactly the planned tokens left the keeper; the seized Y shares moved into its position.
    let paid_x = sum(&report, |a| &a.paid[0]);
    let paid_y = sum(&report, |a| &a.paid[1]);
    assert_eq!(s.f.balances(&keeper_user).await, (tokens_before.0 - paid_x, tokens_before.1 - paid_y));
    let own_after = s.f.position(&keeper_user).await;
    let mut seized_shares = 0;
    for (user, before) in s.risky.iter().zip(risky_before) {
        let after = s.f.position(user).await;
        seized_shares += before.share_balance(TokenKind::DepositY) - after.share_balance(TokenKind::DepositY);
        assert!(after.share_balance(TokenKind::BorrowX) < before.share_balance(TokenKind::BorrowX));
    }
    assert_eq!(own_after.share_balance(TokenKind::DepositY), own_before.share_balance(TokenKind::DepositY) + seized_shares);
    assert!(seized_shares > 0);
    let careful = s.careful.insecure_clone();
    let y_borrower = s.y_borrower.insecure_clone();
    assert_eq!(bytemuck::bytes_of(&s.f.position(&careful).await), bytemuck::bytes_of(&careful_before), "the careful borrower is left alone");
    assert_eq!(bytemuck::bytes_of(&s.f.position(&y_borrower).await), bytemuck::bytes_of(&y_borrower_before), "the Y borrower is left alone");
    s.f.assert_conservation().await;

    let after = keeper.round(&mut s.f.bank).await.unwrap();
    assert_eq!((after.liquidatable, after.sent, after.failed), (0, 0, 0), "{:?}", statuses(&after));
}

#[tokio::test]
async fn keeper_liquidates_what_the_shock_made_liquidatable_spl() {
    keeper_liquidates_what_the_shock_made_liquidatable(Flavor::SplToken).await;
}

#[tokio::test]
async fn keeper_liquidates_what_the_shock_made_liquidatable_token_2022() {
    keeper_liquidates_what_the_shock_made_liquidatable(Flavor::Token2022).await;
}

/// `--dry-run`: the keeper says what it would send and sends nothing.
#[tokio::test]
async fn a_dry_run_sends_nothing() {
    let mut s = scene(Flavor::SplToken).await;
    s.shock().await;
    let mut keeper = s.keeper(&s.keeper_user, Config { dry_run: true, ..Config::default() });
    let users = [&s.risky[0], &s.risky[1], &s.careful, &s.y_borrower, &s.keeper_user].map(User::insecure_clone);
    let before = s.f.snapshot(&users.iter().collect::<Vec<_>>()).await;
    let report = keeper.round(&mut s.f.bank).await.unwrap();
    assert_eq!(report.sent, 0);
    assert_eq!(report.attempts.iter().filter(|a| a.status == Status::WouldSend).count(), 2, "{:#?}", report.attempts);
    assert!(report.attempts.iter().all(|a| a.kind == "hard" && a.profit_x.parse::<i128>().unwrap() > 0));
    assert_eq!(s.f.snapshot(&users.iter().collect::<Vec<_>>()).await, before, "a dry run changes nothing");
}

/// A keeper whose token accounts are empty fails to repay: each position is backed off for
/// 2, then 4, then 8 rounds (never retried in a tight loop), and liquidated once the keeper
/// is funded and its back-off has run out.
#[tokio::test]
async fn a_failing_liquidation_is_retried_with_back_off() {
    let mut s = scene(Flavor::SplToken).await;
    s.shock().await;
    let keys = s.f.keys;
    let program = s.f.flavor.program();
    let broke = s.f.bank.new_funded_keypair(10_000_000_000).await;
    let tokens = UserTokens {
        owner: broke.pubkey(),
        token_x: s.f.bank.create_token_account(keys.mint_x, broke.pubkey(), program).await,
        token_y: s.f.bank.create_token_account(keys.mint_y, broke.pubkey(), program).await,
    };
    let broke_user = User { keypair: broke, tokens };
    let mut keeper = s.keeper(&broke_user, Config::default());
    let target = s.risky[0].pubkey().to_string();
    let mut history = Vec::new();
    for _ in 0..7 {
        let report = keeper.round(&mut s.f.bank).await.unwrap();
        let attempt = report.attempts.iter().find(|a| a.owner == target).expect("the risky borrower is a candidate every round");
        history.push((attempt.status, attempt.retry_in_rounds));
    }
    use Status::{BackingOff, Failed};
    assert_eq!(
        history,
        vec![
            (Failed, Some(2)),
            (BackingOff, Some(1)),
            (Failed, Some(4)),
            (BackingOff, Some(3)),
            (BackingOff, Some(2)),
            (BackingOff, Some(1)),
            (Failed, Some(8)),
        ]
    );
    s.f.bank.mint_to(keys.mint_x, tokens.token_x, 1_000_000_000, program).await;
    let mut statuses_after_funding = Vec::new();
    for _ in 0..8 {
        let report = keeper.round(&mut s.f.bank).await.unwrap();
        if let Some(attempt) = report.attempts.iter().find(|a| a.owner == target) {
            statuses_after_funding.push(attempt.status);
        }
    }
    assert_eq!(statuses_after_funding, vec![BackingOff; 7].into_iter().chain([Status::Sent]).collect::<Vec<_>>());
    assert!(!s.liquidatable(&s.risky[0].insecure_clone()).await);
}

/// Another liquidator takes a position between the keeper's evaluation and its send: the
/// keeper re-reads it, finds nothing to do, reports it `taken` without backing it off, and
/// still liquidates the other one.
#[tokio::test]
async fn a_position_another_liquidator_took_first_is_skipped_cleanly() {
    let mut s = scene(Flavor::SplToken).await;
    s.shock().await;
    let keeper_user = s.keeper_user.insecure_clone();
    let mut keeper = s.keeper(&keeper_user, Config::default());
    keeper.refresh(&mut s.f.bank).await.unwrap();
    let now = s.f.bank.now();
    let evaluation = keeper.evaluate(now);
    assert_eq!(evaluation.candidates.len(), 2);

    let rival = s.f.user().await;
    let first = s.risky[0].insecure_clone();
    let report = s.report(&first).await;
    let request = liquidation::request_for(&report).unwrap();
    s.f.bank.send(&[ix::liquidate(&s.f.keys, &rival.tokens, first.pubkey(), request, u64::MAX, u64::MAX)], &[&rival.keypair]).await.unwrap();
    let tokens_before = s.f.balances(&keeper_user).await;

    let mut round = RoundReport::default();
    keeper.execute(&mut s.f.bank, evaluation.candidates, now, &mut round).await;
    let status_of = |owner: String| round.attempts.iter().find(|a| a.owner == owner).map(|a| (a.status, a.retry_in_rounds));
    assert_eq!(status_of(first.pubkey().to_string()), Some((Status::Taken, None)));
    assert_eq!(status_of(s.risky[1].pubkey().to_string()).map(|(status, _)| status), Some(Status::Sent));
    let paid_x = sum(&round, |a| &a.paid[0]);
    assert_eq!(s.f.balances(&keeper_user).await.0, tokens_before.0 - paid_x, "it paid for the second one only");
    let next = keeper.round(&mut s.f.bank).await.unwrap();
    assert!(next.attempts.iter().all(|a| a.status != Status::BackingOff), "taken is not a failure: {:?}", statuses(&next));
}

/// The keeper's verdict equals the on-chain `position_health` query's (run through a real
/// simulated transaction) for every position of a pool with many random borrowers, at
/// several prices and after interest: the same kinds, the same premiums.
#[tokio::test]
async fn the_keepers_verdict_equals_the_health_query() {
    let (mut f, lp, trader) = Fixture::with_pool(Flavor::SplToken).await;
    let keys = f.keys;
    f.bank.send(&[ix::mint(&keys, &lp.tokens, 9_000_000_000, 36_000_000_000, 0)], &[&lp.keypair]).await.unwrap();
    let lender = f.user().await;
    let supply = [ix::deposit(&keys, &lender.tokens, Asset::X, 3_000_000_000, 0), ix::deposit(&keys, &lender.tokens, Asset::Y, 6_000_000_000, 0)];
    f.bank.send(&supply, &[&lender.keypair]).await.unwrap();
    f.fill_price_window(&trader).await;
    // A fixed-seed generator: the same positions every run.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |bound: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % bound
    };
    let mut borrowers = Vec::new();
    for i in 0..24 {
        let user = f.user().await;
        let (collateral, debt) = if i % 3 == 2 { (Asset::X, Asset::Y) } else { (Asset::Y, Asset::X) };
        let deposit = 50_000_000 + next(300_000_000);
        f.bank.send(&[ix::deposit(&keys, &user.tokens, collateral, deposit, 0)], &[&user.keypair]).await.unwrap();
        let limit = match debt {
            Asset::X => f.limits(&user).await.max_borrow_x,
            _ => f.limits(&user).await.max_borrow_y,
        };
        let amount = u64::try_from(u128::from(limit) * u128::from(40 + next(60)) / 100).unwrap();
        if amount > 0 {
            f.bank.send(&[ix::borrow(&keys, &user.tokens, debt, amount)], &[&user.keypair]).await.unwrap();
        }
        borrowers.push(user);
    }
    let keeper_user = f.user().await;
    let mut keeper = Keeper::new(keeper_user.keypair.insecure_clone(), Config::default());
    let mut liquidatable_seen = 0;
    for (shock_y, days) in [(0u64, 0i64), (4_000_000_000, 30), (10_000_000_000, 200)] {
        if shock_y > 0 {
            f.bank.send(&[ix::swap_exact_in(&keys, &trader.tokens, SwapDirection::YToX, shock_y, 0)], &[&trader.keypair]).await.unwrap();
            f.fill_price_window(&trader).await;
        }
        f.bank.warp_seconds(days * 86_400);
        keeper.refresh(&mut f.bank).await.unwrap();
        let evaluation = keeper.evaluate(f.bank.now());
        assert!(evaluation.errors.is_empty(), "{:?}", evaluation.errors);
        for user in &borrowers {
            let address = pda::position(keys.pair, user.pubkey());
            let data = f.bank.simulate_return_data(&[ix::position_health(keys.pair, user.pubkey())], &[]).await.unwrap();
            let query = health::decode_report(&data).unwrap();
            let keeper_verdict = evaluation.candidates.iter().find(|c| c.position == address).map(|c| c.chances).unwrap_or_default();
            assert_eq!(
                (keeper_verdict.hard_max_premium_bips, keeper_verdict.leverage, keeper_verdict.debt_cap_premium_bips),
                (query.hard_max_premium_bips, query.leverage_liquidatable, query.debt_cap_premium_bips),
                "position of {} after a shock of {shock_y} Y and {days} days",
                user.pubkey()
            );
            assert_eq!(query.hard_liquidatable, query.hard_max_premium_bips > 0);
            liquidatable_seen += usize::from(keeper_verdict.any());
        }
    }
    assert!(liquidatable_seen >= 5, "the scenes include liquidatable positions ({liquidatable_seen})");
}
