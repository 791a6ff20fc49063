//! The clustered overall score: the counts hold each cluster's score sums (a model row per
//! cluster), so the mean item-score difference d = (M − B)/k gets the CR1 interval and t test
//! over clusters like the comparisons.

use super::{clamp, clustered_row, method, no_wild, unit_singles, wild_p, ClusterCounts};
use crate::analysis::build::comparisons::fractional;
use crate::analysis::findings::{ClusteredRow, Overall, Settings};
use crate::counts::{units, CountsTable, ScoreMoments, ScoreSums, SliceScore, UNIT};
use crate::stats::cluster::{cr1_mean, singletons_from_sums, ClusterSum};

/// Replaces each overall score's interval and test by the clustered ones; returns the rows.
/// A model without cluster score sums (older counts files) keeps its paired t and gets a row
/// that says why.
pub(crate) fn apply_overall(
    overall: &mut [Overall],
    c: &ClusterCounts,
    counts: &CountsTable,
    settings: &Settings,
) -> Vec<ClusteredRow> {
    let mut rows = Vec::new();
    for o in overall.iter_mut().filter(|o| o.n > 0 && o.difference.is_some()) {
        let Some(model) = counts.models.iter().find(|m| m.model == o.model) else { continue };
        let levels: Vec<&SliceScore> = c.scores.iter().filter(|s| s.model == o.model).collect();
        // Item means: the sums in units (item scores), else the whole-number sums.
        let parts = match fractional(counts, &o.model) {
            true => unit_parts(model.score.n, model.score_moments, &levels),
            false => Some(whole_parts(model.score, &levels)),
        };
        let Some(parts) = parts.filter(|_| !levels.is_empty()) else {
            let row = clustered_row(("overall", &o.model, ""), o.n, o.difference, None, None);
            let why = "not clustered: the counts hold no per-cluster score sums (counts from sql/repeated.sql, or files written before them); paired t over items";
            rows.push(ClusteredRow { note: Some(why.into()), ..row });
            continue;
        };
        rows.push(overall_row(o, parts, c, settings));
    }
    rows
}

/// The item-score difference d of each cluster and of the items without one: (items, Σd, Σd²),
/// the whole (Σd²), and whether the items without a cluster follow exactly from their sums.
struct Parts {
    clusters: Vec<(u64, f64)>,
    rest: (u64, f64, f64),
    total_sq: f64,
    exact: bool,
}

/// From whole-number sums: d = (M − B)/k; with one metric each item's d is −1, 0 or 1.
fn whole_parts(all: ScoreSums, levels: &[&SliceScore]) -> Parts {
    let k = all.metrics.max(1);
    let mut rest = all;
    for l in levels {
        rest.n = rest.n.saturating_sub(l.score.n);
        rest.sum_baseline = rest.sum_baseline.saturating_sub(l.score.sum_baseline);
        rest.sum_model = rest.sum_model.saturating_sub(l.score.sum_model);
        rest.sum_sq_diff = rest.sum_sq_diff.saturating_sub(l.score.sum_sq_diff);
    }
    let diff = |l: &ScoreSums| ScoreSums { metrics: k, ..*l }.difference_moments();
    let (sum, sum_sq) = diff(&rest);
    Parts {
        clusters: levels.iter().map(|l| (l.score.n, diff(&l.score).0)).collect(),
        rest: (rest.n, sum, sum_sq),
        total_sq: diff(&all).1,
        exact: k == 1 || rest.n == 0,
    }
}

/// From the item-score sums in units (item means): d = m − b of each item's scores; `None`
/// when a level has no such sums.
fn unit_parts(n: u64, all: Option<ScoreMoments>, levels: &[&SliceScore]) -> Option<Parts> {
    let all = all?;
    let diff = |m: &ScoreMoments| {
        ((m.sum_model as i128 - m.sum_baseline as i128) as f64 / UNIT, units(m.sum_sq_diff))
    };
    let mut rest = (n, all);
    let mut clusters = Vec::new();
    for l in levels {
        let m = l.moments?;
        rest = (rest.0.saturating_sub(l.score.n), rest.1.saturating_sub(m));
        clusters.push((l.score.n, diff(&m).0));
    }
    let (sum, sum_sq) = diff(&rest.1);
    Some(Parts { clusters, rest: (rest.0, sum, sum_sq), total_sq: diff(&all).1, exact: rest.0 == 0 })
}

/// One model's overall score, clustered. The items without a cluster are known by their sums;
/// with one 0/1 metric their values are −1, 0 or 1 and follow from the sums exactly, else
/// stand-ins serve (exact for CR1; no wild bootstrap on them).
fn overall_row(o: &mut Overall, p: Parts, c: &ClusterCounts, s: &Settings) -> ClusteredRow {
    let mut sums: Vec<ClusterSum> = p.clusters.iter().map(|&(n, sum)| ClusterSum::one(n, sum)).collect();
    let (n, sum, sum_sq) = p.rest;
    match p.exact {
        true => sums.extend(unit_singles(n, sum, sum_sq)),
        false => sums.extend(singletons_from_sums(n, sum, sum_sq)),
    }
    let Some(d) = cr1_mean(&sums, p.total_sq, s.confidence.get()) else {
        (o.difference_ci, o.p_value) = (None, None);
        o.method = Some(format!("fewer than 2 clusters of {}: no clustered test", c.column));
        let row = clustered_row(("overall", &o.model, ""), o.n, o.difference, None, None);
        return ClusteredRow { note: o.method.clone(), ..row };
    };
    o.difference_ci = Some(clamp(d.test.interval, -1.0));
    o.p_value = Some(d.test.p_value);
    o.method = Some(method(c, &d));
    let wild = wild_p(&sums, &d, p.exact, s);
    let row = clustered_row(("overall", &o.model, ""), d.items, o.difference, Some(d), wild);
    ClusteredRow { note: no_wild(&d, p.exact), ..row }
}
