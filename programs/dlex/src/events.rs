//! Events, emitted with `emit_cpi!` so they are visible both on chain and in native tests
//! (plain `emit!` compiles to nothing off-chain in Anchor 1.2.2, design §2).

use anchor_lang::prelude::*;

use crate::actions::{Asset, SwapDirection};
use crate::risk::LiquidationKind;

#[event]
pub struct ConfigInitialized {
    pub admin: Pubkey,
    pub fee_recipient: Pubkey,
}

#[event]
pub struct PairCreated {
    pub pair: Pubkey,
    pub mint_x: Pubkey,
    pub mint_y: Pubkey,
    pub token_program_x: Pubkey,
    pub token_program_y: Pubkey,
    pub mid_term_interval: u32,
    pub long_term_interval: u32,
    /// The mint has a freeze authority: its issuer can freeze the vault and halt the pair.
    pub freezable_x: bool,
    pub freezable_y: bool,
}

#[event]
pub struct PositionOpened {
    pub pair: Pubkey,
    pub owner: Pubkey,
    pub position: Pubkey,
}

/// The owner set its position's saturation ratio (spec §10.6), in percent.
#[event]
pub struct SaturationRatioSet {
    pub pair: Pubkey,
    pub owner: Pubkey,
    pub previous_ratio_mag2: u8,
    pub ratio_mag2: u8,
}

#[event]
pub struct PositionClosed {
    pub pair: Pubkey,
    pub owner: Pubkey,
    pub position: Pubkey,
}

/// Liquidity added (spec `Mint` + `Sync`).
#[event]
pub struct LiquidityAdded {
    pub pair: Pubkey,
    pub owner: Pubkey,
    pub amount_x: u64,
    pub amount_y: u64,
    /// L assets added to the pool.
    pub liquidity: u128,
    /// DEPOSIT_L shares credited to the position.
    pub shares: u128,
    pub reserve_x: u128,
    pub reserve_y: u128,
}

/// Liquidity removed (spec `Burn` + `Sync`).
#[event]
pub struct LiquidityRemoved {
    pub pair: Pubkey,
    pub owner: Pubkey,
    pub amount_x: u64,
    pub amount_y: u64,
    pub liquidity: u128,
    pub shares: u128,
    pub reserve_x: u128,
    pub reserve_y: u128,
}

/// A swap (spec `Swap` + `Sync`).
#[event]
pub struct Swapped {
    pub pair: Pubkey,
    pub trader: Pubkey,
    pub direction: SwapDirection,
    pub amount_in: u64,
    pub amount_out: u64,
    /// Fee rate charged on the input, in Q64 bips (spec §5.1).
    pub fee_bips_q64: u128,
    pub reserve_x: u128,
    pub reserve_y: u128,
}

/// Single-asset deposit (spec ERC4626 `Deposit`).
#[event]
pub struct Deposited {
    pub pair: Pubkey,
    pub owner: Pubkey,
    pub asset: Asset,
    pub amount: u64,
    pub shares: u128,
}

/// Single-asset withdrawal (spec ERC4626 `Withdraw`).
#[event]
pub struct Withdrawn {
    pub pair: Pubkey,
    pub owner: Pubkey,
    pub asset: Asset,
    pub amount: u64,
    pub shares: u128,
}

/// A borrow of X or Y (spec ERC4626Debt `Borrow` + the fee's `Deposit`).
#[event]
pub struct Borrowed {
    pub pair: Pubkey,
    pub owner: Pubkey,
    pub asset: Asset,
    /// Tokens received.
    pub amount: u64,
    /// Debt recorded: amount + fee.
    pub debt: u128,
    /// The 5-bip lending fee, minted to the protocol.
    pub fee: u128,
    pub shares: u128,
}

/// A repayment of X or Y (spec `Repay`).
#[event]
pub struct Repaid {
    pub pair: Pubkey,
    pub owner: Pubkey,
    pub asset: Asset,
    /// Tokens pulled, equal to the debt extinguished: never more than was owed.
    pub amount: u64,
    pub shares: u128,
}

/// Protocol-fee deposit shares moved into the fee recipient's position.
#[event]
pub struct ProtocolFeesCollected {
    pub pair: Pubkey,
    pub fee_recipient: Pubkey,
    pub shares_l: u128,
    pub shares_x: u128,
    pub shares_y: u128,
}

/// L borrowed: the pool paid out X and Y (spec `BorrowLiquidity` + `Sync`).
#[event]
pub struct LiquidityBorrowed {
    pub pair: Pubkey,
    pub owner: Pubkey,
    /// L borrowed (before the fee).
    pub liquidity: u128,
    /// L debt recorded: liquidity + fee.
    pub debt: u128,
    pub fee: u128,
    pub shares: u128,
    pub amount_x: u64,
    pub amount_y: u64,
}

/// L debt repaid with X and Y (spec `RepayLiquidity` + `Sync`).
#[event]
pub struct LiquidityRepaid {
    pub pair: Pubkey,
    pub owner: Pubkey,
    /// X and Y pulled (proportional to the reserves, rounded against the payer).
    pub amount_x: u64,
    pub amount_y: u64,
    /// L debt extinguished: the L asked for, or the whole debt if less.
    pub repaid: u128,
    pub shares: u128,
}

/// A closing position's dust: deposit shares that redeemed to zero tokens, forfeited to the
/// other holders of their class (their assets stay in the pool).
#[event]
pub struct DustForfeited {
    pub pair: Pubkey,
    pub owner: Pubkey,
    pub shares_l: u128,
    pub shares_x: u128,
    pub shares_y: u128,
}

/// The admin redirected protocol fees (`set_fee_recipient`).
#[event]
pub struct FeeRecipientSet {
    pub admin: Pubkey,
    pub old_fee_recipient: Pubkey,
    pub new_fee_recipient: Pubkey,
}

/// The admin set the TWAP intervals of pairs created from now on (`set_pair_defaults`).
#[event]
pub struct PairDefaultsSet {
    pub admin: Pubkey,
    pub mid_term_interval: u32,
    pub long_term_interval: u32,
}

/// The admin proposed a successor (`propose_admin`); it replaces any earlier proposal.
#[event]
pub struct AdminProposed {
    pub admin: Pubkey,
    pub pending_admin: Pubkey,
}

/// The proposed admin accepted the role (`accept_admin`).
#[event]
pub struct AdminAccepted {
    pub old_admin: Pubkey,
    pub new_admin: Pubkey,
}

/// The admin paused or resumed new risk on every pair (`set_new_risk_paused`).
#[event]
pub struct NewRiskPausedSet {
    pub admin: Pubkey,
    pub paused: bool,
}

/// The admin paused or resumed new risk on one pair (`set_pair_new_risk_paused`).
#[event]
pub struct PairNewRiskPausedSet {
    pub admin: Pubkey,
    pub pair: Pubkey,
    pub paused: bool,
}

/// A liquidation (spec §11). Amounts are assets; premiums in bips (`u128::MAX` = unbounded).
#[event]
pub struct Liquidated {
    pub pair: Pubkey,
    /// Owner of the liquidated position.
    pub borrower: Pubkey,
    /// Signer who repaid and received the seized deposit shares in its own position.
    pub liquidator: Pubkey,
    pub kind: LiquidationKind,
    pub repaid_l: u128,
    pub repaid_x: u128,
    pub repaid_y: u128,
    pub seized_l: u128,
    pub seized_x: u128,
    pub seized_y: u128,
    /// Tokens the liquidator paid in.
    pub paid_x: u64,
    pub paid_y: u64,
    /// `ceil(netSeizedL·1e4/netRepaidL)` with the borrower-favouring prices.
    pub premium_bips: u128,
    /// The borrower's maximum hard-liquidation premium before the liquidation.
    pub max_premium_bips: u128,
    /// The rest of the borrower's debt was burned against the pool (see `BadDebtBurned`).
    pub bad_debt: bool,
}

/// Bad debt written off against the pool (spec §11.4): L debt is borne by L holders; X and Y
/// debt is split between the reserve (L holders) and single-sided deposits (lenders).
#[event]
pub struct BadDebtBurned {
    pub pair: Pubkey,
    pub borrower: Pubkey,
    /// Debt written off, assets: L, X, Y.
    pub debt_l: u128,
    pub debt_x: u128,
    pub debt_y: u128,
    /// Of the X and Y written off, the parts taken from the reserves.
    pub from_reserve_x: u128,
    pub from_reserve_y: u128,
    /// … and from the lenders' deposits.
    pub from_deposits_x: u128,
    pub from_deposits_y: u128,
    /// Deposit shares (L, X, Y) the borrower still held, burned into their classes.
    pub forfeited_shares_l: u128,
    pub forfeited_shares_x: u128,
    pub forfeited_shares_y: u128,
}
