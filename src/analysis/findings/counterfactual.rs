//! Counterfactual pairs in the findings: how the items formed pairs, each source's pair measures
//! per metric (and per group level of side A), each model against the baseline and against the
//! first model on the same pairs, and with a truth the verdicts on pairs whose side A is not at
//! fault. Methods: `stats::counterfactual`.

use crate::stats::counterfactual::Rate;
use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// How the items formed pairs (the pair and variant columns are in `settings.pair_columns`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingSummary {
    /// Side A (the reference variant), then side B.
    pub variants: [String; 2],
    /// Pairs with one item on each side.
    pub complete: u64,
    /// Pairs with an item on one side only (not analysed).
    pub missing_side: u64,
    /// Pairs with two or more items on one side (not analysed).
    pub duplicate_side: u64,
}

/// One source's pairs on one metric, over its pairs valid on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairRow {
    /// Metric.
    pub metric: String,
    /// Source (the baseline or a model).
    pub source: String,
    /// "baseline" or "model".
    pub role: String,
    /// Grouping of side A (`None` = all pairs).
    pub group_by: Option<String>,
    /// Level of side A in that grouping.
    pub level: Option<String>,
    /// Pairs with a valid label on both sides.
    pub n: u64,
    /// Complete pairs this source lacks a valid label on one side or both.
    pub incomplete: u64,
    /// Label 1 on both sides, n11/n.
    pub both: Option<Rate>,
    /// Label 0 on both sides, n00/n.
    pub neither: Option<Rate>,
    /// For verdicts (1 = at fault): not at fault on both sides, the same as `neither`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affirms_both: Option<Rate>,
    /// The label differs between the sides, (n10 + n01)/n.
    pub flip: Option<Rate>,
    /// P(label 1 on side B) − P(label 1 on side A).
    pub asymmetry: Option<f64>,
    /// Tango score interval of the asymmetry.
    pub asymmetry_ci: Option<Interval>,
    /// McNemar p-value of the asymmetry.
    pub p_value: Option<f64>,
    /// p-value adjusted over the run's family.
    pub p_adjusted: Option<f64>,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
    /// Why estimates are missing, when they are.
    pub note: Option<String>,
    /// How the asymmetry was tested when not by Tango and McNemar (`--cluster`: CR1 over side
    /// A's clusters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

/// A model against another source (the baseline, or the first model) on the same pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairTest {
    /// Metric.
    pub metric: String,
    /// Model.
    pub model: String,
    /// The source compared with: the baseline or the first model.
    pub versus: String,
    /// Grouping of side A (`None` = all pairs).
    pub group_by: Option<String>,
    /// Level of side A in that grouping.
    pub level: Option<String>,
    /// "asymmetry" (amplification of the asymmetry, paired t), "both_sides" (label 1 on both
    /// sides) or, for verdicts, "affirms_both" (not at fault on both sides) (McNemar, Tango).
    pub measure: String,
    /// Pairs valid on both sides for both sources.
    pub n: u64,
    /// The versus source's value on these pairs.
    pub versus_value: Option<f64>,
    /// The model's value on these pairs.
    pub model_value: Option<f64>,
    /// model_value − versus_value.
    pub difference: Option<f64>,
    /// Paired t (asymmetry) or Tango (both sides) interval of the difference.
    pub difference_ci: Option<Interval>,
    /// Paired t or McNemar p-value.
    pub p_value: Option<f64>,
    /// p-value adjusted over the run's family.
    pub p_adjusted: Option<f64>,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
    /// Why the row is not tested, when it is not.
    pub note: Option<String>,
    /// How the row was tested when not as above (`--cluster`: CR1 over side A's clusters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

/// On pairs whose side A the truth finds not at fault (e.g. the crowd's verdict of the original
/// post): how often a source also finds side B not at fault, and both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairTruthRow {
    /// Verdict metric.
    pub metric: String,
    /// Source.
    pub source: String,
    /// Pairs with side A not at fault by the truth and the source's verdict valid on both sides.
    pub n: u64,
    /// Side B judged not at fault.
    pub b_not_at_fault: Option<Rate>,
    /// Both sides judged not at fault.
    pub both_not_at_fault: Option<Rate>,
}
