//! `dlex localnet`: the standard Solana JSON-RPC over HTTP, served from the in-process
//! [`Bank`] (dlex natively, SPL Token, Token-2022 and ATA as bundled SBF programs).
//!
//! Parts:
//! - [`start`] / [`Localnet`]: binds the server (jsonrpsee, HTTP only, CORS open to any
//!   origin), owns its handle, the
//!   bank's funded payer, and stopping;
//! - `State`: what the server owns behind one lock: the bank, the record of every transaction
//!   it processed (status, logs, inner instructions, block time, in landing order for
//!   `getSignaturesForAddress`); the bank keeps the index of account
//!   addresses it has seen (`Bank::known_addresses`: the bank cannot scan accounts, so
//!   `getProgramAccounts` and `getTokenAccountsByOwner` scan that index);
//! - `Args` and the error helpers: request parameters read without ever panicking (bad input is
//!   a JSON-RPC error, never a crash);
//! - one handler per method, answering with the wire types of `solana-rpc-client-api`,
//!   `solana-account-decoder-client-types` and `solana-transaction-status-client-types`.
//!
//! PubSub over WebSocket (on the HTTP port plus one, like a validator): `signatureSubscribe`
//! and `slotSubscribe`, what transaction confirmation in web3.js and `@solana/kit` waits on.
//!
//! Unknown methods get jsonrpsee's standard -32601, malformed JSON -32700, bad parameters
//! -32602. `dlex_warpClock [seconds]` moves the bank's clock forward (the next transaction sees
//! it) and answers the new unix time. `dlex_saturationAccounts [instructions]` appends the
//! saturation (tranche) accounts each instruction needs (`crate::saturation::complete` on the
//! bank), for clients that cannot compute them (the TypeScript client).
// solana-banks-interface 3.x, like program-test, marks its API "unstable"; see bank.rs.
#![allow(deprecated)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use anchor_lang::prelude::Pubkey;
use anchor_spl::token_2022::spl_token_2022;
use base64::Engine;
use jsonrpsee::server::{Server, ServerConfig, ServerHandle};
use jsonrpsee::types::{ErrorObject, ErrorObjectOwned, Params};
use jsonrpsee::RpcModule;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use solana_account_decoder_client_types::token::UiTokenAmount;
use solana_account_decoder_client_types::{UiAccount, UiAccountData, UiAccountEncoding, UiDataSliceConfig};
use solana_rpc_client_api::config::{
    RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcSendTransactionConfig, RpcSignaturesForAddressConfig, RpcSimulateTransactionConfig,
    RpcTokenAccountsFilter, RpcTransactionConfig,
};
use solana_rpc_client_api::custom_error::{
    JSON_RPC_SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE, JSON_RPC_SERVER_ERROR_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
};
use solana_rpc_client_api::filter::RpcFilterType;
use solana_rpc_client_api::response::{
    ProcessedSignatureResult, Response, RpcBlockhash, RpcConfirmedTransactionStatusWithSignature, RpcKeyedAccount, RpcResponseContext, RpcSignatureResult, RpcSimulateTransactionResult,
    RpcVersionInfo, SlotInfo,
};
use solana_banks_interface::TransactionSimulationDetails;
use solana_sdk::account::Account;
use solana_sdk::clock::Clock;
use solana_sdk::hash::Hash;
use solana_sdk::signature::{Keypair, Signature};
use solana_sdk::signer::Signer;
use solana_sdk::transaction::{Transaction, TransactionError, VersionedTransaction};
use solana_transaction_status_client_types::option_serializer::OptionSerializer;
use solana_transaction_status_client_types::{
    EncodedConfirmedTransactionWithStatusMeta, EncodedTransaction, EncodedTransactionWithStatusMeta, TransactionBinaryEncoding,
    TransactionConfirmationStatus, TransactionStatus, UiCompiledInstruction, UiInnerInstructions, UiInstruction,
    UiTransactionEncoding, UiTransactionStatusMeta,
};
use tokio::sync::Mutex;

use crate::bank::Bank;

/// The port `dlex localnet` serves on by default (a local validator's).
pub const DEFAULT_PORT: u16 = 8899;
/// Largest request body accepted (a transaction is at most 1232 bytes; batches stay small).
const MAX_REQUEST_BYTES: u32 = 1 << 20;
/// Lamports per signature the bank charges (program-test's default fee rate).
const LAMPORTS_PER_SIGNATURE: u64 = 5_000;
/// Largest wire transaction (`PACKET_DATA_SIZE`).
const PACKET_DATA_SIZE: u64 = 1232;
/// Blocks a blockhash stays valid for (`MAX_PROCESSING_AGE`).
const MAX_BLOCKHASH_AGE: u64 = 150;

/// A running endpoint. Dropping it does not stop the server: call [`Localnet::stop`].
pub struct Localnet {
    handle: ServerHandle,
    address: SocketAddr,
    ws_handle: ServerHandle,
    ws_address: SocketAddr,
    payer: Keypair,
}

impl Localnet {
    /// `http://<address>`, the URL clients use.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// `ws://<address>`, the PubSub URL (`signatureSubscribe`, `slotSubscribe`): the HTTP port
    /// plus one, as validators do, unless started on port 0.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.ws_address)
    }

    /// The bound address (with the real port when started on port 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The bank's funded payer: upgrade authority of dlex (so it may `init_config`) and the
    /// source of `requestAirdrop`.
    pub fn payer(&self) -> &Keypair {
        &self.payer
    }

    /// Writes the payer keypair to `path` in the Solana CLI format (a JSON array of its 64
    /// bytes), readable by `solana`, Anchor and `@solana/kit`'s keypair loaders.
    pub fn write_payer_keypair(&self, path: &std::path::Path) -> std::io::Result<()> {
        use std::io::Write;
        let bytes: Vec<u8> = self.payer.to_bytes().to_vec();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(path)?.write_all(serde_json::to_string(&bytes).map_err(std::io::Error::other)?.as_bytes())
    }

    /// Stops accepting requests and waits for the server to finish.
    pub async fn stop(self) {
        let _ = self.handle.stop();
        let _ = self.ws_handle.stop();
        self.handle.stopped().await;
        self.ws_handle.stopped().await;
    }
}

/// Starts a bank ([`Bank::start`]) and serves JSON-RPC for it on `bind` (port 0: any free port).
pub async fn start(bind: SocketAddr) -> std::io::Result<Localnet> {
    let bank = Bank::start().await;
    let payer = bank.payer().insecure_clone();
    let mut bank = bank;
    // Named once so that `getProgramAccounts` and `getAccountInfo` scans know them.
    let builtins = [
        payer.pubkey(),
        dlex::ID,
        crate::pda::program_data(),
        crate::bank::TOKEN_PROGRAM,
        crate::bank::TOKEN_2022_PROGRAM,
        anchor_spl::associated_token::ID,
        solana_sdk::sysvar::clock::ID,
        solana_sdk::sysvar::rent::ID,
        anchor_lang::solana_program::system_program::ID,
    ];
    bank.record_addresses(builtins.map(|key| (key, false)));
    let state = Mutex::new(State { bank, transactions: HashMap::new(), landed: Vec::new(), blockhashes: HashMap::new() });
    // Any origin may call it (a front end on its dev server, a wallet): it is a local test
    // endpoint, on loopback unless the operator binds elsewhere.
    let cors = tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods(tower_http::cors::Any)
        .allow_headers(tower_http::cors::Any);
    let server = Server::builder()
        .set_http_middleware(tower::ServiceBuilder::new().layer(cors))
        .set_config(ServerConfig::builder().http_only().max_request_body_size(MAX_REQUEST_BYTES).build())
        .build(bind).await?;
    let address = server.local_addr()?;
    let ws_port = if bind.port() == 0 { 0 } else { bind.port().checked_add(1).ok_or_else(|| std::io::Error::other("no port after 65535 for WebSocket"))? };
    let ws_server = Server::builder()
        .set_config(
            ServerConfig::builder()
                .ws_only()
                .max_request_body_size(MAX_REQUEST_BYTES)
                // Validators number subscriptions; clients expect integer ids.
                .set_id_provider(jsonrpsee::server::RandomIntegerIdProvider)
                .build(),
        )
        .build(SocketAddr::new(bind.ip(), ws_port))
        .await?;
    let ws_address = ws_server.local_addr()?;
    let methods: jsonrpsee::Methods = methods(state).into();
    let handle = server.start(methods.clone());
    let ws_handle = ws_server.start(methods);
    Ok(Localnet { handle, address, ws_handle, ws_address, payer })
}

/// What the server owns behind its one lock.
struct State {
    bank: Bank,
    transactions: HashMap<Signature, Record>,
    /// The landed transactions in the order they landed (`getSignaturesForAddress`).
    landed: Vec<Signature>,
    /// Blockhashes handed out, with the slot each was first seen in (for `isBlockhashValid`).
    blockhashes: HashMap<Hash, u64>,
}

/// A processed (landed) transaction, as `getSignatureStatuses` and `getTransaction` report it.
struct Record {
    slot: u64,
    /// The bank's clock when it landed.
    block_time: i64,
    transaction: VersionedTransaction,
    err: Option<TransactionError>,
    meta: UiTransactionStatusMeta,
}

type Shared = Mutex<State>;
type RpcResult = Result<Value, ErrorObjectOwned>;

// ---- errors and parameters -------------------------------------------------------------

fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObject::owned(jsonrpsee::types::error::INVALID_PARAMS_CODE, message.into(), None::<()>)
}

fn internal(message: impl std::fmt::Display) -> ErrorObjectOwned {
    ErrorObject::owned(jsonrpsee::types::error::INTERNAL_ERROR_CODE, format!("bank: {message}"), None::<()>)
}

fn signature_failure() -> ErrorObjectOwned {
    let code = JSON_RPC_SERVER_ERROR_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE as i32;
    ErrorObject::owned(code, "Transaction signature verification failure", None::<()>)
}

fn to_value<T: serde::Serialize>(value: T) -> RpcResult {
    serde_json::to_value(value).map_err(internal)
}

/// Positional parameters (Solana JSON-RPC only uses arrays); `null` or missing means `None`.
struct Args(Vec<Value>);

impl Args {
    fn parse(params: &Params) -> Result<Self, ErrorObjectOwned> {
        if params.is_object() {
            return Err(invalid_params("parameters must be an array"));
        }
        let values: Option<Vec<Value>> = params.parse().map_err(|e| invalid_params(e.to_string()))?;
        Ok(Self(values.unwrap_or_default()))
    }

    fn opt<T: DeserializeOwned>(&self, index: usize) -> Result<Option<T>, ErrorObjectOwned> {
        match self.0.get(index) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::deserialize(value).map(Some).map_err(|e| invalid_params(format!("parameter {index}: {e}"))),
        }
    }

    fn req<T: DeserializeOwned>(&self, index: usize) -> Result<T, ErrorObjectOwned> {
        self.opt(index)?.ok_or_else(|| invalid_params(format!("missing parameter {index}")))
    }

    fn pubkey(&self, index: usize) -> Result<Pubkey, ErrorObjectOwned> {
        parse_pubkey(&self.req::<String>(index)?)
    }
}

fn parse_pubkey(text: &str) -> Result<Pubkey, ErrorObjectOwned> {
    text.parse().map_err(|_| invalid_params(format!("invalid public key: {text}")))
}

// ---- bank access -----------------------------------------------------------------------

impl State {
    async fn slot(&mut self) -> Result<u64, ErrorObjectOwned> {
        let clock: Clock = self.bank.ctx.banks_client.get_sysvar().await.map_err(internal)?;
        Ok(clock.slot)
    }

    async fn context(&mut self) -> Result<RpcResponseContext, ErrorObjectOwned> {
        Ok(RpcResponseContext::new(self.slot().await?))
    }

    async fn account(&mut self, address: Pubkey) -> Result<Option<Account>, ErrorObjectOwned> {
        self.bank.ctx.banks_client.get_account(address).await.map_err(internal)
    }

    async fn blockhash(&mut self) -> Result<(Hash, u64), ErrorObjectOwned> {
        let hash = self.bank.ctx.banks_client.get_latest_blockhash().await.map_err(internal)?;
        let slot = self.slot().await?;
        let first_seen = *self.blockhashes.entry(hash).or_insert(slot);
        Ok((hash, first_seen + MAX_BLOCKHASH_AGE))
    }

    /// Verifies signatures, simulates (for logs and inner instructions), then processes one
    /// transaction in a fresh slot and records it if it landed. With `preflight`, a
    /// transaction whose simulation fails is refused, like a validator's preflight check.
    async fn execute(&mut self, transaction: VersionedTransaction, preflight: bool) -> Result<Signature, ErrorObjectOwned> {
        if transaction.sanitize().is_err() {
            return Err(invalid_params("invalid transaction: it does not sanitize"));
        }
        if transaction.verify_with_results().iter().any(|ok| !ok) {
            return Err(signature_failure());
        }
        let signature = *transaction.signatures.first().ok_or_else(|| invalid_params("invalid transaction: no signature"))?;
        let keys: Vec<Pubkey> = transaction.message.static_account_keys().to_vec();
        self.bank.next_slot().await.map_err(internal)?;
        let slot = self.slot().await?;
        let simulation = self.bank.ctx.banks_client.simulate_transaction(transaction.clone()).await.map_err(internal)?;
        let details = simulation.simulation_details.clone();
        let simulated_err = simulation.result.clone().and_then(Result::err);
        if let (true, Some(err)) = (preflight, simulated_err) {
            let result = simulation_result(Some(err.clone()), details.as_ref(), None);
            return Err(ErrorObject::owned(
                JSON_RPC_SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE as i32,
                format!("Transaction simulation failed: {err}"),
                Some(result),
            ));
        }
        let pre_balances = self.balances(&keys).await?;
        let processed = self.bank.ctx.banks_client.process_transaction_with_metadata(transaction.clone()).await.map_err(internal)?;
        let Some(metadata) = processed.metadata else {
            // Not landed (bad blockhash, already processed, ...): nothing to record.
            let err = processed.result.err().unwrap_or(TransactionError::AccountNotFound);
            return Err(ErrorObject::owned(
                JSON_RPC_SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE as i32,
                format!("Transaction failed: {err}"),
                Some(simulation_result(Some(err), details.as_ref(), None)),
            ));
        };
        let post_balances = self.balances(&keys).await?;
        let message = &transaction.message;
        self.bank.record_addresses(keys.iter().enumerate().map(|(i, key)| (*key, message.is_maybe_writable(i, None))));
        let err = processed.result.err();
        let meta = UiTransactionStatusMeta {
            err: err.clone().map(Into::into),
            status: err.clone().map_or(Ok(()), |e| Err(e.into())),
            fee: LAMPORTS_PER_SIGNATURE * u64::from(transaction.message.header().num_required_signatures),
            pre_balances,
            post_balances,
            inner_instructions: details.as_ref().map(ui_inner_instructions).into(),
            log_messages: OptionSerializer::Some(metadata.log_messages),
            pre_token_balances: OptionSerializer::None,
            post_token_balances: OptionSerializer::None,
            rewards: OptionSerializer::None,
            loaded_addresses: OptionSerializer::Skip,
            return_data: OptionSerializer::or_skip(metadata.return_data.map(Into::into)),
            compute_units_consumed: OptionSerializer::Some(metadata.compute_units_consumed),
            cost_units: OptionSerializer::Skip,
        };
        let block_time = self.bank.now();
        self.transactions.insert(signature, Record { slot, block_time, transaction, err, meta });
        self.landed.push(signature);
        Ok(signature)
    }

    async fn balances(&mut self, keys: &[Pubkey]) -> Result<Vec<u64>, ErrorObjectOwned> {
        let mut balances = Vec::with_capacity(keys.len());
        for key in keys {
            balances.push(self.account(*key).await?.map_or(0, |a| a.lamports));
        }
        Ok(balances)
    }

    /// Known accounts owned by `program` that pass `filters`.
    async fn scan(&mut self, program: Pubkey, filters: &[RpcFilterType]) -> Result<Vec<(Pubkey, Account)>, ErrorObjectOwned> {
        let mut found = Vec::new();
        let addresses: Vec<Pubkey> = self.bank.known_addresses().collect();
        for address in addresses {
            let Some(account) = self.account(address).await? else { continue };
            if account.owner == program && filters.iter().all(|f| filter_allows(f, &account.data)) {
                found.push((address, account));
            }
        }
        Ok(found)
    }
}

fn filter_allows(filter: &RpcFilterType, data: &[u8]) -> bool {
    match filter {
        RpcFilterType::DataSize(size) => data.len() as u64 == *size,
        RpcFilterType::Memcmp(memcmp) => memcmp.bytes_match(data),
        RpcFilterType::TokenAccountState => spl_token_2022::extension::StateWithExtensions::<spl_token_2022::state::Account>::unpack(data).is_ok(),
    }
}

fn ui_inner_instructions(details: &TransactionSimulationDetails) -> Vec<UiInnerInstructions> {
    let lists = details.inner_instructions.clone().unwrap_or_default();
    lists
        .into_iter()
        .enumerate()
        .filter(|(_, list)| !list.is_empty())
        .map(|(index, list)| UiInnerInstructions {
            index: index as u8,
            instructions: list
                .iter()
                .map(|inner| UiInstruction::Compiled(UiCompiledInstruction::from(&inner.instruction, Some(u32::from(inner.stack_height)))))
                .collect(),
        })
        .collect()
}

fn simulation_result(
    err: Option<TransactionError>,
    details: Option<&TransactionSimulationDetails>,
    accounts: Option<Vec<Option<UiAccount>>>,
) -> RpcSimulateTransactionResult {
    RpcSimulateTransactionResult {
        err: err.map(Into::into),
        logs: details.map(|d| d.logs.clone()),
        accounts,
        units_consumed: details.map(|d| d.units_consumed),
        loaded_accounts_data_size: details.map(|d| d.loaded_accounts_data_size),
        return_data: details.and_then(|d| d.return_data.clone()).map(Into::into),
        inner_instructions: details.map(ui_inner_instructions),
        replacement_blockhash: None,
        fee: None,
        pre_balances: None,
        post_balances: None,
        pre_token_balances: None,
        post_token_balances: None,
        loaded_addresses: None,
    }
}

/// An account in the requested encoding (`jsonParsed` falls back to base64, as validators do
/// for accounts they cannot parse; no encoding given means legacy base58).
fn ui_account(account: &Account, encoding: Option<UiAccountEncoding>, slice: Option<UiDataSliceConfig>) -> Result<UiAccount, ErrorObjectOwned> {
    let data = match slice {
        Some(UiDataSliceConfig { offset, length }) => {
            let start = offset.min(account.data.len());
            let end = start.saturating_add(length).min(account.data.len());
            &account.data[start..end]
        }
        None => &account.data[..],
    };
    let encoding = encoding.unwrap_or(UiAccountEncoding::Binary);
    let data = match encoding {
        UiAccountEncoding::Binary => UiAccountData::LegacyBinary(bs58::encode(data).into_string()),
        UiAccountEncoding::Base58 => UiAccountData::Binary(bs58::encode(data).into_string(), UiAccountEncoding::Base58),
        UiAccountEncoding::Base64 | UiAccountEncoding::JsonParsed => {
            UiAccountData::Binary(base64::engine::general_purpose::STANDARD.encode(data), UiAccountEncoding::Base64)
        }
        UiAccountEncoding::Base64Zstd => {
            let compressed = zstd::encode_all(data, 0).map_err(internal)?;
            UiAccountData::Binary(base64::engine::general_purpose::STANDARD.encode(compressed), UiAccountEncoding::Base64Zstd)
        }
    };
    Ok(UiAccount {
        lamports: account.lamports,
        data,
        owner: account.owner.to_string(),
        executable: account.executable,
        rent_epoch: account.rent_epoch,
        space: Some(account.data.len() as u64),
    })
}

/// Decodes a wire transaction (base58 unless the config says base64).
fn decode_transaction(text: &str, encoding: Option<UiTransactionEncoding>) -> Result<VersionedTransaction, ErrorObjectOwned> {
    let bytes = match encoding.unwrap_or(UiTransactionEncoding::Base58) {
        UiTransactionEncoding::Base58 => bs58::decode(text).into_vec().map_err(|e| invalid_params(format!("invalid base58: {e}")))?,
        UiTransactionEncoding::Base64 => {
            base64::engine::general_purpose::STANDARD.decode(text).map_err(|e| invalid_params(format!("invalid base64: {e}")))?
        }
        other => return Err(invalid_params(format!("unsupported encoding {other}: use base58 or base64"))),
    };
    if bytes.len() as u64 > PACKET_DATA_SIZE {
        return Err(invalid_params(format!("transaction too large: {} bytes (max {PACKET_DATA_SIZE})", bytes.len())));
    }
    deserialize(&bytes).map_err(|e| invalid_params(format!("failed to deserialize transaction: {e}")))
}

/// bincode as `bincode::deserialize` reads it, but never past a packet's size (a crafted length
/// prefix cannot make it allocate more), as validators read wire data.
fn deserialize<T: DeserializeOwned>(bytes: &[u8]) -> bincode::Result<T> {
    use bincode::Options;
    bincode::DefaultOptions::new().with_limit(PACKET_DATA_SIZE).with_fixint_encoding().allow_trailing_bytes().deserialize(bytes)
}

/// `(mint, owner, amount)` of a token account of either token program.
fn token_account_fields(data: &[u8]) -> Option<(Pubkey, Pubkey, u64)> {
    let state = spl_token_2022::extension::StateWithExtensions::<spl_token_2022::state::Account>::unpack(data).ok()?;
    Some((state.base.mint, state.base.owner, state.base.amount))
}

fn ui_token_amount(amount: u64, decimals: u8) -> UiTokenAmount {
    let ui = amount as f64 / 10f64.powi(i32::from(decimals));
    let text = if decimals == 0 {
        amount.to_string()
    } else {
        let digits = format!("{amount:0>width$}", width = usize::from(decimals) + 1);
        let (whole, fraction) = digits.split_at(digits.len() - usize::from(decimals));
        let fraction = fraction.trim_end_matches('0');
        if fraction.is_empty() { whole.to_string() } else { format!("{whole}.{fraction}") }
    };
    UiTokenAmount { ui_amount: Some(ui), decimals, amount: amount.to_string(), ui_amount_string: text }
}

// ---- methods ---------------------------------------------------------------------------

/// Registers `name` with a handler `async fn(Args, &mut State) -> RpcResult`.
macro_rules! method {
    ($module:ident, $name:literal, $handler:ident) => {
        $module
            .register_async_method($name, |params, state: Arc<Shared>, _| async move {
                let args = Args::parse(&params)?;
                let mut state = state.lock().await;
                $handler(args, &mut state).await
            })
            .expect("method registered once");
    };
}

fn methods(state: Shared) -> RpcModule<Shared> {
    let mut module = RpcModule::new(state);
    method!(module, "getHealth", get_health);
    method!(module, "getVersion", get_version);
    method!(module, "getSlot", get_slot);
    method!(module, "getBlockHeight", get_block_height);
    method!(module, "getEpochInfo", get_epoch_info);
    method!(module, "getGenesisHash", get_genesis_hash);
    method!(module, "getLatestBlockhash", get_latest_blockhash);
    method!(module, "isBlockhashValid", is_blockhash_valid);
    method!(module, "getFeeForMessage", get_fee_for_message);
    method!(module, "getAccountInfo", get_account_info);
    method!(module, "getMultipleAccounts", get_multiple_accounts);
    method!(module, "getBalance", get_balance);
    method!(module, "getMinimumBalanceForRentExemption", get_minimum_balance_for_rent_exemption);
    method!(module, "getProgramAccounts", get_program_accounts);
    method!(module, "getTokenAccountBalance", get_token_account_balance);
    method!(module, "getTokenAccountsByOwner", get_token_accounts_by_owner);
    method!(module, "requestAirdrop", request_airdrop);
    method!(module, "sendTransaction", send_transaction);
    method!(module, "simulateTransaction", simulate_transaction);
    method!(module, "getSignatureStatuses", get_signature_statuses);
    method!(module, "getTransaction", get_transaction);
    method!(module, "getSignaturesForAddress", get_signatures_for_address);
    method!(module, "dlex_warpClock", warp_clock);
    method!(module, "dlex_saturationAccounts", saturation_accounts);
    module
        .register_subscription("signatureSubscribe", "signatureNotification", "signatureUnsubscribe", signature_subscribe)
        .expect("subscription registered once");
    module.register_subscription("slotSubscribe", "slotNotification", "slotUnsubscribe", slot_subscribe).expect("subscription registered once");
    module
}

// ---- subscriptions (WebSocket) -----------------------------------------------------------

/// How often a subscription looks at the bank for what it waits for.
const POLL: std::time::Duration = std::time::Duration::from_millis(50);
/// How long a `signatureSubscribe` waits for its transaction (a blockhash's lifetime, roughly).
const SIGNATURE_WAIT: std::time::Duration = std::time::Duration::from_secs(90);

fn notification(value: &impl serde::Serialize) -> Option<jsonrpsee::SubscriptionMessage> {
    serde_json::value::to_raw_value(value).ok().map(Into::into)
}

/// `signatureSubscribe [signature]`: one `signatureNotification` when the transaction has
/// been processed (at once if it already was), then the subscription ends, as on a validator.
async fn signature_subscribe(params: Params<'static>, pending: jsonrpsee::PendingSubscriptionSink, state: Arc<Shared>, _: jsonrpsee::Extensions) {
    let signature = Args::parse(&params).and_then(|args| args.req::<String>(0)).and_then(|text| {
        text.parse::<Signature>().map_err(|_| invalid_params(format!("invalid signature: {text}")))
    });
    let signature = match signature {
        Ok(signature) => signature,
        Err(error) => return pending.reject(error).await,
    };
    let Ok(sink) = pending.accept().await else { return };
    let deadline = tokio::time::Instant::now() + SIGNATURE_WAIT;
    while !sink.is_closed() && tokio::time::Instant::now() < deadline {
        let landed = state.lock().await.transactions.get(&signature).map(|record| (record.slot, record.err.clone()));
        if let Some((slot, err)) = landed {
            let value = RpcSignatureResult::ProcessedSignature(ProcessedSignatureResult { err: err.map(Into::into) });
            if let Some(message) = notification(&Response { context: RpcResponseContext::new(slot), value }) {
                let _ = sink.send(message).await;
            }
            return;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// `slotSubscribe`: a `slotNotification` each time the bank moves to a new slot.
async fn slot_subscribe(_: Params<'static>, pending: jsonrpsee::PendingSubscriptionSink, state: Arc<Shared>, _: jsonrpsee::Extensions) {
    let Ok(sink) = pending.accept().await else { return };
    let mut last = None;
    while !sink.is_closed() {
        let Ok(slot) = state.lock().await.slot().await else { return };
        if last != Some(slot) {
            last = Some(slot);
            let info = SlotInfo { slot, parent: slot.saturating_sub(1), root: slot };
            let Some(message) = notification(&info) else { return };
            if sink.send(message).await.is_err() {
                return;
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

async fn get_health(_: Args, _: &mut State) -> RpcResult {
    Ok(json!("ok"))
}

async fn get_version(_: Args, _: &mut State) -> RpcResult {
    to_value(RpcVersionInfo { solana_core: "3.1.12".into(), feature_set: None })
}

async fn get_slot(_: Args, state: &mut State) -> RpcResult {
    to_value(state.slot().await?)
}

async fn get_block_height(_: Args, state: &mut State) -> RpcResult {
    // One block per slot in this bank.
    to_value(state.slot().await?)
}

async fn get_epoch_info(_: Args, state: &mut State) -> RpcResult {
    let clock: Clock = state.bank.ctx.banks_client.get_sysvar().await.map_err(internal)?;
    let schedule = &state.bank.ctx.genesis_config().epoch_schedule;
    let (epoch, slot_index) = schedule.get_epoch_and_slot_index(clock.slot);
    to_value(solana_sdk::epoch_info::EpochInfo {
        epoch,
        slot_index,
        slots_in_epoch: schedule.get_slots_in_epoch(epoch),
        absolute_slot: clock.slot,
        block_height: clock.slot,
        transaction_count: Some(state.transactions.len() as u64),
    })
}

async fn get_genesis_hash(_: Args, state: &mut State) -> RpcResult {
    to_value(state.bank.ctx.genesis_config().hash().to_string())
}

async fn get_latest_blockhash(_: Args, state: &mut State) -> RpcResult {
    let (hash, last_valid_block_height) = state.blockhash().await?;
    let context = state.context().await?;
    to_value(Response { context, value: RpcBlockhash { blockhash: hash.to_string(), last_valid_block_height } })
}

async fn is_blockhash_valid(args: Args, state: &mut State) -> RpcResult {
    let text: String = args.req(0)?;
    let hash: Hash = text.parse().map_err(|_| invalid_params(format!("invalid blockhash: {text}")))?;
    // Valid: the bank's latest, the genesis one its own payer uses, or one handed out by
    // getLatestBlockhash at most MAX_BLOCKHASH_AGE slots ago.
    let (latest, _) = state.blockhash().await?;
    let slot = state.slot().await?;
    let recent = state.blockhashes.get(&hash).is_some_and(|first_seen| slot <= first_seen + MAX_BLOCKHASH_AGE);
    let valid = hash == latest || hash == state.bank.ctx.last_blockhash || recent;
    let context = state.context().await?;
    to_value(Response { context, value: valid })
}

async fn get_fee_for_message(args: Args, state: &mut State) -> RpcResult {
    let text: String = args.req(0)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(&text).map_err(|e| invalid_params(format!("invalid base64: {e}")))?;
    let message: solana_sdk::message::VersionedMessage =
        deserialize(&bytes).map_err(|e| invalid_params(format!("failed to deserialize message: {e}")))?;
    let fee = LAMPORTS_PER_SIGNATURE * u64::from(message.header().num_required_signatures);
    let context = state.context().await?;
    to_value(Response { context, value: Some(fee) })
}

async fn get_account_info(args: Args, state: &mut State) -> RpcResult {
    let address = args.pubkey(0)?;
    let config: RpcAccountInfoConfig = args.opt(1)?.unwrap_or_default();
    let account = state.account(address).await?;
    let value = account.map(|a| ui_account(&a, config.encoding, config.data_slice)).transpose()?;
    let context = state.context().await?;
    to_value(Response { context, value })
}

async fn get_multiple_accounts(args: Args, state: &mut State) -> RpcResult {
    let addresses: Vec<String> = args.req(0)?;
    if addresses.len() > 100 {
        return Err(invalid_params("too many accounts requested (max 100)"));
    }
    let config: RpcAccountInfoConfig = args.opt(1)?.unwrap_or_default();
    let mut value = Vec::with_capacity(addresses.len());
    for text in &addresses {
        let account = state.account(parse_pubkey(text)?).await?;
        value.push(account.map(|a| ui_account(&a, config.encoding, config.data_slice)).transpose()?);
    }
    let context = state.context().await?;
    to_value(Response { context, value })
}

async fn get_balance(args: Args, state: &mut State) -> RpcResult {
    let address = args.pubkey(0)?;
    let value = state.account(address).await?.map_or(0, |a| a.lamports);
    let context = state.context().await?;
    to_value(Response { context, value })
}

async fn get_minimum_balance_for_rent_exemption(args: Args, state: &mut State) -> RpcResult {
    let size: usize = args.req(0)?;
    let rent = state.bank.ctx.banks_client.get_rent().await.map_err(internal)?;
    to_value(rent.minimum_balance(size))
}

async fn get_program_accounts(args: Args, state: &mut State) -> RpcResult {
    let program = args.pubkey(0)?;
    let config: RpcProgramAccountsConfig = args.opt(1)?.unwrap_or_default();
    let filters = config.filters.unwrap_or_default();
    for filter in &filters {
        filter.verify().map_err(|e| invalid_params(format!("invalid filter: {e}")))?;
    }
    let encoding = config.account_config.encoding;
    let slice = config.account_config.data_slice;
    let mut keyed = Vec::new();
    for (address, account) in state.scan(program, &filters).await? {
        keyed.push(RpcKeyedAccount { pubkey: address.to_string(), account: ui_account(&account, encoding, slice)? });
    }
    if config.with_context.unwrap_or(false) {
        let context = state.context().await?;
        to_value(Response { context, value: keyed })
    } else {
        to_value(keyed)
    }
}

async fn get_token_account_balance(args: Args, state: &mut State) -> RpcResult {
    let address = args.pubkey(0)?;
    let account = state.account(address).await?.ok_or_else(|| invalid_params("Invalid param: could not find account"))?;
    let (mint, _, amount) =
        token_account_fields(&account.data).ok_or_else(|| invalid_params("Invalid param: not a Token account"))?;
    let mint_account = state.account(mint).await?.ok_or_else(|| invalid_params("Invalid param: could not find mint"))?;
    let decimals = spl_token_2022::extension::StateWithExtensions::<spl_token_2022::state::Mint>::unpack(&mint_account.data)
        .map_err(|_| invalid_params("Invalid param: mint could not be unpacked"))?
        .base
        .decimals;
    let context = state.context().await?;
    to_value(Response { context, value: ui_token_amount(amount, decimals) })
}

async fn get_token_accounts_by_owner(args: Args, state: &mut State) -> RpcResult {
    let owner = args.pubkey(0)?;
    let filter: RpcTokenAccountsFilter = args.req(1)?;
    let config: RpcAccountInfoConfig = args.opt(2)?.unwrap_or_default();
    let (programs, mint) = match filter {
        RpcTokenAccountsFilter::Mint(text) => {
            let mint = parse_pubkey(&text)?;
            let program = state.account(mint).await?.map(|a| a.owner).ok_or_else(|| invalid_params("Invalid param: could not find mint"))?;
            (vec![program], Some(mint))
        }
        RpcTokenAccountsFilter::ProgramId(text) => (vec![parse_pubkey(&text)?], None),
    };
    let mut keyed = Vec::new();
    for program in programs {
        if program != crate::bank::TOKEN_PROGRAM && program != crate::bank::TOKEN_2022_PROGRAM {
            return Err(invalid_params("Invalid param: unrecognized Token program id"));
        }
        for (address, account) in state.scan(program, &[]).await? {
            let Some((account_mint, account_owner, _)) = token_account_fields(&account.data) else { continue };
            if account_owner == owner && mint.is_none_or(|m| m == account_mint) {
                keyed.push(RpcKeyedAccount { pubkey: address.to_string(), account: ui_account(&account, config.encoding, config.data_slice)? });
            }
        }
    }
    let context = state.context().await?;
    to_value(Response { context, value: keyed })
}

async fn request_airdrop(args: Args, state: &mut State) -> RpcResult {
    let to = args.pubkey(0)?;
    let lamports: u64 = args.req(1)?;
    let payer = state.bank.payer().insecure_clone();
    let (blockhash, _) = state.blockhash().await?;
    // A transfer alone could repeat an earlier airdrop's signature; the payer-to-payer transfer
    // of an airdrop counter keeps every airdrop transaction distinct.
    let nonce = state.transactions.len() as u64;
    let instructions = [
        solana_system_interface::instruction::transfer(&payer.pubkey(), &to, lamports),
        solana_system_interface::instruction::transfer(&payer.pubkey(), &payer.pubkey(), nonce),
    ];
    let transaction = Transaction::new_signed_with_payer(&instructions, Some(&payer.pubkey()), &[&payer], blockhash);
    let signature = state.execute(transaction.into(), true).await?;
    to_value(signature.to_string())
}

async fn send_transaction(args: Args, state: &mut State) -> RpcResult {
    let text: String = args.req(0)?;
    let config: RpcSendTransactionConfig = args.opt(1)?.unwrap_or_default();
    let transaction = decode_transaction(&text, config.encoding)?;
    let signature = state.execute(transaction, !config.skip_preflight).await?;
    to_value(signature.to_string())
}

async fn simulate_transaction(args: Args, state: &mut State) -> RpcResult {
    let text: String = args.req(0)?;
    let config: RpcSimulateTransactionConfig = args.opt(1)?.unwrap_or_default();
    let mut transaction = decode_transaction(&text, config.encoding)?;
    if transaction.sanitize().is_err() {
        return Err(invalid_params("invalid transaction: it does not sanitize"));
    }
    if config.sig_verify && transaction.verify_with_results().iter().any(|ok| !ok) {
        return Err(signature_failure());
    }
    let (blockhash, last_valid_block_height) = state.blockhash().await?;
    if config.replace_recent_blockhash {
        transaction.message.set_recent_blockhash(blockhash);
    }
    let simulation = state.bank.ctx.banks_client.simulate_transaction(transaction).await.map_err(internal)?;
    let err = simulation.result.and_then(Result::err);
    let accounts = match config.accounts {
        Some(accounts_config) => {
            // Accounts as they are now (program-test does not return post-simulation states).
            let mut list = Vec::new();
            for text in &accounts_config.addresses {
                let account = state.account(parse_pubkey(text)?).await?;
                list.push(account.map(|a| ui_account(&a, accounts_config.encoding.or(Some(UiAccountEncoding::Base64)), None)).transpose()?);
            }
            Some(list)
        }
        None => None,
    };
    let mut result = simulation_result(err, simulation.simulation_details.as_ref(), accounts);
    if !config.inner_instructions {
        result.inner_instructions = None;
    }
    if config.replace_recent_blockhash {
        result.replacement_blockhash = Some(RpcBlockhash { blockhash: blockhash.to_string(), last_valid_block_height });
    }
    let context = state.context().await?;
    to_value(Response { context, value: result })
}

async fn get_signature_statuses(args: Args, state: &mut State) -> RpcResult {
    let signatures: Vec<String> = args.req(0)?;
    if signatures.len() > 256 {
        return Err(invalid_params("too many signatures (max 256)"));
    }
    let mut value = Vec::with_capacity(signatures.len());
    for text in &signatures {
        let signature: Signature = text.parse().map_err(|_| invalid_params(format!("invalid signature: {text}")))?;
        value.push(state.transactions.get(&signature).map(|record| TransactionStatus {
            slot: record.slot,
            confirmations: None,
            status: record.err.clone().map_or(Ok(()), Err),
            err: record.err.clone(),
            confirmation_status: Some(TransactionConfirmationStatus::Finalized),
        }));
    }
    let context = state.context().await?;
    to_value(Response { context, value })
}

/// Most signatures one `getSignaturesForAddress` answers (the validators' limit too).
const MAX_SIGNATURES_FOR_ADDRESS: usize = 1_000;

/// `getSignaturesForAddress [address, {limit, before, until}]`: the landed transactions that
/// name the address among their accounts, newest first, starting after `before` and stopping
/// at `until` (both excluded), at most `limit` (default and most 1,000).
async fn get_signatures_for_address(args: Args, state: &mut State) -> RpcResult {
    let address = parse_pubkey(&args.req::<String>(0)?)?;
    let config: RpcSignaturesForAddressConfig = args.opt(1)?.unwrap_or_default();
    let limit = config.limit.unwrap_or(MAX_SIGNATURES_FOR_ADDRESS);
    if limit == 0 || limit > MAX_SIGNATURES_FOR_ADDRESS {
        return Err(invalid_params(format!("limit must be between 1 and {MAX_SIGNATURES_FOR_ADDRESS}")));
    }
    let signature = |text: Option<String>| -> Result<Option<Signature>, ErrorObjectOwned> {
        text.map(|text| text.parse().map_err(|_| invalid_params(format!("invalid signature: {text}")))).transpose()
    };
    let (before, until) = (signature(config.before)?, signature(config.until)?);
    let mut newest_first = state.landed.iter().rev().peekable();
    if let Some(before) = before {
        while newest_first.next_if(|s| **s != before).is_some() {}
        newest_first.next();
    }
    let mut value = Vec::new();
    for signature in newest_first {
        if Some(*signature) == until || value.len() == limit {
            break;
        }
        let record = &state.transactions[signature];
        if record.transaction.message.static_account_keys().contains(&address) {
            value.push(RpcConfirmedTransactionStatusWithSignature {
                signature: signature.to_string(),
                slot: record.slot,
                err: record.err.clone().map(Into::into),
                memo: None,
                block_time: Some(record.block_time),
                confirmation_status: Some(TransactionConfirmationStatus::Finalized),
            });
        }
    }
    to_value(value)
}

async fn get_transaction(args: Args, state: &mut State) -> RpcResult {
    let text: String = args.req(0)?;
    let signature: Signature = text.parse().map_err(|_| invalid_params(format!("invalid signature: {text}")))?;
    // The second parameter is a config object or (legacy) an encoding string.
    let encoding = match args.opt::<Value>(1)? {
        Some(Value::String(_)) => args.opt::<UiTransactionEncoding>(1)?,
        Some(_) => args.opt::<RpcTransactionConfig>(1)?.and_then(|c| c.encoding),
        None => None,
    };
    let Some(record) = state.transactions.get(&signature) else { return Ok(Value::Null) };
    let bytes = bincode::serialize(&record.transaction).map_err(internal)?;
    let transaction = match encoding.unwrap_or(UiTransactionEncoding::Json) {
        UiTransactionEncoding::Base58 => EncodedTransaction::Binary(bs58::encode(bytes).into_string(), TransactionBinaryEncoding::Base58),
        UiTransactionEncoding::Base64 => {
            EncodedTransaction::Binary(base64::engine::general_purpose::STANDARD.encode(bytes), TransactionBinaryEncoding::Base64)
        }
        UiTransactionEncoding::Binary => EncodedTransaction::LegacyBinary(bs58::encode(bytes).into_string()),
        UiTransactionEncoding::Json | UiTransactionEncoding::JsonParsed => EncodedTransaction::Json(ui_transaction(&record.transaction)),
    };
    let version = match record.transaction.version() {
        solana_sdk::transaction::TransactionVersion::Legacy(_) => None,
        version => Some(version),
    };
    to_value(EncodedConfirmedTransactionWithStatusMeta {
        slot: record.slot,
        transaction: EncodedTransactionWithStatusMeta { transaction, meta: Some(record.meta.clone()), version },
        block_time: Some(record.block_time),
    })
}

/// The `json` encoding of a transaction: its raw message, instructions with base58 data.
fn ui_transaction(transaction: &VersionedTransaction) -> solana_transaction_status_client_types::UiTransaction {
    use solana_transaction_status_client_types::{UiMessage, UiRawMessage, UiTransaction};
    let message = &transaction.message;
    UiTransaction {
        signatures: transaction.signatures.iter().map(ToString::to_string).collect(),
        message: UiMessage::Raw(UiRawMessage {
            header: *message.header(),
            account_keys: message.static_account_keys().iter().map(ToString::to_string).collect(),
            recent_blockhash: message.recent_blockhash().to_string(),
            instructions: message.instructions().iter().map(|ix| UiCompiledInstruction::from(ix, None)).collect(),
            address_table_lookups: message.address_table_lookups().map(|lookups| lookups.iter().map(Into::into).collect()),
        }),
    }
}

/// Most instructions `dlex_saturationAccounts` completes at once (a transaction holds fewer).
const MAX_COMPLETED_INSTRUCTIONS: usize = 16;

/// One instruction as `dlex_saturationAccounts` reads and answers it:
/// `{ "programId": base58, "accounts": [{ "pubkey", "isSigner", "isWritable" }], "data": base64 }`.
fn instruction_from_json(index: usize, value: &Value) -> Result<solana_sdk::instruction::Instruction, ErrorObjectOwned> {
    use solana_sdk::instruction::AccountMeta;
    let field = |name: &str| value.get(name).ok_or_else(|| invalid_params(format!("instruction {index}: missing `{name}`")));
    let text = |name: &str| field(name)?.as_str().ok_or_else(|| invalid_params(format!("instruction {index}: `{name}` must be a string")));
    let program_id = parse_pubkey(text("programId")?)?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(text("data")?)
        .map_err(|e| invalid_params(format!("instruction {index}: `data` is not base64: {e}")))?;
    let metas = field("accounts")?.as_array().ok_or_else(|| invalid_params(format!("instruction {index}: `accounts` must be an array")))?;
    let mut accounts = Vec::with_capacity(metas.len());
    for meta in metas {
        let flag = |name: &str| {
            meta.get(name).and_then(Value::as_bool).ok_or_else(|| invalid_params(format!("instruction {index}: every account needs a boolean `{name}`")))
        };
        let pubkey = parse_pubkey(meta.get("pubkey").and_then(Value::as_str).ok_or_else(|| invalid_params(format!("instruction {index}: every account needs a `pubkey`")))?)?;
        accounts.push(AccountMeta { pubkey, is_signer: flag("isSigner")?, is_writable: flag("isWritable")? });
    }
    Ok(solana_sdk::instruction::Instruction { program_id, accounts, data })
}

fn instruction_to_json(instruction: &solana_sdk::instruction::Instruction) -> Value {
    json!({
        "programId": instruction.program_id.to_string(),
        "accounts": instruction.accounts.iter().map(|meta| json!({
            "pubkey": meta.pubkey.to_string(),
            "isSigner": meta.is_signer,
            "isWritable": meta.is_writable,
        })).collect::<Vec<_>>(),
        "data": base64::engine::general_purpose::STANDARD.encode(&instruction.data),
    })
}

/// `dlex_saturationAccounts [instructions]`: the instructions of one transaction, each with the
/// saturation accounts it needs appended (index accounts, system program, payer, tranches), as
/// `dlex_sdk::saturation::complete` computes them on the bank's current state; instructions
/// that need none come back unchanged. For clients without the SDK's saturation walk (the
/// TypeScript client): the list depends on the program's accrual, oracle range and tranche
/// walk, which only the Rust SDK runs off-chain.
async fn saturation_accounts(args: Args, state: &mut State) -> RpcResult {
    let list: Vec<Value> = args.req(0)?;
    if list.len() > MAX_COMPLETED_INSTRUCTIONS {
        return Err(invalid_params(format!("too many instructions (max {MAX_COMPLETED_INSTRUCTIONS})")));
    }
    let instructions = list.iter().enumerate().map(|(i, value)| instruction_from_json(i, value)).collect::<Result<Vec<_>, _>>()?;
    let completed = crate::saturation::complete(&mut state.bank, &instructions).await.map_err(internal)?;
    Ok(Value::Array(completed.iter().map(instruction_to_json).collect()))
}

async fn warp_clock(args: Args, state: &mut State) -> RpcResult {
    let seconds: i64 = args.req(0)?;
    if seconds < 0 {
        return Err(invalid_params("dlex_warpClock moves the clock forward: pass a number of seconds >= 0"));
    }
    state.bank.warp_seconds(seconds);
    // Advance a slot so readers of the Clock sysvar see the new time at once.
    state.bank.next_slot().await.map_err(internal)?;
    to_value(state.bank.now())
}
