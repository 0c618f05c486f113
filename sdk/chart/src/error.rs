//! The one error type of the crate: what was wrong with the input, or why a file could not be
//! drawn or written.

use std::fmt;
use std::path::PathBuf;

/// Why a chart was not rendered. Input is validated before anything is drawn, so an input
/// error never leaves a half-written file behind.
#[derive(Debug)]
pub enum ChartError {
    /// A series or axis that must have values has none (`what` names the field).
    Empty { what: &'static str },
    /// An axis has fewer points than the chart needs (at least two, to span a range).
    TooFewPoints { what: &'static str, min: usize, found: usize },
    /// A series or grid row does not have the length its axis asks for. `row` is the grid row
    /// for `change` and `ltv`, `None` for a whole series or the number of rows.
    LengthMismatch { what: &'static str, row: Option<usize>, expected: usize, found: usize },
    /// An axis value or scalar that must be finite is NaN or infinite.
    NonFinite { what: &'static str, index: Option<usize>, value: f64 },
    /// An axis is not strictly ascending: `values[index] <= values[index - 1]`.
    NotAscending { what: &'static str, index: usize },
    /// `Scale::Fixed(limit)` with a limit that is not a finite number > 0.
    BadScale { limit: f64 },
    /// The bundled font could not be registered with the text renderer.
    Font(String),
    /// The output directory could not be created.
    Io { path: PathBuf, source: std::io::Error },
    /// The drawing backend failed (e.g. the file could not be written).
    Draw { path: PathBuf, message: String },
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChartError::Empty { what } => write!(f, "{what} is empty"),
            ChartError::TooFewPoints { what, min, found } => {
                write!(f, "{what} has {found} point(s); at least {min} are needed")
            }
            ChartError::LengthMismatch { what, row: Some(row), expected, found } => {
                write!(f, "{what} row {row} has {found} values, expected {expected} (one per column)")
            }
            ChartError::LengthMismatch { what, row: None, expected, found } => {
                write!(f, "{what} has {found} values, expected {expected}")
            }
            ChartError::NonFinite { what, index: Some(i), value } => {
                write!(f, "{what}[{i}] is {value}, expected a finite number")
            }
            ChartError::NonFinite { what, index: None, value } => {
                write!(f, "{what} is {value}, expected a finite number")
            }
            ChartError::NotAscending { what, index } => {
                write!(f, "{what} is not strictly ascending at index {index} (each value must exceed the previous one)")
            }
            ChartError::BadScale { limit } => {
                write!(f, "fixed colour scale limit {limit} is not a finite number > 0")
            }
            ChartError::Font(m) => write!(f, "cannot load the bundled font: {m}"),
            ChartError::Io { path, source } => write!(f, "cannot create {}: {source}", path.display()),
            ChartError::Draw { path, message } => write!(f, "cannot draw {}: {message}", path.display()),
        }
    }
}

impl std::error::Error for ChartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ChartError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
