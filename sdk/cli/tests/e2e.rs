//! The end-to-end scenario over JSON-RPC (issue 9 §4), driven by the Rust SDK against
//! `dlex localnet`: accounts are read through `dlex_sdk::source::Cluster`, transactions are sent
//! with `dlex_sdk::rpc`, events are decoded from `getTransaction`'s inner instructions with the
//! IDL-generated client (`dlex_client::decode_event_cpi`). The TypeScript client runs the same
//! scenario (`sdk/ts/test/e2e.test.ts`), with the same numbers, against the `dlex` binary.
//!
//! Config; a pair of an SPL Token mint and a Token-2022 mint; liquidity; 50 swaps across TWAP
//! intervals (`dlex_warpClock`); a lender's deposit; two borrowers' collateral and X borrows;
//! a day of interest and one borrower's repayment of its whole debt; a sale of Y that moves
//! the price, 50 more intervals; `dlex position` on the other borrower; and its liquidation.
//! Every step checks token balances to the unit and the decoded events against the SDK's
//! exact quotes (the program's own code on the accounts read over RPC). The clock starts on a
//! multiple of a week, so the run is the same every time: its events are recorded in
//! `sdk/ts/test/e2e-golden.json` (written with `DLEX_WRITE_GOLDEN=1`, checked otherwise),
//! which the TypeScript scenario's events must equal too.

use anchor_lang::prelude::Pubkey;
use anchor_spl::associated_token::{get_associated_token_address_with_program_id, spl_associated_token_account};
use anchor_spl::token_2022::spl_token_2022;
use dlex::actions::{Asset, LiquidationRequest, SwapAmount, SwapDirection};
use dlex::state::TokenKind;
use dlex_client::dlex as client;
use dlex_sdk::bank::{TOKEN_2022_PROGRAM, TOKEN_PROGRAM};
use dlex_sdk::ix::{self, UserTokens};
use dlex_sdk::source::{AccountSource, Cluster};
use dlex_sdk::{decode, health, liquidation, localnet, pda, quote, saturation, PairKeys};
use serde_json::{json, Value};
use solana_rpc_client::api::request::RpcRequest;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signature};
use solana_sdk::signer::Signer;
use solana_transaction_status_client_types::{UiInstruction, UiTransactionEncoding};

/// The scenario's numbers (the TypeScript scenario uses the same ones).
const MID: u32 = 8;
const LONG: u32 = MID * 14;
const FUNDS: u64 = 100_000_000_000_000;
const LP_X: u64 = 1_000_000_000;
const LP_Y: u64 = 4_000_000_000;
const LENDER_X: u64 = 500_000_000;
const COLLATERAL_Y: u64 = 400_000_000;
const TICK_SWAP: u64 = 10_000;
const INTERVALS: u32 = 50;
const ALICE_BORROW_X: u64 = 5_000_000;
const BOB_BORROW_X: u64 = 30_000_000;
const DAY: i64 = 86_400;
const PRICE_MOVE_Y: u64 = 3_000_000_000;
const LIQUIDATOR_X: u64 = 1_000_000_000;
/** The clock starts on a multiple of a week (of the day and of both TWAP intervals). */
const ALIGN: i64 = 604_800;
/** Both clients' events of the scenario (see the module doc). */
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ts/test/e2e-golden.json");

struct User {
    keypair: Keypair,
    tokens: UserTokens,
}

struct Scenario {
    client: RpcClient,
    cluster: Cluster,
    payer: Keypair,
    keys: PairKeys,
    /// The events as both clients record them (decimal strings, enum variant names).
    recorded: serde_json::Map<String, Value>,
}

fn swap_record(swapped: &client::events::Swapped) -> Value {
    let direction = match swapped.direction {
        client::types::SwapDirection::XToY => "XToY",
        client::types::SwapDirection::YToX => "YToX",
    };
    json!({
        "direction": direction,
        "amountIn": swapped.amount_in.to_string(),
        "amountOut": swapped.amount_out.to_string(),
        "feeBipsQ64": swapped.fee_bips_q64.to_string(),
        "reserveX": swapped.reserve_x.to_string(),
        "reserveY": swapped.reserve_y.to_string(),
    })
}

fn asset_name(asset: &client::types::Asset) -> &'static str {
    match asset {
        client::types::Asset::X => "X",
        client::types::Asset::Y => "Y",
    }
}

impl Scenario {
    async fn send(&self, instructions: &[Instruction], payer: &Keypair) -> Signature {
        dlex_sdk::rpc::send_and_confirm(&self.client, instructions, payer, &[]).await.expect("transaction confirmed")
    }

    /// Sends `instructions` with the saturation accounts `saturation::complete` computes over
    /// the cluster's accounts.
    async fn send_completed(&mut self, instructions: &[Instruction], payer: &Keypair) -> Signature {
        let completed = saturation::complete(&mut self.cluster, instructions).await.expect("saturation accounts");
        self.send(&completed, payer).await
    }

    /// The data of every `emit_cpi!` inner instruction to dlex in the transaction, in order.
    async fn events(&self, signature: &Signature) -> Vec<Vec<u8>> {
        let tx = self.client.get_transaction(signature, UiTransactionEncoding::Json).await.expect("getTransaction");
        let meta = tx.transaction.meta.expect("meta");
        assert!(meta.err.is_none(), "{:?}", meta.err);
        let keys = match tx.transaction.transaction {
            solana_transaction_status_client_types::EncodedTransaction::Json(ui) => match ui.message {
                solana_transaction_status_client_types::UiMessage::Raw(raw) => raw.account_keys,
                other => panic!("raw message expected, got {other:?}"),
            },
            other => panic!("json encoding expected, got {other:?}"),
        };
        let inner: Option<Vec<_>> = meta.inner_instructions.into();
        inner
            .unwrap_or_default()
            .into_iter()
            .flat_map(|list| list.instructions)
            .filter_map(|ix| match ix {
                UiInstruction::Compiled(compiled) if keys[usize::from(compiled.program_id_index)] == dlex::ID.to_string() => {
                    bs58::decode(compiled.data).into_vec().ok()
                }
                _ => None,
            })
            .filter(|data| data.starts_with(dlex_client::EVENT_IX_TAG_LE))
            .collect()
    }

    /// The one event `E` of the transaction.
    async fn event<E: anchor_lang::Discriminator + anchor_lang::AnchorDeserialize>(&self, signature: &Signature) -> E {
        let mut found: Vec<E> = self.events(signature).await.iter().filter_map(|data| dlex_client::decode_event_cpi(data)).collect();
        assert_eq!(found.len(), 1, "one event of the kind expected");
        found.remove(0)
    }

    async fn balance(&self, account: Pubkey) -> u64 {
        self.client.get_token_account_balance(&account).await.expect("getTokenAccountBalance").amount.parse().expect("amount")
    }

    async fn balances(&self, user: &User) -> (u64, u64) {
        (self.balance(user.tokens.token_x).await, self.balance(user.tokens.token_y).await)
    }

    async fn vaults(&self) -> (u64, u64) {
        (self.balance(self.keys.vault_x).await, self.balance(self.keys.vault_y).await)
    }

    async fn pair(&mut self) -> dlex::state::Pair {
        decode::pair(&self.cluster.account_data(self.keys.pair).await.expect("read").expect("pair account")).expect("pair decodes")
    }

    async fn position(&mut self, owner: Pubkey) -> dlex::state::Position {
        let data = self.cluster.account_data(pda::position(self.keys.pair, owner)).await.expect("read").expect("position account");
        decode::position(&data).expect("position decodes")
    }

    async fn now(&mut self) -> i64 {
        self.cluster.unix_timestamp().await.expect("clock")
    }

    async fn warp(&self, seconds: i64) -> i64 {
        self.client.send(RpcRequest::Custom { method: "dlex_warpClock" }, json!([seconds])).await.expect("dlex_warpClock")
    }

    /// A funded keypair with associated token accounts (minted `x` and `y` by the payer) and an
    /// open position.
    async fn user(&self, x: u64, y: u64) -> User {
        let keypair = Keypair::new();
        let owner = keypair.pubkey();
        let signature = self.client.request_airdrop(&owner, 10_000_000_000).await.expect("requestAirdrop");
        assert!(self.client.confirm_transaction(&signature).await.expect("confirm"));
        let keys = &self.keys;
        let token_x = get_associated_token_address_with_program_id(&owner, &keys.mint_x, &keys.token_program_x);
        let token_y = get_associated_token_address_with_program_id(&owner, &keys.mint_y, &keys.token_program_y);
        let ata = |mint: &Pubkey, program: &Pubkey| {
            spl_associated_token_account::instruction::create_associated_token_account_idempotent(&owner, &owner, mint, program)
        };
        self.send(&[ata(&keys.mint_x, &keys.token_program_x), ata(&keys.mint_y, &keys.token_program_y), ix::open_position(owner, keys.pair)], &keypair)
            .await;
        let mint_to = |program: &Pubkey, mint: &Pubkey, account: &Pubkey, amount: u64| {
            spl_token_2022::instruction::mint_to(program, mint, account, &self.payer.pubkey(), &[], amount).expect("mint_to")
        };
        let mut minting = Vec::new();
        if x > 0 {
            minting.push(mint_to(&keys.token_program_x, &keys.mint_x, &token_x, x));
        }
        if y > 0 {
            minting.push(mint_to(&keys.token_program_y, &keys.mint_y, &token_y, y));
        }
        if !minting.is_empty() {
            self.send(&minting, &self.payer).await;
        }
        User { keypair, tokens: UserTokens { owner, token_x, token_y } }
    }

    /// One swap, checked: the `Swapped` event equals the SDK's quote, and the trader's and the
    /// vaults' balances moved by exactly its amounts.
    async fn swap(&mut self, trader: &User, direction: SwapDirection, amount_in: u64) -> client::events::Swapped {
        let pair = self.pair().await;
        let now = self.now().await;
        let quoted = quote::swap(&pair, now, direction, SwapAmount::ExactIn(amount_in)).expect("quote");
        let (before, vaults_before) = (self.balances(trader).await, self.vaults().await);
        let signature = self.send(&[ix::swap_exact_in(&self.keys, &trader.tokens, direction, amount_in, quoted.amount_out)], &trader.keypair).await;
        let swapped: client::events::Swapped = self.event(&signature).await;
        assert_eq!((swapped.pair, swapped.trader), (self.keys.pair, trader.tokens.owner));
        assert_eq!((swapped.amount_in, swapped.amount_out), (quoted.amount_in, quoted.amount_out));
        assert!(swapped.fee_bips_q64 > 0);
        let (after, vaults_after) = (self.balances(trader).await, self.vaults().await);
        let (x_in, y_in) = match direction {
            SwapDirection::XToY => {
                assert!(matches!(swapped.direction, client::types::SwapDirection::XToY));
                (i128::from(swapped.amount_in), -i128::from(swapped.amount_out))
            }
            SwapDirection::YToX => {
                assert!(matches!(swapped.direction, client::types::SwapDirection::YToX));
                (-i128::from(swapped.amount_out), i128::from(swapped.amount_in))
            }
        };
        assert_eq!(i128::from(before.0) - i128::from(after.0), x_in);
        assert_eq!(i128::from(before.1) - i128::from(after.1), y_in);
        assert_eq!(i128::from(vaults_after.0) - i128::from(vaults_before.0), x_in);
        assert_eq!(i128::from(vaults_after.1) - i128::from(vaults_before.1), y_in);
        let pair = self.pair().await;
        assert_eq!((swapped.reserve_x, swapped.reserve_y), (pair.pool().reserve_x.0, pair.pool().reserve_y.0));
        swapped
    }

    /// `intervals` times: move the clock one mid-term interval, then a small swap (alternating
    /// directions) so the oracle records an observation.
    async fn tick(&mut self, trader: &User, intervals: u32) -> Value {
        let mut swaps = Vec::new();
        for i in 0..intervals {
            self.warp(i64::from(MID)).await;
            let direction = if i % 2 == 0 { SwapDirection::XToY } else { SwapDirection::YToX };
            swaps.push(swap_record(&self.swap(trader, direction, TICK_SWAP).await));
        }
        Value::Array(swaps)
    }

    /// A borrow of X, checked: `Borrowed` (amount, the 5-bip fee rounded up, the debt), the
    /// borrower's X balance and the vault.
    async fn borrow_x(&mut self, borrower: &User, amount: u64) -> Value {
        let before = self.balances(borrower).await;
        let vaults_before = self.vaults().await;
        let signature = self.send_completed(&[ix::borrow(&self.keys, &borrower.tokens, Asset::X, amount)], &borrower.keypair).await;
        let borrowed: client::events::Borrowed = self.event(&signature).await;
        let fee = u128::from(amount).div_ceil(2_000);
        assert_eq!((borrowed.owner, borrowed.amount, borrowed.fee, borrowed.debt), (borrower.tokens.owner, amount, fee, u128::from(amount) + fee));
        assert!(matches!(borrowed.asset, client::types::Asset::X));
        assert_eq!(self.balances(borrower).await, (before.0 + amount, before.1));
        assert_eq!(self.vaults().await, (vaults_before.0 - amount, vaults_before.1));
        assert_eq!(self.position(borrower.tokens.owner).await.share_balance(TokenKind::BorrowX), borrowed.shares);
        json!({
            "asset": asset_name(&borrowed.asset),
            "amount": borrowed.amount.to_string(),
            "debt": borrowed.debt.to_string(),
            "fee": borrowed.fee.to_string(),
            "shares": borrowed.shares.to_string(),
        })
    }
}

/// The data of instructions as `dlex_saturationAccounts` takes and answers them.
fn instructions_json(instructions: &[Instruction]) -> Value {
    use base64::Engine;
    Value::Array(
        instructions
            .iter()
            .map(|ix| {
                json!({
                    "programId": ix.program_id.to_string(),
                    "accounts": ix.accounts.iter().map(|m| json!({"pubkey": m.pubkey.to_string(), "isSigner": m.is_signer, "isWritable": m.is_writable})).collect::<Vec<_>>(),
                    "data": base64::engine::general_purpose::STANDARD.encode(&ix.data),
                })
            })
            .collect(),
    )
}

/// The endpoint: `DLEX_RPC_URL` with the keypair file `DLEX_WALLET` (default
/// `~/.config/solana/id.json`) as payer, as scripts/anchor-test passes them from `anchor test`;
/// otherwise a `dlex localnet` started in this process.
async fn endpoint() -> (Option<localnet::Localnet>, String, Keypair) {
    match std::env::var("DLEX_RPC_URL") {
        Ok(url) => {
            let path = std::env::var("DLEX_WALLET").unwrap_or_else(|_| format!("{}/.config/solana/id.json", std::env::var("HOME").unwrap_or_default()));
            let bytes: Vec<u8> = serde_json::from_str(&std::fs::read_to_string(&path).expect("DLEX_WALLET keypair file")).expect("a JSON keypair");
            (None, url, Keypair::try_from(&bytes[..]).expect("64-byte keypair"))
        }
        Err(_) => {
            let server = localnet::start("127.0.0.1:0".parse().expect("address")).await.expect("dlex localnet starts");
            let (url, payer) = (server.url(), server.payer().insecure_clone());
            (Some(server), url, payer)
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenario_over_json_rpc_with_the_rust_sdk() {
    let (server, url, payer) = endpoint().await;
    let client = RpcClient::new(url.clone());

    // Both clients' runs start at the same time of the week, so they see the same clock.
    let start = Cluster::new(&url).unix_timestamp().await.expect("clock");
    let warped: Result<i64, _> = client.send(RpcRequest::Custom { method: "dlex_warpClock" }, json!([(ALIGN - start % ALIGN) % ALIGN])).await;
    let Ok(aligned) = warped else {
        eprintln!("skipped: {url} is not dlex localnet (no dlex_warpClock for 100 TWAP intervals and a day of interest)");
        return;
    };
    assert_eq!(aligned % ALIGN, 0);

    // Config: the payer is dlex's upgrade authority on localnet. An endpoint used before
    // (DLEX_RPC_URL) may have one already, which must give pairs the scenario's intervals.
    let existing = Cluster::new(&url).account_data(pda::config()).await.expect("read config");
    let signature = match existing {
        Some(data) => {
            let config = decode::config(&data).expect("config decodes");
            assert_eq!((config.default_mid_term_interval, config.default_long_term_interval), (MID, LONG));
            None
        }
        None => Some(
            dlex_sdk::rpc::send_and_confirm(&client, &[ix::init_config(payer.pubkey(), payer.pubkey(), MID, LONG)], &payer, &[])
                .await
                .expect("init_config"),
        ),
    };
    let (mint_a, mint_b) = (
        dlex_sdk::rpc::create_mint(&client, &payer, TOKEN_PROGRAM, 6).await.expect("SPL Token mint"),
        dlex_sdk::rpc::create_mint(&client, &payer, TOKEN_2022_PROGRAM, 6).await.expect("Token-2022 mint"),
    );
    let (create, keys) = ix::create_pair(payer.pubkey(), (mint_a, TOKEN_PROGRAM), (mint_b, TOKEN_2022_PROGRAM));
    let mut s = Scenario { client, cluster: Cluster::new(&url), payer, keys, recorded: serde_json::Map::new() };
    if let Some(signature) = signature {
        let initialized: client::events::ConfigInitialized = s.event(&signature).await;
        assert_eq!((initialized.admin, initialized.fee_recipient), (s.payer.pubkey(), s.payer.pubkey()));
        let config = decode::config(&s.cluster.account_data(pda::config()).await.expect("read").expect("config")).expect("config decodes");
        assert_eq!((config.admin, config.fee_recipient), (s.payer.pubkey(), s.payer.pubkey()));
    }

    // The pair: one SPL Token mint and one Token-2022 mint, in canonical order.
    let signature = s.send(&[create], &s.payer.insecure_clone()).await;
    let created: client::events::PairCreated = s.event(&signature).await;
    assert_eq!((created.pair, created.mint_x, created.mint_y), (keys.pair, keys.mint_x, keys.mint_y));
    let programs = [(mint_a, TOKEN_PROGRAM), (mint_b, TOKEN_2022_PROGRAM)];
    let program_of = |mint: Pubkey| programs.iter().find(|(m, _)| *m == mint).expect("one of the mints").1;
    assert_eq!((created.token_program_x, created.token_program_y), (program_of(keys.mint_x), program_of(keys.mint_y)));
    assert_eq!((created.mid_term_interval, created.long_term_interval, created.freezable_x, created.freezable_y), (MID, LONG, false, false));
    let pair = s.pair().await;
    assert_eq!((pair.mint_x, pair.mint_y, pair.vault_x, pair.vault_y), (keys.mint_x, keys.mint_y, keys.vault_x, keys.vault_y));

    let lp = s.user(FUNDS, FUNDS).await;
    let trader = s.user(FUNDS, FUNDS).await;
    let lender = s.user(LENDER_X, 0).await;
    let alice = s.user(ALICE_BORROW_X, COLLATERAL_Y).await;
    let bob = s.user(0, COLLATERAL_Y).await;

    // Liquidity: the first mint takes both amounts, L = sqrt(x·y), 1000 shares locked.
    let signature = s.send(&[ix::mint(&s.keys, &lp.tokens, LP_X, LP_Y, 0)], &lp.keypair).await;
    let added: client::events::LiquidityAdded = s.event(&signature).await;
    assert_eq!((added.amount_x, added.amount_y, added.liquidity, added.shares), (LP_X, LP_Y, 2_000_000_000, 2_000_000_000 - 1_000));
    assert_eq!((added.reserve_x, added.reserve_y), (u128::from(LP_X), u128::from(LP_Y)));
    assert_eq!(s.balances(&lp).await, (FUNDS - LP_X, FUNDS - LP_Y));
    assert_eq!(s.vaults().await, (LP_X, LP_Y));
    assert_eq!(s.position(lp.tokens.owner).await.share_balance(TokenKind::DepositL), added.shares);
    let record = json!({
        "amountX": added.amount_x.to_string(),
        "amountY": added.amount_y.to_string(),
        "liquidity": added.liquidity.to_string(),
        "shares": added.shares.to_string(),
        "reserveX": added.reserve_x.to_string(),
        "reserveY": added.reserve_y.to_string(),
    });
    s.recorded.insert("liquidityAdded".into(), record);

    // A lender's deposit of X, and both borrowers' collateral in Y (first deposits: 1 share per unit).
    let signature = s.send(&[ix::deposit(&s.keys, &lender.tokens, Asset::X, LENDER_X, 0)], &lender.keypair).await;
    let deposited: client::events::Deposited = s.event(&signature).await;
    assert_eq!((deposited.owner, deposited.amount, deposited.shares), (lender.tokens.owner, LENDER_X, u128::from(LENDER_X)));
    assert!(matches!(deposited.asset, client::types::Asset::X));
    assert_eq!(s.balances(&lender).await, (0, 0));
    assert_eq!(s.position(lender.tokens.owner).await.share_balance(TokenKind::DepositX), u128::from(LENDER_X));
    let deposit_record =
        |d: &client::events::Deposited| json!({"asset": asset_name(&d.asset), "amount": d.amount.to_string(), "shares": d.shares.to_string()});
    s.recorded.insert("lenderDeposited".into(), deposit_record(&deposited));
    let mut collateral = Vec::new();
    for borrower in [&alice, &bob] {
        let signature = s.send(&[ix::deposit(&s.keys, &borrower.tokens, Asset::Y, COLLATERAL_Y, 0)], &borrower.keypair).await;
        let deposited: client::events::Deposited = s.event(&signature).await;
        assert_eq!((deposited.amount, deposited.shares), (COLLATERAL_Y, u128::from(COLLATERAL_Y)));
        collateral.push(deposit_record(&deposited));
    }
    s.recorded.insert("collateralDeposited".into(), Value::Array(collateral));
    assert_eq!(s.vaults().await, (LP_X + LENDER_X, LP_Y + 2 * COLLATERAL_Y));

    // Swaps across 50 observation intervals: the mid-term TWAP window fills.
    let ticks = s.tick(&trader, INTERVALS).await;
    s.recorded.insert("ticksBefore".into(), ticks);

    // Two borrows of X against Y. The SDK appends the tranche accounts; `dlex_saturationAccounts`
    // (what the TypeScript client asks localnet for) answers the same list.
    let bob_borrow = [ix::borrow(&s.keys, &bob.tokens, Asset::X, BOB_BORROW_X)];
    let completed = saturation::complete(&mut s.cluster, &bob_borrow).await.expect("complete");
    assert!(completed[0].accounts.len() > bob_borrow[0].accounts.len() + 4, "a borrow walks into tranches");
    let answer: Value = s.client.send(RpcRequest::Custom { method: "dlex_saturationAccounts" }, json!([instructions_json(&bob_borrow)])).await.expect("dlex_saturationAccounts");
    assert_eq!(answer, instructions_json(&completed));
    let borrowed = vec![s.borrow_x(&alice, ALICE_BORROW_X).await, s.borrow_x(&bob, BOB_BORROW_X).await];
    s.recorded.insert("borrowed".into(), Value::Array(borrowed));
    let bob_allocation = s.position(bob.tokens.owner).await.allocations();
    assert!(bob_allocation[0].count > 0 && bob_allocation[1].count == 0, "net X debt: side 0 only");
    let bands: Vec<Value> = (0..usize::from(bob_allocation[0].count)).map(|i| json!({"side": 0, "index": bob_allocation[0].tranche_at(0, i)})).collect();
    s.recorded.insert("bobTranches".into(), Value::Array(bands));

    // A day of interest, then Alice repays her whole debt (u64::MAX: exactly the debt is pulled).
    s.warp(DAY).await;
    let pair = s.pair().await;
    let now = s.now().await;
    let owed = quote::repay_all(&pair, &s.position(alice.tokens.owner).await, now, Asset::X).expect("repay_all quote");
    let fee = u64::try_from(u128::from(ALICE_BORROW_X).div_ceil(2_000)).expect("fee");
    assert!(owed > ALICE_BORROW_X + fee, "interest accrued: {owed}");
    let before = s.balances(&alice).await;
    let vaults_before = s.vaults().await;
    let signature = s.send_completed(&[ix::repay(&s.keys, &alice.tokens, Asset::X, u64::MAX)], &alice.keypair).await;
    let repaid: client::events::Repaid = s.event(&signature).await;
    assert_eq!((repaid.owner, repaid.amount), (alice.tokens.owner, owed));
    assert_eq!(s.balances(&alice).await, (before.0 - owed, before.1));
    assert_eq!(s.vaults().await, (vaults_before.0 + owed, vaults_before.1));
    let alice_position = s.position(alice.tokens.owner).await;
    assert_eq!(alice_position.share_balance(TokenKind::BorrowX), 0);
    assert_eq!(alice_position.allocations().map(|a| a.count), [0, 0], "no debt, no tranche");
    let record = json!({"asset": asset_name(&repaid.asset), "amount": repaid.amount.to_string(), "shares": repaid.shares.to_string()});
    s.recorded.insert("repaid".into(), record);

    // The price move: a large sale of Y, then 50 intervals for the oracle to follow.
    let sale = s.swap(&trader, SwapDirection::YToX, PRICE_MOVE_Y).await;
    assert!(sale.reserve_y > sale.reserve_x * 4, "Y is cheaper now");
    s.recorded.insert("priceMove".into(), swap_record(&sale));
    let ticks = s.tick(&trader, INTERVALS).await;
    s.recorded.insert("ticksAfter".into(), ticks);

    // `dlex position` against the endpoint prints exactly the SDK's health of Bob's position.
    let health = health::fetch(&mut s.cluster, s.keys.pair, bob.tokens.owner).await.expect("health");
    assert!(health.report.hard_liquidatable, "{:?}", health.report);
    let url = url.clone();
    let (pair_text, owner_text) = (s.keys.pair.to_string(), bob.tokens.owner.to_string());
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_dlex"))
            .args(["position", "--pair", &pair_text, "--owner", &owner_text, "--url", &url])
            .output()
            .expect("run dlex position")
    })
    .await
    .expect("joined");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains(&health::describe(&health)), "{stdout}");
    assert!(stdout.contains("hard         possible"), "{stdout}");

    // The liquidation: the keeper's request for Bob's position (the whole hard plan), quoted
    // exactly, then sent by a liquidator holding only X; its tranche accounts are Bob's.
    let liquidator = s.user(LIQUIDATOR_X, 0).await;
    let request = liquidation::request_for(&health.report).expect("liquidatable");
    assert!(matches!(request, LiquidationRequest::Hard(_)), "{request:?}");
    let pair = s.pair().await;
    let bob_before = s.position(bob.tokens.owner).await;
    let liquidator_before = s.position(liquidator.tokens.owner).await;
    let now = s.now().await;
    let outcome = liquidation::quote(&pair, &bob_before, &liquidator_before, now, request).expect("quote");
    let instruction = ix::liquidate(&s.keys, &liquidator.tokens, bob.tokens.owner, request, LIQUIDATOR_X, 0);
    let completed = saturation::complete(&mut s.cluster, std::slice::from_ref(&instruction)).await.expect("complete");
    let allocation = bob_before.allocations()[0];
    let tranches: Vec<Pubkey> = (0..usize::from(allocation.count)).map(|i| pda::tranche(s.keys.pair, 0, allocation.tranche_at(0, i) as i16)).collect();
    assert_eq!(completed[0].accounts[instruction.accounts.len() + 4..].iter().map(|m| m.pubkey).collect::<Vec<_>>(), tranches, "Bob's old bands");
    let vaults_before = s.vaults().await;
    let signature = s.send(&completed, &liquidator.keypair).await;
    let liquidated: client::events::Liquidated = s.event(&signature).await;
    assert_eq!((liquidated.borrower, liquidated.liquidator), (bob.tokens.owner, liquidator.tokens.owner));
    assert!(matches!(liquidated.kind, client::types::LiquidationKind::Hard));
    assert_eq!([liquidated.repaid_l, liquidated.repaid_x, liquidated.repaid_y], outcome.repaid);
    assert_eq!([liquidated.seized_l, liquidated.seized_x, liquidated.seized_y], outcome.seized);
    assert_eq!((liquidated.paid_x, liquidated.paid_y), (outcome.flows.x_in, outcome.flows.y_in));
    assert_eq!((liquidated.premium_bips, liquidated.max_premium_bips, liquidated.bad_debt), (outcome.verdict.premium_bips, outcome.verdict.max_premium_bips, false));
    assert!(liquidated.paid_x > 0 && liquidated.seized_y > 0);
    assert_eq!(s.balances(&liquidator).await, (LIQUIDATOR_X - liquidated.paid_x, 0));
    assert_eq!(s.vaults().await, (vaults_before.0 + liquidated.paid_x, vaults_before.1));
    let (bob_after, liquidator_after) = (s.position(bob.tokens.owner).await, s.position(liquidator.tokens.owner).await);
    assert_eq!(bob_after.share_balance(TokenKind::BorrowX), 0);
    assert_eq!(bob_after.allocations().map(|a| a.count), [0, 0]);
    assert_eq!(liquidator_after.share_balance(TokenKind::DepositY), outcome.seized_shares[2]);
    assert_eq!(bob_after.share_balance(TokenKind::DepositY), bob_before.share_balance(TokenKind::DepositY) - outcome.seized_shares[2]);
    for tranche in tranches {
        let data = s.cluster.account_data(tranche).await.expect("read").expect("tranche account");
        let tranche = decode::tranche(&data).expect("tranche decodes");
        assert_eq!((tranche.sat_in_l_assets.get(), tranche.sat_relative_to_l.get()), (0, 0), "released");
    }
    let record = json!({
        "kind": "Hard",
        "repaidL": liquidated.repaid_l.to_string(),
        "repaidX": liquidated.repaid_x.to_string(),
        "repaidY": liquidated.repaid_y.to_string(),
        "seizedL": liquidated.seized_l.to_string(),
        "seizedX": liquidated.seized_x.to_string(),
        "seizedY": liquidated.seized_y.to_string(),
        "paidX": liquidated.paid_x.to_string(),
        "paidY": liquidated.paid_y.to_string(),
        "premiumBips": liquidated.premium_bips.to_string(),
        "maxPremiumBips": liquidated.max_premium_bips.to_string(),
        "badDebt": liquidated.bad_debt,
    });
    s.recorded.insert("liquidated".into(), record);
    if let Some(server) = server {
        server.stop().await;
    }

    // The run's events are the recorded ones, which the TypeScript scenario checks too.
    let recorded = Value::Object(std::mem::take(&mut s.recorded));
    if std::env::var_os("DLEX_WRITE_GOLDEN").is_some() {
        let text = serde_json::to_string_pretty(&recorded).expect("JSON") + "\n";
        std::fs::write(GOLDEN, text).expect("write sdk/ts/test/e2e-golden.json");
    } else {
        let expected: Value = serde_json::from_str(&std::fs::read_to_string(GOLDEN).expect("read sdk/ts/test/e2e-golden.json")).expect("JSON");
        assert!(
            recorded == expected,
            "the scenario's events differ from sdk/ts/test/e2e-golden.json; if the program's behaviour changed on purpose, \
             rewrite it with `DLEX_WRITE_GOLDEN=1 cargo test -p dlex-cli --test e2e`:\n{}",
            serde_json::to_string_pretty(&recorded).expect("JSON")
        );
    }
}
