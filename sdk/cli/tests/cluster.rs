//! `dlex recipe` and `dlex chart` against a cluster, here `dlex localnet` in process: the
//! recipe is planned on the cluster's pair for a keypair file's wallet, sent (its position
//! opened in the same transaction), and the wallet pays exactly what the preview printed; the
//! charts of that position are then drawn from what the cluster holds.

use dlex::state::TokenKind;
use dlex_sdk::bank::TOKEN_PROGRAM;
use dlex_sdk::recipes::{self, ONE};
use dlex_sdk::{ix, localnet, pda, rpc, Asset};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::signer::Signer;

const MID: u32 = 8;
const WHOLE: u64 = 1_000_000;

/// Runs the `dlex` binary off the runtime (the endpoint is served by this process).
async fn dlex(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || std::process::Command::new(env!("CARGO_BIN_EXE_dlex")).args(args).output().expect("runs")).await.expect("joined")
}

fn text(output: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// The number after `pays ` in the preview line, in raw units.
fn paid_x(stdout: &str) -> u64 {
    let after = stdout.split("preview: pays ").nth(1).expect("a preview line");
    let amount = after.split(' ').next().expect("an amount");
    let (whole, fraction) = amount.split_once('.').expect("decimals");
    whole.parse::<u64>().expect("whole") * WHOLE + fraction.parse::<u64>().expect("fraction")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recipe_opens_on_a_cluster_and_chart_draws_the_position() {
    let server = localnet::start("127.0.0.1:0".parse().expect("address")).await.expect("localnet starts");
    let url = server.url();
    let client = RpcClient::new(url.clone());
    let payer = server.payer().insecure_clone();
    let keys = rpc::config_and_pair(&client, &payer, (TOKEN_PROGRAM, TOKEN_PROGRAM), MID).await.expect("config and pair");
    let lp = rpc::funded_user(&client, &payer, &keys, 100_000_000 * WHOLE).await.expect("lp");
    rpc::send_and_confirm(&client, &[ix::mint(&keys, &lp.1, 1_000_000 * WHOLE, 4_000_000 * WHOLE, 0), ix::deposit(&keys, &lp.1, Asset::Y, 800_000 * WHOLE, 0)], &lp.0, &[]).await.expect("liquidity");
    rpc::tick(&client, &keys, &lp, MID, 50).await.expect("the TWAP window fills");

    // A wallet with 3,000 X and 3,000 Y, whose keypair file the command reads; no position yet.
    let wallet = solana_sdk::signature::Keypair::new();
    let airdrop = client.request_airdrop(&wallet.pubkey(), 10_000_000_000).await.expect("airdrop");
    client.poll_for_signature(&airdrop).await.expect("confirmed");
    let tokens = ix::UserTokens::associated(wallet.pubkey(), &keys);
    let mut fund = Vec::new();
    for (mint, account) in [(keys.mint_x, tokens.token_x), (keys.mint_y, tokens.token_y)] {
        fund.push(anchor_spl::associated_token::spl_associated_token_account::instruction::create_associated_token_account_idempotent(&payer.pubkey(), &wallet.pubkey(), &mint, &TOKEN_PROGRAM));
        fund.push(anchor_spl::token_2022::spl_token_2022::instruction::mint_to(&TOKEN_PROGRAM, &mint, &account, &payer.pubkey(), &[], 3_000 * WHOLE).expect("mint_to"));
    }
    rpc::send_and_confirm(&client, &fund, &payer, &[]).await.expect("fund the wallet");
    let dir = std::env::temp_dir().join(format!("dlex-cli-cluster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let keypair_path = dir.join("wallet.json");
    std::fs::write(&keypair_path, serde_json::to_string(&wallet.to_bytes().to_vec()).expect("JSON")).expect("keypair file");
    let cluster_args = |extra: &[&str]| {
        let mut args: Vec<String> = ["recipe", "delta-neutral-market-making", "--url", &url, "--pair", &keys.pair.to_string(), "--keypair", keypair_path.to_str().expect("utf-8")].iter().map(|s| s.to_string()).collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };

    // Too much equity for the wallet: refused before planning, naming the account.
    let output = dlex(cluster_args(&["--equity", "5000"])).await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains(&format!("holds 3000.000000 X in {}", tokens.token_x)), "{}", text(&output));

    let output = dlex(cluster_args(&["--equity", "1000", "--execute"])).await;
    let stdout = text(&output);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("execute, 2 legs") && stdout.contains("sent: ") && stdout.contains("opened:"), "{stdout}");
    let paid = paid_x(&stdout);
    assert!((1_000 * WHOLE..=1_001 * WHOLE).contains(&paid), "pays the equity: {paid}");
    let balance = |account| {
        let client = &client;
        async move { client.get_token_account_balance(&account).await.expect("balance").amount.parse::<u64>().expect("amount") }
    };
    assert_eq!(balance(tokens.token_x).await, 3_000 * WHOLE - paid, "the wallet paid exactly the preview's amount");
    let y = balance(tokens.token_y).await;
    assert!((3_000 * WHOLE..=3_000 * WHOLE + 10).contains(&y), "no Y paid; at most rounding dust of the borrowed Y comes back: {y}");
    let position = dlex_sdk::decode::position(&client.get_account(&pda::position(keys.pair, wallet.pubkey())).await.expect("opened").data).expect("a position");
    let pair = dlex_sdk::decode::pair(&client.get_account(&keys.pair).await.expect("pair").data).expect("a pair");
    assert!(position.share_balance(TokenKind::DepositL) > 0 && position.share_balance(TokenKind::BorrowY) > 0);
    let (delta, gamma) = recipes::composition_of(&pair.pool(), &position).expect("composition").scores();
    assert!(delta.abs() <= 200 && (gamma + ONE / 2).abs() <= 200, "delta-neutral market making: δ̂ {delta} γ̂ {gamma}");

    // Its charts, read over RPC; the fee yield is measured from the pair's Swapped events
    // (getSignaturesForAddress, getTransaction).
    let charts = dir.join("charts");
    let output = dlex(
        ["chart", "both", "--pair", &keys.pair.to_string(), "--owner", &wallet.pubkey().to_string(), "--url", &url, "--out", charts.to_str().expect("utf-8")]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    )
    .await;
    let stdout = text(&output);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("LTV 75%: below none, above ") && stdout.contains("carry: DEPOSIT_L"), "{stdout}");
    let svg = std::fs::read_to_string(charts.join(format!("position-{}-heatmap.svg", &wallet.pubkey().to_string()[..8]))).expect("svg");
    assert!(svg.contains("of swaps (50 swaps)"), "the fee yield of the 50 ticks, measured over RPC");
    let stem = format!("position-{}", &wallet.pubkey().to_string()[..8]);
    for suffix in ["payout.png", "payout.svg", "heatmap.png", "heatmap.svg"] {
        let file = charts.join(format!("{stem}-{suffix}"));
        assert!(std::fs::metadata(&file).map(|m| m.len() > 1_000).unwrap_or(false), "{} written", file.display());
    }

    // getSignaturesForAddress pages newest first: `limit`, then `before` the first one.
    use solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config as Page;
    let page = |before: Option<solana_sdk::signature::Signature>, limit: usize| {
        let client = &client;
        async move { client.get_signatures_for_address_with_config(&keys.pair, Page { before, limit: Some(limit), ..Default::default() }).await.expect("signatures") }
    };
    let newest = page(None, 3).await;
    assert_eq!(newest.len(), 3);
    assert!(newest.windows(2).all(|w| w[0].slot > w[1].slot && w[0].block_time >= w[1].block_time), "newest first");
    let after_first = page(Some(newest[0].signature.parse().expect("signature")), 2).await;
    assert_eq!(after_first.iter().map(|s| &s.signature).collect::<Vec<_>>(), newest[1..].iter().map(|s| &s.signature).collect::<Vec<_>>());
    assert!(client.get_signatures_for_address_with_config(&keys.pair, Page { limit: Some(1_001), ..Default::default() }).await.is_err(), "at most 1,000");

    std::fs::remove_dir_all(&dir).ok();
    server.stop().await;
}
