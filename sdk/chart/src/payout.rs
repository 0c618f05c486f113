//! The payout chart: value change against price change today and at the horizon, with the
//! zero line, the entry line, the price ranges where today's LTV reaches the liquidation
//! thresholds (hatched bands) and markers where each line's LTV crosses them.

use std::path::Path;

use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::HPos;

use crate::canvas::*;
use crate::colour::{line_colours, Palette, Rgb};
use crate::contour::level_intervals;
use crate::heatmap::{LTV_EXPECTED, LTV_LIQUIDATABLE};
use crate::ticks::{amount, decimals_for, nice_step, percent, ticks, MINUS};
use crate::validate::{ascending, finite, nonempty, series};
use crate::{ChartError, Rendered};

/// The data of a payout chart: one point per price change.
#[derive(Clone, Debug, PartialEq)]
pub struct PayoutChart {
    pub title: String,
    /// Footnote lines printed under the chart (model assumptions).
    pub assumptions: Vec<String>,
    /// Unit of values, e.g. "X".
    pub unit: String,
    /// Price change r per point (−0.5 is −50%), strictly ascending.
    pub price_axis: Vec<f64>,
    /// V(p, 0)/E0 − 1 per point; NaN leaves a gap.
    pub today: Vec<f64>,
    /// V(p, H)/E0 − 1 per point; NaN leaves a gap.
    pub horizon: Vec<f64>,
    /// H in days (labels the horizon line "at day H").
    pub horizon_days: f64,
    /// LTV today per point (may be `f64::INFINITY`).
    pub ltv_today: Vec<f64>,
    /// LTV at the horizon per point.
    pub ltv_horizon: Vec<f64>,
    pub palette: Palette,
    /// Initial equity E0 in `unit` (footnote and the right-hand axis).
    pub equity: f64,
    /// Entry price p0 (absolute): labels the line at price change 0 and the price row.
    pub entry_price: f64,
}

impl PayoutChart {
    /// Checks the shape and finiteness of the input (see [`ChartError`]).
    pub fn validate(&self) -> Result<(), ChartError> {
        nonempty("price_axis", &self.price_axis, 2)?;
        ascending("price_axis", &self.price_axis)?;
        let n = self.price_axis.len();
        series("today", &self.today, n)?;
        series("horizon", &self.horizon, n)?;
        series("ltv_today", &self.ltv_today, n)?;
        series("ltv_horizon", &self.ltv_horizon, n)?;
        finite("horizon_days", self.horizon_days)?;
        finite("equity", self.equity)?;
        finite("entry_price", self.entry_price)?;
        Ok(())
    }
}

const W: f64 = 1200.0;
const H_MIN: f64 = 800.0;
const MARGIN: f64 = 24.0;
const PLOT_MIN_H: f64 = 380.0;
const BAND_FILL: Rgb = Rgb(120, 120, 120);
const BAND_FILL_ALPHA: f64 = 0.10;
const BAND_HATCH: Rgb = Rgb(60, 60, 60);
const BAND_HATCH_ALPHA: f64 = 0.45;

struct Layout<'a> {
    chart: &'a PayoutChart,
    height: f64,
    title: (f64, Vec<String>),
    frame: Frame,
    x_axis: Axis,
    y_axis: Axis,
    right_ticks: Vec<(f64, String)>,
    right_title: String,
    right_title_x: f64,
    legend: Vec<(Swatch, String)>,
    legend_top: f64,
    notes: Vec<String>,
    notes_top: f64,
    today: Stroke,
    horizon: Stroke,
}

fn signed_amount(v: f64) -> String {
    let a = amount(v.abs());
    if a == "0" {
        a
    } else if v < 0.0 {
        format!("{MINUS}{a}")
    } else {
        format!("+{a}")
    }
}

impl<'a> Layout<'a> {
    fn new(chart: &'a PayoutChart) -> Self {
        let (r0, r1) = (chart.price_axis[0], *chart.price_axis.last().unwrap());
        let inner_w = W - 2.0 * MARGIN;
        let title = fit(&chart.title, inner_w, TITLE, TITLE_MIN);
        let title_bottom = MARGIN - 6.0 + title.1.len() as f64 * title.0 * 1.25;

        let (c_today, c_horizon) = line_colours(chart.palette);
        let today = Stroke { colour: c_today, width: 3.0, dash: &[], halo: false };
        let horizon = Stroke { colour: c_horizon, width: 3.0, dash: &[12.0, 7.0], halo: false };
        let day_label = format!("at day {}", amount(chart.horizon_days));
        let legend = vec![
            (Swatch::Line(today), "today".to_string()),
            (Swatch::Line(horizon), day_label.clone()),
            (
                Swatch::Patch { fill: Some((BAND_FILL, BAND_FILL_ALPHA)), hatch: &[1], hatch_colour: BAND_HATCH },
                "LTV \u{2265} 75% today: liquidators start".to_string(),
            ),
            (
                Swatch::Patch { fill: Some((BAND_FILL, BAND_FILL_ALPHA)), hatch: &[1, -1], hatch_colour: BAND_HATCH },
                "LTV \u{2265} 85% today: expected liquidation".to_string(),
            ),
            (Swatch::Marker { filled: false }, "line reaches LTV 75%".to_string()),
            (Swatch::Marker { filled: true }, "line reaches LTV 85%".to_string()),
        ];
        let legend_h = legend_rows(&legend, inner_w, BODY).len() as f64 * (LINE * BODY + 4.0);
        let mut note_src = vec![format!(
            "Equity E0 = {} {} \u{00b7} entry price p0 = {} \u{00b7} value change in % of E0 (left) and in {} (right)",
            amount(chart.equity),
            chart.unit,
            amount(chart.entry_price),
            chart.unit
        )];
        note_src.extend(chart.assumptions.iter().cloned());
        let notes = footnote_lines(&note_src, inner_w, BODY);
        let footer_h = legend_h + 6.0 + notes.len() as f64 * LINE * BODY;

        // Value range: both lines and 0, padded.
        let vals = chart.today.iter().chain(&chart.horizon).filter(|v| v.is_finite());
        let (mut lo, mut hi) = vals.fold((0.0f64, 0.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        if hi - lo < 1e-6 {
            lo -= 0.01;
            hi += 0.01;
        }
        let pad = 0.06 * (hi - lo);
        let (lo, hi) = (lo - pad, hi + pad);

        let y_step = nice_step(lo, hi, 10, 0.0);
        let yd = decimals_for(y_step * 100.0);
        let y_ticks: Vec<(f64, String)> = ticks(lo, hi, y_step).into_iter().map(|v| (v, percent(v, yd))).collect();
        let right_ticks: Vec<(f64, String)> =
            y_ticks.iter().map(|(v, _)| (*v, signed_amount(v * chart.equity))).collect();
        let x_step = nice_step(r0, r1, 11, 0.0);
        let xd = decimals_for(x_step * 100.0);
        let x_vals = ticks(r0, r1, x_step);
        let x_ticks: Vec<(f64, String)> = x_vals.iter().map(|&v| (v, percent(v, xd))).collect();
        let sub: Vec<String> = x_vals.iter().map(|&v| amount(chart.entry_price * (1.0 + v))).collect();

        let y_label_w = y_ticks.iter().map(|(_, l)| text_width(l, BODY)).fold(0.0, f64::max);
        let r_label_w = right_ticks.iter().map(|(_, l)| text_width(l, BODY)).fold(0.0, f64::max);
        let left = MARGIN + BODY + 16.0 + y_label_w + 10.0;
        let right_title_x = W - MARGIN - 0.3 * BODY;
        let right = right_title_x - 0.9 * BODY - 16.0 - r_label_w - 10.0;
        let x_axis_h = 8.0 + 3.7 * BODY + 6.0;
        let height = H_MIN.max(title_bottom + 16.0 + PLOT_MIN_H + x_axis_h + 14.0 + footer_h + MARGIN);
        let bottom = height - MARGIN - footer_h - 14.0 - x_axis_h;
        let top = title_bottom + 16.0;
        let frame = Frame { left, top, right, bottom, x: (r0, r1), y: (lo, hi) };

        Layout {
            chart,
            height,
            title,
            frame,
            x_axis: Axis {
                ticks: x_ticks,
                sub,
                title: format!("Price change (price; entry {})", amount(chart.entry_price)),
            },
            y_axis: Axis { ticks: y_ticks, sub: vec![], title: "Value change (% of equity)".into() },
            right_ticks,
            right_title: format!("Value change ({})", chart.unit),
            right_title_x,
            legend,
            legend_top: height - MARGIN - footer_h,
            notes,
            notes_top: height - MARGIN - footer_h + legend_h + 6.0,
            today,
            horizon,
        }
    }

    /// The curve in pixels, split at NaN/infinite points.
    fn curve(&self, v: &[f64]) -> Vec<Vec<(f64, f64)>> {
        let mut out: Vec<Vec<(f64, f64)>> = vec![vec![]];
        for (x, y) in self.chart.price_axis.iter().zip(v) {
            if y.is_finite() {
                out.last_mut().unwrap().push(self.frame.px(*x, *y));
            } else if !out.last().unwrap().is_empty() {
                out.push(vec![]);
            }
        }
        out.retain(|l| !l.is_empty());
        out
    }

    /// Pixel positions on the curve `v` where `ltv` crosses `level`.
    fn crossings(&self, v: &[f64], ltv: &[f64], level: f64) -> Vec<(f64, f64)> {
        let xs = &self.chart.price_axis;
        let (first, last) = (xs[0], *xs.last().unwrap());
        let mut out = Vec::new();
        for (a, b) in level_intervals(xs, ltv, level) {
            for x in [a, b] {
                if x <= first || x >= last {
                    continue;
                }
                let i = xs.partition_point(|&p| p <= x).clamp(1, xs.len() - 1);
                let t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
                let y = v[i - 1] + t * (v[i] - v[i - 1]);
                if y.is_finite() {
                    out.push(self.frame.px(x, y));
                }
            }
        }
        out
    }
}

impl Picture for Layout<'_> {
    fn size(&self) -> (u32, u32) {
        (W as u32, self.height.ceil() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Res {
        let (ch, f) = (self.chart, &self.frame);
        c.title(&self.title.1, self.title.0, W / 2.0, MARGIN - 6.0)?;

        // Bands where today's LTV reaches the thresholds.
        let band = |a: f64, b: f64| {
            let (x0, x1) = (f.px_x(a), f.px_x(b));
            vec![(x0, f.top), (x1, f.top), (x1, f.bottom), (x0, f.bottom)]
        };
        let b75: Vec<_> = level_intervals(&ch.price_axis, &ch.ltv_today, LTV_LIQUIDATABLE)
            .into_iter()
            .map(|(a, b)| band(a, b))
            .collect();
        let b85: Vec<_> =
            level_intervals(&ch.price_axis, &ch.ltv_today, LTV_EXPECTED).into_iter().map(|(a, b)| band(a, b)).collect();
        for p in &b75 {
            c.polygon(p, BAND_FILL, BAND_FILL_ALPHA)?;
        }
        c.hatch(&b75, 10.0, 1, BAND_HATCH, BAND_HATCH_ALPHA)?;
        c.hatch(&b85, 10.0, -1, BAND_HATCH, BAND_HATCH_ALPHA)?;

        // Grid, zero line, entry line.
        for (v, _) in &self.y_axis.ticks {
            let py = f.px_y(*v);
            c.polyline(&[(f.left, py), (f.right, py)], Rgb(225, 225, 225), 1.0, 1.0)?;
        }
        let y0 = f.px_y(0.0);
        c.polyline(&[(f.left, y0), (f.right, y0)], BLACK, 1.0, 1.0)?;
        let x0 = f.px_x(0.0);
        let entry_visible = x0 >= f.left - 0.5 && x0 <= f.right + 0.5;
        if entry_visible {
            c.stroke(
                &[(x0, f.top), (x0, f.bottom)],
                &Stroke { colour: DARK, width: 1.0, dash: &[6.0, 4.0], halo: false },
            )?;
        }

        // The two lines and their LTV markers.
        for (v, ltv, st) in [(&ch.today, &ch.ltv_today, &self.today), (&ch.horizon, &ch.ltv_horizon, &self.horizon)] {
            for piece in self.curve(v) {
                c.stroke(&piece, st)?;
            }
            for (level, filled) in [(LTV_LIQUIDATABLE, false), (LTV_EXPECTED, true)] {
                for p in self.crossings(v, ltv, level) {
                    c.marker(p, st.colour, filled)?;
                }
            }
        }
        if entry_visible {
            c.label_box(&format!("entry {}", amount(ch.entry_price)), x0, f.top + BODY + 6.0, BODY, HPos::Center)?;
        }

        c.axes(f, &self.x_axis, &self.y_axis, BODY)?;
        for (v, label) in &self.right_ticks {
            let py = f.px_y(*v);
            c.polyline(&[(f.right, py), (f.right + 6.0, py)], DARK, 1.0, 1.0)?;
            c.text(label, f.right + 10.0, py + 0.36 * BODY, BODY, HPos::Left, DARK)?;
        }
        c.vtext(&self.right_title, self.right_title_x, (f.top + f.bottom) / 2.0, BODY, BLACK)?;

        let _ = c.legend(&self.legend, MARGIN, self.legend_top, W - 2.0 * MARGIN, BODY)?;
        c.lines(&self.notes, MARGIN, self.notes_top, BODY, DARK)?;
        Ok(())
    }
}

/// Renders `chart` to `stem`.png and `stem`.svg.
pub fn render_payout(chart: &PayoutChart, stem: &Path) -> Result<Rendered, ChartError> {
    chart.validate()?;
    ensure_font()?;
    render_both(stem, &Layout::new(chart))
}
