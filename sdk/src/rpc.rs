//! Small helpers for clients that talk to a cluster (or `dlex localnet`) over JSON-RPC with
//! the Solana `RpcClient`: send and confirm a transaction the payer signs, create a mint, read a
//! keypair file, and set up a pair and funded users on a fresh `dlex localnet` (its
//! `dlex_warpClock` moves time).

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::program_pack::Pack;
use anchor_spl::associated_token::spl_associated_token_account;
use anchor_spl::token_2022::spl_token_2022;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_sdk::instruction::Instruction;
use solana_sdk::signature::{Keypair, Signature};
use solana_sdk::signer::Signer;
use solana_sdk::transaction::Transaction;

use crate::ix::UserTokens;
use crate::PairKeys;

/// Reads a Solana CLI keypair file (a JSON array of 64 bytes; `~/` is the home directory),
/// with a message that names the file and what is wrong with it.
pub fn read_keypair_file(path: &str) -> Result<Keypair, String> {
    let path = match path.strip_prefix("~/") {
        Some(rest) => std::path::PathBuf::from(std::env::var("HOME").map_err(|_| "HOME is not set")?).join(rest),
        None => std::path::PathBuf::from(path),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read the keypair file {}: {e}", path.display()))?;
    let bytes: Vec<u8> = serde_json::from_str(&text).map_err(|e| format!("{} is not a Solana keypair file (a JSON array of 64 bytes): {e}", path.display()))?;
    Keypair::try_from(bytes.as_slice()).map_err(|e| format!("{} does not hold a valid keypair: {e}", path.display()))
}

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

/// A new keypair funded with 10 SOL (airdrop), with associated token accounts for the pair's
/// mints (under their token programs) holding `amount` of each, minted by `mint_authority`
/// (skipped when `amount` is 0), and an open position in the pair.
pub async fn funded_user(client: &RpcClient, mint_authority: &Keypair, keys: &PairKeys, amount: u64) -> Result<(Keypair, UserTokens), String> {
    let keypair = Keypair::new();
    let owner = keypair.pubkey();
    let signature = client.request_airdrop(&owner, 10_000_000_000).await.map_err(|e| format!("requestAirdrop: {e}"))?;
    client.poll_for_signature(&signature).await.map_err(|e| format!("airdrop confirmation: {e}"))?;
    let tokens = UserTokens::associated(owner, keys);
    let mints = [(keys.mint_x, keys.token_program_x), (keys.mint_y, keys.token_program_y)];
    let mut open: Vec<Instruction> = mints
        .iter()
        .map(|(mint, program)| spl_associated_token_account::instruction::create_associated_token_account_idempotent(&owner, &owner, mint, program))
        .collect();
    open.push(crate::ix::open_position(owner, keys.pair));
    send_and_confirm(client, &open, &keypair, &[]).await?;
    if amount > 0 {
        let mut mint_to = Vec::new();
        for ((mint, program), account) in mints.iter().zip([tokens.token_x, tokens.token_y]) {
            mint_to.push(spl_token_2022::instruction::mint_to(program, mint, &account, &mint_authority.pubkey(), &[], amount).map_err(|e| format!("mint_to: {e}"))?);
        }
        send_and_confirm(client, &mint_to, mint_authority, &[]).await?;
    }
    Ok((keypair, tokens))
}

/// `dlex_warpClock`: moves `dlex localnet`'s clock forward by `seconds`; returns the new unix
/// time.
pub async fn warp_clock(client: &RpcClient, seconds: u32) -> Result<i64, String> {
    client
        .send(solana_rpc_client_api::request::RpcRequest::Custom { method: "dlex_warpClock" }, serde_json::json!([seconds]))
        .await
        .map_err(|e| format!("dlex_warpClock: {e}"))
}

/// Moves the clock one `interval` and swaps 10,000 raw units of the trader's tokens,
/// `intervals` times, alternating directions: the pair's TWAP windows fill.
pub async fn tick(client: &RpcClient, keys: &PairKeys, trader: &(Keypair, UserTokens), interval: u32, intervals: u32) -> Result<(), String> {
    for i in 0..intervals {
        warp_clock(client, interval).await?;
        let direction = if i % 2 == 0 { crate::SwapDirection::XToY } else { crate::SwapDirection::YToX };
        send_and_confirm(client, &[crate::ix::swap_exact_in(keys, &trader.1, direction, 10_000, 0)], &trader.0, &[]).await?;
    }
    Ok(())
}

/// A config (TWAP intervals `mid_term_interval` and 14 times it) and one pair of two new mints
/// under `token_programs` with 6 decimals, `payer` their mint authority. The payer must be the
/// program's upgrade authority where the config is not yet initialized.
pub async fn config_and_pair(client: &RpcClient, payer: &Keypair, token_programs: (Pubkey, Pubkey), mid_term_interval: u32) -> Result<PairKeys, String> {
    send_and_confirm(client, &[crate::ix::init_config(payer.pubkey(), payer.pubkey(), mid_term_interval, mid_term_interval * 14)], payer, &[]).await?;
    let mint_a = create_mint(client, payer, token_programs.0, 6).await?;
    let mint_b = create_mint(client, payer, token_programs.1, 6).await?;
    let (create, keys) = crate::ix::create_pair(payer.pubkey(), (mint_a, token_programs.0), (mint_b, token_programs.1));
    send_and_confirm(client, &[create], payer, &[]).await?;
    Ok(keys)
}
