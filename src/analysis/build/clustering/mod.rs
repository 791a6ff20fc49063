//! Cluster-robust comparisons (`--cluster COL`): the cluster column is counted as a grouping of
//! its own (each cluster's 2×2 tables, in every counting strategy, counts file and the SQL); here
//! its rows leave the table the rest of the findings see, and each comparison's rates and paired
//! difference get the CR1 interval and t test over clusters (see `stats::cluster`); `gaps`
//! does the same for the groups' gap amplification.

use crate::analysis::findings::{ClusteredRow, Clustering, Comparison, Settings, TruthTest};
use crate::counts::{CountsTable, PairedCounts, CROSS};
use crate::error::{AmplifyError, Result};
use crate::stats::cluster::{cr1_mean, wild_cluster_p, ClusterSum, Clustered};
use crate::stats::Interval;

mod gaps;

pub(crate) use gaps::apply_groups;

/// Below this many clusters the wild cluster bootstrap p-value is reported too.
const WILD_BELOW: u64 = 20;
/// Below this many clusters the section warns.
const WARN_BELOW: u64 = 10;

/// The cluster rows of a counts table, taken out of it.
pub(crate) struct ClusterCounts {
    /// The column.
    column: String,
    /// Per (model, metric, truth value) the 2×2 table of each cluster (`None`: all items).
    tables: Vec<(String, String, Option<bool>, PairedCounts)>,
    /// Clusters among the baseline's items.
    clusters: u64,
    /// Baseline items without a cluster value.
    singletons: u64,
    /// Each grouping crossed with the clusters: (grouping, level, cluster, model, metric, table).
    crossed: Vec<Crossed>,
}

/// One cell of a grouping crossed with the clusters.
struct Crossed {
    grouping: String,
    level: String,
    cluster: String,
    model: String,
    metric: String,
    table: PairedCounts,
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
    let tables: Vec<(String, String, Option<bool>, PairedCounts)> = counts
        .metrics
        .iter()
        .filter(|m| of_cluster(&m.slice) && m.moments.is_none())
        .map(|m| (m.model.clone(), m.metric.clone(), m.slice.truth, m.pairs))
        .collect();
    let mut levels: Vec<&str> = counts
        .metrics
        .iter()
        .filter_map(|m| m.slice.group.as_ref().filter(|g| g.grouping == column).map(|g| g.level.as_str()))
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let crossed = crossed_cells(counts, column);
    let mut rest = counts.clone();
    strip(&mut rest, column);
    let found = ClusterCounts {
        column: column.to_string(),
        tables,
        clusters: levels.len() as u64,
        singletons: grouping.unassigned,
        crossed,
    };
    Ok((found, rest))
}

/// The table without the cluster column's rows.
pub(crate) fn without(counts: &CountsTable, column: &str) -> CountsTable {
    let mut rest = counts.clone();
    strip(&mut rest, column);
    rest
}

/// The cells of every grouping crossed with the clusters (grouping `G × COL`, level `L × c`).
fn crossed_cells(counts: &CountsTable, column: &str) -> Vec<Crossed> {
    let suffix = format!("{CROSS}{column}");
    counts
        .metrics
        .iter()
        .filter(|m| m.slice.truth.is_none() && m.moments.is_none())
        .filter_map(|m| {
            let g = m.slice.group.as_ref()?;
            let grouping = g.grouping.strip_suffix(&suffix)?;
            let (level, cluster) = g.level.split_once(CROSS)?;
            Some(Crossed {
                grouping: grouping.into(),
                level: level.into(),
                cluster: cluster.into(),
                model: m.model.clone(),
                metric: m.metric.clone(),
                table: m.pairs,
            })
        })
        .collect()
}

/// Whether a grouping is the clusters' or one crossed with them.
fn of_clusters(grouping: &str, column: &str) -> bool {
    grouping == column || grouping.ends_with(&format!("{CROSS}{column}"))
}

/// Removes the clusters' rows (and those of the groupings crossed with them) from a table and
/// its `--versus` tables.
fn strip(t: &mut CountsTable, column: &str) {
    let keep = |s: &crate::counts::Slice| !s.grouping().is_some_and(|g| of_clusters(g, column));
    t.metrics.retain(|m| keep(&m.slice));
    t.truth.retain(|m| keep(&m.slice));
    t.pairs.retain(|p| keep(&p.slice));
    t.groupings.retain(|g| !of_clusters(&g.group_by, column));
    for v in &mut t.versus {
        strip(&mut v.table, column);
    }
}

/// Replaces each comparison's (and each paired error-rate test's) intervals and test by their
/// cluster-robust versions and returns the section. `counts` is the table without the cluster
/// rows (the truth slices' tables over all their items).
pub(crate) fn apply(
    comparisons: &mut [Comparison],
    truth_tests: &mut [TruthTest],
    c: &ClusterCounts,
    counts: &CountsTable,
    settings: &Settings,
) -> Clustering {
    let mut rows: Vec<ClusteredRow> =
        comparisons.iter_mut().filter(|r| r.n > 0).map(|r| cluster_row(r, c, settings)).collect();
    for t in truth_tests.iter_mut().filter(|t| t.n > 0 && t.method.is_none()) {
        let at_fault = t.rate == "fnr";
        let found = counts.metrics.iter().find(|m| {
            m.model == t.model
                && m.metric == t.metric
                && m.slice.group.is_none()
                && m.slice.truth == Some(at_fault)
        });
        if let Some(m) = found {
            rows.push(truth_row(t, m.pairs, c, settings));
        }
    }
    let mut notes = vec![
        "Not yet clustered: the overall score, the groups' error-rate gaps and odds ratios, BiasAmp→ and --versus; their intervals assume independent items".to_string(),
    ];
    if let Some(few) =
        rows.iter().filter_map(|r| r.df.map(|df| df as u64 + 1)).min().filter(|&g| g < WARN_BELOW)
    {
        notes.push(format!("only {few} clusters: the t interval is wide and itself uncertain; read the wild cluster bootstrap p-value"));
    }
    Clustering { column: c.column.clone(), clusters: c.clusters, singletons: c.singletons, rows, notes }
}

/// The clusters' tables of one (model, metric, truth value), and the items outside every
/// cluster as one table (all items minus the clusters').
fn cluster_tables(
    c: &ClusterCounts,
    model: &str,
    metric: &str,
    truth: Option<bool>,
    all: PairedCounts,
) -> (Vec<PairedCounts>, PairedCounts) {
    let levels: Vec<PairedCounts> = c
        .tables
        .iter()
        .filter(|(m, k, t, _)| m == model && k == metric && *t == truth)
        .map(|(_, _, _, p)| *p)
        .collect();
    let outside = minus(all, &levels);
    (levels, outside)
}

/// Cluster sums of a value per item (given per table as `value`, and for the items outside every
/// cluster as three (copies, value) singleton kinds).
fn sums(
    levels: &[PairedCounts],
    value: impl Fn(&PairedCounts) -> f64,
    singles: [(u64, f64); 3],
) -> Vec<ClusterSum> {
    let mut out: Vec<ClusterSum> = levels.iter().map(|t| ClusterSum::one(t.n(), value(t))).collect();
    out.extend(singles.iter().map(|&(copies, v)| ClusterSum { n: 1, sum: v, copies }));
    out
}

/// The paired difference (b − c)/n of the tables, clustered.
fn difference_sums(levels: &[PairedCounts], o: PairedCounts) -> Vec<ClusterSum> {
    let singles = [(o.model_only, 1.0), (o.baseline_only, -1.0), (o.both + o.neither, 0.0)];
    sums(levels, |t| t.model_only as f64 - t.baseline_only as f64, singles)
}

/// The tables with the discordant cells swapped (a difference of misses: (c − b)/n).
fn swapped(t: PairedCounts) -> PairedCounts {
    PairedCounts { model_only: t.baseline_only, baseline_only: t.model_only, ..t }
}

/// One comparison: its clusters' sums, the clustered estimates written into the row.
fn cluster_row(row: &mut Comparison, c: &ClusterCounts, settings: &Settings) -> ClusteredRow {
    let all = PairedCounts {
        both: row.both,
        model_only: row.model_only,
        baseline_only: row.baseline_only,
        neither: row.neither,
    };
    let (levels, o) = cluster_tables(c, &row.model, &row.metric, None, all);
    let confidence = settings.confidence.get();
    let difference = difference_sums(&levels, o);
    let model = sums(
        &levels,
        |t| t.model_positive() as f64,
        [(o.both + o.model_only, 1.0), (o.baseline_only + o.neither, 0.0), (0, 0.0)],
    );
    let baseline = sums(
        &levels,
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
        return comparison_clustered(row, None, None);
    };
    row.baseline_ci = rate(&baseline, all.baseline_positive());
    row.model_ci = rate(&model, all.model_positive());
    row.difference_ci = Some(clamp(d.test.interval, -1.0));
    row.p_value = Some(d.test.p_value);
    row.method = Some(method(c, &d));
    let wild = (d.clusters < WILD_BELOW).then(|| wild_cluster_p(&difference, settings.seed)).flatten();
    comparison_clustered(row, Some(d), wild)
}

fn method(c: &ClusterCounts, d: &Clustered) -> String {
    format!("clustered by {}: CR1, t with {} df", c.column, d.clusters - 1)
}

/// One paired error-rate test (FNR on the truth-positive items, FPR on the truth-negative ones):
/// the difference of the model's and the baseline's rates, clustered.
fn truth_row(t: &mut TruthTest, all: PairedCounts, c: &ClusterCounts, settings: &Settings) -> ClusteredRow {
    let at_fault = t.rate == "fnr";
    let (levels, outside) = cluster_tables(c, &t.model, &t.metric, Some(at_fault), all);
    let (levels, outside, all) = match at_fault {
        true => (levels.into_iter().map(swapped).collect(), swapped(outside), swapped(all)),
        false => (levels, outside, all),
    };
    let difference = difference_sums(&levels, outside);
    let d = cr1_mean(&difference, (all.model_only + all.baseline_only) as f64, settings.confidence.get());
    let Some(d) = d else {
        t.method = Some(format!("fewer than 2 clusters of {}: no clustered test", c.column));
        (t.difference_ci, t.p_value) = (None, None);
        return ClusteredRow { note: t.method.clone(), ..truth_clustered(t, None, None) };
    };
    t.difference_ci = Some(clamp(d.test.interval, -1.0));
    t.p_value = Some(d.test.p_value);
    t.method = Some(method(c, &d));
    let wild = (d.clusters < WILD_BELOW).then(|| wild_cluster_p(&difference, settings.seed)).flatten();
    truth_clustered(t, Some(d), wild)
}

/// The clustering row of one estimate: what it is (measure, model, metric, items, the estimate)
/// and its clustered inference, if any.
fn clustered_row(
    (measure, model, metric): (&str, &str, &str),
    items: u64,
    difference: Option<f64>,
    d: Option<Clustered>,
    wild: Option<(f64, u64)>,
) -> ClusteredRow {
    ClusteredRow {
        measure: measure.into(),
        level: None,
        model: model.into(),
        metric: metric.into(),
        clusters: d.map_or(0, |d| d.clusters),
        items,
        difference,
        se: d.map(|d| d.se),
        se_independent: d.map(|d| d.se_independent),
        design_effect: d.and_then(|d| d.design_effect()),
        df: d.map(|d| d.test.df),
        wild_p: wild.map(|w| w.0),
        wild_draws: wild.map(|w| w.1),
        note: None,
    }
}

fn truth_clustered(t: &TruthTest, d: Option<Clustered>, wild: Option<(f64, u64)>) -> ClusteredRow {
    clustered_row((&t.rate, &t.model, &t.metric), t.n, t.difference, d, wild)
}

fn comparison_clustered(row: &Comparison, d: Option<Clustered>, wild: Option<(f64, u64)>) -> ClusteredRow {
    let out = clustered_row(("rate", &row.model, &row.metric), row.n, row.difference, d, wild);
    ClusteredRow { note: row.note.clone(), ..out }
}

/// The items outside some cells: `all` minus each cell (the items without a cluster value).
fn minus<'a>(all: PairedCounts, cells: impl IntoIterator<Item = &'a PairedCounts>) -> PairedCounts {
    cells.into_iter().fold(all, |left, t| PairedCounts {
        both: left.both.saturating_sub(t.both),
        model_only: left.model_only.saturating_sub(t.model_only),
        baseline_only: left.baseline_only.saturating_sub(t.baseline_only),
        neither: left.neither.saturating_sub(t.neither),
    })
}

/// An interval cut to [low, −low] or [0, 1] (rates: low 0; differences: −1; gaps: −2).
fn clamp(i: Interval, low: f64) -> Interval {
    let high = if low == 0.0 { 1.0 } else { -low };
    Interval::new(i.low.max(low), i.high.min(high))
}
