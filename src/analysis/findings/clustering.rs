//! The `clustering` section (`--cluster COL`): how the comparisons' inference accounts for items
//! that come in clusters, and how much it matters (the design effect per comparison).

use serde::{Deserialize, Serialize};

/// Cluster-robust inference of the comparisons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    /// The baseline column the items are clustered by.
    pub column: String,
    /// Clusters: the column's values among the baseline's items.
    pub clusters: u64,
    /// Baseline items without a value: each is a cluster of its own.
    pub singletons: u64,
    /// One row per comparison (model and metric, all items) and per paired error-rate test.
    pub rows: Vec<ClusteredRow>,
    /// What the section covers, and warnings (fewer than 10 clusters).
    pub notes: Vec<String>,
}

/// One comparison's clustered inference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusteredRow {
    /// `rate` (the comparison: rates and their difference), `fnr` or `fpr` (the paired
    /// error-rate test on the truth-positive or truth-negative items), `gap` (a level's gap
    /// amplification: its paired difference minus the reference's; `fnr gap`, `fpr gap` the same
    /// on the truth-positive or truth-negative items), `log ror` (a level's ratio of odds
    /// ratios on the log scale, `difference` = log ROR; `fnr log ror`, `fpr log ror` the same
    /// on the error rates), `unpaired rate`, `unpaired fnr`, `unpaired fpr` (a model against
    /// `--versus BASE` on different items: `versus` names BASE), `asymmetry` (a source's own pair asymmetry
    /// P(B) − P(A); `model` is the source), `pairs asymmetry`, `pairs
    /// both_sides` or `pairs affirms_both` (a counterfactual pair test; the unit is the pair).
    pub measure: String,
    /// The source compared with when not the baseline (`--versus BASE`, or a pair test against
    /// the first model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versus: Option<String>,
    /// The group level and its reference (`gap` rows: `grouping=level vs reference`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Model.
    pub model: String,
    /// Metric.
    pub metric: String,
    /// Clusters with an item valid on both sides (singletons included), G.
    pub clusters: u64,
    /// Items valid on both sides.
    pub items: u64,
    /// The paired difference, model − baseline.
    pub difference: Option<f64>,
    /// Its cluster-robust (CR1) standard error.
    pub se: Option<f64>,
    /// Its standard error if the items were independent.
    pub se_independent: Option<f64>,
    /// Clustered over independent variance.
    pub design_effect: Option<f64>,
    /// Degrees of freedom of the t interval and test, G − 1.
    pub df: Option<f64>,
    /// The wild cluster bootstrap p-value (restricted, Rademacher; below 20 clusters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wild_p: Option<f64>,
    /// Sign vectors behind `wild_p` (all 2^G up to 12 clusters, else seeded draws).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wild_draws: Option<u64>,
    /// Why a row has no clustered estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
