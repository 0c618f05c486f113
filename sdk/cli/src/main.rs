//! `dlex`: the command line of dlex.
//!
//! `dlex demo` is the main job: it runs a whole pool on an in-process bank (no validator) and
//! prints what happened. `dlex position` reads a position from a cluster and prints its health
//! and limits. Everything computed off-chain comes from the program crate itself.

mod demo;

use std::str::FromStr;

use anchor_lang::prelude::Pubkey;

const USAGE: &str = "\
dlex — one Solana pool that is both an exchange and a money market

USAGE:
    dlex demo
        run a full scenario on an in-process bank and print a report
    dlex position --pair <PAIR> --owner <OWNER> [--url <RPC_URL>]
        print a position's health and limits, read from a cluster
        (default URL http://127.0.0.1:8899, a local validator)
    dlex help
        show this message
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let result = match args.first().map(String::as_str) {
        Some("demo") => runtime.block_on(demo::run()),
        Some("position") => runtime.block_on(position(&args[1..])),
        None | Some("help") | Some("--help") | Some("-h") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(error) = result {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

/// The value after `--name`, if present.
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
}

fn pubkey_flag(args: &[String], name: &str) -> Result<Pubkey, String> {
    let value = flag(args, name).ok_or(format!("missing {name} <PUBKEY>\n\n{USAGE}"))?;
    Pubkey::from_str(value).map_err(|_| format!("{name}: `{value}` is not a base58 public key"))
}

async fn position(args: &[String]) -> Result<(), String> {
    let pair = pubkey_flag(args, "--pair")?;
    let owner = pubkey_flag(args, "--owner")?;
    let url = flag(args, "--url").unwrap_or("http://127.0.0.1:8899");
    let mut cluster = dlex_sdk::source::Cluster::new(url);
    let health = dlex_sdk::health::fetch(&mut cluster, pair, owner).await?;
    println!("position of {owner} in pair {pair} ({url})");
    print!("{}", dlex_sdk::health::describe(&health));
    Ok(())
}
