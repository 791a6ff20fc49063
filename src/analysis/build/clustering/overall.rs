//! The clustered overall score: the counts hold each cluster's score sums (a model row per
//! cluster), so the mean item-score difference d = (M − B)/k gets the CR1 interval and t test
//! over clusters like the comparisons.

use super::{clamp, clustered_row, method, no_wild, unit_singles, wild_p, ClusterCounts};
use crate::analysis::findings::{ClusteredRow, Overall, Settings};
use crate::counts::{CountsTable, ScoreSums};
use crate::stats::cluster::{cr1_mean, singletons_from_sums, ClusterSum};

/// Replaces each overall score's interval and test by the clustered ones; returns the rows.
/// A model without cluster score sums (repeated samples; older counts files)
/// keeps its paired t and gets a row that says why.
pub(crate) fn apply_overall(
    overall: &mut [Overall],
    c: &ClusterCounts,
    counts: &CountsTable,
    settings: &Settings,
) -> Vec<ClusteredRow> {
    let mut rows = Vec::new();
    for o in overall.iter_mut().filter(|o| o.n > 0 && o.difference.is_some()) {
        let Some(model) = counts.models.iter().find(|m| m.model == o.model) else { continue };
        let levels: Vec<ScoreSums> =
            c.scores.iter().filter(|s| s.model == o.model).map(|s| s.score).collect();
        if model.score_moments.is_some() || levels.is_empty() {
            let row = clustered_row(("overall", &o.model, ""), o.n, o.difference, None, None);
            let why = "not clustered: the counts hold no per-cluster score sums (repeated samples, or counts files written before them); paired t over items";
            rows.push(ClusteredRow { note: Some(why.into()), ..row });
            continue;
        }
        rows.push(overall_row(o, model.score, &levels, c, settings));
    }
    rows
}

/// One model's overall score, clustered. The items without a cluster are known by their sums;
/// with one metric their values are −1, 0 or 1 and follow from the sums exactly, else stand-ins
/// serve (exact for CR1; no wild bootstrap on them).
fn overall_row(
    o: &mut Overall,
    all: ScoreSums,
    levels: &[ScoreSums],
    c: &ClusterCounts,
    s: &Settings,
) -> ClusteredRow {
    let k = all.metrics.max(1);
    let mut rest = all;
    for l in levels {
        rest.n = rest.n.saturating_sub(l.n);
        rest.sum_baseline = rest.sum_baseline.saturating_sub(l.sum_baseline);
        rest.sum_model = rest.sum_model.saturating_sub(l.sum_model);
        rest.sum_sq_diff = rest.sum_sq_diff.saturating_sub(l.sum_sq_diff);
    }
    // Σ d and Σ d² of d = (M − B)/k over each cluster's items and over the rest.
    let diff = |l: &ScoreSums| ScoreSums { metrics: k, ..*l }.difference_moments();
    let mut sums: Vec<ClusterSum> = levels.iter().map(|l| ClusterSum::one(l.n, diff(l).0)).collect();
    let (sum, sum_sq) = diff(&rest);
    let exact = k == 1 || rest.n == 0;
    match k {
        1 => sums.extend(unit_singles(rest.n, sum, sum_sq)),
        _ => sums.extend(singletons_from_sums(rest.n, sum, sum_sq)),
    }
    let Some(d) = cr1_mean(&sums, diff(&all).1, s.confidence.get()) else {
        (o.difference_ci, o.p_value) = (None, None);
        o.method = Some(format!("fewer than 2 clusters of {}: no clustered test", c.column));
        let row = clustered_row(("overall", &o.model, ""), o.n, o.difference, None, None);
        return ClusteredRow { note: o.method.clone(), ..row };
    };
    o.difference_ci = Some(clamp(d.test.interval, -1.0));
    o.p_value = Some(d.test.p_value);
    o.method = Some(method(c, &d));
    let wild = wild_p(&sums, &d, exact, s);
    let row = clustered_row(("overall", &o.model, ""), d.items, o.difference, Some(d), wild);
    ClusteredRow { note: no_wild(&d, exact), ..row }
}
