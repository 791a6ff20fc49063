//! Trust in judge labels: the judge's agreement with gold labels from people (`amplify agree`,
//! `compare --audit`), whether its errors differ between the texts of two sources (differential
//! error, which biases every comparison between them), and judge-error-corrected rates and paired
//! differences (prediction-powered inference, with Rogan–Gladen as a cross-check for rates).

use crate::data::files::audit::AuditRows;
use crate::stats::agreement::{agreement, fleiss_kappa, independent_proportions, AgreementCounts};
use crate::stats::Interval;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How well the judge agrees with the gold labels on one metric (and one text source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementRow {
    /// Metric.
    pub metric: String,
    /// Whose texts ("" = all audited items).
    pub source: String,
    /// Items with a valid judge label and a gold label (the auditors' majority).
    pub n: u64,
    /// Share of those items the judge labels 1.
    pub judge_rate: Option<f64>,
    /// Share the gold labels 1.
    pub gold_rate: Option<f64>,
    /// Share on which judge and gold agree, Wilson interval.
    pub accuracy: Option<f64>,
    /// Interval of the accuracy.
    pub accuracy_ci: Option<Interval>,
    /// Judge 1 among gold 1 (sensitivity), Wilson interval.
    pub sensitivity: Option<f64>,
    /// Interval of the sensitivity.
    pub sensitivity_ci: Option<Interval>,
    /// Judge 0 among gold 0 (specificity), Wilson interval.
    pub specificity: Option<f64>,
    /// Interval of the specificity.
    pub specificity_ci: Option<Interval>,
    /// Cohen's κ of judge vs gold, with its asymptotic interval.
    pub kappa: Option<f64>,
    /// Interval of κ.
    pub kappa_ci: Option<Interval>,
    /// Most auditors of one item.
    pub auditors: u64,
    /// Fleiss' κ among the auditors (items with the most common number of auditors, at least 2).
    pub fleiss_kappa: Option<f64>,
    /// Items whose auditors tied (no majority): left out.
    pub ties: u64,
}

/// Whether the judge's sensitivity or specificity differs between two sources' texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DifferentialError {
    /// Metric.
    pub metric: String,
    /// "sensitivity" or "specificity".
    pub measure: String,
    /// First source (the baseline in `compare --audit`).
    pub source_a: String,
    /// Second source.
    pub source_b: String,
    /// The measure on the first source's texts.
    pub rate_a: Option<f64>,
    /// The measure on the second source's texts.
    pub rate_b: Option<f64>,
    /// rate_b − rate_a, Newcombe's hybrid score interval.
    pub difference: Option<f64>,
    /// Interval of the difference.
    pub difference_ci: Option<Interval>,
    /// Fisher's exact test.
    pub p_value: Option<f64>,
    /// Adjusted in the run's family.
    pub p_adjusted: Option<f64>,
    /// Adjusted p below 1 − confidence.
    pub significant: bool,
}

/// Per item: the judge label and the gold labels of its auditors, for one metric.
pub(super) struct Item {
    pub(super) judge: Option<u8>,
    pub(super) gold: Vec<u8>,
    source: String,
}

pub(super) fn items(rows: &AuditRows, metric: usize) -> Vec<Item> {
    let mut by_item: BTreeMap<(&str, &str), Item> = BTreeMap::new();
    for r in 0..rows.item.len() {
        let key = (rows.item[r].as_str(), rows.text_source[r].as_str());
        let entry = by_item.entry(key).or_insert_with(|| Item {
            judge: rows.judge[metric][r],
            gold: Vec::new(),
            source: rows.text_source[r].clone(),
        });
        entry.gold.extend(rows.gold[metric][r]);
    }
    by_item.into_values().collect()
}

/// The auditors' majority label; `None` for a tie or no valid gold label.
fn majority(gold: &[u8]) -> Option<u8> {
    let ones = gold.iter().filter(|g| **g == 1).count();
    let zeros = gold.len() - ones;
    match ones.cmp(&zeros) {
        std::cmp::Ordering::Greater => Some(1),
        std::cmp::Ordering::Less => Some(0),
        std::cmp::Ordering::Equal => None,
    }
}

/// Judge × gold counts of a set of items, and how many tied.
pub(crate) fn agreement_counts<'a>(
    items: impl Iterator<Item = (Option<u8>, &'a [u8])>,
) -> (AgreementCounts, u64) {
    let (mut t, mut ties) = (AgreementCounts::default(), 0);
    for (judge, gold) in items {
        let Some(judge) = judge else { continue };
        match (judge, majority(gold)) {
            (1, Some(1)) => t.both += 1,
            (1, Some(0)) => t.judge_only += 1,
            (0, Some(1)) => t.gold_only += 1,
            (0, Some(0)) => t.neither += 1,
            (_, None) => ties += u64::from(!gold.is_empty()),
            _ => {}
        }
    }
    (t, ties)
}

fn row(metric: &str, source: &str, items: &[&Item], confidence: f64) -> AgreementRow {
    let (t, ties) = agreement_counts(items.iter().map(|i| (i.judge, i.gold.as_slice())));
    let s = agreement(&t, confidence);
    let auditors = items.iter().map(|i| i.gold.len() as u64).max().unwrap_or(0);
    // Fleiss' κ needs the same number of raters per item: the most common count (≥ 2).
    let mut sizes: BTreeMap<usize, usize> = BTreeMap::new();
    for i in items.iter().filter(|i| i.gold.len() >= 2) {
        *sizes.entry(i.gold.len()).or_default() += 1;
    }
    let common = sizes.iter().max_by_key(|(size, count)| (**count, **size)).map(|(size, _)| *size);
    let raters: Vec<(u64, u64)> = items
        .iter()
        .filter(|i| Some(i.gold.len()) == common)
        .map(|i| {
            let ones = i.gold.iter().filter(|g| **g == 1).count() as u64;
            (i.gold.len() as u64 - ones, ones)
        })
        .collect();
    AgreementRow {
        metric: metric.to_string(),
        source: source.to_string(),
        n: t.n(),
        judge_rate: s.judge_rate,
        gold_rate: s.gold_rate,
        accuracy: s.accuracy,
        accuracy_ci: s.accuracy_ci,
        sensitivity: s.sensitivity,
        sensitivity_ci: s.sensitivity_ci,
        specificity: s.specificity,
        specificity_ci: s.specificity_ci,
        kappa: s.kappa,
        kappa_ci: s.kappa_ci,
        auditors,
        fleiss_kappa: if raters.is_empty() { None } else { fleiss_kappa(&raters) },
        ties,
    }
}

/// Agreement rows of one audit: per metric, all items, then each text source when there are
/// several; and the differential-error tests between the first source and each other one.
pub(crate) fn agreement_rows(
    rows: &AuditRows,
    confidence: f64,
) -> (Vec<AgreementRow>, Vec<DifferentialError>) {
    let (mut out, mut differential) = (Vec::new(), Vec::new());
    for (m, metric) in rows.metrics.iter().enumerate() {
        let all = items(rows, m);
        out.push(row(metric, "", &all.iter().collect::<Vec<_>>(), confidence));
        let mut sources: Vec<&str> = Vec::new();
        for i in &all {
            if !i.source.is_empty() && !sources.contains(&i.source.as_str()) {
                sources.push(&i.source);
            }
        }
        if sources.len() < 2 {
            continue;
        }
        let split: Vec<(&str, Vec<&Item>)> =
            sources.iter().map(|s| (*s, all.iter().filter(|i| i.source == *s).collect())).collect();
        let per_source: Vec<AgreementRow> =
            split.iter().map(|(s, its)| row(metric, s, its, confidence)).collect();
        for (a, b) in std::iter::repeat(&split[0]).zip(&split[1..]) {
            differential.extend(differential_tests(metric, a, b, confidence));
        }
        out.extend(per_source);
    }
    (out, differential)
}

/// Sensitivity and specificity of the judge on two sources' texts, compared as independent
/// proportions (Newcombe interval, Fisher's exact test).
fn differential_tests(
    metric: &str,
    (name_a, a): &(&str, Vec<&Item>),
    (name_b, b): &(&str, Vec<&Item>),
    confidence: f64,
) -> Vec<DifferentialError> {
    let counts = |items: &[&Item]| agreement_counts(items.iter().map(|i| (i.judge, i.gold.as_slice()))).0;
    let (ta, tb) = (counts(a), counts(b));
    let measures = [
        ("sensitivity", (ta.both, ta.both + ta.gold_only), (tb.both, tb.both + tb.gold_only)),
        ("specificity", (ta.neither, ta.neither + ta.judge_only), (tb.neither, tb.neither + tb.judge_only)),
    ];
    measures
        .into_iter()
        .map(|(measure, (xa, na), (xb, nb))| {
            let test = independent_proportions(xb, nb, xa, na, confidence);
            let rate = |x: u64, n: u64| (n > 0).then(|| x as f64 / n as f64);
            DifferentialError {
                metric: metric.to_string(),
                measure: measure.to_string(),
                source_a: name_a.to_string(),
                source_b: name_b.to_string(),
                rate_a: rate(xa, na),
                rate_b: rate(xb, nb),
                difference: test.as_ref().map(|t| t.difference),
                difference_ci: test.as_ref().and_then(|t| t.interval),
                p_value: test.and_then(|t| t.p_value),
                p_adjusted: None,
                significant: false,
            }
        })
        .collect()
}

/// `compare --audit`: per metric, the judge's sensitivity and specificity on the baseline's texts
/// against each model's texts (every source's audit rows, baseline first).
pub(crate) fn differential_between_sources(
    audits: &[(String, AuditRows)],
    confidence: f64,
) -> Vec<DifferentialError> {
    let Some((baseline, base_rows)) = audits.first() else { return Vec::new() };
    let mut out = Vec::new();
    for (m, metric) in base_rows.metrics.iter().enumerate() {
        let base_items = items(base_rows, m);
        let a = (baseline.as_str(), base_items.iter().collect::<Vec<_>>());
        for (model, rows) in &audits[1..] {
            let Some(mm) = rows.metrics.iter().position(|x| x == metric) else { continue };
            let model_items = items(rows, mm);
            let b = (model.as_str(), model_items.iter().collect::<Vec<_>>());
            if a.1.is_empty() || b.1.is_empty() {
                continue;
            }
            out.extend(differential_tests(metric, &a, &b, confidence));
        }
    }
    out
}

/// Schema identifier of the `amplify agree` document.
pub const AGREEMENT_SCHEMA: &str = "amplify.agreement/1";

/// What `amplify agree` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementReport {
    /// Always [`AGREEMENT_SCHEMA`].
    pub schema: String,
    /// Version of amplify that produced it.
    pub amplify_version: String,
    /// Confidence level of every interval.
    pub confidence: f64,
    /// The judged file, then the audit file.
    pub inputs: Vec<super::InputRecord>,
    /// Per metric: all items, then each text source.
    pub agreement: Vec<AgreementRow>,
    /// Sensitivity and specificity between the first text source and each other one; p-values
    /// adjusted together (Holm).
    pub differential: Vec<DifferentialError>,
}

/// The `amplify agree` document of an audit.
pub(crate) fn agreement_report(
    rows: &AuditRows,
    confidence: f64,
    inputs: Vec<super::InputRecord>,
) -> AgreementReport {
    let (agreement, mut differential) = agreement_rows(rows, confidence);
    let family: Vec<Option<f64>> = differential.iter().map(|d| d.p_value).collect();
    let adjusted = crate::stats::multiplicity::adjust(&family, crate::stats::multiplicity::Correction::Holm);
    for (d, p) in differential.iter_mut().zip(adjusted) {
        d.p_adjusted = p;
        d.significant = p.is_some_and(|p| p < 1.0 - confidence);
    }
    AgreementReport {
        schema: AGREEMENT_SCHEMA.into(),
        amplify_version: env!("CARGO_PKG_VERSION").into(),
        confidence,
        inputs,
        agreement,
        differential,
    }
}
