//! dlex-jupiter: a dlex pair behind the `Amm` trait of `jupiter-amm-interface` (1.0 line,
//! Solana 3.x crates), the interface Jupiter's router and other aggregators load DEXes through.
//!
//! [`DlexAmm`] is one pair. It quotes with the program's own code only
//! (`dlex_sdk::quote::swap_with_fee`: the accrual the swap instruction runs first, then its
//! quote and fee), so a quote equals what `swap_exact_in` / `swap_exact_out` do at that time.
//!
//! Choices the interface leaves to the DEX:
//! - **Time.** A dlex swap first accrues to the transaction's clock (a TWAP observation and a
//!   re-anchored fee once per observation interval, interest at most daily), so a quote needs
//!   the time. It is read from the interface's own clock, `AmmContext::clock_ref`, which the
//!   aggregator keeps current for every AMM; the Clock sysvar is not among the accounts to
//!   update. A clock that lags behind the pair's last write is raised to it (the swap cannot
//!   land earlier); a clock never set (0) is an error, never a quote at 1970.
//! - **Fee.** The fee is quadratic in how far the trade moves the input reserve from its
//!   reference, so it is per quote: `fee_amount` is the input the pool keeps
//!   (`ceil(amount_in·fee_bips_q64/BIPS_Q64)`), `fee_mint` the input mint, and `fee_pct` the
//!   rate as a fraction of the input (`fee_bips_q64 / (10_000·2^64)`, so 0.003 is 0.3 %).
//! - **Swap variant.** The interface's `Swap` enum has no dlex variant yet; Jupiter adds one
//!   per DEX when it integrates it. Until then [`DlexAmm`] returns the generic
//!   `Swap::TokenSwap` placeholder, and the account metas are exactly those of dlex's swap
//!   instructions (`dlex_sdk::ix::swap_accounts`, ending with dlex's program id as the
//!   event-CPI `program`). [`DlexAmm::swap_instruction`] turns the same parameters into the
//!   dlex instruction itself, for routers that call dlex directly.
//!
//! Errors are [`DlexAmmError`] values inside `anyhow::Error`; nothing here panics on account
//! data or amounts.

mod error;
mod instruction;
mod quoting;

use anchor_lang::prelude::Pubkey;
use anyhow::Result;
use dlex::state::Pair;
use dlex_sdk::PairKeys;
use jupiter_amm_interface::{
    try_get_account_data_and_owner, AccountMap, Amm, AmmContext, ClockRef, KeyedAccount, Quote, QuoteParams, SwapAndAccountMetas,
    SwapParams,
};

pub use error::DlexAmmError;
pub use instruction::swap_account_count;
pub use quoting::fee_fraction;

/// The label aggregators show for dlex pools.
pub const LABEL: &str = "dlex";

/// One dlex pair as an aggregator sees it: its address, its keys, the last Pair state given to
/// [`Amm::update`], and the aggregator's clock.
#[derive(Clone)]
pub struct DlexAmm {
    key: Pubkey,
    keys: PairKeys,
    /// The Pair account as last decoded (1.5 KB, boxed so the AMM stays cheap to move).
    pair: Box<Pair>,
    clock: ClockRef,
}

impl DlexAmm {
    /// The decoded Pair this AMM quotes on.
    pub fn pair(&self) -> &Pair {
        &self.pair
    }

    /// The pair's mints, vaults and token programs.
    pub fn keys(&self) -> &PairKeys {
        &self.keys
    }
}

/// Decodes the Pair at `account`, checking the owner and the discriminator.
fn decode_pair(account: Pubkey, data: &[u8], owner: &Pubkey) -> Result<Pair, DlexAmmError> {
    if *owner != dlex::ID {
        return Err(DlexAmmError::NotOwnedByDlex { account, owner: *owner });
    }
    dlex_sdk::decode::pair(data).map_err(|_| DlexAmmError::NotAPair { account })
}

/// Checks that `account` is the address the program derives from `pair`'s mints (dlex creates
/// pairs only there).
fn check_pair_address(account: Pubkey, pair: &Pair) -> Result<(), DlexAmmError> {
    let expected = dlex_sdk::pda::pair(pair.mint_x, pair.mint_y);
    if expected != account {
        return Err(DlexAmmError::NotThePairOfItsMints { account, expected });
    }
    Ok(())
}

impl Amm for DlexAmm {
    fn from_keyed_account(keyed_account: &KeyedAccount, amm_context: &AmmContext) -> Result<Self> {
        let key = keyed_account.key;
        let pair = decode_pair(key, &keyed_account.account.data, &keyed_account.account.owner)?;
        check_pair_address(key, &pair)?;
        Ok(Self { key, keys: PairKeys::from_pair(key, &pair), pair: Box::new(pair), clock: amm_context.clock_ref.clone() })
    }

    fn label(&self) -> String {
        LABEL.to_string()
    }

    fn program_id(&self) -> Pubkey {
        dlex::ID
    }

    fn key(&self) -> Pubkey {
        self.key
    }

    /// `[mint_x, mint_y]`, in the program's order (`mint_x < mint_y` by bytes).
    fn get_reserve_mints(&self) -> Vec<Pubkey> {
        vec![self.keys.mint_x, self.keys.mint_y]
    }

    /// Only the pair: reserves, reference reserves, TWAP buffers and lending totals all live in
    /// it, and the time comes from `AmmContext::clock_ref` (see the crate docs).
    fn get_accounts_to_update(&self) -> Vec<Pubkey> {
        vec![self.key]
    }

    fn update(&mut self, account_map: &AccountMap) -> Result<()> {
        let (data, owner) =
            try_get_account_data_and_owner(account_map, &self.key).map_err(|_| DlexAmmError::PairAccountMissing { account: self.key })?;
        let pair = decode_pair(self.key, data, owner)?;
        // A pair's mints, vaults and token programs never change, and the address was checked
        // against the mints at load: equal mints keep the keys valid without deriving it again.
        if (pair.mint_x, pair.mint_y) != (self.keys.mint_x, self.keys.mint_y) {
            check_pair_address(self.key, &pair)?;
        }
        *self.pair = pair;
        Ok(())
    }

    fn quote(&self, quote_params: &QuoteParams) -> Result<Quote> {
        Ok(quoting::quote(self.key, &self.keys, &self.pair, &self.clock, quote_params)?)
    }

    fn get_swap_and_account_metas(&self, swap_params: &SwapParams) -> Result<SwapAndAccountMetas> {
        Ok(instruction::swap_and_account_metas(&self.keys, swap_params)?)
    }

    fn clone_amm(&self) -> Box<dyn Amm + Send + Sync> {
        Box::new(self.clone())
    }

    /// The same account list serves exact in and exact out: `swap_exact_out` is quoted with
    /// the program's `min_amount_in`.
    fn supports_exact_out(&self) -> bool {
        true
    }

    fn has_dynamic_accounts(&self) -> bool {
        false
    }

    fn requires_update_for_reserve_mints(&self) -> bool {
        false
    }

    fn unidirectional(&self) -> bool {
        false
    }

    /// The number of account metas of the swap ([`swap_account_count`]).
    fn get_accounts_len(&self) -> usize {
        swap_account_count()
    }

    /// The token programs the swap calls (SPL Token and/or Token-2022).
    fn program_dependencies(&self) -> Vec<(Pubkey, String)> {
        let mut programs = vec![self.keys.token_program_x];
        if self.keys.token_program_y != self.keys.token_program_x {
            programs.push(self.keys.token_program_y);
        }
        programs.into_iter().map(|program| (program, instruction::token_program_name(&program).to_string())).collect()
    }

    /// A pair trades once it has liquidity (both reserves non-zero). Swaps are never paused.
    fn is_active(&self) -> bool {
        self.pair.reserve_x.get() > 0 && self.pair.reserve_y.get() > 0
    }
}

impl DlexAmm {
    /// The dlex instruction for `swap_params`: `swap_exact_in(in_amount, min_amount_out =
    /// out_amount)` for `SwapMode::ExactIn`, `swap_exact_out(out_amount, max_amount_in =
    /// in_amount)` for `SwapMode::ExactOut`, on the accounts of
    /// [`Amm::get_swap_and_account_metas`]. The caller puts its slippage into the limit it
    /// passes (`out_amount` / `in_amount`); the transfer authority signs.
    pub fn swap_instruction(&self, swap_params: &SwapParams) -> Result<anchor_lang::solana_program::instruction::Instruction> {
        Ok(instruction::swap_instruction(&self.keys, swap_params)?)
    }
}
