//! Plumbing every pool instruction shares: the clock, token movements between users and
//! vaults, and the after-the-fact conservation check (design §7).

use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, Mint, TokenAccount, TokenInterface, TransferChecked};

use crate::actions::TokenFlows;
use crate::constants::PAIR_SEED;
use crate::errors::DlexError;
use crate::state::Pair;

/// `unix_timestamp mod 2^32`, the reference's u32 timestamp; deltas use wrapping subtraction.
pub fn now_u32() -> Result<u32> {
    Ok(Clock::get()?.unix_timestamp as u32)
}

/// One token side of a pool instruction: the user's account, the pair's vault, the mint and
/// the token program that owns them.
pub struct TokenSide<'a, 'info> {
    pub user: &'a InterfaceAccount<'info, TokenAccount>,
    pub vault: &'a InterfaceAccount<'info, TokenAccount>,
    pub mint: &'a InterfaceAccount<'info, Mint>,
    pub token_program: &'a Interface<'info, TokenInterface>,
}

/// Refuses early, with our own error, an amount the user's token account cannot cover.
pub fn require_user_balance(side: &TokenSide, amount: u64) -> Result<()> {
    require!(side.user.amount >= amount, DlexError::InsufficientUserBalance);
    Ok(())
}

/// Moves `flows` between the user and the vaults: pulls inputs with the user's signature,
/// pays outputs with the pair PDA's. Runs after the pair account is written and released, so
/// the CPI never meets a borrowed account.
pub fn settle<'info>(
    user_authority: &Signer<'info>,
    pair: &AccountLoader<'info, Pair>,
    x: TokenSide<'_, 'info>,
    y: TokenSide<'_, 'info>,
    flows: TokenFlows,
) -> Result<()> {
    require_user_balance(&x, flows.x_in)?;
    require_user_balance(&y, flows.y_in)?;
    let (mint_x, mint_y, bump) = {
        let pair = pair.load()?;
        (pair.mint_x, pair.mint_y, pair.bump)
    };
    let bump_seed = [bump];
    let seeds: &[&[u8]] = &[PAIR_SEED, mint_x.as_ref(), mint_y.as_ref(), &bump_seed];
    for (side, amount_in, amount_out) in [(&x, flows.x_in, flows.x_out), (&y, flows.y_in, flows.y_out)] {
        if amount_in > 0 {
            let accounts = TransferChecked {
                from: side.user.to_account_info(),
                mint: side.mint.to_account_info(),
                to: side.vault.to_account_info(),
                authority: user_authority.to_account_info(),
            };
            token_interface::transfer_checked(CpiContext::new(side.token_program.key(), accounts), amount_in, side.mint.decimals)?;
        }
        if amount_out > 0 {
            let accounts = TransferChecked {
                from: side.vault.to_account_info(),
                mint: side.mint.to_account_info(),
                to: side.user.to_account_info(),
                authority: pair.to_account_info(),
            };
            let signer: &[&[&[u8]]] = &[seeds];
            token_interface::transfer_checked(
                CpiContext::new_with_signer(side.token_program.key(), accounts, signer),
                amount_out,
                side.mint.decimals,
            )?;
        }
    }
    Ok(())
}

/// Conservation (design §7): each vault holds at least `reserve + deposits − borrows`.
/// Checked after the transfers; a failure means accounting and tokens disagree, so the whole
/// transaction is refused.
pub fn verify_conservation<'info>(
    pair: &AccountLoader<'info, Pair>,
    vault_x: &mut InterfaceAccount<'info, TokenAccount>,
    vault_y: &mut InterfaceAccount<'info, TokenAccount>,
) -> Result<()> {
    vault_x.reload()?;
    vault_y.reload()?;
    let pool = pair.load()?.pool();
    let need_x = pool.expected_vault_x().ok_or(DlexError::MathOverflow)?;
    let need_y = pool.expected_vault_y().ok_or(DlexError::MathOverflow)?;
    require!(u128::from(vault_x.amount) >= need_x, DlexError::ConservationViolated);
    require!(u128::from(vault_y.amount) >= need_y, DlexError::ConservationViolated);
    Ok(())
}

/// Anchor turns an instruction's return value into `set_return_data`, which solana-cpi 3.x
/// compiles to nothing off-chain; program-test's syscall stubs do implement it. So native
/// builds (tests, the demo) also hand the serialized value to the stub. On chain this is
/// compiled out and Anchor's own return data is the only one.
pub fn mirror_return_data_off_chain<T: AnchorSerialize>(value: &T) -> Result<()> {
    #[cfg(not(target_os = "solana"))]
    {
        let mut data = Vec::new();
        value.serialize(&mut data)?;
        solana_sysvar::program_stubs::sol_set_return_data(&data);
    }
    #[cfg(target_os = "solana")]
    let _ = value;
    Ok(())
}
