//! The keeper over JSON-RPC (`RpcChain`) against `dlex localnet`, end to end: a pool, a lender
//! and two borrowers are set up with real transactions over HTTP, a sale of Y makes one
//! borrower liquidatable, and the keeper, repaying from its associated token accounts, finds
//! the positions with `getProgramAccounts`, simulates and sends the liquidation and confirms
//! it; the other borrower is left alone. A dry run before it sends nothing. The endpoint has no
//! `programSubscribe`, so the keeper's subscription attempt fails and it refreshes by rescans.

use anchor_lang::prelude::Pubkey;
use anchor_spl::associated_token::{get_associated_token_address_with_program_id, spl_associated_token_account};
use anchor_spl::token_2022::spl_token_2022;
use dlex::actions::{Asset, SwapDirection};
use dlex::state::TokenKind;
use dlex_keeper::{Config, Keeper, RpcChain, Status};
use dlex_sdk::bank::TOKEN_PROGRAM;
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::{decode, localnet, pda, PairKeys};
use serde_json::json;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;

const MID: u32 = 8;

async fn send(client: &RpcClient, instructions: &[Instruction], payer: &Keypair, signers: &[&Keypair]) {
    dlex_sdk::rpc::send_and_confirm(client, instructions, payer, signers).await.expect("transaction confirmed");
}

async fn user(client: &RpcClient, authority: &Keypair, keys: &PairKeys, amount: u64) -> (Keypair, UserTokens) {
    dlex_sdk::rpc::funded_user(client, authority, keys, amount).await.expect("a funded user")
}

async fn tick(client: &RpcClient, keys: &PairKeys, trader: &(Keypair, UserTokens), intervals: u32) {
    dlex_sdk::rpc::tick(client, keys, trader, MID, intervals).await.expect("ticks");
}

/// `dlex localnet` with the config and one pair of two SPL Token mints (the payer is their
/// mint authority).
async fn localnet_with_pair() -> (localnet::Localnet, RpcClient, Keypair, PairKeys) {
    let server = localnet::start("127.0.0.1:0".parse().expect("address")).await.expect("localnet starts");
    let client = RpcClient::new(server.url());
    let payer = server.payer().insecure_clone();
    let keys = dlex_sdk::rpc::config_and_pair(&client, &payer, (TOKEN_PROGRAM, TOKEN_PROGRAM), MID).await.expect("config and pair");
    (server, client, payer, keys)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keeper_liquidates_over_json_rpc() {
    let (server, client, payer, keys) = localnet_with_pair().await;

    let funds = 100_000_000_000_000;
    let lp = user(&client, &payer, &keys, funds).await;
    let trader = user(&client, &payer, &keys, funds).await;
    let risky = user(&client, &payer, &keys, funds).await;
    let careful = user(&client, &payer, &keys, funds).await;
    send(&client, &[ix::mint(&keys, &lp.1, 1_000_000_000, 4_000_000_000, 0)], &lp.0, &[]).await;
    send(&client, &[ix::deposit(&keys, &lp.1, Asset::X, 500_000_000, 0)], &lp.0, &[]).await;
    for borrower in [&risky, &careful] {
        send(&client, &[ix::deposit(&keys, &borrower.1, Asset::Y, 400_000_000, 0)], &borrower.0, &[]).await;
    }
    tick(&client, &keys, &trader, 50).await;
    // The SDK appends the tranche accounts (`saturation::complete` over the cluster's accounts).
    let mut cluster = dlex_sdk::source::Cluster::new(&server.url());
    for (borrower, amount) in [(&risky, 30_000_000), (&careful, 5_000_000)] {
        let borrow = dlex_sdk::saturation::complete(&mut cluster, &[ix::borrow(&keys, &borrower.1, Asset::X, amount)]).await.expect("complete");
        send(&client, &borrow, &borrower.0, &[]).await;
    }
    send(&client, &[ix::swap_exact_in(&keys, &trader.1, SwapDirection::YToX, 3_000_000_000, 0)], &trader.0, &[]).await;
    tick(&client, &keys, &trader, 50).await;

    // The keeper: a new keypair with SOL and X only in its associated token accounts.
    let keeper_keypair = Keypair::new();
    let signature = client.request_airdrop(&keeper_keypair.pubkey(), 10_000_000_000).await.expect("airdrop");
    assert!(client.confirm_transaction(&signature).await.expect("confirm"));
    let keeper_x = get_associated_token_address_with_program_id(&keeper_keypair.pubkey(), &keys.mint_x, &TOKEN_PROGRAM);
    let fund = [
        spl_associated_token_account::instruction::create_associated_token_account_idempotent(&payer.pubkey(), &keeper_keypair.pubkey(), &keys.mint_x, &TOKEN_PROGRAM),
        spl_token_2022::instruction::mint_to(&TOKEN_PROGRAM, &keys.mint_x, &keeper_x, &payer.pubkey(), &[], 1_000_000_000).expect("mint_to"),
    ];
    send(&client, &fund, &payer, &[]).await;

    let mut chain = RpcChain::new(&server.url());
    assert!(chain.subscribe(&server.ws_url(), dlex_keeper::book::position_filters(None)).await.is_err(), "localnet has no programSubscribe yet");

    let mut dry = Keeper::new(keeper_keypair.insecure_clone(), Config { dry_run: true, ..Config::default() });
    let report = dry.round(&mut chain).await.expect("dry round");
    assert_eq!(report.positions_scanned, 4, "{report:?}");
    let risky_owner = risky.0.pubkey().to_string();
    assert_eq!(report.attempts.iter().map(|a| (a.owner.clone(), a.status)).collect::<Vec<_>>(), vec![(risky_owner.clone(), Status::WouldSend)]);
    let keeper_position = pda::position(keys.pair, keeper_keypair.pubkey());
    assert!(client.get_account(&keeper_position).await.is_err(), "the dry run opened nothing");

    let mut keeper = Keeper::new(keeper_keypair.insecure_clone(), Config { withdraw_seized: true, ..Config::default() });
    let report = keeper.round(&mut chain).await.expect("round");
    assert_eq!((report.liquidatable, report.sent, report.failed), (1, 1, 0), "{:?}", report.attempts);
    let attempt = &report.attempts[0];
    assert_eq!((attempt.owner.as_str(), attempt.kind.as_str()), (risky_owner.as_str(), "hard"));
    let signature: solana_sdk::signature::Signature = attempt.signature.as_deref().expect("signature").parse().expect("a real signature");
    assert!(client.confirm_transaction(&signature).await.expect("confirmed"));
    let paid_x: u64 = attempt.paid[0].parse().expect("paid");
    assert!(paid_x > 0);

    // The keeper paid exactly the planned X, opened its position and its Y account, and, with
    // `withdraw_seized`, holds the seized Y as tokens and nothing in the position.
    let balance = |account: Pubkey| {
        let client = &client;
        async move { client.get_token_account_balance(&account).await.expect("token balance").amount.parse::<u64>().expect("amount") }
    };
    assert_eq!(balance(keeper_x).await, 1_000_000_000 - paid_x);
    let keeper_y = get_associated_token_address_with_program_id(&keeper_keypair.pubkey(), &keys.mint_y, &TOKEN_PROGRAM);
    assert!(balance(keeper_y).await > 0, "{:?}", report.withdrawn);
    let position = decode::position(&client.get_account(&keeper_position).await.expect("keeper position").data).expect("decodes");
    assert_eq!(position.share_balance(TokenKind::DepositY), 0);
    let careful_position = decode::position(&client.get_account(&pda::position(keys.pair, careful.0.pubkey())).await.expect("position").data).expect("decodes");
    assert!(careful_position.share_balance(TokenKind::BorrowX) > 0, "the careful borrower keeps its loan");

    let next = keeper.round(&mut chain).await.expect("next round");
    assert!(!next.full_scan, "rescans are periodic, not every round");
    assert_eq!((next.liquidatable, next.sent), (0, 0), "{:?}", next.attempts);
    server.stop().await;
}

/// The `dlex-keeper` binary against `dlex localnet`: `--dry-run --once` logs one JSON object
/// per line (start, the subscription warning, the round) and exits 0; a missing keypair file is
/// a `fatal` line and exit code 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_logs_json_lines() {
    let (server, client, payer, keys) = localnet_with_pair().await;
    let _ = user(&client, &payer, &keys, 0).await;
    let dir = std::env::temp_dir().join(format!("dlex-keeper-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let keypair_path = dir.join("keeper.json");
    server.write_payer_keypair(&keypair_path).expect("keypair file");

    let url = server.url();
    let run = |args: Vec<String>| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_dlex-keeper")).arg("--rpc-url").arg(url).args(args).output().expect("runs")
        })
    };
    let output = run(vec!["--keypair".into(), keypair_path.display().to_string(), "--pair".into(), keys.pair.to_string(), "--dry-run".into(), "--once".into()])
        .await
        .expect("joined");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(output.stdout).expect("utf-8").lines().map(|line| serde_json::from_str(line).expect("every line is JSON")).collect();
    let events: Vec<&str> = lines.iter().map(|line| line["event"].as_str().expect("event")).collect();
    assert_eq!(events, ["start", "warning", "round"]);
    assert_eq!(lines[0]["keeper"], payer.pubkey().to_string());
    assert_eq!(lines[0]["pairs"], json!([keys.pair.to_string()]));
    assert_eq!(lines[0]["dry_run"], true);
    let round = &lines[2];
    assert_eq!((round["round"].as_u64(), round["full_scan"].as_bool()), (Some(1), Some(true)));
    assert_eq!((round["positions_scanned"].as_u64(), round["liquidatable"].as_u64(), round["sent"].as_u64()), (Some(1), Some(0), Some(0)));

    let output = run(vec!["--keypair".into(), dir.join("missing.json").display().to_string(), "--once".into()]).await.expect("joined");
    assert_eq!(output.status.code(), Some(1));
    let line: serde_json::Value = serde_json::from_str(String::from_utf8(output.stdout).expect("utf-8").trim()).expect("JSON");
    assert_eq!(line["event"], "fatal");
    assert!(line["error"].as_str().expect("error").contains("cannot read the keypair file"), "{line}");
    server.stop().await;
}
