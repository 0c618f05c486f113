//! Outputs: the daily rows (one per pool and day, integer token columns in base units with
//! the subgraph's `PoolDayData` names, spec §4.4), their CSV file, and a run's summary per
//! pool: ℓ at both ends, APY_L = (ℓ_T/ℓ_0)^(365/T) − 1, the swap-fee APR in L, and the uplift
//! U = APY_L / APY_L(v2) − 1.
//!
//! The lending columns come from the pool's own state changes (`lending::Accrual`): gross
//! interest = growth of the BORROW_* assets, `lpInterestTokenX/Y` = growth of the reserves,
//! protocol fees = the program's `protocol_fee_share` of each gross interest, and
//! `lpInterestTokenL` = the accrual's growth of DEPOSIT_L assets less the protocol's L fee. So
//! a day's change of DEPOSIT_L assets is `swapFeesTokenL + lpInterestTokenL +
//! protocolFeesTokenL + lendingLegsTokenL + liquidationsTokenL` (borrow-L fees and rounding
//! of the positions' legs; the liquidations' change, bad debt taken from the reserves).
//! `penaltiesTokenL` is the liquidators' premium (seized less repaid value, paid by the
//! borrowers), `badDebtTokenL` the debt written off and borne by the LPs (L debt plus X and
//! Y taken from the reserves, in L units); what the lenders bore is `badDebtLendersX/Y`.

use std::io::Write;
use std::path::Path;

use crate::config::{Config, MarketConfig, PoolKind};
use crate::lending::{Snapshot, Step};
use crate::pool::Ell;

/// One pool's day.
#[derive(Clone, Debug, PartialEq)]
pub struct DayRow {
    pub seed: u64,
    pub pool: PoolKind,
    /// Day index from 0 (warm-up days first).
    pub date: u32,
    /// A warm-up day (`run.warmup_days`): written to the CSV, left out of every summary.
    pub warmup: bool,
    /// Unix time at the end of the day (the program's `u32` clock).
    pub timestamp: u32,
    /// External and pool price at the end of the day, Y per X (whole tokens).
    pub external_price: f64,
    pub pool_price: f64,
    pub reserve_x: u128,
    pub reserve_y: u128,
    /// ℓ's numerator and denominator at the start and the end of the day.
    pub deposit_l_assets_start: u128,
    pub deposit_l_shares_start: u128,
    pub deposit_l_assets: u128,
    pub deposit_l_shares: u128,
    pub swap_count: u64,
    pub arb_count: u64,
    pub swaps_refused: u64,
    pub amount_x_in: u128,
    pub amount_x_out: u128,
    pub amount_y_in: u128,
    pub amount_y_out: u128,
    pub swap_fees_token_x: u128,
    pub swap_fees_token_y: u128,
    pub swap_fees_token_l: u128,
    pub gross_interest_token_x: u128,
    pub gross_interest_token_y: u128,
    pub gross_interest_token_l: u128,
    pub lp_interest_token_l: u128,
    pub protocol_fees_token_x: u128,
    pub protocol_fees_token_y: u128,
    pub protocol_fees_token_l: u128,
    pub penalties_token_l: i128,
    pub bad_debt_token_l: u128,
    /// LPs' part of X and Y interest (growth of the reserves by accrual).
    pub lp_interest_token_x: u128,
    pub lp_interest_token_y: u128,
    /// Change of DEPOSIT_L assets through the lending positions' legs.
    pub lending_legs_token_l: i128,
    /// Change of DEPOSIT_L assets through liquidations.
    pub liquidations_token_l: i128,
    /// Liquidations run (all kinds), of them ending in bad debt, and requests refused.
    pub liquidations: u64,
    pub bad_debt_events: u64,
    pub liquidations_refused: u64,
    /// Bad debt borne by the single-sided lenders, base units.
    pub bad_debt_lenders_x: u128,
    pub bad_debt_lenders_y: u128,
    /// Mode B: noise orders this pool lost to the external venue.
    pub orders_lost: u64,
    /// Swaps of the borrowers selling what they borrowed (or buying it back to repay);
    /// counted in `swap_count` too, not in the noise traders' cost.
    pub borrower_swaps: u64,
    /// Steps that ended with a side's `reserve − missing` below 5% of its reserve.
    pub depleted_steps: u64,
    /// Lending executes that passed / were refused.
    pub lending_legs: u64,
    pub lending_refused: u64,
    /// Lending state at the end of the day (zeros without lending).
    pub lending: Snapshot,
    /// Noise traders' all-in cost (fee + impact) against the external price, Y base units.
    pub noise_cost_y: f64,
    /// The arbitrageur's profit at the external price, Y base units.
    pub arb_profit_y: f64,
}

impl DayRow {
    /// An empty row for `pool`'s day `date`, starting at ℓ = `ell`.
    pub fn start(seed: u64, pool: PoolKind, date: u32, ell: Ell) -> Self {
        Self {
            seed,
            pool,
            date,
            warmup: false,
            timestamp: 0,
            external_price: 0.0,
            pool_price: 0.0,
            reserve_x: 0,
            reserve_y: 0,
            deposit_l_assets_start: ell.0,
            deposit_l_shares_start: ell.1,
            deposit_l_assets: ell.0,
            deposit_l_shares: ell.1,
            swap_count: 0,
            arb_count: 0,
            swaps_refused: 0,
            amount_x_in: 0,
            amount_x_out: 0,
            amount_y_in: 0,
            amount_y_out: 0,
            swap_fees_token_x: 0,
            swap_fees_token_y: 0,
            swap_fees_token_l: 0,
            gross_interest_token_x: 0,
            gross_interest_token_y: 0,
            gross_interest_token_l: 0,
            lp_interest_token_l: 0,
            protocol_fees_token_x: 0,
            protocol_fees_token_y: 0,
            protocol_fees_token_l: 0,
            penalties_token_l: 0,
            bad_debt_token_l: 0,
            lp_interest_token_x: 0,
            lp_interest_token_y: 0,
            lending_legs_token_l: 0,
            liquidations_token_l: 0,
            liquidations: 0,
            bad_debt_events: 0,
            liquidations_refused: 0,
            bad_debt_lenders_x: 0,
            bad_debt_lenders_y: 0,
            orders_lost: 0,
            borrower_swaps: 0,
            depleted_steps: 0,
            lending_legs: 0,
            lending_refused: 0,
            lending: Snapshot::default(),
            noise_cost_y: 0.0,
            arb_profit_y: 0.0,
        }
    }

    /// Books one lending step.
    pub fn book_lending(&mut self, step: &Step) {
        let (accrual, retarget, liquidations) = (&step.accrual, &step.retarget, &step.liquidations);
        self.gross_interest_token_l += accrual.gross_l;
        self.gross_interest_token_x += accrual.gross_x;
        self.gross_interest_token_y += accrual.gross_y;
        self.lp_interest_token_l += accrual.deposit_l - accrual.protocol_l;
        self.lp_interest_token_x += accrual.lp_x;
        self.lp_interest_token_y += accrual.lp_y;
        self.protocol_fees_token_l += accrual.protocol_l;
        self.protocol_fees_token_x += accrual.protocol_x;
        self.protocol_fees_token_y += accrual.protocol_y;
        self.lending_legs_token_l += retarget.deposit_l_change;
        self.lending_legs += retarget.legs_run;
        self.lending_refused += retarget.refused;
        self.liquidations_token_l += liquidations.deposit_l_change;
        self.liquidations += liquidations.count();
        self.bad_debt_events += liquidations.bad_debt_events;
        self.liquidations_refused += liquidations.refused;
        self.penalties_token_l += liquidations.penalties_l;
        self.bad_debt_token_l += liquidations.bad_debt_l;
        self.bad_debt_lenders_x += liquidations.bad_debt_lenders_x;
        self.bad_debt_lenders_y += liquidations.bad_debt_lenders_y;
    }

    /// Closes the day with the pool's state at its end.
    pub fn finish(
        &mut self,
        timestamp: u32,
        external_price: f64,
        reserves: (u128, u128),
        ell: Ell,
        market: &MarketConfig,
    ) {
        self.timestamp = timestamp;
        self.external_price = external_price;
        self.reserve_x = reserves.0;
        self.reserve_y = reserves.1;
        let (ux, uy) = (
            10f64.powi(i32::from(market.decimals_x)),
            10f64.powi(i32::from(market.decimals_y)),
        );
        self.pool_price = if reserves.0 == 0 {
            0.0
        } else {
            (reserves.1 as f64 / uy) / (reserves.0 as f64 / ux)
        };
        self.deposit_l_assets = ell.0;
        self.deposit_l_shares = ell.1;
    }

    /// ℓ at the end of the day.
    pub fn ell(&self) -> f64 {
        self.deposit_l_assets as f64 / self.deposit_l_shares as f64
    }
}

/// The CSV header, in column order.
pub const CSV_HEADER: &str = "seed,pool,date,warmup,timestamp,externalPrice,poolPrice,reserveX,reserveY,depositLAssets,depositLShares,ell,\
swapCount,arbCount,swapsRefused,amountXIn,amountXOut,amountYIn,amountYOut,swapFeesTokenX,swapFeesTokenY,swapFeesTokenL,\
grossInterestTokenX,grossInterestTokenY,grossInterestTokenL,lpInterestTokenL,protocolFeesTokenX,protocolFeesTokenY,protocolFeesTokenL,\
penaltiesTokenL,badDebtTokenL,lpInterestTokenX,lpInterestTokenY,lendingLegsTokenL,lendingLegs,lendingRefused,\
depositX,depositY,borrowL,borrowX,borrowY,utilizationL,utilizationX,utilizationY,borrowRateL,borrowRateX,borrowRateY,noiseCostY,arbProfitY,\
liquidationsTokenL,liquidations,badDebtEvents,liquidationsRefused,badDebtLendersX,badDebtLendersY,ordersLost,depletedSteps,borrowerSwaps";

/// Writes `rows` as CSV (noise cost and arbitrage profit in whole Y; everything else as
/// stored).
pub fn write_csv(path: &Path, rows: &[DayRow], market: &MarketConfig) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "{CSV_HEADER}")?;
    let uy = 10f64.powi(i32::from(market.decimals_y));
    for r in rows {
        writeln!(
            out,
            "{},{},{},{},{},{:.6},{:.6},{},{},{},{},{:.15},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{},{},{},{},{},{},{},{},{}",
            r.seed,
            r.pool.name(),
            r.date,
            u8::from(r.warmup),
            r.timestamp,
            r.external_price,
            r.pool_price,
            r.reserve_x,
            r.reserve_y,
            r.deposit_l_assets,
            r.deposit_l_shares,
            r.ell(),
            r.swap_count,
            r.arb_count,
            r.swaps_refused,
            r.amount_x_in,
            r.amount_x_out,
            r.amount_y_in,
            r.amount_y_out,
            r.swap_fees_token_x,
            r.swap_fees_token_y,
            r.swap_fees_token_l,
            r.gross_interest_token_x,
            r.gross_interest_token_y,
            r.gross_interest_token_l,
            r.lp_interest_token_l,
            r.protocol_fees_token_x,
            r.protocol_fees_token_y,
            r.protocol_fees_token_l,
            r.penalties_token_l,
            r.bad_debt_token_l,
            r.lp_interest_token_x,
            r.lp_interest_token_y,
            r.lending_legs_token_l,
            r.lending_legs,
            r.lending_refused,
            r.lending.deposit_x,
            r.lending.deposit_y,
            r.lending.borrow_l,
            r.lending.borrow_x,
            r.lending.borrow_y,
            r.lending.utilization.0,
            r.lending.utilization.1,
            r.lending.utilization.2,
            r.lending.rate.0,
            r.lending.rate.1,
            r.lending.rate.2,
            r.noise_cost_y / uy,
            r.arb_profit_y / uy,
            r.liquidations_token_l,
            r.liquidations,
            r.bad_debt_events,
            r.liquidations_refused,
            r.bad_debt_lenders_x,
            r.bad_debt_lenders_y,
            r.orders_lost,
            r.depleted_steps,
            r.borrower_swaps,
        )?;
    }
    out.flush()
}

/// One pool over one run.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolSummary {
    pub pool: PoolKind,
    pub ell_start: Ell,
    pub ell_end: Ell,
    pub days: u32,
    /// (ℓ_T/ℓ_0)^(365/T) − 1.
    pub apy_l: f64,
    /// Swap fees in L over the run / starting L, annualized (simple).
    pub fee_apr_l: f64,
    /// APY_L / APY_L(v2) − 1, when a v2 pool ran and earned something.
    pub uplift: Option<f64>,
    pub swaps: u64,
    pub arbs: u64,
    pub refused: u64,
    /// Noise traders' total cost and the arbitrageur's total profit, whole Y.
    pub noise_cost: f64,
    pub arb_profit: f64,
    /// Mode B: noise orders lost to the external venue.
    pub orders_lost: u64,
    /// Liquidations run, bad debt borne by the LPs (L units) and by the lenders (any).
    pub liquidations: u64,
    pub bad_debt_l: u128,
    pub bad_debt_lenders: bool,
    /// Share of steps with a side below 5% of its reserve after `missing`.
    pub depleted_share: f64,
    /// The day-end utilizations `(u_L, u_X, u_Y)` averaged over the run.
    pub mean_utilization: (f64, f64, f64),
}

/// ℓ_T / ℓ_0 from the exact integers.
pub fn growth(start: Ell, end: Ell) -> f64 {
    (end.0 as f64 / start.0 as f64) * (start.1 as f64 / end.1 as f64)
}

/// The per-pool summary of one run's rows (`kinds` in the rows' order within a day).
pub fn summarize(
    config: &Config,
    kinds: &[PoolKind],
    start_ell: &[Ell],
    rows: &[DayRow],
) -> Vec<PoolSummary> {
    let uy = 10f64.powi(i32::from(config.market.decimals_y));
    let mut summaries: Vec<PoolSummary> = kinds
        .iter()
        .zip(start_ell)
        .map(|(&pool, &ell_start)| {
            let mine: Vec<&DayRow> = rows
                .iter()
                .filter(|r| r.pool == pool && !r.warmup)
                .collect();
            // Measured from the end of the warm-up.
            let ell_start = mine
                .first()
                .map(|r| (r.deposit_l_assets_start, r.deposit_l_shares_start))
                .unwrap_or(ell_start);
            let days = mine.len() as u32;
            let ell_end = mine
                .last()
                .map(|r| (r.deposit_l_assets, r.deposit_l_shares))
                .unwrap_or(ell_start);
            let years = f64::from(days) / 365.0;
            let fees_l: u128 = mine.iter().map(|r| r.swap_fees_token_l).sum();
            PoolSummary {
                pool,
                ell_start,
                ell_end,
                days,
                apy_l: if days == 0 {
                    0.0
                } else {
                    growth(ell_start, ell_end).powf(1.0 / years) - 1.0
                },
                fee_apr_l: if days == 0 {
                    0.0
                } else {
                    fees_l as f64 / ell_start.0 as f64 / years
                },
                uplift: None,
                swaps: mine.iter().map(|r| r.swap_count).sum(),
                arbs: mine.iter().map(|r| r.arb_count).sum(),
                refused: mine.iter().map(|r| r.swaps_refused).sum(),
                noise_cost: mine.iter().map(|r| r.noise_cost_y).sum::<f64>() / uy,
                arb_profit: mine.iter().map(|r| r.arb_profit_y).sum::<f64>() / uy,
                orders_lost: mine.iter().map(|r| r.orders_lost).sum(),
                liquidations: mine.iter().map(|r| r.liquidations).sum(),
                bad_debt_l: mine.iter().map(|r| r.bad_debt_token_l).sum(),
                bad_debt_lenders: mine
                    .iter()
                    .any(|r| r.bad_debt_lenders_x > 0 || r.bad_debt_lenders_y > 0),
                depleted_share: if days == 0 {
                    0.0
                } else {
                    mine.iter().map(|r| r.depleted_steps).sum::<u64>() as f64
                        / (f64::from(days) * f64::from(config.steps_per_day()))
                },
                mean_utilization: {
                    let n = f64::from(days.max(1));
                    let u = |f: fn(&DayRow) -> f64| mine.iter().map(|r| f(r)).sum::<f64>() / n;
                    (
                        u(|r| r.lending.utilization.0),
                        u(|r| r.lending.utilization.1),
                        u(|r| r.lending.utilization.2),
                    )
                },
            }
        })
        .collect();
    if let Some(base) = summaries
        .iter()
        .find(|s| s.pool == PoolKind::V2)
        .map(|s| s.apy_l)
    {
        for s in summaries.iter_mut().filter(|s| s.pool != PoolKind::V2) {
            s.uplift = (base > 0.0).then(|| s.apy_l / base - 1.0);
        }
    }
    summaries
}

/// One line per pool: `seed pool APY_L fee-APR uplift swaps arbs refused noise-cost
/// arb-profit`, then for dlex pools the mean utilizations, liquidations, bad debt and time
/// depleted, and in Mode B the orders lost.
pub fn summary_line(seed: u64, s: &PoolSummary) -> String {
    let uplift = s
        .uplift
        .map(|u| format!("{:+.1}%", u * 100.0))
        .unwrap_or_else(|| "-".into());
    let mut line = format!(
        "seed {seed:>3} {:<10} APY_L {:>7.3}%  fee APR(L) {:>7.3}%  U {:>8}  swaps {:>7} (arb {:>6}, refused {:>3})  noise cost ${:.0}  arb profit ${:.0}",
        s.pool.name(),
        s.apy_l * 100.0,
        s.fee_apr_l * 100.0,
        uplift,
        s.swaps,
        s.arbs,
        s.refused,
        s.noise_cost,
        s.arb_profit,
    );
    if s.orders_lost > 0 {
        line += &format!("  lost {}", s.orders_lost);
    }
    if s.pool != PoolKind::V2 && s.mean_utilization != (0.0, 0.0, 0.0) {
        let (ul, ux, uy) = s.mean_utilization;
        line += &format!(
            "  u L/X/Y {:.2}/{:.2}/{:.2}  liquidations {}  bad debt {} L{}  depleted {:.2}%",
            ul,
            ux,
            uy,
            s.liquidations,
            s.bad_debt_l,
            if s.bad_debt_lenders {
                " (+ lenders)"
            } else {
                ""
            },
            s.depleted_share * 100.0
        );
    }
    line
}

/// Median and quantiles across seeds (nearest rank on the sorted values).
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = (q * (v.len() - 1) as f64).round() as usize;
    v[rank.min(v.len() - 1)]
}
