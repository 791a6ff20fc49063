//! Findings of repeated samples and several annotators: item-level estimates from
//! [`Moments`] (the item is the unit of inference), and each source's instability.

use crate::analysis::findings::InstabilityRow;
use crate::analysis::findings::{Comparison, Settings};
use crate::counts::{units, CountsTable, Moments, RepeatCounts, TruthMoments};
use crate::stats::interval::Interval;
use crate::stats::repeats::instability;
use crate::stats::ttest::{paired_t, TEstimate};
use crate::stats::wilson::wilson_interval;

/// The method of item-level estimates, recorded on each row that used it.
pub(crate) const ITEM_LEVEL: &str = "item-level paired t over item means (repeated samples)";

/// The mean of n item values with its t interval (clipped to [0, 1]) from Σv and Σv²; when every
/// value is 0 or 1 (Σv² = Σv, whole) the Wilson interval of that proportion instead, as for any
/// binary rate (a t interval would collapse to a point at 0% or 100%).
pub(crate) fn item_mean(n: u64, sum: f64, sum_sq: f64, confidence: f64) -> (Option<f64>, Option<Interval>) {
    let mean = (n > 0).then(|| sum / n as f64);
    if sum == sum_sq && sum.fract() == 0.0 && sum >= 0.0 {
        return (mean, wilson_interval(sum as u64, n, confidence));
    }
    // Fractional values without variance (every item at 0.5, say) have no interval.
    let ci = paired_t(n, sum, sum_sq, confidence)
        .filter(|t| t.interval.low < t.interval.high)
        .map(|t| Interval::new(t.interval.low.max(0.0), t.interval.high.min(1.0)));
    (mean, ci)
}

/// An interval of a difference of values in [0, 1], clipped to [−1, 1].
pub(crate) fn clipped(i: Interval) -> Interval {
    Interval::new(i.low.max(-1.0), i.high.min(1.0))
}

/// The paired t of d_i = m_i − h_i over the items; `None` below 2 items and when the differences
/// have no variance (a t test would claim p = 0 from, say, two items that both moved by 0.5).
pub(crate) fn difference(m: &Moments, confidence: f64) -> Option<TEstimate> {
    let (sum_d, sum_d2) = m.difference_sums();
    paired_t(m.n, sum_d, sum_d2, confidence).filter(|t| t.interval.low < t.interval.high)
}

/// Why an item-level difference has no interval or test.
pub(crate) const UNTESTED: &str =
    "fewer than 2 items, or the item differences have no variance: no interval or test";

/// Fills a comparison row from item-level moments: item-weighted rates with t intervals, the
/// mean paired difference with its t interval and test; the 2×2 cells stay 0.
pub(crate) fn fill_comparison(row: &mut Comparison, m: &Moments, settings: &Settings) {
    let confidence = settings.confidence.get();
    row.n = m.n;
    row.method = Some(ITEM_LEVEL.into());
    if m.n == 0 {
        row.note = Some("no item has a valid label on both sides".into());
        return;
    }
    (row.baseline_rate, row.baseline_ci) = item_mean(m.n, m.baseline(), m.baseline_sq(), confidence);
    (row.model_rate, row.model_ci) = item_mean(m.n, m.model(), m.model_sq(), confidence);
    let (sum_d, _) = m.difference_sums();
    row.difference = Some(sum_d / m.n as f64);
    match difference(m, confidence) {
        // A difference of values in [0, 1] lies in [−1, 1]; so does its interval.
        Some(t) => (row.difference_ci, row.p_value) = (Some(clipped(t.interval)), Some(t.p_value)),
        None => row.note = Some(UNTESTED.into()),
    }
    if let (Some(b), Some(mr)) = (row.baseline_rate, row.model_rate) {
        row.cohens_h = Some(crate::stats::effect::cohens_h(mr, b));
        row.ratio = crate::stats::effect::rate_ratio(mr, b);
    }
}

/// FNR and FPR (with t intervals over the items) of item-level values against the truth:
/// FNR = mean of 1 − v over truth-positive items, FPR = mean of v over truth-negative items.
pub(crate) fn truth_rates(t: &TruthMoments, confidence: f64) -> [(Option<f64>, Option<Interval>); 2] {
    let (sum, sum_sq) = (units(t.sum_positive), units(t.sum_sq_positive));
    let misses = t.n_positive as f64 - sum;
    let misses_sq = t.n_positive as f64 - 2.0 * sum + sum_sq;
    [
        item_mean(t.n_positive, misses, misses_sq, confidence),
        item_mean(t.n_negative, units(t.sum_negative), units(t.sum_sq_negative), confidence),
    ]
}

/// One instability row per (source, metric) with repeat sums.
pub(crate) fn instability_rows(counts: &CountsTable, settings: &Settings) -> Vec<InstabilityRow> {
    counts.repeats.iter().map(|r| instability_row(r, settings)).collect()
}

fn instability_row(r: &RepeatCounts, settings: &Settings) -> InstabilityRow {
    let confidence = settings.confidence.get();
    let s = &r.sums;
    let i = instability(s);
    let (rate, rate_ci) = item_mean(s.items, units(s.sum_mean), units(s.sum_mean_sq), confidence);
    let one_sample_rate = (s.items > 0).then(|| s.first_positive as f64 / s.items as f64);
    InstabilityRow {
        source: r.source.clone(),
        metric: r.metric.clone(),
        kind: if r.source == settings.baseline { "annotators" } else { "samples" }.into(),
        items: s.items,
        samples: s.samples,
        measures: i,
        rate,
        rate_ci,
        naive_ci: wilson_interval(s.positives, s.samples, confidence),
        one_sample_rate,
        one_sample_ci: wilson_interval(s.first_positive, s.items, confidence),
        one_sample_misleads: one_sample_rate.zip(rate_ci).is_some_and(|(x, ci)| !ci.contains(x)),
    }
}
