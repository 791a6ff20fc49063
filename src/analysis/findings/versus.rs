//! Conditions versus a base model (`--versus BASE`): every other model against BASE on the same
//! items, with the same methods as against the baseline (exact McNemar and Tango, or the
//! item-level paired t with repeats; FNR and FPR paired on the truth-positive and truth-negative
//! items; gap amplification by Welch on the item differences), and, for models that share no item
//! with BASE, unpaired comparisons (Newcombe's hybrid score interval and Fisher's exact test, or
//! Welch's t on item means). All join the run's multiplicity family.

use super::{Comparison, GroupRow, Overall, TruthTest};
use crate::stats::interval::Interval;
use serde::{Deserialize, Serialize};

/// Every model against the base model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Versus {
    /// The base model (in these rows, `baseline` means BASE).
    pub base: String,
    /// Per metric and model: model − BASE on the items both answered.
    pub comparisons: Vec<Comparison>,
    /// Overall score, model − BASE.
    pub overall: Vec<Overall>,
    /// FNR and FPR, model − BASE, paired on truth-positive / truth-negative items.
    pub truth_tests: Vec<TruthTest>,
    /// Gap amplification relative to BASE per grouping level.
    pub groups: Vec<GroupRow>,
    /// Models that share no item with BASE, compared unpaired.
    pub unpaired: Vec<UnpairedRow>,
}

/// An unpaired comparison of a model with the base model on different items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnpairedRow {
    /// Metric.
    pub metric: String,
    /// Model.
    pub model: String,
    /// `rate`, `fnr` or `fpr`.
    pub measure: String,
    /// Items of the model.
    pub n: u64,
    /// Items of BASE.
    pub n_base: u64,
    /// The model's rate.
    pub model_rate: Option<f64>,
    /// BASE's rate.
    pub base_rate: Option<f64>,
    /// model − BASE.
    pub difference: Option<f64>,
    /// Interval of the difference.
    pub difference_ci: Option<Interval>,
    /// Two-sided p-value.
    pub p_value: Option<f64>,
    /// Adjusted in the run's family.
    pub p_adjusted: Option<f64>,
    /// Adjusted p below α.
    pub significant: bool,
    /// Always "unpaired: …" with the method.
    pub method: String,
}
