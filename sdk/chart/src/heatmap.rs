//! The payout heat map: portfolio change over (days, price change) as coloured cells on a
//! diverging scale, with the breakeven and LTV contours, the liquidatable region hatched, the
//! entry-price line, a colour bar, a legend and the assumptions as footnotes.

use std::path::Path;

use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::HPos;

use crate::canvas::*;
use crate::colour::{Diverging, Palette, Rgb, Scale, NO_VALUE};
use crate::contour::{contour_lines, region_polygons};
use crate::ticks::{amount, decimals_for, nice_step, percent, ticks};
use crate::validate::{ascending, grid, nonempty};
use crate::{ChartError, Rendered};

/// LTV at which liquidators may start (the hatched region begins here).
pub const LTV_LIQUIDATABLE: f64 = 0.75;
/// LTV at which liquidation is expected.
pub const LTV_EXPECTED: f64 = 0.85;

/// The data of a payout heat map. Rows are price changes, columns are days.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatMap {
    /// Title at the top, e.g. "Delta-neutral market making — payout heat map".
    pub title: String,
    /// Footnote lines printed under the chart (model assumptions).
    pub assumptions: Vec<String>,
    /// Unit of values, e.g. "X", "Y", "USD".
    pub unit: String,
    /// One price change r per row (−0.5 means −50%), strictly ascending; need not be uniform.
    pub price_axis: Vec<f64>,
    /// One day per column, strictly ascending (0..=H).
    pub days: Vec<f64>,
    /// `change[row][col]` = V/E0 − 1 (0.05 is +5%); NaN cells are drawn grey ("no value").
    pub change: Vec<Vec<f64>>,
    /// LTV per cell; may be `f64::INFINITY` (both sides in debt) or 0; NaN is "unknown".
    pub ltv: Vec<Vec<f64>>,
    /// Colour limits.
    pub scale: Scale,
    pub palette: Palette,
    /// Initial equity E0 in `unit` (for the footnote).
    pub equity: f64,
    /// Entry price p0 (absolute), labelling the line at price change 0.
    pub entry_price: f64,
}

impl HeatMap {
    /// Checks the shape and finiteness of the input (see [`ChartError`]).
    pub fn validate(&self) -> Result<(), ChartError> {
        nonempty("price_axis", &self.price_axis, 2)?;
        nonempty("days", &self.days, 2)?;
        ascending("price_axis", &self.price_axis)?;
        ascending("days", &self.days)?;
        grid("change", &self.change, self.price_axis.len(), self.days.len())?;
        grid("ltv", &self.ltv, self.price_axis.len(), self.days.len())?;
        crate::validate::finite("equity", self.equity)?;
        crate::validate::finite("entry_price", self.entry_price)?;
        Diverging::for_values(self.palette, self.scale, self.change.iter().flatten())?;
        Ok(())
    }
}

const BREAKEVEN: Stroke = Stroke { colour: BLACK, width: 2.0, dash: &[10.0, 6.0], halo: true };
const LTV75: Stroke = Stroke { colour: BLACK, width: 3.0, dash: &[3.0, 5.0], halo: true };
const LTV85: Stroke = Stroke { colour: BLACK, width: 3.0, dash: &[], halo: true };
const ENTRY: Stroke = Stroke { colour: Rgb(60, 60, 60), width: 1.0, dash: &[], halo: false };
const HATCH_COLOUR: Rgb = Rgb(0, 0, 0);
const HATCH_ALPHA: f64 = 0.55;
const HATCH_SPACING: f64 = 9.0;

const W: f64 = 1200.0;
const H_MIN: f64 = 800.0;
const MARGIN: f64 = 24.0;
const PLOT_MIN_H: f64 = 380.0;
const BAR_W: f64 = 22.0;

struct Layout<'a> {
    map: &'a HeatMap,
    cmap: Diverging,
    height: f64,
    title: (f64, Vec<String>),
    frame: Frame,
    x_axis: Axis,
    y_axis: Axis,
    bar_left: f64,
    bar_ticks: Vec<(f64, String)>,
    bar_label_x: f64,
    legend: Vec<(Swatch, String)>,
    legend_top: f64,
    notes: Vec<String>,
    notes_top: f64,
    /// Contours and the hatched region in pixels.
    breakeven: Vec<Vec<(f64, f64)>>,
    ltv75: Vec<Vec<(f64, f64)>>,
    ltv85: Vec<Vec<(f64, f64)>>,
    region: Vec<Vec<(f64, f64)>>,
}

fn percent_axis(lo: f64, hi: f64, max_ticks: usize, min_step: f64) -> Vec<(f64, String)> {
    let step = nice_step(lo, hi, max_ticks, min_step);
    let d = decimals_for(step * 100.0);
    ticks(lo, hi, step).into_iter().map(|v| (v, percent(v, d))).collect()
}

impl<'a> Layout<'a> {
    fn new(map: &'a HeatMap) -> Result<Self, ChartError> {
        let cmap = Diverging::for_values(map.palette, map.scale, map.change.iter().flatten())?;
        let (r0, r1) = (map.price_axis[0], *map.price_axis.last().unwrap());
        let (d0, d1) = (map.days[0], *map.days.last().unwrap());
        let inner_w = W - 2.0 * MARGIN;

        let title = fit(&map.title, inner_w, TITLE, TITLE_MIN);
        let title_bottom = MARGIN - 6.0 + title.1.len() as f64 * title.0 * 1.25;

        // Legend and footnotes.
        let has_nan = map.change.iter().flatten().any(|v| v.is_nan());
        let reached = |level: f64| map.ltv.iter().flatten().any(|v| *v >= level);
        let not_reached = |level: f64| if reached(level) { "" } else { " (not reached)" };
        let mut legend = vec![
            (Swatch::Line(BREAKEVEN), "breakeven (change = 0)".to_string()),
            (Swatch::Line(LTV75), format!("LTV 75%: liquidators start{}", not_reached(LTV_LIQUIDATABLE))),
            (Swatch::Line(LTV85), format!("LTV 85%: expected liquidation{}", not_reached(LTV_EXPECTED))),
            (
                Swatch::Patch { fill: None, hatch: &[1], hatch_colour: HATCH_COLOUR },
                "liquidatable: value \u{2248} V \u{2212} premium".to_string(),
            ),
        ];
        if has_nan {
            legend.push((
                Swatch::Patch { fill: Some((NO_VALUE, 1.0)), hatch: &[], hatch_colour: GREY },
                "no value".into(),
            ));
        }
        let legend_h = legend_rows(&legend, inner_w, BODY).len() as f64 * (LINE * BODY + 4.0);
        let scale_note = match map.scale {
            Scale::Symmetric => {
                format!("colour limits \u{00b1}{} (\u{00b1} largest |change|)", pct_plain(cmap.limit()))
            }
            Scale::Fixed(_) => {
                format!("colour limits \u{00b1}{} (fixed; beyond: end colours)", pct_plain(cmap.limit()))
            }
        };
        let mut note_src = vec![format!(
            "Equity E0 = {} {} \u{00b7} entry price p0 = {} \u{00b7} {}",
            amount(map.equity),
            map.unit,
            amount(map.entry_price),
            scale_note
        )];
        note_src.extend(map.assumptions.iter().cloned());
        let notes = footnote_lines(&note_src, inner_w, BODY);
        let footer_h = legend_h + 6.0 + notes.len() as f64 * LINE * BODY;

        // Axes.
        let y_ticks = percent_axis(r0, r1, 11, 0.0);
        let x_step = nice_step(d0, d1, 10, 1.0);
        let x_ticks: Vec<(f64, String)> = ticks(d0, d1, x_step).into_iter().map(|v| (v, amount(v))).collect();
        let y_label_w = y_ticks.iter().map(|(_, l)| text_width(l, BODY)).fold(0.0, f64::max);
        let left = MARGIN + BODY + 16.0 + y_label_w + 10.0;
        let x_axis_h = 8.0 + 2.4 * BODY + 6.0;

        let height = H_MIN.max(title_bottom + 16.0 + PLOT_MIN_H + x_axis_h + 14.0 + footer_h + MARGIN);
        let bottom = height - MARGIN - footer_h - 14.0 - x_axis_h;
        let top = title_bottom + 16.0;

        // Colour bar on the right.
        let max_bar_ticks = (((bottom - top) / (1.4 * BODY)) as usize).clamp(3, 21);
        let lim = cmap.limit();
        let bar_ticks = percent_axis(-lim, lim, max_bar_ticks, if lim >= 0.01 { 0.01 } else { 0.0 });
        let bar_label_w = bar_ticks.iter().map(|(_, l)| text_width(l, BODY)).fold(0.0, f64::max);
        let bar_label_x = W - MARGIN - 0.3 * BODY;
        let bar_left = bar_label_x - 0.9 * BODY - 12.0 - bar_label_w - 10.0 - BAR_W;
        let right = bar_left - 30.0;

        let frame = Frame { left, top, right, bottom, x: (d0, d1), y: (r0, r1) };

        // Overlays in pixels.
        let to_px = |lines: Vec<Vec<(f64, f64)>>| -> Vec<Vec<(f64, f64)>> {
            lines.into_iter().map(|l| l.into_iter().map(|(x, y)| frame.px(x, y)).collect()).collect()
        };
        let (xs, ys) = (&map.days, &map.price_axis);
        let breakeven = to_px(contour_lines(xs, ys, &map.change, 0.0));
        let ltv75 = to_px(contour_lines(xs, ys, &map.ltv, LTV_LIQUIDATABLE));
        let ltv85 = to_px(contour_lines(xs, ys, &map.ltv, LTV_EXPECTED));
        let region = to_px(region_polygons(xs, ys, &map.ltv, LTV_LIQUIDATABLE));

        Ok(Layout {
            map,
            cmap,
            height,
            title,
            frame,
            x_axis: Axis { ticks: x_ticks, sub: vec![], title: "Days".into() },
            y_axis: Axis { ticks: y_ticks, sub: vec![], title: "Price change".into() },
            bar_left,
            bar_ticks,
            bar_label_x,
            legend,
            legend_top: height - MARGIN - footer_h,
            notes,
            notes_top: height - MARGIN - footer_h + legend_h + 6.0,
            breakeven,
            ltv75,
            ltv85,
            region,
        })
    }
}

/// "8%" / "0.3%" / "151.7%" without a sign (two decimals below 10%, one above; trailing zeros
/// dropped).
fn pct_plain(v: f64) -> String {
    let p = v * 100.0;
    let s = format!("{:.*}", if p >= 10.0 { 1 } else { 2 }, p);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

/// Cell edges along an axis: midpoints between nodes, clamped to the first and last node.
fn edges(nodes: &[f64]) -> Vec<f64> {
    let mut e = vec![nodes[0]];
    e.extend(nodes.windows(2).map(|w| (w[0] + w[1]) / 2.0));
    e.push(*nodes.last().unwrap());
    e
}

impl Picture for Layout<'_> {
    fn size(&self) -> (u32, u32) {
        (W as u32, self.height.ceil() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Res {
        let (map, f) = (self.map, &self.frame);
        c.title(&self.title.1, self.title.0, W / 2.0, MARGIN - 6.0)?;

        // Cells.
        let xe: Vec<i32> = edges(&map.days).iter().map(|&x| f.px_x(x).round() as i32).collect();
        let ye: Vec<i32> = edges(&map.price_axis).iter().map(|&y| f.px_y(y).round() as i32).collect();
        for (i, row) in map.change.iter().enumerate() {
            for (j, &z) in row.iter().enumerate() {
                c.cell(xe[j], ye[i + 1], xe[j + 1], ye[i], self.cmap.colour(z))?;
            }
        }

        // Liquidatable region, then the lines.
        c.hatch(&self.region, HATCH_SPACING, 1, HATCH_COLOUR, HATCH_ALPHA)?;
        let y0 = f.px_y(0.0);
        let entry_visible = y0 >= f.top - 0.5 && y0 <= f.bottom + 0.5;
        if entry_visible {
            c.stroke(&[(f.left, y0), (f.right, y0)], &ENTRY)?;
        }
        for l in &self.breakeven {
            c.stroke(l, &BREAKEVEN)?;
        }
        for l in &self.ltv75 {
            c.stroke(l, &LTV75)?;
        }
        for l in &self.ltv85 {
            c.stroke(l, &LTV85)?;
        }
        if entry_visible {
            let label = format!("entry {}", amount(map.entry_price));
            let base = if y0 - f.top > 2.0 * BODY { y0 - 7.0 } else { y0 + BODY + 4.0 };
            c.label_box(&label, f.right - 8.0, base, BODY, HPos::Right)?;
        }
        c.axes(f, &self.x_axis, &self.y_axis, BODY)?;

        // Colour bar: +limit at the top.
        let lim = self.cmap.limit();
        let (top, bottom) = (f.top.round() as i32, f.bottom.round() as i32);
        let (bl, br) = (self.bar_left.round() as i32, (self.bar_left + BAR_W).round() as i32);
        for py in top..bottom {
            let v = lim * (1.0 - 2.0 * ((py - top) as f64 + 0.5) / (bottom - top) as f64);
            c.cell(bl, py, br, py + 1, self.cmap.colour(v))?;
        }
        let bar_px = |v: f64| f.top + (1.0 - (v + lim) / (2.0 * lim)) * (f.bottom - f.top);
        for (v, label) in &self.bar_ticks {
            let py = bar_px(*v);
            let (x0, x1) = (self.bar_left + BAR_W, self.bar_left + BAR_W + 6.0);
            c.polyline(&[(x0, py), (x1, py)], DARK, 1.0, 1.0)?;
            if *v == 0.0 {
                c.polyline(&[(self.bar_left, py), (x1, py)], DARK, 1.0, 1.0)?;
            }
            c.text(label, x1 + 4.0, py + 0.36 * BODY, BODY, HPos::Left, DARK)?;
        }
        c.rect((self.bar_left, f.top), (self.bar_left + BAR_W, f.bottom), DARK, 1.0, false)?;
        c.vtext("Portfolio change", self.bar_label_x, (f.top + f.bottom) / 2.0, BODY, BLACK)?;

        let _ = c.legend(&self.legend, MARGIN, self.legend_top, W - 2.0 * MARGIN, BODY)?;
        c.lines(&self.notes, MARGIN, self.notes_top, BODY, DARK)?;
        Ok(())
    }
}

/// Renders `map` to `stem`.png and `stem`.svg.
pub fn render_heatmap(map: &HeatMap, stem: &Path) -> Result<Rendered, ChartError> {
    map.validate()?;
    ensure_font()?;
    let layout = Layout::new(map)?;
    render_both(stem, &layout)
}
