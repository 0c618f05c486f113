//! The simulator's PNG plots of spec §4.5, across seeds and flow modes:
//!
//! * `apy-distribution.png`: APY_L of every seed per pool and mode (box p25–p75 with the
//!   median, whiskers p10–p90, one dot per seed);
//! * `uplift-vs-utilization.png`: U of (b1) and (b2) against the run's time-averaged
//!   utilization, with the claims under test (+20%, +60%) and U = 0 drawn as reference lines;
//! * `decomposition.png`: the median annualized contribution of each source to ℓ's growth
//!   (swap fees, L interest, X/Y interest, lending legs, bad debt) as stacked bars, with the
//!   median APY_L marked.
//!
//! This module only draws; the numbers come from [`crate::summary`], so the plots and
//! `summary.csv` cannot disagree. Text uses dlex-chart's bundled DejaVu Sans
//! ([`dlex_chart::ensure_font`]), so no system font is needed; colours are the Okabe–Ito set,
//! which stays distinguishable under the common colour-vision deficiencies.

use std::ops::Range;
use std::path::{Path, PathBuf};

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::config::{Config, PoolKind};
use crate::report::quantile;
use crate::summary::{
    decomposition, mean_utilization, pool_summary, pools_in, Cell, Decomposition,
};

/// Size of every plot, pixels.
pub const WIDTH: u32 = 1600;
pub const HEIGHT: u32 = 1000;

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
type Chart<'a, 'b> =
    ChartContext<'a, BitMapBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type Res = Result<(), String>;

const FONT: &str = "sans-serif";
const TITLE: f64 = 30.0;
const BODY: f64 = 19.0;
const SMALL: f64 = 16.0;

// Okabe–Ito.
const BLACK: RGBColor = RGBColor(0, 0, 0);
const GREY: RGBColor = RGBColor(110, 110, 110);
const LIGHT: RGBColor = RGBColor(225, 225, 225);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const SKY: RGBColor = RGBColor(86, 180, 233);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const BLUE: RGBColor = RGBColor(0, 114, 178);
const VERMILLION: RGBColor = RGBColor(213, 94, 0);
const PURPLE: RGBColor = RGBColor(204, 121, 167);

/// `c` at opacity `alpha` over white, as an opaque colour (legend patches match the boxes).
fn tint(c: RGBColor, alpha: f64) -> RGBColor {
    let m = |v: u8| (255.0 - (255.0 - f64::from(v)) * alpha).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

fn pool_colour(pool: PoolKind) -> RGBColor {
    match pool {
        PoolKind::V2 => GREY,
        PoolKind::DlexFixed => ORANGE,
        PoolKind::Dlex => BLUE,
    }
}

/// Short name under a category.
fn pool_tag(pool: PoolKind) -> &'static str {
    match pool {
        PoolKind::V2 => "(a) v2",
        PoolKind::DlexFixed => "(b1) dlex_fixed",
        PoolKind::Dlex => "(b2) dlex",
    }
}

/// Name in a legend.
fn pool_legend(pool: PoolKind) -> &'static str {
    match pool {
        PoolKind::V2 => "(a) V2, 0.3% fee",
        PoolKind::DlexFixed => "(b1) dlex with V2's fixed fee",
        PoolKind::Dlex => "(b2) dlex, quadratic fee",
    }
}

/// Marker shapes, one per flow mode.
#[derive(Clone, Copy, Debug)]
enum Shape {
    Circle,
    Triangle,
    Square,
    Diamond,
}

const SHAPES: [Shape; 4] = [
    Shape::Circle,
    Shape::Triangle,
    Shape::Square,
    Shape::Diamond,
];

/// What a legend entry shows before its text.
#[derive(Clone, Copy, Debug)]
enum Swatch {
    Patch(RGBColor),
    Marker(Shape, RGBColor),
    Line(RGBColor, bool),
}

/// The parts of a plot outside its axes.
struct Page {
    title: String,
    subtitle: String,
    legend: Vec<(Swatch, String)>,
    footnote: Vec<String>,
}

fn font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Normal)
}

fn text_width(s: &str, size: f64) -> f64 {
    font(size)
        .box_size(s)
        .map(|(w, _)| f64::from(w))
        .unwrap_or(s.chars().count() as f64 * size * 0.6)
}

/// Greedy word wrap to `width` pixels.
fn wrap(s: &str, size: f64, width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || text_width(&candidate, size) <= width {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The largest size from `max` down to `min` at which `s` fits on one line of `width`.
fn fit(s: &str, width: f64, max: f64, min: f64) -> f64 {
    let mut size = max;
    while size > min && text_width(s, size) > width {
        size -= 1.0;
    }
    size
}

/// A rectangle filled with `fill` and drawn around with `outline` (boxes and stacked bars).
fn outlined_box(
    chart: &mut Chart,
    corners: [(f64, f64); 2],
    fill: ShapeStyle,
    outline: ShapeStyle,
) -> Res {
    for style in [fill, outline] {
        chart
            .draw_series(std::iter::once(Rectangle::new(corners, style)))
            .map_err(draw_err)?;
    }
    Ok(())
}

fn draw_err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn text(
    area: &Area,
    s: &str,
    at: (f64, f64),
    size: f64,
    colour: RGBColor,
    h: HPos,
    v: VPos,
) -> Res {
    let style = TextStyle::from(font(size))
        .color(&colour)
        .pos(Pos::new(h, v));
    area.draw(&Text::new(
        s.to_string(),
        (at.0.round() as i32, at.1.round() as i32),
        style,
    ))
    .map_err(draw_err)
}

/// A marker of radius `r` pixels at pixel `p`.
fn marker(area: &Area, p: (i32, i32), shape: Shape, colour: RGBColor, r: i32) -> Res {
    let fill = ShapeStyle {
        color: colour.to_rgba(),
        filled: true,
        stroke_width: 1,
    };
    let edge = ShapeStyle {
        color: BLACK.mix(0.6),
        filled: false,
        stroke_width: 1,
    };
    let (x, y) = p;
    let outline: Vec<(i32, i32)> = match shape {
        Shape::Circle => {
            area.draw(&Circle::new(p, r, fill)).map_err(draw_err)?;
            return area.draw(&Circle::new(p, r, edge)).map_err(draw_err);
        }
        Shape::Triangle => vec![(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
        Shape::Square => vec![
            (x - r + 1, y - r + 1),
            (x + r - 1, y - r + 1),
            (x + r - 1, y + r - 1),
            (x - r + 1, y + r - 1),
        ],
        Shape::Diamond => vec![
            (x, y - r - 2),
            (x + r + 1, y),
            (x, y + r + 2),
            (x - r - 1, y),
        ],
    };
    area.draw(&Polygon::new(outline.clone(), fill))
        .map_err(draw_err)?;
    let mut closed = outline;
    closed.push(closed[0]);
    area.draw(&PathElement::new(closed, edge)).map_err(draw_err)
}

/// A thin line between two pixels.
fn area_line(area: &Area, a: (i32, i32), b: (i32, i32), colour: RGBColor) -> Res {
    area.draw(&PathElement::new(vec![a, b], colour.stroke_width(2)))
        .map_err(draw_err)
}

/// A horizontal line from `x0` to `x1` at `y` (pixels), dashed or solid.
fn hline(area: &Area, x0: i32, x1: i32, y: i32, colour: RGBColor, width: u32, dashed: bool) -> Res {
    let style = ShapeStyle {
        color: colour.to_rgba(),
        filled: false,
        stroke_width: width,
    };
    if !dashed {
        return area
            .draw(&PathElement::new(vec![(x0, y), (x1, y)], style))
            .map_err(draw_err);
    }
    let mut x = x0;
    while x < x1 {
        area.draw(&PathElement::new(
            vec![(x, y), ((x + 10).min(x1), y)],
            style,
        ))
        .map_err(draw_err)?;
        x += 16;
    }
    Ok(())
}

fn swatch(area: &Area, sw: Swatch, x: i32, y: i32) -> Res {
    match sw {
        Swatch::Patch(c) => {
            area.draw(&Rectangle::new([(x, y - 9), (x + 30, y + 9)], c.filled()))
                .map_err(draw_err)?;
            area.draw(&Rectangle::new(
                [(x, y - 9), (x + 30, y + 9)],
                GREY.stroke_width(1),
            ))
            .map_err(draw_err)
        }
        Swatch::Marker(shape, c) => marker(area, (x + 15, y), shape, c, 7),
        Swatch::Line(c, dashed) => hline(area, x, x + 30, y, c, 3, dashed),
    }
}

/// Draws the title, subtitle, legend and footnote; returns the area left for the axes.
fn page<'a>(root: &Area<'a>, p: &Page) -> Result<Area<'a>, String> {
    root.fill(&WHITE).map_err(draw_err)?;
    let (w, h) = (f64::from(WIDTH), f64::from(HEIGHT));
    let margin = 30.0;
    let inner = w - 2.0 * margin;
    let mut y = 14.0;
    let size = fit(&p.title, inner, TITLE, 20.0);
    for line in wrap(&p.title, size, inner) {
        text(
            root,
            &line,
            (w / 2.0, y),
            size,
            BLACK,
            HPos::Center,
            VPos::Top,
        )?;
        y += size * 1.25;
    }
    if !p.subtitle.is_empty() {
        for line in wrap(&p.subtitle, SMALL + 1.0, inner) {
            text(
                root,
                &line,
                (w / 2.0, y),
                SMALL + 1.0,
                GREY,
                HPos::Center,
                VPos::Top,
            )?;
            y += (SMALL + 1.0) * 1.3;
        }
    }
    y += 8.0;
    // Legend rows, left to right, wrapping at the page width.
    let mut x = margin;
    let row_h = BODY * 1.5;
    for (sw, label) in &p.legend {
        let entry_w = 38.0 + text_width(label, BODY);
        if x > margin && x + entry_w > w - margin {
            x = margin;
            y += row_h;
        }
        let centre = y + row_h / 2.0;
        swatch(root, *sw, x as i32, centre as i32)?;
        text(
            root,
            label,
            (x + 38.0, centre),
            BODY,
            BLACK,
            HPos::Left,
            VPos::Center,
        )?;
        x += entry_w + 30.0;
    }
    if !p.legend.is_empty() {
        y += row_h;
    }
    y += 6.0;
    let foot: Vec<String> = p
        .footnote
        .iter()
        .flat_map(|l| wrap(l, SMALL, inner))
        .collect();
    // 12 px of air between the axes' labels and the footnote.
    let foot_h = foot.len() as f64 * SMALL * 1.35 + 28.0;
    let mut fy = h - foot_h + 18.0;
    for line in &foot {
        text(root, line, (margin, fy), SMALL, GREY, HPos::Left, VPos::Top)?;
        fy += SMALL * 1.35;
    }
    let plot_h = h - y - foot_h;
    if plot_h < 200.0 {
        return Err(format!(
            "no room left for the axes ({plot_h:.0} px): the legend or footnote is too long"
        ));
    }
    Ok(root.clone().shrink((0, y as u32), (WIDTH, plot_h as u32)))
}

/// A finite, non-empty range around `lo..hi`, padded by `pad` of its span (not below 0 when
/// `lo` is 0).
fn padded(lo: f64, hi: f64, pad: f64) -> Range<f64> {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let span = if hi - lo > 1e-9 {
        hi - lo
    } else {
        lo.abs().max(1.0)
    };
    // A range that starts at 0 keeps 0 on the axis (bars and yields start there).
    let start = if lo == 0.0 { 0.0 } else { lo - pad * span };
    start..(hi + pad * span)
}

/// Decimals for tick labels over a range of `span`.
fn decimals(span: f64) -> usize {
    if span >= 10.0 {
        0
    } else if span >= 2.0 {
        1
    } else {
        2
    }
}

/// The axes: `x_ticks` numeric tick labels on x (0 for categories, labelled by the caller).
fn axes<'a, 'b>(
    area: &'a Area<'b>,
    x: Range<f64>,
    y: Range<f64>,
    x_desc: &str,
    y_desc: &str,
    x_ticks: usize,
) -> Result<Chart<'a, 'b>, String> {
    let (xd, yd) = (decimals(x.end - x.start), decimals(y.end - y.start));
    let mut chart = ChartBuilder::on(area)
        .margin_left(20)
        .margin_right(40)
        .margin_top(10)
        .x_label_area_size(if x_ticks == 0 { 70 } else { 62 })
        .y_label_area_size(110)
        .build_cartesian_2d(x, y)
        .map_err(draw_err)?;
    let x_fmt = move |v: &f64| format!("{v:.xd$}");
    let y_fmt = move |v: &f64| format!("{v:.yd$}");
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(x_ticks)
        .y_labels(10)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .y_desc(y_desc)
        .label_style(font(BODY))
        .axis_desc_style(font(BODY))
        .bold_line_style(LIGHT)
        .light_line_style(WHITE.mix(0.0))
        .axis_style(GREY);
    if x_ticks == 0 {
        mesh.disable_x_mesh();
    } else {
        mesh.x_desc(x_desc);
    }
    mesh.draw().map_err(draw_err)?;
    Ok(chart)
}

/// One box or bar: a pool in a mode.
struct Category {
    x: f64,
    mode: usize,
    pool: PoolKind,
}

/// Categories grouped by mode (pools side by side, so a mode's uplift reads within a group),
/// with a gap between modes. Only (mode, pool) pairs that ran.
fn categories(cells: &[Cell], pools: &[PoolKind]) -> Vec<Category> {
    let mut out = Vec::new();
    let mut x = 0.0;
    for (m, (_, results)) in cells.iter().enumerate() {
        let mut any = false;
        for &pool in pools {
            if results.iter().any(|r| pool_summary(r, pool).is_some()) {
                out.push(Category { x, mode: m, pool });
                x += 1.0;
                any = true;
            }
        }
        if any {
            x += 0.6;
        }
    }
    out
}

/// Pool and mode names under each category.
fn category_labels(root: &Area, chart: &Chart, cats: &[Category], cells: &[Cell]) -> Res {
    let y0 = chart.y_range().start;
    let slot = match cats {
        [a, b, ..] => {
            f64::from(chart.backend_coord(&(b.x, y0)).0 - chart.backend_coord(&(a.x, y0)).0)
        }
        _ => f64::from(WIDTH) / 2.0,
    };
    let size = cats
        .iter()
        .map(|c| fit(pool_tag(c.pool), slot - 8.0, BODY, 11.0))
        .fold(BODY, f64::min);
    for c in cats {
        let (px, py) = chart.backend_coord(&(c.x, y0));
        let (px, py) = (f64::from(px), f64::from(py));
        text(
            root,
            pool_tag(c.pool),
            (px, py + 12.0),
            size,
            BLACK,
            HPos::Center,
            VPos::Top,
        )?;
        let mode = format!("mode {}", cells[c.mode].0);
        let msize = fit(&mode, slot - 8.0, BODY, 11.0);
        text(
            root,
            &mode,
            (px, py + 14.0 + size * 1.3),
            msize,
            GREY,
            HPos::Center,
            VPos::Top,
        )?;
    }
    Ok(())
}

/// `1–3`, `0, 2, 7`, or the first few and a count.
fn seed_list(seeds: &[u64]) -> String {
    let mut s: Vec<u64> = seeds.to_vec();
    s.sort_unstable();
    s.dedup();
    match s.as_slice() {
        [] => "none".into(),
        [one] => one.to_string(),
        [first, .., last] if last - first + 1 == s.len() as u64 => format!("{first}–{last}"),
        _ if s.len() <= 8 => s.iter().map(u64::to_string).collect::<Vec<_>>().join(", "),
        _ => format!(
            "{}, … ({} seeds)",
            s[..6]
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            s.len()
        ),
    }
}

/// The footnote naming the cell the plot shows.
fn cell_note(cells: &[Cell], config: &Config) -> Vec<String> {
    let m = &config.market;
    let l = &config.lending;
    let lending = if l.enabled {
        format!(
            "lending d = {}, target u_X = {:.2}, u_Y = {:.2}, β = {}, LTV {:.0}%",
            l.deposit_share,
            l.utilization_x,
            l.utilization_y,
            l.beta,
            l.ltv * 100.0
        )
    } else {
        "lending off".into()
    };
    let modes = cells
        .iter()
        .map(|(mode, results)| {
            format!(
                "{mode} ({} seeds: {})",
                results.len(),
                seed_list(&results.iter().map(|r| r.seed).collect::<Vec<_>>())
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut lines = vec![format!(
        "Cell: {} days, σ = {:.0}%/yr, {} jumps/yr (σ {:.0}%), λ = {}/min, median order {} bp of TVL, TVL ${:.1}M, p0 {}, mid-term {} s, fixed fee {} bp; {}. Modes: {}.",
        config.run.days,
        m.sigma * 100.0,
        m.jumps_per_year,
        m.jump_sigma * 100.0,
        config.flow.lambda_per_min,
        config.flow.median_order_tvl * 1e4,
        m.tvl / 1e6,
        m.price0,
        config.dlex.mid_term_interval,
        config.dlex.fixed_fee_bips,
        lending,
        modes,
    )];
    if config.run.days < 30 {
        lines.push(format!(
            "A {}-day run annualizes a few days of noise: read the shapes, not the numbers.",
            config.run.days
        ));
    }
    lines
}

/// APY_L (%) of every seed of `pool` in `results`.
fn apys(results: &[crate::run::RunResult], pool: PoolKind) -> Vec<f64> {
    results
        .iter()
        .filter_map(|r| pool_summary(r, pool))
        .map(|s| s.apy_l * 100.0)
        .collect()
}

fn draw_apy_distribution(root: &Area, cells: &[Cell], config: &Config) -> Res {
    let pools = pools_in(cells, config);
    let cats = categories(cells, &pools);
    let mut legend: Vec<(Swatch, String)> = pools
        .iter()
        .filter(|p| cats.iter().any(|c| c.pool == **p))
        .map(|&p| {
            (
                Swatch::Patch(tint(pool_colour(p), 0.35)),
                pool_legend(p).to_string(),
            )
        })
        .collect();
    legend.push((Swatch::Line(BLACK, false), "median".into()));
    legend.push((
        Swatch::Marker(Shape::Circle, tint(BLACK, 0.55)),
        "one seed".into(),
    ));
    let p = Page {
        title: "LP yield in L units (APY_L) across seeds".into(),
        subtitle:
            "box: p25–p75 with the median; whiskers: p10–p90 (nearest rank); dots: every seed"
                .into(),
        legend,
        footnote: cell_note(cells, config),
    };
    let area = page(root, &p)?;
    let all: Vec<f64> = cats
        .iter()
        .flat_map(|c| apys(&cells[c.mode].1, c.pool))
        .collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let x_end = cats.last().map_or(1.0, |c| c.x);
    let mut chart = axes(
        &area,
        -0.6..x_end + 0.6,
        padded(lo.min(0.0), hi.max(0.0), 0.08),
        "",
        "APY_L (% per year, compounded)",
        0,
    )?;
    if lo < 0.0 {
        let y = chart.backend_coord(&(0.0, 0.0)).1;
        let (x0, x1) = (
            chart.backend_coord(&(-0.6, 0.0)).0,
            chart.backend_coord(&(x_end + 0.6, 0.0)).0,
        );
        hline(root, x0, x1, y, GREY, 1, false)?;
    }
    for c in &cats {
        let v = apys(&cells[c.mode].1, c.pool);
        if v.is_empty() {
            continue;
        }
        let q = |p: f64| quantile(&v, p);
        let (p10, p25, med, p75, p90) = (q(0.1), q(0.25), q(0.5), q(0.75), q(0.9));
        let colour = pool_colour(c.pool);
        let (x, hw) = (c.x, 0.25);
        outlined_box(
            &mut chart,
            [(x - hw, p25), (x + hw, p75)],
            tint(colour, 0.35).filled(),
            colour.stroke_width(2),
        )?;
        let whisker = colour.stroke_width(2);
        for (a, b) in [(p10, p25), (p75, p90)] {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, a), (x, b)],
                    whisker,
                )))
                .map_err(draw_err)?;
        }
        for y in [p10, p90] {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x - hw / 2.0, y), (x + hw / 2.0, y)],
                    whisker,
                )))
                .map_err(draw_err)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x - hw, med), (x + hw, med)],
                BLACK.stroke_width(3),
            )))
            .map_err(draw_err)?;
        for (i, y) in v.iter().enumerate() {
            // Golden-ratio spread: deterministic, and seeds with equal APY stay apart.
            let jitter = ((i as f64 * 0.618_034).fract() - 0.5) * 0.3;
            let p = chart.backend_coord(&(x + jitter, *y));
            root.draw(&Circle::new(p, 4, tint(BLACK, 0.55).filled()))
                .map_err(draw_err)?;
        }
    }
    category_labels(root, &chart, &cats, cells)
}

fn draw_uplift(root: &Area, cells: &[Cell], config: &Config) -> Res {
    // (x = mean of the time-averaged u_X and u_Y in %, U in %, pool, mode)
    let mut points: Vec<(f64, f64, PoolKind, usize)> = Vec::new();
    for (m, (_, results)) in cells.iter().enumerate() {
        for r in results {
            for s in r.summaries.iter().filter(|s| s.pool != PoolKind::V2) {
                let (_, ux, uy) = mean_utilization(r, s.pool);
                let x = (ux + uy) / 2.0 * 100.0;
                if let Some(u) = s.uplift.filter(|u| u.is_finite() && x.is_finite()) {
                    points.push((x, u * 100.0, s.pool, m));
                }
            }
        }
    }
    let mut legend: Vec<(Swatch, String)> = [PoolKind::DlexFixed, PoolKind::Dlex]
        .iter()
        .filter(|p| points.iter().any(|q| q.2 == **p))
        .map(|&p| {
            (
                Swatch::Marker(Shape::Circle, pool_colour(p)),
                pool_legend(p).to_string(),
            )
        })
        .collect();
    if cells.len() > 1 {
        for (m, (mode, _)) in cells.iter().enumerate() {
            legend.push((
                Swatch::Marker(SHAPES[m % SHAPES.len()], WHITE),
                format!("mode {mode}"),
            ));
        }
    }
    legend.push((Swatch::Line(BLACK, true), "claims under test".into()));
    let p = Page {
        title: "Uplift over V2 against the lending layer's utilization".into(),
        subtitle: "U = APY_L(pool) / APY_L(v2) − 1, one point per seed; x: mean over the run's days of (u_X + u_Y) / 2 at the end of each day".into(),
        legend,
        footnote: cell_note(cells, config),
    };
    let area = page(root, &p)?;
    // The borrowers' target, so the gap between target and reached utilization shows.
    let target = config
        .lending
        .enabled
        .then(|| (config.lending.utilization_x + config.lending.utilization_y) / 2.0 * 100.0);
    let x_hi = points.iter().map(|p| p.0).chain(target).fold(0.0, f64::max);
    let x_range = 0.0..(x_hi * 1.15).max(5.0);
    let y_lo = points.iter().map(|p| p.1).fold(0.0, f64::min);
    let y_hi = points.iter().map(|p| p.1).fold(60.0, f64::max);
    let chart = axes(
        &area,
        x_range.clone(),
        padded(y_lo, y_hi, 0.08),
        "time-averaged utilization, mean of u_X and u_Y (%)",
        "uplift U over V2 (%)",
        10,
    )?;
    let (x0, x1) = (
        chart.backend_coord(&(x_range.start, 0.0)).0,
        chart.backend_coord(&(x_range.end, 0.0)).0,
    );
    let y_range = chart.y_range();
    let (top, bottom) = (
        chart.backend_coord(&(0.0, y_range.end)).1,
        chart.backend_coord(&(0.0, y_range.start)).1,
    );
    let mut labels: Vec<(String, f64, i32, bool)> = Vec::new();
    let target_px = target.map(|t| chart.backend_coord(&(t, 0.0)).0);
    if let (Some(t), Some(x)) = (target, target_px) {
        let mut y = top;
        while y < bottom {
            area_line(root, (x, y), (x, (y + 6).min(bottom)), GREY)?;
            y += 12;
        }
        let label = format!("borrowers' target {t:.0}%");
        let w = text_width(&label, SMALL + 1.0);
        let lx = if f64::from(x) + 6.0 + w < f64::from(x1) {
            f64::from(x) + 6.0
        } else {
            f64::from(x) - 6.0 - w
        };
        labels.push((label, lx, top + 22, false));
    }
    let refs = [
        (0.0, "U = 0: same APY_L as V2", false),
        (20.0, "U = +20%: the \"≥ +20%\" claim", true),
        (60.0, "U = +60%: the \"up to +60%\" claim", true),
    ];
    for (u, _, dashed) in refs {
        let y = chart.backend_coord(&(0.0, u)).1;
        hline(
            root,
            x0,
            x1,
            y,
            if dashed { BLACK } else { GREY },
            2,
            dashed,
        )?;
    }
    let pixels: Vec<(i32, i32)> = points
        .iter()
        .map(|&(x, u, _, _)| chart.backend_coord(&(x, u)))
        .collect();
    for (i, &(_, _, pool, m)) in points.iter().enumerate() {
        marker(
            root,
            pixels[i],
            SHAPES[m % SHAPES.len()],
            pool_colour(pool),
            7,
        )?;
    }
    // Each reference line's label at the end of the line that covers fewer points.
    for (u, label, _) in refs {
        let y = chart.backend_coord(&(0.0, u)).1;
        let w = text_width(label, SMALL + 1.0);
        let across = |x: f64, left: f64| x > left - 10.0 && x < left + w + 10.0;
        let covered = |left: f64| {
            let points = pixels
                .iter()
                .filter(|p| across(f64::from(p.0), left) && p.1 > y - 32 && p.1 < y + 8)
                .count();
            // The target line counts as many points: a label across it reads badly.
            points
                + target_px
                    .filter(|&x| across(f64::from(x), left))
                    .map_or(0, |_| 100)
        };
        let (right, left) = (f64::from(x1) - 8.0 - w, f64::from(x0) + 8.0);
        let lx = if covered(left) < covered(right) {
            left
        } else {
            right
        };
        labels.push((label.to_string(), lx, y - 4, true));
    }
    for (label, lx, ly, boxed) in labels {
        let w = text_width(&label, SMALL + 1.0);
        if boxed {
            root.draw(&Rectangle::new(
                [
                    (lx as i32 - 4, ly - SMALL as i32 - 4),
                    ((lx + w) as i32 + 4, ly),
                ],
                WHITE.filled(),
            ))
            .map_err(draw_err)?;
        }
        text(
            root,
            &label,
            (lx, f64::from(ly)),
            SMALL + 1.0,
            if boxed { BLACK } else { GREY },
            HPos::Left,
            VPos::Bottom,
        )?;
    }
    if points.is_empty() {
        let c = chart.backend_coord(&((x_range.start + x_range.end) / 2.0, 30.0));
        text(
            root,
            "no uplift to show: no V2 baseline, or V2 earned nothing",
            (f64::from(c.0), f64::from(c.1)),
            BODY,
            GREY,
            HPos::Center,
            VPos::Center,
        )?;
    }
    Ok(())
}

/// Median across seeds of each part of the decomposition, of ℓ's simple growth and of APY_L.
fn median_decomposition(
    results: &[crate::run::RunResult],
    pool: PoolKind,
) -> Option<Decomposition> {
    let all: Vec<Decomposition> = results
        .iter()
        .filter_map(|r| decomposition(r, pool))
        .collect();
    if all.is_empty() {
        return None;
    }
    let med = |f: fn(&Decomposition) -> f64| quantile(&all.iter().map(f).collect::<Vec<_>>(), 0.5);
    Some(Decomposition {
        swap_fees: med(|d| d.swap_fees),
        l_interest: med(|d| d.l_interest),
        xy_interest: med(|d| d.xy_interest),
        legs: med(|d| d.legs),
        bad_debt: med(|d| d.bad_debt),
        ell_simple: med(|d| d.ell_simple),
        apy_l: med(|d| d.apy_l),
    })
}

/// Colours and legend texts of the decomposition's parts, in [`Decomposition::parts`] order.
const PARTS: [(RGBColor, &str); 5] = [
    (BLUE, "swap fees"),
    (
        GREEN,
        "L interest to LPs (BORROW_L growth − protocol share)",
    ),
    (
        SKY,
        "X/Y interest to LPs (LP interest − L part, a residual)",
    ),
    (PURPLE, "lending legs (borrow-L fees, rounding)"),
    (VERMILLION, "liquidations (bad debt)"),
];

fn draw_decomposition(root: &Area, cells: &[Cell], config: &Config) -> Res {
    let pools = pools_in(cells, config);
    let cats = categories(cells, &pools);
    let bars: Vec<(&Category, Decomposition)> = cats
        .iter()
        .filter_map(|c| median_decomposition(&cells[c.mode].1, c.pool).map(|d| (c, d)))
        .collect();
    let mut legend: Vec<(Swatch, String)> = PARTS
        .iter()
        .map(|(c, l)| (Swatch::Patch(*c), l.to_string()))
        .collect();
    legend.push((
        Swatch::Marker(Shape::Diamond, BLACK),
        "median APY_L (compounded)".into(),
    ));
    legend.push((
        Swatch::Line(BLACK, true),
        "median ℓ growth, simple annualized (what the parts should add to)".into(),
    ));
    let mut footnote = vec![
        "Each part: Σ over the run's days / DEPOSIT_L assets at the start × 365 / days (simple, not compounded), median across seeds; medians of parts need not add up to the median total. \
The L / X-Y split assumes all of BORROW_L's growth lands in DEPOSIT_L; the X/Y part is lpInterestTokenL less that L part. The protocol's 10% is minted as shares at value, so it is not shown and does not move ℓ. Liquidation penalties are not shown. For V2, DEPOSIT_L stands for ⌊√(x·y)⌋."
            .to_string(),
    ];
    footnote.extend(cell_note(cells, config));
    let p = Page {
        title: "Where the LPs' yield comes from".into(),
        subtitle: "median contribution to ℓ's growth, % of the run's starting DEPOSIT_L per year, simple, so the compounded APY_L (◆) differs from the stack by compounding".into(),
        legend,
        footnote,
    };
    let area = page(root, &p)?;
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for (_, d) in &bars {
        let pos: f64 = d.parts().iter().map(|(_, v)| v.max(0.0)).sum();
        let neg: f64 = d.parts().iter().map(|(_, v)| v.min(0.0)).sum();
        hi = hi
            .max(pos * 100.0)
            .max(d.apy_l * 100.0)
            .max(d.ell_simple * 100.0);
        lo = lo
            .min(neg * 100.0)
            .min(d.apy_l * 100.0)
            .min(d.ell_simple * 100.0);
    }
    let x_end = cats.last().map_or(1.0, |c| c.x);
    let mut range = padded(lo, hi, 0.08);
    // Room above the tallest bar for its value label.
    range.end += (range.end - range.start) * 0.05;
    let mut chart = axes(
        &area,
        -0.6..x_end + 0.6,
        range,
        "",
        "contribution to ℓ growth (% of starting DEPOSIT_L per year)",
        0,
    )?;
    let zero = chart.backend_coord(&(0.0, 0.0)).1;
    hline(
        root,
        chart.backend_coord(&(-0.6, 0.0)).0,
        chart.backend_coord(&(x_end + 0.6, 0.0)).0,
        zero,
        GREY,
        1,
        false,
    )?;
    for (c, d) in &bars {
        let (x, hw) = (c.x, 0.3);
        let (mut up, mut down) = (0.0, 0.0);
        for ((_, v), (colour, _)) in d.parts().iter().zip(PARTS.iter()) {
            let v = v * 100.0;
            if v == 0.0 || !v.is_finite() {
                continue;
            }
            let (a, b) = if v > 0.0 {
                up += v;
                (up - v, up)
            } else {
                down += v;
                (down - v, down)
            };
            outlined_box(
                &mut chart,
                [(x - hw, a), (x + hw, b)],
                colour.filled(),
                WHITE.stroke_width(1),
            )?;
        }
        let (l, r) = (
            chart.backend_coord(&(x - hw - 0.06, 0.0)).0,
            chart.backend_coord(&(x + hw + 0.06, 0.0)).0,
        );
        let ell = chart.backend_coord(&(x, d.ell_simple * 100.0));
        hline(root, l, r, ell.1, BLACK, 3, true)?;
        let apy = chart.backend_coord(&(x, d.apy_l * 100.0));
        marker(root, apy, Shape::Diamond, BLACK, 7)?;
        let top = chart
            .backend_coord(&(x, (up.max(d.apy_l * 100.0)).max(d.ell_simple * 100.0)))
            .1;
        text(
            root,
            &format!("APY_L {:.1}%", d.apy_l * 100.0),
            (f64::from(apy.0), f64::from(top) - 14.0),
            SMALL,
            BLACK,
            HPos::Center,
            VPos::Bottom,
        )?;
    }
    category_labels(root, &chart, &cats, cells)
}

/// Writes the three plots into `out_dir` (created if needed) and returns their paths.
pub fn write_plots(
    out_dir: &Path,
    cells: &[Cell],
    config: &Config,
) -> Result<Vec<PathBuf>, String> {
    dlex_chart::ensure_font().map_err(|e| format!("plots: {e}"))?;
    std::fs::create_dir_all(out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    type Draw = fn(&Area, &[Cell], &Config) -> Res;
    let plots: [(&str, Draw); 3] = [
        ("apy-distribution.png", draw_apy_distribution),
        ("uplift-vs-utilization.png", draw_uplift),
        ("decomposition.png", draw_decomposition),
    ];
    let mut written = Vec::new();
    for (name, draw) in plots {
        let path = out_dir.join(name);
        {
            let root = BitMapBackend::new(&path, (WIDTH, HEIGHT)).into_drawing_area();
            draw(&root, cells, config).map_err(|e| format!("drawing {}: {e}", path.display()))?;
            root.present()
                .map_err(|e| format!("writing {}: {e}", path.display()))?;
        }
        written.push(path);
    }
    Ok(written)
}

/// Writes `summary.csv`, `runs.csv` and the three plots into `out_dir`; returns their paths.
pub fn write_all(out_dir: &Path, cells: &[Cell], config: &Config) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    let (summary, runs) = (out_dir.join("summary.csv"), out_dir.join("runs.csv"));
    crate::summary::write_summary_csv(&summary, cells, config)?;
    crate::summary::write_runs_csv(&runs, cells)?;
    let mut paths = vec![summary, runs];
    paths.extend(write_plots(out_dir, cells, config)?);
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::fixture;

    /// Width and height from a PNG's IHDR chunk, after checking the signature.
    fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
        if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
            return None;
        }
        let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        Some((be(&bytes[16..20]), be(&bytes[20..24])))
    }

    #[test]
    fn renders_all_three_pngs() {
        let config = Config::default();
        let cells = fixture::cells(&config);
        let dir = std::env::temp_dir().join(format!("dlex-sim-plots-{}", std::process::id()));
        let written = write_plots(&dir, &cells, &config).unwrap();
        let names: Vec<String> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "apy-distribution.png",
                "uplift-vs-utilization.png",
                "decomposition.png"
            ]
        );
        for path in &written {
            let bytes = std::fs::read(path).unwrap();
            assert_eq!(
                png_size(&bytes),
                Some((WIDTH, HEIGHT)),
                "{}",
                path.display()
            );
        }
        // One mode only and a pool list without V2 draw too (no uplift points).
        let one = vec![cells[0].clone()];
        write_plots(&dir, &one, &config).unwrap();
        let mut no_v2 = one.clone();
        for r in &mut no_v2[0].1 {
            r.summaries.retain(|s| s.pool != PoolKind::V2);
            r.summaries.iter_mut().for_each(|s| s.uplift = None);
            r.rows.retain(|d| d.pool != PoolKind::V2);
        }
        write_plots(&dir, &no_v2, &config).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn seed_lists_are_short() {
        assert_eq!(seed_list(&[3, 1, 2]), "1–3");
        assert_eq!(seed_list(&[0, 2, 7]), "0, 2, 7");
        assert_eq!(seed_list(&(0..50).collect::<Vec<_>>()), "0–49");
        assert_eq!(
            seed_list(&[0, 2, 4, 6, 8, 10, 12, 14, 16]),
            "0, 2, 4, 6, 8, 10, … (9 seeds)"
        );
    }
}
