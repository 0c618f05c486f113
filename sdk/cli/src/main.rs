//! `dlex`: the command line of dlex.
//!
//! `dlex demo` is the main job: it runs a whole pool on an in-process bank (no validator) and
//! prints what happened. `dlex position` reads a position from a cluster and prints its health
//! and limits. `dlex localnet` serves the standard Solana JSON-RPC over an in-process bank
//! with dlex loaded (see `dlex_sdk::localnet`). `dlex recipe` plans a strategy of the recipe
//! menu and opens it with one `execute`. Everything computed off-chain comes from the program
//! crate itself.

mod chart;
mod demo;
mod recipe;
mod swap;

use std::collections::HashMap;
use std::str::FromStr;

use anchor_lang::prelude::Pubkey;
use clap::{Args, CommandFactory, Parser, Subcommand};
use dlex_sdk::source::{AccountSource, Cluster, RpcFailure};
use solana_sdk::account::Account;

/// The URL `dlex position` reads from unless `--url` says otherwise: a local validator.
const DEFAULT_URL: &str = "http://127.0.0.1:8899";

/// dlex — one Solana pool that is both an exchange and a money market
#[derive(Parser)]
#[command(name = "dlex", version, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a full scenario on an in-process bank (no validator needed) and print a report
    Demo(demo::DemoArgs),
    /// Print a position's health and limits, read from a cluster over JSON-RPC
    Position(PositionArgs),
    /// Serve Solana JSON-RPC over an in-process bank with dlex, SPL Token, Token-2022 and ATA loaded
    Localnet(LocalnetArgs),
    /// Plan a strategy of the recipe menu on an in-process pool, print its legs and preview, and
    /// with --execute open it
    Recipe(recipe::RecipeArgs),
    /// Draw the payout chart and the heat map (PNG and SVG) of a recipe or of an existing
    /// position
    Chart(chart::ChartArgs),
    /// Swap along the best route over the dlex pairs (up to 4 hops), on an in-process bank or a
    /// cluster
    Swap(swap::SwapArgs),
    /// Print a shell completion script for dlex (e.g. `dlex completions bash > dlex.bash`)
    Completions {
        /// The shell to write the script for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Args)]
struct PositionArgs {
    /// Address of the pair (base58): the pair account `create_pair` made for two mints
    #[arg(long, value_name = "PAIR", value_parser = parse_pubkey)]
    pair: Pubkey,
    /// Owner of the position (base58): the wallet that opened it with `open_position`
    #[arg(long, value_name = "OWNER", value_parser = parse_pubkey)]
    owner: Pubkey,
    /// JSON-RPC URL of the cluster to read from (the default is a local validator)
    #[arg(long, value_name = "RPC_URL", default_value = DEFAULT_URL, value_parser = parse_url)]
    url: String,
}

#[derive(Args)]
struct LocalnetArgs {
    /// TCP port to serve JSON-RPC on; WebSocket PubSub uses the next one (0: any free ports; the
    /// URLs printed say which)
    #[arg(long, value_name = "PORT", default_value_t = dlex_sdk::localnet::DEFAULT_PORT)]
    port: u16,
    /// Address to bind; only loopback unless you choose otherwise on purpose
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Where to write the funded payer keypair (Solana CLI JSON format)
    /// [default: <temp dir>/dlex-localnet/payer-<port>.json]
    #[arg(long, value_name = "PATH")]
    payer_keypair: Option<std::path::PathBuf>,
    /// Also stop when standard input closes: a test runner that spawns it with a pipe on stdin
    /// never leaves it running, even when the runner itself is killed
    #[arg(long)]
    stop_on_stdin_close: bool,
}

const BASE58_ALPHABET: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// A public key in base58, with a reason when the text is not one.
pub(crate) fn parse_pubkey(value: &str) -> Result<Pubkey, String> {
    if let Some(c) = value.chars().find(|c| !BASE58_ALPHABET.contains(*c)) {
        return Err(format!(
            "`{c}` is not a base58 character, so this is not a public key (base58 has no 0, O, I or l)"
        ));
    }
    Pubkey::from_str(value)
        .map_err(|_| format!("not a public key: a public key is 32 bytes, written as 32 to 44 base58 characters (got {})", value.len()))
}

/// An http(s) URL.
pub(crate) fn parse_url(value: &str) -> Result<String, String> {
    let rest = value.strip_prefix("http://").or_else(|| value.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') => Ok(value.to_string()),
        _ => Err(format!("an RPC URL starts with http:// or https:// and names a host, e.g. {DEFAULT_URL}")),
    }
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "dlex", &mut std::io::stdout());
            Ok(())
        }
        Command::Demo(args) => runtime().block_on(demo::run(args)),
        Command::Position(args) => runtime().block_on(position(args)),
        Command::Localnet(args) => runtime().block_on(localnet(args)),
        Command::Recipe(args) => runtime().block_on(recipe::run(args)),
        Command::Chart(args) => runtime().block_on(chart::run(args)),
        Command::Swap(args) => runtime().block_on(swap::run(args)),
    };
    if let Err(error) = result {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("tokio runtime")
}

/// Resolves once standard input reaches its end (never when `watch` is false). A plain thread
/// reads it: a blocking read would keep a runtime's blocking pool from shutting down.
async fn stdin_closed(watch: bool) {
    if !watch {
        return std::future::pending().await;
    }
    let (closed, wait) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        use std::io::Read;
        let mut buffer = [0u8; 256];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut buffer), Ok(n) if n > 0) {}
        let _ = closed.send(());
    });
    let _ = wait.await;
}

/// `dlex localnet`: serves until Ctrl-C (or, with `--stop-on-stdin-close`, until standard
/// input closes), then stops the server cleanly.
async fn localnet(args: LocalnetArgs) -> Result<(), String> {
    use solana_sdk::signer::Signer;
    let address = std::net::SocketAddr::new(args.bind, args.port);
    let server = dlex_sdk::localnet::start(address).await.map_err(|e| format!("cannot serve JSON-RPC on {address}: {e}"))?;
    let path = match args.payer_keypair {
        Some(path) => path,
        None => {
            let dir = std::env::temp_dir().join("dlex-localnet");
            std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            dir.join(format!("payer-{}.json", server.address().port()))
        }
    };
    server.write_payer_keypair(&path).map_err(|e| format!("cannot write the payer keypair to {}: {e}", path.display()))?;
    println!("dlex localnet: Solana JSON-RPC at {}", server.url());
    println!("WebSocket (PubSub) at {}", server.ws_url());
    println!("payer keypair: {} ({}, funded, dlex upgrade authority)", path.display(), server.payer().pubkey());
    println!("programs: dlex {}, SPL Token, Token-2022, Associated Token", dlex::ID);
    if !args.bind.is_loopback() {
        println!("warning: bound to {}, not loopback: other machines can reach this endpoint", args.bind);
    }
    println!("Ctrl-C stops it.");
    let stdin_closed = stdin_closed(args.stop_on_stdin_close);
    tokio::select! {
        signal = tokio::signal::ctrl_c() => signal.map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?,
        _ = stdin_closed => println!("standard input closed"),
    }
    server.stop().await;
    println!("dlex localnet stopped");
    Ok(())
}

/// What to tell a user whose RPC read failed.
fn rpc_error(failure: RpcFailure) -> String {
    match &failure {
        RpcFailure::Unreachable { .. } => format!(
            "{failure}.\n\
             Start a local validator, which listens on {DEFAULT_URL} (the default --url): `solana-test-validator`\n\
             then `anchor deploy`, or `anchor localnet` (builds and deploys dlex), or `anchor test --detach`.\n\
             Or run `dlex localnet`, which serves an in-process bank with dlex loaded on {DEFAULT_URL}.\n\
             Or pass the JSON-RPC URL of another cluster with --url <RPC_URL>."
        ),
        RpcFailure::InvalidUrl { .. } => format!("{failure}: pass a JSON-RPC URL with --url, e.g. --url {DEFAULT_URL}"),
        RpcFailure::Failed { .. } => format!("{failure}\nCheck that --url is the JSON-RPC URL of a Solana cluster."),
    }
}

/// A few words on what an account is, from the program that owns it.
fn account_kind(account: &Account) -> String {
    let owner = account.owner;
    let what = if owner == anchor_lang::solana_program::system_program::ID {
        "a wallet or other System Program account".to_string()
    } else if owner == dlex_sdk::bank::TOKEN_PROGRAM || owner == dlex_sdk::bank::TOKEN_2022_PROGRAM {
        "a token account or mint".to_string()
    } else if owner == dlex::ID {
        "a dlex account of another type".to_string()
    } else if account.executable {
        "a program".to_string()
    } else {
        format!("an account of program {owner}")
    };
    format!("{what}, {} bytes, owned by {owner}", account.data.len())
}

/// The cluster, with the pair and position accounts read once up front (so that each missing or
/// mistyped account gets its own message) and served from memory to `health::fetch`.
pub(crate) struct Prefetched {
    cluster: Cluster,
    accounts: HashMap<Pubkey, Option<Vec<u8>>>,
}

impl Prefetched {
    async fn read(&mut self, address: Pubkey) -> Result<Option<Account>, String> {
        let account = self.cluster.account(address).await.map_err(rpc_error)?;
        self.accounts.insert(address, account.as_ref().map(|a| a.data.clone()));
        Ok(account)
    }
}

impl AccountSource for Prefetched {
    async fn account_data(&mut self, address: Pubkey) -> Result<Option<Vec<u8>>, String> {
        match self.accounts.get(&address) {
            Some(data) => Ok(data.clone()),
            None => Ok(self.cluster.account(address).await.map_err(rpc_error)?.map(|a| a.data)),
        }
    }

    async fn unix_timestamp(&mut self) -> Result<i64, String> {
        self.cluster.unix_timestamp().await
    }
}

/// A pair read over JSON-RPC, checked: it exists and is a dlex pair.
pub(crate) struct ReadPair {
    pub(crate) source: Prefetched,
    pub(crate) pair_address: Pubkey,
    pub(crate) pair: dlex::state::Pair,
    /// The cluster's clock.
    pub(crate) now: i64,
    pub(crate) decimals: chart::Decimals,
}

/// Reads and checks `owner`'s position in `pair` at `url` (see [`read_pair`]); each missing
/// or mistyped account gets its own message.
pub(crate) async fn read_position(url: &str, pair: Pubkey, owner: Pubkey) -> Result<(ReadPair, dlex::state::Position), String> {
    let (mut source, pair_state) = checked_pair(url, pair).await?;
    let position_address = dlex_sdk::pda::position(pair, owner);
    let position = match source.read(position_address).await? {
        None => {
            return Err(format!(
                "{owner} has no position in pair {pair} (nothing at its position address {position_address}).\n\
                 Check --owner (the wallet that owns the position). To open one, the owner signs the program's\n\
                 `open_position` instruction for this pair (in Rust: `dlex_sdk::ix::open_position(owner, pair)`), then deposits."
            ))
        }
        Some(account) => dlex_sdk::decode::position(&account.data).map_err(|_| {
            format!(
                "{position_address}, the position address of {owner} in pair {pair}, holds an account that is not a dlex position: it is {}",
                account_kind(&account)
            )
        })?,
    };
    Ok((with_clock_and_decimals(source, pair, pair_state).await?, position))
}

/// Reads and checks the pair at `url`, with its mints' decimals and the cluster's clock.
pub(crate) async fn read_pair(url: &str, pair: Pubkey) -> Result<ReadPair, String> {
    let (source, pair_state) = checked_pair(url, pair).await?;
    with_clock_and_decimals(source, pair, pair_state).await
}

async fn with_clock_and_decimals(mut source: Prefetched, pair: Pubkey, pair_state: dlex::state::Pair) -> Result<ReadPair, String> {
    let now = source.unix_timestamp().await?;
    let decimals = chart::Decimals { x: mint_decimals(&mut source, pair_state.mint_x).await?, y: mint_decimals(&mut source, pair_state.mint_y).await? };
    Ok(ReadPair { source, pair_address: pair, pair: pair_state, now, decimals })
}

/// The pair account at `url`, checked to exist and to be a dlex pair.
async fn checked_pair(url: &str, pair: Pubkey) -> Result<(Prefetched, dlex::state::Pair), String> {
    let mut source = Prefetched { cluster: Cluster::new(url), accounts: HashMap::new() };

    let pair_account = match source.read(pair).await? {
        None => {
            let mut message = format!("no account at {pair}: is this the pair address on this cluster ({url})?");
            if source.read(dlex::ID).await?.is_none() {
                message.push_str(&format!("\nThe dlex program ({}) is not deployed on this cluster either.", dlex::ID));
            }
            return Err(message);
        }
        Some(account) => account,
    };
    let pair_state = match dlex_sdk::decode::pair(&pair_account.data) {
        Ok(state) => state,
        Err(_) => {
            let hint = if dlex_sdk::decode::position(&pair_account.data).is_ok() { " (it is a dlex position)" } else { "" };
            return Err(format!(
                "{pair} is not a dlex pair{hint}: it is {}.\n--pair takes the pair's address (the account `create_pair` made for two mints).",
                account_kind(&pair_account)
            ));
        }
    };

    Ok((source, pair_state))
}

/// A mint's decimals (byte 44 of an SPL Token or Token-2022 mint).
async fn mint_decimals(source: &mut Prefetched, mint: Pubkey) -> Result<u8, String> {
    let data = source.account_data(mint).await?.ok_or_else(|| format!("the pair's mint {mint} does not exist on this cluster"))?;
    data.get(44).copied().ok_or_else(|| format!("{mint} is not a token mint"))
}

/// Up to this many of the pair's latest transactions are read to measure its fee yield.
const FEE_YIELD_TRANSACTIONS: usize = 200;

/// The pair's swap-fee yield from its recent `Swapped` events (over the span from the oldest
/// read to now), unless `given`. An endpoint that cannot list transactions leaves it at 0 and
/// the note says so.
pub(crate) async fn measure_fee_yield(read: &ReadPair, given: Option<f64>) -> chart::FeeSource {
    if given.is_some() {
        return chart::FeeSource::measured(0.0, 0.0, 0, given);
    }
    match read.source.cluster.recent_events(read.pair_address, FEE_YIELD_TRANSACTIONS).await {
        Ok(events) => {
            let oldest = events.iter().filter_map(|(time, _)| *time).min().unwrap_or(read.now);
            let swaps: Vec<dlex::events::Swapped> = events.iter().filter_map(|(_, data)| dlex_sdk::bank::decode_event(data)).collect();
            let window = (read.now - oldest) as f64;
            let measured = dlex_sdk::payout::fee_yield(&swaps, window, &read.pair.pool());
            chart::FeeSource::measured(measured, window, swaps.len(), None)
        }
        Err(error) => chart::FeeSource { fee_yield: 0.0, note: format!("not measured ({error}); set it with --fee-yield") },
    }
}

async fn position(args: PositionArgs) -> Result<(), String> {
    let PositionArgs { pair, owner, url } = args;
    let (mut read, _) = read_position(&url, pair, owner).await?;
    let health = dlex_sdk::health::fetch(&mut read.source, pair, owner).await?;
    println!("position of {owner} in pair {pair} ({url})");
    print!("{}", dlex_sdk::health::describe(&health));
    Ok(())
}
