//! What only the terminal shows: the run's first line, the compact comparisons and overall-score
//! tables (an estimate and its interval in one cell, a verdict in words), the one-line tests
//! under the truth and grouping tables, and the closing lines (alignment, invalid labels, the
//! methods in one sentence).

use super::content::{pct, score_rule, with_ci, Section};
use super::format_p;
use crate::analysis::{Comparison, Findings, Overall};
use crate::stats::binomial::McNemarVariant;
use crate::stats::multiplicity::Correction;
use std::fmt::Write;

/// "model_a, model_b vs human: 4 metric(s), 2 model(s)" and a blank line.
pub(crate) fn run_line(f: &Findings) -> String {
    let s = &f.settings;
    let against = match (&s.versus, s.versus_only) {
        (Some(base), true) => format!("{base} (--versus-only; {} gives the truth and groups)", s.baseline),
        (Some(base), false) => format!("{} and {base}", s.baseline),
        (None, _) => s.baseline.clone(),
    };
    if f.data.as_ref().is_some_and(|d| d.alone) {
        return format!(
            "{}: {} metric(s), no model: the data's own findings\n\n",
            s.baseline,
            s.metrics.len()
        );
    }
    let models: Vec<&str> = f.alignment.iter().map(|a| a.model.as_str()).collect();
    format!(
        "{} vs {against}: {} metric(s), {} model(s)\n\n",
        models.join(", "),
        s.metrics.len(),
        f.alignment.len()
    )
}

fn confidence(f: &Findings) -> String {
    format!("{:.0}% CI", f.settings.confidence.get() * 100.0)
}

fn correction(f: &Findings) -> &'static str {
    match f.settings.correction {
        Correction::Holm => "Holm",
        Correction::Bh => "BH",
        Correction::None => "none",
    }
}

/// The comparisons, one row per metric and model, with a verdict in words.
pub(crate) fn comparisons_compact(f: &Findings) -> Section {
    let (s, conf) = (&f.settings, confidence(f));
    let headers = [
        "metric".to_string(),
        "model".to_string(),
        "n".to_string(),
        format!("{} % [{conf}]", s.baseline),
        format!("model % [{conf}]"),
        format!("Δ pp [{conf}]"),
        "p".to_string(),
        format!("p adj ({})", correction(f)),
        "verdict".to_string(),
    ];
    let rows = f.comparisons.iter().map(|c| comparison_row(c, &s.baseline)).collect();
    Section { title: String::new(), intro: String::new(), headers: headers.to_vec(), rows }
}

/// The overall score per model (paired t).
pub(crate) fn overall_compact(f: &Findings) -> Section {
    let s = &f.settings;
    let headers = [
        "overall score".to_string(),
        "n".to_string(),
        s.baseline.clone(),
        "model".to_string(),
        format!("Δ [{}]", confidence(f)),
        "p (paired t)".to_string(),
        format!("p adj ({})", correction(f)),
    ];
    Section {
        title: String::new(),
        intro: String::new(),
        headers: headers.to_vec(),
        rows: f.overall.iter().map(overall_row).collect(),
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

/// One line per model-vs-baseline error-rate test against the truth.
pub(crate) fn truth_test_lines(f: &Findings) -> String {
    let mut out = String::new();
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
            match r.method.as_deref() {
                None => "McNemar",
                Some(m) if m.starts_with("clustered") => "clustered t",
                Some(_) => "paired t",
            },
            format_p(r.p_value),
            format_p(r.p_adjusted),
            if r.significant { " *" } else { "" }
        );
    }
    out
}

/// One line per BiasAmp→ estimate of a grouping.
pub(crate) fn bias_amp_lines(f: &Findings, group_by: &str) -> String {
    let mut out = String::new();
    for b in f.bias_amplification.iter().filter(|b| b.group_by == group_by) {
        let value = b.value.map(|v| format!("{v:+.4}")).unwrap_or_else(|| "–".into());
        let ci = b.ci.map(|c| format!(" [{:+.4}, {:+.4}]", c.low, c.high)).unwrap_or_default();
        let how = b.method.as_ref().map(|m| format!(" ({m})")).unwrap_or_default();
        let _ = writeln!(out, "BiasAmp→ {} {} {}: {value}{ci}{how}", b.group_by, b.metric, b.model);
    }
    out
}

/// The closing lines: alignment, invalid labels, the score rule and the methods in one sentence.
pub(crate) fn footer(f: &Findings) -> String {
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
    if f.settings.repeats.is_some() && f.comparisons.iter().any(|c| c.method.is_some()) {
        let _ = writeln!(
            out,
            "repeated samples: an item's value is the {} of its valid samples; rates, Δ and p of item-level rows: t over items (paired t for Δ); FNR/FPR: t intervals",
            f.settings.repeats.as_ref().map_or("mean", |r| r.aggregate.as_str())
        );
    }
    if f.data.as_ref().is_some_and(|d| d.alone) {
        let _ = writeln!(
            out,
            "rates: Wilson intervals; gaps: Newcombe interval, Fisher's exact test; across levels: Pearson's χ²; pairs: Tango interval, McNemar. Significant = adjusted p < {:.3}.",
            1.0 - f.settings.confidence.get()
        );
        return out;
    }
    if let Some(c) = &f.clustering {
        let _ = writeln!(
            out,
            "Δ, rates and p: clustered by {} (CR1 standard errors, t with clusters − 1 df); overall: {}. Significant = adjusted p < {:.3}.",
            c.column,
            if f.overall.iter().any(|o| o.method.as_deref().is_some_and(|m| m.starts_with("clustered"))) {
                "clustered too"
            } else {
                "paired t over items"
            },
            1.0 - f.settings.confidence.get()
        );
        return out;
    }
    let _ = writeln!(
        out,
        "Δ: Tango score interval; p: {} McNemar; rates: Wilson intervals; overall: paired t. Significant = adjusted p < {:.3}.",
        match f.settings.test {
            McNemarVariant::Exact => "exact",
            McNemarVariant::MidP => "mid-p",
        },
        1.0 - f.settings.confidence.get()
    );
    out
}
