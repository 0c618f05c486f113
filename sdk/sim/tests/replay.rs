//! Self-test 3 of spec §4.5: "interest and fees equal the per-instruction results on a
//! replay". A short seeded (b2) run with lending on is recorded (every swap with its amount
//! and direction, every lending execute with its legs and position, the clock of each), then
//! replayed as real transactions on the in-process bank (`dlex_sdk::bank::Bank`, the SDK's
//! instruction builders, one funded position per simulated position, the clock set to each
//! recorded time). The pair the bank holds afterwards must equal the simulator's pair byte
//! for byte, apart from the fields that name accounts (mints, vaults, token programs, bumps),
//! and `freezable_mints`, which the in-memory pair cannot know; every position must equal its simulated book.
//!
//! The run accrues interest only when an instruction runs (`lending.accrue_every_step =
//! false`): the program has no instruction that only accrues, so the simulator's default
//! per-step accrual has no transaction to replay as. Every swap and execute still accrues
//! first (swaps: observation + daily interest; executes: observation + interest), so all
//! interest and fees of the run go through the replay.

use dlex::state::Pair;
use dlex_sdk::bank::{Bank, TOKEN_PROGRAM};
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::pda;
use dlex_sim::config::{Config, PoolKind};
use dlex_sim::pool::Recorded;
use dlex_sim::run::{initial_amounts, run_recorded};
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;

/// Each user holds this much of each mint (at most 100 users per mint).
const FUNDS: u64 = u64::MAX / 128;

struct User {
    keypair: Keypair,
    tokens: UserTokens,
}

async fn user(bank: &mut Bank, keys: &dlex_sdk::PairKeys) -> User {
    let (keypair, tokens) = bank
        .new_user(keys, FUNDS, FUNDS)
        .await
        .expect("a funded user");
    User { keypair, tokens }
}

fn warp_to(bank: &mut Bank, now: u32) {
    let delta = i64::from(now) - bank.now();
    assert!(delta >= 0, "the recording goes back in time");
    bank.warp_seconds(delta);
}

/// The pair with the fields that name accounts (and describe the mint accounts) replaced by
/// `names`'s.
fn with_names(pair: &Pair, names: &Pair) -> Pair {
    let mut out = *pair;
    out.mint_x = names.mint_x;
    out.mint_y = names.mint_y;
    out.vault_x = names.vault_x;
    out.vault_y = names.vault_y;
    out.token_program_x = names.token_program_x;
    out.token_program_y = names.token_program_y;
    out.bump = names.bump;
    out.vault_x_bump = names.vault_x_bump;
    out.vault_y_bump = names.vault_y_bump;
    // Whether the bank's mints have a freeze authority (the simulated pair has no mints).
    out.freezable_mints = names.freezable_mints;
    out
}

/// One day of the smoke cell on (b2), Mode A, per-step accrual off (see the module doc).
fn replay_config(bank: &Bank) -> Config {
    let mut config = Config::preset("smoke").unwrap();
    config.pools = vec![PoolKind::Dlex];
    config.flow.mode = dlex_sim::config::FlowMode::A;
    config.run.days = 1;
    config.run.warmup_days = 0;
    config.run.start_unix = u32::try_from(bank.now()).unwrap() + 3_600;
    config.lending.accrue_every_step = false;
    // Fewer positions per borrower kind keep the replay short (each is a user on the bank).
    config.lending.borrowers = 4;
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn replay_on_the_bank_equals_the_simulated_pair() {
    let mut bank = Bank::start().await;
    let config = replay_config(&bank);
    let (result, recording) = record(&config, 7);
    let day = &result.rows[0];
    assert!(
        day.lending.borrow_l > 0 && day.lending.borrow_x > 0,
        "lending is on: {:?}",
        day.lending
    );
    replay(&mut bank, &config, &recording).await;
}

/// The keeper's liquidations replay too: a violent day (σ = 300%, frequent 15% jumps,
/// borrowers at 60% LTV) where the keeper liquidates, each liquidation sent as the
/// `liquidate` instruction by a keeper user.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn replay_with_liquidations_equals_the_simulated_pair() {
    let mut bank = Bank::start().await;
    let mut config = replay_config(&bank);
    config.market.sigma = 3.0;
    config.market.jumps_per_year = 300.0;
    config.market.jump_sigma = 0.15;
    config.lending.ltv = 0.6;
    config.lending.borrowers = 3;
    let (result, recording) = record(&config, 1);
    let liquidations = recording
        .ops
        .iter()
        .filter(|op| matches!(op, Recorded::Liquidate { ok: true, .. }))
        .count();
    assert!(
        liquidations > 0 && result.rows[0].liquidations as usize == liquidations,
        "the keeper must liquidate: {liquidations}"
    );
    replay(&mut bank, &config, &recording).await;
}

/// Runs `config` with `seed`, recording the dlex pool's operations.
fn record(config: &Config, seed: u64) -> (dlex_sim::run::RunResult, dlex_sim::pool::Recording) {
    let (result, recordings) = run_recorded(config, seed).expect("run");
    let recording = recordings
        .into_iter()
        .next()
        .flatten()
        .expect("the dlex pool recorded");
    let executes = recording
        .ops
        .iter()
        .filter(|op| matches!(op, Recorded::Execute { ok: true, .. }))
        .count();
    let swaps = recording
        .ops
        .iter()
        .filter(|op| {
            matches!(
                op,
                Recorded::Swap {
                    amount_out: Some(_),
                    ..
                }
            )
        })
        .count();
    let liquidations = recording
        .ops
        .iter()
        .filter(|op| matches!(op, Recorded::Liquidate { .. }))
        .count();
    eprintln!("recorded {} ops: {swaps} swaps, {executes} executes passed, {liquidations} liquidations tried", recording.ops.len());
    assert!(executes > 0 && swaps > 0, "the run must lend and swap");
    (result, recording)
}

/// Replays `recording` on `bank` as transactions and compares the final pair and positions.
async fn replay(bank: &mut Bank, config: &Config, recording: &dlex_sim::pool::Recording) {
    let bank = &mut *bank;

    // The bank: config with the run's TWAP intervals, a pair of mints with the run's decimals
    // (created until the mint meant as X sorts first).
    let admin = bank.payer_pubkey();
    bank.send(
        &[ix::init_config(
            admin,
            admin,
            config.dlex.mid_term_interval,
            config.dlex.long_term_interval,
        )],
        &[],
    )
    .await
    .expect("init_config");
    let keys = loop {
        let mint_x = bank
            .create_mint(TOKEN_PROGRAM, config.market.decimals_x, None)
            .await
            .expect("mint");
        let mint_y = bank
            .create_mint(TOKEN_PROGRAM, config.market.decimals_y, None)
            .await
            .expect("mint");
        let (create, keys) =
            ix::create_pair(admin, (mint_x, TOKEN_PROGRAM), (mint_y, TOKEN_PROGRAM));
        if keys.mint_x == mint_x {
            warp_to(bank, config.run.start_unix);
            bank.send(&[create], &[]).await.expect("create_pair");
            break keys;
        }
    };
    let lp = user(bank, &keys).await;
    let trader = user(bank, &keys).await;
    let keeper = user(bank, &keys).await;
    let mut positions = Vec::new();
    for _ in 1..recording.positions.len() {
        positions.push(user(bank, &keys).await);
    }
    let (x0, y0) = initial_amounts(config);
    bank.send(&[ix::mint(&keys, &lp.tokens, x0, y0, 0)], &[&lp.keypair])
        .await
        .expect("first mint");

    for (i, op) in recording.ops.iter().enumerate() {
        match op {
            Recorded::Accrue { .. } => panic!("the replay runs without per-step accrual"),
            Recorded::Swap {
                direction,
                amount_in,
                now,
                amount_out,
            } => {
                warp_to(bank, *now);
                let before = bank
                    .token_balance(if matches!(direction, dlex::actions::SwapDirection::XToY) {
                        trader.tokens.token_y
                    } else {
                        trader.tokens.token_x
                    })
                    .await;
                let sent = bank
                    .send(
                        &[ix::swap_exact_in(
                            &keys,
                            &trader.tokens,
                            *direction,
                            *amount_in,
                            0,
                        )],
                        &[&trader.keypair],
                    )
                    .await;
                assert_eq!(
                    sent.is_ok(),
                    amount_out.is_some(),
                    "op {i} {op:?}: the bank {sent:?}"
                );
                if let Some(out) = amount_out {
                    let after = bank
                        .token_balance(if matches!(direction, dlex::actions::SwapDirection::XToY) {
                            trader.tokens.token_y
                        } else {
                            trader.tokens.token_x
                        })
                        .await;
                    assert_eq!(after - before, *out, "op {i} {op:?}: output");
                }
            }
            Recorded::Execute {
                position,
                legs,
                now,
                ok,
            } => {
                warp_to(bank, *now);
                let user = &positions[*position];
                let sent = bank
                    .send(
                        &[ix::execute(
                            &keys,
                            &user.tokens,
                            legs.clone(),
                            i64::MIN,
                            i64::MIN,
                        )],
                        &[&user.keypair],
                    )
                    .await;
                assert_eq!(sent.is_ok(), *ok, "op {i} {op:?}: the bank {sent:?}");
            }
            Recorded::Liquidate {
                position,
                request,
                now,
                ok,
            } => {
                warp_to(bank, *now);
                let borrower = positions[*position].keypair.pubkey();
                let sent = bank
                    .send(
                        &[ix::liquidate(
                            &keys,
                            &keeper.tokens,
                            borrower,
                            *request,
                            u64::MAX,
                            u64::MAX,
                        )],
                        &[&keeper.keypair],
                    )
                    .await;
                assert_eq!(sent.is_ok(), *ok, "op {i} {op:?}: the bank {sent:?}");
            }
        }
    }

    // The pair: byte for byte but for the account names.
    let chain = bank.pair(keys.pair).await;
    let simulated = with_names(&recording.pair, &chain);
    assert_eq!(
        chain.pool(),
        simulated.pool(),
        "pool totals, reserves, shares, protocol fee shares"
    );
    assert_eq!(
        bytemuck::bytes_of(&chain.observations),
        bytemuck::bytes_of(&simulated.observations),
        "observations"
    );
    let (c, s) = (bytemuck::bytes_of(&chain), bytemuck::bytes_of(&simulated));
    let differ: Vec<usize> = (0..c.len()).filter(|&k| c[k] != s[k]).collect();
    assert!(
        differ.is_empty(),
        "pair bytes differ at {} offsets, first {:?}",
        differ.len(),
        &differ[..differ.len().min(16)]
    );

    // The positions: balances, fragile shares, saturation allocations.
    let owners = std::iter::once(&lp).chain(positions.iter());
    for (k, (owner, book)) in owners.zip(&recording.positions).enumerate() {
        let position = bank
            .position(pda::position(keys.pair, owner.keypair.pubkey()))
            .await
            .expect("position");
        assert_eq!(position.balances(), book.balances, "position {k} balances");
        assert_eq!(
            position.fragile_shares.get(),
            book.fragile,
            "position {k} fragile shares"
        );
    }
    let keeper_position = bank
        .position(pda::position(keys.pair, keeper.keypair.pubkey()))
        .await
        .expect("position");
    assert_eq!(
        keeper_position.balances(),
        recording.liquidator.balances,
        "the keeper's seized shares"
    );
    eprintln!(
        "replayed {} ops: pair and {} positions equal",
        recording.ops.len(),
        recording.positions.len()
    );
}
