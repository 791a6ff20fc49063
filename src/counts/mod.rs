//! The counts table: the sufficient statistics every estimate is computed from.
//!
//! It is the boundary between the data layer (which reduces rows to counts: one streaming pass, or
//! polars group-bys; see `data::count`) and the statistics. It is mergeable: counts of disjoint
//! item shards add up cell by cell.

mod pairs;
mod repeats;

pub use pairs::{cell_name, pair_cell, parse_cell, PairCells, PairingCounts, MISSING, PAIR_CELLS};
pub use repeats::{to_units, units, Moments, RepeatCounts, RepeatSums, ScoreMoments, TruthMoments, UNIT};

use crate::stats::{PairedCounts, ScoreSums};
use serde::{Deserialize, Serialize};

/// Which items a row of counts covers: all matched items, one level of a grouping, and/or the
/// items with one ground-truth value. On disk (counts files, serde) it is three strings,
/// `group_by`, `level` and `truth` ("1"/"0"), empty meaning "all" ([`SliceKeys`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "SliceKeys", try_from = "SliceKeys")]
pub struct Slice {
    /// The grouping and its level (`None` = all items, whatever their level).
    pub group: Option<GroupLevel>,
    /// The ground-truth value (`None` = all items, whatever their truth).
    pub truth: Option<bool>,
}

/// One level of one grouping.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupLevel {
    /// The grouping's name.
    pub grouping: String,
    /// The level.
    pub level: String,
}

impl Slice {
    /// The slice of all items.
    pub fn all() -> Self {
        Self::default()
    }

    /// The items of one level of a grouping.
    pub fn level(grouping: &str, level: &str) -> Self {
        Self { group: Some(GroupLevel { grouping: grouping.into(), level: level.into() }), truth: None }
    }

    /// This slice restricted to the items with truth value `truth`.
    pub fn with_truth(&self, truth: bool) -> Self {
        Self { truth: Some(truth), ..self.clone() }
    }

    /// Whether this is the slice of all items.
    pub fn is_all(&self) -> bool {
        self.group.is_none() && self.truth.is_none()
    }

    /// The grouping's name, if the slice is a level of one.
    pub fn grouping(&self) -> Option<&str> {
        self.group.as_ref().map(|g| g.grouping.as_str())
    }
}

/// A slice as its three on-disk strings: grouping, level, truth ("1"/"0"); empty means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SliceKeys {
    /// Grouping name ("" = no grouping).
    pub group_by: String,
    /// Level within the grouping ("" = all levels).
    pub level: String,
    /// Ground-truth value "1" or "0" ("" = all items).
    pub truth: String,
}

impl From<Slice> for SliceKeys {
    fn from(s: Slice) -> Self {
        let (group_by, level) = s.group.map(|g| (g.grouping, g.level)).unwrap_or_default();
        let truth = s.truth.map_or(String::new(), |t| if t { "1".into() } else { "0".into() });
        Self { group_by, level, truth }
    }
}

impl TryFrom<SliceKeys> for Slice {
    type Error = String;
    fn try_from(k: SliceKeys) -> Result<Self, String> {
        let truth = match k.truth.as_str() {
            "" => None,
            "1" => Some(true),
            "0" => Some(false),
            other => return Err(format!("truth '{other}' is not 1, 0 or empty")),
        };
        let group = match (k.group_by.is_empty(), k.level.is_empty()) {
            (true, true) => None,
            (false, false) => Some(GroupLevel { grouping: k.group_by, level: k.level }),
            (true, false) => return Err(format!("level '{}' without a group_by", k.level)),
            (false, true) => return Err(format!("group_by '{}' without a level", k.group_by)),
        };
        Ok(Self { group, truth })
    }
}

/// Paired counts of one (model, metric, slice) over the matched items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricCounts {
    /// Model (source) name.
    pub model: String,
    /// Metric (behaviour) name.
    pub metric: String,
    /// The items covered.
    pub slice: Slice,
    /// The paired 2×2 table (model label × baseline label) over items valid on both sides.
    pub pairs: PairedCounts,
    /// Items whose baseline label is invalid.
    pub invalid_baseline: u64,
    /// Items whose model label is invalid.
    pub invalid_model: u64,
    /// Item-level sums when the item values are not all 0 or 1 (repeated samples); `pairs` is
    /// then all zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moments: Option<Moments>,
}

impl MetricCounts {
    /// Items valid on both sides.
    pub fn n(&self) -> u64 {
        self.moments.map_or(self.pairs.n(), |m| m.n)
    }

    /// The item-level sums, from the moments or exactly from the 2×2 table.
    pub fn item_moments(&self) -> Moments {
        self.moments.unwrap_or_else(|| Moments::of_pairs(&self.pairs))
    }
}

/// Labels of one source against the ground truth, as a 2×2 table (label × truth):
/// `both` = tp, `model_only` = fp, `baseline_only` = fn, `neither` = tn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthCounts {
    /// Source name (the baseline or a model).
    pub source: String,
    /// Metric judged against the truth.
    pub metric: String,
    /// The items covered (truth is always "" here).
    pub slice: Slice,
    /// Label × truth over items with both valid.
    pub pairs: PairedCounts,
    /// Items with an invalid truth value.
    pub invalid_truth: u64,
    /// Items with an invalid label.
    pub invalid_label: u64,
    /// Item-level sums when the item values are not all 0 or 1 (repeated samples); `pairs` is
    /// then all zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moments: Option<TruthMoments>,
}

/// Alignment counts and overall-score sums of one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelCounts {
    /// Model (source) name.
    pub model: String,
    /// Items present in both the baseline and the model.
    pub matched: u64,
    /// Items only in the baseline.
    pub baseline_only: u64,
    /// Items only in the model.
    pub model_only: u64,
    /// Sums behind the overall score.
    pub score: ScoreSums,
    /// The overall-score sums when item values are fractional (repeated samples); `score` then
    /// holds only `n` and `metrics`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_moments: Option<ScoreMoments>,
}

/// Baseline items that a grouping could not place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupingCounts {
    /// Grouping name.
    pub group_by: String,
    /// Items in no level (null value, or no pattern matched).
    pub unassigned: u64,
    /// Items matching more than one derived level.
    pub ambiguous: u64,
}

/// The whole counts table of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountsTable {
    /// Paired counts per (model, metric, slice).
    pub metrics: Vec<MetricCounts>,
    /// Per model alignment and score sums.
    pub models: Vec<ModelCounts>,
    /// Per (source, metric, slice) counts against the ground truth.
    pub truth: Vec<TruthCounts>,
    /// Per grouping counts of unplaced items.
    pub groupings: Vec<GroupingCounts>,
    /// How the items formed counterfactual pairs (`--pair`).
    #[serde(default)]
    pub pairing: Option<PairingCounts>,
    /// Joint pair tables per (versus, model, metric, slice) (`--pair`).
    #[serde(default)]
    pub pairs: Vec<PairCells>,
    /// Per (source, metric) sums of repeated samples or annotators (`--sample`, `--annotator`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeats: Vec<RepeatCounts>,
}

impl CountsTable {
    /// Metric names of the paired comparisons, in order of first appearance.
    pub fn metric_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for m in self.metrics.iter().filter(|m| m.slice.is_all()) {
            if !names.contains(&m.metric) {
                names.push(m.metric.clone());
            }
        }
        names
    }

    /// Checks that the counts of each model agree with each other: for every metric, the pairs
    /// plus the invalid labels must account for the matched items
    /// (n + max(invalid) ≤ matched ≤ n + invalid_baseline + invalid_model), and the overall score
    /// cannot use more items than any metric has. Returns a message naming the model and metric.
    pub fn check_consistency(&self) -> Result<(), String> {
        for model in &self.models {
            let rows: Vec<&MetricCounts> =
                self.metrics.iter().filter(|m| m.model == model.model && m.slice.is_all()).collect();
            for m in &rows {
                let n = m.n();
                let (ib, im) = (m.invalid_baseline, m.invalid_model);
                if n + ib.max(im) > model.matched || model.matched > n + ib + im {
                    return Err(format!(
                        "model '{}', metric '{}': {n} pairs + invalid labels ({ib} baseline, {im} model) do not add up to the {} matched items; totals disagree across metrics",
                        model.model, m.metric, model.matched
                    ));
                }
                if model.score.n > n {
                    return Err(format!(
                        "model '{}': the overall score uses {} items but metric '{}' has only {n} valid pairs",
                        model.model, model.score.n, m.metric
                    ));
                }
            }
        }
        for model in &self.models {
            check_score(model)?;
        }
        self.check_pairs()?;
        if self.models.is_empty() {
            return Err("no model row; nothing to compare".into());
        }
        match self.metrics.iter().find(|m| !self.models.iter().any(|x| x.model == m.model)) {
            Some(orphan) => Err(format!("metric rows for model '{}' but no 'model' row", orphan.model)),
            None => Ok(()),
        }
    }

    /// Pair tables need the pairing row and a model row, and over all pairs each table counts
    /// every complete pair once.
    fn check_pairs(&self) -> Result<(), String> {
        let Some(first) = self.pairs.first() else { return Ok(()) };
        let Some(pairing) = &self.pairing else {
            return Err(format!("pair rows (model '{}') but no 'pairing' row", first.model));
        };
        for t in &self.pairs {
            if !self.models.iter().any(|m| m.model == t.model) {
                return Err(format!("pair rows for model '{}' but no 'model' row", t.model));
            }
            if t.slice.is_all() && t.total() != pairing.complete {
                return Err(format!(
                    "pair rows of model '{}' versus '{}', metric '{}' count {} pairs, the 'pairing' row {} complete pairs",
                    t.model,
                    t.versus,
                    t.metric,
                    t.total(),
                    pairing.complete
                ));
            }
        }
        Ok(())
    }

    /// Sums two tables key by key; keys present in only one are kept as they are.
    pub fn merge(mut self, other: CountsTable) -> CountsTable {
        for m in other.metrics {
            let key = |x: &MetricCounts| x.model == m.model && x.metric == m.metric && x.slice == m.slice;
            match self.metrics.iter_mut().find(|x| key(x)) {
                Some(x) => {
                    x.moments = match (x.moments, m.moments) {
                        (None, None) => None,
                        _ => Some(x.item_moments().merged(&m.item_moments())),
                    };
                    x.pairs =
                        if x.moments.is_some() { PairedCounts::default() } else { x.pairs.merged(&m.pairs) };
                    x.invalid_baseline += m.invalid_baseline;
                    x.invalid_model += m.invalid_model;
                }
                None => self.metrics.push(m),
            }
        }
        for t in other.truth {
            let key = |x: &TruthCounts| x.source == t.source && x.metric == t.metric && x.slice == t.slice;
            match self.truth.iter_mut().find(|x| key(x)) {
                Some(x) => {
                    x.moments = match (x.moments, t.moments) {
                        (None, None) => None,
                        _ => Some(truth_moments(x).merged(&truth_moments(&t))),
                    };
                    x.pairs =
                        if x.moments.is_some() { PairedCounts::default() } else { x.pairs.merged(&t.pairs) };
                    x.invalid_truth += t.invalid_truth;
                    x.invalid_label += t.invalid_label;
                }
                None => self.truth.push(t),
            }
        }
        for g in other.groupings {
            match self.groupings.iter_mut().find(|x| x.group_by == g.group_by) {
                Some(x) => {
                    x.unassigned += g.unassigned;
                    x.ambiguous += g.ambiguous;
                }
                None => self.groupings.push(g),
            }
        }
        for p in other.pairs {
            let key = |x: &PairCells| {
                x.versus == p.versus && x.model == p.model && x.metric == p.metric && x.slice == p.slice
            };
            match self.pairs.iter_mut().find(|x| key(x)) {
                Some(x) => x.add(&p),
                None => self.pairs.push(p),
            }
        }
        self.pairing = match (self.pairing.take(), other.pairing) {
            (Some(mut a), Some(b)) => {
                a.complete += b.complete;
                a.missing_side += b.missing_side;
                a.duplicate_side += b.duplicate_side;
                Some(a)
            }
            (a, b) => a.or(b),
        };
        for m in other.models {
            match self.models.iter_mut().find(|x| x.model == m.model) {
                Some(x) => {
                    x.matched += m.matched;
                    x.baseline_only += m.baseline_only;
                    x.model_only += m.model_only;
                    x.score.n += m.score.n;
                    x.score.sum_baseline += m.score.sum_baseline;
                    x.score.sum_model += m.score.sum_model;
                    x.score.sum_sq_diff += m.score.sum_sq_diff;
                    x.score_moments = match (x.score_moments, m.score_moments) {
                        (Some(a), Some(b)) => Some(ScoreMoments {
                            sum_baseline: a.sum_baseline + b.sum_baseline,
                            sum_model: a.sum_model + b.sum_model,
                            sum_sq_diff: a.sum_sq_diff + b.sum_sq_diff,
                        }),
                        (a, b) => a.or(b),
                    };
                }
                None => self.models.push(m),
            }
        }
        for r in other.repeats {
            match self.repeats.iter_mut().find(|x| x.source == r.source && x.metric == r.metric) {
                Some(x) => x.sums = x.sums.merged(&r.sums),
                None => self.repeats.push(r),
            }
        }
        self
    }
}

/// A truth row's item-level sums, from its moments or exactly from its label × truth table.
fn truth_moments(t: &TruthCounts) -> TruthMoments {
    t.moments.unwrap_or(TruthMoments {
        n_positive: t.pairs.both + t.pairs.baseline_only,
        sum_positive: t.pairs.both << 32,
        sum_sq_positive: t.pairs.both << 32,
        n_negative: t.pairs.model_only + t.pairs.neither,
        sum_negative: t.pairs.model_only << 32,
        sum_sq_negative: t.pairs.model_only << 32,
    })
}

/// The overall-score sums of one model must be possible: with n items scored on k metrics each
/// item score lies in 0..=k, so Σ B and Σ M are at most n·k, and Σ (M − B)² is at most n·k², at
/// least |Σ (M − B)| (d² ≥ |d| for whole d) and at least (Σ (M − B))² / n (Cauchy–Schwarz).
fn check_score(model: &ModelCounts) -> Result<(), String> {
    let s = &model.score;
    let (n, k) = (u128::from(s.n), u128::from(s.metrics));
    let fail = |rule: String| Err(format!("model '{}': {rule}", model.model));
    let (sb, sm, sq) = (u128::from(s.sum_baseline), u128::from(s.sum_model), u128::from(s.sum_sq_diff));
    if sb > n * k || sm > n * k {
        return fail(format!("score sums ({sb} baseline, {sm} model) exceed score_n × metrics = {n} × {k}"));
    }
    if sq > n * k * k {
        return fail(format!("score_sum_sq_diff {sq} exceeds score_n × metrics² = {}", n * k * k));
    }
    let d = sb.abs_diff(sm);
    if sq < d || sq * n < d * d {
        return fail(format!(
            "score_sum_sq_diff {sq} is impossible with score sums {sb} and {sm} over {n} items (it must be at least {})",
            d.max((d * d).div_ceil(n.max(1)))
        ));
    }
    Ok(())
}
