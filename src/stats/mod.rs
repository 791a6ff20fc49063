//! Pure statistical functions over counts: no I/O, no printing, no polars.
//!
//! Every function documents its method and source. Edge cases (zero counts, all-same labels,
//! tiny n) are handled explicitly and return `None` where no estimate exists, never NaN.

pub mod agreement;
pub mod balanced_error;
pub mod biasamp;
pub mod binomial;
pub mod cluster;
pub mod confidence;
pub mod confusion;
pub mod counterfactual;
pub mod effect;
pub mod homogeneity;
pub mod interval;
pub mod leakage;
pub mod logistic;
pub mod marginal_homogeneity;
pub mod marked_words;
pub mod missing_bounds;
pub mod multiplicity;
pub mod odds_ratio;
pub mod paired_difference;
pub mod power;
pub mod ppi;
pub mod repeats;
pub mod shrinkage;
pub mod ttest;
pub mod welch;
pub mod wilson;

pub use crate::counts::{PairedCounts, ScoreSums};
pub use confidence::Confidence;
pub use interval::Interval;

use statrs::distribution::{ContinuousCDF, Normal};

/// The two-sided standard-normal critical value z for a confidence level in (0, 1),
/// i.e. Φ⁻¹(1 − (1 − confidence)/2). Returns `None` outside (0, 1).
pub fn z_critical(confidence: f64) -> Option<f64> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let normal = Normal::standard();
    Some(normal.inverse_cdf(1.0 - (1.0 - confidence) / 2.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z_for_95_percent_matches_scipy() {
        // scipy.stats.norm.ppf(0.975) = 1.959963984540054
        let z = z_critical(0.95).unwrap();
        assert!((z - 1.959963984540054).abs() < 1e-9, "{z}");
    }

    #[test]
    fn z_rejects_confidence_outside_unit_interval() {
        assert!(z_critical(0.0).is_none());
        assert!(z_critical(1.0).is_none());
        assert!(z_critical(f64::NAN).is_none());
    }
}
