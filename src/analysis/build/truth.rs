//! Ground-truth findings: each source's confusion rates and model-vs-baseline error-rate tests.

use super::repeats;
use crate::analysis::findings::{Settings, TruthRow, TruthTest};
use crate::counts::PairedCounts;
use crate::counts::{units, CountsTable, MetricCounts, Moments, TruthCounts, TruthMoments};
use crate::stats::confusion::{Confusion, ConfusionRates};
use crate::stats::paired_difference::paired_difference;
use crate::stats::ttest::paired_t;

/// One row per (source, metric) on all items with a valid truth.
pub(crate) fn truth_rows(counts: &CountsTable, settings: &Settings) -> Vec<TruthRow> {
    counts
        .truth
        .iter()
        .filter(|t| t.slice.is_all())
        .map(|t| {
            if let Some(moments) = &t.moments {
                return item_level_truth_row(t, moments, settings);
            }
            let p = t.pairs;
            let c = Confusion { tp: p.both, fp: p.model_only, tn: p.neither, fn_: p.baseline_only };
            let r = c.rates(settings.confidence.get());
            TruthRow {
                source: t.source.clone(),
                metric: t.metric.clone(),
                n: c.n(),
                counts: c,
                rates: r,
                invalid_truth: t.invalid_truth,
                invalid_label: t.invalid_label,
                method: None,
            }
        })
        .collect()
}

/// A truth row from item-level values: FNR and FPR as item means with t intervals.
fn item_level_truth_row(t: &TruthCounts, m: &TruthMoments, settings: &Settings) -> TruthRow {
    let [(fnr, fnr_ci), (fpr, fpr_ci)] = repeats::truth_rates(m, settings.confidence.get());
    let n = m.n_positive + m.n_negative;
    let correct = units(m.sum_positive) + (m.n_negative as f64 - units(m.sum_negative));
    TruthRow {
        source: t.source.clone(),
        metric: t.metric.clone(),
        n,
        counts: Confusion::default(),
        rates: ConfusionRates {
            precision: None,
            recall: fnr.map(|f| 1.0 - f),
            f1: None,
            accuracy: (n > 0).then(|| correct / n as f64),
            fpr,
            fpr_ci,
            fnr,
            fnr_ci,
        },
        invalid_truth: t.invalid_truth,
        invalid_label: t.invalid_label,
        method: Some(repeats::ITEM_LEVEL.into()),
    }
}

/// FNR and FPR of each model against the baseline's, paired on the same items: exact McNemar on
/// the truth-positive (FNR) or truth-negative (FPR) items, Tango interval for the difference.
pub(crate) fn truth_tests(counts: &CountsTable, settings: &Settings) -> Vec<TruthTest> {
    let truth_metrics: Vec<&str> = counts.truth.iter().map(|t| t.metric.as_str()).collect();
    let mut out = Vec::new();
    for m in counts.metrics.iter().filter(|m| m.slice.group.is_none()) {
        let Some(at_fault) = m.slice.truth else { continue };
        if !truth_metrics.contains(&m.metric.as_str()) {
            continue;
        }
        if let Some(moments) = &m.moments {
            out.push(item_level_truth_test(m, moments, at_fault, settings));
            continue;
        }
        let p = m.pairs;
        let n = p.n();
        let (rate, baseline, model, for_interval) = if at_fault {
            // Misses: label 0 on an at-fault item. d = model miss − baseline miss = (c − b)/n.
            let swapped = PairedCounts { model_only: p.baseline_only, baseline_only: p.model_only, ..p };
            ("fnr", p.model_only + p.neither, p.baseline_only + p.neither, swapped)
        } else {
            ("fpr", p.both + p.baseline_only, p.both + p.model_only, p)
        };
        let share = |x: u64| (n > 0).then(|| x as f64 / n as f64);
        let tested = paired_difference(&for_interval, settings.confidence.get(), settings.test);
        out.push(TruthTest {
            metric: m.metric.clone(),
            model: m.model.clone(),
            rate: rate.into(),
            n,
            baseline_rate: share(baseline),
            model_rate: share(model),
            difference: tested.map(|t| t.0),
            difference_ci: tested.and_then(|t| t.1),
            p_value: tested.map(|t| t.2),
            p_adjusted: None,
            significant: false,
            mde: None,
            method: None,
        });
    }
    out.sort_by(|a, b| (&a.model, &a.metric, &a.rate).cmp(&(&b.model, &b.metric, &b.rate)));
    out
}

/// FNR (on truth-positive items) or FPR (truth-negative) of item-level values, model against
/// baseline: the paired t of the item differences in misses (FNR) or false alarms (FPR).
fn item_level_truth_test(m: &MetricCounts, x: &Moments, at_fault: bool, settings: &Settings) -> TruthTest {
    let n = x.n;
    let share = |v: f64| (n > 0).then(|| v / n as f64);
    let (_, sum_d2) = x.difference_sums();
    let (rate, baseline, model, sum_d) = if at_fault {
        ("fnr", n as f64 - x.baseline(), n as f64 - x.model(), -x.difference_sums().0)
    } else {
        ("fpr", x.baseline(), x.model(), x.difference_sums().0)
    };
    // No test from fewer than 2 items or differences without variance (see repeats::difference).
    let t =
        paired_t(n, sum_d, sum_d2, settings.confidence.get()).filter(|t| t.interval.low < t.interval.high);
    TruthTest {
        metric: m.metric.clone(),
        model: m.model.clone(),
        rate: rate.into(),
        n,
        baseline_rate: share(baseline),
        model_rate: share(model),
        difference: share(sum_d),
        difference_ci: t.map(|t| repeats::clipped(t.interval)),
        p_value: t.map(|t| t.p_value),
        p_adjusted: None,
        significant: false,
        mde: None,
        method: Some(repeats::ITEM_LEVEL.into()),
    }
}
