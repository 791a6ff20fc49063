//! Judge-error-corrected comparisons (`compare --audit`): every rate and paired difference of the
//! run next to its prediction-powered estimate (Angelopoulos et al. 2023), which uses the judge
//! labels of all items and the judge − gold rectifier of the audited ones, and, for rates, the
//! Rogan–Gladen estimate from the audit's sensitivity and specificity.

use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// A rate or paired difference of the run, naive and corrected for judge error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrectedRow {
    /// Metric.
    pub metric: String,
    /// Model.
    pub model: String,
    /// Items of the comparison (valid on both sides).
    pub n: u64,
    /// Audited items of the baseline's texts (valid judge and gold label).
    pub audited_baseline: u64,
    /// Audited items of the model's texts.
    pub audited_model: u64,
    /// Naive (judge-label) baseline rate, as in the comparison.
    pub naive_baseline_rate: Option<f64>,
    /// Naive model rate.
    pub naive_model_rate: Option<f64>,
    /// Naive paired difference (model − baseline).
    pub naive_difference: Option<f64>,
    /// Prediction-powered baseline rate and interval.
    pub baseline_rate: Option<f64>,
    /// Interval of the corrected baseline rate.
    pub baseline_ci: Option<Interval>,
    /// Prediction-powered model rate.
    pub model_rate: Option<f64>,
    /// Interval of the corrected model rate.
    pub model_ci: Option<Interval>,
    /// Prediction-powered paired difference.
    pub difference: Option<f64>,
    /// Interval of the corrected difference.
    pub difference_ci: Option<Interval>,
    /// Rogan–Gladen baseline rate (cross-check).
    pub baseline_rate_rg: Option<f64>,
    /// Rogan–Gladen model rate (cross-check).
    pub model_rate_rg: Option<f64>,
    /// Why a corrected value is missing, or a warning about the audit.
    pub note: Option<String>,
}

/// A group amplification (rate rows) naive and corrected for judge error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrectedGroup {
    /// Grouping.
    pub group_by: String,
    /// Level.
    pub level: String,
    /// Reference level.
    pub reference: String,
    /// Metric.
    pub metric: String,
    /// Model.
    pub model: String,
    /// Naive amplification (as in `groups`).
    pub naive_amplification: Option<f64>,
    /// (Δ_level − Δ_reference) with each paired difference prediction-powered.
    pub amplification: Option<f64>,
    /// Normal interval from the two levels' standard errors.
    pub amplification_ci: Option<Interval>,
    /// Why it is missing (the audit does not cover a level on both sides).
    pub note: Option<String>,
}
