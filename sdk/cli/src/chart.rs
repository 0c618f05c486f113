//! `dlex chart payout|heatmap|both`: the payout chart and the heat map (spec recipes.md §3.3) of
//! a recipe planned on an in-process pool, or of an existing position read over JSON-RPC. The
//! values come from `dlex_sdk::payout` (the §3.2 model, rates from the pool's state through the
//! program's rate code, the fee yield from recent swaps); `dlex_chart` draws them. The demo
//! writes its strategies' charts with [`write_charts`] too.

use std::path::{Path, PathBuf};

use anchor_lang::prelude::Pubkey;
use dlex_chart::{HeatMap, Palette, PayoutChart, Scale};
use dlex_sdk::payout::{Numeraire, Outlook};

use crate::recipe::{parse_bips, plan_on_scene, Planned, RecipeName};

/// Which pictures to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ChartKind {
    /// Value change against the price move, today and at the horizon
    Payout,
    /// Value change over price move × days, with breakeven and liquidation contours
    Heatmap,
    /// Both
    Both,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PaletteName {
    /// Red for losses, green for gains
    RedGreen,
    /// Orange for losses, blue for gains: tellable apart with red-green colour blindness
    ColourBlind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum UnitName {
    /// Values in token X
    X,
    /// Values in token Y (a position holding only Y reads as flat)
    Y,
    /// Values in US dollars at a fixed rate (--usd-per-x)
    Usd,
}

/// How the charts are drawn: shared by `dlex chart` and the demo.
#[derive(clap::Args, Clone, Debug)]
pub struct DrawArgs {
    /// Days the heat map runs to, and the "at horizon" line of the payout chart
    #[arg(long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub horizon: u32,
    /// Price rows evenly spaced in log price (the value is a function of √p) instead of linearly
    #[arg(long)]
    pub log_price: bool,
    /// Colours
    #[arg(long, value_enum, default_value_t = PaletteName::RedGreen)]
    pub palette: PaletteName,
    /// Colour limits at ± this percent (to compare charts); default: ± the largest change drawn
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent_scale)]
    pub fixed_scale: Option<f64>,
    /// What values are counted in
    #[arg(long, value_enum, default_value_t = UnitName::X)]
    pub unit: UnitName,
    /// US dollars per whole X, for --unit usd
    #[arg(long, value_name = "RATE", required_if_eq("unit", "usd"), value_parser = parse_positive)]
    pub usd_per_x: Option<f64>,
    /// The swap-fee yield on deposited L, percent a year (default: measured from the pool's
    /// recent swaps)
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub fee_yield: Option<f64>,
}

#[derive(clap::Args)]
pub struct ChartArgs {
    /// The pictures to draw
    #[arg(value_enum, default_value_t = ChartKind::Both)]
    kind: ChartKind,
    /// A recipe of the menu, planned (not sent) on an in-process pool as `dlex recipe` does
    #[arg(long, value_enum, required_unless_present = "pair", conflicts_with = "pair")]
    recipe: Option<RecipeName>,
    /// The recipe's parameter, as `dlex recipe --param`
    #[arg(long, value_name = "VALUE", value_parser = parse_bips, requires = "recipe")]
    param: Option<i128>,
    #[command(flatten)]
    scores: crate::recipe::ScoreArgs,
    /// The recipe's equity in whole X
    #[arg(long, default_value_t = 1_000, requires = "recipe", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    equity: u64,
    /// An existing position instead: its pair (base58)
    #[arg(long, value_parser = crate::parse_pubkey, requires = "owner")]
    pair: Option<Pubkey>,
    /// ... and its owner (base58)
    #[arg(long, value_parser = crate::parse_pubkey, requires = "pair")]
    owner: Option<Pubkey>,
    /// JSON-RPC URL the position is read from
    #[arg(long, value_name = "RPC_URL", default_value = crate::DEFAULT_URL, value_parser = crate::parse_url)]
    url: String,
    #[command(flatten)]
    draw: DrawArgs,
    /// Directory the PNG and SVG files are written to (created if missing)
    #[arg(long, value_name = "DIR", default_value = "charts")]
    out: PathBuf,
}

fn parse_percent(value: &str) -> Result<f64, String> {
    let number: f64 = value.parse().map_err(|_| format!("`{value}` is not a number (e.g. 12.5)"))?;
    if !number.is_finite() || !(-100.0..=10_000.0).contains(&number) {
        return Err("a percent between -100 and 10000".into());
    }
    Ok(number / 100.0)
}

fn parse_percent_scale(value: &str) -> Result<f64, String> {
    let fraction = parse_percent(value)?;
    if fraction <= 0.0 {
        return Err("the colour limit must be above 0%".into());
    }
    Ok(fraction)
}

fn parse_positive(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(number) if number.is_finite() && number > 0.0 => Ok(number),
        _ => Err(format!("`{value}` is not a positive number")),
    }
}

/// Where the fee yield came from, for the legend.
pub struct FeeSource {
    pub fee_yield: f64,
    pub note: String,
}

impl FeeSource {
    /// The measured yield over `window_seconds` of swaps, unless `--fee-yield` overrides it.
    pub fn measured(measured: f64, window_seconds: f64, swaps: usize, given: Option<f64>) -> FeeSource {
        match given {
            Some(fee_yield) => FeeSource { fee_yield, note: "given with --fee-yield".into() },
            None => FeeSource { fee_yield: measured, note: format!("measured over the last {} of swaps ({swaps} swaps)", fmt_duration(window_seconds)) },
        }
    }
}

fn fmt_duration(seconds: f64) -> String {
    if seconds >= 2.0 * 86_400.0 {
        format!("{:.0} days", seconds / 86_400.0)
    } else if seconds >= 2.0 * 3_600.0 {
        format!("{:.0} hours", seconds / 3_600.0)
    } else {
        format!("{:.0} minutes", seconds / 60.0)
    }
}

/// Token decimals of the pair, to print prices and equity in whole tokens.
#[derive(Clone, Copy)]
pub struct Decimals {
    pub x: u8,
    pub y: u8,
}

impl DrawArgs {
    pub fn numeraire(&self) -> Numeraire {
        match self.unit {
            UnitName::X => Numeraire::X,
            UnitName::Y => Numeraire::Y,
            UnitName::Usd => Numeraire::Usd(self.usd_per_x.unwrap_or(1.0)),
        }
    }

    fn palette(&self) -> Palette {
        match self.palette {
            PaletteName::RedGreen => Palette::RedGreen,
            PaletteName::ColourBlind => Palette::ColourBlind,
        }
    }
}

/// Writes the charts of `outlook` into `out` as `<stem>-payout.{png,svg}` and
/// `<stem>-heatmap.{png,svg}`; returns the files written.
#[allow(clippy::too_many_arguments)]
pub fn write_charts(outlook: &Outlook, title: &str, stem: &str, kind: ChartKind, draw: &DrawArgs, fee: &FeeSource, decimals: Decimals, out: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let scenario = &outlook.scenario;
    let (unit, equity) = equity_in_unit(outlook, decimals);
    let entry_price = scenario.entry_price * 10f64.powi(i32::from(decimals.y) - i32::from(decimals.x));
    let rates = &scenario.rates;
    let assumptions = vec![
        format!(
            "Price jumps to p at day 0 and stays there; rates stay at today's pool state: borrow L {:.2}%, X {:.2}%, Y {:.2}%; deposited L grows {:.2}%/yr.",
            rates.r_l * 100.0,
            rates.r_x * 100.0,
            rates.r_y * 100.0,
            rates.g_l * 100.0
        ),
        format!("Swap-fee yield on deposited L {:.2}%/yr, {}.", fee.fee_yield * 100.0, fee.note),
        "E0 is what the wallet paid: swap costs and the 5 bp origination fee are inside it, so day 0 starts slightly below zero.".to_string(),
        "Liquidation contours are approximate: the program judges at its TWAP price range, with slippage.".to_string(),
    ];
    let mut written = Vec::new();
    let stem_path = |suffix: &str| out.join(format!("{stem}-{suffix}"));
    if matches!(kind, ChartKind::Payout | ChartKind::Both) {
        let surface = scenario.surface(201, draw.horizon, draw.log_price);
        let column = |grid: &Vec<Vec<f64>>, day: usize| grid.iter().map(|row| row[day]).collect::<Vec<f64>>();
        let horizon = draw.horizon as usize;
        let chart = PayoutChart {
            title: format!("{title}: payout"),
            assumptions: assumptions.clone(),
            unit: unit.clone(),
            price_axis: surface.price_changes.clone(),
            today: column(&surface.change, 0),
            horizon: column(&surface.change, horizon),
            horizon_days: f64::from(draw.horizon),
            ltv_today: column(&surface.ltv, 0),
            ltv_horizon: column(&surface.ltv, horizon),
            palette: draw.palette(),
            equity,
            entry_price,
        };
        let files = dlex_chart::render_payout(&chart, &stem_path("payout")).map_err(|e| format!("payout chart: {e}"))?;
        written.extend([files.png, files.svg]);
    }
    if matches!(kind, ChartKind::Heatmap | ChartKind::Both) {
        let surface = scenario.surface(101, draw.horizon, draw.log_price);
        let map = HeatMap {
            title: format!("{title}: payout heat map"),
            assumptions,
            unit,
            price_axis: surface.price_changes,
            days: surface.days,
            change: surface.change,
            ltv: surface.ltv,
            scale: draw.fixed_scale.map_or(Scale::Symmetric, Scale::Fixed),
            palette: draw.palette(),
            equity,
            entry_price,
        };
        let files = dlex_chart::render_heatmap(&map, &stem_path("heatmap")).map_err(|e| format!("heat map: {e}"))?;
        written.extend([files.png, files.svg]);
    }
    Ok(written)
}

/// The unit's label and E0 in it, in whole tokens.
fn equity_in_unit(outlook: &Outlook, decimals: Decimals) -> (String, f64) {
    let scenario = &outlook.scenario;
    let whole_x = scenario.equity / 10f64.powi(i32::from(decimals.x));
    match scenario.numeraire {
        Numeraire::X => ("X".into(), whole_x),
        Numeraire::Y => ("Y".into(), scenario.equity / scenario.entry_price / 10f64.powi(i32::from(decimals.y))),
        Numeraire::Usd(rate) => ("USD".into(), whole_x * rate),
    }
}

pub async fn run(args: ChartArgs) -> Result<(), String> {
    let (outlook, title, stem, fee, decimals) = match args.recipe {
        Some(name) => {
            let recipe = name.with_param(args.param, args.scores)?;
            let Planned { bank, preview, fee_yield, fee_window_seconds, swaps, .. } = plan_on_scene(recipe, args.equity).await?;
            let preview = preview?;
            let fee = FeeSource::measured(fee_yield, fee_window_seconds, swaps, args.draw.fee_yield);
            let outlook = Outlook::of(&preview.pair_after, &preview.after.assets, bank.now(), Some(preview.paid_value_x()), fee.fee_yield, args.draw.numeraire())?;
            println!("{} planned on an in-process pool (1,000,000 X / 4,000,000 Y), equity {} X", recipe.name(), args.equity);
            (outlook, recipe.title(), recipe.name().to_string(), fee, Decimals { x: 6, y: 6 })
        }
        None => {
            let (pair, owner) = (args.pair.ok_or("--pair")?, args.owner.ok_or("--owner")?);
            let (read, position) = crate::read_position(&args.url, pair, owner).await?;
            let fee = crate::measure_fee_yield(&read, args.draw.fee_yield).await;
            let assets = read.pair.pool().user_assets(&position.balances()).map_err(|e| format!("{e:?}"))?;
            let outlook = Outlook::of(&read.pair, &assets, read.now, None, fee.fee_yield, args.draw.numeraire())?;
            println!("position of {owner} in pair {pair} ({})", args.url);
            let stem = format!("position-{}", &owner.to_string()[..8]);
            (outlook, format!("Position of {}…", &owner.to_string()[..8]), stem, fee, read.decimals)
        }
    };
    print!("{}", outlook.describe(decimals.x, decimals.y));
    let files = write_charts(&outlook, &title, &stem, args.kind, &args.draw, &fee, decimals, &args.out)?;
    println!("wrote:");
    for file in files {
        println!("  {}", file.display());
    }
    Ok(())
}
