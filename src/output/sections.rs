//! Table sections for the ground truth and the groupings, rendered from the same
//! [`content`](super::content) rows as the reports.

use super::content::{self, Section};
use super::content::{pct, with_ci};
use super::format_p;
use super::table::{new_table, right_align};
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
            "{} {} {}: {} vs {} {} (n = {}), Δ {} pp, {} p {} (adj {}){}",
            r.model,
            r.metric,
            r.rate.to_uppercase(),
            pct(r.model_rate),
            f.settings.baseline,
            pct(r.baseline_rate),
            r.n,
            with_ci(r.difference, r.difference_ci, true),
            if r.method.is_some() { "paired t" } else { "McNemar" },
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

/// The audit sections (`compare --audit`), one table each.
pub(super) fn audit(f: &Findings) -> String {
    super::audit::sections(f).iter().map(|s| format!("{}: {}\n{}\n\n", s.title, s.intro, render(s))).collect()
}

/// The counterfactual-pair sections (`--pair`), then those of repeated samples, one table each.
pub(super) fn pairs(f: &Findings) -> String {
    let sections = super::pairs::sections(f)
        .into_iter()
        .chain(super::repeats::sections(f))
        .chain(super::versus::sections(f));
    sections.map(|s| format!("{}: {}\n{}\n\n", s.title, s.intro, render(&s))).collect()
}

/// The agreement document of `amplify agree` as terminal tables.
pub(crate) fn agreement(
    rows: &[crate::analysis::AgreementRow],
    differential: &[crate::analysis::DifferentialError],
) -> String {
    let mut out = String::new();
    for s in [super::audit::agreement(rows)]
        .into_iter()
        .chain((!differential.is_empty()).then(|| super::audit::differential(differential)))
    {
        let _ = write!(out, "{}: {}\n{}\n\n", s.title, s.intro, render(&s));
    }
    out
}

/// The `amplify power` document as a terminal table.
pub(crate) fn power(r: &crate::analysis::PowerReport) -> String {
    let pp = |x: Option<f64>| x.map(|v| format!("±{:.1}", v * 100.0)).unwrap_or_else(|| "–".into());
    let n = |x: Option<u64>| x.map(|v| v.to_string()).unwrap_or_else(|| "–".into());
    let s = Section {
        title: "Power".into(),
        intro: format!(
            "Two-sided α = {} per test, normal approximations (Connor 1987 for McNemar; Welch at large n); divide α by the number of tests for a corrected family.",
            r.question.alpha
        ),
        headers: ["design", "for", "discordant", "items for 80%", "items for 90%", "items", "detectable pp 80%", "detectable pp 90%"]
            .map(String::from)
            .to_vec(),
        rows: r
            .rows
            .iter()
            .map(|row| {
                vec![
                    row.design.clone(),
                    row.label.clone(),
                    format!("{:.3}", row.discordant),
                    n(row.items_80),
                    n(row.items_90),
                    n(row.items),
                    pp(row.mde_80),
                    pp(row.mde_90),
                ]
            })
            .collect(),
    };
    format!("{}: {}\n{}\n", s.title, s.intro, render(&s))
}
