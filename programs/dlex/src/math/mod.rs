//! Pure integer math for dlex (no Anchor types): the Ammalgam core formulas ported bit for bit.
//!
//! This module owns the error type and the shared constants; each submodule owns one area of
//! the spec (`/work/shared/spec/mechanisms.md`). Everything is re-exported here so callers use
//! `crate::math::name`. No function panics: every fallible operation returns `MathError`.

pub mod allocation;
pub mod full_math;
pub mod interest;
pub mod liquidation;
pub mod liquidity;
pub mod saturation;
pub mod shares;
pub mod swap;
pub mod tick_math;
pub mod twap;
pub mod validation;

pub use allocation::{
    allocate_saturation, liquidation_passes_range_edge, position_saturation, range_edge_tick, saturation_in_l_assets,
    restrict_usable_ticks, straddle_skips_range_check, AllocationError, PositionSaturation,
    TrancheAllocation, B_SQUARED_Q72_MINUS_ONE, MAX_INITIAL_SATURATION_MAG2, MAX_WALK_TRANCHES,
    START_SATURATION_PENALTY_RATIO_IN_MAG2,
};
pub use full_math::{ceil_div, ceil_div_u256, mul_div, mul_div_u256, sqrt_ceil, sqrt_u256};
pub use interest::{
    accrue_interest, annual_interest_rate_wad, interest_for_duration,
    interest_for_duration_given_rate, interest_rate_per_second_wad, lending_fee,
    protocol_fee_share, utilization_for_saturation, utilization_wad, utilizations, w_taylor_compounded,
    InterestAccrualInput, InterestAccrualOutput, Utilizations, BORROW_L, BORROW_X, BORROW_Y, DEPOSIT_L,
    DEPOSIT_X, DEPOSIT_Y,
};
pub use liquidation::{
    hard_liquidation_ltv_bips, hard_max_premium_bips, hard_premium_for_liquidation_ltv, hard_premium_bips, hard_proposal_premium_bips, leverage_liquidation_amounts, liquidation_keeps_ltv,
    liquidation_sqrt_prices_q72, ltv_to_premium_bips, saturation_reset_premium_bips,
    LeverageLiquidation, LEVERAGE_LIQUIDATION_FACTOR, MAX_SAT_RESET_FOR_STRADDLE_PREMIUM_BIPS,
    SAT_RESET_FOR_STRADDLE_SLOPE_BIPS,
};
pub use liquidity::{
    borrow_liquidity_amounts, first_mint_liquidity, mint_liquidity_assets, repay_liquidity_amount, repay_liquidity_token_amounts,
    rescale_reference, reserves_at_tick,
};
pub use saturation::{
    calculate_saturation, min_sqrt_price_span_q72, sat_percentage_wad, sat_to_leaf,
    tranche_saturation_available, usable_ticks_and_last_tranche,
    EXPECTED_SATURATION_LTV_MAG2_TIMES_SAT_BUFFER_SQUARED, LEAFS, LOWEST_POSSIBLE_IN_PENALTY,
    MAX_TRANCHE, MIN_LIQ_TO_REACH_PENALTY, MIN_TRANCHE, SATURATION_TIME_BUFFER_IN_MAG2,
    SAT_CHANGE_OF_BASE_Q128, SAT_CHANGE_OF_BASE_TIMES_SHIFT, SAT_PERCENTAGE_DELTA_4_WAD,
    SAT_PERCENTAGE_DELTA_5_WAD, SAT_PERCENTAGE_DELTA_6_WAD, SAT_PERCENTAGE_DELTA_7_WAD,
    TICKS_PER_TRANCHE, TICKS_PER_TRANCHE_MAG2, TICK_OFFSET,
};
pub use shares::{to_assets, to_liquidity_assets, to_shares};
pub use swap::{
    balance_after_fees, check_k, deposit_liquidity_assets, depletion_adjusted_active_liquidity,
    max_amount_out, min_amount_in, missing_assets, reserve_adjusted_for_missing,
    reserve_adjusted_for_missing_obs, reserve_adjustment, reserve_after_depletion,
    swap_fee_amount, swap_fee_bips_q64, BIPS_Q64, BUFFER, BUFFER_NUMERATOR, BUFFER_OBS,
    BUFFER_OBS_NUMERATOR, MIN_FEE_Q64,
};
pub use tick_math::{
    price_q128_at_tick, sqrt_price_q72_at_tick, tick_at_price_q128, tick_at_reserves, B_IN_Q72,
    MAX_PRICE_Q128, MAX_SQRT_PRICE_Q72, MAX_TICK, MIN_PRICE_Q128, MIN_SQRT_PRICE_Q72, MIN_TICK,
    Q72, TRANCHE_B_IN_Q72, TRANCHE_B_MINUS_ONE_IN_Q72,
};
pub use twap::{
    bound_tick, long_term_buffer_factor, tick_average, tick_average_towards_mid_term, tick_range,
    tick_range_without_long_term,
};
pub use validation::{
    check_leverage, check_ltv, check_ltv_params, debt_and_collateral, increase_for_slippage,
    ltv_premium_bips, validate_solvency, verify_max_borrow, verify_max_borrow_liquidity,
    NetLtvParams, MAX_PREMIUM_IN_BIPS,
};

pub use ruint::aliases::U256;

/// Largest amount a stored total may hold (amounts are uint112 in the reference).
pub const MAX_AMOUNT: u128 = (1 << 112) - 1;
/// DEPOSIT_L shares (and assets) locked forever on the first mint.
pub const MINIMUM_LIQUIDITY: u128 = 1000;
/// 1e18 fixed-point base for rates and utilizations.
pub const WAD: u128 = 1_000_000_000_000_000_000;
/// Basis points in one.
pub const BIPS: u128 = 10_000;

/// Every way a dlex math function can fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MathError {
    /// A result or intermediate does not fit its type (u128 result or 256-bit product).
    Overflow,
    /// A subtraction would go below zero.
    Underflow,
    /// A divisor (reserve, total, liquidity…) is zero.
    DivisionByZero,
    /// A tick is outside `MIN_TICK..=MAX_TICK+1`.
    TickOutOfRange,
    /// A price is outside `[MIN_PRICE_Q128, MAX_PRICE_Q128]`.
    PriceOutOfRange,
    /// Debt is not smaller than the liquidity it must be bought from (`AmmalgamMaxSlippage`).
    MaxSlippage,
    /// A swap output would take a reserve to or below its missing (lent-out) amount.
    InsufficientLiquidity,
    /// A swap brings in nothing.
    InsufficientInputAmount,
    /// A swap takes out nothing (or a requested output cannot be reached).
    InsufficientOutputAmount,
    /// The adjusted-K check of a swap fails (`K`).
    KInvariant,
    /// A borrow exceeds the 90% lending limit (`AmmalgamMaxBorrowReached`).
    MaxBorrowReached,
    /// The first mint's `sqrt(x·y)` is below `MINIMUM_LIQUIDITY` or leaves nothing for the user.
    LiquidityBelowMinimum,
    /// A position has debt but no side whose deposit strictly exceeds its debt
    /// (`AmmalgamDepositIsNotStrictlyBigger`).
    DepositNotStrictlyBigger,
    /// Collateral·75% is below the slippage-adjusted debt (`AmmalgamLTV`).
    LtvExceeded,
    /// Net deposits exceed net debts by less than 1% (`AmmalgamTooMuchLeverage`).
    TooMuchLeverage,
    /// The same asset is both deposited and borrowed
    /// (`AmmalgamCannotBorrowAgainstSameCollateral`).
    SameAssetCollateral,
    /// A liquidation would pay the liquidator no premium, e.g. a leverage liquidation of a
    /// position at or below the 99% leverage threshold (`LiquidationZeroPremium`).
    LiquidationZeroPremium,
}

/// Proptest settings of the math unit tests: `cases` unless `PROPTEST_CASES` is set (so CI can
/// run more and mutation runs fewer); failures are not persisted into the source tree.
#[cfg(test)]
pub(crate) fn proptest_config(cases: u32) -> proptest::prelude::ProptestConfig {
    let mut config = proptest::prelude::ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config.failure_persistence = None;
    config
}
