//! Instruction builders, one per dlex instruction, built from the program's own generated
//! account and argument types so they can never drift from the program.

use anchor_lang::prelude::{AccountMeta, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{system_program, InstructionData, ToAccountMetas};
use dlex::actions::{Asset, LiquidationRequest, SwapDirection};

use crate::{pda, PairKeys};

fn build(accounts: Vec<AccountMeta>, data: Vec<u8>) -> Instruction {
    Instruction { program_id: dlex::ID, accounts, data }
}

/// The instructions sysvar address (admin instructions read it to refuse durable nonces).
pub fn instructions_sysvar_id() -> Pubkey {
    solana_sdk::sysvar::instructions::ID
}

/// `admin` must be the program's upgrade authority (the ProgramData account is derived from
/// the program id).
pub fn init_config(admin: Pubkey, fee_recipient: Pubkey, default_mid_term_interval: u32, default_long_term_interval: u32) -> Instruction {
    let accounts = dlex::accounts::InitConfig {
        admin,
        config: pda::config(),
        program_data: pda::program_data(),
        instructions_sysvar: instructions_sysvar_id(),
        system_program: system_program::ID,
        event_authority: pda::event_authority(),
        program: dlex::ID,
    };
    let args = dlex::instruction::InitConfig { fee_recipient, default_mid_term_interval, default_long_term_interval };
    build(accounts.to_account_metas(None), args.data())
}

/// Creates the pair of `mint_a` and `mint_b` (any order: the builder sorts them), with the
/// Config's default TWAP intervals. Returns the instruction and the pair's keys.
pub fn create_pair(payer: Pubkey, mint_a: (Pubkey, Pubkey), mint_b: (Pubkey, Pubkey)) -> (Instruction, PairKeys) {
    let ((mint_x, token_program_x), (mint_y, token_program_y)) =
        if mint_a.0.to_bytes() < mint_b.0.to_bytes() { (mint_a, mint_b) } else { (mint_b, mint_a) };
    let pair = pda::pair(mint_x, mint_y);
    let keys = PairKeys {
        pair,
        mint_x,
        mint_y,
        vault_x: pda::vault(pair, mint_x),
        vault_y: pda::vault(pair, mint_y),
        token_program_x,
        token_program_y,
    };
    (create_pair_unsorted(payer, &keys), keys)
}

/// `create_pair` with the accounts exactly as given (for tests of the program's own checks).
pub fn create_pair_unsorted(payer: Pubkey, keys: &PairKeys) -> Instruction {
    let accounts = dlex::accounts::CreatePair {
        payer,
        config: pda::config(),
        mint_x: keys.mint_x,
        mint_y: keys.mint_y,
        pair: keys.pair,
        vault_x: keys.vault_x,
        vault_y: keys.vault_y,
        saturation_net_x: pda::saturation(keys.pair, 0),
        saturation_net_y: pda::saturation(keys.pair, 1),
        token_program_x: keys.token_program_x,
        token_program_y: keys.token_program_y,
        system_program: system_program::ID,
        event_authority: pda::event_authority(),
        program: dlex::ID,
    };
    build(accounts.to_account_metas(None), dlex::instruction::CreatePair {}.data())
}

/// Accounts of the admin instructions that change only the Config.
pub fn config_admin_accounts(admin: Pubkey) -> dlex::accounts::ConfigAdmin {
    dlex::accounts::ConfigAdmin {
        admin,
        config: pda::config(),
        instructions_sysvar: instructions_sysvar_id(),
        event_authority: pda::event_authority(),
        program: dlex::ID,
    }
}

pub fn set_fee_recipient(admin: Pubkey, new_fee_recipient: Pubkey) -> Instruction {
    let data = dlex::instruction::SetFeeRecipient { new_fee_recipient }.data();
    build(config_admin_accounts(admin).to_account_metas(None), data)
}

/// TWAP intervals (seconds) of pairs created from now on.
pub fn set_pair_defaults(admin: Pubkey, mid_term_interval: u32, long_term_interval: u32) -> Instruction {
    let data = dlex::instruction::SetPairDefaults { mid_term_interval, long_term_interval }.data();
    build(config_admin_accounts(admin).to_account_metas(None), data)
}

/// First step of the admin transfer; `new_admin` then signs [`accept_admin`].
pub fn propose_admin(admin: Pubkey, new_admin: Pubkey) -> Instruction {
    let data = dlex::instruction::ProposeAdmin { new_admin }.data();
    build(config_admin_accounts(admin).to_account_metas(None), data)
}

/// Signed by the pending admin.
pub fn accept_admin(new_admin: Pubkey) -> Instruction {
    let accounts = dlex::accounts::AcceptAdmin {
        new_admin,
        config: pda::config(),
        instructions_sysvar: instructions_sysvar_id(),
        event_authority: pda::event_authority(),
        program: dlex::ID,
    };
    build(accounts.to_account_metas(None), dlex::instruction::AcceptAdmin {}.data())
}

/// Pauses (or resumes) new risk on every pair.
pub fn set_new_risk_paused(admin: Pubkey, paused: bool) -> Instruction {
    let data = dlex::instruction::SetNewRiskPaused { paused }.data();
    build(config_admin_accounts(admin).to_account_metas(None), data)
}

/// Pauses (or resumes) new risk on `pair`.
pub fn set_pair_new_risk_paused(admin: Pubkey, pair: Pubkey, paused: bool) -> Instruction {
    let accounts = dlex::accounts::PairAdmin {
        admin,
        config: pda::config(),
        pair,
        instructions_sysvar: instructions_sysvar_id(),
        event_authority: pda::event_authority(),
        program: dlex::ID,
    };
    build(accounts.to_account_metas(None), dlex::instruction::SetPairNewRiskPaused { paused }.data())
}

pub fn open_position(owner: Pubkey, pair: Pubkey) -> Instruction {
    let accounts = dlex::accounts::OpenPosition {
        owner,
        pair,
        position: pda::position(pair, owner),
        system_program: system_program::ID,
        event_authority: pda::event_authority(),
        program: dlex::ID,
    };
    build(accounts.to_account_metas(None), dlex::instruction::OpenPosition {}.data())
}

/// `set_saturation_ratio`: the owner's position's tranche fill ratio, in percent (1–90).
pub fn set_saturation_ratio(owner: Pubkey, pair: Pubkey, ratio_mag2: u8) -> Instruction {
    let accounts = dlex::accounts::SetSaturationRatio {
        owner,
        pair,
        position: pda::position(pair, owner),
        event_authority: pda::event_authority(),
        program: dlex::ID,
    };
    build(accounts.to_account_metas(None), dlex::instruction::SetSaturationRatio { ratio_mag2 }.data())
}

pub fn close_position(owner: Pubkey, pair: Pubkey) -> Instruction {
    let accounts = dlex::accounts::ClosePosition {
        owner,
        pair,
        position: pda::position(pair, owner),
        event_authority: pda::event_authority(),
        program: dlex::ID,
    };
    build(accounts.to_account_metas(None), dlex::instruction::ClosePosition {}.data())
}

/// The owner's token accounts for X and Y.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserTokens {
    pub owner: Pubkey,
    pub token_x: Pubkey,
    pub token_y: Pubkey,
}

impl UserTokens {
    /// `owner`'s associated token accounts for the pair's mints (under each mint's token
    /// program).
    pub fn associated(owner: Pubkey, keys: &PairKeys) -> UserTokens {
        use anchor_spl::associated_token::get_associated_token_address_with_program_id as associated;
        UserTokens { owner, token_x: associated(&owner, &keys.mint_x, &keys.token_program_x), token_y: associated(&owner, &keys.mint_y, &keys.token_program_y) }
    }
}

/// Accounts of the position instructions (`mint` … `repay_liquidity`, `execute`; the
/// position is the owner's PDA).
pub fn position_tokens_accounts(keys: &PairKeys, user: &UserTokens) -> dlex::accounts::PositionTokens {
    dlex::accounts::PositionTokens {
        owner: user.owner,
        pair: keys.pair,
        mint_x: keys.mint_x,
        mint_y: keys.mint_y,
        vault_x: keys.vault_x,
        vault_y: keys.vault_y,
        user_token_x: user.token_x,
        user_token_y: user.token_y,
        token_program_x: keys.token_program_x,
        token_program_y: keys.token_program_y,
        position: pda::position(keys.pair, user.owner),
        config: pda::config(),
        event_authority: pda::event_authority(),
        program: dlex::ID,
    }
}

pub fn mint(keys: &PairKeys, user: &UserTokens, max_amount_x: u64, max_amount_y: u64, min_shares: u128) -> Instruction {
    let data = dlex::instruction::Mint { max_amount_x, max_amount_y, min_shares }.data();
    build(position_tokens_accounts(keys, user).to_account_metas(None), data)
}

pub fn burn(keys: &PairKeys, user: &UserTokens, shares: u128, min_amount_x: u64, min_amount_y: u64) -> Instruction {
    let data = dlex::instruction::Burn { shares, min_amount_x, min_amount_y }.data();
    build(position_tokens_accounts(keys, user).to_account_metas(None), data)
}

pub fn deposit(keys: &PairKeys, user: &UserTokens, asset: Asset, amount: u64, min_shares: u128) -> Instruction {
    let data = dlex::instruction::Deposit { asset, amount, min_shares }.data();
    build(position_tokens_accounts(keys, user).to_account_metas(None), data)
}

pub fn withdraw(keys: &PairKeys, user: &UserTokens, asset: Asset, shares: u128, min_amount: u64) -> Instruction {
    let data = dlex::instruction::Withdraw { asset, shares, min_amount }.data();
    build(position_tokens_accounts(keys, user).to_account_metas(None), data)
}

/// `execute`: `legs` in order on the user's position, judged once at the end; only the net
/// tokens per mint move, and the user receives at least `min_net_x` / `min_net_y` of each (a
/// negative limit is the most it pays). The recipe builders (`crate::recipes`) plan the legs.
pub fn execute(keys: &PairKeys, user: &UserTokens, legs: Vec<dlex::actions::Leg>, min_net_x: i64, min_net_y: i64) -> Instruction {
    let data = dlex::instruction::Execute { legs, min_net_x, min_net_y }.data();
    build(position_tokens_accounts(keys, user).to_account_metas(None), data)
}

pub fn swap_accounts(keys: &PairKeys, user: &UserTokens) -> dlex::accounts::SwapTokens {
    dlex::accounts::SwapTokens {
        trader: user.owner,
        pair: keys.pair,
        mint_x: keys.mint_x,
        mint_y: keys.mint_y,
        vault_x: keys.vault_x,
        vault_y: keys.vault_y,
        user_token_x: user.token_x,
        user_token_y: user.token_y,
        token_program_x: keys.token_program_x,
        token_program_y: keys.token_program_y,
        event_authority: pda::event_authority(),
        program: dlex::ID,
    }
}

pub fn swap_exact_in(keys: &PairKeys, user: &UserTokens, direction: SwapDirection, amount_in: u64, min_amount_out: u64) -> Instruction {
    let data = dlex::instruction::SwapExactIn { direction, amount_in, min_amount_out }.data();
    build(swap_accounts(keys, user).to_account_metas(None), data)
}

/// The accounts of a route after its named ones, seven per hop (`swap_route`'s layout): pair
/// (w), mint X, mint Y, vault X (w), vault Y (w), token program X, token program Y.
pub fn route_hop_accounts(hops: &[PairKeys]) -> Vec<AccountMeta> {
    hops.iter()
        .flat_map(|hop| {
            [
                AccountMeta::new(hop.pair, false),
                AccountMeta::new_readonly(hop.mint_x, false),
                AccountMeta::new_readonly(hop.mint_y, false),
                AccountMeta::new(hop.vault_x, false),
                AccountMeta::new(hop.vault_y, false),
                AccountMeta::new_readonly(hop.token_program_x, false),
                AccountMeta::new_readonly(hop.token_program_y, false),
            ]
        })
        .collect()
}

fn route_accounts(trader: Pubkey, user_source: Pubkey, user_destination: Pubkey, hops: &[PairKeys]) -> Vec<AccountMeta> {
    let mut accounts = dlex::accounts::RouteTokens { trader, user_source, user_destination, event_authority: pda::event_authority(), program: dlex::ID }.to_account_metas(None);
    accounts.extend(route_hop_accounts(hops));
    accounts
}

/// `swap_route_exact_in`: sells `amount_in` from `user_source` through `hops` in order (each
/// hop receives the mint the previous one pays out), into `user_destination`.
pub fn swap_route_exact_in(trader: Pubkey, user_source: Pubkey, user_destination: Pubkey, hops: &[PairKeys], amount_in: u64, min_amount_out: u64) -> Instruction {
    let data = dlex::instruction::SwapRouteExactIn { amount_in, min_amount_out }.data();
    build(route_accounts(trader, user_source, user_destination, hops), data)
}

/// `swap_route_exact_out`: buys `amount_out` into `user_destination` through `hops`.
pub fn swap_route_exact_out(trader: Pubkey, user_source: Pubkey, user_destination: Pubkey, hops: &[PairKeys], amount_out: u64, max_amount_in: u64) -> Instruction {
    let data = dlex::instruction::SwapRouteExactOut { amount_out, max_amount_in }.data();
    build(route_accounts(trader, user_source, user_destination, hops), data)
}

pub fn swap_exact_out(keys: &PairKeys, user: &UserTokens, direction: SwapDirection, amount_out: u64, max_amount_in: u64) -> Instruction {
    let data = dlex::instruction::SwapExactOut { direction, amount_out, max_amount_in }.data();
    build(swap_accounts(keys, user).to_account_metas(None), data)
}

pub fn borrow(keys: &PairKeys, user: &UserTokens, asset: Asset, amount: u64) -> Instruction {
    let data = dlex::instruction::Borrow { asset, amount }.data();
    build(position_tokens_accounts(keys, user).to_account_metas(None), data)
}

pub fn repay(keys: &PairKeys, user: &UserTokens, asset: Asset, amount: u64) -> Instruction {
    let data = dlex::instruction::Repay { asset, amount }.data();
    build(position_tokens_accounts(keys, user).to_account_metas(None), data)
}

pub fn collect_protocol_fees(fee_recipient: Pubkey, pair: Pubkey) -> Instruction {
    let accounts = dlex::accounts::CollectProtocolFees {
        fee_recipient,
        config: pda::config(),
        pair,
        position: pda::position(pair, fee_recipient),
        event_authority: pda::event_authority(),
        program: dlex::ID,
    };
    build(accounts.to_account_metas(None), dlex::instruction::CollectProtocolFees {}.data())
}

pub fn borrow_liquidity(keys: &PairKeys, user: &UserTokens, liquidity: u128, min_amount_x: u64, min_amount_y: u64) -> Instruction {
    let data = dlex::instruction::BorrowLiquidity { liquidity, min_amount_x, min_amount_y }.data();
    build(position_tokens_accounts(keys, user).to_account_metas(None), data)
}

/// Repays `liquidity` L (`u128::MAX`: the whole debt) for at most `max_amount_x` X and
/// `max_amount_y` Y (see `quote::repay_liquidity` for the amounts it will pull).
pub fn repay_liquidity(keys: &PairKeys, user: &UserTokens, liquidity: u128, max_amount_x: u64, max_amount_y: u64) -> Instruction {
    let data = dlex::instruction::RepayLiquidity { liquidity, max_amount_x, max_amount_y }.data();
    build(position_tokens_accounts(keys, user).to_account_metas(None), data)
}

/// The read-only `position_health` query (simulate it; see `bank::Bank::simulate_return_data`).
pub fn position_health(pair: Pubkey, owner: Pubkey) -> Instruction {
    let accounts = dlex::accounts::PositionHealth { pair, position: pda::position(pair, owner) };
    build(accounts.to_account_metas(None), dlex::instruction::PositionHealth {}.data())
}

/// Liquidates `borrower`'s position: `liquidator` pays from its token accounts (at most
/// `max_amount_x` / `max_amount_y`) and receives the seized shares in its own position (see
/// `liquidation::request_for` for the request and `liquidation::quote` for its amounts).
pub fn liquidate(keys: &PairKeys, liquidator: &UserTokens, borrower: Pubkey, request: LiquidationRequest, max_amount_x: u64, max_amount_y: u64) -> Instruction {
    let accounts = dlex::accounts::Liquidate {
        liquidator: liquidator.owner,
        pair: keys.pair,
        mint_x: keys.mint_x,
        mint_y: keys.mint_y,
        vault_x: keys.vault_x,
        vault_y: keys.vault_y,
        user_token_x: liquidator.token_x,
        user_token_y: liquidator.token_y,
        token_program_x: keys.token_program_x,
        token_program_y: keys.token_program_y,
        borrower_position: pda::position(keys.pair, borrower),
        liquidator_position: pda::position(keys.pair, liquidator.owner),
        event_authority: pda::event_authority(),
        program: dlex::ID,
    };
    let data = dlex::instruction::Liquidate { request, max_amount_x, max_amount_y }.data();
    build(accounts.to_account_metas(None), data)
}
