//! Writes the heat map and payout chart of two sample positions, in both palettes, to the
//! directory given as the first argument (default /tmp/dlex-chart-sample).
//!
//! The value model here is a small stand-in for the real one (which lives elsewhere): balances
//! grow at constant continuously-compounded rates, the price jumps to p = p0·(1 + r) at day 0
//! and stays there, V = 2√p·(DL − BL) + (DX − BX) + p·(DY − BY), LTV netted on L.
//!
//! cargo run -p dlex-chart --example sample -- /tmp/dlex-chart-sample

use std::path::PathBuf;

use dlex_chart::{render_heatmap, render_payout, HeatMap, Palette, PayoutChart, Scale};

const P0: f64 = 2000.0;
const E0: f64 = 10_000.0;
const H_DAYS: usize = 90;

/// Balances at day 0 (L in √(X·Y), X and Y in their own units).
#[derive(Clone, Copy, Default)]
struct Position {
    dl: f64,
    bl: f64,
    dx: f64,
    bx: f64,
    dy: f64,
    by: f64,
}

/// Continuously compounded yearly rates.
const R_X: f64 = 0.05; // borrow X
const R_Y: f64 = 0.05; // borrow Y
const R_L: f64 = 0.05; // borrow L
const S_X: f64 = 0.0225; // supply X
const S_Y: f64 = 0.0225; // supply Y
const G_L: f64 = 0.20475; // growth of deposited L (fees)

impl Position {
    fn at(&self, days: f64) -> Position {
        let t = days / 365.0;
        Position {
            dl: self.dl * (G_L * t).exp(),
            bl: self.bl * (R_L * t).exp(),
            dx: self.dx * (S_X * t).exp(),
            bx: self.bx * (R_X * t).exp(),
            dy: self.dy * (S_Y * t).exp(),
            by: self.by * (R_Y * t).exp(),
        }
    }

    fn value(&self, p: f64) -> f64 {
        2.0 * p.sqrt() * (self.dl - self.bl) + (self.dx - self.bx) + p * (self.dy - self.by)
    }

    fn ltv(&self, p: f64) -> f64 {
        let s = p.sqrt();
        let l = self.dl - self.bl;
        let xs = l * s + self.dx - self.bx;
        let ys = l * s + (self.dy - self.by) * p;
        match (xs < 0.0, ys < 0.0) {
            (false, false) => 0.0,
            (true, true) => f64::INFINITY,
            (true, false) => -xs / ys,
            (false, true) => -ys / xs,
        }
    }
}

struct Sample {
    name: &'static str,
    title: &'static str,
    position: Position,
    scale: Scale,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/tmp/dlex-chart-sample".into()));
    let samples = [
        Sample {
            name: "lmm-10x",
            title: "Leveraged market making 10\u{00d7} (delta-neutral) \u{2014} payout heat map",
            position: Position { dl: 1118.034, bx: 45022.5, by: 22.51125, ..Default::default() },
            scale: Scale::Fixed(0.08),
        },
        Sample {
            name: "long-3x",
            title: "Long 3\u{00d7} \u{2014} payout heat map",
            position: Position { bx: 20010.0, dy: 15.0, ..Default::default() },
            scale: Scale::Symmetric,
        },
    ];
    let price_axis: Vec<f64> = (0..=100).map(|i| -0.5 + i as f64 * 0.01).collect();
    let days: Vec<f64> = (0..=H_DAYS).map(|d| d as f64).collect();
    let assumptions = vec![
        "Price jumps to p = p0\u{00b7}(1 + price change) at day 0 and stays there; balances grow at constant rates (continuous compounding).".to_string(),
        format!(
            "Rates per year: borrow X, Y and L {:.1}%, supply X and Y {:.2}%, LP growth from fees {:.3}%.",
            R_X * 100.0,
            S_X * 100.0,
            G_L * 100.0
        ),
        "Sample data from the crate's example model, not a quote.".to_string(),
    ];
    for s in &samples {
        let grid = |f: &dyn Fn(&Position, f64) -> f64| -> Vec<Vec<f64>> {
            price_axis.iter().map(|r| days.iter().map(|&d| f(&s.position.at(d), P0 * (1.0 + r))).collect()).collect()
        };
        let change = grid(&|pos, p| pos.value(p) / E0 - 1.0);
        let ltv = grid(&|pos, p| pos.ltv(p));
        for (palette, tag) in [(Palette::RedGreen, "redgreen"), (Palette::ColourBlind, "colourblind")] {
            let map = HeatMap {
                title: s.title.to_string(),
                assumptions: assumptions.clone(),
                unit: "X".into(),
                price_axis: price_axis.clone(),
                days: days.clone(),
                change: change.clone(),
                ltv: ltv.clone(),
                scale: s.scale,
                palette,
                equity: E0,
                entry_price: P0,
            };
            let out = render_heatmap(&map, &dir.join(format!("{}-heatmap-{tag}", s.name)))?;
            println!("{}\n{}", out.png.display(), out.svg.display());

            let col = |grid: &Vec<Vec<f64>>, c: usize| grid.iter().map(|row| row[c]).collect::<Vec<f64>>();
            let chart = PayoutChart {
                title: s.title.replace("payout heat map", "payout today and at day 90"),
                assumptions: assumptions.clone(),
                unit: "X".into(),
                price_axis: price_axis.clone(),
                today: col(&change, 0),
                horizon: col(&change, H_DAYS),
                horizon_days: H_DAYS as f64,
                ltv_today: col(&ltv, 0),
                ltv_horizon: col(&ltv, H_DAYS),
                palette,
                equity: E0,
                entry_price: P0,
            };
            let out = render_payout(&chart, &dir.join(format!("{}-payout-{tag}", s.name)))?;
            println!("{}\n{}", out.png.display(), out.svg.display());
        }
    }
    Ok(())
}
