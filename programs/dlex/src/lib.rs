//! dlex: one Solana pool that is both an exchange and a money market — Ammalgam's
//! Decentralized Lending Exchange (DLEX) on Solana.
//!
//! Layout (design §1): [`math`] (pure integer formulas) ← [`oracle`] (TWAP, price range) ←
//! [`risk`] (the one risk check) ← [`instructions`] (one file per instruction). [`actions`]
//! applies one leg of an instruction to the in-memory pool; [`queries`] answers read-only
//! questions with the same code; [`state`] holds the accounts.
//! This file only routes each instruction to its handler.
#![allow(unexpected_cfgs)]
#![allow(clippy::too_many_arguments)]

use anchor_lang::prelude::*;

pub mod actions;
pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod math;
pub mod oracle;
pub mod queries;
pub mod risk;
pub mod state;

use actions::{Asset, Leg, LiquidationRequest, SwapDirection};
use instructions::*;

declare_id!("DLexQ4MZXhrJ1qxkB6Jd7oWQ7ujpXmAvt6MPNVRTqSBw");

#[program]
pub mod dlex {
    use super::*;

    /// Creates the protocol Config (once, at deployment). Only the program's upgrade authority
    /// may call it (pass the program's ProgramData account); it becomes the admin.
    pub fn init_config(
        ctx: Context<InitConfig>,
        fee_recipient: Pubkey,
        default_mid_term_interval: u32,
        default_long_term_interval: u32,
    ) -> Result<()> {
        instructions::admin::init_config::handler(ctx, fee_recipient, default_mid_term_interval, default_long_term_interval)
    }

    /// Creates the pair of two mints (canonical order: mint_x < mint_y) and its vaults.
    /// Anyone may; the pair gets the Config's default TWAP intervals (`set_pair_defaults`).
    pub fn create_pair(ctx: Context<CreatePair>) -> Result<()> {
        instructions::create_pair::handler(ctx)
    }

    /// Admin: protocol fees not yet collected, and all future ones, go to `new_fee_recipient`.
    pub fn set_fee_recipient(ctx: Context<ConfigAdmin>, new_fee_recipient: Pubkey) -> Result<()> {
        instructions::admin::set_fee_recipient::handler(ctx, new_fee_recipient)
    }

    /// Admin: the TWAP intervals, in seconds, of pairs created from now on (mid-term 8..=86400,
    /// long-term ≥ 14 × mid-term and ≤ 60 days). Existing pairs keep theirs.
    pub fn set_pair_defaults(ctx: Context<ConfigAdmin>, mid_term_interval: u32, long_term_interval: u32) -> Result<()> {
        instructions::admin::set_pair_defaults::handler(ctx, mid_term_interval, long_term_interval)
    }

    /// Admin: proposes `new_admin` as the next admin (replacing any earlier proposal); the
    /// role moves only when `new_admin` signs `accept_admin`.
    pub fn propose_admin(ctx: Context<ConfigAdmin>, new_admin: Pubkey) -> Result<()> {
        instructions::admin::propose_admin::handler(ctx, new_admin)
    }

    /// Signed by the pending admin: takes over the admin role and clears the proposal.
    pub fn accept_admin(ctx: Context<AcceptAdmin>) -> Result<()> {
        instructions::admin::accept_admin::handler(ctx)
    }

    /// Admin: pauses (or resumes) new risk on every pair: borrow, borrow_liquidity, and
    /// withdraw or burn from a position with debt. Repay, deposit, mint, swap and liquidate
    /// are never paused.
    pub fn set_new_risk_paused(ctx: Context<ConfigAdmin>, paused: bool) -> Result<()> {
        instructions::admin::set_new_risk_paused::handler(ctx, paused)
    }

    /// Admin: pauses (or resumes) new risk on one pair, as `set_new_risk_paused` does
    /// globally.
    pub fn set_pair_new_risk_paused(ctx: Context<PairAdmin>, paused: bool) -> Result<()> {
        instructions::admin::set_pair_new_risk_paused::handler(ctx, paused)
    }

    /// Opens the caller's position in a pair.
    pub fn open_position(ctx: Context<OpenPosition>) -> Result<()> {
        instructions::open_position::handler(ctx)
    }

    /// Sets the caller's position's saturation ratio (percent of active liquidity per tranche,
    /// 1–90; default 85), used from the position's next re-walk on.
    pub fn set_saturation_ratio(ctx: Context<SetSaturationRatio>, ratio_mag2: u8) -> Result<()> {
        instructions::set_saturation_ratio::handler(ctx, ratio_mag2)
    }

    /// Closes the caller's empty position and refunds its rent.
    pub fn close_position<'info>(ctx: Context<'info, ClosePosition<'info>>) -> Result<()> {
        instructions::close_position::handler(ctx)
    }

    /// Adds liquidity for at most `max_amount_x` / `max_amount_y`; fails if fewer than
    /// `min_shares` DEPOSIT_L shares would be credited.
    pub fn mint<'info>(ctx: Context<'info, PositionTokens<'info>>, max_amount_x: u64, max_amount_y: u64, min_shares: u128) -> Result<()> {
        instructions::mint::handler(ctx, max_amount_x, max_amount_y, min_shares)
    }

    /// Burns `shares` of DEPOSIT_L for X and Y; fails below the minimum amounts.
    pub fn burn<'info>(ctx: Context<'info, PositionTokens<'info>>, shares: u128, min_amount_x: u64, min_amount_y: u64) -> Result<()> {
        instructions::burn::handler(ctx, shares, min_amount_x, min_amount_y)
    }

    /// Sells exactly `amount_in`; fails if fewer than `min_amount_out` come back.
    pub fn swap_exact_in(ctx: Context<SwapTokens>, direction: SwapDirection, amount_in: u64, min_amount_out: u64) -> Result<()> {
        instructions::swap_exact_in::handler(ctx, direction, amount_in, min_amount_out)
    }

    /// Buys exactly `amount_out`; fails if more than `max_amount_in` is needed.
    pub fn swap_exact_out(ctx: Context<SwapTokens>, direction: SwapDirection, amount_out: u64, max_amount_in: u64) -> Result<()> {
        instructions::swap_exact_out::handler(ctx, direction, amount_out, max_amount_in)
    }

    /// Sells exactly `amount_in` through up to four pairs (the hops follow the named accounts,
    /// seven per hop: pair, mint X, mint Y, vault X, vault Y, token program X, token program Y);
    /// fails if fewer than `min_amount_out` of the last hop's output come back.
    pub fn swap_route_exact_in<'info>(ctx: Context<'info, RouteTokens<'info>>, amount_in: u64, min_amount_out: u64) -> Result<()> {
        instructions::swap_route::handler(ctx, actions::RouteAmount::ExactIn { amount_in, min_amount_out })
    }

    /// Buys exactly `amount_out` of the last hop's output through up to four pairs (hops as for
    /// `swap_route_exact_in`); fails if more than `max_amount_in` of the first hop's input is
    /// needed.
    pub fn swap_route_exact_out<'info>(ctx: Context<'info, RouteTokens<'info>>, amount_out: u64, max_amount_in: u64) -> Result<()> {
        instructions::swap_route::handler(ctx, actions::RouteAmount::ExactOut { amount_out, max_amount_in })
    }

    /// Deposits `amount` of X or Y for lending; fails if fewer than `min_shares` are minted.
    pub fn deposit<'info>(ctx: Context<'info, PositionTokens<'info>>, asset: Asset, amount: u64, min_shares: u128) -> Result<()> {
        instructions::deposit::handler(ctx, asset, amount, min_shares)
    }

    /// Redeems `shares` of the X or Y deposit; fails if fewer than `min_amount` tokens result.
    pub fn withdraw<'info>(ctx: Context<'info, PositionTokens<'info>>, asset: Asset, shares: u128, min_amount: u64) -> Result<()> {
        instructions::withdraw::handler(ctx, asset, shares, min_amount)
    }

    /// Borrows `amount` of X or Y against the position (plus a 5-bip fee added to the debt).
    /// Refused until the pair's mid-term price window has filled.
    pub fn borrow<'info>(ctx: Context<'info, PositionTokens<'info>>, asset: Asset, amount: u64) -> Result<()> {
        instructions::borrow::handler(ctx, asset, amount)
    }

    /// Repays X or Y debt with at most `amount` tokens; an amount that covers the whole debt
    /// pulls only the debt (`u64::MAX` repays everything).
    pub fn repay<'info>(ctx: Context<'info, PositionTokens<'info>>, asset: Asset, amount: u64) -> Result<()> {
        instructions::repay::handler(ctx, asset, amount)
    }

    /// Borrows `liquidity` L: the pool removes that liquidity and pays its X and Y to the
    /// borrower (at least the minimum amounts), who owes L plus a 5-bip fee.
    pub fn borrow_liquidity<'info>(ctx: Context<'info, PositionTokens<'info>>, liquidity: u128, min_amount_x: u64, min_amount_y: u64) -> Result<()> {
        instructions::borrow_liquidity::handler(ctx, liquidity, min_amount_x, min_amount_y)
    }

    /// Repays `liquidity` L of debt (at most the whole debt; `u128::MAX` repays everything)
    /// with the proportional X and Y, refusing more than `max_amount_x` / `max_amount_y`.
    pub fn repay_liquidity<'info>(ctx: Context<'info, PositionTokens<'info>>, liquidity: u128, max_amount_x: u64, max_amount_y: u64) -> Result<()> {
        instructions::repay_liquidity::handler(ctx, liquidity, max_amount_x, max_amount_y)
    }

    /// Applies `legs` (at most 8: deposit, withdraw, borrow, repay, borrow and repay L, mint,
    /// burn, swap) in order to the position and judges the final state once, moving only the
    /// net tokens per mint: the user receives at least `min_net_x` / `min_net_y` (a negative
    /// limit is the most it pays). Leveraged and delta-neutral positions open in one
    /// transaction (design §4).
    pub fn execute<'info>(ctx: Context<'info, PositionTokens<'info>>, legs: Vec<Leg>, min_net_x: i64, min_net_y: i64) -> Result<()> {
        instructions::execute::handler(ctx, legs, min_net_x, min_net_y)
    }

    /// Liquidates another owner's position in this pair (`Hard` with a proposal of debts to
    /// repay and deposits to seize, or `Leverage` with the formula's amounts): the signer pays
    /// the repaid debt (at most `max_amount_x` / `max_amount_y` tokens) and receives the
    /// seized deposit shares in its own position. Bad debt is burned against the pool.
    /// Never blocked by a pause.
    pub fn liquidate<'info>(ctx: Context<'info, Liquidate<'info>>, request: LiquidationRequest, max_amount_x: u64, max_amount_y: u64) -> Result<()> {
        instructions::liquidate::handler(ctx, request, max_amount_x, max_amount_y)
    }

    /// Read-only (simulate it): the position's health, price range, liquidation prices and
    /// the largest borrow / withdrawal it could make now, as return data.
    pub fn position_health(ctx: Context<PositionHealth>) -> Result<queries::PositionReport> {
        instructions::position_health::handler(ctx)
    }

    /// Moves the protocol's pending fee shares into the fee recipient's position.
    pub fn collect_protocol_fees(ctx: Context<CollectProtocolFees>) -> Result<()> {
        instructions::collect_protocol_fees::handler(ctx)
    }
}
