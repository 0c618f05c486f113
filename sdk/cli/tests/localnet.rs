//! `dlex localnet` as a user runs it: it prints its URL and payer keypair file, serves real dlex
//! transactions signed with that keypair, `dlex position --url` reads a position from it, and
//! Ctrl-C (SIGINT) stops it cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use anchor_lang::prelude::Pubkey;
use dlex_sdk::bank::{TOKEN_2022_PROGRAM, TOKEN_PROGRAM};
use dlex_sdk::{ix, pda};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;

async fn send(client: &RpcClient, instructions: &[Instruction], payer: &Keypair, signers: &[&Keypair]) {
    dlex_sdk::rpc::send_and_confirm(client, instructions, payer, signers).await.expect("transaction confirmed");
}

async fn create_mint(client: &RpcClient, payer: &Keypair, token_program: Pubkey) -> Pubkey {
    dlex_sdk::rpc::create_mint(client, payer, token_program, 6).await.expect("mint")
}

#[tokio::test]
async fn localnet_serves_dlex_and_position_reads_from_it() {
    let dir = std::env::temp_dir().join(format!("dlex-cli-localnet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let keypair_path = dir.join("payer.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dlex"))
        .args(["localnet", "--port", "0", "--payer-keypair"])
        .arg(&keypair_path)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start dlex localnet");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    let url = first.rsplit(' ').next().expect("URL").to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");
    let ws = lines.next().expect("a WebSocket line").expect("utf-8");
    assert!(ws.contains("ws://127.0.0.1:"), "{ws}");
    let second = lines.next().expect("a keypair line").expect("utf-8");
    assert!(second.contains(&keypair_path.display().to_string()), "{second}");

    let bytes: Vec<u8> = serde_json::from_str(&std::fs::read_to_string(&keypair_path).expect("keypair file")).expect("JSON array");
    let payer = Keypair::try_from(&bytes[..]).expect("64-byte keypair");

    // Config, a pair of an SPL Token and a Token-2022 mint, and the payer's position, over RPC.
    let client = RpcClient::new(url.clone());
    send(&client, &[ix::init_config(payer.pubkey(), payer.pubkey(), 8, 8 * 14)], &payer, &[]).await;
    let mint_a = create_mint(&client, &payer, TOKEN_PROGRAM).await;
    let mint_b = create_mint(&client, &payer, TOKEN_2022_PROGRAM).await;
    let (create, keys) = ix::create_pair(payer.pubkey(), (mint_a, TOKEN_PROGRAM), (mint_b, TOKEN_2022_PROGRAM));
    send(&client, &[create], &payer, &[]).await;
    send(&client, &[ix::open_position(payer.pubkey(), keys.pair)], &payer, &[]).await;
    assert!(client.get_account(&pda::position(keys.pair, payer.pubkey())).await.is_ok());

    let output = Command::new(env!("CARGO_BIN_EXE_dlex"))
        .args(["position", "--pair", &keys.pair.to_string(), "--owner", &payer.pubkey().to_string(), "--url", &url])
        .output()
        .expect("run dlex position");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains(&format!("position of {} in pair {}", payer.pubkey(), keys.pair)), "{stdout}");

    // Ctrl-C stops it cleanly.
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill -INT");
    assert!(status.success());
    let exit = child.wait().expect("dlex localnet exits");
    assert!(exit.success(), "{exit}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|line| line == "dlex localnet stopped"), "{rest:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// With `--stop-on-stdin-close`, the endpoint stops when its standard input closes: a test
/// runner that spawned it with a pipe cannot leave it running, even if the runner is killed.
#[test]
fn localnet_stops_when_stdin_closes() {
    let dir = std::env::temp_dir().join(format!("dlex-cli-localnet-stdin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dlex"))
        .args(["localnet", "--port", "0", "--stop-on-stdin-close", "--payer-keypair"])
        .arg(dir.join("payer.json"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start dlex localnet");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    assert!(first.starts_with("dlex localnet: Solana JSON-RPC at http://127.0.0.1:"), "{first}");
    drop(child.stdin.take());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("try_wait") {
            break exit;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("dlex localnet still runs 30 s after its standard input closed");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|line| line == "standard input closed"), "{rest:?}");
    assert!(rest.iter().any(|line| line == "dlex localnet stopped"), "{rest:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
