//! The data's own findings, before any model: the baseline (or the one source of a run without
//! models) over all its items — its rate per metric, each group level's gap to the reference
//! and a test across all levels. Methods: `stats::wilson`, `stats::agreement` (Newcombe,
//! Fisher), `stats::homogeneity`.

use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// The bias already in the data: the source alone, over every item it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataBias {
    /// The source (the baseline).
    pub source: String,
    /// Whether the run has no model (the findings are the data's alone).
    pub alone: bool,
    /// One row per metric.
    pub rates: Vec<DataRate>,
    /// One row per grouping, level other than the reference, and metric.
    pub gaps: Vec<DataGap>,
    /// One row per grouping and metric: does the rate differ across the levels at all.
    pub level_tests: Vec<LevelTest>,
}

/// The source's rate on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataRate {
    /// Metric.
    pub metric: String,
    /// Items with a valid label.
    pub n: u64,
    /// Items whose label is invalid.
    pub invalid: u64,
    /// Share labelled 1 (the mean of the item values with repeats); null when n = 0.
    pub rate: Option<f64>,
    /// Wilson interval (t interval of the item means with repeats).
    pub ci: Option<Interval>,
}

/// One level's gap to the reference level in the source's rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataGap {
    /// Grouping name.
    pub group_by: String,
    /// Level.
    pub level: String,
    /// Reference level.
    pub reference: String,
    /// Metric.
    pub metric: String,
    /// Items of this level with a valid label.
    pub n: u64,
    /// Items of the reference level with a valid label.
    pub n_reference: u64,
    /// Rate in this level.
    pub rate: Option<f64>,
    /// Rate in the reference level.
    pub reference_rate: Option<f64>,
    /// rate − reference_rate.
    pub gap: Option<f64>,
    /// Newcombe's hybrid score interval of the gap (Welch t with repeats).
    pub gap_ci: Option<Interval>,
    /// Fisher's exact test (Welch's t-test with repeats); null below --min-group.
    pub p_value: Option<f64>,
    /// p-value adjusted over the data section's tests.
    pub p_adjusted: Option<f64>,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
    /// Why the row is not tested, when it is not.
    pub note: Option<String>,
}

/// Whether one metric's rate differs across all levels of a grouping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelTest {
    /// Grouping name.
    pub group_by: String,
    /// Metric.
    pub metric: String,
    /// Levels with at least one valid label.
    pub levels: u64,
    /// Items with a valid label over those levels.
    pub n: u64,
    /// Pearson's X².
    pub statistic: Option<f64>,
    /// Degrees of freedom (levels − 1).
    pub df: Option<u64>,
    /// "chi-square" or "monte carlo exact" (some expected count below 5).
    pub method: Option<String>,
    /// The p-value.
    pub p_value: Option<f64>,
    /// p-value adjusted over the data section's tests.
    pub p_adjusted: Option<f64>,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
    /// Why the grouping is not tested, when it is not.
    pub note: Option<String>,
}
