//! The `missing` section: what the comparisons would be under every assignment of their invalid
//! labels (Manski bounds), how many invalid items it takes to change a conclusion (the tipping
//! point), and whether the model's invalid labels depend on the truth or a group level.

use crate::stats::missing_bounds::Conclusion;
use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// Bounds for missing labels, for the comparisons with more than `threshold` of their matched
/// items invalid on a side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingLabels {
    /// The share of matched items with an invalid label above which a comparison gets a row.
    pub threshold: f64,
    /// One row per comparison (all items, or the items with one truth value) over the threshold.
    pub rows: Vec<MissingRow>,
    /// Gap amplification of each group level whose items or the reference's are over the
    /// threshold, under every assignment of the invalid labels.
    #[serde(default)]
    pub gaps: Vec<MissingGap>,
    /// The counterfactual pair tests (all pairs) with more than `threshold` of their pairs
    /// missing a label, under every assignment of the missing labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<MissingPair>,
    /// Whether the model's invalid labels depend on the truth or a grouping's level.
    pub invalidity: Vec<InvalidityTest>,
    /// Why some comparisons over the threshold have no bounds (their counts do not say where
    /// the invalid labels fall: counts files written before these columns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One comparison under every assignment of its invalid labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingRow {
    /// The base model of a `--versus` comparison (it is then in the baseline's place); `None`
    /// against the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versus: Option<String>,
    /// Model.
    pub model: String,
    /// Metric.
    pub metric: String,
    /// The items covered: `None` all, or those with this truth value (the rates are then the
    /// true- and false-positive rates).
    pub truth: Option<bool>,
    /// Matched items, valid or not: the bounds' denominator.
    pub items: u64,
    /// Items with an invalid baseline label.
    pub invalid_baseline: u64,
    /// Items with an invalid model label.
    pub invalid_model: u64,
    /// Items invalid on both sides.
    pub invalid_both: u64,
    /// Share of the items with an invalid label on at least one side.
    pub share: f64,
    /// The baseline's rate over every matched item, at its lowest and highest.
    pub baseline_rate: Interval,
    /// The model's rate over every matched item, at its lowest and highest.
    pub model_rate: Interval,
    /// The difference (model − baseline) from the items valid on both sides.
    pub difference: Option<f64>,
    /// The difference over every matched item, at its lowest and highest (jointly over both sides).
    pub difference_bounds: Interval,
    /// The comparison's conclusion at the run's adjusted significance (all-items rows only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<Conclusion>,
    /// The fewest items with an invalid label that, labelled least favourably, change the
    /// conclusion; `None` when no assignment changes it or there is no conclusion.
    pub tipping_items: Option<u64>,
    /// `tipping_items` as a share of the items with an invalid label.
    pub tipping_share: Option<f64>,
    /// No assignment of the invalid labels changes the conclusion (`None` without a conclusion).
    pub robust: Option<bool>,
}

/// One pair test (model against a source over all pairs) under every assignment of the labels
/// its pairs miss (invalid, or a source without the item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingPair {
    /// The source compared with (the baseline or the first model).
    pub versus: String,
    /// Model.
    pub model: String,
    /// Metric.
    pub metric: String,
    /// The pair test's measure: `asymmetry`, `both_sides` or `affirms_both`.
    pub measure: String,
    /// Complete pairs counted: the bounds' denominator.
    pub pairs: u64,
    /// Pairs with at least one of the four labels missing.
    pub incomplete: u64,
    /// `incomplete / pairs`.
    pub share: f64,
    /// The difference from the pairs with all four labels (the pair test's).
    pub difference: Option<f64>,
    /// The difference over every counted pair, at its lowest and highest.
    pub bounds: Interval,
    /// Whether the pair test is significant (adjusted, in the run's family).
    pub significant: bool,
    /// The test's conclusion at the run's adjusted significance (`None` for a clustered test
    /// or one without a p-value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<Conclusion>,
    /// The fewest incomplete pairs that, completed least favourably and added most adverse
    /// first, change the conclusion; `None` when none does or there is no conclusion.
    #[serde(default)]
    pub tipping_pairs: Option<u64>,
    /// `tipping_pairs` as a share of the incomplete pairs.
    #[serde(default)]
    pub tipping_share: Option<f64>,
    /// No completion of the incomplete pairs along that path changes the conclusion (`None`
    /// without a conclusion).
    #[serde(default)]
    pub robust: Option<bool>,
}

/// One level's gap amplification (model gap − baseline gap, against the reference level) under
/// every assignment of the invalid labels of both levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingGap {
    /// Model.
    pub model: String,
    /// Metric.
    pub metric: String,
    /// Grouping.
    pub group_by: String,
    /// Level.
    pub level: String,
    /// Reference level.
    pub reference: String,
    /// Share of the level's and the reference's matched items with an invalid label.
    pub share: f64,
    /// The amplification from the items valid on both sides.
    pub amplification: Option<f64>,
    /// Its lowest and highest value: the level's difference bounds minus the reference's.
    pub bounds: Interval,
    /// Whether the amplification is significant (the groups table's adjusted test).
    pub significant: bool,
}

/// Whether the share of invalid model labels differs across the truth values or a grouping's
/// levels (Pearson's χ², Monte Carlo exact with small expected counts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvalidityTest {
    /// Model.
    pub model: String,
    /// Metric.
    pub metric: String,
    /// `truth`, or the grouping's name.
    pub by: String,
    /// Per level (truth "1"/"0"): its invalid model labels and matched items.
    pub levels: Vec<InvalidLevel>,
    /// Pearson's X².
    pub statistic: f64,
    /// Degrees of freedom.
    pub df: u64,
    /// The p-value (not in the run's family: a diagnostic).
    pub p_value: f64,
    /// Whether the p-value is the Monte Carlo exact one.
    pub exact: bool,
}

/// One level's invalid model labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidLevel {
    /// The level (truth "1" or "0").
    pub level: String,
    /// Invalid model labels.
    pub invalid: u64,
    /// Matched items.
    pub items: u64,
}
