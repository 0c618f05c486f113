//! dlex-chart: renders the payout heat map and the payout chart of a dlex position to PNG and
//! SVG with `plotters`. It only draws: the data (value change and LTV over price change and
//! time) is computed elsewhere and handed in as plain vectors.
//!
//! ```no_run
//! # use dlex_chart::*;
//! # fn demo(map: &HeatMap) -> Result<(), ChartError> {
//! let out = render_heatmap(map, std::path::Path::new("/tmp/lmm-heatmap"))?;
//! println!("{} {}", out.png.display(), out.svg.display());
//! # Ok(()) }
//! ```
//!
//! Text uses the bundled DejaVu Sans (assets/, Bitstream Vera licence), so no system fonts
//! are needed. In the SVG, text is emitted as `<text>` in the generic `sans-serif` family.

mod canvas;
pub mod colour;
pub mod contour;
mod error;
mod heatmap;
mod payout;
pub mod ticks;
mod validate;

use std::path::PathBuf;

pub use canvas::ensure_font;
pub use colour::{Diverging, Palette, Rgb, Scale};
pub use error::ChartError;
pub use heatmap::{render_heatmap, HeatMap, LTV_EXPECTED, LTV_LIQUIDATABLE};
pub use payout::{render_payout, PayoutChart};

/// The files written by a render call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub png: PathBuf,
    pub svg: PathBuf,
}
