//! Cluster-robust comparisons (`--cluster COL`): the cluster column is counted as a grouping of
//! its own (each cluster's 2×2 tables, in every counting strategy, counts file and the SQL); here
//! its rows leave the table the rest of the findings see, and each comparison's rates and paired
//! difference get the CR1 interval and t test over clusters (see `stats::cluster`).

use crate::analysis::findings::{ClusteredRow, Clustering, Comparison, Settings};
use crate::counts::{CountsTable, PairedCounts};
use crate::error::{AmplifyError, Result};
use crate::stats::cluster::{cr1_mean, wild_cluster_p, ClusterSum, Clustered};
use crate::stats::Interval;

/// Below this many clusters the wild cluster bootstrap p-value is reported too.
const WILD_BELOW: u64 = 20;
/// Below this many clusters the section warns.
const WARN_BELOW: u64 = 10;

/// The cluster rows of a counts table, taken out of it.
pub(crate) struct ClusterCounts {
    /// The column.
    column: String,
    /// Per (model, metric) the 2×2 table of each cluster (all items, no truth split).
    tables: Vec<(String, String, PairedCounts)>,
    /// Clusters among the baseline's items.
    clusters: u64,
    /// Baseline items without a cluster value.
    singletons: u64,
}

/// Splits the cluster column's rows (a grouping named like the column) out of the table; fails
/// when the table has none (counts written without `--cluster`).
pub(crate) fn split(counts: &CountsTable, column: &str) -> Result<(ClusterCounts, CountsTable)> {
    let of_cluster = |s: &crate::counts::Slice| s.grouping() == Some(column);
    let Some(grouping) = counts.groupings.iter().find(|g| g.group_by == column) else {
        return Err(AmplifyError::Usage(format!(
            "--cluster {column}: the counts have no rows for this column; count with --cluster {column}"
        )));
    };
    let tables: Vec<(String, String, PairedCounts)> = counts
        .metrics
        .iter()
        .filter(|m| of_cluster(&m.slice) && m.slice.truth.is_none() && m.moments.is_none())
        .map(|m| (m.model.clone(), m.metric.clone(), m.pairs))
        .collect();
    let mut levels: Vec<&str> = counts
        .metrics
        .iter()
        .filter_map(|m| m.slice.group.as_ref().filter(|g| g.grouping == column).map(|g| g.level.as_str()))
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let mut rest = counts.clone();
    strip(&mut rest, column);
    let found = ClusterCounts {
        column: column.to_string(),
        tables,
        clusters: levels.len() as u64,
        singletons: grouping.unassigned,
    };
    Ok((found, rest))
}

/// The table without the cluster column's rows.
pub(crate) fn without(counts: &CountsTable, column: &str) -> CountsTable {
    let mut rest = counts.clone();
    strip(&mut rest, column);
    rest
}

/// Removes a grouping's rows from a table and its `--versus` tables.
fn strip(t: &mut CountsTable, column: &str) {
    let keep = |s: &crate::counts::Slice| s.grouping() != Some(column);
    t.metrics.retain(|m| keep(&m.slice));
    t.truth.retain(|m| keep(&m.slice));
    t.pairs.retain(|p| keep(&p.slice));
    t.groupings.retain(|g| g.group_by != column);
    for v in &mut t.versus {
        strip(&mut v.table, column);
    }
}

/// Replaces each comparison's intervals and test by their cluster-robust versions and returns
/// the section.
pub(crate) fn apply(comparisons: &mut [Comparison], c: &ClusterCounts, settings: &Settings) -> Clustering {
    let rows: Vec<ClusteredRow> =
        comparisons.iter_mut().filter(|r| r.n > 0).map(|r| cluster_row(r, c, settings)).collect();
    let mut notes = vec![
        "Not yet clustered: the overall score, the error rates against the truth, group amplification and --versus; their intervals assume independent items".to_string(),
    ];
    if let Some(few) =
        rows.iter().filter_map(|r| r.df.map(|df| df as u64 + 1)).min().filter(|&g| g < WARN_BELOW)
    {
        notes.push(format!("only {few} clusters: the t interval is wide and itself uncertain; read the wild cluster bootstrap p-value"));
    }
    Clustering { column: c.column.clone(), clusters: c.clusters, singletons: c.singletons, rows, notes }
}

/// One comparison: its clusters' sums, the clustered estimates written into the row.
fn cluster_row(row: &mut Comparison, c: &ClusterCounts, settings: &Settings) -> ClusteredRow {
    let all = PairedCounts {
        both: row.both,
        model_only: row.model_only,
        baseline_only: row.baseline_only,
        neither: row.neither,
    };
    let levels: Vec<PairedCounts> =
        c.tables.iter().filter(|(m, k, _)| *m == row.model && *k == row.metric).map(|(_, _, t)| *t).collect();
    let confidence = settings.confidence.get();
    // Items outside every cluster: all items minus the clusters' (each its own cluster).
    let outside = levels.iter().fold(all, |left, t| PairedCounts {
        both: left.both.saturating_sub(t.both),
        model_only: left.model_only.saturating_sub(t.model_only),
        baseline_only: left.baseline_only.saturating_sub(t.baseline_only),
        neither: left.neither.saturating_sub(t.neither),
    });
    let sums = |value: fn(&PairedCounts) -> f64, singles: [(u64, f64); 3]| -> Vec<ClusterSum> {
        let mut out: Vec<ClusterSum> = levels.iter().map(|t| ClusterSum::one(t.n(), value(t))).collect();
        out.extend(singles.iter().map(|&(copies, v)| ClusterSum { n: 1, sum: v, copies }));
        out
    };
    let o = outside;
    let difference = sums(
        |t| t.model_only as f64 - t.baseline_only as f64,
        [(o.model_only, 1.0), (o.baseline_only, -1.0), (o.both + o.neither, 0.0)],
    );
    let model = sums(
        |t| t.model_positive() as f64,
        [(o.both + o.model_only, 1.0), (o.baseline_only + o.neither, 0.0), (0, 0.0)],
    );
    let baseline = sums(
        |t| t.baseline_positive() as f64,
        [(o.both + o.baseline_only, 1.0), (o.model_only + o.neither, 0.0), (0, 0.0)],
    );
    let d = cr1_mean(&difference, (all.model_only + all.baseline_only) as f64, confidence);
    let rate = |s: &[ClusterSum], ones: u64| {
        cr1_mean(s, ones as f64, confidence).map(|x| clamp(x.test.interval, 0.0))
    };
    let Some(d) = d else {
        row.note = Some(format!("fewer than 2 clusters of {}: no clustered test", c.column));
        (row.difference_ci, row.p_value) = (None, None);
        return clustered_row(row, None, None);
    };
    row.baseline_ci = rate(&baseline, all.baseline_positive());
    row.model_ci = rate(&model, all.model_positive());
    row.difference_ci = Some(clamp(d.test.interval, -1.0));
    row.p_value = Some(d.test.p_value);
    row.method = Some(format!("clustered by {}: CR1, t with {} df", c.column, d.clusters - 1));
    let wild = (d.clusters < WILD_BELOW).then(|| wild_cluster_p(&difference, settings.seed)).flatten();
    clustered_row(row, Some(d), wild)
}

fn clustered_row(row: &Comparison, d: Option<Clustered>, wild: Option<(f64, u64)>) -> ClusteredRow {
    ClusteredRow {
        model: row.model.clone(),
        metric: row.metric.clone(),
        clusters: d.map_or(0, |d| d.clusters),
        items: row.n,
        difference: row.difference,
        se: d.map(|d| d.se),
        se_independent: d.map(|d| d.se_independent),
        design_effect: d.and_then(|d| d.design_effect()),
        df: d.map(|d| d.test.df),
        wild_p: wild.map(|w| w.0),
        wild_draws: wild.map(|w| w.1),
        note: row.note.clone(),
    }
}

/// An interval cut to [low, 1] (rates: low 0; differences: low −1).
fn clamp(i: Interval, low: f64) -> Interval {
    Interval::new(i.low.max(low), i.high.min(1.0))
}
