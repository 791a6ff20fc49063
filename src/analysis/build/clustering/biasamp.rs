//! BiasAmp→ under clustering: its bootstrap resamples clusters (each with its table in every
//! level of the grouping, from the grouping crossed with the clusters) instead of items.

use super::{ClusterCounts, Crossed};
use crate::analysis::build::groups::{bias_levels, bias_seed};
use crate::analysis::findings::{BiasAmplification, Settings};
use crate::counts::{CountsTable, MetricCounts, PairedCounts};
use crate::stats::biasamp::{bias_amp_cluster_bootstrap, ClusterTables};
use std::collections::BTreeMap;

/// Replaces each BiasAmp→ interval by the cluster bootstrap's and says so in `method`.
pub(crate) fn apply_biasamp(
    rows: &mut [BiasAmplification],
    c: &ClusterCounts,
    counts: &CountsTable,
    settings: &Settings,
) {
    for r in rows.iter_mut().filter(|r| r.value.is_some()) {
        // The levels and seed of bias_rows.
        let levels = bias_levels(counts, &r.group_by, &r.model, &r.metric);
        let Some(units) = units(r, &levels, c) else { continue };
        let clusters: u64 = units.iter().map(|u| u.copies).sum();
        let seed = bias_seed(settings, &r.group_by, &r.metric, &r.model);
        r.ci = bias_amp_cluster_bootstrap(&units, settings.bootstrap, seed, settings.confidence.get());
        r.method = Some(format!("cluster bootstrap: {clusters} clusters of {} resampled", c.column));
    }
}

/// The resampling units of one row: each cluster's table per level, and the items without a
/// cluster as one-item units grouped by level and cell. `None` for item means (no tables).
fn units(r: &BiasAmplification, levels: &[&MetricCounts], c: &ClusterCounts) -> Option<Vec<ClusterTables>> {
    let tables: Vec<PairedCounts> =
        levels.iter().map(|m| m.moments.is_none().then_some(m.pairs)).collect::<Option<_>>()?;
    let names: Vec<&str> =
        levels.iter().filter_map(|m| m.slice.group.as_ref().map(|g| g.level.as_str())).collect();
    let mut by_cluster: BTreeMap<&str, Vec<PairedCounts>> = BTreeMap::new();
    let mut outside = tables.clone();
    let cells = c.crossed.iter().filter(|x: &&Crossed| {
        x.truth.is_none() && x.grouping == r.group_by && x.model == r.model && x.metric == r.metric
    });
    for x in cells {
        let (Some(l), Some(t)) = (names.iter().position(|n| *n == x.level), x.table.as_binary()) else {
            return None;
        };
        by_cluster.entry(&x.cluster).or_insert_with(|| vec![PairedCounts::default(); tables.len()])[l] += t;
        outside[l] = outside[l].saturating_sub(t);
    }
    let mut units: Vec<ClusterTables> =
        by_cluster.into_values().map(|levels| ClusterTables { levels, copies: 1 }).collect();
    for (l, o) in outside.iter().enumerate() {
        let cells = [
            (o.both, PairedCounts { both: 1, ..PairedCounts::default() }),
            (o.model_only, PairedCounts { model_only: 1, ..PairedCounts::default() }),
            (o.baseline_only, PairedCounts { baseline_only: 1, ..PairedCounts::default() }),
            (o.neither, PairedCounts { neither: 1, ..PairedCounts::default() }),
        ];
        for (copies, one) in cells.into_iter().filter(|(n, _)| *n > 0) {
            let mut levels = vec![PairedCounts::default(); tables.len()];
            levels[l] = one;
            units.push(ClusterTables { levels, copies });
        }
    }
    Some(units)
}
