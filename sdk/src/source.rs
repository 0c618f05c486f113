//! Where the SDK reads accounts from: the in-process [`Bank`](crate::bank::Bank) or a cluster
//! over JSON-RPC ([`Cluster`]). Off-chain reports work the same on both.

use anchor_lang::prelude::Pubkey;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;

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

/// A cluster reached over JSON-RPC (a local validator, devnet, mainnet).
pub struct Cluster {
    client: RpcClient,
}

impl Cluster {
    pub fn new(url: &str) -> Self {
        Self { client: RpcClient::new(url.to_string()) }
    }
}

/// Byte offset of `unix_timestamp` in the Clock sysvar (slot, epoch start, epoch, leader
/// schedule epoch, then the timestamp; all 8 bytes).
const CLOCK_UNIX_TIMESTAMP_OFFSET: usize = 32;

impl AccountSource for Cluster {
    async fn account_data(&mut self, address: Pubkey) -> Result<Option<Vec<u8>>, String> {
        let response = self
            .client
            .get_account_with_commitment(&address, self.client.commitment())
            .await
            .map_err(|e| format!("RPC getAccountInfo {address}: {e}"))?;
        Ok(response.value.map(|account| account.data))
    }

    async fn unix_timestamp(&mut self) -> Result<i64, String> {
        let clock = self.account_data(solana_sdk::sysvar::clock::ID).await?.ok_or("the cluster has no Clock sysvar")?;
        let bytes = clock
            .get(CLOCK_UNIX_TIMESTAMP_OFFSET..CLOCK_UNIX_TIMESTAMP_OFFSET + 8)
            .ok_or("Clock sysvar too short")?;
        Ok(i64::from_le_bytes(bytes.try_into().map_err(|_| "Clock sysvar too short")?))
    }
}
