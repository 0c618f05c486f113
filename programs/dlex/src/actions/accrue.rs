//! The accrual step every instruction runs first (spec §7.5), and the oracle bookkeeping
//! around the pool's life: starting the TWAP buffers at the first mint, recording swap
//! extremes. Interest accrual joins this step with lending.

use crate::errors::DlexError;
use crate::math;
use crate::oracle::Observations;
use crate::state::{Pair, Pool, ReferenceReserve};

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
    Ok(())
}

/// Spec §7.5 step 1 and §5.3: if an observation interval has passed, record the tick of the
/// reserves as they stood before this instruction and re-anchor the swap fee at
/// `reserves_at_tick(DL − BL, towards-mid-term(mid, observed))`.
pub fn accrue(pair: &mut Pair, pool: &mut Pool, now: u32) -> Result<(), DlexError> {
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
        pair.last_update_timestamp = now;
        let reference_tick = observations.reference_tick(tick);
        let (reference_x, reference_y) = math::reserves_at_tick(pool.active_liquidity(), reference_tick)?;
        pool.reference_x = ReferenceReserve(reference_x);
        pool.reference_y = ReferenceReserve(reference_y);
    }
    Ok(())
}

/// Spec §4.3.9: every swap records the tick of its post-swap price in the extremes, so a
/// move-and-revert inside one interval still widens the risk range (§8.5).
pub fn record_price_extreme(pair: &mut Pair, pool: &Pool, now: u32) -> Result<(), DlexError> {
    let interval = pair.observations.mid_term_interval;
    pair.price_extremes.record_reserves(pool.reserve_x.0, pool.reserve_y.0, interval, now)?;
    Ok(())
}
