//! Drawing primitives shared by both charts, in pixel coordinates on any plotters backend: the
//! bundled font, text measured/wrapped/fitted and placed by its baseline (the same in PNG and
//! SVG), dashed lines with a white halo, hatching clipped to polygons, the data→pixel frame,
//! axes with ticks, legends and the footnote block.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

use crate::colour::Rgb;
use crate::ChartError;

static FONT_BYTES: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
const FAMILY: FontFamily<'static> = FontFamily::SansSerif;

/// Registers the bundled DejaVu Sans as plotters' "sans-serif" family, once per process.
/// Public so other crates drawing with plotters (the simulator's plots) use this one copy.
pub fn ensure_font() -> Result<(), ChartError> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT_BYTES)
            .map_err(|_| "DejaVuSans.ttf is not a valid font".to_string())
    })
    .clone()
    .map_err(ChartError::Font)
}

/// Text sizes (plotters' font size: the font's pixel height, ascent to descent; the SVG
/// `font-size` is this / 1.24, so 18 gives 14.5 px body text).
pub(crate) const TITLE: f64 = 30.0;
pub(crate) const TITLE_MIN: f64 = 22.0;
pub(crate) const BODY: f64 = 18.0;
pub(crate) const LINE: f64 = 1.3; // line height in font sizes

pub(crate) const BLACK: Rgb = Rgb(0, 0, 0);
pub(crate) const DARK: Rgb = Rgb(40, 40, 40);
pub(crate) const GREY: Rgb = Rgb(110, 110, 110);
pub(crate) const WHITE: Rgb = Rgb(255, 255, 255);

/// Width of `s` at `size`, in pixels.
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    FontDesc::new(FAMILY, size, FontStyle::Normal)
        .box_size(s)
        .map(|(w, _)| w as f64)
        .unwrap_or(s.chars().count() as f64 * size * 0.62)
}

/// Greedy word wrap to `max_w` pixels; a word wider than the line is split by characters.
pub(crate) fn wrap(s: &str, size: f64, max_w: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let candidate = if cur.is_empty() { word.to_string() } else { format!("{cur} {word}") };
        if text_width(&candidate, size) <= max_w {
            cur = candidate;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if text_width(word, size) <= max_w {
            cur = word.to_string();
        } else {
            for ch in word.chars() {
                let mut next = cur.clone();
                next.push(ch);
                if !cur.is_empty() && text_width(&next, size) > max_w {
                    lines.push(std::mem::take(&mut cur));
                    cur.push(ch);
                } else {
                    cur = next;
                }
            }
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The largest size in `min..=max` (1 px steps) at which `s` fits on one line of `max_w`;
/// if none does, `s` wrapped at `min`.
pub(crate) fn fit(s: &str, max_w: f64, max: f64, min: f64) -> (f64, Vec<String>) {
    let mut size = max;
    while size >= min {
        if text_width(s, size) <= max_w {
            return (size, vec![s.to_string()]);
        }
        size -= 1.0;
    }
    (min, wrap(s, min, max_w))
}

/// The area of a chart: the plotting rectangle in pixels and the data ranges it shows.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Frame {
    pub fn px(&self, x: f64, y: f64) -> (f64, f64) {
        (self.px_x(x), self.px_y(y))
    }
    pub fn px_x(&self, x: f64) -> f64 {
        self.left + (x - self.x.0) / (self.x.1 - self.x.0) * (self.right - self.left)
    }
    pub fn px_y(&self, y: f64) -> f64 {
        self.bottom - (y - self.y.0) / (self.y.1 - self.y.0) * (self.bottom - self.top)
    }
}

/// A stroke: colour, width, dash pattern (on, off, on, off… in pixels; empty = solid) and an
/// optional white halo underneath so the line reads on dark and light cells alike.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stroke {
    pub colour: Rgb,
    pub width: f64,
    pub dash: &'static [f64],
    pub halo: bool,
}

/// What a legend entry shows in front of its text.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Swatch {
    Line(Stroke),
    /// A filled box, with hatching in the given directions (+1 '/', −1 '\').
    Patch {
        fill: Option<(Rgb, f64)>,
        hatch: &'static [i32],
        hatch_colour: Rgb,
    },
    /// A circle marker, open or filled.
    Marker {
        filled: bool,
    },
}

pub(crate) type Res = Result<(), String>;

fn rgba(c: Rgb, alpha: f64) -> RGBAColor {
    RGBAColor(c.0, c.1, c.2, alpha)
}

/// Splits a polyline into its "on" pieces under a dash pattern.
pub(crate) fn dash_pieces(pts: &[(f64, f64)], pattern: &[f64]) -> Vec<Vec<(f64, f64)>> {
    if pattern.is_empty() || pts.len() < 2 {
        return vec![pts.to_vec()];
    }
    let mut out = Vec::new();
    let (mut k, mut left) = (0usize, pattern[0]);
    let mut cur: Vec<(f64, f64)> = vec![pts[0]];
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let mut pos = 0.0;
        while len - pos > left {
            pos += left;
            let t = pos / len;
            let p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            if k % 2 == 0 {
                cur.push(p);
                out.push(std::mem::take(&mut cur));
            } else {
                cur = vec![p];
            }
            k = (k + 1) % pattern.len();
            left = pattern[k];
        }
        left -= len - pos;
        if k % 2 == 0 {
            cur.push(b);
        }
    }
    if k % 2 == 0 && cur.len() >= 2 {
        out.push(cur);
    }
    out
}

/// Hatch lines clipped to the union of `polys` (pixel coordinates): lines x + dir·y = c for
/// c on multiples of `spacing`, merged where neighbouring polygons touch.
pub(crate) fn hatch_lines(polys: &[Vec<(f64, f64)>], spacing: f64, dir: i32) -> Vec<((f64, f64), (f64, f64))> {
    let s = dir as f64;
    let mut by_line: std::collections::BTreeMap<i64, Vec<(f64, f64)>> = Default::default();
    for poly in polys {
        let n = poly.len();
        if n < 3 {
            continue;
        }
        let u: Vec<f64> = poly.iter().map(|p| p.0 + s * p.1).collect();
        let lo = u.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = u.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        for k in (lo / spacing).ceil() as i64..=(hi / spacing).floor() as i64 {
            let c = k as f64 * spacing;
            let mut xs: Vec<f64> = (0..n)
                .filter_map(|i| {
                    let j = (i + 1) % n;
                    if (u[i] < c) != (u[j] < c) {
                        let t = (c - u[i]) / (u[j] - u[i]);
                        Some(poly[i].0 + t * (poly[j].0 - poly[i].0))
                    } else {
                        None
                    }
                })
                .collect();
            xs.sort_by(f64::total_cmp);
            for pair in xs.chunks_exact(2) {
                by_line.entry(k).or_default().push((pair[0], pair[1]));
            }
        }
    }
    let mut out = Vec::new();
    for (k, mut spans) in by_line {
        let c = k as f64 * spacing;
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut merged: Vec<(f64, f64)> = Vec::new();
        for (a, b) in spans {
            match merged.last_mut() {
                Some(last) if a <= last.1 + 0.75 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        for (a, b) in merged {
            if b - a > 0.5 {
                out.push(((a, s * (c - a)), (b, s * (c - b))));
            }
        }
    }
    out
}

/// A drawing surface. Callers use logical pixels (the size of the PNG); the backend is `k`
/// times larger (the PNG is supersampled, the SVG drawn at a finer grid and shown at logical
/// size). `svg` selects the baseline offset of text so that text sits on the same baseline in
/// both outputs.
pub(crate) struct Canvas<'a, DB: DrawingBackend> {
    pub area: &'a DrawingArea<DB, Shift>,
    pub svg: bool,
    pub k: f64,
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    fn ip(&self, p: (f64, f64)) -> (i32, i32) {
        ((p.0 * self.k).round() as i32, (p.1 * self.k).round() as i32)
    }

    fn style(&self, size: f64, colour: Rgb, h: HPos) -> TextStyle<'static> {
        TextStyle {
            font: FontDesc::new(FAMILY, size * self.k, FontStyle::Normal),
            color: rgba(colour, 1.0).to_backend_color(),
            pos: Pos::new(h, VPos::Top),
        }
    }

    /// Distance from the top anchor to the baseline.
    fn baseline_offset(&self, size: f64) -> f64 {
        if self.svg {
            0.76 * size / 1.24
        } else {
            0.5 * size
        }
    }

    /// Text with its baseline at `baseline`, aligned at `x` by `h`.
    pub fn text(&self, s: &str, x: f64, baseline: f64, size: f64, h: HPos, colour: Rgb) -> Res {
        let y = baseline - self.baseline_offset(size);
        self.area.draw_text(s, &self.style(size, colour, h), self.ip((x, y))).map_err(|e| e.to_string())
    }

    /// Text reading upwards, centred on `y_centre`, its baseline at `x_baseline`.
    pub fn vtext(&self, s: &str, x_baseline: f64, y_centre: f64, size: f64, colour: Rgb) -> Res {
        let x = x_baseline - self.baseline_offset(size);
        let style = self.style(size, colour, HPos::Center).transform(FontTransform::Rotate270);
        self.area.draw_text(s, &style, self.ip((x, y_centre))).map_err(|e| e.to_string())
    }

    /// A white box behind a text label (for labels drawn over the plot).
    pub fn label_box(&self, s: &str, x: f64, baseline: f64, size: f64, h: HPos) -> Res {
        let w = text_width(s, size);
        let x0 = match h {
            HPos::Left => x,
            HPos::Center => x - w / 2.0,
            HPos::Right => x - w,
        };
        self.rect((x0 - 4.0, baseline - 0.72 * size), (x0 + w + 4.0, baseline + 0.3 * size), WHITE, 0.85, true)?;
        self.text(s, x, baseline, size, h, BLACK)
    }

    pub fn polyline(&self, pts: &[(f64, f64)], colour: Rgb, alpha: f64, width: f64) -> Res {
        if pts.len() < 2 {
            return Ok(());
        }
        let style = ShapeStyle {
            color: rgba(colour, alpha),
            filled: false,
            stroke_width: (width * self.k).round().max(1.0) as u32,
        };
        let mut path: Vec<(i32, i32)> = pts.iter().map(|&p| self.ip(p)).collect();
        path.dedup();
        if path.len() < 2 {
            return Ok(());
        }
        self.area.draw(&PathElement::new(path, style)).map_err(|e| e.to_string())
    }

    pub fn stroke(&self, pts: &[(f64, f64)], st: &Stroke) -> Res {
        if st.halo {
            self.polyline(pts, WHITE, 0.75, st.width + 3.0)?;
        }
        for piece in dash_pieces(pts, st.dash) {
            self.polyline(&piece, st.colour, 1.0, st.width)?;
        }
        Ok(())
    }

    pub fn rect(&self, a: (f64, f64), b: (f64, f64), colour: Rgb, alpha: f64, filled: bool) -> Res {
        let style = ShapeStyle { color: rgba(colour, alpha), filled, stroke_width: 1 };
        self.area.draw(&Rectangle::new([self.ip(a), self.ip(b)], style)).map_err(|e| e.to_string())
    }

    /// A filled rectangle given by integer pixel edges (cells: shared edges, no gaps).
    pub fn cell(&self, x0: i32, y0: i32, x1: i32, y1: i32, colour: Rgb) -> Res {
        if x1 <= x0 || y1 <= y0 {
            return Ok(());
        }
        let style = ShapeStyle { color: rgba(colour, 1.0), filled: true, stroke_width: 0 };
        // Filled rectangles exclude the far edge in both backends: neighbours share edges.
        let k = self.k.round() as i32;
        self.area.draw(&Rectangle::new([(x0 * k, y0 * k), (x1 * k, y1 * k)], style)).map_err(|e| e.to_string())
    }

    pub fn polygon(&self, pts: &[(f64, f64)], colour: Rgb, alpha: f64) -> Res {
        let style = ShapeStyle { color: rgba(colour, alpha), filled: true, stroke_width: 0 };
        self.area
            .draw(&Polygon::new(pts.iter().map(|&p| self.ip(p)).collect::<Vec<_>>(), style))
            .map_err(|e| e.to_string())
    }

    pub fn hatch(&self, polys: &[Vec<(f64, f64)>], spacing: f64, dir: i32, colour: Rgb, alpha: f64) -> Res {
        for (a, b) in hatch_lines(polys, spacing, dir) {
            self.polyline(&[a, b], colour, alpha, 1.0)?;
        }
        Ok(())
    }

    /// The legend swatch in the box (x, y_centre) .. (x + w).
    pub fn swatch(&self, sw: &Swatch, x: f64, y: f64, w: f64) -> Res {
        match sw {
            Swatch::Line(st) => self.stroke(&[(x, y), (x + w, y)], st),
            Swatch::Patch { fill, hatch, hatch_colour } => {
                let (a, b) = ((x, y - 8.0), (x + w, y + 8.0));
                if let Some((c, alpha)) = fill {
                    self.rect(a, b, *c, *alpha, true)?;
                }
                let poly = vec![a, (b.0, a.1), b, (a.0, b.1)];
                for d in hatch.iter() {
                    self.hatch(std::slice::from_ref(&poly), 7.0, *d, *hatch_colour, 0.8)?;
                }
                self.rect(a, b, GREY, 1.0, false)
            }
            Swatch::Marker { filled } => self.marker((x + w / 2.0, y), DARK, *filled),
        }
    }

    /// A circle marker: open (white inside) or filled.
    pub fn marker(&self, p: (f64, f64), colour: Rgb, filled: bool) -> Res {
        let centre = self.ip(p);
        let k = self.k;
        let fill = if filled { colour } else { WHITE };
        let st = ShapeStyle { color: rgba(fill, 1.0), filled: true, stroke_width: 0 };
        self.area.draw(&Circle::new(centre, (6.0 * k) as i32, st)).map_err(|e| e.to_string())?;
        let st = ShapeStyle { color: rgba(colour, 1.0), filled: false, stroke_width: (2.0 * k) as u32 };
        self.area.draw(&Circle::new(centre, (6.0 * k) as i32, st)).map_err(|e| e.to_string())
    }
}

/// Ticks drawn on the frame, with labels.
pub(crate) struct Axis {
    pub ticks: Vec<(f64, String)>,
    /// A second, grey row of labels under the ticks (bottom axis only; may be empty).
    pub sub: Vec<String>,
    pub title: String,
}

pub(crate) const SWATCH_W: f64 = 40.0;

/// Legend entries laid out in rows within `width`; returns the rows (each a list of entry
/// indices with their x offsets) and the total height.
pub(crate) fn legend_rows(entries: &[(Swatch, String)], width: f64, size: f64) -> Vec<Vec<(usize, f64)>> {
    let gap = 28.0;
    let mut rows: Vec<Vec<(usize, f64)>> = vec![vec![]];
    let mut x = 0.0;
    for (i, (_, label)) in entries.iter().enumerate() {
        let w = SWATCH_W + 8.0 + text_width(label, size);
        if x > 0.0 && x + w > width {
            rows.push(vec![]);
            x = 0.0;
        }
        rows.last_mut().unwrap().push((i, x));
        x += w + gap;
    }
    rows
}

/// Footnote text: each input line wrapped to `width`.
pub(crate) fn footnote_lines(lines: &[String], width: f64, size: f64) -> Vec<String> {
    lines.iter().flat_map(|l| wrap(l, size, width)).collect()
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    /// Frame outline, ticks and tick labels on the left and bottom, axis titles.
    pub fn axes(&self, f: &Frame, x: &Axis, y: &Axis, size: f64) -> Res {
        for (i, (v, label)) in x.ticks.iter().enumerate() {
            let px = f.px_x(*v);
            self.polyline(&[(px, f.bottom), (px, f.bottom + 6.0)], DARK, 1.0, 1.0)?;
            self.text(label, px, f.bottom + 8.0 + 0.75 * size, size, HPos::Center, DARK)?;
            if let Some(sub) = x.sub.get(i) {
                self.text(sub, px, f.bottom + 8.0 + 2.0 * size, size, HPos::Center, GREY)?;
            }
        }
        let title_base = f.bottom + 8.0 + if x.sub.is_empty() { 1.95 } else { 3.3 } * size;
        let mut widest: f64 = 0.0;
        for (v, label) in &y.ticks {
            let py = f.px_y(*v);
            self.polyline(&[(f.left - 6.0, py), (f.left, py)], DARK, 1.0, 1.0)?;
            self.text(label, f.left - 10.0, py + 0.36 * size, size, HPos::Right, DARK)?;
            widest = widest.max(text_width(label, size));
        }
        self.rect((f.left, f.top), (f.right, f.bottom), DARK, 1.0, false)?;
        self.text(&x.title, (f.left + f.right) / 2.0, title_base, size, HPos::Center, BLACK)?;
        self.vtext(&y.title, f.left - 16.0 - widest - 0.3 * size, (f.top + f.bottom) / 2.0, size, BLACK)
    }

    /// Legend rows from `top`; returns the y below them.
    pub fn legend(
        &self,
        entries: &[(Swatch, String)],
        left: f64,
        top: f64,
        width: f64,
        size: f64,
    ) -> Result<f64, String> {
        let rows = legend_rows(entries, width, size);
        let mut y = top;
        for row in rows {
            let centre = y + 0.6 * size;
            for (i, dx) in row {
                let (sw, label) = &entries[i];
                self.swatch(sw, left + dx, centre, SWATCH_W)?;
                self.text(label, left + dx + SWATCH_W + 8.0, centre + 0.36 * size, size, HPos::Left, BLACK)?;
            }
            y += LINE * size + 4.0;
        }
        Ok(y)
    }

    /// Title lines centred at the top; returns the y below them.
    pub fn title(&self, lines: &[String], size: f64, centre_x: f64, top: f64) -> Result<f64, String> {
        let mut y = top;
        for l in lines {
            y += size * 0.95;
            self.text(l, centre_x, y, size, HPos::Center, BLACK)?;
            y += size * 0.3;
        }
        Ok(y)
    }

    pub fn lines(&self, lines: &[String], left: f64, top: f64, size: f64, colour: Rgb) -> Result<f64, String> {
        let mut y = top;
        for l in lines {
            self.text(l, left, y + 0.8 * size, size, HPos::Left, colour)?;
            y += LINE * size;
        }
        Ok(y)
    }
}

/// `stem` + ".png" and `stem` + ".svg" (appended, so dots in the stem are kept), creating the
/// parent directory if needed.
pub(crate) fn outputs(stem: &Path) -> Result<(PathBuf, PathBuf), ChartError> {
    if let Some(parent) = stem.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| ChartError::Io { path: parent.to_path_buf(), source })?;
    }
    let with = |ext: &str| {
        let mut s = stem.as_os_str().to_os_string();
        s.push(ext);
        PathBuf::from(s)
    };
    Ok((with(".png"), with(".svg")))
}

/// A laid-out chart that can draw itself on any backend.
pub(crate) trait Picture {
    /// Canvas size in pixels.
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Res;
}

/// Supersampling of the PNG (drawn at 3× and averaged down: smooth lines, no staircases).
const PNG_SS: u32 = 3;
/// The SVG is drawn on a 2× grid (integer coordinates at half-pixel precision) and shown at
/// logical size through its viewBox.
const SVG_SCALE: u32 = 2;

/// Averages `k`×`k` blocks of an RGB buffer of (w·k)×(h·k) pixels.
fn downsample(big: &[u8], w: u32, h: u32, k: u32) -> Vec<u8> {
    let (w, h, k) = (w as usize, h as usize, k as usize);
    let mut out = vec![0u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0u32; 3];
            for dy in 0..k {
                let row = (y * k + dy) * w * k;
                for dx in 0..k {
                    let i = (row + x * k + dx) * 3;
                    for c in 0..3 {
                        acc[c] += big[i + c] as u32;
                    }
                }
            }
            let n = (k * k) as u32;
            for c in 0..3 {
                out[(y * w + x) * 3 + c] = ((acc[c] + n / 2) / n) as u8;
            }
        }
    }
    out
}

/// Draws `pic` into `stem`.png and `stem`.svg.
pub(crate) fn render_both<P: Picture>(stem: &Path, pic: &P) -> Result<crate::Rendered, ChartError> {
    let (png, svg) = outputs(stem)?;
    let (w, h) = pic.size();
    {
        let err = |m: String| ChartError::Draw { path: png.clone(), message: m };
        let mut big = vec![255u8; (w * PNG_SS * h * PNG_SS * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut big, (w * PNG_SS, h * PNG_SS)).into_drawing_area();
            pic.draw(&Canvas { area: &root, svg: false, k: PNG_SS as f64 }).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))?;
        }
        let small = downsample(&big, w, h, PNG_SS);
        let root = BitMapBackend::new(&png, (w, h)).into_drawing_area();
        let image = BitMapElement::with_owned_buffer((0, 0), (w, h), small).ok_or_else(|| err("buffer size".into()))?;
        root.draw(&image).map_err(|e| err(e.to_string()))?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    {
        let err = |m: String| ChartError::Draw { path: svg.clone(), message: m };
        let (sw, sh) = (w * SVG_SCALE, h * SVG_SCALE);
        {
            let root = SVGBackend::new(&svg, (sw, sh)).into_drawing_area();
            root.fill(&rgba(WHITE, 1.0)).map_err(|e| err(e.to_string()))?;
            pic.draw(&Canvas { area: &root, svg: true, k: SVG_SCALE as f64 }).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))?;
        }
        // Show the 2× drawing at logical size.
        let text = std::fs::read_to_string(&svg).map_err(|e| err(e.to_string()))?;
        let from = format!("<svg width=\"{sw}\" height=\"{sh}\"");
        if !text.starts_with(&from) {
            return Err(err("unexpected SVG header".into()));
        }
        let text = format!("<svg width=\"{w}\" height=\"{h}\"{}", &text[from.len()..]);
        std::fs::write(&svg, text).map_err(|e| err(e.to_string()))?;
    }
    Ok(crate::Rendered { png, svg })
}
