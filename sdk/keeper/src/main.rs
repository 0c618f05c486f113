//! `dlex-keeper`: liquidates dlex positions on a cluster. Every round it refreshes the pairs and
//! positions it watches, judges them with the program's own risk code, and sends the most
//! profitable liquidations first. It logs one JSON object per line on stdout (see the README's
//! keeper section); a progress line goes to stderr when stderr is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use anchor_lang::prelude::Pubkey;
use clap::Parser;
use dlex_keeper::{Config, Keeper, RpcChain};
use serde_json::{json, Value};
use solana_sdk::signer::Signer;

#[derive(Parser, Debug)]
#[command(name = "dlex-keeper", version, about = "Liquidates dlex positions, judging them with the program's own risk code")]
struct Args {
    /// JSON-RPC endpoint of the cluster (a local validator, `dlex localnet`, devnet, mainnet).
    #[arg(long, default_value = "http://127.0.0.1:8899")]
    rpc_url: String,
    /// WebSocket endpoint for `programSubscribe` (default: the RPC URL with ws/wss and, for
    /// an explicit port, the port plus one, as the Solana CLI does).
    #[arg(long)]
    ws_url: Option<String>,
    /// Do not subscribe to account changes: refresh by full rescans only.
    #[arg(long)]
    no_subscribe: bool,
    /// The keeper's keypair (a Solana keypair JSON file): it signs, pays fees, repays debt
    /// from its token accounts and receives the seized deposits in its own positions.
    #[arg(long, default_value = "~/.config/solana/id.json")]
    keypair: String,
    /// A pair to watch (repeatable); all dlex pairs when none is given.
    #[arg(long = "pair")]
    pairs: Vec<Pubkey>,
    /// Evaluate and print what would be sent; send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Run one round, then exit (exit code 1 if the round failed).
    #[arg(long)]
    once: bool,
    /// Seconds between rounds.
    #[arg(long, default_value_t = 10)]
    interval: u64,
    /// Skip liquidations expected to earn less than this, in raw units of the pair's X token
    /// at the pool price.
    #[arg(long, default_value_t = 0)]
    min_profit: i128,
    /// Compute unit limit set on every transaction.
    #[arg(long)]
    compute_unit_limit: Option<u32>,
    /// Priority fee, micro-lamports per compute unit.
    #[arg(long)]
    priority_fee: Option<u64>,
    /// Full rescan every this many rounds (changed accounts only in between).
    #[arg(long, default_value_t = 30)]
    rescan_every: u64,
    /// Longest back-off after repeated failures of one position, in rounds.
    #[arg(long, default_value_t = 64)]
    max_backoff_rounds: u64,
    /// Extra allowed over the quoted repayment, bips.
    #[arg(long, default_value_t = 50)]
    max_slippage_bips: u64,
    /// Withdraw and burn the seized deposits after each round that seized some.
    #[arg(long)]
    withdraw_seized: bool,
    /// Send the leverage kind wherever a position qualifies (fixed formula amounts, a lower
    /// premium for the borrower) instead of the most profitable request.
    #[arg(long)]
    prefer_leverage: bool,
}

/// The WebSocket URL the Solana CLI would use for `rpc_url`.
fn websocket_url(rpc_url: &str) -> String {
    let (scheme, rest) = match rpc_url.split_once("://") {
        Some(("https", rest)) => ("wss", rest),
        Some((_, rest)) => ("ws", rest),
        None => ("ws", rpc_url),
    };
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(host, path)| (host, path));
    let host = match host.rsplit_once(':') {
        Some((name, port)) => match port.parse::<u16>() {
            Ok(port) => format!("{name}:{}", port.saturating_add(1)),
            Err(_) => host.to_string(),
        },
        None => host.to_string(),
    };
    if path.is_empty() { format!("{scheme}://{host}") } else { format!("{scheme}://{host}/{path}") }
}

fn print(event: &str, value: impl serde::Serialize) {
    let mut value = serde_json::to_value(value).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("event".into(), Value::String(event.into()));
    }
    println!("{value}");
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(code) => code,
        Err(error) => {
            print("fatal", json!({ "error": error }));
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<std::process::ExitCode, String> {
    let signer = dlex_sdk::rpc::read_keypair_file(&args.keypair)?;
    let config = Config {
        pairs: args.pairs.clone(),
        dry_run: args.dry_run,
        min_profit_x: args.min_profit,
        compute_unit_limit: args.compute_unit_limit,
        priority_fee_micro_lamports: args.priority_fee,
        rescan_every: args.rescan_every,
        withdraw_seized: args.withdraw_seized,
        max_backoff_rounds: args.max_backoff_rounds,
        max_slippage_bips: args.max_slippage_bips,
        prefer_leverage: args.prefer_leverage,
        ..Config::default()
    };
    let mut chain = RpcChain::new(&args.rpc_url);
    let ws_url = (!args.no_subscribe).then(|| args.ws_url.clone().unwrap_or_else(|| websocket_url(&args.rpc_url)));
    print(
        "start",
        json!({
            "keeper": signer.pubkey().to_string(),
            "rpc_url": args.rpc_url,
            "ws_url": ws_url,
            "pairs": if args.pairs.is_empty() { json!("all") } else { json!(args.pairs.iter().map(Pubkey::to_string).collect::<Vec<_>>()) },
            "dry_run": args.dry_run,
        }),
    );
    if let Some(ws_url) = ws_url {
        if let Err(error) = chain.subscribe(&ws_url, dlex_keeper::book::position_filters(None)).await {
            print("warning", json!({ "warning": format!("{error}; positions are re-read by a full rescan every {} rounds", args.rescan_every) }));
        }
    }
    let mut keeper = Keeper::new(signer, config);
    if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(indicatif::ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} positions").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()));
        bar.set_message("evaluating");
        keeper.progress = Some(Box::new(move |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            if done >= total {
                bar.finish_and_clear();
                bar.reset();
            }
        }));
    }
    loop {
        match keeper.round(&mut chain).await {
            Ok(report) => {
                for attempt in &report.attempts {
                    print("liquidation", attempt);
                }
                print("round", &report);
            }
            Err(error) => {
                print("round_failed", json!({ "round": keeper.rounds(), "error": error }));
                if args.once {
                    return Ok(std::process::ExitCode::FAILURE);
                }
            }
        }
        if args.once {
            return Ok(std::process::ExitCode::SUCCESS);
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(args.interval)) => {}
            _ = tokio::signal::ctrl_c() => {
                print("stop", json!({ "rounds": keeper.rounds() }));
                return Ok(std::process::ExitCode::SUCCESS);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::websocket_url;

    #[test]
    fn websocket_url_follows_the_solana_cli_rule() {
        assert_eq!(websocket_url("http://127.0.0.1:8899"), "ws://127.0.0.1:8900");
        assert_eq!(websocket_url("https://api.devnet.solana.com"), "wss://api.devnet.solana.com");
        assert_eq!(websocket_url("https://rpc.example.com:443/key"), "wss://rpc.example.com:444/key");
    }
}
