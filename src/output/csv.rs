//! The comparisons table as CSV (one row per metric × model, full precision).

use crate::analysis::{Comparison, Findings};
use crate::stats::Interval;

const HEADER: [&str; 24] = [
    "metric",
    "model",
    "n",
    "both",
    "model_only",
    "baseline_only",
    "neither",
    "baseline_rate",
    "baseline_ci_low",
    "baseline_ci_high",
    "model_rate",
    "model_ci_low",
    "model_ci_high",
    "difference",
    "difference_ci_low",
    "difference_ci_high",
    "p_value",
    "p_adjusted",
    "cohens_h",
    "ratio",
    "invalid_baseline",
    "invalid_model",
    "significant",
    "note",
];

/// Renders the comparisons as RFC 4180 CSV; missing values are empty fields.
pub fn render(f: &Findings) -> String {
    let mut out = HEADER.join(",") + "\n";
    for c in &f.comparisons {
        out.push_str(&row(c).iter().map(|v| quote(v)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

fn row(c: &Comparison) -> Vec<String> {
    let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    let ci = |x: Option<Interval>| [num(x.map(|i| i.low)), num(x.map(|i| i.high))];
    let [bl, bh] = ci(c.baseline_ci);
    let [ml, mh] = ci(c.model_ci);
    let [dl, dh] = ci(c.difference_ci);
    vec![
        c.metric.clone(),
        c.model.clone(),
        c.n.to_string(),
        c.both.to_string(),
        c.model_only.to_string(),
        c.baseline_only.to_string(),
        c.neither.to_string(),
        num(c.baseline_rate),
        bl,
        bh,
        num(c.model_rate),
        ml,
        mh,
        num(c.difference),
        dl,
        dh,
        num(c.p_value),
        num(c.p_adjusted),
        num(c.cohens_h),
        num(c.ratio),
        c.invalid_baseline.to_string(),
        c.invalid_model.to_string(),
        c.significant.to_string(),
        c.note.clone().unwrap_or_default(),
    ]
}

fn quote(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}
