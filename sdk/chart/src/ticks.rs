//! Axis ticks and number labels: "nice" tick steps (1, 2, 5 × 10^k), signed percentages with a
//! true minus sign, and amounts with thousands separators.

/// The minus sign used in labels (U+2212), wider than a hyphen and aligned with "+".
pub const MINUS: char = '\u{2212}';

/// The smallest step of the form {1, 2, 5} × 10^k, at least `min_step`, that puts at most
/// `max_ticks` ticks on `lo..=hi`.
pub fn nice_step(lo: f64, hi: f64, max_ticks: usize, min_step: f64) -> f64 {
    let span = (hi - lo).abs().max(f64::MIN_POSITIVE);
    let max_ticks = max_ticks.max(2) as f64;
    let mut k = (span / max_ticks).log10().floor() as i32 - 1;
    loop {
        for m in [1.0, 2.0, 5.0] {
            let step = m * 10f64.powi(k);
            if step + 1e-12 * step >= min_step && (span / step).floor() + 1.0 <= max_ticks {
                return step;
            }
        }
        k += 1;
    }
}

/// The multiples of `step` within `lo..=hi` (with a tolerance of 1e-9 steps at the ends).
pub fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|i| if i == 0 { 0.0 } else { i as f64 * step }).collect()
}

/// Decimals needed to print multiples of `step` exactly (step in the printed unit).
pub fn decimals_for(step: f64) -> usize {
    let mut d = 0;
    while d < 6 && ((step * 10f64.powi(d as i32)).round() - step * 10f64.powi(d as i32)).abs() > 1e-6 {
        d += 1;
    }
    d
}

/// A fraction as a signed percentage: 0.2 → "+20%", −0.05 → "−5%", 0 → "0%".
pub fn percent(fraction: f64, decimals: usize) -> String {
    let p = fraction * 100.0;
    let s = format!("{:.*}", decimals, p.abs());
    let zero = s.chars().all(|c| c == '0' || c == '.');
    if zero {
        format!("{s}%")
    } else if p < 0.0 {
        format!("{MINUS}{s}%")
    } else {
        format!("+{s}%")
    }
}

/// An amount for labels: thousands separators, no decimals from 1,000 up, otherwise four
/// significant digits with trailing zeros dropped ("10,000", "2,000", "1.5", "0.0025").
pub fn amount(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    let sign = if v < 0.0 { MINUS.to_string() } else { String::new() };
    if a >= 1000.0 {
        let digits = format!("{:.0}", a);
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        return sign + &out;
    }
    if a == 0.0 {
        return "0".into();
    }
    let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
    let mut s = format!("{:.*}", decimals, a);
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    sign + &s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps() {
        assert_eq!(nice_step(-0.5, 0.5, 11, 0.0), 0.1);
        assert_eq!(nice_step(0.0, 90.0, 11, 1.0), 10.0);
        assert_eq!(nice_step(-0.08, 0.08, 21, 0.01), 0.01);
        assert_eq!(nice_step(-0.3, 0.3, 21, 0.01), 0.05);
        assert_eq!(nice_step(-0.004, 0.004, 21, 0.0), 0.0005);
        assert_eq!(ticks(-0.5, 0.5, 0.1).len(), 11);
        assert_eq!(ticks(0.0, 90.0, 10.0), (0..=9).map(|i| i as f64 * 10.0).collect::<Vec<_>>());
    }

    #[test]
    fn labels() {
        assert_eq!(percent(0.2, 0), "+20%");
        assert_eq!(percent(-0.4, 0), "\u{2212}40%");
        assert_eq!(percent(0.0, 0), "0%");
        assert_eq!(percent(-1e-17, 0), "0%");
        assert_eq!(percent(0.005, 1), "+0.5%");
        assert_eq!(decimals_for(1.0), 0);
        assert_eq!(decimals_for(0.5), 1);
        assert_eq!(decimals_for(0.05), 2);
        assert_eq!(amount(10_000.0), "10,000");
        assert_eq!(amount(2000.0), "2,000");
        assert_eq!(amount(1_234_567.4), "1,234,567");
        assert_eq!(amount(999.0), "999");
        assert_eq!(amount(1.5), "1.5");
        assert_eq!(amount(0.0025), "0.0025");
        assert_eq!(amount(-2500.0), "\u{2212}2,500");
    }
}
