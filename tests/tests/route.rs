//! `swap_route_exact_in` / `swap_route_exact_out` on the bank (issue 12): routes of two and
//! three hops over SPL Token and Token-2022 pairs move exactly the router's quote, hop by hop
//! and vault by vault, with conservation at every pair and one `Swapped` event per hop; the
//! route's limit refuses and nothing changes; every malformed route has its own error; the
//! transaction sizes; and, over random networks, the router's best route is never worse than
//! any route it enumerates and its quote is what execution pays.

use dlex::events::Swapped;
use dlex_sdk::bank::decode_event;
use dlex_sdk::ix;
use dlex_sdk::router::{Router, Trade};
use dlex_tests::*;
use solana_sdk::instruction::AccountMeta;
use solana_sdk::signer::Signer;

const A: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;

/// A (SPL Token) – B (Token-2022) – C (SPL Token) – D (Token-2022), pairs AB, BC, CD.
async fn chain() -> Network {
    Network::new(
        &[Flavor::SplToken, Flavor::Token2022, Flavor::SplToken, Flavor::Token2022],
        &[(A, B, 1_000_000_000_000, 2_000_000_000_000), (B, C, 2_000_000_000_000, 1_000_000_000_000), (C, D, 1_000_000_000_000, 1_000_000_000_000)],
    )
    .await
}

fn mint(n: &Network, index: usize) -> anchor_lang::prelude::Pubkey {
    n.mints[index].0
}

/// Sends a route of `path` (pair indices) for `trade` from mint `from` to mint `to`, checked
/// against the router's quote: the trader's balances, every vault, conservation and the
/// events.
async fn route_and_check(n: &mut Network, path: &[usize], from: usize, to: usize, trade: Trade) {
    let router = Router::from_pairs(n.pairs_now().await);
    let quote = router.quote_path(path, mint(n, from), trade, n.bank.now()).expect("quote");
    let hops: Vec<_> = path.iter().map(|&index| n.pairs[index]).collect();
    let (source, destination) = (n.trader_accounts[from], n.trader_accounts[to]);
    let instruction = match trade {
        Trade::ExactIn(amount_in) => ix::swap_route_exact_in(n.trader.pubkey(), source, destination, &hops, amount_in, quote.amount_out),
        Trade::ExactOut(amount_out) => ix::swap_route_exact_out(n.trader.pubkey(), source, destination, &hops, amount_out, quote.amount_in),
    };
    let (trader_before, vaults_before) = n.balances().await;
    let trader_key = n.trader.insecure_clone();
    let events = n.bank.send_with_events(&[instruction], &[&trader_key]).await.expect("the route executes");
    let (trader_after, vaults_after) = n.balances().await;

    let mut expected_trader = trader_before.clone();
    expected_trader[from] -= quote.amount_in;
    expected_trader[to] += quote.amount_out;
    assert_eq!(trader_after, expected_trader, "the trader pays the quoted input and receives the quoted output, nothing else");
    let mut expected_vaults = vaults_before.clone();
    for (&index, swap) in path.iter().zip(&quote.swaps) {
        let (x, y) = &mut expected_vaults[index];
        *x = *x + swap.flows.x_in - swap.flows.x_out;
        *y = *y + swap.flows.y_in - swap.flows.y_out;
    }
    assert_eq!(vaults_after, expected_vaults, "every vault moved by its hop's flows");
    n.assert_conservation().await;
    let swapped: Vec<Swapped> = events.iter().filter_map(|data| decode_event::<Swapped>(data)).collect();
    assert_eq!(swapped.len(), path.len(), "one Swapped event per hop");
    for ((event, swap), hop) in swapped.iter().zip(&quote.swaps).zip(&hops) {
        let (amount_in, amount_out) = swap.amounts();
        assert_eq!((event.pair, event.trader, event.direction, event.amount_in, event.amount_out), (hop.pair, n.trader.pubkey(), swap.direction, amount_in, amount_out));
        assert_eq!((event.reserve_x, event.reserve_y, event.fee_bips_q64), (swap.pool.reserve_x.0, swap.pool.reserve_y.0, swap.fee_bips_q64));
    }
    // Each hop's output is the next hop's input, to the unit.
    for pair in quote.swaps.windows(2) {
        assert_eq!(pair[0].amounts().1, pair[1].amounts().0);
    }
}

#[tokio::test]
async fn two_and_three_hop_routes_move_exactly_the_quote() {
    let mut n = chain().await;
    route_and_check(&mut n, &[0, 1], A, C, Trade::ExactIn(1_000_000_000)).await;
    route_and_check(&mut n, &[0, 1, 2], A, D, Trade::ExactIn(3_000_000_000)).await;
    route_and_check(&mut n, &[2, 1, 0], D, A, Trade::ExactOut(500_000_000)).await;
    route_and_check(&mut n, &[1, 2], B, D, Trade::ExactOut(1)).await;
}

#[tokio::test]
async fn the_routes_limit_refuses_and_nothing_changes() {
    let mut n = chain().await;
    let router = Router::from_pairs(n.pairs_now().await);
    let hops = [n.pairs[0], n.pairs[1], n.pairs[2]];
    let (source, destination, trader) = (n.trader_accounts[A], n.trader_accounts[D], n.trader.insecure_clone());
    let exact_in = router.quote_path(&[0, 1, 2], mint(&n, A), Trade::ExactIn(2_000_000_000), n.bank.now()).unwrap();
    let exact_out = router.quote_path(&[0, 1, 2], mint(&n, A), Trade::ExactOut(700_000_000), n.bank.now()).unwrap();
    let before = n.snapshot().await;
    let result = n.bank.send(&[ix::swap_route_exact_in(trader.pubkey(), source, destination, &hops, 2_000_000_000, exact_in.amount_out + 1)], &[&trader]).await;
    assert_dlex_error(result, DlexError::SlippageAmountOut);
    let result = n.bank.send(&[ix::swap_route_exact_out(trader.pubkey(), source, destination, &hops, 700_000_000, exact_out.amount_in - 1)], &[&trader]).await;
    assert_dlex_error(result, DlexError::SlippageAmountIn);
    assert_eq!(n.snapshot().await, before, "nothing changed");
}

#[tokio::test]
async fn malformed_routes_are_refused_each_with_its_own_error() {
    let mut n = chain().await;
    let trader = n.trader.insecure_clone();
    let accounts = n.trader_accounts.clone();
    let [ab, bc, cd] = [n.pairs[0], n.pairs[1], n.pairs[2]];
    let route = |source: usize, destination: usize, hops: &[dlex_sdk::PairKeys], amount: u64| ix::swap_route_exact_in(trader.pubkey(), accounts[source], accounts[destination], hops, amount, 0);
    let before = n.snapshot().await;
    let with_accounts = |mut instruction: solana_sdk::instruction::Instruction, edit: &dyn Fn(&mut Vec<AccountMeta>)| {
        edit(&mut instruction.accounts);
        instruction
    };
    // Named accounts: trader, source, destination, event authority, program; hop k starts at 5 + 7k.
    let hop = |k: usize, field: usize| 5 + 7 * k + field;
    let cases: Vec<(&str, solana_sdk::instruction::Instruction, DlexError)> = vec![
        ("hops whose mints do not chain (AB then CD)", route(A, D, &[ab, cd], 1_000_000), DlexError::RouteMintsDoNotChain),
        ("a source of a mint the first pair does not trade", route(C, B, &[ab], 1_000_000), DlexError::RouteMintsDoNotChain),
        ("the same pair twice (A→B→A→B)", route(A, B, &[ab, ab, ab], 1_000_000), DlexError::RepeatedRoutePair),
        ("a destination of the wrong mint", route(A, D, &[ab, bc], 1_000_000), DlexError::WrongTokenAccountMint),
        ("zero input", route(A, C, &[ab, bc], 0), DlexError::InsufficientInputAmount),
        ("no hops", route(A, C, &[], 1_000_000), DlexError::EmptyRoute),
        ("five hops", route(A, C, &[ab, bc, cd, cd, bc], 1_000_000), DlexError::TooManyRouteHops),
        (
            "a hop with six accounts",
            with_accounts(route(A, C, &[ab, bc], 1_000_000), &|metas| {
                metas.pop();
            }),
            DlexError::MalformedRoute,
        ),
        ("another pair's vault", with_accounts(route(A, C, &[ab, bc], 1_000_000), &|metas| metas[hop(0, 3)].pubkey = cd.vault_x), DlexError::WrongVault),
        ("another pair's mint", with_accounts(route(A, C, &[ab, bc], 1_000_000), &|metas| metas[hop(1, 1)].pubkey = cd.mint_y), DlexError::WrongMint),
        (
            "the wrong token program",
            with_accounts(route(A, C, &[ab, bc], 1_000_000), &|metas| {
                let (x, y) = (metas[hop(0, 5)].pubkey, metas[hop(0, 6)].pubkey);
                metas[hop(0, 5)].pubkey = y;
                metas[hop(0, 6)].pubkey = x;
            }),
            DlexError::WrongTokenProgram,
        ),
        ("a pair passed read-only", with_accounts(route(A, C, &[ab, bc], 1_000_000), &|metas| metas[hop(1, 0)].is_writable = false), DlexError::RouteAccountNotWritable),
        ("a token account where a pair goes", with_accounts(route(A, C, &[ab, bc], 1_000_000), &|metas| metas[hop(1, 0)].pubkey = ab.vault_y), DlexError::RouteAccountNotAPair),
        ("a vault as the source", with_accounts(route(A, C, &[ab, bc], 1_000_000), &|metas| metas[1].pubkey = if ab.mint_x == n.mints[A].0 { ab.vault_x } else { ab.vault_y }), DlexError::VaultAsUserAccount),
    ];
    for (what, instruction, error) in cases {
        let result = n.bank.send(&[instruction], &[&trader]).await;
        assert_eq!(error_code(result), dlex_code(error), "{what}: expected {error:?}");
    }
    assert_eq!(n.snapshot().await, before, "nothing changed");
}

/// How many hops fit one legacy transaction (1232 bytes) with the trader paying: every hop
/// adds 135 bytes (its pair, two vaults and one new mint, the token programs being shared,
/// and 7 account indices). Four hops (the program's most) over alternating SPL Token and
/// Token-2022 mints take 930 bytes; the sizes are exact.
#[tokio::test]
async fn four_hops_fit_one_legacy_transaction() {
    let flavors = [Flavor::SplToken, Flavor::Token2022, Flavor::SplToken, Flavor::Token2022, Flavor::SplToken];
    let pairs: Vec<(usize, usize, u64, u64)> = (0..4).map(|i| (i, i + 1, 1_000_000_000, 1_000_000_000)).collect();
    let mut n = Network::new(&flavors, &pairs).await;
    let mut sizes = Vec::new();
    for hops in 1..=4 {
        let instruction = ix::swap_route_exact_in(n.trader.pubkey(), n.trader_accounts[0], n.trader_accounts[hops], &n.pairs[..hops], 1_000, 0);
        let trader = n.trader.insecure_clone();
        let transaction = solana_sdk::transaction::Transaction::new_signed_with_payer(&[instruction], Some(&trader.pubkey()), &[&trader], solana_sdk::hash::Hash::default());
        sizes.push(bincode::serialized_size(&transaction).expect("size"));
        let result = n.bank.send(&[ix::swap_route_exact_in(trader.pubkey(), n.trader_accounts[0], n.trader_accounts[hops], &n.pairs[..hops], 1_000, 0)], &[&trader]).await;
        assert!(result.is_ok(), "{hops} hops execute: {result:?}");
    }
    assert_eq!(sizes, [525, 660, 795, 930], "bytes of the signed transaction for 1 to 4 hops");
    assert!(sizes.iter().all(|&size| size <= 1232));
}

/// Random networks of four mints: the best route is at least as good as every route the router
/// enumerates (so as any single-pair route), the best split at least as good as the best route,
/// and executing the best route pays exactly its quote.
#[tokio::test]
async fn the_best_route_is_never_worse_and_its_quote_is_execution() {
    let mut next = xorshift(0x2545_f491_4f6c_dd1d);
    let cases = proptest_cases(1000).clamp(1, 4);
    for case in 0..cases {
        let edges = [(A, B), (B, C), (C, D), (A, C), (B, D), (A, D)];
        let mut pairs = Vec::new();
        for (a, b) in edges {
            if !next().is_multiple_of(3) || (a, b) == (A, B) {
                let depth = 1_000_000_000 + next() % 1_000_000_000_000;
                let price_ratio = 1 + next() % 4;
                pairs.push((a, b, depth, depth * price_ratio));
            }
        }
        let flavors = [Flavor::SplToken, Flavor::Token2022, Flavor::SplToken, Flavor::Token2022];
        let mut n = Network::new(&flavors, &pairs).await;
        let (from, to) = (A, [C, D][(next() % 2) as usize]);
        let amount = 1_000 + next() % 5_000_000_000;
        let router = Router::from_pairs(n.pairs_now().await);
        let now = n.bank.now();
        let Ok(best) = router.best(mint(&n, from), mint(&n, to), Trade::ExactIn(amount), 3, now) else {
            continue;
        };
        for path in router.paths(mint(&n, from), mint(&n, to), 3) {
            if let Ok(quote) = router.quote_path(&path, mint(&n, from), Trade::ExactIn(amount), now) {
                assert!(quote.amount_out <= best.amount_out, "case {case}: path {path:?} gives {} > best {}", quote.amount_out, best.amount_out);
            }
        }
        let split = router.best_split(mint(&n, from), mint(&n, to), amount, 3, now).expect("split");
        assert!(split.amount_out() >= best.amount_out);
        let path = best.path.clone();
        route_and_check(&mut n, &path, from, to, Trade::ExactIn(amount)).await;
    }
}
