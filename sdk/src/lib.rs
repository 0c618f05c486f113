//! dlex-sdk: everything a Rust client needs to talk to the dlex program.
//!
//! - [`pda`]: account addresses;
//! - [`ix`]: one builder per instruction, from the program's own generated account types;
//! - [`decode`]: Pair, Position and Config decoders;
//! - [`health`]: a position's health and limits, by the program's own query code;
//! - [`liquidation`]: the liquidation a position allows now, as a request, and its quote;
//! - [`saturation`]: the saturation (tranche) accounts an instruction needs, appended for you;
//! - [`payout`]: the value model of the payout chart and heat map (balances grown at constant
//!   rates, valued at a price, and their L-netted LTV);
//! - [`plan`]: an `execute` leg list run off-chain through the program's own pipeline;
//! - [`recipes`]: the strategy menu as compositions, scores and `execute` plans to open and close;
//! - [`rpc`]: send-and-confirm and mint creation over JSON-RPC;
//! - [`quote`]: exact swap / mint / burn quotes computed by the program's own `actions` and
//!   `math` (the `dlex` crate with `no-entrypoint`), never a second copy of a formula;
//! - [`source`]: where accounts are read from: the in-process bank or a cluster over RPC;
//! - [`bank`]: an in-process bank (solana-program-test, native mode) with SPL Token and
//!   Token-2022, used by the integration tests and `dlex demo`; it also loads dlex from a
//!   compiled `dlex.so` and records compute units (`dlex-cu`);
//! - [`localnet`]: the standard Solana JSON-RPC served over that bank (`dlex localnet`).

pub mod bank;
pub mod decode;
pub mod health;
pub mod ix;
pub mod liquidation;
pub mod localnet;
pub mod payout;
pub mod pda;
pub mod plan;
pub mod quote;
pub mod recipes;
pub mod router;
pub mod rpc;
pub mod saturation;
pub mod source;

pub use dlex;
pub use dlex::actions::{Asset, SwapDirection};
pub use dlex::ID as PROGRAM_ID;

/// Addresses a pool instruction needs, read once from the Pair account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairKeys {
    pub pair: anchor_lang::prelude::Pubkey,
    pub mint_x: anchor_lang::prelude::Pubkey,
    pub mint_y: anchor_lang::prelude::Pubkey,
    pub vault_x: anchor_lang::prelude::Pubkey,
    pub vault_y: anchor_lang::prelude::Pubkey,
    pub token_program_x: anchor_lang::prelude::Pubkey,
    pub token_program_y: anchor_lang::prelude::Pubkey,
}

impl PairKeys {
    pub fn from_pair(pair_address: anchor_lang::prelude::Pubkey, pair: &dlex::state::Pair) -> Self {
        Self {
            pair: pair_address,
            mint_x: pair.mint_x,
            mint_y: pair.mint_y,
            vault_x: pair.vault_x,
            vault_y: pair.vault_y,
            token_program_x: pair.token_program_x,
            token_program_y: pair.token_program_y,
        }
    }
}
