//! Effect sizes for two proportions.

/// Cohen's h (Cohen 1988, *Statistical Power Analysis*, §6.2): 2·asin(√p₁) − 2·asin(√p₂).
/// Defined for all rates in [0, 1], including 0 and 1.
pub fn cohens_h(model_rate: f64, baseline_rate: f64) -> f64 {
    2.0 * model_rate.sqrt().asin() - 2.0 * baseline_rate.sqrt().asin()
}

/// Rate ratio model/baseline; `None` when the baseline rate is 0 (undefined).
pub fn rate_ratio(model_rate: f64, baseline_rate: f64) -> Option<f64> {
    (baseline_rate > 0.0).then(|| model_rate / baseline_rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cohens_h_reference_values() {
        // statsmodels 0.15.0: proportion_effectsize(0.5, 0.3) = 0.4115168460674883
        assert!((cohens_h(0.5, 0.3) - 0.4115168460674883).abs() < 1e-12);
        // h(1, 0) = π
        assert!((cohens_h(1.0, 0.0) - std::f64::consts::PI).abs() < 1e-12);
        assert_eq!(cohens_h(0.2, 0.2), 0.0);
    }

    #[test]
    fn ratio_is_undefined_at_zero_baseline() {
        assert_eq!(rate_ratio(0.4, 0.0), None);
        assert_eq!(rate_ratio(0.4, 0.2), Some(2.0));
    }
}
