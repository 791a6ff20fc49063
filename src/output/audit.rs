//! Sections of an audited run (`compare --audit`, `amplify agree`): the judge's agreement with the
//! gold labels, differential judge error between sources, and the judge-corrected estimates.

use super::content::{pct, pct_ci, with_ci, Section};
use super::format_p;
use crate::analysis::{AgreementRow, CorrectedRow, DifferentialError};
use crate::stats::Interval;

fn kappa(k: Option<f64>, ci: Option<Interval>) -> String {
    match (k, ci) {
        (Some(k), Some(ci)) => format!("{k:.2} [{:.2}, {:.2}]", ci.low, ci.high),
        (Some(k), None) => format!("{k:.2}"),
        _ => "–".into(),
    }
}

/// The judge against the gold labels.
pub(crate) fn agreement(rows: &[AgreementRow]) -> Section {
    Section {
        title: "Judge agreement".into(),
        intro: "The judge's labels against the gold labels of the audited items (majority of the auditors; ties left out); Wilson intervals, Cohen's κ with its asymptotic interval, Fleiss' κ among auditors.".into(),
        headers: ["metric", "source", "n", "judge %", "gold %", "accuracy %", "sensitivity %", "specificity %", "Cohen κ", "auditors", "Fleiss κ", "ties"]
            .map(String::from)
            .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.metric.clone(),
                    if r.source.is_empty() { "all".into() } else { r.source.clone() },
                    r.agreement.n.to_string(),
                    pct(r.agreement.judge_rate),
                    pct(r.agreement.gold_rate),
                    with_ci(r.agreement.accuracy, r.agreement.accuracy_ci, false),
                    with_ci(r.agreement.sensitivity, r.agreement.sensitivity_ci, false),
                    with_ci(r.agreement.specificity, r.agreement.specificity_ci, false),
                    kappa(r.agreement.kappa, r.agreement.kappa_ci),
                    r.auditors.to_string(),
                    r.fleiss_kappa.map(|k| format!("{k:.2}")).unwrap_or_else(|| "–".into()),
                    r.ties.to_string(),
                ]
            })
            .collect(),
    }
}

/// Differential judge error between two sources' texts.
pub(crate) fn differential(rows: &[DifferentialError]) -> Section {
    Section {
        title: "Differential judge error".into(),
        intro: "Does the judge err differently on two sources' texts? A difference biases every comparison between them. Newcombe interval, Fisher's exact test, adjusted in the run's family.".into(),
        headers: ["metric", "measure", "source A", "A %", "source B", "B %", "B − A pp", "p", "p adj"]
            .map(String::from)
            .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.metric.clone(),
                    r.measure.clone(),
                    r.source_a.clone(),
                    pct(r.rate_a),
                    r.source_b.clone(),
                    pct(r.rate_b),
                    with_ci(r.difference, r.difference_ci, true),
                    format_p(r.p_value),
                    format_p(r.p_adjusted),
                ]
            })
            .collect(),
    }
}

/// Naive and judge-corrected rates and differences.
pub(crate) fn corrected(rows: &[CorrectedRow], baseline: &str) -> Section {
    Section {
        title: "Judge-corrected estimates".into(),
        intro: "Each rate and paired difference from the judge's labels (naive) and corrected for the judge's errors by prediction-powered inference (Angelopoulos et al. 2023) from the audited items; Rogan–Gladen rates as a cross-check.".into(),
        headers: vec![
            "metric".into(),
            "model".into(),
            "audited".into(),
            format!("{baseline} % naive → PPI"),
            "model % naive → PPI".into(),
            "Δ pp naive → PPI".into(),
            "RG %".into(),
            "note".into(),
        ],
        rows: rows
            .iter()
            .map(|r| {
                let arrow = |naive: Option<f64>, x: Option<f64>, ci: Option<Interval>, signed: bool| {
                    let fmt = |v: f64| if signed { format!("{:+.1}", v * 100.0) } else { format!("{:.1}", v * 100.0) };
                    match (naive, x) {
                        (Some(a), Some(b)) => format!("{} → {} {}", fmt(a), fmt(b), pct_ci(ci, signed)),
                        (Some(a), None) => format!("{} → –", fmt(a)),
                        _ => "–".into(),
                    }
                };
                vec![
                    r.metric.clone(),
                    r.model.clone(),
                    format!("{} + {}", r.audited_baseline, r.audited_model),
                    arrow(r.naive_baseline_rate, r.baseline_rate, r.baseline_ci, false),
                    arrow(r.naive_model_rate, r.model_rate, r.model_ci, false),
                    arrow(r.naive_difference, r.difference, r.difference_ci, true),
                    format!("{} / {}", pct(r.baseline_rate_rg), pct(r.model_rate_rg)),
                    r.note.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    }
}

/// Naive and judge-corrected group amplification.
pub(crate) fn corrected_groups(rows: &[crate::analysis::CorrectedGroup]) -> Section {
    Section {
        title: "Judge-corrected group amplification".into(),
        intro: "Amplification of each level's gap to the reference (rates), naive and with each level's paired difference prediction-powered from the audited items of that level.".into(),
        headers: ["grouping", "level", "reference", "metric", "model", "amplification pp naive → PPI", "note"]
            .map(String::from)
            .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                let pp = |x: f64| format!("{:+.1}", x * 100.0);
                let value = match (r.naive_amplification, r.amplification) {
                    (Some(a), Some(b)) => format!("{} → {} {}", pp(a), pp(b), pct_ci(r.amplification_ci, true)),
                    (Some(a), None) => format!("{} → –", pp(a)),
                    _ => "–".into(),
                };
                vec![
                    r.group_by.clone(),
                    r.level.clone(),
                    r.reference.clone(),
                    r.metric.clone(),
                    r.model.clone(),
                    value,
                    r.note.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    }
}

/// Every audit section of the findings that has rows.
pub(crate) fn sections(f: &crate::analysis::Findings) -> Vec<Section> {
    let mut out = Vec::new();
    if !f.agreement.is_empty() {
        out.push(agreement(&f.agreement));
    }
    if !f.differential.is_empty() {
        out.push(differential(&f.differential));
    }
    if !f.corrected.is_empty() {
        out.push(corrected(&f.corrected, &f.settings.baseline));
    }
    if !f.corrected_groups.is_empty() {
        out.push(corrected_groups(&f.corrected_groups));
    }
    out
}

/// The `amplify power` table: items needed and detectable effects per design.
pub(crate) fn power(r: &crate::analysis::PowerReport) -> Section {
    let pp = |x: Option<f64>| x.map(|v| format!("±{:.1}", v * 100.0)).unwrap_or_else(|| "–".into());
    let n = |x: Option<u64>| x.map(|v| v.to_string()).unwrap_or_else(|| "–".into());
    Section {
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
    }
}
