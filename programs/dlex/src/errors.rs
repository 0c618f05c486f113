//! Every failure a user, integrator or keeper can hit, each with its own code and message.
//!
//! Math and oracle errors are plain enums (their modules are Anchor-free); they convert here
//! one-to-one so a failing transaction always names the rule that refused it.

use anchor_lang::prelude::*;

use crate::math::MathError;
use crate::oracle::OracleError;

#[error_code]
pub enum DlexError {
    // --- arithmetic and amounts -------------------------------------------------------------
    #[msg("Arithmetic overflow in a pool computation")]
    MathOverflow,
    #[msg("Division by zero in a pool computation")]
    DivisionByZero,
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("Amount exceeds the 2^112-1 limit of pool accounting")]
    AmountTooLarge,
    #[msg("The token account holds less than the amount requested")]
    InsufficientUserBalance,

    // --- accounts ---------------------------------------------------------------------------
    #[msg("Mints must be passed in canonical order: mint_x < mint_y by bytes")]
    MintsNotCanonical,
    #[msg("The two mints of a pair must differ")]
    IdenticalMints,
    #[msg("Mint does not belong to this pair")]
    WrongMint,
    #[msg("Vault does not belong to this pair")]
    WrongVault,
    #[msg("Token program does not match the one this pair's mint uses")]
    WrongTokenProgram,
    #[msg("Token account holds a different mint than the pair's")]
    WrongTokenAccountMint,
    #[msg("A pair vault cannot be used as the user's token account")]
    VaultAsUserAccount,
    #[msg("An account already exists at this address")]
    AccountAlreadyExists,
    #[msg("Position belongs to another owner")]
    PositionOwnerMismatch,
    #[msg("Position belongs to another pair")]
    PositionPairMismatch,
    #[msg("Position still holds shares or debt; withdraw, burn or repay first")]
    PositionNotEmpty,
    #[msg("Token-2022 mint uses an extension dlex refuses (transfer fee, transfer hook, permanent delegate, non-transferable, default-frozen, confidential transfer, close authority or pausable)")]
    UnsupportedMintExtension,
    #[msg("Mint account could not be parsed")]
    InvalidMint,
    #[msg("Vault balance below reserves + deposits - borrows: accounting and tokens disagree")]
    ConservationViolated,
    #[msg("Only the configured fee recipient may collect protocol fees")]
    NotFeeRecipient,
    #[msg("Admin instructions may not be sent in a durable-nonce transaction")]
    DurableNonceNotAllowed,

    // --- configuration ----------------------------------------------------------------------
    #[msg("TWAP intervals out of bounds: mid-term 8..=86400 s, long-term >= 14 x mid-term and <= 60 days")]
    InvalidIntervalConfig,

    // --- liquidity --------------------------------------------------------------------------
    #[msg("First mint must create at least MINIMUM_LIQUIDITY (1000) plus one share of liquidity")]
    InsufficientLiquidityMinted,
    #[msg("Burn would pay out zero of X or Y")]
    InsufficientLiquidityBurned,
    #[msg("Fewer shares minted than the minimum requested")]
    SlippageSharesOut,
    #[msg("Output amount below the minimum requested")]
    SlippageAmountOut,
    #[msg("Input amount above the maximum allowed")]
    SlippageAmountIn,
    #[msg("Position holds fewer shares than requested")]
    InsufficientShares,
    #[msg("The pair has no liquidity yet")]
    PairNotInitialized,

    // --- swaps ------------------------------------------------------------------------------
    #[msg("Swap output must be greater than zero")]
    InsufficientOutputAmount,
    #[msg("Swap input must be greater than zero")]
    InsufficientInputAmount,
    #[msg("Output would take the reserve below what is lent out")]
    InsufficientLiquidity,
    #[msg("Swap fails the depletion-adjusted K check")]
    KInvariant,

    // --- lending ----------------------------------------------------------------------------
    #[msg("Share class has been written off (assets zero, shares outstanding): deposits refused")]
    ShareClassWrittenOff,
    #[msg("Deposit too small to mint a share")]
    ZeroSharesMinted,
    #[msg("Withdrawal would pay out zero assets")]
    ZeroAssetsWithdrawn,
    #[msg("Lending limit reached: at most 90% of a reserve may be lent out")]
    MaxBorrowReached,
    #[msg("Cannot deposit an asset the position borrows")]
    CannotDepositBorrowedAsset,
    #[msg("Liquidity borrow too small: it would pay out zero of X or Y")]
    InsufficientLiquidityBorrowed,
    #[msg("The position has no debt of this kind to repay")]
    NothingToRepay,
    #[msg("Repayment too small to burn one debt share")]
    RepayTooSmall,
    #[msg("Cannot borrow an asset the position deposits")]
    CannotBorrowAgainstSameCollateral,
    #[msg("Position has net debt but no net collateral")]
    DebtWithoutCollateral,
    #[msg("Loan-to-value after the slippage add-on exceeds 75%")]
    LtvTooHigh,
    #[msg("Leverage above 100x")]
    TooMuchLeverage,
    #[msg("Liquidity of borrowing LPs would exceed the pool's active liquidity")]
    FragileLiquidityExceeded,

    // --- oracle -----------------------------------------------------------------------------
    #[msg("The pair's TWAP buffers were already started")]
    OracleAlreadyStarted,
    #[msg("The pair's mid-term price window has not filled yet: only swaps are allowed")]
    PriceWindowNotReady,
    #[msg("Tick or price outside the supported range")]
    TickOutOfRange,
    #[msg("Slippage add-on is undefined: debt reaches the pool's liquidity")]
    MaxSlippage,

    // --- administration (codes appended so earlier codes never change) ----------------------
    #[msg("New risk is paused on this pair: borrowing, and withdrawing or burning from an indebted position, are refused; repay, deposit, mint, swap and liquidate still work")]
    NewRiskPaused,
    #[msg("Only the admin may do this")]
    NotAdmin,
    #[msg("Only the proposed admin may accept the admin role, and only while a proposal is pending")]
    NotPendingAdmin,
    #[msg("Only the program's upgrade authority may initialize the config")]
    NotUpgradeAuthority,
    #[msg("Not this program's ProgramData account (upgradeable loader)")]
    InvalidProgramData,
    #[msg("Liquidation refused: it would pay the liquidator no premium (e.g. leverage at or below the 99% threshold)")]
    LiquidationZeroPremium,
    #[msg("Position is not liquidatable: its maximum liquidation premium is 0 (LTV at most 60% at the borrower-favouring prices)")]
    PositionNotLiquidatable,
    #[msg("Liquidation seizes too much: its premium exceeds the position's maximum premium (or the leverage formula's amounts)")]
    LiquidationPremiumTooHigh,
    #[msg("Liquidation repays too little: the borrower's LTV would rise (or a leverage liquidation leaves a required repayment short)")]
    NotEnoughRepaidForLiquidation,
    #[msg("Liquidation repays and seizes nothing")]
    EmptyLiquidation,
    #[msg("Position has no debt: there is nothing to liquidate")]
    NothingToLiquidate,
    #[msg("A position cannot be liquidated by its own owner")]
    SelfLiquidation,
    #[msg("Liquidation seizes a deposit the borrower does not hold")]
    NothingToSeize,
    #[msg("Liquidation outcome does not match its verdict (internal consistency check)")]
    LiquidationMutation,
    #[msg("The position's liquidation would need more consecutive tranches than a position may occupy (7): the bands near its liquidation price are full, or the position is too large for the pool")]
    TooManyTranches,
    #[msg("Saturation would be placed past the edge of the price range (SaturationReachesMinOrMaxTick)")]
    SaturationReachesMinOrMaxTick,
    #[msg("The position's liquidation would start on the wrong side of the price range (LiquidationPassesMinOrMaxTick)")]
    LiquidationPassesMinOrMaxTick,
    #[msg("The pair's most saturated tranche is within 3 leaves of what its active liquidity can absorb (MaxTrancheOverSaturated)")]
    MaxTrancheOverSaturated,
    #[msg("A tranche account the instruction needs was not passed (the SDK computes them)")]
    MissingTrancheAccount,
    #[msg("The pair's saturation index accounts were not passed, or are not this pair's")]
    MissingSaturationAccount,
    #[msg("The saturation ratio must be between 1 and 90 percent")]
    InvalidSaturationRatio,
    #[msg("A tranche account was passed that the instruction does not use (an unneeded band, another pair's tranche, or more than an instruction can touch): rebuild it with the SDK")]
    UnexpectedTrancheAccount,
    #[msg("The same saturation or tranche account was passed twice")]
    DuplicateSaturationAccount,
    #[msg("execute needs at least one leg")]
    EmptyExecute,
    #[msg("execute takes at most 8 legs")]
    TooManyLegs,
    #[msg("The net tokens execute pays or receives pass the limit set for that mint")]
    NetTokenLimit,
    #[msg("A route needs at least one hop: pass 7 accounts per hop after the named accounts")]
    EmptyRoute,
    #[msg("A route goes through at most 4 pairs")]
    TooManyRouteHops,
    #[msg("A route's accounts come in groups of 7 per hop: pair, mint X, mint Y, vault X, vault Y, token program X, token program Y")]
    MalformedRoute,
    #[msg("A hop of the route does not trade the mint the previous hop (or the source account) delivers")]
    RouteMintsDoNotChain,
    #[msg("A pair appears twice in the route")]
    RepeatedRoutePair,
    #[msg("A hop's first account is not a dlex pair")]
    RouteAccountNotAPair,
    #[msg("A hop's pair and vaults must be passed writable")]
    RouteAccountNotWritable,
}

impl From<MathError> for DlexError {
    fn from(e: MathError) -> Self {
        match e {
            MathError::Overflow | MathError::Underflow => DlexError::MathOverflow,
            MathError::DivisionByZero => DlexError::DivisionByZero,
            MathError::TickOutOfRange | MathError::PriceOutOfRange => DlexError::TickOutOfRange,
            MathError::MaxSlippage => DlexError::MaxSlippage,
            MathError::InsufficientLiquidity => DlexError::InsufficientLiquidity,
            MathError::InsufficientInputAmount => DlexError::InsufficientInputAmount,
            MathError::InsufficientOutputAmount => DlexError::InsufficientOutputAmount,
            MathError::KInvariant => DlexError::KInvariant,
            MathError::MaxBorrowReached => DlexError::MaxBorrowReached,
            MathError::LiquidityBelowMinimum => DlexError::InsufficientLiquidityMinted,
            MathError::DepositNotStrictlyBigger => DlexError::DebtWithoutCollateral,
            MathError::LtvExceeded => DlexError::LtvTooHigh,
            MathError::TooMuchLeverage => DlexError::TooMuchLeverage,
            MathError::SameAssetCollateral => DlexError::CannotBorrowAgainstSameCollateral,
            MathError::LiquidationZeroPremium => DlexError::LiquidationZeroPremium,
        }
    }
}

impl From<OracleError> for DlexError {
    fn from(e: OracleError) -> Self {
        match e {
            OracleError::InvalidIntervalConfig => DlexError::InvalidIntervalConfig,
            OracleError::AlreadyInitialized => DlexError::OracleAlreadyStarted,
            OracleError::TickOutOfRange => DlexError::TickOutOfRange,
            OracleError::MidTermNotReady => DlexError::PriceWindowNotReady,
            OracleError::Math(m) => m.into(),
        }
    }
}
