//! Small helpers for clients that talk to a cluster (or `dlex localnet`) over JSON-RPC with
//! the Solana `RpcClient`: send and confirm a transaction the payer signs, create a mint.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::program_pack::Pack;
use anchor_spl::token_2022::spl_token_2022;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signature};
use solana_sdk::signer::Signer;
use solana_sdk::transaction::Transaction;

/// Sends `instructions` in one transaction paid by `payer` (also signed by `signers`) and
/// waits for confirmation.
pub async fn send_and_confirm(client: &RpcClient, instructions: &[Instruction], payer: &Keypair, signers: &[&Keypair]) -> Result<Signature, String> {
    let blockhash = client.get_latest_blockhash().await.map_err(|e| format!("getLatestBlockhash: {e}"))?;
    let mut all = vec![payer];
    all.extend_from_slice(signers);
    let tx = Transaction::new_signed_with_payer(instructions, Some(&payer.pubkey()), &all, blockhash);
    client.send_and_confirm_transaction(&tx).await.map_err(|e| format!("sendTransaction: {e}"))
}

/// Creates a mint owned by `token_program` (SPL Token or Token-2022, no extensions) with
/// `decimals`, `payer` as its mint authority and no freeze authority.
pub async fn create_mint(client: &RpcClient, payer: &Keypair, token_program: Pubkey, decimals: u8) -> Result<Pubkey, String> {
    let mint = Keypair::new();
    let space = spl_token_2022::state::Mint::LEN;
    let rent = client.get_minimum_balance_for_rent_exemption(space).await.map_err(|e| format!("rent: {e}"))?;
    let ixs = [
        solana_system_interface::instruction::create_account(&payer.pubkey(), &mint.pubkey(), rent, space as u64, &token_program),
        spl_token_2022::instruction::initialize_mint2(&token_program, &mint.pubkey(), &payer.pubkey(), None, decimals).map_err(|e| format!("initialize_mint2: {e}"))?,
    ];
    send_and_confirm(client, &ixs, payer, &[&mint]).await?;
    Ok(mint.pubkey())
}
