//! `dlex`: the command line of dlex.
//!
//! `dlex demo` is the main job: it runs a whole pool on an in-process bank (no validator) and
//! prints what happened. `dlex position` reads a position from a cluster and prints its health
//! and limits. `dlex localnet` serves the standard Solana JSON-RPC over an in-process bank
//! with dlex loaded (see `dlex_sdk::localnet`). `dlex recipe` plans a strategy of the recipe
//! menu and opens it with one `execute`. Everything computed off-chain comes from the program
//! crate itself.

mod demo;
mod recipe;

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
    Demo,
    /// Print a position's health and limits, read from a cluster over JSON-RPC
    Position(PositionArgs),
    /// Serve Solana JSON-RPC over an in-process bank with dlex, SPL Token, Token-2022 and ATA loaded
    Localnet(LocalnetArgs),
    /// Plan a strategy of the recipe menu on an in-process pool, print its legs and preview, and
    /// with --execute open it
    Recipe(recipe::RecipeArgs),
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
fn parse_pubkey(value: &str) -> Result<Pubkey, String> {
    if let Some(c) = value.chars().find(|c| !BASE58_ALPHABET.contains(*c)) {
        return Err(format!(
            "`{c}` is not a base58 character, so this is not a public key (base58 has no 0, O, I or l)"
        ));
    }
    Pubkey::from_str(value)
        .map_err(|_| format!("not a public key: a public key is 32 bytes, written as 32 to 44 base58 characters (got {})", value.len()))
}

/// An http(s) URL.
fn parse_url(value: &str) -> Result<String, String> {
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
        Command::Demo => runtime().block_on(demo::run()),
        Command::Position(args) => runtime().block_on(position(args)),
        Command::Localnet(args) => runtime().block_on(localnet(args)),
        Command::Recipe(args) => runtime().block_on(recipe::run(args)),
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
struct Prefetched {
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

async fn position(args: PositionArgs) -> Result<(), String> {
    let PositionArgs { pair, owner, url } = args;
    let mut source = Prefetched { cluster: Cluster::new(&url), accounts: HashMap::new() };

    match source.read(pair).await? {
        None => {
            let mut message = format!("no account at {pair}: is this the pair address on this cluster ({url})?");
            if source.read(dlex::ID).await?.is_none() {
                message.push_str(&format!("\nThe dlex program ({}) is not deployed on this cluster either.", dlex::ID));
            }
            return Err(message);
        }
        Some(account) if dlex_sdk::decode::pair(&account.data).is_err() => {
            let hint = if dlex_sdk::decode::position(&account.data).is_ok() { " (it is a dlex position)" } else { "" };
            return Err(format!(
                "{pair} is not a dlex pair{hint}: it is {}.\n--pair takes the pair's address (the account `create_pair` made for two mints).",
                account_kind(&account)
            ));
        }
        Some(_) => {}
    }

    let position_address = dlex_sdk::pda::position(pair, owner);
    match source.read(position_address).await? {
        None => {
            return Err(format!(
                "{owner} has no position in pair {pair} (nothing at its position address {position_address}).\n\
                 Check --owner (the wallet that owns the position). To open one, the owner signs the program's\n\
                 `open_position` instruction for this pair (in Rust: `dlex_sdk::ix::open_position(owner, pair)`), then deposits."
            ))
        }
        Some(account) if dlex_sdk::decode::position(&account.data).is_err() => {
            return Err(format!(
                "{position_address}, the position address of {owner} in pair {pair}, holds an account that is not a dlex position: it is {}",
                account_kind(&account)
            ));
        }
        Some(_) => {}
    }

    let health = dlex_sdk::health::fetch(&mut source, pair, owner).await?;
    println!("position of {owner} in pair {pair} ({url})");
    print!("{}", dlex_sdk::health::describe(&health));
    Ok(())
}
