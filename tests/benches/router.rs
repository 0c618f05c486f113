//! `cargo bench -p dlex-tests --bench router`: how fast the SDK's router searches (issue 12).
//!
//! A network of 100 pairs over 40 mints (SPL Token and Token-2022, random depths and prices)
//! is built with real transactions on the in-process bank, its pairs read back, and the router
//! asked for the best exact-input route of at most 3 hops between random mint pairs: every
//! path enumerated, each quoted with the program's own route code on copies of the pairs
//! (accrual included). It prints routes quoted per second and searches per second, best of
//! several passes, on one core.

use std::time::Instant;

use dlex_sdk::router::{Router, Trade};
use dlex_tests::{xorshift, Flavor, Network};

const MINTS: usize = 40;
const PAIRS: usize = 100;
const SEARCHES: usize = 400;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
    let flavors: Vec<Flavor> = (0..MINTS).map(|i| if i % 2 == 0 { Flavor::SplToken } else { Flavor::Token2022 }).collect();
    let mut edges: Vec<(usize, usize, u64, u64)> = Vec::new();
    while edges.len() < PAIRS {
        let (a, b) = ((next() % MINTS as u64) as usize, (next() % MINTS as u64) as usize);
        if a == b || edges.iter().any(|&(x, y, _, _)| (x, y) == (a, b) || (x, y) == (b, a)) {
            continue;
        }
        let depth = 1_000_000_000 + next() % 1_000_000_000_000;
        edges.push((a, b, depth, depth / 4 * (1 + next() % 8)));
    }
    eprintln!("building {PAIRS} pairs over {MINTS} mints on the in-process bank…");
    let (router, mints, now) = runtime.block_on(async {
        let mut network = Network::new(&flavors, &edges).await;
        let router = Router::from_pairs(network.pairs_now().await);
        (router, network.mints.iter().map(|(mint, _)| *mint).collect::<Vec<_>>(), network.bank.now())
    });
    let queries: Vec<_> = (0..SEARCHES)
        .map(|_| {
            let from = mints[(next() % MINTS as u64) as usize];
            let mut to = mints[(next() % MINTS as u64) as usize];
            while to == from {
                to = mints[(next() % MINTS as u64) as usize];
            }
            (from, to, 1_000_000 + next() % 1_000_000_000)
        })
        .collect();
    // Each search enumerates these paths and quotes every one.
    let routes: usize = queries.iter().map(|&(from, to, _)| router.paths(from, to, 3).len()).sum();
    let mut best_seconds = f64::MAX;
    let mut found = 0usize;
    for pass in 0..5 {
        let started = Instant::now();
        found = queries.iter().filter(|&&(from, to, amount)| router.best(from, to, Trade::ExactIn(amount), 3, now).is_ok()).count();
        let seconds = started.elapsed().as_secs_f64();
        eprintln!("pass {}: {SEARCHES} searches in {:.3} s", pass + 1, seconds);
        best_seconds = best_seconds.min(seconds);
    }
    println!(
        "router: {PAIRS} pairs, {MINTS} mints, up to 3 hops: {:.0} routes quoted/s, {:.0} searches/s ({:.1} routes per search, {found} of {SEARCHES} pairs of mints joined), one core",
        routes as f64 / best_seconds,
        SEARCHES as f64 / best_seconds,
        routes as f64 / SEARCHES as f64
    );
}
