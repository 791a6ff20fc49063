//! Clustered gap amplification (of the rate, and of FNR and FPR on the truth-positive and
//! truth-negative items): each grouping is also counted crossed with the clusters, so a level's
//! and the reference's residual sums per cluster are known (clusters may span levels).

use super::{clamp, clustered_row, minus, singles, ClusterCounts, Crossed, Value};
use crate::analysis::findings::{ClusteredRow, GroupRow, Settings};
use crate::counts::{CountsTable, MetricCounts, Moments};
use crate::stats::cluster::{cr1_level_difference, Clustered, LevelResiduals};
use crate::stats::odds_ratio::{cr1_log_ror, moments_logit_difference, RorClusters};
use crate::stats::Interval;
use std::collections::BTreeMap;

/// Each tested level's gap amplification (the behaviour's rate, FNR or FPR): the difference of
/// the level's and the reference's paired differences, clustered (clusters may span the
/// levels); returns the clustering rows.
pub(crate) fn apply_groups(
    groups: &mut [GroupRow],
    c: &ClusterCounts,
    counts: &CountsTable,
    settings: &Settings,
) -> Vec<ClusteredRow> {
    let table = |g: &GroupRow, level: &str| {
        counts.metrics.iter().find(|m| {
            m.model == g.model
                && m.metric == g.metric
                && m.slice.truth == truth_of(&g.measure)
                && m.slice.group.as_ref().is_some_and(|x| x.grouping == g.group_by && x.level == level)
        })
    };
    let mut rows = Vec::new();
    for g in groups.iter_mut().filter(|g| g.ror.is_some() && g.level != g.reference) {
        let (Some(l), Some(r)) = (table(g, &g.level), table(g, &g.reference)) else { continue };
        rows.extend(apply_ror(g, (l, r), c, settings));
    }
    for g in groups.iter_mut().filter(|g| g.p_value.is_some()) {
        let (Some(l), Some(r)) = (table(g, &g.level), table(g, &g.reference)) else { continue };
        let Some(d) = gap(g, (l, r), c, settings) else { continue };
        g.amplification_ci = Some(clamp(d.test.interval, -2.0));
        g.amplification_se = Some(d.se);
        g.p_value = Some(d.test.p_value);
        let level = Some(format!("{}={} vs {}", g.group_by, g.level, g.reference));
        let measure = if g.measure == "rate" { "gap".to_string() } else { format!("{} gap", g.measure) };
        let row =
            clustered_row((&measure, &g.model, &g.metric), d.items, Some(d.test.estimate), Some(d), None);
        rows.push(ClusteredRow { level, ..row });
    }
    rows
}

/// The items a gap's measure is over: all (`rate`), the truth-positive (`fnr`) or the
/// truth-negative ones (`fpr`).
fn truth_of(measure: &str) -> Option<bool> {
    match measure {
        "fnr" => Some(true),
        "fpr" => Some(false),
        _ => None,
    }
}

/// The clustered difference of a level's and the reference's paired differences (item values:
/// 0/1 labels, or item means of repeated samples; misses for FNR).
fn gap(
    g: &GroupRow,
    (level, reference): (&MetricCounts, &MetricCounts),
    c: &ClusterCounts,
    settings: &Settings,
) -> Option<Clustered> {
    let binary = level.moments.is_none() && reference.moments.is_none();
    let (level, reference) = (level.item_moments(), reference.item_moments());
    let (truth, value) =
        (truth_of(&g.measure), if g.measure == "fnr" { Value::Misses } else { Value::Difference });
    let mean = |t: &Moments| (t.n > 0).then(|| value.sums(t).0 / t.n as f64);
    let (d_l, d_r) = (mean(&level)?, mean(&reference)?);
    // Σ e² = Σ d² − n·mean² per level.
    let sq = |t: &Moments, m: f64| value.sums(t).1 - t.n as f64 * m * m;
    let mut by_cluster: BTreeMap<&str, LevelResiduals> = BTreeMap::new();
    let mut outside = Vec::new();
    for (name, all, mean, in_level) in [(&g.level, level, d_l, true), (&g.reference, reference, d_r, false)] {
        let cells: Vec<&Crossed> = level_cells(c, g, name, truth).collect();
        let rest = minus(all, cells.iter().map(|x| &x.table));
        for x in cells {
            let e = value.sums(&x.table).0 - x.table.n as f64 * mean;
            let entry = by_cluster.entry(&x.cluster).or_insert(LevelResiduals {
                level: 0.0,
                reference: 0.0,
                copies: 1,
            });
            if in_level {
                entry.level += e
            } else {
                entry.reference += e
            }
        }
        // Items without a cluster: each its own cluster (a singleton's term needs only Σ and Σ²
        // of the values, so stand-ins serve for item means).
        for s in singles(&rest, value, binary) {
            let e = s.sum - mean;
            let (level, reference) = if in_level { (e, 0.0) } else { (0.0, e) };
            outside.push(LevelResiduals { level, reference, copies: s.copies });
        }
    }
    let clusters: Vec<LevelResiduals> =
        by_cluster.into_values().chain(outside.into_iter().filter(|s| s.copies > 0)).collect();
    let sum_sq = sq(&level, d_l) + sq(&reference, d_r);
    cr1_level_difference((d_l, d_r), (level.n, reference.n), &clusters, sum_sq, settings.confidence.get())
}

/// Replaces a level's ratio of odds ratios (its interval and test) by the clustered one and
/// returns its row (`log ror`, on the log scale; on the misses for FNR: the reciprocal).
fn apply_ror(
    g: &mut GroupRow,
    (level, reference): (&MetricCounts, &MetricCounts),
    c: &ClusterCounts,
    settings: &Settings,
) -> Option<ClusteredRow> {
    let truth = truth_of(&g.measure);
    let (lm, rm) = (level.item_moments(), reference.item_moments());
    let mut by_cluster: BTreeMap<&str, (Moments, Moments)> = BTreeMap::new();
    let mut singles = (lm, rm);
    for (name, in_level) in [(&g.level, true), (&g.reference, false)] {
        for x in level_cells(c, g, name, truth) {
            let e = by_cluster.entry(&x.cluster).or_default();
            let (part, rest) = if in_level { (&mut e.0, &mut singles.0) } else { (&mut e.1, &mut singles.1) };
            *part += x.table;
            *rest = rest.saturating_sub(x.table);
        }
    }
    let parts = RorClusters { clusters: by_cluster.into_values().collect(), singles };
    let (t, se, clusters) = cr1_log_ror(&lm, &rm, &parts, settings.confidence.get())?;
    let sign = if g.measure == "fnr" { -1.0 } else { 1.0 };
    let (estimate, low, high) = match sign > 0.0 {
        true => (t.estimate, t.interval.low, t.interval.high),
        false => (-t.estimate, -t.interval.high, -t.interval.low),
    };
    (g.ror, g.ror_ci, g.ror_p_value) =
        (Some(estimate.exp()), Some(Interval::new(low.exp(), high.exp())), Some(t.p_value));
    let independent =
        moments_logit_difference(&lm).zip(moments_logit_difference(&rm)).map(|(a, b)| (a.1 + b.1).sqrt());
    let measure = if g.measure == "rate" { "log ror".to_string() } else { format!("{} log ror", g.measure) };
    let row = clustered_row((&measure, &g.model, &g.metric), lm.n + rm.n, Some(estimate), None, None);
    Some(ClusteredRow {
        level: Some(format!("{}={} vs {}", g.group_by, g.level, g.reference)),
        clusters,
        se: Some(se),
        se_independent: independent,
        design_effect: independent.filter(|&i| i > 0.0).map(|i| (se / i).powi(2)),
        df: Some(t.df),
        ..row
    })
}

/// The clusters' cells of one level of a group row's grouping (its model, metric and truth
/// value); a cluster with no item valid on both sides there is not one of the G.
fn level_cells<'a>(
    c: &'a ClusterCounts,
    g: &'a GroupRow,
    level: &'a str,
    truth: Option<bool>,
) -> impl Iterator<Item = &'a Crossed> + 'a {
    c.crossed.iter().filter(move |x| {
        x.grouping == g.group_by
            && x.level == level
            && x.model == g.model
            && x.metric == g.metric
            && x.truth == truth
            && x.table.n > 0
    })
}
