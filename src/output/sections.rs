//! Table sections for the ground truth and the groupings.

use super::format_p;
use super::table::{new_table, pct, right_align, with_ci};
use crate::analysis::{Findings, GroupRow};
use std::fmt::Write;

/// Each source against the truth, then the model-vs-baseline error-rate tests.
pub(super) fn truth(f: &Findings) -> String {
    if f.truth.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let truth = f.settings.truth.as_deref().unwrap_or("truth");
    let conf = format!("{:.0}% CI", f.settings.confidence * 100.0);
    let mut t = new_table([
        format!("against {truth}"),
        "metric".into(),
        "n".into(),
        "tp / fp / tn / fn".into(),
        format!("FNR % (sycophancy) [{conf}]"),
        format!("FPR % [{conf}]"),
        "accuracy %".into(),
    ]);
    for r in &f.truth {
        t.add_row(vec![
            r.source.clone(),
            r.metric.clone(),
            r.n.to_string(),
            format!("{} / {} / {} / {}", r.tp, r.fp, r.tn, r.fn_),
            with_ci(r.fnr, r.fnr_ci, false),
            with_ci(r.fpr, r.fpr_ci, false),
            pct(r.accuracy),
        ]);
    }
    right_align(&mut t, &[2, 3, 4, 5, 6]);
    let _ = writeln!(out, "{t}\n");
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

/// One section per grouping: rates, both gaps and the amplification per level.
pub(super) fn groups(f: &Findings) -> String {
    let mut out = String::new();
    let conf = format!("{:.0}% CI", f.settings.confidence * 100.0);
    for g in &f.groupings {
        let levels: Vec<String> = g.levels.iter().map(|l| format!("{} ({})", l.level, l.n)).collect();
        let _ = writeln!(
            out,
            "grouping {}: levels {}; reference {}; {} items unassigned, {} ambiguous",
            g.group_by,
            levels.join(", "),
            g.reference,
            g.unassigned,
            g.ambiguous
        );
        let mut t = new_table([
            "level".to_string(),
            "measure".into(),
            "metric".into(),
            "model".into(),
            "n".into(),
            format!("{} %", f.settings.baseline),
            "model %".into(),
            format!("{} gap pp", f.settings.baseline),
            "model gap pp".into(),
            format!("amplification pp [{conf}]"),
            "p adj".into(),
            "direction".into(),
        ]);
        for r in f.groups.iter().filter(|r| r.group_by == g.group_by && r.level != r.reference) {
            t.add_row(group_row(r));
        }
        right_align(&mut t, &[4, 5, 6, 7, 8, 9, 10]);
        let _ = writeln!(out, "{t}");
        for b in f.bias_amplification.iter().filter(|b| b.group_by == g.group_by) {
            let value = b.value.map(|v| format!("{v:+.4}")).unwrap_or_else(|| "–".into());
            let ci = b.ci.map(|c| format!(" [{:+.4}, {:+.4}]", c.low, c.high)).unwrap_or_default();
            let _ = writeln!(out, "BiasAmp→ {} {} {}: {value}{ci}", g.group_by, b.metric, b.model);
        }
        out.push('\n');
    }
    out
}

fn group_row(r: &GroupRow) -> Vec<String> {
    let pp = |x: Option<f64>| x.map(|v| format!("{:+.1}", v * 100.0)).unwrap_or_else(|| "–".into());
    let direction = match (&r.note, r.significant) {
        (Some(note), _) => note.clone(),
        (None, true) => format!("{} *", r.direction),
        (None, false) => r.direction.clone(),
    };
    vec![
        r.level.clone(),
        r.measure.clone(),
        r.metric.clone(),
        r.model.clone(),
        r.n.to_string(),
        pct(r.baseline_rate),
        pct(r.model_rate),
        pp(r.baseline_gap),
        pp(r.model_gap),
        with_ci(r.amplification, r.amplification_ci, true),
        format_p(r.p_adjusted),
        direction,
    ]
}
