//! The `dlex` binary as a user runs it: help, flag errors, and the messages of `dlex position`
//! when the endpoint, the pair or the position is not what it should be. No validator: the
//! unreachable case uses a closed loopback port, the others a tiny canned JSON-RPC server on
//! loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};

use anchor_lang::prelude::Pubkey;
use anchor_lang::Discriminator;

const SYSTEM_PROGRAM: &str = "11111111111111111111111111111111";

fn dlex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dlex")).args(args).output().expect("run dlex")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_lists_the_subcommands() {
    let output = dlex(&["--help"]);
    assert!(output.status.success());
    let text = stdout(&output);
    for subcommand in ["demo", "position", "localnet", "recipe", "completions"] {
        assert!(text.contains(subcommand), "`{subcommand}` missing from --help:\n{text}");
    }
}

#[test]
fn position_help_lists_its_flags() {
    let output = dlex(&["position", "--help"]);
    assert!(output.status.success());
    let text = stdout(&output);
    for flag in ["--pair <PAIR>", "--owner <OWNER>", "--url <RPC_URL>", "http://127.0.0.1:8899"] {
        assert!(text.contains(flag), "`{flag}` missing from position --help:\n{text}");
    }
}

#[test]
fn version_and_completions() {
    let output = dlex(&["--version"]);
    assert!(output.status.success());
    assert_eq!(stdout(&output).trim(), format!("dlex {}", env!("CARGO_PKG_VERSION")));
    let output = dlex(&["completions", "bash"]);
    assert!(output.status.success());
    assert!(stdout(&output).contains("dlex"));
}

#[test]
fn a_bad_pair_names_the_flag() {
    let output = dlex(&["position", "--pair", "not-a-key", "--owner", SYSTEM_PROGRAM]);
    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(text.contains("--pair") && text.contains("base58"), "{text}");
    assert!(stdout(&output).is_empty());
}

#[test]
fn an_unreachable_endpoint_says_so_and_suggests_a_validator() {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    let url = "http://127.0.0.1:9";
    let output = dlex(&["position", "--pair", SYSTEM_PROGRAM, "--owner", SYSTEM_PROGRAM, "--url", url]);
    assert!(!output.status.success());
    let text = stderr(&output);
    assert!(text.contains(&format!("cannot reach the RPC endpoint {url}")), "{text}");
    assert!(text.contains("solana-test-validator") && text.contains("--url"), "{text}");
    assert!(!text.contains("AccountNotFound"), "{text}");
    assert!(stdout(&output).is_empty());
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() { TABLE[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

/// A JSON-RPC server on a free loopback port that answers every `getMultipleAccounts` with
/// `accounts` (address → (owner, data)) and `null` for any other address. Returns its URL.
fn canned_rpc(accounts: Vec<(Pubkey, Pubkey, Vec<u8>)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let body = String::from_utf8_lossy(&body);
            let value = match accounts.iter().find(|(address, ..)| body.contains(&address.to_string())) {
                Some((_, owner, data)) => format!(
                    r#"{{"lamports":1000000,"data":["{}","base64"],"owner":"{owner}","executable":false,"rentEpoch":0,"space":{}}}"#,
                    base64(data),
                    data.len()
                ),
                None => "null".into(),
            };
            let json = format!(r#"{{"jsonrpc":"2.0","result":{{"context":{{"slot":1}},"value":[{value}]}},"id":1}}"#);
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
                json.len()
            );
            let _ = reader.get_mut().write_all(response.as_bytes());
        }
    });
    url
}

fn position_at(url: &str, pair: Pubkey, owner: Pubkey) -> (bool, String) {
    let output = dlex(&["position", "--pair", &pair.to_string(), "--owner", &owner.to_string(), "--url", url]);
    assert!(stdout(&output).is_empty());
    (output.status.success(), stderr(&output))
}

#[test]
fn a_pair_address_without_an_account() {
    let (pair, owner) = (Pubkey::new_unique(), Pubkey::new_unique());
    let url = canned_rpc(vec![]);
    let (ok, text) = position_at(&url, pair, owner);
    assert!(!ok);
    assert!(text.contains(&format!("no account at {pair}: is this the pair address on this cluster")), "{text}");
}

#[test]
fn an_account_that_is_not_a_pair() {
    let (pair, owner) = (Pubkey::new_unique(), Pubkey::new_unique());
    let url = canned_rpc(vec![(pair, Pubkey::default(), vec![])]);
    let (ok, text) = position_at(&url, pair, owner);
    assert!(!ok);
    assert!(text.contains(&format!("{pair} is not a dlex pair")) && text.contains("System Program"), "{text}");
}

#[test]
fn an_owner_without_a_position() {
    let (pair, owner) = (Pubkey::new_unique(), Pubkey::new_unique());
    let mut data = dlex::state::Pair::DISCRIMINATOR.to_vec();
    data.resize(8 + std::mem::size_of::<dlex::state::Pair>(), 0);
    let url = canned_rpc(vec![(pair, dlex::ID, data)]);
    let (ok, text) = position_at(&url, pair, owner);
    assert!(!ok);
    assert!(text.contains(&format!("{owner} has no position in pair {pair}")) && text.contains("open_position"), "{text}");
}

/// `dlex recipe`: the plan and its preview, and with `--execute` the position it opened (solvent,
/// with the borrowed Y as its only debt); a parameter that is not a number is named.
#[test]
fn recipe_plans_previews_and_opens_a_strategy() {
    let output = dlex(&["recipe", "delta-neutral-market-making", "--equity", "500", "--execute"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(text.contains("execute, 2 legs") && text.contains("Borrow { asset: Y") && text.contains("Mint {"), "{text}");
    assert!(text.contains("preview: pays ") && text.contains("opened:") && text.contains("solvent      yes"), "{text}");
    let bad = dlex(&["recipe", "long", "--param", "two"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("`two` is not a number"), "{}", stderr(&bad));
}

/// `dlex chart both --recipe`: the outlook (liquidation prices, time to liquidation, carry) and
/// the four files, real PNGs and SVGs; `--unit usd` needs its rate.
#[test]
fn chart_writes_the_payout_chart_and_the_heat_map_of_a_recipe() {
    let dir = std::env::temp_dir().join(format!("dlex-chart-test-{}", std::process::id()));
    let output = dlex(&["chart", "both", "--recipe", "long", "--param", "2", "--palette", "colour-blind", "--out", dir.to_str().unwrap()]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(text.contains("LTV 75%: below ") && text.contains("time to liquidation") && text.contains("carry: DEPOSIT_Y"), "{text}");
    for name in ["long-payout.png", "long-heatmap.png"] {
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000, "{name} is a PNG");
    }
    for name in ["long-payout.svg", "long-heatmap.svg"] {
        let svg = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(svg.contains("<svg") && svg.contains("Long 2x"), "{name} is an SVG with its title");
    }
    std::fs::remove_dir_all(&dir).ok();
    let usd = dlex(&["chart", "payout", "--recipe", "long", "--unit", "usd"]);
    assert_eq!(usd.status.code(), Some(2));
    assert!(stderr(&usd).contains("--usd-per-x"), "{}", stderr(&usd));
}

/// `dlex swap` on the in-process pools: A to C goes through B (the direct pair is shallow),
/// with each hop's fee and price impact, and executes; an exact output and the errors a user
/// can make (a bad amount, the same mint twice, an unknown mint) say what is wrong.
#[test]
fn swap_routes_through_the_deep_pairs_and_sends() {
    let output = dlex(&["swap", "--from", "A", "--to", "C", "--amount", "1000", "--execute"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(text.contains("route A → B → C (2 hops)") && text.contains("price impact") && text.contains("also: 1 hop via"), "{text}");
    assert!(text.contains("sent: ") && text.contains("2 Swapped events, one per hop"), "{text}");
    let exact_out = dlex(&["swap", "--from", "C", "--to", "A", "--amount", "250.5", "--exact-out"]);
    assert!(exact_out.status.success() && stdout(&exact_out).contains("expected: 250.500000 A costs "), "{}{}", stdout(&exact_out), stderr(&exact_out));
    for (args, message) in [
        (["swap", "--from", "A", "--to", "C", "--amount", "1.2.3"], "is not an amount"),
        (["swap", "--from", "A", "--to", "A", "--amount", "1"], "the input and output mints are the same"),
        (["swap", "--from", "A", "--to", "Q", "--amount", "1"], "`Q`"),
        (["swap", "--from", "A", "--to", "C", "--amount", "0"], "above zero"),
    ] {
        let output = dlex(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
    }
}
