//! `dlex swap --from <mint> --to <mint> --amount <n>`: the best route over the dlex pairs
//! (`dlex_sdk::router`, quoted with the program's own route code), each hop's fee and price
//! impact, the expected amount and the limit at a slippage setting; with `--execute` it sends
//! the route (`swap_route_exact_in` / `_out`, or two of them for a split). Pairs are discovered
//! with `getProgramAccounts` on a cluster (`--url --keypair`) or on an in-process bank with
//! three mints A, B, C (pairs A/B and B/C deep, A/C shallow).

use anchor_lang::prelude::Pubkey;
use dlex::actions::SwapDirection;
use dlex_keeper::{book, Chain, RpcChain};
use dlex_sdk::bank::{Bank, TOKEN_2022_PROGRAM, TOKEN_PROGRAM};
use dlex_sdk::router::{self, Quote, Router, Trade};
use dlex_sdk::source::AccountSource;
use dlex_sdk::{health, ix, PairKeys};
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;

#[derive(clap::Args)]
pub struct SwapArgs {
    /// The mint to sell: base58, or A, B or C on the in-process pools
    #[arg(long, value_name = "MINT")]
    from: String,
    /// The mint to buy
    #[arg(long, value_name = "MINT")]
    to: String,
    /// The amount, in whole tokens (decimal): sold, or with --exact-out bought
    #[arg(long, value_name = "AMOUNT")]
    amount: String,
    /// Fix the amount bought instead of the amount sold
    #[arg(long)]
    exact_out: bool,
    /// Most pairs a route may go through (the program takes at most 4)
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=4))]
    max_hops: u8,
    /// Slippage allowed on the expected amount, in basis points (sets the route's limit)
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u16).range(0..=5_000))]
    slippage_bps: u16,
    /// Also try splitting an exact input over the two best routes (two instructions, one
    /// transaction)
    #[arg(long, conflicts_with = "exact_out")]
    split: bool,
    /// Send the route
    #[arg(long)]
    execute: bool,
    /// JSON-RPC URL of a cluster to route on (with --keypair); otherwise an in-process bank
    #[arg(long, value_name = "RPC_URL", value_parser = crate::parse_url, requires = "keypair")]
    url: Option<String>,
    /// The trader's keypair file (Solana CLI JSON): it signs and pays from its associated token
    /// accounts
    #[arg(long, value_name = "PATH", requires = "url")]
    keypair: Option<String>,
}

/// Where the route runs: the bank (with its trader's token accounts by mint) or a cluster.
enum Venue {
    Bank { bank: Box<Bank>, accounts: Vec<(Pubkey, Pubkey)> },
    Cluster { chain: RpcChain },
}

impl Venue {
    async fn mint_decimals(&mut self, mint: Pubkey) -> Result<u8, String> {
        let data = match self {
            Venue::Bank { bank, .. } => bank.account_data(mint).await?,
            Venue::Cluster { chain } => chain.account_data(mint).await?,
        };
        data.and_then(|data| data.get(44).copied()).ok_or_else(|| format!("{mint} is not a token mint here"))
    }

    async fn now(&mut self) -> Result<i64, String> {
        match self {
            Venue::Bank { bank, .. } => Ok(bank.now()),
            Venue::Cluster { chain } => chain.unix_timestamp().await,
        }
    }
}

/// Three mints (A: SPL Token, B: Token-2022, C: SPL Token) and pairs A/B (1,000,000 A /
/// 2,000,000 B), B/C (2,000,000 B / 1,000,000 C) and a shallow A/C (10,000 / 10,000), with a
/// trader holding 1,000,000 of each; returns the bank, the mints by letter and the trader.
async fn scene() -> Result<(Bank, Vec<(Pubkey, Pubkey)>, Keypair, Vec<(Pubkey, Pubkey)>), String> {
    const UNIT: u64 = 1_000_000;
    let mut bank = Bank::start().await;
    let admin = bank.payer_pubkey();
    bank.send(&[ix::init_config(admin, admin, 8, 8 * 14)], &[]).await.map_err(|e| format!("init_config: {e}"))?;
    let mut mints = Vec::new();
    for program in [TOKEN_PROGRAM, TOKEN_2022_PROGRAM, TOKEN_PROGRAM] {
        mints.push((bank.create_mint(program, 6, None).await.map_err(|e| format!("mint: {e}"))?, program));
    }
    let (lp, trader) = (bank.new_funded_keypair(10_000_000_000).await, bank.new_funded_keypair(10_000_000_000).await);
    let (mut lp_accounts, mut trader_accounts) = (Vec::new(), Vec::new());
    for &(mint, program) in &mints {
        for (owner, accounts) in [(lp.pubkey(), &mut lp_accounts), (trader.pubkey(), &mut trader_accounts)] {
            let account = bank.create_token_account(mint, owner, program).await;
            bank.mint_to(mint, account, 100_000_000 * UNIT, program).await;
            accounts.push((mint, account));
        }
    }
    for (a, b, amount_a, amount_b) in [(0, 1, 1_000_000, 2_000_000), (1, 2, 2_000_000, 1_000_000), (0, 2, 10_000, 10_000)] {
        let (create, keys) = ix::create_pair(admin, mints[a], mints[b]);
        let tokens = tokens_for(&lp_accounts, lp.pubkey(), &keys)?;
        let (max_x, max_y) = if keys.mint_x == mints[a].0 { (amount_a, amount_b) } else { (amount_b, amount_a) };
        let liquidity = [create, ix::open_position(lp.pubkey(), keys.pair), ix::mint(&keys, &tokens, max_x * UNIT, max_y * UNIT, 0)];
        bank.send(&liquidity, &[&lp]).await.map_err(|e| format!("liquidity: {e}"))?;
    }
    Ok((bank, mints, trader, trader_accounts))
}

/// `owner`'s accounts of the pair's two mints.
fn tokens_for(accounts: &[(Pubkey, Pubkey)], owner: Pubkey, keys: &PairKeys) -> Result<ix::UserTokens, String> {
    let account = |mint: Pubkey| accounts.iter().find(|(m, _)| *m == mint).map(|(_, a)| *a).ok_or_else(|| format!("no token account for {mint}"));
    Ok(ix::UserTokens { owner, token_x: account(keys.mint_x)?, token_y: account(keys.mint_y)? })
}

/// A mint given as base58, or by letter on the in-process pools.
fn parse_mint(text: &str, letters: &[(Pubkey, Pubkey)]) -> Result<Pubkey, String> {
    match (text, letters.is_empty()) {
        ("A" | "a", false) => Ok(letters[0].0),
        ("B" | "b", false) => Ok(letters[1].0),
        ("C" | "c", false) => Ok(letters[2].0),
        _ => crate::parse_pubkey(text).map_err(|e| format!("`{text}`: {e}{}", if letters.is_empty() { "" } else { " (or A, B, C on the in-process pools)" })),
    }
}

/// A decimal amount in raw units of a mint with `decimals`.
fn parse_amount(text: &str, decimals: u8) -> Result<u64, String> {
    let bad = || format!("`{text}` is not an amount (a decimal number of whole tokens with at most {decimals} decimals, e.g. 12.5)");
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.len() > usize::from(decimals) || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let scale = 10u128.pow(u32::from(decimals));
    let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
    let fraction: u128 = if fraction.is_empty() { 0 } else { format!("{fraction:0<width$}", width = usize::from(decimals)).parse().map_err(|_| bad())? };
    let raw = whole.checked_mul(scale).and_then(|w| w.checked_add(fraction)).ok_or_else(bad)?;
    match u64::try_from(raw) {
        Ok(0) => Err("the amount must be above zero".into()),
        Ok(raw) => Ok(raw),
        Err(_) => Err(format!("`{text}` is more than a token account can hold")),
    }
}

/// Prints one quote: its hops with their fee and price impact, and the amounts.
pub(crate) fn print_quote(router: &Router, quote: &Quote, name: &dyn Fn(Pubkey) -> String, decimals: &dyn Fn(Pubkey) -> u8) {
    let mut mint = route_start(router, quote);
    let mut path = vec![name(mint)];
    for (&index, swap) in quote.path.iter().zip(&quote.swaps) {
        let venue = &router.venues()[index];
        let (amount_in, amount_out) = swap.amounts();
        let out_mint = dlex::actions::hop_receiving(&venue.pair, mint).map_or(mint, |(_, pays)| pays);
        let fee = swap.fee_bips_q64 as f64 / 2f64.powi(64) / 100.0;
        println!(
            "  hop through pair {} ({}): {} {} in, {} {} out, fee {:.3}%, price impact {:+.3}%",
            venue.keys.pair,
            router::describe_direction(swap.direction),
            health::format_amount(u128::from(amount_in), decimals(mint)),
            name(mint),
            health::format_amount(u128::from(amount_out), decimals(out_mint)),
            name(out_mint),
            fee,
            router::price_impact(&venue.pair, swap) * 100.0
        );
        mint = out_mint;
        path.push(name(mint));
    }
    println!("  route {} ({} hop{})", path.join(" → "), quote.path.len(), if quote.path.len() == 1 { "" } else { "s" });
}

/// The mint a quote's first hop receives.
fn route_start(router: &Router, quote: &Quote) -> Pubkey {
    let first = &router.venues()[quote.path[0]].pair;
    match quote.swaps[0].direction {
        SwapDirection::XToY => first.mint_x,
        SwapDirection::YToX => first.mint_y,
    }
}

pub async fn run(args: SwapArgs) -> Result<(), String> {
    let (mut venue, letters, trader) = match (&args.url, &args.keypair) {
        (Some(url), Some(keypair)) => (Venue::Cluster { chain: RpcChain::new(url) }, Vec::new(), dlex_sdk::rpc::read_keypair_file(keypair)?),
        _ => {
            let (bank, mints, trader, accounts) = scene().await?;
            println!("in-process pools: A {} (SPL Token), B {} (Token-2022), C {} (SPL Token)", mints[0].0, mints[1].0, mints[2].0);
            println!("pairs A/B 1,000,000 / 2,000,000, B/C 2,000,000 / 1,000,000, A/C 10,000 / 10,000");
            (Venue::Bank { bank: Box::new(bank), accounts }, mints, trader)
        }
    };
    let (from, to) = (parse_mint(&args.from, &letters)?, parse_mint(&args.to, &letters)?);
    let fixed_mint = if args.exact_out { to } else { from };
    let amount = parse_amount(&args.amount, venue.mint_decimals(fixed_mint).await?)?;
    let pairs = match &mut venue {
        Venue::Bank { bank, .. } => bank.scan(book::pair_filters()).await?,
        Venue::Cluster { chain } => chain.scan(book::pair_filters()).await?,
    };
    let router = Router::from_pairs(pairs.iter().filter_map(|(address, data)| book::decode_pair(data).map(|pair| (*address, pair))));
    println!("{} dlex pairs found", router.venues().len());
    let now = venue.now().await?;
    let trade = if args.exact_out { Trade::ExactOut(amount) } else { Trade::ExactIn(amount) };
    let ranked = router.ranked(from, to, trade, usize::from(args.max_hops), now).map_err(|e| e.to_string())?;
    let (from_decimals, to_decimals) = (venue.mint_decimals(from).await?, venue.mint_decimals(to).await?);
    let name = |mint: Pubkey| match letters.iter().position(|(m, _)| *m == mint) {
        Some(index) => ["A", "B", "C"][index].to_string(),
        None => format!("{}…", &mint.to_string()[..6]),
    };
    let mut decimal_of: Vec<(Pubkey, u8)> = vec![(from, from_decimals), (to, to_decimals)];
    for venue_pair in router.venues() {
        for mint in [venue_pair.pair.mint_x, venue_pair.pair.mint_y] {
            if !decimal_of.iter().any(|(m, _)| *m == mint) {
                decimal_of.push((mint, venue.mint_decimals(mint).await.unwrap_or(0)));
            }
        }
    }
    let decimals = |mint: Pubkey| decimal_of.iter().find(|(m, _)| *m == mint).map_or(0, |(_, d)| *d);
    let best = &ranked[0];
    println!("best of {} route{}:", ranked.len(), if ranked.len() == 1 { "" } else { "s" });
    print_quote(&router, best, &name, &decimals);
    for other in ranked.iter().skip(1).take(3) {
        let path: Vec<String> = other.path.iter().map(|&i| router.venues()[i].keys.pair.to_string()[..6].to_string()).collect();
        println!(
            "  also: {} hop{} via [{}]: {} {} in, {} {} out",
            other.path.len(),
            if other.path.len() == 1 { "" } else { "s" },
            path.join("…, ") + "…",
            health::format_amount(u128::from(other.amount_in), from_decimals),
            name(from),
            health::format_amount(u128::from(other.amount_out), to_decimals),
            name(to)
        );
    }
    let slip = |amount: u64, up: bool| {
        let factor = if up { 10_000 + u128::from(args.slippage_bps) } else { 10_000 - u128::from(args.slippage_bps) };
        u64::try_from(u128::from(amount) * factor / 10_000).unwrap_or(u64::MAX)
    };
    let mut routes: Vec<(Quote, u64)> = Vec::new();
    match trade {
        Trade::ExactIn(_) => {
            let split = if args.split { router.best_split(from, to, amount, usize::from(args.max_hops), now).map_err(|e| e.to_string())? } else { router::Split { first: best.clone(), second: None } };
            if let Some(second) = &split.second {
                println!("split: {} then {} gives {} instead of {}", health::format_amount(u128::from(split.first.amount_in), from_decimals), health::format_amount(u128::from(second.amount_in), from_decimals), health::format_amount(u128::from(split.amount_out()), to_decimals), health::format_amount(u128::from(best.amount_out), to_decimals));
                print_quote(&router, second, &name, &decimals);
            }
            let total = split.amount_out();
            println!(
                "expected: {} {} for {} {}; at least {} {} with {} bp slippage",
                health::format_amount(u128::from(total), to_decimals),
                name(to),
                health::format_amount(u128::from(amount), from_decimals),
                name(from),
                health::format_amount(u128::from(slip(total, false)), to_decimals),
                name(to),
                args.slippage_bps
            );
            for quote in std::iter::once(split.first).chain(split.second) {
                let limit = slip(quote.amount_out, false);
                routes.push((quote, limit));
            }
        }
        Trade::ExactOut(_) => {
            println!(
                "expected: {} {} costs {} {}; at most {} {} with {} bp slippage",
                health::format_amount(u128::from(amount), to_decimals),
                name(to),
                health::format_amount(u128::from(best.amount_in), from_decimals),
                name(from),
                health::format_amount(u128::from(slip(best.amount_in, true)), from_decimals),
                name(from),
                args.slippage_bps
            );
            routes.push((best.clone(), slip(best.amount_in, true)));
        }
    }
    if !args.execute {
        println!("(add --execute to send it)");
        return Ok(());
    }
    let owner = trader.pubkey();
    let program_of = |mint: Pubkey| router.venues().iter().find_map(|v| if v.pair.mint_x == mint { Some(v.pair.token_program_x) } else if v.pair.mint_y == mint { Some(v.pair.token_program_y) } else { None });
    let (source, destination, mut instructions) = match &venue {
        Venue::Bank { accounts, .. } => {
            let account = |mint: Pubkey| accounts.iter().find(|(m, _)| *m == mint).map(|(_, a)| *a).ok_or("no trader account");
            (account(from)?, account(to)?, Vec::new())
        }
        Venue::Cluster { .. } => {
            use anchor_spl::associated_token::{get_associated_token_address_with_program_id as ata, spl_associated_token_account::instruction::create_associated_token_account_idempotent};
            let (from_program, to_program) = (program_of(from).ok_or("no pair trades --from")?, program_of(to).ok_or("no pair trades --to")?);
            let create = create_associated_token_account_idempotent(&owner, &owner, &to, &to_program);
            (ata(&owner, &from, &from_program), ata(&owner, &to, &to_program), vec![create])
        }
    };
    for (quote, limit) in &routes {
        instructions.push(match trade {
            Trade::ExactIn(_) => ix::swap_route_exact_in(owner, source, destination, &quote.hops, quote.amount_in, *limit),
            Trade::ExactOut(_) => ix::swap_route_exact_out(owner, source, destination, &quote.hops, quote.amount_out, *limit),
        });
    }
    let sent = send(&mut venue, &instructions, &trader).await?;
    println!("sent: {}", sent.signature);
    let received = sent.events.iter().filter_map(|data| dlex_sdk::bank::decode_event::<dlex::events::Swapped>(data)).count();
    if received > 0 {
        println!("{received} Swapped events, one per hop");
    }
    Ok(())
}

async fn send(venue: &mut Venue, instructions: &[Instruction], trader: &Keypair) -> Result<dlex_keeper::chain::Sent, String> {
    match venue {
        Venue::Bank { bank, .. } => Chain::send(&mut **bank, instructions, trader).await.map_err(|e| format!("the route failed: {e}")),
        Venue::Cluster { chain } => chain.send(instructions, trader).await.map_err(|e| format!("the route failed: {e}")),
    }
}
