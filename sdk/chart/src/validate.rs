//! Input checks shared by both charts; each failure is its own [`ChartError`] variant.

use crate::ChartError;

/// At least `min` values (`Empty` for none at all).
pub(crate) fn nonempty(what: &'static str, v: &[f64], min: usize) -> Result<(), ChartError> {
    if v.is_empty() {
        return Err(ChartError::Empty { what });
    }
    if v.len() < min {
        return Err(ChartError::TooFewPoints { what, min, found: v.len() });
    }
    Ok(())
}

pub(crate) fn finite(what: &'static str, v: f64) -> Result<(), ChartError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(ChartError::NonFinite { what, index: None, value: v })
    }
}

/// Every value finite and each one above the one before.
pub(crate) fn ascending(what: &'static str, v: &[f64]) -> Result<(), ChartError> {
    if let Some((index, &value)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
        return Err(ChartError::NonFinite { what, index: Some(index), value });
    }
    if let Some(index) = (1..v.len()).find(|&i| v[i] <= v[i - 1]) {
        return Err(ChartError::NotAscending { what, index });
    }
    Ok(())
}

/// `rows` rows of `cols` values each.
pub(crate) fn grid(what: &'static str, g: &[Vec<f64>], rows: usize, cols: usize) -> Result<(), ChartError> {
    if g.len() != rows {
        return Err(ChartError::LengthMismatch { what, row: None, expected: rows, found: g.len() });
    }
    if let Some((row, r)) = g.iter().enumerate().find(|(_, r)| r.len() != cols) {
        return Err(ChartError::LengthMismatch { what, row: Some(row), expected: cols, found: r.len() });
    }
    Ok(())
}

/// A series with one value per point of an axis of `n` points.
pub(crate) fn series(what: &'static str, v: &[f64], n: usize) -> Result<(), ChartError> {
    if v.len() != n {
        return Err(ChartError::LengthMismatch { what, row: None, expected: n, found: v.len() });
    }
    Ok(())
}
