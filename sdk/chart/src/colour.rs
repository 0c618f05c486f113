//! Colours: the two palettes, the diverging colour map of the heat map (two-slope, neutral
//! white exactly at 0) and the line colours of the payout chart.

use crate::ChartError;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// The neutral colour of the diverging map: value change exactly 0.
pub const NEUTRAL: Rgb = Rgb(255, 255, 255);
/// Cells without a value (NaN).
pub const NO_VALUE: Rgb = Rgb(170, 170, 170);

/// Which pair of hues shows losses and gains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Palette {
    /// Red for losses, green for gains: the conventional reading, not for red-green
    /// colour-blind readers.
    #[default]
    RedGreen,
    /// Orange for losses, blue for gains (the orange–blue diverging pair). Orange and blue stay
    /// apart for protanopes and deuteranopes (red-green colour blindness); the end colours also
    /// differ in lightness, so the sign still reads in greyscale by the legend.
    ColourBlind,
}

/// The colour limits of the heat map.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Scale {
    /// ±max|z| over the finite cells: the larger side reaches the end colour, the other side
    /// uses the same slope (so equal |z| has equal intensity on both sides).
    #[default]
    Symmetric,
    /// ±limit (a fraction, e.g. 0.08 for ±8%); values beyond are drawn in the end colours.
    Fixed(f64),
}

/// (light, dark) stops of the loss side, then of the gain side; white is the third stop of both.
fn stops(palette: Palette) -> ([Rgb; 2], [Rgb; 2]) {
    match palette {
        Palette::RedGreen => ([Rgb(240, 128, 110), Rgb(160, 16, 28)], [Rgb(120, 196, 120), Rgb(0, 100, 48)]),
        Palette::ColourBlind => ([Rgb(246, 168, 82), Rgb(166, 78, 0)], [Rgb(128, 178, 222), Rgb(24, 72, 150)]),
    }
}

/// Colours of the payout chart's two lines: (today, at the horizon).
pub fn line_colours(palette: Palette) -> (Rgb, Rgb) {
    match palette {
        Palette::RedGreen => (Rgb(196, 30, 36), Rgb(0, 128, 56)),
        Palette::ColourBlind => (Rgb(214, 110, 0), Rgb(24, 84, 170)),
    }
}

fn lerp(a: Rgb, b: Rgb, t: f64) -> Rgb {
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round().clamp(0.0, 255.0) as u8;
    Rgb(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// A diverging colour map centred exactly at 0: `colour(0) == NEUTRAL`, `colour(-limit)` the
/// dark loss colour, `colour(+limit)` the dark gain colour, with the same slope on both sides
/// (two-slope with equal limits: a skewed min/max never moves the neutral point).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Diverging {
    palette: Palette,
    limit: f64,
}

impl Diverging {
    /// A map with colour limits ±`limit` (a finite number > 0).
    pub fn new(palette: Palette, limit: f64) -> Result<Self, ChartError> {
        if !(limit.is_finite() && limit > 0.0) {
            return Err(ChartError::BadScale { limit });
        }
        Ok(Self { palette, limit })
    }

    /// The map for `scale` over `values` (non-finite values are ignored). Under
    /// [`Scale::Symmetric`] the limit is max|z|; when every value is 0 (or none is finite) it
    /// falls back to 1% so the map stays defined.
    pub fn for_values<'a>(
        palette: Palette,
        scale: Scale,
        values: impl IntoIterator<Item = &'a f64>,
    ) -> Result<Self, ChartError> {
        match scale {
            Scale::Fixed(limit) => Self::new(palette, limit),
            Scale::Symmetric => {
                let m = values.into_iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()));
                Self::new(palette, if m > 0.0 { m } else { 0.01 })
            }
        }
    }

    /// The colour limit: the map spans −limit..=+limit.
    pub fn limit(&self) -> f64 {
        self.limit
    }

    /// Where `z` sits on the map: −1 at −limit (and beyond), 0 at 0, +1 at +limit (and beyond).
    /// NaN for NaN.
    pub fn position(&self, z: f64) -> f64 {
        if z.is_nan() {
            return f64::NAN;
        }
        (z / self.limit).clamp(-1.0, 1.0)
    }

    /// The colour of `z`; [`NO_VALUE`] grey for NaN.
    pub fn colour(&self, z: f64) -> Rgb {
        let t = self.position(z);
        if t.is_nan() {
            return NO_VALUE;
        }
        let (loss, gain) = stops(self.palette);
        let side = if t < 0.0 { loss } else { gain };
        let a = t.abs();
        if a <= 0.5 {
            lerp(NEUTRAL, side[0], a / 0.5)
        } else {
            lerp(side[0], side[1], (a - 0.5) / 0.5)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutral_at_zero_and_ends_at_limits() {
        for palette in [Palette::RedGreen, Palette::ColourBlind] {
            let (loss, gain) = stops(palette);
            let m = Diverging::new(palette, 0.08).unwrap();
            assert_eq!(m.colour(0.0), NEUTRAL);
            assert_eq!(m.colour(-0.0), NEUTRAL);
            assert_eq!(m.colour(-0.08), loss[1]);
            assert_eq!(m.colour(0.08), gain[1]);
            assert_eq!(m.colour(-0.04), loss[0]);
            assert_eq!(m.colour(0.04), gain[0]);
            // Beyond the limits: the end colours.
            assert_eq!(m.colour(-3.0), loss[1]);
            assert_eq!(m.colour(f64::INFINITY), gain[1]);
            assert_eq!(m.colour(f64::NAN), NO_VALUE);
            // Tiny values are (almost) white on the correct side.
            assert_ne!(m.colour(1e-3), m.colour(-1e-3));
        }
    }

    #[test]
    fn symmetric_scale_ignores_skew() {
        // Skewed data: losses to −2%, gains to +10%. The limit is max|z| = 10% on both sides.
        let values = [-0.02, 0.0, 0.03, 0.1, f64::NAN, f64::INFINITY];
        let m = Diverging::for_values(Palette::ColourBlind, Scale::Symmetric, &values).unwrap();
        assert_eq!(m.limit(), 0.1);
        assert_eq!(m.position(0.0), 0.0);
        assert_eq!(m.colour(0.0), NEUTRAL);
        for z in [0.01, 0.02, 0.05, 0.1] {
            assert_eq!(m.position(-z), -m.position(z));
        }
        let (loss, gain) = stops(Palette::ColourBlind);
        assert_eq!(m.colour(0.1), gain[1]);
        assert_eq!(m.colour(-0.1), loss[1]);
        // −2% is only a fifth of the way to the loss end, not the end colour.
        assert!((m.position(-0.02) + 0.2).abs() < 1e-12);
        assert_ne!(m.colour(-0.02), loss[1]);
        // All-zero data still gives a defined map.
        let z = Diverging::for_values(Palette::RedGreen, Scale::Symmetric, &[0.0, 0.0]).unwrap();
        assert_eq!(z.colour(0.0), NEUTRAL);
    }

    #[test]
    fn fixed_scale_and_bad_limits() {
        let m = Diverging::for_values(Palette::RedGreen, Scale::Fixed(0.08), &[-0.5, 0.5]).unwrap();
        assert_eq!(m.limit(), 0.08);
        for bad in [0.0, -0.1, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                Diverging::for_values(Palette::RedGreen, Scale::Fixed(bad), &[0.1]),
                Err(ChartError::BadScale { .. })
            ));
        }
    }
}
