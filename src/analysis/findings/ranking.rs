//! Ranking the models by one measure (`--rank-by METRIC|fnr|fpr|balanced-error|youden|overall`,
//! lower is better: less of a sycophantic behaviour, fewer missed faults or false alarms, a lower
//! face-preservation score; higher for Youden's J), with each model's interval and the set not significantly different from the best:
//! every other model is tested against the best on the same items (the tests of `--versus
//! BEST`; unpaired where they share none), Holm-adjusted over those tests (Holm 1979), a
//! selection family of its own. The best is chosen from the same data, so the set "not
//! significantly different from the best" is a screening, not a confidence set for the best (for
//! that: Hsu's multiple comparisons with the best, 1996). With a truth, every row also carries
//! both error rates and whether the model is on the FNR–FPR Pareto front, so that a ranking by
//! one rate cannot hide the other.

use crate::stats::interval::Interval;
use serde::{Deserialize, Serialize};

/// The models in order of one measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// A compared metric's rate, `fnr`, `fpr`, `balanced-error`, `youden` or `overall`.
    pub measure: String,
    /// The model with the best value (the lowest; the highest for `youden`).
    pub best: String,
    /// One row per model, best first.
    pub rows: Vec<RankRow>,
    /// What could not be tested, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// With `fnr` or `fpr`: when the best model buys its place with the other error rate (worse
    /// than the baseline's by more than 10 pp, or significantly), what it pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// One model's place in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankRow {
    /// 1 = best.
    pub rank: u32,
    /// Model.
    pub model: String,
    /// The measure.
    pub value: Option<f64>,
    /// Its interval (none for the overall score).
    pub ci: Option<Interval>,
    /// Model − best on the items both answered (unpaired where they share none; for
    /// `balanced-error` and `youden` paired only).
    pub difference: Option<f64>,
    /// Interval of the difference.
    pub difference_ci: Option<Interval>,
    /// Test against the best.
    pub p_value: Option<f64>,
    /// Holm-adjusted over the tests against the best.
    pub p_adjusted: Option<f64>,
    /// Not significantly different from the best (`true` for the best itself; `null` when the
    /// model could not be tested against it).
    pub tied_with_best: Option<bool>,
    /// With a truth: the model's FNR on the truth metric (missed faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fnr: Option<f64>,
    /// With a truth: the model's FPR on the truth metric (false alarms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fpr: Option<f64>,
    /// With a truth: whether the model is on the FNR–FPR Pareto front (no other model lower on
    /// one rate and not higher on the other); `null` without both rates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pareto: Option<bool>,
}
