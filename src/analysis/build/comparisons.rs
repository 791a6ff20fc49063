//! The comparison rows (one per model and metric) and the overall score, against the baseline
//! or, for `--versus`, against a base model.

use super::repeats;
use crate::analysis::findings::{Comparison, Overall, Settings};
use crate::counts::{units, CountsTable, MetricCounts, ModelCounts, UNIT};
use crate::stats::effect::{cohens_h, rate_ratio};
use crate::stats::paired_difference::paired_difference;
use crate::stats::ttest::paired_t;
use crate::stats::wilson::wilson_interval;

/// One comparison row: rates with Wilson intervals, the paired difference (Tango, McNemar) and
/// effect sizes; item-level rows (repeated samples) from their sums.
pub(crate) fn comparison(m: &MetricCounts, settings: &Settings) -> Comparison {
    let p = m.pairs;
    let n = p.n();
    let mut row = Comparison {
        metric: m.metric.clone(),
        model: m.model.clone(),
        n,
        baseline_rate: None,
        baseline_ci: None,
        model_rate: None,
        model_ci: None,
        difference: None,
        difference_ci: None,
        both: p.both,
        model_only: p.model_only,
        baseline_only: p.baseline_only,
        neither: p.neither,
        p_value: None,
        p_adjusted: None,
        cohens_h: None,
        ratio: None,
        invalid_baseline: m.invalid_baseline,
        invalid_model: m.invalid_model,
        significant: false,
        note: None,
        mde: None,
        method: None,
    };
    if let Some(moments) = &m.moments {
        repeats::fill_comparison(&mut row, moments, settings);
        return row;
    }
    if n == 0 {
        row.note = Some("no item has a valid label on both sides".into());
        return row;
    }
    let (baseline_rate, model_rate) =
        (p.baseline_positive() as f64 / n as f64, p.model_positive() as f64 / n as f64);
    row.baseline_rate = Some(baseline_rate);
    row.model_rate = Some(model_rate);
    row.baseline_ci = wilson_interval(p.baseline_positive(), n, settings.confidence.get());
    row.model_ci = wilson_interval(p.model_positive(), n, settings.confidence.get());
    if let Some((difference, ci, p_value)) = paired_difference(&p, settings.confidence.get(), settings.test) {
        (row.difference, row.difference_ci, row.p_value) = (Some(difference), ci, Some(p_value));
    }
    row.cohens_h = Some(cohens_h(model_rate, baseline_rate));
    row.ratio = rate_ratio(model_rate, baseline_rate);
    row
}

/// Whether a model's item values are fractional (a metric row of it has item-level sums): its
/// overall score then comes from the score sums in units, else from the whole-number sums.
pub(crate) fn fractional(counts: &CountsTable, model: &str) -> bool {
    counts.metrics.iter().any(|m| m.model == model && m.slice.is_all() && m.moments.is_some())
}

/// The overall score of one model: mean item scores and the paired t-test of their difference.
pub(crate) fn overall_score(m: &ModelCounts, fractional: bool, settings: &Settings) -> Overall {
    let s = m.score;
    let (sum_d, sum_d2, baseline_score, model_score) = match m.score_moments.filter(|_| fractional) {
        None => {
            let (sum_d, sum_d2) = s.difference_moments();
            (sum_d, sum_d2, s.baseline_score(), s.model_score())
        }
        Some(f) => {
            // Item scores already averaged over the metrics (see `ScoreMoments`).
            let mean = |x: u64| (s.n > 0 && s.metrics > 0).then(|| units(x) / s.n as f64);
            let sum_d = (f.sum_model as i128 - f.sum_baseline as i128) as f64 / UNIT;
            (sum_d, units(f.sum_sq_diff), mean(f.sum_baseline), mean(f.sum_model))
        }
    };
    let test = paired_t(s.n, sum_d, sum_d2, settings.confidence.get());
    let difference = (s.n > 0 && s.metrics > 0).then(|| sum_d / s.n as f64);
    Overall {
        model: m.model.clone(),
        n: s.n,
        baseline_score,
        model_score,
        difference,
        difference_ci: test.map(|t| t.interval),
        p_value: test.map(|t| t.p_value),
        p_adjusted: None,
        significant: false,
        method: None,
    }
}
