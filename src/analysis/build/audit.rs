//! Trust in judge labels: the judge's agreement with gold labels from people (`amplify agree`,
//! `compare --audit`), whether its errors differ between the texts of two sources (differential
//! error, which biases every comparison between them), and judge-error-corrected rates and paired
//! differences (prediction-powered inference, with Rogan–Gladen as a cross-check for rates).

use crate::analysis::findings::{
    AgreementReport, AgreementRow, DifferentialError, InputRecord, AGREEMENT_SCHEMA,
};
use crate::data::files::audit::AuditRows;
use crate::stats::agreement::{agreement, fleiss_kappa, independent_proportions, AgreementCounts};
use std::collections::BTreeMap;

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
        agreement: s,
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

/// The `amplify agree` document of an audit.
pub(crate) fn agreement_report(
    rows: &AuditRows,
    confidence: f64,
    inputs: Vec<InputRecord>,
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
