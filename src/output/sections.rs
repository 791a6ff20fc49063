//! Table sections for the ground truth and the groupings, rendered from the same
//! [`content`](super::content) rows as the reports.

use super::content::{self, Section};
use super::format_p;
use super::table::{new_table, pct, right_align, with_ci};
use crate::analysis::Findings;
use std::fmt::Write;

/// A content section as a terminal table (numeric columns right-aligned).
fn render(s: &Section) -> String {
    let mut t = new_table::<0>([]);
    t.set_header(s.headers.clone());
    for row in &s.rows {
        t.add_row(row.clone());
    }
    let numeric: Vec<usize> = (0..s.headers.len())
        .filter(|&i| {
            s.rows.iter().all(|r| r[i].starts_with(|c: char| c.is_ascii_digit() || "+-–[<".contains(c)))
        })
        .collect();
    right_align(&mut t, &numeric);
    t.to_string()
}

/// Each source against the truth, then the model-vs-baseline error-rate tests.
pub(super) fn truth(f: &Findings) -> String {
    if f.truth.is_empty() {
        return String::new();
    }
    let s = content::truth(f);
    let mut out = format!("{}: {}\n{}\n\n", s.title, s.intro, render(&s));
    for r in &f.truth_tests {
        let _ = writeln!(
            out,
            "{} {} {}: {} vs {} {} (n = {}), Δ {} pp, McNemar p {} (adj {}){}",
            r.model,
            r.metric,
            r.rate.to_uppercase(),
            pct(r.model_rate),
            f.settings.baseline,
            pct(r.baseline_rate),
            r.n,
            with_ci(r.difference, r.difference_ci, true),
            format_p(r.p_value),
            format_p(r.p_adjusted),
            if r.significant { " *" } else { "" }
        );
    }
    if !f.truth_tests.is_empty() {
        out.push('\n');
    }
    out
}

/// One section per grouping: rates, both gaps and the amplification per level, then BiasAmp→.
pub(super) fn groups(f: &Findings) -> String {
    let mut out = String::new();
    for g in &f.groupings {
        let s = content::grouping(f, &g.group_by);
        let levels: Vec<String> = g.levels.iter().map(|l| format!("{} ({})", l.level, l.n)).collect();
        let _ = writeln!(out, "{}: levels {}. {}\n{}", s.title, levels.join(", "), s.intro, render(&s));
        for b in f.bias_amplification.iter().filter(|b| b.group_by == g.group_by) {
            let value = b.value.map(|v| format!("{v:+.4}")).unwrap_or_else(|| "–".into());
            let ci = b.ci.map(|c| format!(" [{:+.4}, {:+.4}]", c.low, c.high)).unwrap_or_default();
            let _ = writeln!(out, "BiasAmp→ {} {} {}: {value}{ci}", g.group_by, b.metric, b.model);
        }
        out.push('\n');
    }
    out
}
