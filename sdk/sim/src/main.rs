//! `dlex-sim`: runs a preset or a TOML config over a list of seeds in each flow mode, writes
//! one CSV of daily rows per mode and seed into `--out`, prints a line per pool and seed, then
//! the distribution across seeds. A progress bar counts simulated days.
//!
//! ```text
//! dlex-sim (--preset NAME | --config FILE) [--seeds 1,2,5..10] [--modes A,B] [--days N] [--threads N] [--out DIR]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use dlex_sim::config::{Config, FlowMode, PRESETS};
use dlex_sim::report::{self, quantile};
use dlex_sim::run;

struct Args {
    config: Config,
    label: String,
    seeds: Vec<u64>,
    modes: Vec<FlowMode>,
    threads: Option<usize>,
    out: PathBuf,
}

const USAGE: &str = "usage: dlex-sim (--preset NAME | --config FILE) [--seeds 1,2,5..10] [--modes A,B] [--days N] [--threads N] [--out DIR]\n\
  --modes: flow modes to run, A (every order on every pool) and/or B (routed against an external venue); default A,B";

/// `A,B` → `[A, B]`.
fn parse_modes(text: &str) -> Result<Vec<FlowMode>, String> {
    let modes: Vec<FlowMode> = text
        .split(',')
        .filter(|m| !m.is_empty())
        .map(|m| match m.trim() {
            "A" | "a" => Ok(FlowMode::A),
            "B" | "b" => Ok(FlowMode::B),
            other => Err(format!("unknown flow mode {other} (A or B)")),
        })
        .collect::<Result<_, _>>()?;
    if modes.is_empty() {
        return Err("--modes names no mode".into());
    }
    Ok(modes)
}

/// `1,2,5..8` → `[1, 2, 5, 6, 7]`.
fn parse_seeds(text: &str) -> Result<Vec<u64>, String> {
    let mut seeds = Vec::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        if let Some((a, b)) = part.split_once("..") {
            let (a, b): (u64, u64) = (
                a.parse().map_err(|_| format!("bad seed range {part}"))?,
                b.parse().map_err(|_| format!("bad seed range {part}"))?,
            );
            seeds.extend(a..b);
        } else {
            seeds.push(part.parse().map_err(|_| format!("bad seed {part}"))?);
        }
    }
    if seeds.is_empty() {
        return Err("no seeds".into());
    }
    Ok(seeds)
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut config, mut label, mut seeds, mut days, mut threads, mut out) = (
        None,
        String::new(),
        vec![0],
        None,
        None,
        PathBuf::from("sim-out"),
    );
    let mut modes = vec![FlowMode::A, FlowMode::B];
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--preset" => {
                let name = value()?;
                config = Some(Config::preset(&name).ok_or_else(|| {
                    format!("unknown preset {name} (presets: {})", PRESETS.join(", "))
                })?);
                label = name;
            }
            "--config" => {
                let path = PathBuf::from(value()?);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                config =
                    Some(Config::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?);
                label = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "config".into());
            }
            "--seeds" => seeds = parse_seeds(&value()?)?,
            "--modes" => modes = parse_modes(&value()?)?,
            "--days" => {
                days = Some(
                    value()?
                        .parse::<u32>()
                        .map_err(|e| format!("--days: {e}"))?,
                )
            }
            "--threads" => {
                threads = Some(
                    value()?
                        .parse::<usize>()
                        .map_err(|e| format!("--threads: {e}"))?,
                )
            }
            "--out" => out = PathBuf::from(value()?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    let mut config = config.ok_or_else(|| format!("name a --preset or a --config\n{USAGE}"))?;
    if let Some(days) = days {
        config.run.days = days;
    }
    config.load_price_path()?;
    config.validate()?;
    Ok(Args {
        config,
        label,
        seeds,
        modes,
        threads,
        out,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("{}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    let total = args.seeds.len();
    let days = u64::from(args.config.run.warmup_days + args.config.run.days)
        * (total * args.modes.len()) as u64;
    eprintln!(
        "dlex-sim: {} × {} days × {} seeds × modes {} on {} pools",
        args.label,
        args.config.run.days,
        total,
        args.modes
            .iter()
            .map(|m| m.name())
            .collect::<Vec<_>>()
            .join(","),
        args.config.pools.len()
    );
    let bar = ProgressBar::new(days).with_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} days simulated, eta {eta} {msg}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    let mut cells = Vec::new();
    for &mode in &args.modes {
        let mut config = args.config.clone();
        config.flow.mode = mode;
        let done = std::sync::atomic::AtomicUsize::new(0);
        let results = run::run_seeds_with_progress(
            &config,
            &args.seeds,
            args.threads,
            &|r| {
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                let line = format!("mode {}: [{n}/{total}] seed {} done", mode.name(), r.seed);
                // A hidden bar (stderr not a terminal) drops its printlns; logs keep the line.
                if bar.is_hidden() {
                    eprintln!("{line}");
                } else {
                    bar.println(line);
                }
            },
            &|| bar.inc(1),
        );
        let results = match results {
            Ok(results) => results,
            Err(e) => {
                bar.abandon();
                eprintln!("run failed: {e}");
                return ExitCode::FAILURE;
            }
        };
        cells.push((mode, results));
    }
    bar.finish_and_clear();
    for (mode, results) in &cells {
        println!(
            "mode {} ({}):",
            mode.name(),
            if *mode == FlowMode::A {
                "same flow on every pool"
            } else {
                "routed against the external venue"
            }
        );
        for result in results {
            let path = args.out.join(format!(
                "{}-{}-seed{}.csv",
                args.label,
                mode.name(),
                result.seed
            ));
            if let Err(e) = report::write_csv(&path, &result.rows, &args.config.market) {
                eprintln!("{}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            for summary in &result.summaries {
                println!("{}", report::summary_line(result.seed, summary));
            }
        }
        if results.len() > 1 {
            println!(
                "mode {} across {} seeds (p10 / p25 / median / p90):",
                mode.name(),
                results.len()
            );
            for (i, kind) in args.config.pools.iter().enumerate() {
                let apy: Vec<f64> = results
                    .iter()
                    .map(|r| r.summaries[i].apy_l * 100.0)
                    .collect();
                let uplift: Vec<f64> = results
                    .iter()
                    .filter_map(|r| r.summaries[i].uplift.map(|u| u * 100.0))
                    .collect();
                let q = |v: &[f64]| {
                    format!(
                        "{:.2} / {:.2} / {:.2} / {:.2}",
                        quantile(v, 0.1),
                        quantile(v, 0.25),
                        quantile(v, 0.5),
                        quantile(v, 0.9)
                    )
                };
                let u = if uplift.is_empty() {
                    "-".to_string()
                } else {
                    q(&uplift)
                };
                println!("  {:<10} APY_L % {}   U % {}", kind.name(), q(&apy), u);
            }
        }
    }
    println!("CSV written to {}", args.out.display());
    let cells: Vec<(String, Vec<run::RunResult>)> = cells
        .into_iter()
        .map(|(mode, results)| (mode.name().to_string(), results))
        .collect();
    match dlex_sim::plot::write_all(&args.out, &cells, &args.config) {
        Ok(paths) => paths.iter().for_each(|p| println!("wrote {}", p.display())),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
