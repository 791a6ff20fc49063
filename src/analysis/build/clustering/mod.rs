//! Cluster-robust comparisons (`--cluster COL`): the cluster column is counted as a grouping of
//! its own (each cluster's 2×2 tables, in every counting strategy, counts file and the SQL); here
//! its rows leave the table the rest of the findings see, and each comparison's rates and paired
//! difference get the CR1 interval and t test over clusters (see `stats::cluster`); `gaps`
//! does the same for the groups' gap amplification.

use crate::analysis::findings::{ClusteredRow, Clustering, Comparison, Settings, TruthTest};
use crate::counts::{CountsTable, MetricCounts, Moments, PairCells, SliceScore, TruthCounts, CROSS};
use crate::error::{AmplifyError, Result};
use crate::stats::cluster::{cr1_mean, singletons_from_sums, wild_cluster_p, ClusterSum, Clustered};
use crate::stats::Interval;

mod biasamp;
mod gaps;
mod overall;
mod pairs;
mod unpaired;

pub(crate) use biasamp::apply_biasamp;
pub(crate) use gaps::apply_groups;
pub(crate) use overall::apply_overall;
pub(crate) use pairs::{apply_pair_rows, apply_pairs};
pub(crate) use unpaired::apply_unpaired;

/// Below this many clusters the wild cluster bootstrap p-value is reported too.
const WILD_BELOW: u64 = 20;
/// Below this many clusters the section warns.
const WARN_BELOW: u64 = 10;

/// The cluster rows of a counts table, taken out of it.
pub(crate) struct ClusterCounts {
    /// The column.
    column: String,
    /// Per (model, metric, truth value) the item-level sums of each cluster (`None`: all items),
    /// with the cluster.
    tables: Vec<(String, String, Option<bool>, String, Moments)>,
    /// Each source's labels against the truth per (source, metric), with the cluster.
    truth: Vec<(String, String, String, TruthCounts)>,
    /// Clusters among the baseline's items.
    clusters: u64,
    /// Baseline items without a cluster value.
    singletons: u64,
    /// Each grouping crossed with the clusters: (grouping, level, cluster, model, metric, table).
    crossed: Vec<Crossed>,
    /// The counterfactual pairs' tables by side A's cluster, and by a grouping crossed with the
    /// clusters (`G × COL`).
    pairs: Vec<PairCells>,
    /// Each cluster's overall-score sums per model.
    scores: Vec<SliceScore>,
}

/// One cell of a grouping crossed with the clusters (all its items, or those of one truth value).
struct Crossed {
    truth: Option<bool>,
    grouping: String,
    level: String,
    cluster: String,
    model: String,
    metric: String,
    table: Moments,
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
    let level = |s: &crate::counts::Slice| s.group.as_ref().map_or(String::new(), |g| g.level.clone());
    let tables: Vec<(String, String, Option<bool>, String, Moments)> = counts
        .metrics
        .iter()
        .filter(|m| of_cluster(&m.slice))
        .map(|m| (m.model.clone(), m.metric.clone(), m.slice.truth, level(&m.slice), m.item_moments()))
        .collect();
    let truth = counts
        .truth
        .iter()
        .filter(|t| of_cluster(&t.slice))
        .map(|t| (t.source.clone(), t.metric.clone(), level(&t.slice), t.clone()))
        .collect();
    let mut levels: Vec<&str> = counts
        .metrics
        .iter()
        .filter_map(|m| m.slice.group.as_ref().filter(|g| g.grouping == column).map(|g| g.level.as_str()))
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let crossed = crossed_cells(counts, column);
    let pairs = counts
        .pairs
        .iter()
        .filter(|p| p.slice.truth.is_none() && p.slice.grouping().is_some_and(|g| of_clusters(g, column)))
        .cloned()
        .collect();
    let mut rest = counts.clone();
    strip(&mut rest, column);
    let found = ClusterCounts {
        column: column.to_string(),
        tables,
        truth,
        clusters: levels.len() as u64,
        singletons: grouping.unassigned,
        crossed,
        pairs,
        scores: counts.scores.iter().filter(|s| s.slice.grouping() == Some(column)).cloned().collect(),
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
        .filter_map(|m| {
            let g = m.slice.group.as_ref()?;
            let grouping = g.grouping.strip_suffix(&suffix)?;
            let (level, cluster) = g.level.split_once(CROSS)?;
            Some(Crossed {
                truth: m.slice.truth,
                grouping: grouping.into(),
                level: level.into(),
                cluster: cluster.into(),
                model: m.model.clone(),
                metric: m.metric.clone(),
                table: m.item_moments(),
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
    t.scores.retain(|s| keep(&s.slice));
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
    let rows = clustered_rows(comparisons, truth_tests, c, counts, settings);
    let mut notes = vec![];
    if let Some(few) =
        rows.iter().filter_map(|r| r.df.map(|df| df as u64 + 1)).min().filter(|&g| g < WARN_BELOW)
    {
        notes.push(format!("only {few} clusters: the t interval is wide and itself uncertain; read the wild cluster bootstrap p-value"));
    }
    Clustering { column: c.column.clone(), clusters: c.clusters, singletons: c.singletons, rows, notes }
}

/// The comparisons against `--versus BASE` (rates, error rates, gaps and the overall score)
/// clustered like those against the baseline: the versus table's own cluster rows (BASE in the
/// baseline's place); the rows name BASE.
pub(crate) fn apply_versus(
    v: &mut crate::analysis::findings::Versus,
    original: &CountsTable,
    column: &str,
    settings: &Settings,
) -> Result<Vec<ClusteredRow>> {
    let Some(table) = original.versus.iter().find(|t| t.base == v.base) else { return Ok(Vec::new()) };
    if table.table.metrics.is_empty() {
        return Ok(Vec::new()); // every other model shares no item with BASE: unpaired rows only
    }
    let (c, rest) = split(&table.table, column)?;
    let mut as_base = settings.clone();
    as_base.baseline = v.base.clone();
    let mut rows = clustered_rows(&mut v.comparisons, &mut v.truth_tests, &c, &rest, &as_base);
    rows.extend(apply_groups(&mut v.groups, &c, &rest, &as_base));
    rows.extend(apply_overall(&mut v.overall, &c, &rest, &as_base));
    for r in &mut rows {
        r.versus = Some(v.base.clone());
    }
    Ok(rows)
}

/// The clustering rows of the comparisons and the paired error-rate tests (written into them).
fn clustered_rows(
    comparisons: &mut [Comparison],
    truth_tests: &mut [TruthTest],
    c: &ClusterCounts,
    counts: &CountsTable,
    settings: &Settings,
) -> Vec<ClusteredRow> {
    let row_of = |model: &str, metric: &str, truth: Option<bool>| {
        counts.metrics.iter().find(|m| {
            m.model == model && m.metric == metric && m.slice.group.is_none() && m.slice.truth == truth
        })
    };
    let mut rows: Vec<ClusteredRow> = Vec::new();
    for r in comparisons.iter_mut().filter(|r| r.n > 0) {
        if let Some(m) = row_of(&r.model, &r.metric, None) {
            rows.push(cluster_row(r, m, c, settings));
        }
    }
    let untested = |t: &TruthTest| t.method.as_deref().is_none_or(|m| m == super::repeats::ITEM_LEVEL);
    for t in truth_tests.iter_mut().filter(|t| t.n > 0 && untested(t)) {
        if let Some(m) = row_of(&t.model, &t.metric, Some(t.rate == "fnr")) {
            rows.push(truth_row(t, m, c, settings));
        }
    }
    rows
}

/// The clusters' item-level sums of one (model, metric, truth value).
fn cluster_tables(c: &ClusterCounts, model: &str, metric: &str, truth: Option<bool>) -> Vec<Moments> {
    c.tables.iter().filter(|(m, k, t, ..)| m == model && k == metric && *t == truth).map(|t| t.4).collect()
}

/// An item's value whose mean is estimated: the model's or the baseline's label, the paired
/// difference m − h, or the difference of misses (1 − m) − (1 − h) = h − m (FNR).
#[derive(Debug, Clone, Copy)]
pub(super) enum Value {
    Model,
    Baseline,
    Difference,
    Misses,
}

impl Value {
    /// Σ and Σ² of the value over the items of `m`.
    pub(super) fn sums(self, m: &Moments) -> (f64, f64) {
        match self {
            Value::Model => (m.model(), m.model_sq()),
            Value::Baseline => (m.baseline(), m.baseline_sq()),
            Value::Difference => m.difference_sums(),
            Value::Misses => {
                let (s, q) = m.difference_sums();
                (-s, q)
            }
        }
    }
}

/// Every cluster's sum of an item value, and the items outside every cluster (`all` minus the
/// clusters) as clusters of one. With 0/1 labels (`binary`) the outside values are known exactly
/// from their sums (each is −1, 0 or 1); with item means (repeated samples) they are stand-ins
/// with the same Σ and Σ² (exact for CR1, see `singletons_from_sums`), and the second value is
/// false: the wild bootstrap cannot use them.
pub(super) fn cluster_sums(
    levels: &[Moments],
    all: Moments,
    value: Value,
    binary: bool,
) -> (Vec<ClusterSum>, bool) {
    let mut out: Vec<ClusterSum> = levels.iter().map(|m| ClusterSum::one(m.n, value.sums(m).0)).collect();
    let outside = minus(all, levels);
    out.extend(singles(&outside, value, binary));
    (out, binary || outside.n == 0)
}

/// The items of `o` as clusters of one: exact values (−1, 0, 1) when `binary`, else stand-ins.
pub(super) fn singles(o: &Moments, value: Value, binary: bool) -> Vec<ClusterSum> {
    let (sum, sum_sq) = value.sums(o);
    match binary {
        true => unit_singles(o.n, sum, sum_sq).to_vec(),
        false => singletons_from_sums(o.n, sum, sum_sq),
    }
}

/// `n` clusters of one item each with values in {−1, 0, 1}, from Σ = #(1) − #(−1) and
/// Σ² = #(1) + #(−1): their values exactly.
pub(super) fn unit_singles(n: u64, sum: f64, sum_sq: f64) -> [ClusterSum; 3] {
    let plus = ((sum_sq + sum) / 2.0).round() as u64;
    let minus = ((sum_sq - sum) / 2.0).round() as u64;
    let zero = n.saturating_sub(plus + minus);
    [(plus, 1.0), (minus, -1.0), (zero, 0.0)].map(|(copies, sum)| ClusterSum { n: 1, sum, copies })
}

/// One comparison: its clusters' sums, the clustered estimates written into the row.
fn cluster_row(
    row: &mut Comparison,
    m: &MetricCounts,
    c: &ClusterCounts,
    settings: &Settings,
) -> ClusteredRow {
    let (all, binary) = (m.item_moments(), m.moments.is_none());
    let levels = cluster_tables(c, &row.model, &row.metric, None);
    let confidence = settings.confidence.get();
    let (difference, exact) = cluster_sums(&levels, all, Value::Difference, binary);
    let d = cr1_mean(&difference, Value::Difference.sums(&all).1, confidence);
    let rate = |value: Value| {
        let (sums, _) = cluster_sums(&levels, all, value, binary);
        cr1_mean(&sums, value.sums(&all).1, confidence).map(|x| clamp(x.test.interval, 0.0))
    };
    let Some(d) = d else {
        row.note = Some(format!("fewer than 2 clusters of {}: no clustered test", c.column));
        (row.difference_ci, row.p_value) = (None, None);
        return comparison_clustered(row, None, None);
    };
    row.baseline_ci = rate(Value::Baseline);
    row.model_ci = rate(Value::Model);
    row.difference_ci = Some(clamp(d.test.interval, -1.0));
    row.p_value = Some(d.test.p_value);
    row.method = Some(method(c, &d));
    let wild = wild_p(&difference, &d, exact, settings);
    let out = comparison_clustered(row, Some(d), wild);
    ClusteredRow { note: out.note.or_else(|| no_wild(&d, exact)), ..out }
}

/// Why a row below [`WILD_BELOW`] clusters has no wild bootstrap p-value.
fn no_wild(d: &Clustered, exact: bool) -> Option<String> {
    (d.clusters < WILD_BELOW && !exact).then(|| {
        "no wild cluster bootstrap: the items without a cluster value are item means known only by their sums".to_string()
    })
}

/// The wild cluster bootstrap p-value below [`WILD_BELOW`] clusters, when the values are known.
fn wild_p(sums: &[ClusterSum], d: &Clustered, exact: bool, settings: &Settings) -> Option<(f64, u64)> {
    (d.clusters < WILD_BELOW && exact).then(|| wild_cluster_p(sums, settings.seed)).flatten()
}

fn method(c: &ClusterCounts, d: &Clustered) -> String {
    format!("clustered by {}: CR1, t with {} df", c.column, d.clusters - 1)
}

/// One paired error-rate test (FNR on the truth-positive items, FPR on the truth-negative ones):
/// the difference of the model's and the baseline's rates, clustered.
fn truth_row(t: &mut TruthTest, m: &MetricCounts, c: &ClusterCounts, settings: &Settings) -> ClusteredRow {
    let at_fault = t.rate == "fnr";
    let (all, binary) = (m.item_moments(), m.moments.is_none());
    let levels = cluster_tables(c, &t.model, &t.metric, Some(at_fault));
    let value = if at_fault { Value::Misses } else { Value::Difference };
    let (difference, exact) = cluster_sums(&levels, all, value, binary);
    let d = cr1_mean(&difference, value.sums(&all).1, settings.confidence.get());
    let Some(d) = d else {
        t.method = Some(format!("fewer than 2 clusters of {}: no clustered test", c.column));
        (t.difference_ci, t.p_value) = (None, None);
        return ClusteredRow { note: t.method.clone(), ..truth_clustered(t, None, None) };
    };
    t.difference_ci = Some(clamp(d.test.interval, -1.0));
    t.p_value = Some(d.test.p_value);
    t.method = Some(method(c, &d));
    let wild = wild_p(&difference, &d, exact, settings);
    ClusteredRow { note: no_wild(&d, exact), ..truth_clustered(t, Some(d), wild) }
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
        versus: None,
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

/// The items outside some cells: `all` minus each cell's sums (the items without a cluster value).
pub(super) fn minus<'a>(all: Moments, cells: impl IntoIterator<Item = &'a Moments>) -> Moments {
    cells.into_iter().fold(all, |left, t| left.saturating_sub(*t))
}

/// An interval cut to [low, −low] or [0, 1] (rates: low 0; differences: −1; gaps: −2).
fn clamp(i: Interval, low: f64) -> Interval {
    let high = if low == 0.0 { 1.0 } else { -low };
    Interval::new(i.low.max(low), i.high.min(high))
}
