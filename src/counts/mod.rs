//! The counts table: the sufficient statistics every estimate is computed from.
//!
//! It is the boundary between the data layer (which reduces rows to counts: one streaming pass, or
//! polars group-bys; see `data::count`) and the statistics. It is mergeable: counts of disjoint
//! item shards add up cell by cell.

/// Implements `+=` and `+` as field-by-field addition (the sums of disjoint shards add up), and
/// `saturating_sub`: the part of a table outside some of its parts.
macro_rules! add_fields {
    ($t:ty { $($f:ident),* $(,)? }) => {
        impl $t {
            /// Field by field `self − o`, down to 0: what `self` holds outside `o` (e.g. the
            /// items without a cluster: all items minus the clusters').
            pub fn saturating_sub(self, o: Self) -> Self {
                Self { $($f: self.$f.saturating_sub(o.$f),)* }
            }
        }
        impl std::ops::AddAssign for $t {
            fn add_assign(&mut self, o: Self) {
                $(self.$f += o.$f;)*
            }
        }
        impl std::ops::Add for $t {
            type Output = Self;
            fn add(mut self, o: Self) -> Self {
                self += o;
                self
            }
        }
    };
}

mod counterfactual;
mod documents;
mod invalid_cells;
mod merge;
mod paired_table;
mod repeats;
mod verdict_classes;
mod words;

pub use counterfactual::{
    cell_name, pair_cell, parse_cell, JointPairs, PairCells, PairTable, PairingCounts, MISSING, PAIR_CELLS,
};
pub use repeats::{to_units, units, Moments, RepeatCounts, RepeatSums, ScoreMoments, TruthMoments, UNIT};

pub use documents::{Documents, TermCounts};
pub use invalid_cells::InvalidCells;
pub use paired_table::{PairedCounts, ScoreSums};
use serde::{Deserialize, Serialize};
pub use verdict_classes::{ClassCells, ClassKey, NO_CLASS};
pub use words::{WordCounts, WordTable};

/// Separator of intersectional level and grouping names (`--intersect`, and each grouping
/// crossed with the clusters of `--cluster`).
pub const CROSS: &str = " × ";

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
    /// Where the invalid labels fall (the bounds for missing labels need it); `None` when the
    /// counting did not cross-classify them (counts files without the columns). On a 2×2 row the
    /// cells count items; on a row with `moments` they are in units of 2^-32 item values, like
    /// the moments: `model_one` the sum of the model's values over the items whose baseline has
    /// no valid value, `model_zero` the sum of (1 − value) over them, `baseline_*` the same the
    /// other way, `both` [`UNIT`] per item with neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_cells: Option<InvalidCells>,
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

    /// The invalid cells in units of 2^-32 item values, whatever the row's kind (exactly, from
    /// a 2×2 row's item counts; `None` past 2^32 items, only in a hand-edited file).
    pub fn invalid_units(&self) -> Option<InvalidCells> {
        match self.moments {
            Some(_) => self.invalid_cells,
            None => self.invalid_cells.and_then(|c| c.times(UNIT as u64)),
        }
    }

    /// What one item weighs in the invalid cells: 1 on a 2×2 row, 2^32 units on a row of sums.
    pub fn invalid_unit(&self) -> u64 {
        if self.moments.is_some() {
            UNIT as u64
        } else {
            1
        }
    }

    /// Items with an invalid label on at least one side, when the cells are known.
    pub fn invalid_items(&self) -> Option<u64> {
        self.invalid_cells.map(|c| c.items() / self.invalid_unit())
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
    /// The models counted against one of them (`--versus BASE`, the ranking's pairwise tests).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versus: Vec<VersusTable>,
    /// Per (source, metric) joint verdict-class tables (`--verdict-classes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ClassCells>,
    /// Overall-score sums per (model, cluster) (`--cluster`: the clustered overall score).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<SliceScore>,
}

/// The overall-score sums of one model over the items of one slice (a cluster of `--cluster`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SliceScore {
    /// Model.
    pub model: String,
    /// The items covered (a group level; never a truth value).
    pub slice: Slice,
    /// Their score sums (`metrics` as the model's).
    pub score: ScoreSums,
    /// Their item-score sums in units, as the model's `score_moments` (repeated samples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moments: Option<ScoreMoments>,
}

impl CountsTable {
    /// Drops the later of two truth rows, or of two repeat rows, of one source and key: the
    /// baseline counted as its own model repeats the baseline's own (equal) rows.
    pub(crate) fn drop_repeated_source_rows(&mut self) {
        let mut seen = std::collections::BTreeSet::new();
        self.truth.retain(|t| seen.insert((t.source.clone(), t.metric.clone(), t.slice.clone())));
        let mut seen = std::collections::BTreeSet::new();
        self.repeats.retain(|r| seen.insert((r.source.clone(), r.metric.clone())));
    }

    /// Splits the table into the data's own counts and the comparisons' counts.
    ///
    /// The data's own counts are the rows of the baseline counted as its own model (metric,
    /// model and pair rows whose model is `baseline`: every baseline item, each label against
    /// itself) with the baseline's truth and repeat rows and the groupings and pairing. The rest
    /// is the table without the rows of that model. A table with no such rows (counts files from
    /// before the data's own rows) gives an empty first table.
    pub fn split_own(&self, baseline: &str) -> (CountsTable, CountsTable) {
        let own_model = |m: &str| m == baseline;
        let has_own = self.models.iter().any(|m| own_model(&m.model));
        let own = CountsTable {
            metrics: self.metrics.iter().filter(|m| own_model(&m.model)).cloned().collect(),
            models: self.models.iter().filter(|m| own_model(&m.model)).cloned().collect(),
            truth: self.truth.iter().filter(|t| has_own && own_model(&t.source)).cloned().collect(),
            groupings: if has_own { self.groupings.clone() } else { Vec::new() },
            pairing: self.pairing.clone().filter(|_| has_own),
            pairs: self
                .pairs
                .iter()
                .filter(|p| own_model(&p.model) && own_model(&p.versus))
                .cloned()
                .collect(),
            repeats: self.repeats.iter().filter(|r| has_own && own_model(&r.source)).cloned().collect(),
            versus: Vec::new(),
            classes: self.classes.iter().filter(|c| own_model(&c.source)).cloned().collect(),
            scores: self.scores.iter().filter(|s| own_model(&s.model)).cloned().collect(),
        };
        let rest = CountsTable {
            metrics: self.metrics.iter().filter(|m| !own_model(&m.model)).cloned().collect(),
            models: self.models.iter().filter(|m| !own_model(&m.model)).cloned().collect(),
            pairs: self.pairs.iter().filter(|p| !own_model(&p.model)).cloned().collect(),
            classes: self.classes.iter().filter(|c| !own_model(&c.source)).cloned().collect(),
            scores: self.scores.iter().filter(|s| !own_model(&s.model)).cloned().collect(),
            ..self.clone()
        };
        (own, rest)
    }
}

/// Counts of the other models against one model (`--versus BASE`): the same tables as against
/// the baseline, with BASE in the baseline's place, on the items of the baseline file (its truth
/// and groups); models that share no item with BASE are listed as unpaired.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersusTable {
    /// The base model.
    pub base: String,
    /// Metric, truth and model rows with BASE as the baseline.
    pub table: CountsTable,
    /// Models that answered no item BASE answered: compared unpaired (a model that also has a
    /// model row in `table`, from another shard, is paired).
    #[serde(default)]
    pub unpaired: Vec<String>,
}

impl VersusTable {
    /// The models compared unpaired: listed, and without a model row.
    pub fn unpaired_models(&self) -> Vec<&str> {
        let paired = |m: &str| self.table.models.iter().any(|x| x.model == m);
        self.unpaired.iter().map(String::as_str).filter(|m| !paired(m)).collect()
    }
}
