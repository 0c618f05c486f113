//! `dlex_sdk::localnet` driven over HTTP by the Solana `RpcClient`, as a client would: health,
//! airdrops, real dlex transactions (config, pair with one SPL Token and one Token-2022 mint,
//! a position) whose accounts decode with `dlex_sdk::decode` and whose events are read from
//! `getTransaction`'s inner instructions, time travel, and bad input that must not stop it.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::program_pack::Pack;
use anchor_spl::token_2022::spl_token_2022;
use dlex_sdk::bank::{TOKEN_2022_PROGRAM, TOKEN_PROGRAM};
use dlex_sdk::source::{AccountSource, Cluster};
use dlex_sdk::{decode, ix, localnet, pda};
use serde_json::{json, Value};
use solana_rpc_client::api::client_error::ErrorKind;
use solana_rpc_client::api::request::{RpcError, RpcRequest};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::config::{RpcAccountInfoConfig, RpcProgramAccountsConfig};
use solana_rpc_client_api::filter::{Memcmp, RpcFilterType};
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signature};
use solana_sdk::signer::Signer;
use solana_sdk::transaction::Transaction;
use solana_transaction_status_client_types::{UiInstruction, UiTransactionEncoding};

const MID: u32 = 8;
const LONG: u32 = 8 * 14;

async fn send(client: &RpcClient, instructions: &[Instruction], payer: &Keypair, signers: &[&Keypair]) -> Signature {
    dlex_sdk::rpc::send_and_confirm(client, instructions, payer, signers).await.expect("transaction confirmed")
}

async fn create_mint(client: &RpcClient, payer: &Keypair, token_program: Pubkey) -> Pubkey {
    dlex_sdk::rpc::create_mint(client, payer, token_program, 6).await.expect("mint")
}

fn rpc_error_code(error: &solana_rpc_client::api::client_error::Error) -> Option<i64> {
    match error.kind() {
        ErrorKind::RpcError(RpcError::RpcResponseError { code, .. }) => Some(*code),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localnet_serves_solana_json_rpc_over_the_bank() {
    let server = localnet::start("127.0.0.1:0".parse().expect("address")).await.expect("localnet starts");
    let client = RpcClient::new(server.url());

    // The payer keypair file, as `dlex localnet` writes it.
    let dir = std::env::temp_dir().join(format!("dlex-localnet-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("payer.json");
    server.write_payer_keypair(&path).expect("write keypair");
    let bytes: Vec<u8> = serde_json::from_str(&std::fs::read_to_string(&path).expect("read keypair")).expect("JSON array");
    assert_eq!(bytes.len(), 64);
    let payer = Keypair::try_from(&bytes[..]).expect("keypair");
    assert_eq!(payer.pubkey(), server.payer().pubkey());

    // Health and version.
    client.get_health().await.expect("getHealth");
    assert!(!client.get_version().await.expect("getVersion").solana_core.is_empty());
    assert!(client.get_slot().await.expect("getSlot") > 0);
    for program in [dlex::ID, TOKEN_PROGRAM, TOKEN_2022_PROGRAM, anchor_spl::associated_token::ID] {
        assert!(client.get_account(&program).await.expect("program account").executable, "{program} loaded");
    }
    client.get_epoch_info().await.expect("getEpochInfo");
    client.get_genesis_hash().await.expect("getGenesisHash");

    // Airdrop to a new key, twice (two airdrops of one amount are distinct transactions).
    let user = Keypair::new();
    for expected in [2_000_000_000, 4_000_000_000] {
        let signature = client.request_airdrop(&user.pubkey(), 2_000_000_000).await.expect("requestAirdrop");
        assert!(client.confirm_transaction(&signature).await.expect("getSignatureStatuses"));
        assert_eq!(client.get_balance(&user.pubkey()).await.expect("getBalance"), expected);
    }

    // dlex over RPC: config, two mints (SPL Token, Token-2022), a pair, a position.
    send(&client, &[ix::init_config(payer.pubkey(), payer.pubkey(), MID, LONG)], &payer, &[]).await;
    let config = client.get_account(&pda::config()).await.expect("config account");
    assert_eq!(decode::config(&config.data).expect("config decodes").admin, payer.pubkey());

    let mint_a = create_mint(&client, &payer, TOKEN_PROGRAM).await;
    let mint_b = create_mint(&client, &payer, TOKEN_2022_PROGRAM).await;
    let (create, keys) = ix::create_pair(payer.pubkey(), (mint_a, TOKEN_PROGRAM), (mint_b, TOKEN_2022_PROGRAM));
    let create_signature = send(&client, &[create], &payer, &[]).await;
    let pair = decode::pair(&client.get_account(&keys.pair).await.expect("pair account").data).expect("pair decodes");
    assert_eq!((pair.mint_x, pair.mint_y), (keys.mint_x, keys.mint_y));

    // The PairCreated event, read from getTransaction's inner instructions.
    let tx = client.get_transaction(&create_signature, UiTransactionEncoding::Base64).await.expect("getTransaction");
    let meta = tx.transaction.meta.expect("meta");
    assert!(meta.err.is_none());
    let inner: Option<Vec<_>> = meta.inner_instructions.into();
    let events: Vec<Vec<u8>> = inner
        .unwrap_or_default()
        .into_iter()
        .flat_map(|list| list.instructions)
        .filter_map(|ix| match ix {
            UiInstruction::Compiled(compiled) => bs58::decode(compiled.data).into_vec().ok(),
            UiInstruction::Parsed(_) => None,
        })
        .filter(|data| data.starts_with(anchor_lang::event::EVENT_IX_TAG_LE))
        .map(|data| data[8..].to_vec())
        .collect();
    let created = events.iter().find_map(|e| dlex_sdk::bank::decode_event::<dlex::events::PairCreated>(e)).expect("PairCreated event");
    assert_eq!(created.pair, keys.pair);

    // The user opens a position, paying from the airdrop.
    let signature = send(&client, &[ix::open_position(user.pubkey(), keys.pair)], &user, &[]).await;
    let statuses = client.get_signature_statuses(&[signature]).await.expect("getSignatureStatuses");
    assert!(statuses.value[0].as_ref().is_some_and(|s| s.err.is_none()));
    let position_address = pda::position(keys.pair, user.pubkey());
    let position = decode::position(&client.get_account(&position_address).await.expect("position").data).expect("position decodes");
    assert_eq!(position.owner, user.pubkey());

    // simulateTransaction returns dlex's return data (the position_health query).
    let blockhash = client.get_latest_blockhash().await.expect("blockhash");
    let query = Transaction::new_signed_with_payer(&[ix::position_health(keys.pair, user.pubkey())], Some(&user.pubkey()), &[&user], blockhash);
    let simulated = client.simulate_transaction(&query).await.expect("simulateTransaction").value;
    assert!(simulated.err.is_none(), "{simulated:?}");
    let return_data = simulated.return_data.expect("returnData");
    assert_eq!(return_data.program_id, dlex::ID.to_string());
    assert!(!return_data.data.0.is_empty());

    // getProgramAccounts with a discriminator memcmp finds the pair; dataSize finds the position.
    let discriminator = <dlex::state::Pair as anchor_lang::Discriminator>::DISCRIMINATOR;
    let config = RpcProgramAccountsConfig {
        filters: Some(vec![RpcFilterType::Memcmp(Memcmp::new_raw_bytes(0, discriminator.to_vec()))]),
        account_config: RpcAccountInfoConfig { encoding: Some(solana_account_decoder_client_types::UiAccountEncoding::Base64), ..Default::default() },
        ..Default::default()
    };
    let pairs = client.get_program_ui_accounts_with_config(&dlex::ID, config).await.expect("getProgramAccounts");
    assert_eq!(pairs.iter().map(|(k, _)| *k).collect::<Vec<_>>(), vec![keys.pair]);
    let size = client.get_account(&position_address).await.expect("position").data.len() as u64;
    let sized = client.get_program_ui_accounts_with_config(&dlex::ID, RpcProgramAccountsConfig {
        filters: Some(vec![RpcFilterType::DataSize(size)]),
        ..Default::default()
    }).await.expect("getProgramAccounts");
    assert!(sized.iter().any(|(k, _)| *k == position_address));

    // Several accounts at once; a missing one is null.
    let accounts = client.get_multiple_accounts(&[keys.pair, Pubkey::new_unique()]).await.expect("getMultipleAccounts");
    assert!(accounts[0].is_some() && accounts[1].is_none());

    // Time travel: dlex_warpClock moves the Clock sysvar.
    let mut cluster = Cluster::new(&server.url());
    let before = cluster.unix_timestamp().await.expect("clock");
    let now: i64 = client.send(RpcRequest::Custom { method: "dlex_warpClock" }, json!([3600])).await.expect("dlex_warpClock");
    assert_eq!(now, before + 3600);
    assert_eq!(cluster.unix_timestamp().await.expect("clock"), before + 3600);

    // Unknown method: -32601.
    let error = client.send::<Value>(RpcRequest::Custom { method: "getNothing" }, json!([])).await.expect_err("unknown method");
    assert_eq!(rpc_error_code(&error), Some(-32601), "{error}");

    // Garbage and badly signed transactions are errors; the server keeps answering.
    for garbage in [json!(["not base64 !!", {"encoding": "base64"}]), json!(["AAAA", {"encoding": "base64"}]), json!(["3xyz"]), json!([42])] {
        let error = client.send::<String>(RpcRequest::SendTransaction, garbage).await.expect_err("garbage refused");
        assert_eq!(rpc_error_code(&error), Some(-32602), "{error}");
    }
    let blockhash = client.get_latest_blockhash().await.expect("blockhash");
    let transfer = solana_system_interface::instruction::transfer(&user.pubkey(), &payer.pubkey(), 1);
    let mut forged = Transaction::new_signed_with_payer(&[transfer], Some(&user.pubkey()), &[&user], blockhash);
    forged.signatures[0] = Signature::from([7u8; 64]);
    let error = client.send_transaction(&forged).await.expect_err("bad signature refused");
    assert_eq!(rpc_error_code(&error), Some(-32003), "{error}");
    // A failing program instruction is refused by preflight with the simulation's logs.
    let again = Transaction::new_signed_with_payer(&[ix::open_position(user.pubkey(), keys.pair)], Some(&user.pubkey()), &[&user], blockhash);
    let error = client.send_transaction(&again).await.expect_err("second open_position fails");
    assert_eq!(rpc_error_code(&error), Some(-32002), "{error}");
    client.get_health().await.expect("still healthy");
    assert!(client.get_balance(&user.pubkey()).await.expect("getBalance") > 0);

    server.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// POSTs `body` to the server and returns the HTTP status line and the body of the answer.
fn post(url: &str, body: &str) -> (String, String) {
    let (head, body) = http(url, "POST", "", body);
    (head.lines().next().unwrap_or_default().to_string(), body)
}

/// What [`http`] answers when the server closed the connection before taking the whole request.
const CLOSED_WHILE_SENDING: &str = "closed by the server while sending";

/// One HTTP/1.1 request with `headers` (each ending in CRLF); the answer's head and body.
fn http(url: &str, method: &str, headers: &str, body: &str) -> (String, String) {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    let request = format!(
        "{method} / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if let Err(error) = stream.write_all(request.as_bytes()) {
        // A server that refuses a body too large may close before reading all of it; the race
        // decides whether its 413 arrives first. Either way the request was refused.
        use std::io::ErrorKind::{BrokenPipe, ConnectionReset};
        assert!(matches!(error.kind(), BrokenPipe | ConnectionReset), "write: {error}");
        return (CLOSED_WHILE_SENDING.to_string(), String::new());
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (head.to_string(), body.to_string())
}

fn error_code(body: &str) -> Option<i64> {
    serde_json::from_str::<Value>(body).ok()?.get("error")?.get("code")?.as_i64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localnet_answers_bad_requests_with_standard_errors_and_serves_the_rest() {
    let server = localnet::start("127.0.0.1:0".parse().expect("address")).await.expect("localnet starts");
    let url = server.url();
    let payer = server.payer().insecure_clone();
    let client = RpcClient::new(url.clone());

    // Malformed JSON, a request that is not JSON-RPC, bad parameters, an oversized body.
    let blocking_url = url.clone();
    let answers = tokio::task::spawn_blocking(move || {
        let url = blocking_url;
        let parse = post(&url, "{not json");
        let invalid = post(&url, r#"{"jsonrpc":"2.0","id":1}"#);
        let params = post(&url, r#"{"jsonrpc":"2.0","id":1,"method":"getBalance","params":["nope"]}"#);
        let object = post(&url, r#"{"jsonrpc":"2.0","id":1,"method":"getBalance","params":{"a":1}}"#);
        let big = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"getHealth","params":["{}"]}}"#, "a".repeat(2 << 20));
        let oversized = post(&url, &big);
        let batch = post(&url, r#"[{"jsonrpc":"2.0","id":1,"method":"getHealth"},{"jsonrpc":"2.0","id":2,"method":"getSlot"}]"#);
        // A browser's CORS preflight and request from a front end's dev server.
        let origin = "Origin: http://localhost:3000\r\n";
        let preflight = http(&url, "OPTIONS", &format!("{origin}Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n"), "");
        let cors = http(&url, "POST", origin, r#"{"jsonrpc":"2.0","id":1,"method":"getHealth"}"#);
        for (head, _) in [&preflight, &cors] {
            assert!(head.to_ascii_lowercase().contains("access-control-allow-origin: *"), "{head}");
        }
        (parse, invalid, params, object, oversized, batch)
    })
    .await
    .expect("requests");
    let (parse, invalid, params, object, oversized, batch) = answers;
    assert_eq!(error_code(&parse.1), Some(-32700), "{parse:?}");
    assert_eq!(error_code(&invalid.1), Some(-32600), "{invalid:?}");
    assert_eq!(error_code(&params.1), Some(-32602), "{params:?}");
    assert_eq!(error_code(&object.1), Some(-32602), "{object:?}");
    assert!(oversized.0.contains("413") || error_code(&oversized.1).is_some() || oversized.0 == CLOSED_WHILE_SENDING, "{oversized:?}");
    let batch: Vec<Value> = serde_json::from_str(&batch.1).expect("batch answer");
    assert_eq!(batch.len(), 2);

    // A flood of concurrent requests, good and bad, all answered.
    let mut tasks = Vec::new();
    for i in 0..64u8 {
        let client = RpcClient::new(url.clone());
        tasks.push(tokio::spawn(async move {
            if i % 4 == 0 {
                let garbage = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [i; 300]);
                client.send::<String>(RpcRequest::SendTransaction, json!([garbage, {"encoding": "base64"}])).await.is_err()
            } else {
                client.get_balance(&Pubkey::new_unique()).await.is_ok_and(|lamports| lamports == 0)
            }
        }));
    }
    for task in tasks {
        assert!(task.await.expect("task"));
    }

    // Blockhash and fee queries.
    let blockhash = client.get_latest_blockhash().await.expect("getLatestBlockhash");
    assert!(client.is_blockhash_valid(&blockhash, Default::default()).await.expect("isBlockhashValid"));
    assert!(!client.is_blockhash_valid(&solana_sdk::hash::Hash::new_from_array([9; 32]), Default::default()).await.expect("isBlockhashValid"));
    assert!(client.get_block_height().await.expect("getBlockHeight") > 0);
    let user = Keypair::new();
    let transfer = solana_system_interface::instruction::transfer(&payer.pubkey(), &user.pubkey(), 1_000_000_000);
    let message = solana_sdk::message::Message::new_with_blockhash(std::slice::from_ref(&transfer), Some(&payer.pubkey()), &blockhash);
    assert_eq!(client.get_fee_for_message(&message).await.expect("getFeeForMessage"), 5_000);

    // A base58 wire transaction (the default encoding of sendTransaction), and its json form.
    let tx = Transaction::new_signed_with_payer(&[transfer], Some(&payer.pubkey()), &[&payer], blockhash);
    let wire = bs58::encode(bincode::serialize(&tx).expect("serialize")).into_string();
    let signature: String = client.send(RpcRequest::SendTransaction, json!([wire])).await.expect("sendTransaction base58");
    assert_eq!(signature, tx.signatures[0].to_string());
    let json_tx = client.get_transaction(&tx.signatures[0], UiTransactionEncoding::Json).await.expect("getTransaction json");
    match json_tx.transaction.transaction {
        solana_transaction_status_client_types::EncodedTransaction::Json(ui) => assert_eq!(ui.signatures, vec![signature.clone()]),
        other => panic!("json encoding expected, got {other:?}"),
    }
    assert_eq!(client.get_balance(&user.pubkey()).await.expect("getBalance"), 1_000_000_000);

    // Token accounts: a mint, a token account of the user, its balance, lookup by owner.
    let mint = create_mint(&client, &payer, TOKEN_PROGRAM).await;
    let account = Keypair::new();
    let space = spl_token_2022::state::Account::LEN;
    let rent = client.get_minimum_balance_for_rent_exemption(space).await.expect("rent");
    let ixs = [
        solana_system_interface::instruction::create_account(&payer.pubkey(), &account.pubkey(), rent, space as u64, &TOKEN_PROGRAM),
        spl_token_2022::instruction::initialize_account3(&TOKEN_PROGRAM, &account.pubkey(), &mint, &user.pubkey()).expect("init"),
        spl_token_2022::instruction::mint_to(&TOKEN_PROGRAM, &mint, &account.pubkey(), &payer.pubkey(), &[], 1_234_500).expect("mint_to"),
    ];
    send(&client, &ixs, &payer, &[&account]).await;
    let balance = client.get_token_account_balance(&account.pubkey()).await.expect("getTokenAccountBalance");
    assert_eq!((balance.amount.as_str(), balance.decimals, balance.ui_amount_string.as_str()), ("1234500", 6, "1.2345"));
    let owned = client
        .get_token_accounts_by_owner(&user.pubkey(), solana_rpc_client_api::request::TokenAccountsFilter::Mint(mint))
        .await
        .expect("getTokenAccountsByOwner");
    assert_eq!(owned.iter().map(|a| a.pubkey.clone()).collect::<Vec<_>>(), vec![account.pubkey().to_string()]);

    // simulateTransaction: logs and units, nothing changes.
    let blockhash = client.get_latest_blockhash().await.expect("blockhash");
    let burn = spl_token_2022::instruction::burn(&TOKEN_PROGRAM, &account.pubkey(), &mint, &user.pubkey(), &[], 1).expect("burn");
    let simulated = Transaction::new_signed_with_payer(&[burn], Some(&user.pubkey()), &[&user], blockhash);
    let result = client.simulate_transaction(&simulated).await.expect("simulateTransaction").value;
    assert!(result.err.is_none(), "{result:?}");
    assert!(result.logs.is_some_and(|logs| !logs.is_empty()));
    assert!(result.units_consumed.is_some_and(|units| units > 0));
    assert_eq!(client.get_token_account_balance(&account.pubkey()).await.expect("balance").amount, "1234500");

    // dlex_saturationAccounts: malformed instructions are invalid parameters; an instruction
    // that moves no dlex position comes back as it was sent.
    let saturation = RpcRequest::Custom { method: "dlex_saturationAccounts" };
    for bad in [
        json!([[{"programId": "nope", "accounts": [], "data": ""}]]),
        json!([[{"programId": dlex::ID.to_string(), "accounts": [{"pubkey": payer.pubkey().to_string()}], "data": ""}]]),
        json!([[{"programId": dlex::ID.to_string(), "accounts": [], "data": "not base64 !"}]]),
        json!([{"programId": dlex::ID.to_string()}]),
        json!([vec![json!({"programId": dlex::ID.to_string(), "accounts": [], "data": ""}); 17]]),
    ] {
        let error = client.send::<Value>(saturation, bad.clone()).await.expect_err("malformed instructions refused");
        assert_eq!(rpc_error_code(&error), Some(-32602), "{bad}: {error}");
    }
    let plain = json!([{
        "programId": TOKEN_PROGRAM.to_string(),
        "accounts": [{"pubkey": account.pubkey().to_string(), "isSigner": false, "isWritable": true}],
        "data": "AQ==",
    }]);
    let answer: Value = client.send(saturation, json!([plain.clone()])).await.expect("dlex_saturationAccounts");
    assert_eq!(answer, plain);
    client.get_health().await.expect("still healthy");

    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localnet_pubsub_notifies_signatures_and_slots() {
    use futures_util::StreamExt;
    use solana_pubsub_client::nonblocking::pubsub_client::PubsubClient;
    use solana_rpc_client_api::response::RpcSignatureResult;

    let server = localnet::start("127.0.0.1:0".parse().expect("address")).await.expect("localnet starts");
    let payer = server.payer().insecure_clone();
    let client = RpcClient::new(server.url());
    let pubsub = PubsubClient::new(&server.ws_url()).await.expect("WebSocket connects");
    let (mut slots, unsubscribe_slots) = pubsub.slot_subscribe().await.expect("slotSubscribe");
    let first = slots.next().await.expect("a slot notification").slot;

    // Subscribed before the transaction is sent: notified once it is processed.
    let blockhash = client.get_latest_blockhash().await.expect("blockhash");
    let transfer = solana_system_interface::instruction::transfer(&payer.pubkey(), &Pubkey::new_unique(), 1_000_000);
    let tx = Transaction::new_signed_with_payer(&[transfer], Some(&payer.pubkey()), &[&payer], blockhash);
    let (mut notifications, _unsubscribe) = pubsub.signature_subscribe(&tx.signatures[0], None).await.expect("signatureSubscribe");
    client.send_transaction(&tx).await.expect("sendTransaction");
    let notification = tokio::time::timeout(std::time::Duration::from_secs(10), notifications.next())
        .await
        .expect("notified in time")
        .expect("a notification");
    assert!(matches!(notification.value, RpcSignatureResult::ProcessedSignature(ref result) if result.err.is_none()), "{notification:?}");

    // Subscribed after: notified at once.
    let (mut again, _unsubscribe) = pubsub.signature_subscribe(&tx.signatures[0], None).await.expect("signatureSubscribe");
    tokio::time::timeout(std::time::Duration::from_secs(10), again.next()).await.expect("notified at once").expect("a notification");

    // The transaction moved the bank to a later slot.
    let later = tokio::time::timeout(std::time::Duration::from_secs(10), slots.next()).await.expect("slot in time").expect("slot").slot;
    assert!(later > first);
    unsubscribe_slots().await;
    server.stop().await;
}
