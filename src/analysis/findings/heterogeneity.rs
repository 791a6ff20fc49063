//! Heterogeneity of the gap amplification across the levels of a grouping with many levels:
//! Cochran's Q and its test, the DerSimonian–Laird between-level variance τ² and I², the
//! random-effects mean (`stats::shrinkage`).

use serde::{Deserialize, Serialize};

/// One grouping, measure, metric and model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeterogeneityRow {
    /// Grouping name.
    pub group_by: String,
    /// "rate", "fnr" or "fpr", as in the groups rows.
    pub measure: String,
    /// Metric.
    pub metric: String,
    /// Model.
    pub model: String,
    /// Levels with an amplification and its standard error (the reference excluded).
    pub levels: u64,
    /// Cochran's Q over those levels.
    pub q: f64,
    /// P(χ² with levels − 1 degrees of freedom ≥ Q): whether the levels differ beyond chance.
    pub p_value: f64,
    /// DerSimonian–Laird between-level variance of the amplification.
    pub tau2: f64,
    /// I²: the share of the variation between levels beyond chance.
    pub i2: f64,
    /// The random-effects mean amplification the levels are shrunk toward.
    pub mean: f64,
}
