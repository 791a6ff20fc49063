//! Conditions versus a base model (`--versus BASE`): every other model against BASE on the same
//! items, with the same methods as against the baseline (exact McNemar and Tango, or the
//! item-level paired t with repeats; FNR and FPR paired on the truth-positive and truth-negative
//! items; gap amplification by Welch on the item differences), and, for models that share no item
//! with BASE, unpaired comparisons (Newcombe's hybrid score interval and Fisher's exact test, or
//! Welch's t on item means). All join the run's multiplicity family.

use super::comparisons::{comparison, fractional, overall_score};
use super::{groups, truth};
use crate::analysis::findings::{Findings, Settings, TruthRow};
use crate::analysis::findings::{UnpairedRow, Versus};
use crate::counts::{units, CountsTable, MetricCounts, VersusTable};
use crate::error::{AmplifyError, Result};
use crate::stats::agreement::independent_proportions;
use crate::stats::welch::{welch_t, SampleSums};

/// The versus section of the table whose base is `settings.versus`, if any.
pub(crate) fn versus_section(
    counts: &CountsTable,
    settings: &Settings,
    f: &Findings,
) -> Result<Option<Versus>> {
    let Some(base) = &settings.versus else { return Ok(None) };
    let Some(v) = counts.versus.iter().find(|v| &v.base == base) else {
        let counted: Vec<&str> = counts.versus.iter().map(|v| v.base.as_str()).collect();
        return Err(AmplifyError::Usage(format!(
            "--versus {base}: the counts hold no table of the models against {base} ({}); count them with `amplify count … --versus {base}`",
            if counted.is_empty() { "none".to_string() } else { format!("only against {}", counted.join(", ")) }
        )));
    };
    Ok(Some(versus(v, counts, settings, f)?))
}

/// The findings of one versus table: the baseline's methods with BASE as the baseline.
pub(crate) fn versus(
    v: &VersusTable,
    counts: &CountsTable,
    settings: &Settings,
    f: &Findings,
) -> Result<Versus> {
    let mut as_base = settings.clone();
    as_base.baseline = v.base.clone();
    let table = &v.table;
    let summaries = groups::summaries(table, &as_base)?;
    Ok(Versus {
        base: v.base.clone(),
        comparisons: table
            .metrics
            .iter()
            .filter(|m| m.slice.is_all())
            .map(|m| comparison(m, &as_base))
            .collect(),
        overall: table
            .models
            .iter()
            .filter(|m| m.score.metrics > 0)
            .map(|m| overall_score(m, fractional(table, &m.model), &as_base))
            .collect(),
        truth_tests: truth::truth_tests(table, &as_base),
        groups: groups::group_rows(table, &summaries, &as_base),
        unpaired: v
            .unpaired_models()
            .into_iter()
            .flat_map(|m| unpaired_rows(m, &v.base, counts, f, settings))
            .collect(),
    })
}

/// Unpaired comparisons of `model` with `base`, each on its own items matched with the baseline:
/// rates per metric and, with a truth, FNR and FPR.
fn unpaired_rows(
    model: &str,
    base: &str,
    counts: &CountsTable,
    f: &Findings,
    settings: &Settings,
) -> Vec<UnpairedRow> {
    let confidence = settings.confidence.get();
    let mut out = Vec::new();
    let all = |name: &str, metric: &str| {
        counts.metrics.iter().find(|m| m.model == name && m.metric == metric && m.slice.is_all())
    };
    for c in f.comparisons.iter().filter(|c| c.model == model) {
        if let (Some(m), Some(b)) = (all(model, &c.metric), all(base, &c.metric)) {
            out.push(unpaired(&c.metric, model, "rate", side(m), side(b), confidence));
        }
    }
    let truth = |name: &str, metric: &str| f.truth.iter().find(|t| t.source == name && t.metric == metric);
    for t in f.truth.iter().filter(|t| t.source == model) {
        let Some(b) = truth(base, &t.metric) else { continue };
        let row = counts.truth.iter().find(|x| x.source == model && x.metric == t.metric && x.slice.is_all());
        let base_row =
            counts.truth.iter().find(|x| x.source == base && x.metric == t.metric && x.slice.is_all());
        for (measure, positive) in [("fnr", true), ("fpr", false)] {
            let (Some(x), Some(y)) = (row, base_row) else { continue };
            let pick = |t: &TruthRow, c: &crate::counts::TruthCounts| errors(t, c, positive);
            out.push(unpaired(&t.metric, model, measure, pick(t, x), pick(b, y), confidence));
        }
    }
    out
}

/// One side of an unpaired comparison: n, Σv, Σv² of its item values, and whether they are 0/1.
#[derive(Clone, Copy)]
struct Side {
    n: u64,
    sum: f64,
    sum_sq: f64,
    binary: bool,
}

/// The model side of a metric row (its items valid with the baseline).
fn side(m: &MetricCounts) -> Side {
    let x = m.item_moments();
    Side { n: x.n, sum: x.model(), sum_sq: x.model_sq(), binary: m.moments.is_none() }
}

/// Errors against the truth: misses on truth-positive items (FNR) or alarms on truth-negative
/// items (FPR).
fn errors(t: &TruthRow, c: &crate::counts::TruthCounts, positive: bool) -> Side {
    match (&c.moments, positive) {
        (None, true) => Side {
            n: t.counts.tp + t.counts.fn_,
            sum: t.counts.fn_ as f64,
            sum_sq: t.counts.fn_ as f64,
            binary: true,
        },
        (None, false) => Side {
            n: t.counts.fp + t.counts.tn,
            sum: t.counts.fp as f64,
            sum_sq: t.counts.fp as f64,
            binary: true,
        },
        (Some(m), true) => {
            let (n, s, q) = (m.n_positive as f64, units(m.sum_positive), units(m.sum_sq_positive));
            Side { n: m.n_positive, sum: n - s, sum_sq: n - 2.0 * s + q, binary: false }
        }
        (Some(m), false) => Side {
            n: m.n_negative,
            sum: units(m.sum_negative),
            sum_sq: units(m.sum_sq_negative),
            binary: false,
        },
    }
}

/// model − base on independent items: Newcombe + Fisher for 0/1 values, else Welch on the values.
fn unpaired(metric: &str, model: &str, measure: &str, m: Side, b: Side, confidence: f64) -> UnpairedRow {
    let rate = |s: Side| (s.n > 0).then(|| s.sum / s.n as f64);
    let mut row = UnpairedRow {
        metric: metric.into(),
        model: model.into(),
        measure: measure.into(),
        n: m.n,
        n_base: b.n,
        model_rate: rate(m),
        base_rate: rate(b),
        difference: rate(m).zip(rate(b)).map(|(x, y)| x - y),
        difference_ci: None,
        p_value: None,
        p_adjusted: None,
        significant: false,
        method: String::new(),
    };
    if m.binary && b.binary {
        row.method = "unpaired: Newcombe hybrid score interval, Fisher's exact test".into();
        let p = independent_proportions(m.sum.round() as u64, m.n, b.sum.round() as u64, b.n, confidence);
        if let Some(p) = p {
            (row.difference_ci, row.p_value) = (p.interval, p.p_value);
        }
    } else {
        row.method = "unpaired: Welch's t on item means".into();
        let sums = |s: Side| SampleSums { n: s.n, sum: s.sum, sum_sq: s.sum_sq };
        if let Some(t) = welch_t(sums(m), sums(b), confidence).filter(|t| t.interval.low < t.interval.high) {
            (row.difference_ci, row.p_value) = (Some(super::repeats::clipped(t.interval)), Some(t.p_value));
        }
    }
    row
}
