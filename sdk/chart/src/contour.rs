//! Marching squares on a rectilinear grid: level lines (interpolated linearly along the cell
//! edges, joined into polylines) and the per-cell polygons of the region `z >= level` (for
//! hatching), both in data coordinates. Grids need not be uniformly spaced.
//!
//! The grid is `z[row][col]` with `xs[col]` and `ys[row]`. A corner is inside when
//! `z >= level`; NaN corners make their cells undefined (no line, no region there); ±∞ counts
//! as beyond every level (the crossing sits at the finite corner). Saddle cells are resolved
//! by the mean of their four corners.

use std::collections::HashMap;

/// A point (x, y) in data coordinates.
pub type Point = (f64, f64);

/// An edge of the grid: `H(row, col)` joins (row, col)–(row, col+1); `V(row, col)` joins
/// (row, col)–(row+1, col).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Edge {
    H(usize, usize),
    V(usize, usize),
}

struct Grid<'a> {
    xs: &'a [f64],
    ys: &'a [f64],
    z: &'a [Vec<f64>],
    level: f64,
}

impl Grid<'_> {
    fn inside(&self, r: usize, c: usize) -> bool {
        self.z[r][c] >= self.level
    }

    /// Fraction along a→b where the level is crossed.
    fn fraction(&self, a: f64, b: f64) -> f64 {
        if a.is_infinite() {
            1.0
        } else if b.is_infinite() {
            0.0
        } else {
            ((self.level - a) / (b - a)).clamp(0.0, 1.0)
        }
    }

    /// The crossing point on an edge; a function of the edge alone, so the two cells sharing
    /// an edge get bit-identical points.
    fn crossing(&self, e: Edge) -> Point {
        match e {
            Edge::H(r, c) => {
                let t = self.fraction(self.z[r][c], self.z[r][c + 1]);
                (self.xs[c] + t * (self.xs[c + 1] - self.xs[c]), self.ys[r])
            }
            Edge::V(r, c) => {
                let t = self.fraction(self.z[r][c], self.z[r + 1][c]);
                (self.xs[c], self.ys[r] + t * (self.ys[r + 1] - self.ys[r]))
            }
        }
    }

    /// Corners of cell (r, c) counter-clockwise from bottom-left, as (row, col), and the edge
    /// from each corner to the next.
    fn cell(r: usize, c: usize) -> ([(usize, usize); 4], [Edge; 4]) {
        (
            [(r, c), (r, c + 1), (r + 1, c + 1), (r + 1, c)],
            [Edge::H(r, c), Edge::V(r, c + 1), Edge::H(r + 1, c), Edge::V(r, c)],
        )
    }

    fn defined(&self, r: usize, c: usize) -> bool {
        let (corners, _) = Self::cell(r, c);
        corners.iter().all(|&(i, j)| !self.z[i][j].is_nan())
    }

    /// Whether a saddle cell's two inside corners are joined (mean of the corners inside).
    fn centre_inside(&self, r: usize, c: usize) -> bool {
        let (corners, _) = Self::cell(r, c);
        let vals: Vec<f64> = corners.iter().map(|&(i, j)| self.z[i][j]).collect();
        if vals.iter().any(|v| v.is_infinite()) {
            // An infinite corner dominates the mean.
            return vals.contains(&f64::INFINITY);
        }
        vals.iter().sum::<f64>() / 4.0 >= self.level
    }

    fn cells(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let rows = self.ys.len().saturating_sub(1);
        let cols = self.xs.len().saturating_sub(1);
        (0..rows).flat_map(move |r| (0..cols).map(move |c| (r, c))).filter(|&(r, c)| self.defined(r, c))
    }

    /// The level segments of one cell, as pairs of crossed edges.
    fn segments(&self, r: usize, c: usize) -> Vec<(Edge, Edge)> {
        let (corners, edges) = Self::cell(r, c);
        let ins: Vec<bool> = corners.iter().map(|&(i, j)| self.inside(i, j)).collect();
        let crossed: Vec<usize> = (0..4).filter(|&k| ins[k] != ins[(k + 1) % 4]).collect();
        match crossed.len() {
            2 => vec![(edges[crossed[0]], edges[crossed[1]])],
            4 => {
                // Saddle. Cut off the two corners that are not joined through the centre.
                let joined_are_inside = self.centre_inside(r, c);
                // Corners k whose state differs from "joined" get cut off: the segment joins
                // the edge before k (edges[k-1]) and the edge after it (edges[k]).
                (0..4).filter(|&k| ins[k] != joined_are_inside).map(|k| (edges[(k + 3) % 4], edges[k])).collect()
            }
            _ => vec![],
        }
    }
}

/// The level line `z = level` as polylines through interpolated edge crossings. Open lines
/// start and end on the grid boundary or next to undefined (NaN) cells; closed loops repeat
/// their first point at the end.
pub fn contour_lines(xs: &[f64], ys: &[f64], z: &[Vec<f64>], level: f64) -> Vec<Vec<Point>> {
    if !grid_ok(xs, ys, z) || level.is_nan() {
        return vec![];
    }
    let g = Grid { xs, ys, z, level };
    let segs: Vec<(Edge, Edge)> = g.cells().flat_map(|(r, c)| g.segments(r, c)).collect();
    let mut by_edge: HashMap<Edge, Vec<usize>> = HashMap::new();
    for (i, (a, b)) in segs.iter().enumerate() {
        by_edge.entry(*a).or_default().push(i);
        by_edge.entry(*b).or_default().push(i);
    }
    let mut used = vec![false; segs.len()];
    let mut lines = Vec::new();
    // Open lines first (start at an edge used by one segment only), then the closed loops.
    let starts: Vec<(usize, Edge)> = segs
        .iter()
        .enumerate()
        .flat_map(|(i, (a, b))| [(i, *a), (i, *b)])
        .filter(|(_, e)| by_edge[e].len() == 1)
        .chain(segs.iter().enumerate().map(|(i, (a, _))| (i, *a)))
        .collect();
    for (first, start_edge) in starts {
        if used[first] {
            continue;
        }
        let mut chain = vec![start_edge];
        let (mut seg, mut at) = (first, start_edge);
        loop {
            used[seg] = true;
            let (a, b) = segs[seg];
            let next_edge = if a == at { b } else { a };
            chain.push(next_edge);
            match by_edge[&next_edge].iter().find(|&&s| !used[s]) {
                Some(&s) => {
                    seg = s;
                    at = next_edge;
                }
                None => break,
            }
        }
        lines.push(chain.into_iter().map(|e| g.crossing(e)).collect());
    }
    lines
}

/// The region `z >= level` as one polygon (or two, in split saddle cells) per grid cell, in
/// data coordinates, counter-clockwise. Cells entirely inside give the whole cell rectangle.
pub fn region_polygons(xs: &[f64], ys: &[f64], z: &[Vec<f64>], level: f64) -> Vec<Vec<Point>> {
    if !grid_ok(xs, ys, z) || level.is_nan() {
        return vec![];
    }
    let g = Grid { xs, ys, z, level };
    let mut out = Vec::new();
    for (r, c) in g.cells() {
        let (corners, edges) = Grid::cell(r, c);
        let ins: Vec<bool> = corners.iter().map(|&(i, j)| g.inside(i, j)).collect();
        let n_in = ins.iter().filter(|&&b| b).count();
        if n_in == 0 {
            continue;
        }
        let corner_pt = |k: usize| (xs[corners[k].1], ys[corners[k].0]);
        let saddle = n_in == 2 && ins[0] == ins[2];
        if saddle && !g.centre_inside(r, c) {
            // Two separate corner triangles.
            for k in (0..4).filter(|&k| ins[k]) {
                out.push(vec![g.crossing(edges[(k + 3) % 4]), corner_pt(k), g.crossing(edges[k])]);
            }
            continue;
        }
        let mut poly = Vec::with_capacity(6);
        for k in 0..4 {
            if ins[k] {
                poly.push(corner_pt(k));
            }
            if ins[k] != ins[(k + 1) % 4] {
                poly.push(g.crossing(edges[k]));
            }
        }
        out.push(poly);
    }
    out
}

/// Along a 1-D series (ascending `xs`), the ranges of x where `v >= level`, with ends
/// interpolated linearly between neighbouring points. NaN points are outside.
pub fn level_intervals(xs: &[f64], v: &[f64], level: f64) -> Vec<(f64, f64)> {
    let n = xs.len().min(v.len());
    let inside = |i: usize| v[i] >= level;
    let cross = |i: usize| -> f64 {
        // Between i and i+1, both defined, one inside.
        let (a, b) = (v[i], v[i + 1]);
        let t = if a.is_infinite() {
            1.0
        } else if b.is_infinite() {
            0.0
        } else {
            ((level - a) / (b - a)).clamp(0.0, 1.0)
        };
        xs[i] + t * (xs[i + 1] - xs[i])
    };
    let mut out = Vec::new();
    let mut start: Option<f64> = None;
    for i in 0..n {
        if inside(i) && start.is_none() {
            start = Some(if i > 0 && !v[i - 1].is_nan() { cross(i - 1) } else { xs[i] });
        }
        if let Some(s0) = start {
            let next_outside = i + 1 >= n || !inside(i + 1);
            if next_outside {
                let end = if i + 1 < n && !v[i + 1].is_nan() { cross(i) } else { xs[i] };
                out.push((s0, end));
                start = None;
            }
        }
    }
    out
}

fn grid_ok(xs: &[f64], ys: &[f64], z: &[Vec<f64>]) -> bool {
    xs.len() >= 2 && ys.len() >= 2 && z.len() == ys.len() && z.iter().all(|row| row.len() == xs.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(xs: &[f64], ys: &[f64], f: impl Fn(f64, f64) -> f64) -> Vec<Vec<f64>> {
        ys.iter().map(|&y| xs.iter().map(|&x| f(x, y)).collect()).collect()
    }

    #[test]
    fn plane_z_equals_r() {
        // Columns are days, rows the price change r (non-uniform, 0.1 not on a node).
        let xs: Vec<f64> = (0..=9).map(|d| d as f64 * 10.0).collect();
        let ys = [-0.5, -0.3, -0.05, 0.02, 0.07, 0.13, 0.2, 0.45];
        let z = grid(&xs, &ys, |_, y| y);
        let lines = contour_lines(&xs, &ys, &z, 0.1);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line.len(), xs.len());
        let mut seen_x: Vec<f64> = line.iter().map(|p| p.0).collect();
        seen_x.sort_by(f64::total_cmp);
        for (x, want) in seen_x.iter().zip(&xs) {
            assert!((x - want).abs() < 1e-9, "x {x} vs {want}");
        }
        for (_, y) in line {
            assert!((y - 0.1).abs() < 1e-9, "y {y}");
        }
    }

    #[test]
    fn tilted_plane_is_exact() {
        // z = x/100 + y: linear, so every interpolated crossing lies on the line exactly.
        let xs = [0.0, 7.0, 20.0, 33.0, 50.0, 90.0];
        let ys = [-0.5, -0.2, -0.1, 0.0, 0.15, 0.5];
        let z = grid(&xs, &ys, |x, y| x / 100.0 + y);
        let lines = contour_lines(&xs, &ys, &z, 0.1);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].len() >= 6);
        for (x, y) in &lines[0] {
            assert!((x / 100.0 + y - 0.1).abs() < 1e-9, "({x}, {y})");
        }
        // The line is a chain: consecutive points belong to one cell (no jumps).
        for w in lines[0].windows(2) {
            assert!((w[0].0 - w[1].0).abs() <= 40.0 + 1e-9 && (w[0].1 - w[1].1).abs() <= 0.35 + 1e-9);
        }
    }

    #[test]
    fn closed_loop_and_region() {
        // A bump: z = 1 − (x² + y²) on [−2, 2]²; level 0 is the unit circle (approximately).
        let xs: Vec<f64> = (0..=40).map(|i| -2.0 + i as f64 * 0.1).collect();
        let ys = xs.clone();
        let z = grid(&xs, &ys, |x, y| 1.0 - (x * x + y * y));
        let lines = contour_lines(&xs, &ys, &z, 0.0);
        assert_eq!(lines.len(), 1);
        let l = &lines[0];
        assert_eq!(l.first(), l.last(), "closed loop repeats its first point");
        for (x, y) in l {
            assert!(((x * x + y * y).sqrt() - 1.0).abs() < 0.01);
        }
        // The region polygons cover about π.
        let area: f64 = region_polygons(&xs, &ys, &z, 0.0)
            .iter()
            .map(|p| {
                let n = p.len();
                (0..n).map(|i| p[i].0 * p[(i + 1) % n].1 - p[(i + 1) % n].0 * p[i].1).sum::<f64>() / 2.0
            })
            .sum();
        assert!((area - std::f64::consts::PI).abs() < 0.02, "area {area}");
    }

    #[test]
    fn nan_and_infinite_corners() {
        let xs = [0.0, 1.0, 2.0];
        let ys = [0.0, 1.0];
        // Left cell has a NaN corner: no line there. Right cell crosses 0.5 at x = 1.5.
        let z = vec![vec![f64::NAN, 0.0, 1.0], vec![0.0, 0.0, 1.0]];
        let lines = contour_lines(&xs, &ys, &z, 0.5);
        assert_eq!(lines.len(), 1);
        for (x, _) in &lines[0] {
            assert!((x - 1.5).abs() < 1e-12);
        }
        // An infinite corner: the crossing sits at the finite corner, never NaN.
        let z = vec![vec![0.0, f64::INFINITY], vec![0.0, f64::INFINITY]];
        let lines = contour_lines(&xs[..2], &ys, &z, 0.75);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].iter().all(|(x, y)| x.is_finite() && y.is_finite()));
    }

    #[test]
    fn intervals_1d() {
        let xs = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let v = [1.0, 0.5, 0.0, 0.0, 0.5, f64::INFINITY];
        let iv = level_intervals(&xs, &v, 0.75);
        assert_eq!(iv.len(), 2);
        assert!((iv[0].0 - 0.0).abs() < 1e-12 && (iv[0].1 - 0.5).abs() < 1e-12);
        assert!((iv[1].0 - 4.0).abs() < 1e-12 && (iv[1].1 - 5.0).abs() < 1e-12);
        assert!(level_intervals(&xs, &[f64::NAN; 6], 0.75).is_empty());
    }

    #[test]
    fn saddle_cells() {
        let xs = [0.0, 1.0];
        let ys = [0.0, 1.0];
        // Corners 0 and 2 inside; mean 0.5 >= 0.4 → joined: two lines cutting off corners 1, 3.
        let z = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        assert_eq!(contour_lines(&xs, &ys, &z, 0.4).len(), 2);
        assert_eq!(region_polygons(&xs, &ys, &z, 0.4).len(), 1);
        assert_eq!(region_polygons(&xs, &ys, &z, 0.4)[0].len(), 6);
        // Mean 0.5 < 0.6 → split: two triangles.
        let r = region_polygons(&xs, &ys, &z, 0.6);
        assert_eq!(r.len(), 2);
        assert!(r.iter().all(|p| p.len() == 3));
    }
}
