//! `cargo bench -p dlex-keeper`: how many positions per second the keeper's evaluation judges
//! on one core (`dlex_keeper::evaluate::evaluate`, i.e. one `PairSnapshot` per pair and
//! `liquidation_chances` per position, the program's own risk code).
//!
//! The positions are real: a pool on the in-process bank with borrowers of X, Y and L at
//! several fractions of their limits, a lender and LPs; a sale of Y, an oracle window and a
//! year of interest then make some of them liquidatable. Their accounts are read back and
//! copied, each copy at its own address, into a book of `DLEX_BENCH_POSITIONS` positions
//! (default 200,000), every one indebted; a second book adds as many deposit-only positions
//! (LPs and lenders), the common case on a live pool. Each book is timed over several passes
//! and the best pass is printed, with the mix of verdicts it judged.

use std::time::Instant;

use anchor_lang::prelude::Pubkey;
use dlex::actions::{Asset, SwapDirection};
use dlex::state::Position;
use dlex_keeper::book::Book;
use dlex_keeper::evaluate;
use dlex_sdk::bank::{Bank, TOKEN_PROGRAM};
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::{health, pda, PairKeys};
use solana_sdk::signature::Keypair;

const FUNDS: u64 = 1_000_000_000_000_000;
const MID_TERM_INTERVAL: u32 = 8;

struct User {
    keypair: Keypair,
    tokens: UserTokens,
}

async fn user(bank: &mut Bank, keys: &PairKeys) -> User {
    let (keypair, tokens) = bank.new_user(keys, FUNDS, FUNDS).await.expect("a funded user");
    User { keypair, tokens }
}

async fn tick_oracle(bank: &mut Bank, keys: &PairKeys, trader: &User, intervals: u32) {
    for i in 0..intervals {
        bank.warp_seconds(i64::from(MID_TERM_INTERVAL));
        let direction = if i % 2 == 0 { SwapDirection::XToY } else { SwapDirection::YToX };
        bank.send(&[ix::swap_exact_in(keys, &trader.tokens, direction, 10_000, 0)], &[&trader.keypair]).await.expect("oracle tick");
    }
}

/// The scene's pair and every position in it, after the shock and a year of interest.
async fn scene() -> (Pubkey, dlex::state::Pair, Vec<(Pubkey, Position)>, i64) {
    let mut bank = Bank::start().await;
    let admin = bank.payer_pubkey();
    bank.send(&[ix::init_config(admin, admin, MID_TERM_INTERVAL, MID_TERM_INTERVAL * 14)], &[]).await.expect("init_config");
    let mint_a = bank.create_mint(TOKEN_PROGRAM, 6, None).await.expect("mint");
    let mint_b = bank.create_mint(TOKEN_PROGRAM, 6, None).await.expect("mint");
    let (create, keys) = ix::create_pair(admin, (mint_a, TOKEN_PROGRAM), (mint_b, TOKEN_PROGRAM));
    bank.send(&[create], &[]).await.expect("create_pair");
    let lp = user(&mut bank, &keys).await;
    let trader = user(&mut bank, &keys).await;
    bank.send(&[ix::mint(&keys, &lp.tokens, 10_000_000_000, 40_000_000_000, 0)], &[&lp.keypair]).await.expect("liquidity");
    let supply = [ix::deposit(&keys, &lp.tokens, Asset::X, 5_000_000_000, 0), ix::deposit(&keys, &lp.tokens, Asset::Y, 20_000_000_000, 0)];
    bank.send(&supply, &[&lp.keypair]).await.expect("supply");
    tick_oracle(&mut bank, &keys, &trader, 50).await;

    // Borrowers at 20 % … 99 % of their limits: X against Y, Y against X, L against Y.
    #[derive(Clone, Copy, PartialEq)]
    enum Debt {
        X,
        Y,
        L,
    }
    for percent in [20u128, 50, 75, 90, 95, 99] {
        for debt in [Debt::X, Debt::Y, Debt::L] {
            let borrower = user(&mut bank, &keys).await;
            let (collateral, amount) = if debt == Debt::Y { (Asset::X, 100_000_000) } else { (Asset::Y, 400_000_000) };
            bank.send(&[ix::deposit(&keys, &borrower.tokens, collateral, amount, 0)], &[&borrower.keypair]).await.expect("collateral");
            let pair = bank.pair(keys.pair).await;
            let position = bank.position(pda::position(keys.pair, borrower.tokens.owner)).await.expect("position");
            let limits = health::position_limits(&pair, &position, bank.now(), false).expect("limits");
            let part = |limit: u64| u64::try_from(u128::from(limit) * percent / 100).expect("u64");
            let borrow = match debt {
                Debt::X => ix::borrow(&keys, &borrower.tokens, Asset::X, part(limits.max_borrow_x)),
                Debt::Y => ix::borrow(&keys, &borrower.tokens, Asset::Y, part(limits.max_borrow_y)),
                Debt::L => ix::borrow_liquidity(&keys, &borrower.tokens, limits.max_borrow_l * percent / 100, 0, 0),
            };
            // A borrow the tranche bounds refuse is left out: the position stays deposit-only.
            let _ = bank.send(&[borrow], &[&borrower.keypair]).await;
        }
    }
    bank.send(&[ix::swap_exact_in(&keys, &trader.tokens, SwapDirection::YToX, 20_000_000_000, 0)], &[&trader.keypair]).await.expect("shock");
    tick_oracle(&mut bank, &keys, &trader, 50).await;
    bank.warp_seconds(365 * 86_400);

    let pair = bank.pair(keys.pair).await;
    let mut positions = Vec::new();
    for address in bank.known_addresses().collect::<Vec<_>>() {
        if let Some(data) = bank.account(address).await.map(|account| account.data) {
            if let Some(position) = dlex_keeper::book::decode_position(&data) {
                positions.push((address, position));
            }
        }
    }
    (keys.pair, pair, positions, bank.now())
}

/// A book of `count` positions: copies of `templates` in turn, each at its own address.
fn book_of(pair_address: Pubkey, pair: dlex::state::Pair, templates: &[Position], count: usize) -> Book {
    let mut book = Book::new(Vec::new());
    book.insert(pair_address, pair, (0..count).map(|i| (Pubkey::new_unique(), templates[i % templates.len()])));
    book
}

/// The best of `passes` timed evaluations of `book`: (positions per second, the evaluation).
fn measure(book: &Book, now: i64, passes: usize) -> (f64, evaluate::Evaluation) {
    let mut best = f64::MAX;
    let mut last = None;
    for _ in 0..passes {
        let started = Instant::now();
        let evaluation = evaluate::evaluate(book, now, None, |_| {});
        best = best.min(started.elapsed().as_secs_f64());
        last = Some(evaluation);
    }
    let evaluation = last.expect("one pass");
    (evaluation.scanned as f64 / best, evaluation)
}

fn main() {
    let count: usize = std::env::var("DLEX_BENCH_POSITIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    eprintln!("building the scene on the in-process bank…");
    let (pair_address, pair, positions, now) = runtime.block_on(scene());
    let (indebted, deposit_only): (Vec<Position>, Vec<Position>) =
        positions.iter().map(|(_, p)| *p).partition(|p| p.shares[3..].iter().any(|s| s.get() > 0));

    let book = book_of(pair_address, pair, &indebted, count);
    let (rate, evaluation) = measure(&book, now, 5);
    let mut kinds = [0usize; 3];
    for candidate in &evaluation.candidates {
        kinds[0] += usize::from(candidate.chances.hard_max_premium_bips > 0);
        kinds[1] += usize::from(candidate.chances.leverage);
        kinds[2] += usize::from(candidate.chances.debt_cap_premium_bips > 0);
    }
    println!(
        "indebted positions: {} judged ({} templates; liquidatable {}: hard {}, leverage {}, debt cap {}; errors {})",
        evaluation.scanned,
        indebted.len(),
        evaluation.candidates.len(),
        kinds[0],
        kinds[1],
        kinds[2],
        evaluation.errors.len()
    );
    println!("  {:.0} positions/s on one core ({:.2} µs each)", rate, 1e6 / rate);

    let mut mixed_templates = indebted.clone();
    mixed_templates.extend(std::iter::repeat_n(deposit_only.first().copied().unwrap_or(indebted[0]), indebted.len()));
    let mixed = book_of(pair_address, pair, &mixed_templates, count * 2);
    let (rate, evaluation) = measure(&mixed, now, 5);
    println!("with as many deposit-only positions: {} judged", evaluation.scanned);
    println!("  {:.0} positions/s on one core ({:.2} µs each)", rate, 1e6 / rate);
}
