//! The verdict classes section (`--verdict-classes`): the k×k tables, each class's rate in the
//! baseline and the model on the same items, the marginal-homogeneity test, and the named
//! movements (softening, both-blame, abstention). Its tests are a family of their own.

use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// Everything the verdict classes show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictClasses {
    /// The classes, in the order of every table's rows and columns.
    pub classes: Vec<String>,
    /// "Stuart–Maxwell" or "Bhapkar".
    pub test: String,
    /// One table per (metric, source, reference): the baseline × each model, and the truth ×
    /// each source (the baseline included).
    pub tables: Vec<ClassTable>,
    /// Per metric, model and class: the two rates on the items both gave a class.
    pub rates: Vec<ClassRate>,
    /// Per metric and model: do the two use the classes at the same rates?
    pub homogeneity: Vec<ClassHomogeneity>,
    /// Per metric, source, reference and movement: how often the source moves the reference's
    /// verdict that way.
    pub movements: Vec<Movement>,
}

/// A k×k table: rows the reference's class, columns the source's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassTable {
    /// Verdict metric.
    pub metric: String,
    /// The source (columns).
    pub source: String,
    /// The reference (rows): the baseline's name, or "truth".
    pub reference: String,
    /// `counts[i][j]`: items the reference put in class i and the source in class j.
    pub counts: Vec<Vec<u64>>,
    /// Items where either side has no class (missing, or another word).
    pub outside: u64,
}

/// One class's rate in the baseline and in a model, on the items both gave a class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassRate {
    /// Verdict metric.
    pub metric: String,
    /// Model.
    pub model: String,
    /// The class.
    pub class: String,
    /// Items both gave a class.
    pub n: u64,
    /// The baseline's share of the class.
    pub baseline_rate: f64,
    /// The model's share of the class.
    pub model_rate: f64,
    /// Model − baseline.
    pub difference: f64,
    /// Tango's score interval of the paired difference.
    pub difference_ci: Option<Interval>,
    /// McNemar's test of the paired difference.
    pub p_value: Option<f64>,
    /// Adjusted within the verdict classes' family.
    pub p_adjusted: Option<f64>,
    /// Adjusted p below α.
    pub significant: bool,
}

/// The marginal-homogeneity test of one metric and model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassHomogeneity {
    /// Verdict metric.
    pub metric: String,
    /// Model.
    pub model: String,
    /// Items both gave a class.
    pub n: u64,
    /// The χ² statistic (`None`: no item changed class, nothing to test).
    pub statistic: Option<f64>,
    /// Degrees of freedom: the classes items moved into or out of − 1.
    pub df: u64,
    /// P(χ²_df ≥ statistic).
    pub p_value: Option<f64>,
    /// Adjusted within the verdict classes' family.
    pub p_adjusted: Option<f64>,
    /// Adjusted p below α.
    pub significant: bool,
    /// Why there is no test, when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How often a source moves the reference's verdict one named way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    /// Verdict metric.
    pub metric: String,
    /// The source.
    pub source: String,
    /// The reference: the baseline's name, or "truth".
    pub reference: String,
    /// "softening" (YTA → ESH, NAH or NTA), "both-blame" (YTA or NTA → ESH) or "abstention"
    /// (any other class → INFO).
    pub movement: String,
    /// Items the movement can start from (the reference in its from-classes, the source with a
    /// class; for a row paired with the baseline, also the baseline with a class).
    pub n: u64,
    /// Of those, items the source moved that way.
    pub moved: u64,
    /// moved / n (`None` when n = 0).
    pub rate: Option<f64>,
    /// Wilson interval of the rate.
    pub rate_ci: Option<Interval>,
    /// Against the truth, for a model: the baseline's rate on the same items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_rate: Option<f64>,
    /// Model − baseline on the same items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difference: Option<f64>,
    /// Tango's score interval of that paired difference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difference_ci: Option<Interval>,
    /// McNemar's test of that paired difference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// Adjusted within the verdict classes' family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_adjusted: Option<f64>,
    /// Adjusted p below α.
    #[serde(default)]
    pub significant: bool,
}
