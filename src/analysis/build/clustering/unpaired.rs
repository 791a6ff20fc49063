//! Clustered unpaired comparisons (`--versus BASE` with a model that shares no item with BASE):
//! the difference of two means over different items, model − BASE, as the slope of the OLS on
//! an intercept and the model's indicator over the stacked items of both, with the CR1 variance
//! (a cluster may hold items of both; `stats::cluster::cr1_level_difference`).

use super::{clamp, clustered_row, minus, singles, ClusterCounts, Value};
use crate::analysis::findings::{ClusteredRow, Settings, UnpairedRow};
use crate::counts::{CountsTable, Moments, TruthCounts, UNIT};
use crate::stats::cluster::{cr1_level_difference, LevelResiduals};
use std::collections::BTreeMap;

/// Replaces each unpaired row's interval and test by the clustered ones; returns the rows.
pub(crate) fn apply_unpaired(
    rows: &mut [UnpairedRow],
    base: &str,
    c: &ClusterCounts,
    counts: &CountsTable,
    settings: &Settings,
) -> Vec<ClusteredRow> {
    let mut out = Vec::new();
    for u in rows.iter_mut().filter(|u| u.n > 0 && u.n_base > 0) {
        let (Some(model), Some(reference)) = (sides(c, counts, &u.model, u), sides(c, counts, base, u))
        else {
            continue;
        };
        let measure = format!("unpaired {}", u.measure);
        let Some(d) = difference(&model, &reference, settings) else {
            let row =
                clustered_row((&measure, &u.model, &u.metric), u.n + u.n_base, u.difference, None, None);
            let why = format!("fewer than 2 clusters of {}: no clustered test", c.column);
            out.push(ClusteredRow { versus: Some(base.into()), note: Some(why), ..row });
            continue;
        };
        u.difference_ci = Some(clamp(d.test.interval, -1.0));
        u.p_value = Some(d.test.p_value);
        u.method =
            format!("unpaired, clustered by {}: CR1, t with {} df", c.column, d.clusters.saturating_sub(1));
        let row = clustered_row((&measure, &u.model, &u.metric), d.items, u.difference, Some(d), None);
        out.push(ClusteredRow { versus: Some(base.into()), ..row });
    }
    out
}

/// One side of an unpaired comparison: its item values over all its items, per cluster, and
/// whether they are 0/1 (as `Moments` whose model side holds them).
struct Side {
    all: Moments,
    clusters: BTreeMap<String, Moments>,
    binary: bool,
}

/// The side of `source` in row `u`: its values of the metric (its items valid with the
/// baseline), or its misses (FNR) or false alarms (FPR) against the truth.
fn sides(c: &ClusterCounts, counts: &CountsTable, source: &str, u: &UnpairedRow) -> Option<Side> {
    if u.measure == "rate" {
        let all =
            counts.metrics.iter().find(|m| m.model == source && m.metric == u.metric && m.slice.is_all())?;
        let of = c.tables.iter().filter(|t| t.0 == source && t.1 == u.metric && t.2.is_none());
        let clusters = of.map(|t| (t.3.clone(), t.4)).collect();
        return Some(Side { all: all.item_moments(), clusters, binary: all.moments.is_none() });
    }
    let positive = u.measure == "fnr";
    let all = counts.truth.iter().find(|t| t.source == source && t.metric == u.metric && t.slice.is_all())?;
    let of = c.truth.iter().filter(|t| t.0 == source && t.1 == u.metric);
    let clusters = of.map(|t| (t.2.clone(), errors(&t.3, positive))).collect();
    Some(Side { all: errors(all, positive), clusters, binary: all.moments.is_none() })
}

/// Misses on the truth-positive items (`positive`) or false alarms on the truth-negative ones,
/// as the model side of `Moments` (in units).
fn errors(t: &TruthCounts, positive: bool) -> Moments {
    let unit = UNIT as u64;
    let of = |n: u64, sum: u64, sum_sq: u64| Moments {
        n,
        sum_model: sum,
        sum_model_sq: sum_sq,
        ..Moments::default()
    };
    let p = &t.pairs;
    match (&t.moments, positive) {
        (None, true) => {
            let s = p.baseline_only.saturating_mul(unit);
            of(p.both.saturating_add(p.baseline_only), s, s)
        }
        (None, false) => {
            let s = p.model_only.saturating_mul(unit);
            of(p.model_only.saturating_add(p.neither), s, s)
        }
        // A miss is 1 − v: Σ(1 − v) = n − Σv, Σ(1 − v)² = n − 2Σv + Σv².
        (Some(m), true) => {
            // Saturating: checked sums keep them in range, a hand-edited file cannot panic here.
            let n = m.n_positive.saturating_mul(unit);
            let sq = n.saturating_add(m.sum_sq_positive).saturating_sub(m.sum_positive.saturating_mul(2));
            of(m.n_positive, n.saturating_sub(m.sum_positive), sq)
        }
        (Some(m), false) => of(m.n_negative, m.sum_negative, m.sum_sq_negative),
    }
}

/// The clustered difference of the two sides' means; items without a cluster are clusters of
/// one (exact values for 0/1 data, else stand-ins with the same sums).
fn difference(a: &Side, b: &Side, s: &Settings) -> Option<crate::stats::cluster::Clustered> {
    let mean = |m: &Moments| (m.n > 0).then(|| m.model() / m.n as f64);
    let (pa, pb) = (mean(&a.all)?, mean(&b.all)?);
    let mut by_cluster: BTreeMap<&str, LevelResiduals> = BTreeMap::new();
    for (side, p, first) in [(a, pa, true), (b, pb, false)] {
        for (name, m) in side.clusters.iter().filter(|(_, m)| m.n > 0) {
            let e = m.model() - m.n as f64 * p;
            let r =
                by_cluster.entry(name).or_insert(LevelResiduals { level: 0.0, reference: 0.0, copies: 1 });
            if first {
                r.level += e
            } else {
                r.reference += e
            }
        }
    }
    let mut clusters: Vec<LevelResiduals> = by_cluster.into_values().collect();
    for (side, p, first) in [(a, pa, true), (b, pb, false)] {
        let rest = minus(side.all, side.clusters.values());
        for x in singles(&rest, Value::Model, side.binary).into_iter().filter(|x| x.copies > 0) {
            let e = x.sum - p;
            let (level, reference) = if first { (e, 0.0) } else { (0.0, e) };
            clusters.push(LevelResiduals { level, reference, copies: x.copies });
        }
    }
    let sq = |m: &Moments, p: f64| m.model_sq() - m.n as f64 * p * p;
    let sum_sq = sq(&a.all, pa) + sq(&b.all, pb);
    cr1_level_difference((pa, pb), (a.all.n, b.all.n), &clusters, sum_sq, s.confidence.get())
}
