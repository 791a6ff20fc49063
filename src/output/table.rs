//! The default terminal output: a comparisons table, the overall scores and the alignment.

use super::content::{score_rule, with_ci};
use super::format_p;
use crate::analysis::{Comparison, Findings, Overall};
use crate::stats::multiplicity::Correction;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};
use std::fmt::Write;

/// Renders the findings as text tables.
pub(super) fn render(f: &Findings) -> String {
    let s = &f.settings;
    let conf = format!("{:.0}% CI", s.confidence.get() * 100.0);
    let correction = match s.correction {
        Correction::Holm => "Holm",
        Correction::Bh => "BH",
        Correction::None => "none",
    };
    let mut out = String::new();
    let against = match (&s.versus, s.versus_only) {
        (Some(base), true) => format!("{base} (--versus-only; {} gives the truth and groups)", s.baseline),
        (Some(base), false) => format!("{} and {base}", s.baseline),
        (None, _) => s.baseline.clone(),
    };
    let _ = writeln!(
        out,
        "{} vs {against}: {} metric(s), {} model(s)\n",
        model_list(f),
        s.metrics.len(),
        f.alignment.len()
    );
    let mut t = new_table([
        "metric".to_string(),
        "model".to_string(),
        "n".to_string(),
        format!("{} % [{conf}]", s.baseline),
        format!("model % [{conf}]"),
        format!("Δ pp [{conf}]"),
        "p".to_string(),
        format!("p adj ({correction})"),
        "verdict".to_string(),
    ]);
    for c in &f.comparisons {
        t.add_row(comparison_row(c, &s.baseline));
    }
    right_align(&mut t, &[2, 3, 4, 5, 6, 7]);
    if !f.comparisons.is_empty() {
        let _ = writeln!(out, "{t}\n");
    }
    let mut o = new_table([
        "overall score".to_string(),
        "n".to_string(),
        s.baseline.clone(),
        "model".to_string(),
        format!("Δ [{conf}]"),
        "p (paired t)".to_string(),
        format!("p adj ({correction})"),
    ]);
    for row in &f.overall {
        o.add_row(overall_row(row));
    }
    right_align(&mut o, &[1, 2, 3, 4, 5, 6]);
    if !f.overall.is_empty() {
        let _ = writeln!(out, "{o}\n");
    }
    out.push_str(&super::sections::truth(f));
    out.push_str(&super::sections::groups(f));
    out.push_str(&super::sections::audit(f));
    out.push_str(&super::sections::pairs(f));
    out.push_str(&footer(f));
    out
}

fn model_list(f: &Findings) -> String {
    f.alignment.iter().map(|a| a.model.as_str()).collect::<Vec<_>>().join(", ")
}

pub(super) fn new_table<const N: usize>(header: [String; N]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    t
}

pub(super) fn right_align(t: &mut Table, columns: &[usize]) {
    for &i in columns {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

fn comparison_row(c: &Comparison, baseline: &str) -> Vec<String> {
    let verdict = match (c.significant, c.difference) {
        (_, None) => c.note.clone().unwrap_or_default(),
        (true, Some(d)) if d > 0.0 => format!("more than {baseline}"),
        (true, Some(_)) => format!("less than {baseline}"),
        (false, _) => "no clear difference".to_string(),
    };
    vec![
        c.metric.clone(),
        c.model.clone(),
        c.n.to_string(),
        with_ci(c.baseline_rate, c.baseline_ci, false),
        with_ci(c.model_rate, c.model_ci, false),
        with_ci(c.difference, c.difference_ci, true),
        format_p(c.p_value),
        format_p(c.p_adjusted),
        verdict,
    ]
}

fn overall_row(o: &Overall) -> Vec<String> {
    let score = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "–".into());
    let diff = match (o.difference, o.difference_ci) {
        (Some(d), Some(ci)) => format!("{d:+.3} [{:+.3}, {:+.3}]", ci.low, ci.high),
        (d, _) => d.map(|v| format!("{v:+.3}")).unwrap_or_else(|| "–".into()),
    };
    vec![
        o.model.clone(),
        o.n.to_string(),
        score(o.baseline_score),
        score(o.model_score),
        diff,
        format_p(o.p_value),
        format_p(o.p_adjusted),
    ]
}

fn footer(f: &Findings) -> String {
    let mut out = String::new();
    for a in &f.alignment {
        let _ = writeln!(
            out,
            "alignment {}: {} matched, {} only in {}, {} only in {}",
            a.model, a.matched, a.baseline_only, f.settings.baseline, a.model_only, a.model
        );
    }
    let invalid: Vec<String> = f
        .comparisons
        .iter()
        .filter(|c| c.invalid_baseline + c.invalid_model > 0)
        .map(|c| format!("{}/{} {}+{}", c.model, c.metric, c.invalid_baseline, c.invalid_model))
        .collect();
    if !invalid.is_empty() {
        let _ = writeln!(
            out,
            "invalid labels excluded ({}+model, per model/metric): {}",
            f.settings.baseline,
            invalid.join(", ")
        );
    }
    if !f.overall.is_empty() {
        let _ = writeln!(out, "overall score: {}", score_rule(f));
    }
    if f.comparisons.iter().any(|c| c.method.is_some()) {
        let _ = writeln!(
            out,
            "repeated samples: an item's value is the {} of its valid samples; rates, Δ and p of item-level rows: t over items (paired t for Δ); FNR/FPR: t intervals",
            f.settings.repeats.as_ref().map_or("mean", |r| r.aggregate.as_str())
        );
    }
    let _ = writeln!(
        out,
        "Δ: Tango score interval; p: {} McNemar; rates: Wilson intervals; overall: paired t. Significant = adjusted p < {:.3}.",
        match f.settings.test {
            crate::stats::binomial::McNemarVariant::Exact => "exact",
            crate::stats::binomial::McNemarVariant::MidP => "mid-p",
        },
        1.0 - f.settings.confidence.get()
    );
    out
}
