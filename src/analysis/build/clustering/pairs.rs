//! Clustered counterfactual pairs: a pair belongs to side A's cluster (a pair with no cluster
//! value is a cluster of its own), and each model-vs-source pair test — the amplification of the
//! asymmetry and the both-sides (affirms-both) difference — becomes the CR1 mean of its pair-level
//! value over the clusters; so do each source's own asymmetry and rates (its pair rows).

use super::{clamp, clustered_row, unit_singles, wild_p, ClusterCounts};
use crate::analysis::findings::{ClusteredRow, PairRow, PairTest, Settings};
use crate::counts::{CountsTable, PairCells, PairTable, CROSS};
use crate::stats::cluster::{cr1_mean, ClusterSum};
use crate::stats::counterfactual::{pair_value, JointPairs, Rate};

/// Replaces each pair test's interval and test by the clustered ones; returns the clustering rows.
pub(crate) fn apply_pairs(
    tests: &mut [PairTest],
    c: &ClusterCounts,
    counts: &CountsTable,
    settings: &Settings,
) -> Vec<ClusteredRow> {
    let mut rows = Vec::new();
    for t in tests.iter_mut().filter(|t| t.n > 0 && t.difference.is_some()) {
        let same = |p: &PairCells| p.versus == t.versus && p.model == t.model && p.metric == t.metric;
        let all = counts.pairs.iter().find(|p| same(p) && of_slice(p, (&t.group_by, &t.level)));
        let Some(all) = all else { continue };
        let levels: Vec<JointPairs> = c
            .pairs
            .iter()
            .filter(|p| same(p) && in_clusters_of(p, (&t.group_by, &t.level), &c.column))
            .map(PairCells::joint)
            .collect();
        rows.push(pair_row(t, all.joint(), &levels, c, settings));
    }
    rows
}

/// Whether `p` is the table of a row's slice: all pairs, or one level of side A (no truth value).
fn of_slice(p: &PairCells, (group_by, level): (&Option<String>, &Option<String>)) -> bool {
    p.slice.truth.is_none()
        && p.slice.group.as_ref().map(|g| (&g.grouping, &g.level)) == group_by.as_ref().zip(level.as_ref())
}

/// Whether `p` is one cluster's table of the pairs of a slice (all pairs: the cluster column's
/// rows; a level L of a grouping G: the rows of `G × COL` at `L × cluster`).
fn in_clusters_of(p: &PairCells, slice: (&Option<String>, &Option<String>), column: &str) -> bool {
    let Some(g) = &p.slice.group else { return false };
    match slice {
        (Some(grouping), Some(level)) => {
            g.grouping == format!("{grouping}{CROSS}{column}")
                && g.level.split_once(CROSS).is_some_and(|(l, _)| l == level)
        }
        _ => g.grouping == column,
    }
}

/// One pair test, clustered: each cluster's sum of the pair values, the pairs outside every
/// cluster as clusters of one (their values are known from the 16 cells).
fn pair_row(
    t: &mut PairTest,
    all: JointPairs,
    levels: &[JointPairs],
    c: &ClusterCounts,
    settings: &Settings,
) -> ClusteredRow {
    let measure = t.measure.clone();
    let value = |cell: [i64; 4]| pair_value(&measure, cell);
    let sum = |j: &JointPairs| j.cells().map(|(cell, n)| n as f64 * value(cell)).sum::<f64>();
    let mut outside = all.0;
    for j in levels {
        for (o, n) in outside.iter_mut().zip(j.0) {
            *o = o.saturating_sub(n);
        }
    }
    let mut sums: Vec<ClusterSum> = levels.iter().map(|j| ClusterSum::one(j.n(), sum(j))).collect();
    sums.extend(JointPairs(outside).cells().map(|(cell, copies)| ClusterSum {
        n: 1,
        sum: value(cell),
        copies,
    }));
    let sum_sq: f64 = all.cells().map(|(cell, n)| n as f64 * value(cell).powi(2)).sum();
    let measure = format!("pairs {}", t.measure);
    let Some(d) = cr1_mean(&sums, sum_sq, settings.confidence.get()) else {
        t.note = Some(format!("fewer than 2 clusters of {}: no clustered test", c.column));
        (t.difference_ci, t.p_value) = (None, None);
        let row = clustered_row((&measure, &t.model, &t.metric), t.n, t.difference, None, None);
        return ClusteredRow { note: t.note.clone(), ..row };
    };
    let low = if t.measure == "asymmetry" { -2.0 } else { -1.0 };
    t.difference_ci = Some(clamp(d.test.interval, low));
    t.p_value = Some(d.test.p_value);
    t.method = Some(super::method(c, &d));
    let wild = wild_p(&sums, &d, true, settings);
    let row = clustered_row((&measure, &t.model, &t.metric), d.items, Some(d.test.estimate), Some(d), wild);
    let level = t.group_by.as_ref().zip(t.level.as_ref()).map(|(g, l)| format!("{g}={l}"));
    ClusteredRow { level, versus: (t.versus != settings.baseline).then(|| t.versus.clone()), ..row }
}

/// Each source's own asymmetry P(B) − P(A) over its pairs (the pair rows), clustered: the CR1
/// mean of b − a per pair in place of Tango's interval and McNemar's test; returns the rows.
pub(crate) fn apply_pair_rows(
    rows: &mut [PairRow],
    c: &ClusterCounts,
    counts: &CountsTable,
    settings: &Settings,
) -> Vec<ClusteredRow> {
    let mut out = Vec::new();
    for r in rows.iter_mut().filter(|r| r.n > 0 && r.asymmetry.is_some()) {
        let baseline = r.role == "baseline";
        // The row's table: the source as the model against the baseline, or the baseline's side
        // of the first model's table (the one its row was read from).
        let of_row = |p: &PairCells| {
            p.versus == settings.baseline && p.metric == r.metric && (baseline || p.model == r.source)
        };
        let slice = (&r.group_by, &r.level);
        let all = counts.pairs.iter().find(|p| of_row(p) && of_slice(p, slice));
        let Some(all) = all else { continue };
        let side = |p: &PairCells| if baseline { p.versus_table() } else { p.model_table() };
        let levels: Vec<PairTable> = c
            .pairs
            .iter()
            .filter(|p| of_row(p) && p.model == all.model && in_clusters_of(p, slice, &c.column))
            .map(side)
            .collect();
        own_rates(r, side(all), &levels, settings);
        out.push(own_row(r, side(all), &levels, c, settings));
    }
    out
}

/// A source's both-sides, neither and flip rates over its pairs with clustered intervals (CR1
/// means of the pair indicators) in place of Wilson's.
fn own_rates(r: &mut PairRow, all: PairTable, levels: &[PairTable], s: &Settings) {
    let outside = levels.iter().fold(all, |left, t| left.saturating_sub(*t));
    let rate = |count: fn(&PairTable) -> u64, old: Option<Rate>| {
        let old = old?;
        let mut sums: Vec<ClusterSum> =
            levels.iter().map(|t| ClusterSum::one(t.n(), count(t) as f64)).collect();
        let rest = count(&outside) as f64;
        sums.extend(unit_singles(outside.n(), rest, rest));
        let d = cr1_mean(&sums, count(&all) as f64, s.confidence.get());
        Some(Rate { rate: old.rate, ci: d.map(|d| clamp(d.test.interval, 0.0)) })
    };
    r.both = rate(|t| t.n11, r.both);
    r.neither = rate(|t| t.n00, r.neither);
    r.affirms_both = rate(|t| t.n00, r.affirms_both);
    r.flip = rate(|t| t.n10 + t.n01, r.flip);
}

/// One source's asymmetry, clustered.
fn own_row(
    r: &mut PairRow,
    all: PairTable,
    levels: &[PairTable],
    c: &ClusterCounts,
    s: &Settings,
) -> ClusteredRow {
    let o = levels.iter().fold(all, |left, t| left.saturating_sub(*t));
    let mut sums: Vec<ClusterSum> =
        levels.iter().map(|t| ClusterSum::one(t.n(), t.n01 as f64 - t.n10 as f64)).collect();
    sums.extend(unit_singles(o.n(), o.n01 as f64 - o.n10 as f64, (o.n01 + o.n10) as f64));
    let row = |d: Option<crate::stats::cluster::Clustered>, wild| {
        let what = clustered_row(("asymmetry", &r.source, &r.metric), r.n, r.asymmetry, d, wild);
        ClusteredRow {
            level: r.group_by.as_ref().zip(r.level.as_ref()).map(|(g, l)| format!("{g}={l}")),
            ..what
        }
    };
    let Some(d) = cr1_mean(&sums, (all.n01 + all.n10) as f64, s.confidence.get()) else {
        r.note = Some(format!("fewer than 2 clusters of {}: no clustered test", c.column));
        (r.asymmetry_ci, r.p_value) = (None, None);
        return ClusteredRow { note: r.note.clone(), ..row(None, None) };
    };
    r.asymmetry_ci = Some(clamp(d.test.interval, -1.0));
    r.p_value = Some(d.test.p_value);
    r.method = Some(super::method(c, &d));
    let wild = wild_p(&sums, &d, true, s);
    row(Some(d), wild)
}
