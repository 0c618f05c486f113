//! The simulator's input: one TOML file (or a named preset) plus a list of seeds. Every
//! field has the spec's base-cell value (recipes.md §4.5) as its default, so a TOML file only
//! names what it changes. Money amounts are in whole tokens of Y (the numeraire, "$"), prices
//! in Y per X; the pools work in integer base units (`decimals_x`, `decimals_y`).

use serde::Deserialize;

/// A whole simulation cell: every seed runs it on its own price path and flow.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub run: RunConfig,
    pub market: MarketConfig,
    pub flow: FlowConfig,
    pub arb: ArbConfig,
    pub dlex: DlexConfig,
    /// The lending layer of the dlex pools (none on V2).
    pub lending: LendingConfig,
    /// Which pools run, by [`PoolKind`] name; (a) is the baseline of the uplift.
    pub pools: Vec<PoolKind>,
}

/// Clock: `warmup_days` then `days` of `step_seconds` steps from `start_unix`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// Measured days (APY_L, U and every summary cover these).
    pub days: u32,
    /// Days run before the measured ones and left out of the summaries (their rows are in
    /// the CSV, marked): the lending layer's setup (TWAP windows filling, the borrowers
    /// opening their positions and selling what they borrow in one burst) is a one-off, and
    /// annualizing it would credit the pools with a fee windfall no steady state has.
    pub warmup_days: u32,
    pub step_seconds: u32,
    /// Unix time of the first step (the program keeps time as `u32`).
    pub start_unix: u32,
}

/// The external price and the pools' size.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MarketConfig {
    /// Each pool's value at the start, in Y.
    pub tvl: f64,
    /// Starting price, Y per X.
    pub price0: f64,
    pub decimals_x: u8,
    pub decimals_y: u8,
    /// Annual volatility of the diffusion part.
    pub sigma: f64,
    /// Annual drift of the log price (before the −σ²/2 correction).
    pub mu: f64,
    /// Merton jumps per year (2 a month = 24).
    pub jumps_per_year: f64,
    /// Standard deviation of a jump's log size.
    pub jump_sigma: f64,
    /// A recorded price path instead of GBM: a CSV file with one price (Y per X) per line, or
    /// `time,price` lines (the last field is read; a header line is skipped). Line 1 is the
    /// starting price (it replaces `price0`), line k+1 the price after step k, so the file
    /// needs `(warmup_days + days)·steps_per_day + 1` prices. Seeds then vary the flow only.
    pub price_csv: Option<String>,
    /// The prices read from `price_csv` ([`Config::load_price_path`]).
    #[serde(skip)]
    pub recorded_prices: Option<std::sync::Arc<Vec<f64>>>,
}

/// Noise orders (spec §4.5 "Flow").
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FlowConfig {
    pub mode: FlowMode,
    /// Poisson arrival rate, orders per minute.
    pub lambda_per_min: f64,
    /// Median order value as a fraction of TVL (2 bp = 0.0002).
    pub median_order_tvl: f64,
    /// σ of the order value's log.
    pub sigma_ln: f64,
    /// Mode B's external venue: an order executes on a pool only if the pool's all-in cost
    /// (fee + price impact against the external price) is at most the venue's
    /// `external_fee_bips + external_impact_bips·√(order value / 1% of TVL)` (spec §4.5
    /// "10 bp + √-impact"; the impact's scale is this simulator's choice: an order worth 1%
    /// of the TVL moves the external venue by `external_impact_bips`).
    pub external_fee_bips: f64,
    pub external_impact_bips: f64,
}

/// Mode A: every order on every pool. Mode B (routed): each pool gets an order only when it
/// is no dearer than the external venue (`FlowConfig::external_*`); otherwise the order is
/// lost to that pool (each pool is compared with the venue on its own).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum FlowMode {
    A,
    B,
}

impl FlowMode {
    pub fn name(self) -> &'static str {
        match self {
            FlowMode::A => "A",
            FlowMode::B => "B",
        }
    }
}

/// The arbitrageur that trades each pool to the external price after every step.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ArbConfig {
    pub enabled: bool,
    /// Smallest profit worth a trade, in Y.
    pub min_profit: f64,
}

/// The dlex pair's settings.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DlexConfig {
    /// Observation (mid-term TWAP) interval, seconds: the quadratic fee re-anchors at it.
    pub mid_term_interval: u32,
    /// Long-term interval, seconds (at least 14× the mid-term one).
    pub long_term_interval: u32,
    /// The fixed fee of pool (b1) and of pool (a), bips.
    pub fixed_fee_bips: u32,
}

/// The lending layer of spec §4.5 on the dlex pools (b1) and (b2), identical on both: the
/// same positions with the same targets, each sized from its own pool's state. V2 has none.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LendingConfig {
    pub enabled: bool,
    /// d: single-sided lenders' DEPOSIT_X and DEPOSIT_Y, each worth `d·TVL/2` at the start
    /// (so the lenders bring `d·TVL` in all, split evenly).
    pub deposit_share: f64,
    /// How X and Y borrowers size their debt: `Fixed` at `utilization_x/y`, or `Elastic`
    /// (spec §4.5: `B(r) = B̄·clip((r_max − r)/(r_max − r_min), 0, 1)`, re-targeted daily).
    pub demand: Demand,
    /// Elastic demand: `B̄` as a utilization (the debt wanted at a zero rate) and the rates
    /// where demand is whole (`rate_min`) and gone (`rate_max`, spec: 15%).
    pub elastic_max_utilization: f64,
    pub rate_min: f64,
    pub rate_max: f64,
    /// Target utilizations `u_X = BX/(DX + avgReserveX)` and `u_Y` (SP §7.2) of the X and Y
    /// borrowers with fixed demand, re-targeted daily. Collateral counts in the other side's deposits, so the
    /// targets must satisfy `u_X·u_Y < ltv²` (see `validate`).
    pub utilization_x: f64,
    pub utilization_y: f64,
    /// β: BORROW_L / DEPOSIT_L of the straddle borrowers, re-targeted daily.
    pub beta: f64,
    /// Debt / collateral value when a borrower sizes its collateral (spec: 50%).
    pub ltv: f64,
    /// A daily re-target moves a debt only when it is off its target by more than this
    /// fraction (so rounding does not make a leg every day).
    pub retarget_tolerance: f64,
    /// Positions per borrower kind (X, Y, straddle), each with an equal share of the target.
    pub borrowers: u32,
    /// Accrue interest at every step (spec §4.5's continuous interest; default). Off, interest
    /// accrues only when an instruction runs (a position's execute, a swap's daily accrual),
    /// as on chain: the program has no instruction that only accrues, so self-test 3 (the
    /// replay on the bank) runs with this off.
    pub accrue_every_step: bool,
    /// X and Y borrowers sell what they borrow in their pool (and buy it back to repay), as
    /// spec §4.5 has it; V2 receives the same swaps as the first dlex pool with lending, so
    /// the flows stay comparable (in both modes: the borrowers are not routed).
    pub sell_borrowed: bool,
    /// The keeper: every `keeper_every_steps` steps it judges each indebted position with
    /// the program's own report (`dlex::queries`) and sends the request a keeper sends
    /// (`dlex::queries::request_for`: hard, leverage or debt-cap), run through
    /// `actions::run_liquidation`. 0 turns the keeper off.
    pub keeper_every_steps: u32,
}

/// How X and Y borrowers size their debt.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Demand {
    Fixed,
    Elastic,
}

impl Default for LendingConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            deposit_share: 0.25,
            demand: Demand::Fixed,
            elastic_max_utilization: 0.9,
            rate_min: 0.0,
            rate_max: 0.15,
            utilization_x: 0.3,
            utilization_y: 0.3,
            beta: 0.05,
            ltv: 0.5,
            retarget_tolerance: 0.001,
            borrowers: 20,
            accrue_every_step: true,
            sell_borrowed: true,
            keeper_every_steps: 5,
        }
    }
}

/// The pools of spec §4.5.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash)]
pub enum PoolKind {
    /// (a) Uniswap V2, fixed fee to LPs.
    #[serde(rename = "v2")]
    V2,
    /// (b1) dlex with the fixed fee of (a).
    #[serde(rename = "dlex_fixed")]
    DlexFixed,
    /// (b2) dlex as it is (quadratic fee).
    #[serde(rename = "dlex")]
    Dlex,
}

impl PoolKind {
    /// The name used in files and tables.
    pub fn name(self) -> &'static str {
        match self {
            PoolKind::V2 => "v2",
            PoolKind::DlexFixed => "dlex_fixed",
            PoolKind::Dlex => "dlex",
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            run: RunConfig::default(),
            market: MarketConfig::default(),
            flow: FlowConfig::default(),
            arb: ArbConfig::default(),
            dlex: DlexConfig::default(),
            lending: LendingConfig::default(),
            pools: vec![PoolKind::V2, PoolKind::DlexFixed, PoolKind::Dlex],
        }
    }
}

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            days: 365,
            warmup_days: 1,
            step_seconds: 60,
            start_unix: 1_700_000_000,
        }
    }
}

impl Default for MarketConfig {
    fn default() -> Self {
        Self {
            tvl: 10_000_000.0,
            price0: 2_000.0,
            decimals_x: 9,
            decimals_y: 6,
            sigma: 0.8,
            mu: 0.0,
            jumps_per_year: 24.0,
            jump_sigma: 0.05,
            price_csv: None,
            recorded_prices: None,
        }
    }
}

impl Default for FlowConfig {
    fn default() -> Self {
        Self {
            mode: FlowMode::A,
            lambda_per_min: 0.5,
            median_order_tvl: 0.0002,
            sigma_ln: 1.0,
            external_fee_bips: 10.0,
            external_impact_bips: 10.0,
        }
    }
}

impl Default for ArbConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            min_profit: 0.01,
        }
    }
}

impl Default for DlexConfig {
    fn default() -> Self {
        Self {
            mid_term_interval: 60,
            long_term_interval: 60 * 14,
            fixed_fee_bips: 30,
        }
    }
}

/// Names of the built-in presets: the spec's base cell, two short ones, and the grid of spec
/// §4.5 as one change to the base cell each.
pub const PRESETS: &[&str] = &[
    "base",
    "smoke",
    "ci",
    "grid-sigma40",
    "grid-sigma120",
    "grid-lambda0.1",
    "grid-lambda2",
    "grid-mid12",
    "grid-mid300",
    "grid-d0",
    "grid-d1",
    "grid-u0",
    "grid-elastic",
    "grid-beta0",
    "grid-beta0.1",
    "grid-beta0.2",
    "grid-venue30",
];

impl Config {
    /// A built-in preset ([`PRESETS`]): `base` is the spec's base cell (365 days, σ = 80%,
    /// λ = 0.5/min, mid-term 60 s, d = 0.25, fixed u = 0.3, β = 0.05, Mode B; `dlex-sim`
    /// runs Mode A beside it); `smoke` is that cell for 2 days and `ci` for 7 (CI's
    /// self-check run); each `grid-*` changes one input of the base cell: σ 40% / 120%,
    /// λ 0.1 / 2 per minute, mid-term interval 12 s / 300 s, d = 0 / 1, no X/Y borrowers,
    /// elastic demand, β = 0 / 0.1 / 0.2, and an external venue charging 30 bp instead of 10.
    pub fn preset(name: &str) -> Option<Self> {
        let mut config = Self::default();
        config.flow.mode = FlowMode::B;
        match name {
            "base" => {}
            "smoke" => config.run.days = 2,
            "ci" => config.run.days = 7,
            "grid-sigma40" => config.market.sigma = 0.4,
            "grid-sigma120" => config.market.sigma = 1.2,
            "grid-lambda0.1" => config.flow.lambda_per_min = 0.1,
            "grid-lambda2" => config.flow.lambda_per_min = 2.0,
            "grid-mid12" => {
                config.dlex.mid_term_interval = 12;
                config.dlex.long_term_interval = 12 * 14;
            }
            "grid-mid300" => {
                config.dlex.mid_term_interval = 300;
                config.dlex.long_term_interval = 300 * 14;
            }
            "grid-d0" => config.lending.deposit_share = 0.0,
            "grid-d1" => config.lending.deposit_share = 1.0,
            "grid-u0" => {
                config.lending.utilization_x = 0.0;
                config.lending.utilization_y = 0.0;
            }
            "grid-elastic" => config.lending.demand = Demand::Elastic,
            "grid-beta0" => config.lending.beta = 0.0,
            "grid-beta0.1" => config.lending.beta = 0.1,
            "grid-beta0.2" => config.lending.beta = 0.2,
            "grid-venue30" => config.flow.external_fee_bips = 30.0,
            _ => return None,
        }
        Some(config)
    }

    /// Reads `market.price_csv` (when set) into `market.recorded_prices` and starts the pools
    /// at its first price. Call before [`Config::validate`], which checks the path's length.
    pub fn load_price_path(&mut self) -> Result<(), String> {
        let Some(path) = self.market.price_csv.clone() else {
            return Ok(());
        };
        let prices = crate::price::read_csv(std::path::Path::new(&path))?;
        self.market.price0 = prices[0];
        self.market.recorded_prices = Some(std::sync::Arc::new(prices));
        Ok(())
    }

    /// Parses a TOML file's text; missing fields keep the base cell's values.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let mut config: Self = toml::from_str(text).map_err(|e| e.to_string())?;
        config.load_price_path()?;
        config.validate()?;
        Ok(config)
    }

    /// The inputs the simulator cannot run with.
    pub fn validate(&self) -> Result<(), String> {
        let m = &self.market;
        if self.run.days == 0 || self.run.step_seconds == 0 {
            return Err("run.days and run.step_seconds must be positive".into());
        }
        if !(m.tvl > 0.0
            && m.price0 > 0.0
            && m.sigma >= 0.0
            && m.jumps_per_year >= 0.0
            && m.jump_sigma >= 0.0)
        {
            return Err(
                "market: tvl and price0 must be positive, sigma and jumps non-negative".into(),
            );
        }
        if let Some(path) = &m.price_csv {
            let needed = u64::from(self.run.warmup_days + self.run.days)
                * u64::from(self.steps_per_day())
                + 1;
            match &m.recorded_prices {
                None => return Err(format!("market.price_csv {path}: not read (Config::load_price_path)")),
                Some(prices) if (prices.len() as u64) < needed => {
                    return Err(format!(
                        "market.price_csv {path}: {} prices, the run needs {needed} ({} days of {} steps, plus the start)",
                        prices.len(),
                        self.run.warmup_days + self.run.days,
                        self.steps_per_day()
                    ))
                }
                Some(_) => {}
            }
        }
        if self.flow.lambda_per_min < 0.0
            || self.flow.median_order_tvl <= 0.0
            || self.flow.sigma_ln < 0.0
        {
            return Err("flow: lambda_per_min >= 0, median_order_tvl > 0, sigma_ln >= 0".into());
        }
        if !(self.flow.external_fee_bips >= 0.0 && self.flow.external_impact_bips >= 0.0) {
            return Err("flow: external_fee_bips and external_impact_bips must be >= 0".into());
        }
        if self.dlex.mid_term_interval < dlex::constants::MIN_MID_TERM_INTERVAL_SECONDS
            || self.dlex.long_term_interval
                < self.dlex.mid_term_interval * dlex::constants::MIN_LONG_TERM_INTERVAL_FACTOR
        {
            return Err(
                "dlex: mid_term_interval >= 8 s and long_term_interval >= 14 x mid_term_interval"
                    .into(),
            );
        }
        if self.dlex.fixed_fee_bips >= 10_000 {
            return Err("dlex.fixed_fee_bips must be below 10000".into());
        }
        let l = &self.lending;
        if l.enabled {
            let in_unit = |v: f64| (0.0..1.0).contains(&v);
            if !(l.deposit_share >= 0.0
                && in_unit(l.utilization_x)
                && in_unit(l.utilization_y)
                && in_unit(l.beta)
                && l.ltv > 0.0
                && l.ltv < 1.0
                && l.retarget_tolerance >= 0.0
                && l.borrowers > 0)
            {
                return Err(
                    "lending: deposit_share >= 0, utilizations, beta and ltv in [0, 1), ltv > 0"
                        .into(),
                );
            }
            // X borrowers' Y collateral is Y deposit (the denominator of u_Y) and vice versa:
            // BX = u_X·(A + BY/(p·ltv)), BY/p = u_Y·(B + BX/ltv), which has a finite solution only
            // when u_X·u_Y < ltv² (with margin, or the daily re-target keeps growing).
            if !(l.rate_max > l.rate_min && in_unit(l.elastic_max_utilization)) {
                return Err(
                    "lending: rate_max > rate_min and elastic_max_utilization in [0, 1)".into(),
                );
            }
            if l.demand == Demand::Fixed && l.utilization_x * l.utilization_y >= 0.8 * l.ltv * l.ltv
            {
                return Err(format!(
                    "lending: u_X·u_Y = {:.3} must stay below 0.8·ltv² = {:.3}: collateral in the pool counts in the other side's utilization, so the targets feed on each other",
                    l.utilization_x * l.utilization_y,
                    0.8 * l.ltv * l.ltv
                ));
            }
        }
        if self.pools.is_empty() {
            return Err("pools: name at least one of \"v2\", \"dlex_fixed\", \"dlex\"".into());
        }
        Ok(())
    }

    /// Steps in one day.
    pub fn steps_per_day(&self) -> u32 {
        (86_400 / self.run.step_seconds).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_overrides_only_what_it_names() {
        let config = Config::from_toml("[run]\ndays = 7\n[flow]\nlambda_per_min = 2.0\n").unwrap();
        assert_eq!(config.run.days, 7);
        assert_eq!(config.flow.lambda_per_min, 2.0);
        assert_eq!(config.market, MarketConfig::default());
        assert_eq!(
            config.pools,
            vec![PoolKind::V2, PoolKind::DlexFixed, PoolKind::Dlex]
        );
    }

    #[test]
    fn bad_inputs_are_refused() {
        assert!(Config::from_toml("[run]\ndayz = 7\n").is_err());
        assert!(Config::from_toml("[flow]\nmode = \"C\"\n").is_err());
        assert_eq!(
            Config::from_toml("[flow]\nmode = \"B\"\n")
                .unwrap()
                .flow
                .mode,
            FlowMode::B
        );
        assert!(
            Config::from_toml("[lending]\nutilization_x = 0.5\nutilization_y = 0.5\n").is_err()
        );
        assert!(Config::from_toml(
            "[lending]\ndemand = \"elastic\"\nutilization_x = 0.5\nutilization_y = 0.5\n"
        )
        .is_ok());
        assert!(
            Config::from_toml("[dlex]\nmid_term_interval = 60\nlong_term_interval = 61\n").is_err()
        );
        assert!(Config::from_toml("pools = []\n").is_err());
        for name in PRESETS {
            Config::preset(name).unwrap().validate().unwrap();
        }
    }
}
