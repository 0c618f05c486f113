//! The accrual step every instruction runs first (spec §7.5), and the oracle bookkeeping
//! around the pool's life: starting the TWAP buffers at the first mint, recording swap
//! extremes.

use crate::errors::DlexError;
use crate::math::{self, InterestAccrualInput};
use crate::oracle::Observations;
use crate::state::{Pair, Pool, ReferenceReserve, Reserve, TokenKind};

/// Swaps accrue interest at most once a day (spec `INTEREST_PERIOD_FOR_SWAP`), so that a
/// stream of trades does not pay the accrual's compute on every swap.
pub const INTEREST_PERIOD_FOR_SWAP: u32 = 86_399;

/// Stores the pair's TWAP intervals at creation; the buffers start at the first mint, when
/// the pool has a price.
pub fn configure_oracle(pair: &mut Pair, mid_term_interval: u32, long_term_interval: u32) -> Result<(), DlexError> {
    pair.mid_term_interval = mid_term_interval;
    pair.long_term_interval = long_term_interval;
    Ok(())
}

/// First mint (spec §4.1.2): seed both TWAP buffers at the pool's tick and start the clocks.
pub fn start_oracle(pair: &mut Pair, pool: &Pool, now: u32) -> Result<(), DlexError> {
    let tick = math::tick_at_reserves(pool.reserve_x.0, pool.reserve_y.0)?;
    pair.observations = bytemuck::Zeroable::zeroed();
    pair.observations.initialize(pair.mid_term_interval, pair.long_term_interval, tick, now)?;
    pair.last_update_timestamp = now;
    pair.last_lending_timestamp = now;
    pair.record_depth(pool);
    Ok(())
}

/// Spec §7.5 for every instruction but swaps: observation, then interest on any elapsed time.
pub fn accrue(pair: &mut Pair, pool: &mut Pool, now: u32) -> Result<(), DlexError> {
    accrue_with_period(pair, pool, now, 0)
}

/// Spec §7.5 for swaps: observation, then interest only if a day has passed.
pub fn accrue_for_swap(pair: &mut Pair, pool: &mut Pool, now: u32) -> Result<(), DlexError> {
    accrue_with_period(pair, pool, now, INTEREST_PERIOD_FOR_SWAP)
}

/// Spec §7.5: step 1 records a TWAP observation if an interval has passed (and re-anchors the
/// swap fee, §5.3); step 2 accrues interest if at least `min_period` seconds passed since the
/// last lending checkpoint.
pub fn accrue_with_period(pair: &mut Pair, pool: &mut Pool, now: u32, min_period: u32) -> Result<(), DlexError> {
    record_observation(pair, pool, now)?;
    accrue_interest(pair, pool, now, min_period)
}

/// Spec §7.5 step 1 and §5.3: if an observation interval has passed, record the tick of the
/// reserves as they stood before this instruction and re-anchor the swap fee at
/// `reserves_at_tick(DL − BL, towards-mid-term(mid, observed))`.
fn record_observation(pair: &mut Pair, pool: &mut Pool, now: u32) -> Result<(), DlexError> {
    if pool.total_shares(crate::state::TokenKind::DepositL).0 == 0 {
        return Ok(());
    }
    let observations: &mut Observations = &mut pair.observations;
    let observed = observations.update_observation_from_reserves(
        pool.reserve_x.0,
        pool.reserve_y.0,
        pool.missing_x(),
        pool.missing_y(),
        pair.last_update_timestamp,
        now,
    )?;
    if let Some(tick) = observed {
        let reference_tick = observations.reference_tick(tick);
        let (reference_x, reference_y) = math::reserves_at_tick(pool.active_liquidity(), reference_tick)?;
        pair.last_update_timestamp = now;
        // The depth risk may count on for the interval that starts now (H-1): the pool as it
        // stood before this instruction, which nobody can change retroactively.
        pair.record_depth(pool);
        pool.reference_x = ReferenceReserve(reference_x);
        pool.reference_y = ReferenceReserve(reference_y);
    }
    Ok(())
}

/// The input of one interest accrual of `pair` over `duration` seconds at `lending_tick`: the
/// pool's totals and reserves, and the pair's saturation (spec §7.2: L utilization rises with
/// it, §10.8).
pub fn interest_accrual_input(pair: &Pair, pool: &Pool, duration: u64, lending_tick: i32) -> InterestAccrualInput {
    InterestAccrualInput {
        assets: pool.assets,
        reserve_x: pool.reserve_x.0,
        reserve_y: pool.reserve_y.0,
        duration,
        lending_tick,
        sat_percentage_wad: pair.saturation_percentage_wad(),
    }
}

/// Spec §7.5 step 2 and §7.4: compound interest over `Δl` at the utilization curve, split X/Y
/// interest between single-asset lenders and LPs at the lending-state TWAP reserves, and mint
/// 10% of it as protocol-fee deposit shares. With no debt only the lending checkpoint moves.
fn accrue_interest(pair: &mut Pair, pool: &mut Pool, now: u32, min_period: u32) -> Result<(), DlexError> {
    if pool.total_shares(TokenKind::DepositL).0 == 0 {
        return Ok(());
    }
    let elapsed = now.wrapping_sub(pair.last_lending_timestamp);
    if elapsed == 0 || elapsed < min_period {
        return Ok(());
    }
    let lending_tick = pair.observations.lending_state_tick_and_checkpoint(elapsed);
    pair.last_lending_timestamp = now;
    if !crate::state::has_debt(&pool.assets) {
        return Ok(());
    }
    let accrued = math::accrue_interest(&interest_accrual_input(pair, pool, u64::from(elapsed), lending_tick))?;
    pool.assets = accrued.assets;
    pool.assets[TokenKind::DepositL as usize] = 0;
    pool.reserve_x = Reserve(accrued.reserve_x);
    pool.reserve_y = Reserve(accrued.reserve_y);
    let [fee_l, fee_x, fee_y] = accrued.protocol_fees;
    pool.mint_protocol_fee(TokenKind::DepositL, fee_l)?;
    pool.mint_protocol_fee(TokenKind::DepositX, fee_x)?;
    pool.mint_protocol_fee(TokenKind::DepositY, fee_y)?;
    Ok(())
}

/// Spec §4.3.9: every swap records the tick of its post-swap price in the extremes, so a
/// move-and-revert inside one interval still widens the risk range (§8.5).
pub fn record_price_extreme(pair: &mut Pair, pool: &Pool, now: u32) -> Result<(), DlexError> {
    record_price_extreme_at(pair, pool.reserve_x.0, pool.reserve_y.0, now)
}

/// [`record_price_extreme`] for reserves recorded earlier (each swap leg of `execute`).
pub fn record_price_extreme_at(pair: &mut Pair, reserve_x: u128, reserve_y: u128, now: u32) -> Result<(), DlexError> {
    let interval = pair.observations.mid_term_interval;
    pair.price_extremes.record_reserves(reserve_x, reserve_y, interval, now)?;
    Ok(())
}
