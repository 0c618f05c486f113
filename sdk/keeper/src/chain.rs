//! Where the keeper reads accounts and sends transactions: the in-process
//! [`Bank`](dlex_sdk::bank::Bank) (tests, `dlex demo`) or a cluster over JSON-RPC
//! ([`RpcChain`]: a local validator, devnet, mainnet). Both answer the same [`Chain`] calls,
//! so the keeper's rounds are the same code on both.
//!
//! Discovery is `getProgramAccounts` with the filters the keeper gives (the bank, which cannot
//! scan, answers from its index of the addresses its transactions named). Between full scans
//! the keeper asks for [`Changes`]: on the bank, the accounts transactions wrote since the last
//! call; on a cluster, what a `programSubscribe` WebSocket pushed since then.

use std::future::Future;

use anchor_lang::prelude::Pubkey;
use dlex_sdk::bank::Bank;
use dlex_sdk::source::{AccountSource, Cluster};
use solana_account_decoder_client_types::UiAccountEncoding;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::config::{RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcSimulateTransactionConfig};
use solana_rpc_client_api::filter::RpcFilterType;
use solana_sdk::instruction::{Instruction, InstructionError};
use solana_sdk::signature::Keypair;
use solana_sdk::signer::Signer;
use solana_sdk::transaction::{Transaction, TransactionError};
use tokio::sync::mpsc;

/// A dlex account: its address and data.
pub type ProgramAccount = (Pubkey, Vec<u8>);

/// What changed since the keeper last asked.
#[derive(Debug)]
pub enum Changes {
    /// The chain cannot tell (no subscription, or it dropped): scan everything again.
    Unknown,
    /// These dlex accounts changed (data as they are now; `None`: closed).
    Accounts(Vec<(Pubkey, Option<Vec<u8>>)>),
}

/// Why a transaction was not accepted, with the program's custom error code when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxFailure {
    pub message: String,
    /// The custom code of the instruction error (`DlexError` codes for dlex's own refusals).
    pub custom_code: Option<u32>,
}

impl TxFailure {
    fn from_transaction_error(error: &TransactionError) -> Self {
        let custom_code = match error {
            TransactionError::InstructionError(_, InstructionError::Custom(code)) => Some(*code),
            _ => None,
        };
        Self { message: error.to_string(), custom_code }
    }

    fn other(message: impl Into<String>) -> Self {
        Self { message: message.into(), custom_code: None }
    }
}

impl std::fmt::Display for TxFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A confirmed transaction.
#[derive(Clone, Debug, Default)]
pub struct Sent {
    pub signature: String,
    /// The data of the events dlex emitted (`emit_cpi!`), when the chain reports them (the
    /// bank does; over RPC, read them with `getTransaction`).
    pub events: Vec<Vec<u8>>,
}

/// Reads, scans and sends for the keeper.
pub trait Chain: AccountSource {
    /// The dlex program's accounts that pass `filters` (`getProgramAccounts`).
    fn scan(&mut self, filters: Vec<RpcFilterType>) -> impl Future<Output = Result<Vec<ProgramAccount>, String>>;
    /// The dlex accounts that changed since the previous call (`cursor` is the keeper's own
    /// bookmark, kept between calls).
    fn changes(&mut self, cursor: &mut u64) -> impl Future<Output = Result<Changes, String>>;
    /// Runs the transaction without committing it (`signer` signs; it pays the fees on a
    /// cluster).
    fn simulate(&mut self, instructions: &[Instruction], signer: &Keypair) -> impl Future<Output = Result<(), TxFailure>>;
    /// Sends the transaction and waits until it is confirmed.
    fn send(&mut self, instructions: &[Instruction], signer: &Keypair) -> impl Future<Output = Result<Sent, TxFailure>>;
}

fn passes(filters: &[RpcFilterType], data: &[u8]) -> bool {
    filters.iter().all(|filter| match filter {
        RpcFilterType::DataSize(size) => data.len() as u64 == *size,
        RpcFilterType::Memcmp(memcmp) => memcmp.bytes_match(data),
        RpcFilterType::TokenAccountState => false,
    })
}

fn bank_failure(error: solana_program_test::BanksClientError) -> TxFailure {
    use solana_program_test::BanksClientError;
    match &error {
        BanksClientError::TransactionError(e) | BanksClientError::SimulationError { err: e, .. } => TxFailure::from_transaction_error(e),
        _ => TxFailure::other(error.to_string()),
    }
}

impl Chain for Bank {
    async fn scan(&mut self, filters: Vec<RpcFilterType>) -> Result<Vec<ProgramAccount>, String> {
        let addresses: Vec<Pubkey> = self.known_addresses().collect();
        let mut found = Vec::new();
        for address in addresses {
            if let Some(account) = self.account(address).await {
                if account.owner == dlex::ID && passes(&filters, &account.data) {
                    found.push((address, account.data));
                }
            }
        }
        Ok(found)
    }

    async fn changes(&mut self, cursor: &mut u64) -> Result<Changes, String> {
        let written = self.written_since(*cursor);
        *cursor = self.transaction_count();
        let mut changed = Vec::with_capacity(written.len());
        for address in written {
            match self.account(address).await {
                Some(account) if account.owner == dlex::ID => changed.push((address, Some(account.data))),
                Some(_) => {}
                None => changed.push((address, None)),
            }
        }
        Ok(Changes::Accounts(changed))
    }

    async fn simulate(&mut self, instructions: &[Instruction], signer: &Keypair) -> Result<(), TxFailure> {
        self.simulate_return_data(instructions, &[signer]).await.map(|_| ()).map_err(bank_failure)
    }

    async fn send(&mut self, instructions: &[Instruction], signer: &Keypair) -> Result<Sent, TxFailure> {
        let events = self.send_exact_with_events(instructions, &[signer]).await.map_err(bank_failure)?;
        Ok(Sent { signature: format!("bank-transaction-{}", self.transaction_count()), events })
    }
}

/// A cluster over JSON-RPC, with an optional `programSubscribe` feed of changed accounts.
pub struct RpcChain {
    cluster: Cluster,
    client: RpcClient,
    /// Accounts the subscription pushed (address, data), drained by [`Chain::changes`];
    /// `None` without a subscription.
    updates: Option<mpsc::UnboundedReceiver<(Pubkey, Vec<u8>)>>,
}

impl RpcChain {
    /// The cluster at `url` (HTTP JSON-RPC), confirming at `confirmed`.
    pub fn new(url: &str) -> Self {
        let client = RpcClient::new_with_commitment(url.to_string(), solana_commitment_config::CommitmentConfig::confirmed());
        Self { cluster: Cluster::new(url), client, updates: None }
    }

    /// Subscribes to changes of the dlex accounts that pass `filters` over the WebSocket at
    /// `ws_url`. If the socket drops later, [`Chain::changes`] answers `Unknown` and the keeper
    /// scans again.
    pub async fn subscribe(&mut self, ws_url: &str, filters: Vec<RpcFilterType>) -> Result<(), String> {
        use futures_util::StreamExt;
        let client = solana_pubsub_client::nonblocking::pubsub_client::PubsubClient::new(ws_url)
            .await
            .map_err(|e| format!("cannot open the WebSocket {ws_url}: {e}"))?;
        let (sender, receiver) = mpsc::unbounded_channel();
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<Result<(), String>>();
        let config = RpcProgramAccountsConfig { filters: Some(filters), account_config: base64_config(), ..Default::default() };
        tokio::spawn(async move {
            let (mut stream, _unsubscribe) = match client.program_subscribe(&dlex::ID, Some(config)).await {
                Ok(subscription) => subscription,
                Err(e) => {
                    let _ = ready_tx.send(Err(format!("programSubscribe failed: {e}")));
                    return;
                }
            };
            let _ = ready_tx.send(Ok(()));
            while let Some(update) = stream.next().await {
                let Ok(address) = update.value.pubkey.parse::<Pubkey>() else { continue };
                let Some(data) = update.value.account.data.decode() else { continue };
                if sender.send((address, data)).is_err() {
                    break;
                }
            }
        });
        ready_rx.await.map_err(|_| "the subscription task stopped".to_string())??;
        self.updates = Some(receiver);
        Ok(())
    }

    pub fn url(&self) -> String {
        self.cluster.url()
    }

    async fn transaction(&self, instructions: &[Instruction], signer: &Keypair) -> Result<Transaction, TxFailure> {
        let blockhash = self.client.get_latest_blockhash().await.map_err(|e| TxFailure::other(format!("getLatestBlockhash: {e}")))?;
        Ok(Transaction::new_signed_with_payer(instructions, Some(&signer.pubkey()), &[signer], blockhash))
    }
}

fn base64_config() -> RpcAccountInfoConfig {
    RpcAccountInfoConfig { encoding: Some(UiAccountEncoding::Base64), ..Default::default() }
}

impl AccountSource for RpcChain {
    async fn account_data(&mut self, address: Pubkey) -> Result<Option<Vec<u8>>, String> {
        self.cluster.account_data(address).await
    }

    async fn unix_timestamp(&mut self) -> Result<i64, String> {
        self.cluster.unix_timestamp().await
    }
}

impl Chain for RpcChain {
    async fn scan(&mut self, filters: Vec<RpcFilterType>) -> Result<Vec<ProgramAccount>, String> {
        let config = RpcProgramAccountsConfig { filters: Some(filters), account_config: base64_config(), ..Default::default() };
        let accounts = self
            .client
            .get_program_ui_accounts_with_config(&dlex::ID, config)
            .await
            .map_err(|e| format!("getProgramAccounts on {}: {e}", self.url()))?;
        Ok(accounts.into_iter().filter_map(|(address, account)| account.data.decode().map(|data| (address, data))).collect())
    }

    async fn changes(&mut self, _cursor: &mut u64) -> Result<Changes, String> {
        let Some(updates) = self.updates.as_mut() else {
            return Ok(Changes::Unknown);
        };
        let mut changed = Vec::new();
        loop {
            match updates.try_recv() {
                Ok((address, data)) => changed.push((address, Some(data))),
                Err(mpsc::error::TryRecvError::Empty) => return Ok(Changes::Accounts(changed)),
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    self.updates = None;
                    return Ok(Changes::Unknown);
                }
            }
        }
    }

    async fn simulate(&mut self, instructions: &[Instruction], signer: &Keypair) -> Result<(), TxFailure> {
        let tx = self.transaction(instructions, signer).await?;
        let config = RpcSimulateTransactionConfig { sig_verify: false, ..Default::default() };
        let result = self.client.simulate_transaction_with_config(&tx, config).await.map_err(|e| TxFailure::other(format!("simulateTransaction: {e}")))?;
        match result.value.err {
            Some(error) => Err(TxFailure::from_transaction_error(&error.into())),
            None => Ok(()),
        }
    }

    async fn send(&mut self, instructions: &[Instruction], signer: &Keypair) -> Result<Sent, TxFailure> {
        let tx = self.transaction(instructions, signer).await?;
        match self.client.send_and_confirm_transaction(&tx).await {
            Ok(signature) => Ok(Sent { signature: signature.to_string(), events: Vec::new() }),
            Err(error) => Err(match error.get_transaction_error() {
                Some(e) => TxFailure::from_transaction_error(&e),
                None => TxFailure::other(format!("sendTransaction: {error}")),
            }),
        }
    }
}
