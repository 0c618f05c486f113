//! Where the SDK reads accounts from: the in-process [`Bank`](crate::bank::Bank) or a cluster
//! over JSON-RPC ([`Cluster`]). Off-chain reports work the same on both.

use anchor_lang::prelude::Pubkey;
use solana_rpc_client::api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::account::Account;

/// Read access to account data and the cluster's clock.
pub trait AccountSource {
    /// The account's data, or `None` if no account exists at `address`.
    fn account_data(&mut self, address: Pubkey) -> impl std::future::Future<Output = Result<Option<Vec<u8>>, String>>;
    /// The cluster's current `Clock::unix_timestamp`.
    fn unix_timestamp(&mut self) -> impl std::future::Future<Output = Result<i64, String>>;
}

impl AccountSource for crate::bank::Bank {
    async fn account_data(&mut self, address: Pubkey) -> Result<Option<Vec<u8>>, String> {
        Ok(self.account(address).await.map(|account| account.data))
    }

    async fn unix_timestamp(&mut self) -> Result<i64, String> {
        Ok(self.now())
    }
}

/// Why a read over JSON-RPC failed. A missing account is not a failure: reads return `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RpcFailure {
    /// Nothing answered at the URL (connection refused, unknown host, timeout, TLS failure):
    /// no node is reachable there.
    Unreachable { url: String, cause: String },
    /// The URL cannot be used for a request at all.
    InvalidUrl { url: String, cause: String },
    /// Something answered, but not with a usable JSON-RPC result: an HTTP error status, a body
    /// that is not JSON-RPC, or an error the node returned.
    Failed { url: String, request: String, cause: String },
}

impl std::fmt::Display for RpcFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable { url, cause } => {
                write!(f, "cannot reach the RPC endpoint {url} ({cause}): no Solana JSON-RPC node answers there")
            }
            Self::InvalidUrl { url, cause } => write!(f, "`{url}` is not a usable RPC URL ({cause})"),
            Self::Failed { url, request, cause } => write!(f, "the RPC endpoint {url} failed {request}: {cause}"),
        }
    }
}

impl std::error::Error for RpcFailure {}

/// The innermost cause of a transport error, in words (`connection refused`, `timed out`, ...).
fn transport_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = error;
    let mut io = error.downcast_ref::<std::io::Error>();
    while let Some(source) = innermost.source() {
        innermost = source;
        if let Some(e) = source.downcast_ref::<std::io::Error>() {
            io = Some(e);
        }
    }
    use std::io::ErrorKind::*;
    match io.map(std::io::Error::kind) {
        Some(ConnectionRefused) => "connection refused".into(),
        Some(TimedOut) => "timed out".into(),
        Some(ConnectionReset) => "connection reset".into(),
        Some(ConnectionAborted) => "connection aborted".into(),
        Some(HostUnreachable) => "host unreachable".into(),
        Some(NetworkUnreachable) => "network unreachable".into(),
        Some(AddrNotAvailable) => "address not available".into(),
        _ => innermost.to_string(),
    }
}

/// Sorts a client error into a transport failure (nothing answered) or a failed request.
fn classify(url: &str, request: &str, error: &ClientError) -> RpcFailure {
    let url = url.to_string();
    match error.kind() {
        ErrorKind::Io(e) => RpcFailure::Unreachable { url, cause: transport_cause(e) },
        ErrorKind::Reqwest(e) if e.is_builder() => RpcFailure::InvalidUrl { url, cause: transport_cause(e) },
        ErrorKind::Reqwest(e) if e.is_timeout() => RpcFailure::Unreachable { url, cause: "timed out".into() },
        ErrorKind::Reqwest(e) if e.is_connect() || (e.is_request() && e.status().is_none()) => {
            RpcFailure::Unreachable { url, cause: transport_cause(e) }
        }
        ErrorKind::Reqwest(e) => match e.status() {
            Some(status) => RpcFailure::Failed {
                url,
                request: request.into(),
                cause: format!("HTTP status {status}"),
            },
            None if e.is_decode() => RpcFailure::Failed {
                url,
                request: request.into(),
                cause: format!("the answer is not JSON-RPC: {}", transport_cause(e)),
            },
            None => RpcFailure::Failed { url, request: request.into(), cause: transport_cause(e) },
        },
        _ => RpcFailure::Failed { url, request: request.into(), cause: error.to_string() },
    }
}

/// A cluster reached over JSON-RPC (a local validator, devnet, mainnet).
pub struct Cluster {
    client: RpcClient,
}

impl Cluster {
    pub fn new(url: &str) -> Self {
        Self { client: RpcClient::new(url.to_string()) }
    }

    /// The JSON-RPC URL, as given to [`Cluster::new`].
    pub fn url(&self) -> String {
        self.client.url()
    }

    /// The account at `address`, or `None` if there is none. Unlike `RpcClient::get_account`
    /// (and `get_account_with_commitment`, which rewrites every failure into an
    /// `AccountNotFound` string), transport failures stay apart from a missing account.
    pub async fn account(&self, address: Pubkey) -> Result<Option<Account>, RpcFailure> {
        let response = self
            .client
            .get_multiple_accounts_with_commitment(&[address], self.client.commitment())
            .await
            .map_err(|e| classify(&self.url(), &format!("getMultipleAccounts [{address}]"), &e))?;
        Ok(response.value.into_iter().next().flatten())
    }
}

impl Cluster {
    /// The data of every event dlex emitted (`emit_cpi!`: an inner instruction of dlex with the
    /// event tag, tag stripped) in the last `limit` transactions that touched `address`, newest
    /// first, with each transaction's block time. Needs `getSignaturesForAddress` and
    /// `getTransaction`; failed transactions are skipped.
    pub async fn recent_events(&self, address: Pubkey, limit: usize) -> Result<Vec<(Option<i64>, Vec<u8>)>, RpcFailure> {
        use solana_rpc_client::rpc_client::GetConfirmedSignaturesForAddress2Config;
        use solana_rpc_client_api::config::RpcTransactionConfig;
        use solana_transaction_status_client_types::{option_serializer::OptionSerializer, UiInstruction, UiTransactionEncoding};
        let url = self.url();
        let config = GetConfirmedSignaturesForAddress2Config { limit: Some(limit), ..Default::default() };
        let signatures = self
            .client
            .get_signatures_for_address_with_config(&address, config)
            .await
            .map_err(|e| classify(&url, &format!("getSignaturesForAddress [{address}]"), &e))?;
        let mut events = Vec::new();
        for status in signatures.into_iter().filter(|status| status.err.is_none()) {
            let signature: solana_sdk::signature::Signature = status.signature.parse().map_err(|_| RpcFailure::Failed {
                url: url.clone(),
                request: "getSignaturesForAddress".into(),
                cause: format!("`{}` is not a signature", status.signature),
            })?;
            let config = RpcTransactionConfig { encoding: Some(UiTransactionEncoding::Base64), commitment: Some(self.client.commitment()), max_supported_transaction_version: Some(0) };
            let confirmed = self.client.get_transaction_with_config(&signature, config).await.map_err(|e| classify(&url, &format!("getTransaction [{signature}]"), &e))?;
            let Some(transaction) = confirmed.transaction.transaction.decode() else { continue };
            let keys = transaction.message.static_account_keys();
            let Some(meta) = confirmed.transaction.meta else { continue };
            let OptionSerializer::Some(inner) = meta.inner_instructions else { continue };
            for instruction in inner.into_iter().flat_map(|group| group.instructions) {
                let UiInstruction::Compiled(compiled) = instruction else { continue };
                if keys.get(usize::from(compiled.program_id_index)) != Some(&dlex::ID) {
                    continue;
                }
                let Ok(data) = bs58::decode(&compiled.data).into_vec() else { continue };
                if let Some(event) = data.strip_prefix(anchor_lang::event::EVENT_IX_TAG_LE) {
                    events.push((confirmed.block_time.or(status.block_time), event.to_vec()));
                }
            }
        }
        Ok(events)
    }
}

/// Byte offset of `unix_timestamp` in the Clock sysvar (slot, epoch start, epoch, leader
/// schedule epoch, then the timestamp; all 8 bytes).
const CLOCK_UNIX_TIMESTAMP_OFFSET: usize = 32;

impl AccountSource for Cluster {
    async fn account_data(&mut self, address: Pubkey) -> Result<Option<Vec<u8>>, String> {
        Ok(self.account(address).await.map_err(|e| e.to_string())?.map(|account| account.data))
    }

    async fn unix_timestamp(&mut self) -> Result<i64, String> {
        let clock = self.account_data(solana_sdk::sysvar::clock::ID).await?.ok_or("the cluster has no Clock sysvar")?;
        let bytes = clock
            .get(CLOCK_UNIX_TIMESTAMP_OFFSET..CLOCK_UNIX_TIMESTAMP_OFFSET + 8)
            .ok_or("Clock sysvar too short")?;
        Ok(i64::from_le_bytes(bytes.try_into().map_err(|_| "Clock sysvar too short")?))
    }
}
