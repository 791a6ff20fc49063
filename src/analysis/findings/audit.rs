//! Trust in judge labels: the judge's agreement with gold labels from people (`amplify agree`,
//! `compare --audit`), whether its errors differ between the texts of two sources (differential
//! error, which biases every comparison between them), and judge-error-corrected rates and paired
//! differences (prediction-powered inference, with Rogan–Gladen as a cross-check for rates).

use super::InputRecord;
use crate::stats::agreement::AgreementStats;
use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// How well the judge agrees with the gold labels on one metric (and one text source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementRow {
    /// Metric.
    pub metric: String,
    /// Whose texts ("" = all audited items).
    pub source: String,
    /// Items, rates, agreement and κ with their intervals (flattened into the row in JSON).
    #[serde(flatten)]
    pub agreement: AgreementStats,
    /// Most auditors of one item.
    pub auditors: u64,
    /// Fleiss' κ among the auditors (items with the most common number of auditors, at least 2).
    pub fleiss_kappa: Option<f64>,
    /// Items whose auditors tied (no majority): left out.
    pub ties: u64,
}

/// Whether the judge's sensitivity or specificity differs between two sources' texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DifferentialError {
    /// Metric.
    pub metric: String,
    /// "sensitivity" or "specificity".
    pub measure: String,
    /// First source (the baseline in `compare --audit`).
    pub source_a: String,
    /// Second source.
    pub source_b: String,
    /// The measure on the first source's texts.
    pub rate_a: Option<f64>,
    /// The measure on the second source's texts.
    pub rate_b: Option<f64>,
    /// rate_b − rate_a, Newcombe's hybrid score interval.
    pub difference: Option<f64>,
    /// Interval of the difference.
    pub difference_ci: Option<Interval>,
    /// Fisher's exact test.
    pub p_value: Option<f64>,
    /// Adjusted in the run's family.
    pub p_adjusted: Option<f64>,
    /// Adjusted p below 1 − confidence.
    pub significant: bool,
}

/// Schema identifier of the `amplify agree` document.
pub const AGREEMENT_SCHEMA: &str = "amplify.agreement/1";

/// What `amplify agree` reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementReport {
    /// Always [`AGREEMENT_SCHEMA`].
    pub schema: String,
    /// Version of amplify that produced it.
    pub amplify_version: String,
    /// Confidence level of every interval.
    pub confidence: f64,
    /// The judged file, then the audit file.
    pub inputs: Vec<InputRecord>,
    /// Per metric: all items, then each text source.
    pub agreement: Vec<AgreementRow>,
    /// Sensitivity and specificity between the first text source and each other one; p-values
    /// adjusted together (Holm).
    pub differential: Vec<DifferentialError>,
}
