//! Student's t procedures from sums: the paired (one-sample) t interval and test.

use super::Interval;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A t-based estimate: mean difference, interval, two-sided p-value and degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TEstimate {
    /// Estimated mean (difference).
    pub estimate: f64,
    /// Confidence interval for the mean.
    pub interval: Interval,
    /// Two-sided p-value for H0: mean = 0.
    pub p_value: f64,
    /// Degrees of freedom.
    pub df: f64,
}

/// Paired t interval and test (Student 1908) from n, Σd and Σd² of the item-level differences.
///
/// mean = Σd/n, s² = (Σd² − n·mean²)/(n − 1), se = s/√n, t = mean/se with n − 1 degrees of
/// freedom; the interval is mean ± t_{1−α/2, n−1}·se. Equivalent to scipy's `ttest_rel`.
///
/// Edge cases: `None` for n < 2 (no variance estimate). Zero variance: if the mean is 0 the
/// p-value is 1 and the interval is [0, 0]; otherwise the p-value is 0 and the interval is the
/// point mean (every item moved by exactly the same amount).
pub fn paired_t(n: u64, sum_d: f64, sum_d2: f64, confidence: f64) -> Option<TEstimate> {
    if n < 2 || !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let (mean, se) = mean_se(n, sum_d, sum_d2);
    t_estimate(mean, se, n as f64 - 1.0, confidence)
}

/// The mean and the p-value of [`paired_t`] without its interval (no t quantile: cheap enough
/// to re-run along a tipping-point path); `None` for n < 2.
pub fn paired_t_p(n: u64, sum_d: f64, sum_d2: f64) -> Option<(f64, f64)> {
    if n < 2 {
        return None;
    }
    let (mean, se) = mean_se(n, sum_d, sum_d2);
    let dist = StudentsT::new(0.0, 1.0, n as f64 - 1.0).ok()?;
    Some((mean, t_p(&dist, mean, se)))
}

/// mean = Σd/n and se = s/√n.
fn mean_se(n: u64, sum_d: f64, sum_d2: f64) -> (f64, f64) {
    let n_f = n as f64;
    let mean = sum_d / n_f;
    let variance = ((sum_d2 - n_f * mean * mean) / (n_f - 1.0)).max(0.0);
    (mean, (variance / n_f).sqrt())
}

/// The two-sided p-value of an estimate with standard error `se` (see [`t_estimate`]'s edge
/// cases).
fn t_p(dist: &StudentsT, estimate: f64, se: f64) -> f64 {
    if se <= 1e-15 * estimate.abs().max(1.0) {
        return if estimate == 0.0 { 1.0 } else { 0.0 };
    }
    (2.0 * dist.sf((estimate / se).abs())).min(1.0)
}

/// Interval and two-sided test for an estimate with standard error `se` and `df` degrees of
/// freedom, handling a zero standard error explicitly (see [`paired_t`]).
pub fn t_estimate(estimate: f64, se: f64, df: f64, confidence: f64) -> Option<TEstimate> {
    if df <= 0.0 || !df.is_finite() {
        return None;
    }
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    let p_value = t_p(&dist, estimate, se);
    if se <= 1e-15 * estimate.abs().max(1.0) {
        return Some(TEstimate { estimate, interval: Interval::new(estimate, estimate), p_value, df });
    }
    let crit = t_quantile(&dist, df, 1.0 - (1.0 - confidence) / 2.0)?;
    let interval = Interval::new(estimate - crit * se, estimate + crit * se);
    Some(TEstimate { estimate, interval, p_value, df })
}

/// Degrees of freedom above which the t quantile comes from its expansion in normal quantiles.
const LARGE_DF: f64 = 1000.0;

/// Quantile `p` of Student's t with `df` degrees of freedom. statrs inverts the regularised
/// incomplete beta function, which slows down sharply as df grows (minutes at 15M, the paired t
/// of a 30M-item run) and loses accuracy (7e-6 off scipy at df = 1e5); above [`LARGE_DF`] the
/// expansion of Abramowitz & Stegun (1964) 26.7.5 in the normal quantile z is used, with terms
/// to 1/df⁴ (within 1e-10 of scipy from df = 1000 on, checked in the tests).
pub fn t_quantile(dist: &StudentsT, df: f64, p: f64) -> Option<f64> {
    if df <= LARGE_DF {
        return Some(dist.inverse_cdf(p));
    }
    if !(p > 0.0 && p < 1.0) {
        return None;
    }
    let z = statrs::distribution::Normal::standard().inverse_cdf(p);
    let (z2, nu) = (z * z, df);
    let g1 = (z2 + 1.0) * z / 4.0;
    let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    Some(z + g1 / nu + g2 / nu.powi(2) + g3 / nu.powi(3) + g4 / nu.powi(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_df_quantiles_match_scipy() {
        // scipy 1.17.1: stats.t.ppf(q, df).
        let cases = [
            (1000.001, 0.975, 1.9623390784484867),
            (1000.001, 0.995, 2.5807546931317025),
            (5000.0, 0.975, 1.9604385517065073),
            (5000.0, 0.995, 2.5768129665562802),
            (1e5, 0.975, 1.9599877075346095),
            (1e5, 0.995, 2.575878469908375),
            (1e7, 0.975, 1.959964221767205),
            (3e7, 0.995, 2.5758294674338305),
            (1e9, 0.975, 1.959963986912325),
        ];
        for (df, q, want) in cases {
            {
                let dist = StudentsT::new(0.0, 1.0, df).expect("dist");
                let got = t_quantile(&dist, df, q).expect("quantile");
                assert!((got - want).abs() < 1e-10, "df {df} q {q}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn matches_scipy_ttest_1samp() {
        // scipy 1.17.1: ttest_1samp(d, 0) with d = [0.25,-0.5,0,0.75,0.25,0,-0.25,0.5,0.25,0]
        // pvalue 0.29871898183173057, confidence_interval(0.95) = (-0.13140553279937023,
        // 0.38140553279937023); n = 10, Σd = 1.25, Σd² = 1.3125.
        let est = paired_t(10, 1.25, 1.3125, 0.95).unwrap();
        assert!((est.estimate - 0.125).abs() < 1e-12);
        assert!((est.p_value - 0.29871898183173057).abs() < 1e-9, "{est:?}");
        assert!((est.interval.low - -0.13140553279937023).abs() < 1e-9, "{est:?}");
        assert!((est.interval.high - 0.38140553279937023).abs() < 1e-9, "{est:?}");
        assert_eq!(est.df, 9.0);
    }

    #[test]
    fn matches_scipy_at_90_percent() {
        // scipy 1.17.1: d = [1]*30 + [0]*50 + [-1]*10: pvalue 0.0012435163135804935,
        // confidence_interval(0.90) = (0.11148105877577036, 0.332963385668674)
        let est = paired_t(90, 20.0, 40.0, 0.90).unwrap();
        assert!((est.p_value - 0.0012435163135804935).abs() < 1e-9, "{est:?}");
        assert!((est.interval.low - 0.11148105877577036).abs() < 1e-9, "{est:?}");
        assert!((est.interval.high - 0.332963385668674).abs() < 1e-9, "{est:?}");
    }

    #[test]
    fn degenerate_inputs() {
        assert!(paired_t(1, 1.0, 1.0, 0.95).is_none(), "one item has no variance");
        assert!(paired_t(0, 0.0, 0.0, 0.95).is_none());
        let zero = paired_t(5, 0.0, 0.0, 0.95).unwrap();
        assert_eq!((zero.p_value, zero.interval), (1.0, Interval::new(0.0, 0.0)));
        let shifted = paired_t(4, 2.0, 1.0, 0.95).unwrap();
        assert_eq!((shifted.p_value, shifted.interval), (0.0, Interval::new(0.5, 0.5)));
    }
}
