//! The swap's accounts and instruction: the interface's `SwapParams` mapped onto dlex's
//! `SwapTokens` accounts, built by the SDK's own builder (`dlex_sdk::ix::swap_accounts`), so the
//! metas are exactly those of `dlex_sdk::ix::swap_exact_in` for the same token accounts.

use anchor_lang::prelude::{AccountMeta, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::ToAccountMetas;
use dlex::actions::SwapDirection;
use dlex_sdk::ix::UserTokens;
use dlex_sdk::PairKeys;
use jupiter_amm_interface::{Swap, SwapAndAccountMetas, SwapMode, SwapParams};

use crate::error::DlexAmmError;
use crate::quoting::direction_of;

/// How many account metas a dlex swap takes: trader, pair, both mints, both vaults, the
/// trader's two token accounts, both token programs, the event authority and the program.
pub fn swap_account_count() -> usize {
    let unused = UserTokens { owner: Pubkey::default(), token_x: Pubkey::default(), token_y: Pubkey::default() };
    let keys = PairKeys {
        pair: Pubkey::default(),
        mint_x: Pubkey::default(),
        mint_y: Pubkey::default(),
        vault_x: Pubkey::default(),
        vault_y: Pubkey::default(),
        token_program_x: Pubkey::default(),
        token_program_y: Pubkey::default(),
    };
    dlex_sdk::ix::swap_accounts(&keys, &unused).to_account_metas(None).len()
}

/// The trader's token accounts in the pair's X/Y order, and the direction, from the
/// interface's source/destination view. The trader (the signer the program pulls the input
/// with) is the params' `token_transfer_authority`, the authority over the source account.
fn trader_tokens(keys: &PairKeys, swap_params: &SwapParams) -> Result<(SwapDirection, UserTokens), DlexAmmError> {
    let direction = direction_of(keys, swap_params.source_mint, swap_params.destination_mint)?;
    let (token_x, token_y) = match direction {
        SwapDirection::XToY => (swap_params.source_token_account, swap_params.destination_token_account),
        SwapDirection::YToX => (swap_params.destination_token_account, swap_params.source_token_account),
    };
    Ok((direction, UserTokens { owner: swap_params.token_transfer_authority, token_x, token_y }))
}

fn account_metas(keys: &PairKeys, trader: &UserTokens) -> Vec<AccountMeta> {
    dlex_sdk::ix::swap_accounts(keys, trader).to_account_metas(None)
}

/// `Amm::get_swap_and_account_metas`: the placeholder `Swap::TokenSwap` (the interface has no
/// dlex variant; see the crate docs) and dlex's swap accounts, in the instruction's order.
pub fn swap_and_account_metas(keys: &PairKeys, swap_params: &SwapParams) -> Result<SwapAndAccountMetas, DlexAmmError> {
    let (_, trader) = trader_tokens(keys, swap_params)?;
    Ok(SwapAndAccountMetas { swap: Swap::TokenSwap, account_metas: account_metas(keys, &trader) })
}

/// `swap_exact_in(in_amount, min_amount_out = out_amount)` or `swap_exact_out(out_amount,
/// max_amount_in = in_amount)`, as `swap_params.swap_mode` says, on the same accounts.
pub fn swap_instruction(keys: &PairKeys, swap_params: &SwapParams) -> Result<Instruction, DlexAmmError> {
    let (direction, trader) = trader_tokens(keys, swap_params)?;
    Ok(match swap_params.swap_mode {
        SwapMode::ExactIn => dlex_sdk::ix::swap_exact_in(keys, &trader, direction, swap_params.in_amount, swap_params.out_amount),
        SwapMode::ExactOut => dlex_sdk::ix::swap_exact_out(keys, &trader, direction, swap_params.out_amount, swap_params.in_amount),
    })
}

/// A readable name for a token program a pair uses.
pub fn token_program_name(program: &Pubkey) -> &'static str {
    if *program == dlex_sdk::bank::TOKEN_PROGRAM {
        "spl_token"
    } else if *program == dlex_sdk::bank::TOKEN_2022_PROGRAM {
        "spl_token_2022"
    } else {
        "token program"
    }
}
