//! Rendering and input validation through the public API: files written (PNG signature, SVG
//! text), bad input rejected with the matching `ChartError` and no file left behind.

use std::path::PathBuf;

use dlex_chart::*;

/// A way to break valid input, and the error it must give.
type Case<T> = (Box<dyn Fn(&mut T)>, fn(&ChartError) -> bool);

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dlex-chart-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small field: change = r·(1 + d/30) − 0.01, LTV rising towards negative r, one NaN cell.
fn heatmap() -> HeatMap {
    let price_axis: Vec<f64> = (0..=40).map(|i| -0.5 + i as f64 * 0.025).collect();
    let days: Vec<f64> = (0..=30).map(|d| d as f64).collect();
    let change: Vec<Vec<f64>> =
        price_axis.iter().map(|r| days.iter().map(|d| r * (1.0 + d / 30.0) - 0.01).collect()).collect();
    let mut ltv: Vec<Vec<f64>> =
        price_axis.iter().map(|r| days.iter().map(|d| (0.5 - 1.2 * r) * (1.0 + d / 300.0) - 0.2).collect()).collect();
    ltv[0][0] = f64::INFINITY;
    let mut change = change;
    change[20][15] = f64::NAN;
    HeatMap {
        title: "Test position \u{2014} payout heat map (P&L <check>)".into(),
        assumptions: vec!["constant rates".into(), "price jumps at day 0 and stays".into()],
        unit: "X".into(),
        price_axis,
        days,
        change,
        ltv,
        scale: Scale::Symmetric,
        palette: Palette::ColourBlind,
        equity: 10_000.0,
        entry_price: 2000.0,
    }
}

fn payout() -> PayoutChart {
    let price_axis: Vec<f64> = (0..=50).map(|i| -0.5 + i as f64 * 0.02).collect();
    PayoutChart {
        title: "Test position \u{2014} payout".into(),
        assumptions: vec!["constant rates".into()],
        unit: "Y".into(),
        today: price_axis.iter().map(|r| 3.0 * r).collect(),
        horizon: price_axis.iter().map(|r| if *r > 0.3 { f64::NAN } else { 3.0 * r + 0.02 }).collect(),
        horizon_days: 30.0,
        ltv_today: price_axis.iter().map(|r| (0.6 - r).max(0.0)).collect(),
        ltv_horizon: price_axis.iter().map(|r| (0.62 - r).max(0.0)).collect(),
        price_axis,
        palette: Palette::RedGreen,
        equity: 10_000.0,
        entry_price: 1.25,
    }
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// A minimal XML well-formedness check: every tag closes in order, attributes are quoted,
/// and text holds no raw `<` or unescaped `&`.
fn well_formed(xml: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..text[i..].find(';').map(|j| i + j + 1).expect("unterminated entity")];
            assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity), "bad entity {entity}");
        }
        let close = rest[open..].find('>').expect("unclosed tag") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
        assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name.trim()), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap());
        }
        rest = &rest[close + 1..];
    }
    assert!(rest.trim().is_empty());
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

fn check_svg(path: &PathBuf, must_contain: &[&str]) {
    let svg = std::fs::read_to_string(path).unwrap();
    assert!(svg.starts_with("<svg width=\"1200\""), "{}", &svg[..80.min(svg.len())]);
    assert!(svg.trim_end().ends_with("</svg>"));
    well_formed(&svg);
    for s in must_contain {
        assert!(svg.contains(s), "SVG lacks {s:?}");
    }
}

#[test]
fn renders_heatmap_png_and_svg() {
    let dir = temp_dir("heatmap");
    let out = render_heatmap(&heatmap(), &dir.join("map.v1")).unwrap();
    assert_eq!(out.png, dir.join("map.v1.png"));
    assert_eq!(out.svg, dir.join("map.v1.svg"));
    let png = std::fs::read(&out.png).unwrap();
    assert!(png.len() > 10_000);
    assert_eq!(png_size(&png), (1200, 800));
    check_svg(
        &out.svg,
        &[
            "P&amp;L &lt;check&gt;",
            "Portfolio change",
            "Price change",
            "Days",
            "LTV 75%: liquidators start",
            "LTV 85%: expected liquidation",
            "liquidatable: value",
            "entry 2,000",
            "no value",
            "Equity E0 = 10,000 X",
            "constant rates",
        ],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn renders_payout_png_and_svg() {
    let dir = temp_dir("payout");
    let out = render_payout(&payout(), &dir.join("nested/payout")).unwrap();
    let png = std::fs::read(&out.png).unwrap();
    assert_eq!(png_size(&png), (1200, 800));
    check_svg(&out.svg, &["today", "at day 30", "Value change (% of equity)", "entry 1.25", "Equity E0 = 10,000 Y"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn long_text_wraps_and_grows_the_canvas() {
    let dir = temp_dir("long");
    let mut map = heatmap();
    map.title = "A very long title that cannot possibly fit on one line of a twelve hundred pixel wide chart, \
                 so it has to be wrapped onto a second line by the renderer"
        .into();
    map.assumptions = (0..14)
        .map(|i| format!("assumption {i}: {}", "a rather long footnote sentence that goes on ".repeat(3)))
        .collect();
    map.scale = Scale::Fixed(0.08);
    map.palette = Palette::RedGreen;
    let out = render_heatmap(&map, &dir.join("long")).unwrap();
    let (w, h) = png_size(&std::fs::read(&out.png).unwrap());
    assert_eq!(w, 1200);
    assert!(h > 800, "the footnotes need more room: {h}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_heatmap_input() {
    let dir = temp_dir("bad");
    let stem = dir.join("bad");
    let cases: Vec<Case<HeatMap>> = vec![
        (Box::new(|m| m.price_axis.clear()), |e| matches!(e, ChartError::Empty { what: "price_axis" })),
        (Box::new(|m| m.days.clear()), |e| matches!(e, ChartError::Empty { what: "days" })),
        (Box::new(|m| m.days.truncate(1)), |e| {
            matches!(e, ChartError::TooFewPoints { what: "days", min: 2, found: 1 })
        }),
        (Box::new(|m| m.price_axis[3] = f64::NAN), |e| {
            matches!(e, ChartError::NonFinite { what: "price_axis", index: Some(3), .. })
        }),
        (Box::new(|m| m.price_axis[40] = f64::INFINITY), |e| {
            matches!(e, ChartError::NonFinite { what: "price_axis", index: Some(40), .. })
        }),
        (Box::new(|m| m.price_axis.swap(4, 5)), |e| {
            matches!(e, ChartError::NotAscending { what: "price_axis", index: 5 })
        }),
        (Box::new(|m| m.days[7] = m.days[6]), |e| matches!(e, ChartError::NotAscending { what: "days", index: 7 })),
        (
            Box::new(|m| {
                m.change.pop();
            }),
            |e| matches!(e, ChartError::LengthMismatch { what: "change", row: None, expected: 41, found: 40 }),
        ),
        (
            Box::new(|m| {
                m.change[9].pop();
            }),
            |e| matches!(e, ChartError::LengthMismatch { what: "change", row: Some(9), expected: 31, found: 30 }),
        ),
        (Box::new(|m| m.ltv[2].push(0.0)), |e| {
            matches!(e, ChartError::LengthMismatch { what: "ltv", row: Some(2), expected: 31, found: 32 })
        }),
        (Box::new(|m| m.scale = Scale::Fixed(0.0)), |e| matches!(e, ChartError::BadScale { .. })),
        (Box::new(|m| m.scale = Scale::Fixed(f64::NAN)), |e| matches!(e, ChartError::BadScale { .. })),
        (Box::new(|m| m.equity = f64::NAN), |e| matches!(e, ChartError::NonFinite { what: "equity", index: None, .. })),
    ];
    for (i, (break_it, expected)) in cases.iter().enumerate() {
        let mut m = heatmap();
        break_it(&mut m);
        let err = render_heatmap(&m, &stem).expect_err(&format!("case {i} must fail"));
        assert!(expected(&err), "case {i}: got {err:?}");
        assert!(!err.to_string().is_empty());
        assert!(!dir.join("bad.png").exists() && !dir.join("bad.svg").exists(), "case {i} wrote a file");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_payout_input() {
    let stem = std::env::temp_dir().join(format!("dlex-chart-test-{}-never", std::process::id()));
    let cases: Vec<Case<PayoutChart>> = vec![
        (Box::new(|c| c.price_axis.clear()), |e| matches!(e, ChartError::Empty { what: "price_axis" })),
        (
            Box::new(|c| {
                c.today.pop();
            }),
            |e| matches!(e, ChartError::LengthMismatch { what: "today", row: None, expected: 51, found: 50 }),
        ),
        (Box::new(|c| c.ltv_horizon.push(0.0)), |e| {
            matches!(e, ChartError::LengthMismatch { what: "ltv_horizon", .. })
        }),
        (Box::new(|c| c.price_axis[0] = f64::NEG_INFINITY), |e| {
            matches!(e, ChartError::NonFinite { what: "price_axis", index: Some(0), .. })
        }),
        (Box::new(|c| c.horizon_days = f64::NAN), |e| matches!(e, ChartError::NonFinite { what: "horizon_days", .. })),
    ];
    for (i, (break_it, expected)) in cases.iter().enumerate() {
        let mut c = payout();
        break_it(&mut c);
        let err = render_payout(&c, &stem).expect_err(&format!("case {i} must fail"));
        assert!(expected(&err), "case {i}: got {err:?}");
    }
    assert!(!stem.with_extension("png").exists());
}
