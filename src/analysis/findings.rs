//! The findings document: plain serialisable structs, the stable JSON contract
//! (`amplify.findings/1`, documented in README.md).

use crate::data::Layout;
use crate::stats::binomial::McNemarVariant;
use crate::stats::multiplicity::Correction;
use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// Schema identifier of the findings document.
pub const FINDINGS_SCHEMA: &str = "amplify.findings/1";

/// Everything one run found, ready for any exporter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    /// Always [`FINDINGS_SCHEMA`].
    pub schema: String,
    /// Version of amplify that produced it.
    pub amplify_version: String,
    /// Settings of the run.
    pub settings: Settings,
    /// Input files.
    pub inputs: Vec<InputRecord>,
    /// Item alignment per model.
    pub alignment: Vec<Alignment>,
    /// One row per metric × model.
    pub comparisons: Vec<Comparison>,
    /// Overall score per model.
    pub overall: Vec<Overall>,
}

/// Settings that determine the numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Confidence level of every interval.
    pub confidence: f64,
    /// Multiplicity correction.
    pub correction: Correction,
    /// McNemar variant.
    pub test: McNemarVariant,
    /// Seed of every random step (none in `compare` yet; recorded for reproducibility).
    pub seed: u64,
    /// Name of the baseline source.
    pub baseline: String,
    /// Compared metrics, in order.
    pub metrics: Vec<String>,
    /// Metrics whose polarity was flipped.
    pub inverted: Vec<String>,
    /// Input layout.
    pub layout: Layout,
    /// Id column (`None` when reading counts).
    pub id_column: Option<String>,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRecord {
    /// "baseline", "model" or "counts".
    pub role: String,
    /// Source name.
    pub name: String,
    /// Path as given.
    pub path: String,
    /// Rows of this source.
    pub rows: u64,
    /// Hex SHA-256 of the file.
    pub sha256: String,
}

/// Item alignment of one model with the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alignment {
    /// Model name.
    pub model: String,
    /// Items in both.
    pub matched: u64,
    /// Items only in the baseline.
    pub baseline_only: u64,
    /// Items only in the model.
    pub model_only: u64,
}

/// Model versus baseline on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Metric name.
    pub metric: String,
    /// Model name.
    pub model: String,
    /// Items valid on both sides.
    pub n: u64,
    /// Baseline rate (null when n = 0).
    pub baseline_rate: Option<f64>,
    /// Wilson interval of the baseline rate.
    pub baseline_ci: Option<Interval>,
    /// Model rate.
    pub model_rate: Option<f64>,
    /// Wilson interval of the model rate.
    pub model_ci: Option<Interval>,
    /// model_rate − baseline_rate.
    pub difference: Option<f64>,
    /// Tango score interval of the difference.
    pub difference_ci: Option<Interval>,
    /// Items where both show the behaviour.
    pub both: u64,
    /// Items where only the model shows it.
    pub model_only: u64,
    /// Items where only the baseline shows it.
    pub baseline_only: u64,
    /// Items where neither shows it.
    pub neither: u64,
    /// McNemar p-value (exact or mid-p).
    pub p_value: Option<f64>,
    /// p-value adjusted over the run's family.
    pub p_adjusted: Option<f64>,
    /// Cohen's h.
    pub cohens_h: Option<f64>,
    /// model_rate / baseline_rate (null when baseline_rate is 0).
    pub ratio: Option<f64>,
    /// Matched items with an invalid baseline label.
    pub invalid_baseline: u64,
    /// Matched items with an invalid model label.
    pub invalid_model: u64,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
    /// Why estimates are missing, when they are.
    pub note: Option<String>,
}

/// Overall (face-preservation) score of one model: item score = mean of its metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overall {
    /// Model name.
    pub model: String,
    /// Items valid on both sides for every metric.
    pub n: u64,
    /// Mean baseline item score.
    pub baseline_score: Option<f64>,
    /// Mean model item score.
    pub model_score: Option<f64>,
    /// model_score − baseline_score.
    pub difference: Option<f64>,
    /// Paired t interval of the difference.
    pub difference_ci: Option<Interval>,
    /// Paired t-test p-value.
    pub p_value: Option<f64>,
    /// p-value adjusted over the run's family.
    pub p_adjusted: Option<f64>,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
}
