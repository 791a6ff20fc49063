//! Findings of repeated samples and several annotators: item-level estimates from
//! [`Moments`](crate::counts::Moments) (the item is the unit of inference), and each source's instability.

use crate::stats::repeats::Instability;
use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// How a repeated run was read (`--sample`, `--annotator`, `--repeated`, `--aggregate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatSettings {
    /// The models' sample column.
    pub sample: Option<String>,
    /// The baseline's annotator column.
    pub annotator: Option<String>,
    /// Whether every source could repeat ids (in file order).
    pub repeated: bool,
    /// How an item's samples became its value: `mean`, `majority` or `first`.
    pub aggregate: String,
}

/// How unstable one source's labels of one metric are across its samples (or annotators).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstabilityRow {
    /// Source (a model, or the baseline).
    pub source: String,
    /// Metric.
    pub metric: String,
    /// `samples` (a model) or `annotators` (the baseline).
    pub kind: String,
    /// Items with at least one valid sample.
    pub items: u64,
    /// Valid samples.
    pub samples: u64,
    /// Disagreement, ICC, design effect, effective n and Fleiss' κ (see [`Instability`]).
    #[serde(flatten)]
    pub measures: Instability,
    /// The rate over items (mean of item means), with its t interval over items.
    pub rate: Option<f64>,
    /// Interval of `rate`.
    pub rate_ci: Option<Interval>,
    /// What a row-level analysis would claim: Wilson over all samples as if independent.
    pub naive_ci: Option<Interval>,
    /// The rate from the first sample of each item alone, with its Wilson interval.
    pub one_sample_rate: Option<f64>,
    /// Interval of `one_sample_rate`.
    pub one_sample_ci: Option<Interval>,
    /// Whether the rate from one sample per item lies outside `rate_ci` (a warning that one sample
    /// per item can mislead; by chance alone it happens now and then, it is not a test).
    pub one_sample_misleads: bool,
}
