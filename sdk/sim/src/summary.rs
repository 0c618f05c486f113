//! Results across seeds: the summary table of spec §4.5 (`summary.csv`, one row per flow mode
//! and pool with p10 / p25 / median / p90 of APY_L and U), the per-run table (`runs.csv`, one
//! row per mode, seed and pool), and the per-run numbers both tables and the plots share
//! (time-averaged utilization, the decomposition of ℓ's growth by source).
//!
//! Input everywhere is `cells: &[(String, Vec<RunResult>)]`: a flow mode's label and the
//! results of every seed run in that mode, so one call covers Mode A and Mode B side by side.
//! Rates are written in percent (`_pct` columns), utilizations as fractions, token amounts in
//! L base units.

use std::io::Write;
use std::path::Path;

use crate::config::{Config, PoolKind};
use crate::report::{growth, quantile, DayRow, PoolSummary};
use crate::run::RunResult;

/// A flow mode's label and the results of every seed run in it.
pub type Cell = (String, Vec<RunResult>);

/// The measured rows of `pool` in `result` (warm-up days left out), in day order.
pub fn pool_rows(result: &RunResult, pool: PoolKind) -> impl Iterator<Item = &DayRow> {
    result
        .rows
        .iter()
        .filter(move |r| r.pool == pool && !r.warmup)
}

/// The summary of `pool` in `result`, if it ran.
pub fn pool_summary(result: &RunResult, pool: PoolKind) -> Option<&PoolSummary> {
    result.summaries.iter().find(|s| s.pool == pool)
}

/// The run's mean day-end utilizations `(u_L, u_X, u_Y)` ([`PoolSummary::mean_utilization`];
/// a daily sample, not a per-step average); NaN when the pool did not run.
pub fn mean_utilization(result: &RunResult, pool: PoolKind) -> (f64, f64, f64) {
    pool_summary(result, pool)
        .map(|s| s.mean_utilization)
        .unwrap_or((f64::NAN, f64::NAN, f64::NAN))
}

/// Where one run's growth of ℓ came from, each part as a fraction of the run's starting
/// DEPOSIT_L assets, annualized simply (× 365 / days).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Decomposition {
    /// Σ `swapFeesTokenL`.
    pub swap_fees: f64,
    /// L interest that reached the LPs: Σ (`grossInterestTokenL` − `protocolFeesTokenL`),
    /// i.e. ≈ 90% of BORROW_L's growth. Assumes all of BORROW_L's growth lands in DEPOSIT_L.
    pub l_interest: f64,
    /// X and Y interest that reached the LPs through the reserves: Σ `lpInterestTokenL` less
    /// the L part above (a residual, so it also carries the split's rounding).
    pub xy_interest: f64,
    /// Σ `lendingLegsTokenL` (borrow-L fees and rounding of the positions' legs).
    pub legs: f64,
    /// Σ `liquidationsTokenL`: what liquidations did to DEPOSIT_L, i.e. the bad debt the LPs
    /// bore (a liquidation that ends solvent repays at value and leaves it alone).
    pub bad_debt: f64,
    /// (ℓ_T/ℓ_0 − 1) × 365 / days: what the parts should add up to (the protocol's fee shares
    /// are minted at value, so they move DEPOSIT_L but not ℓ).
    pub ell_simple: f64,
    /// The compounded APY_L of the run's summary.
    pub apy_l: f64,
}

impl Decomposition {
    /// The parts in drawing order, with their names.
    pub fn parts(&self) -> [(&'static str, f64); 5] {
        [
            ("swap fees", self.swap_fees),
            ("L interest", self.l_interest),
            ("X/Y interest", self.xy_interest),
            ("lending legs", self.legs),
            ("liquidations (bad debt)", self.bad_debt),
        ]
    }

    /// Σ of the parts.
    pub fn sum(&self) -> f64 {
        self.parts().iter().map(|(_, v)| v).sum()
    }
}

/// The decomposition of `pool`'s ℓ growth in `result`; `None` if the pool did not run or
/// started empty.
pub fn decomposition(result: &RunResult, pool: PoolKind) -> Option<Decomposition> {
    let summary = pool_summary(result, pool)?;
    let rows: Vec<&DayRow> = pool_rows(result, pool).collect();
    let first = rows.first()?;
    let start = first.deposit_l_assets_start as f64;
    if start <= 0.0 || summary.days == 0 {
        return None;
    }
    let per_year = 365.0 / f64::from(summary.days);
    let scale = |v: f64| v / start * per_year;
    let (mut fees, mut l_part, mut lp_interest, mut legs, mut bad) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for r in &rows {
        fees += r.swap_fees_token_l as f64;
        l_part += r
            .gross_interest_token_l
            .saturating_sub(r.protocol_fees_token_l) as f64;
        lp_interest += r.lp_interest_token_l as f64;
        legs += r.lending_legs_token_l as f64;
        bad += r.liquidations_token_l as f64;
    }
    Some(Decomposition {
        swap_fees: scale(fees),
        l_interest: scale(l_part),
        xy_interest: scale(lp_interest - l_part),
        legs: scale(legs),
        bad_debt: scale(bad),
        ell_simple: (growth(summary.ell_start, summary.ell_end) - 1.0) * per_year,
        apy_l: summary.apy_l,
    })
}

/// `s` as one CSV field (quoted when it holds a comma, quote or line break).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// p10, p25, median, p90 of `values` in percent with 4 decimals; empty fields when there are
/// no values (U of the baseline).
fn quantiles_pct(values: &[f64]) -> String {
    if values.is_empty() {
        return ",,,".into();
    }
    [0.1, 0.25, 0.5, 0.9]
        .iter()
        .map(|&q| format!("{:.4}", quantile(values, q) * 100.0))
        .collect::<Vec<_>>()
        .join(",")
}

/// The pools to report, in the config's order, then any other pool found in the results.
pub fn pools_in(cells: &[Cell], config: &Config) -> Vec<PoolKind> {
    let mut pools = config.pools.clone();
    for s in cells
        .iter()
        .flat_map(|(_, results)| results)
        .flat_map(|r| &r.summaries)
    {
        if !pools.contains(&s.pool) {
            pools.push(s.pool);
        }
    }
    pools
}

/// The header of `summary.csv`.
pub const SUMMARY_HEADER: &str = "mode,pool,seeds,apy_l_p10_pct,apy_l_p25_pct,apy_l_median_pct,apy_l_p90_pct,\
uplift_p10_pct,uplift_p25_pct,uplift_median_pct,uplift_p90_pct,fee_apr_l_median_pct,u_x_mean_median,u_y_mean_median,\
bad_debt_token_l,swaps_refused,liquidations,runs_with_lender_bad_debt,depleted_pct_max,orders_lost_median";

/// The summary table's rows (without the header), one per (mode, pool) that ran.
pub fn summary_rows(cells: &[Cell], config: &Config) -> Vec<String> {
    let mut lines = Vec::new();
    for (mode, results) in cells {
        for pool in pools_in(cells, config) {
            let ran: Vec<(&RunResult, &PoolSummary)> = results
                .iter()
                .filter_map(|r| pool_summary(r, pool).map(|s| (r, s)))
                .collect();
            if ran.is_empty() {
                continue;
            }
            let apy: Vec<f64> = ran.iter().map(|(_, s)| s.apy_l).collect();
            let uplift: Vec<f64> = ran.iter().filter_map(|(_, s)| s.uplift).collect();
            let fee: Vec<f64> = ran.iter().map(|(_, s)| s.fee_apr_l).collect();
            // V2 has no lending layer: an empty cell, not a utilization of 0.
            let (ux, uy) = if pool == PoolKind::V2 {
                (String::new(), String::new())
            } else {
                let u: Vec<(f64, f64, f64)> =
                    ran.iter().map(|(r, _)| mean_utilization(r, pool)).collect();
                let med = |f: fn(&(f64, f64, f64)) -> f64| {
                    format!("{:.4}", quantile(&u.iter().map(f).collect::<Vec<_>>(), 0.5))
                };
                (med(|u| u.1), med(|u| u.2))
            };
            let bad_debt: u128 = ran
                .iter()
                .flat_map(|(r, _)| pool_rows(r, pool))
                .map(|d| d.bad_debt_token_l)
                .sum();
            let refused: u64 = ran.iter().map(|(_, s)| s.refused).sum();
            let liquidations: u64 = ran.iter().map(|(_, s)| s.liquidations).sum();
            let lender_bad_debt = ran.iter().filter(|(_, s)| s.bad_debt_lenders).count();
            let depleted = ran
                .iter()
                .map(|(_, s)| s.depleted_share)
                .fold(0.0, f64::max);
            let lost = quantile(
                &ran.iter()
                    .map(|(_, s)| s.orders_lost as f64)
                    .collect::<Vec<_>>(),
                0.5,
            );
            lines.push(format!(
                "{},{},{},{},{},{:.4},{},{},{},{},{},{},{:.4},{:.0}",
                field(mode),
                pool.name(),
                ran.len(),
                quantiles_pct(&apy),
                quantiles_pct(&uplift),
                quantile(&fee, 0.5) * 100.0,
                ux,
                uy,
                bad_debt,
                refused,
                liquidations,
                lender_bad_debt,
                depleted * 100.0,
                lost,
            ));
        }
    }
    lines
}

/// Writes `summary.csv`: one row per (mode, pool) across the mode's seeds.
pub fn write_summary_csv(path: &Path, cells: &[Cell], config: &Config) -> Result<(), String> {
    let mut text = format!("{SUMMARY_HEADER}\n");
    for line in summary_rows(cells, config) {
        text.push_str(&line);
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// The header of `runs.csv`.
pub const RUNS_HEADER: &str = "mode,seed,pool,days,ell_start_assets,ell_start_shares,ell_end_assets,ell_end_shares,\
apy_l_pct,fee_apr_l_pct,uplift_pct,swaps,arbs,swaps_refused,noise_cost_y,arb_profit_y,bad_debt_token_l,u_l_mean,u_x_mean,u_y_mean,\
liquidations,depleted_pct,orders_lost";

/// One `runs.csv` row.
fn run_row(mode: &str, result: &RunResult, s: &PoolSummary) -> String {
    let (ul, ux, uy) = mean_utilization(result, s.pool);
    let bad_debt: u128 = pool_rows(result, s.pool).map(|d| d.bad_debt_token_l).sum();
    format!(
        "{},{},{},{},{},{},{},{},{:.4},{:.4},{},{},{},{},{:.2},{:.2},{},{:.4},{:.4},{:.4},{},{:.4},{}",
        field(mode),
        result.seed,
        s.pool.name(),
        s.days,
        s.ell_start.0,
        s.ell_start.1,
        s.ell_end.0,
        s.ell_end.1,
        s.apy_l * 100.0,
        s.fee_apr_l * 100.0,
        s.uplift.map(|u| format!("{:.4}", u * 100.0)).unwrap_or_default(),
        s.swaps,
        s.arbs,
        s.refused,
        s.noise_cost,
        s.arb_profit,
        bad_debt,
        ul,
        ux,
        uy,
        s.liquidations,
        s.depleted_share * 100.0,
        s.orders_lost,
    )
}

/// Writes `runs.csv`: one row per (mode, seed, pool) with the run's summary and its
/// time-averaged utilizations.
pub fn write_runs_csv(path: &Path, cells: &[Cell]) -> Result<(), String> {
    let file =
        std::fs::File::create(path).map_err(|e| format!("creating {}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut write = || -> std::io::Result<()> {
        writeln!(out, "{RUNS_HEADER}")?;
        for (mode, results) in cells {
            for result in results {
                for s in &result.summaries {
                    writeln!(out, "{}", run_row(mode, result, s))?;
                }
            }
        }
        out.flush()
    };
    write().map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Hand-made results for the tests of this module and of `plot`.
#[cfg(test)]
pub(crate) mod fixture {
    use super::*;
    use crate::report::{summarize, DayRow};

    /// A run of `days` days on the three pools: each pool's DEPOSIT_L grows by fixed daily
    /// amounts (`k` scales the dlex pools' interest, so seeds differ).
    pub fn result(config: &Config, seed: u64, days: u32, k: u128) -> RunResult {
        let kinds = [PoolKind::V2, PoolKind::DlexFixed, PoolKind::Dlex];
        let start = 1_000_000_000u128;
        let mut ell: Vec<(u128, u128)> = vec![(start, start); 3];
        let start_ell = ell.clone();
        let mut rows = Vec::new();
        for date in 0..days {
            for (i, &pool) in kinds.iter().enumerate() {
                let mut row = DayRow::start(seed, pool, date, ell[i]);
                row.swap_fees_token_l = 100_000 + 10_000 * i as u128;
                if pool != PoolKind::V2 {
                    row.gross_interest_token_l = 20_000 * k;
                    row.protocol_fees_token_l = 2_000 * k;
                    row.lp_interest_token_l = 30_000 * k;
                    row.lending_legs_token_l = 500;
                    row.bad_debt_token_l = if pool == PoolKind::Dlex { 1_000 } else { 0 };
                    row.liquidations_token_l = -(row.bad_debt_token_l as i128);
                    row.lending.utilization = (0.5, 0.1 * k as f64, 0.2);
                }
                row.swap_count = 10;
                row.swaps_refused = u64::from(pool == PoolKind::Dlex);
                // Assets grow by what LPs got; the protocol's fee is minted as shares at value.
                let gain = row.swap_fees_token_l
                    + row.lp_interest_token_l
                    + 500 * u128::from(pool != PoolKind::V2)
                    - row.bad_debt_token_l;
                let assets = ell[i].0 + gain + row.protocol_fees_token_l;
                let shares = ell[i].1 + row.protocol_fees_token_l * ell[i].1 / (ell[i].0 + gain);
                row.finish(0, 2000.0, (1, 1), (assets, shares), &config.market);
                ell[i] = (assets, shares);
                rows.push(row);
            }
        }
        let summaries = summarize(config, &kinds, &start_ell, &rows);
        RunResult {
            seed,
            rows,
            summaries,
        }
    }

    pub fn cells(config: &Config) -> Vec<Cell> {
        vec![
            (
                "A".into(),
                (1..=4).map(|s| result(config, s, 10, s as u128)).collect(),
            ),
            (
                "B, routed".into(),
                (1..=3)
                    .map(|s| result(config, s, 10, 2 * s as u128))
                    .collect(),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::fixture;
    use super::*;

    #[test]
    fn summary_row_has_the_quantiles_across_seeds() {
        let config = Config::default();
        let cells = fixture::cells(&config);
        let rows = summary_rows(&cells, &config);
        assert_eq!(rows.len(), 6);
        let dlex_a: Vec<&RunResult> = cells[0].1.iter().collect();
        // The quantiles are report::quantile's nearest rank over the four seeds.
        let apy: Vec<f64> = dlex_a
            .iter()
            .map(|r| pool_summary(r, PoolKind::Dlex).unwrap().apy_l)
            .collect();
        assert!(
            apy.windows(2).all(|w| w[0] < w[1]),
            "seeds ordered by interest: {apy:?}"
        );
        assert_eq!(
            rows[0],
            format!(
                "A,v2,4,{0:.4},{0:.4},{0:.4},{0:.4},,,,,{1:.4},,,0,0,0,0,0.0000,0",
                pool_summary(dlex_a[0], PoolKind::V2).unwrap().apy_l * 100.0,
                pool_summary(dlex_a[0], PoolKind::V2).unwrap().fee_apr_l * 100.0
            )
        );
        // v2 gains 100_000 a day on 1e9 with no new shares: ℓ_T = 1.001 after 10 days.
        assert!(
            (pool_summary(dlex_a[0], PoolKind::V2).unwrap().apy_l - (1.001f64.powf(36.5) - 1.0))
                .abs()
                < 1e-12
        );
        // The exact text of one row, computed outside this code from the fixture's rules:
        // (b2) in Mode A over seeds k = 1..4; nearest ranks 0, 1, 2, 3 of four; fee APR
        // 120_000 × 10 / 1e9 × 36.5; u_X = 0.1·k (median of 0.1..0.4 by nearest rank 2 = 0.3);
        // bad debt 1_000 × 10 days × 4 seeds; one refused swap a day.
        assert_eq!(rows[2], "A,dlex,4,5.6040,6.7648,7.9379,9.1235,50.8271,82.0669,113.6400,145.5497,4.3800,0.3000,0.2000,40000,40,0,0,0.0000,0");
        assert!(rows[3].starts_with("\"B, routed\",v2,3,"));
    }

    #[test]
    fn csv_files_are_written() {
        let config = Config::default();
        let cells = fixture::cells(&config);
        let dir = std::env::temp_dir().join(format!("dlex-sim-summary-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        write_summary_csv(&dir.join("summary.csv"), &cells, &config).unwrap();
        write_runs_csv(&dir.join("runs.csv"), &cells).unwrap();
        let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
        assert_eq!(summary.lines().count(), 7);
        assert_eq!(summary.lines().next(), Some(SUMMARY_HEADER));
        let runs = std::fs::read_to_string(dir.join("runs.csv")).unwrap();
        // 7 seeds × 3 pools, every row as wide as the header.
        assert_eq!(runs.lines().count(), 1 + 21);
        let width = RUNS_HEADER.split(',').count();
        assert!(runs
            .lines()
            .skip(1)
            .all(|l| l.replace("\"B, routed\"", "B").split(',').count() == width));
        assert!(runs
            .lines()
            .nth(3)
            .unwrap()
            .starts_with("A,1,dlex,10,1000000000,1000000000,"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn decomposition_adds_up_to_ell_growth() {
        let config = Config::default();
        let r = fixture::result(&config, 1, 10, 3);
        for pool in [PoolKind::V2, PoolKind::DlexFixed, PoolKind::Dlex] {
            let d = decomposition(&r, pool).unwrap();
            // Simple sums of daily gains on the starting assets vs the compounded ℓ: equal to
            // first order (the fixture's gains are 1e-4 a day).
            assert!(
                (d.sum() - d.ell_simple).abs() < 0.01 * d.ell_simple,
                "{pool:?}: {d:?}"
            );
        }
        let d = decomposition(&r, PoolKind::Dlex).unwrap();
        assert!((d.l_interest - 54_000.0 * 10.0 / 1e9 * 36.5).abs() < 1e-12);
        assert!((d.xy_interest - 36_000.0 * 10.0 / 1e9 * 36.5).abs() < 1e-12);
        assert!(d.bad_debt < 0.0);
    }
}
