//! One run: a seed's price path and noise flow driven through every pool, step by step, with
//! one [`DayRow`] per pool and day. A step is: the external price moves; on each pool, the
//! lending layer accrues interest, the keeper passes (every `keeper_every_steps`) and the
//! day's re-target runs; the step's noise orders arrive and each executes exact-in on every
//! pool (Mode A) or on each pool no dearer than the external venue (Mode B); then the
//! arbitrageur trades each pool toward the new price. Seeds run in parallel on all cores
//! ([`run_seeds`]); a seed's result does not depend on the others or on the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use dlex::actions::SwapDirection;

use crate::arb;
use crate::config::{Config, FlowMode};
use crate::flow::{NoiseFlow, Order};
use crate::pool::{self, Fill, Quoter, Recording, Venue};
use crate::price::PricePath;
use crate::report::{DayRow, PoolSummary};

/// What a run produced.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub seed: u64,
    /// Rows by day, then by pool in the config's order.
    pub rows: Vec<DayRow>,
    /// One per pool, in the config's order.
    pub summaries: Vec<PoolSummary>,
}

/// Base units per whole token.
fn unit(decimals: u8) -> f64 {
    10f64.powi(i32::from(decimals))
}

/// The first mint of every pool: half the TVL in each token at `price0`.
pub fn initial_amounts(config: &Config) -> (u64, u64) {
    let m = &config.market;
    let x = (m.tvl / 2.0 / m.price0 * unit(m.decimals_x)).round() as u64;
    let y = (m.tvl / 2.0 * unit(m.decimals_y)).round() as u64;
    (x, y)
}

/// One pool and its current day's row.
struct Lane {
    venue: Box<dyn Venue>,
    day: DayRow,
}

/// Who sends a swap, for the day's columns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Trader {
    Noise,
    Arbitrageur,
    /// A borrower selling what it borrowed (or buying it back).
    Borrower,
}

impl Lane {
    /// Sends an exact-in swap at `now` and books it into the day's row (a refusal counts as
    /// refused); `p` is the external price (Y base units per X base unit) the trader's cost
    /// is measured at.
    fn trade(
        &mut self,
        trader: Trader,
        direction: SwapDirection,
        amount_in: u64,
        now: u32,
        p: f64,
    ) {
        let fill = match self.venue.swap_exact_in(direction, amount_in, now) {
            Ok(fill) => fill,
            Err(_) => {
                self.day.swaps_refused += 1;
                return;
            }
        };
        let d = &mut self.day;
        match direction {
            SwapDirection::XToY => {
                d.amount_x_in += u128::from(fill.amount_in);
                d.amount_y_out += u128::from(fill.amount_out);
                d.swap_fees_token_x += u128::from(fill.fee_tokens);
            }
            SwapDirection::YToX => {
                d.amount_y_in += u128::from(fill.amount_in);
                d.amount_x_out += u128::from(fill.amount_out);
                d.swap_fees_token_y += u128::from(fill.fee_tokens);
            }
        }
        d.swap_fees_token_l += fill.fee_l;
        d.swap_count += 1;
        match trader {
            Trader::Noise => d.noise_cost_y += cost_at(direction, &fill, p),
            Trader::Arbitrageur => {
                d.arb_count += 1;
                d.arb_profit_y -= cost_at(direction, &fill, p);
            }
            Trader::Borrower => d.borrower_swaps += 1,
        }
    }
}

/// Loss of a trader who sold `fill` at the external price `price` (Y base units per X base
/// unit), in Y base units.
fn cost_at(direction: SwapDirection, fill: &Fill, price: f64) -> f64 {
    match direction {
        SwapDirection::XToY => fill.amount_in as f64 * price - fill.amount_out as f64,
        SwapDirection::YToX => fill.amount_in as f64 - fill.amount_out as f64 * price,
    }
}

/// Mode B's routing: whether `order` is no dearer on the pool `quoter` quotes than on the
/// external venue (`flow.external_*`), both as a fraction of the order's value at the
/// external price `p` (Y base units per X base unit). A pool that refuses the order loses it.
fn routed_here(config: &Config, quoter: &Quoter, order: &Order, p: f64) -> bool {
    let Some(amount_out) = quoter.amount_out(order.direction, order.amount_in) else {
        return false;
    };
    let fill = Fill {
        amount_in: order.amount_in,
        amount_out,
        ..Fill::default()
    };
    let value_in = match order.direction {
        SwapDirection::XToY => order.amount_in as f64 * p,
        SwapDirection::YToX => order.amount_in as f64,
    };
    let pool_cost = cost_at(order.direction, &fill, p) / value_in;
    let f = &config.flow;
    let venue_cost = (f.external_fee_bips
        + f.external_impact_bips * (order.value_y / (0.01 * config.market.tvl)).sqrt())
        / 1e4;
    pool_cost <= venue_cost
}

/// Runs `config` with `seed`.
pub fn run(config: &Config, seed: u64) -> Result<RunResult, String> {
    run_with(config, seed, false, &|| {}).map(|(result, _)| result)
}

/// [`run`] that calls `on_day` after each simulated day (for a progress bar).
pub fn run_with_progress(
    config: &Config,
    seed: u64,
    on_day: &(dyn Fn() + Sync),
) -> Result<RunResult, String> {
    run_with(config, seed, false, on_day).map(|(result, _)| result)
}

/// [`run`] that also records every operation applied to each dlex pool (self-test 3): one
/// [`Recording`] per pool in the config's order (`None` for V2).
pub fn run_recorded(
    config: &Config,
    seed: u64,
) -> Result<(RunResult, Vec<Option<Recording>>), String> {
    run_with(config, seed, true, &|| {})
}

fn run_with(
    config: &Config,
    seed: u64,
    record: bool,
    on_day: &(dyn Fn() + Sync),
) -> Result<(RunResult, Vec<Option<Recording>>), String> {
    config.validate()?;
    let m = &config.market;
    let (x0, y0) = initial_amounts(config);
    let mut now = config.run.start_unix;
    let mut lanes: Vec<Lane> = pool::build(config, x0, y0, now)?
        .into_iter()
        .map(|venue| Lane {
            day: DayRow::start(seed, venue.kind(), 0, venue.ell()),
            venue,
        })
        .collect();
    if record {
        lanes.iter_mut().for_each(|l| l.venue.start_recording());
    }
    let start_ell: Vec<_> = lanes.iter().map(|l| l.venue.ell()).collect();
    let mut path = PricePath::new(m, config.run.step_seconds, seed);
    let mut noise = NoiseFlow::new(&config.flow, m, config.run.step_seconds, seed);
    // Y base units per X base unit.
    let scale = unit(m.decimals_y) / unit(m.decimals_x);
    let min_profit = config.arb.min_profit * unit(m.decimals_y);
    let total_days = config.run.warmup_days + config.run.days;
    let mut rows = Vec::with_capacity(total_days as usize * lanes.len());
    for date in 0..total_days {
        for lane in lanes.iter_mut() {
            lane.day = DayRow::start(seed, lane.venue.kind(), date, lane.venue.ell());
            lane.day.warmup = date < config.run.warmup_days;
        }
        for step in 0..config.steps_per_day() {
            now = now.wrapping_add(config.run.step_seconds);
            let price = path.step();
            let p = price * scale;
            let orders = noise.step(price);
            let keeper = config.lending.keeper_every_steps > 0
                && step % config.lending.keeper_every_steps == 0;
            // Interest up to now (continuous, not the swaps' daily accrual), the keeper and
            // the day's lending re-target on every pool, before the step's swaps; then each
            // pool's borrowers sell what they borrowed (V2 mirrors the first lending pool).
            // `None`: a pool without lending (V2), which gets the first lending pool's swaps.
            let mut sells: Vec<Option<Vec<(SwapDirection, u64)>>> = Vec::with_capacity(lanes.len());
            for lane in lanes.iter_mut() {
                let lending = lane.venue.lending_step(date, now, keeper)?;
                if let Some(lending) = &lending {
                    lane.day.book_lending(lending);
                }
                sells.push(lending.map(|l| l.retarget.sells));
            }
            let mirrored = sells.iter().flatten().next().cloned().unwrap_or_default();
            for (lane, own) in lanes.iter_mut().zip(&sells) {
                for &(direction, amount_in) in own.as_ref().unwrap_or(&mirrored) {
                    lane.trade(Trader::Borrower, direction, amount_in, now, p);
                }
            }
            for lane in lanes.iter_mut() {
                for order in &orders {
                    if config.flow.mode == FlowMode::B
                        && !routed_here(config, &lane.venue.quoter(now), order, p)
                    {
                        lane.day.orders_lost += 1;
                        continue;
                    }
                    lane.trade(Trader::Noise, order.direction, order.amount_in, now, p);
                }
                if config.arb.enabled {
                    let quoter = lane.venue.quoter(now);
                    if let Some(trade) =
                        arb::best_trade(&quoter, lane.venue.reserves(), p, min_profit)
                    {
                        lane.trade(
                            Trader::Arbitrageur,
                            trade.direction,
                            trade.amount_in,
                            now,
                            p,
                        );
                    }
                }
                if lane.venue.depleted() {
                    lane.day.depleted_steps += 1;
                }
            }
        }
        let price = path.price();
        for lane in lanes.iter_mut() {
            let mut row = lane.day.clone();
            row.finish(now, price, lane.venue.reserves(), lane.venue.ell(), m);
            row.lending = lane.venue.lending_snapshot().unwrap_or_default();
            rows.push(row);
        }
        on_day();
    }
    let summaries = crate::report::summarize(
        config,
        &lanes.iter().map(|l| l.venue.kind()).collect::<Vec<_>>(),
        &start_ell,
        &rows,
    );
    let recordings = lanes.iter_mut().map(|l| l.venue.take_recording()).collect();
    Ok((
        RunResult {
            seed,
            rows,
            summaries,
        },
        recordings,
    ))
}

/// Runs every seed, in parallel over the machine's cores (`threads`, or all when `None`);
/// `on_done` is called as each seed finishes. Results come back in `seeds` order.
pub fn run_seeds(
    config: &Config,
    seeds: &[u64],
    threads: Option<usize>,
    on_done: &(dyn Fn(&RunResult) + Sync),
) -> Result<Vec<RunResult>, String> {
    run_seeds_with_progress(config, seeds, threads, on_done, &|| {})
}

/// [`run_seeds`] that also calls `on_day` after every simulated day of every seed.
pub fn run_seeds_with_progress(
    config: &Config,
    seeds: &[u64],
    threads: Option<usize>,
    on_done: &(dyn Fn(&RunResult) + Sync),
    on_day: &(dyn Fn() + Sync),
) -> Result<Vec<RunResult>, String> {
    let threads = threads
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .clamp(1, seeds.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<RunResult, String>>>> =
        Mutex::new(vec![None; seeds.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&seed) = seeds.get(i) else { break };
                let result = run_with_progress(config, seed, on_day);
                if let Ok(r) = &result {
                    on_done(r);
                }
                results.lock().expect("no panics while holding the lock")[i] = Some(result);
            });
        }
    });
    results
        .into_inner()
        .expect("threads joined")
        .into_iter()
        .map(|r| r.expect("every seed ran"))
        .collect()
}
