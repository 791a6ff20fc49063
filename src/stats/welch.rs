//! Welch's two-sample t interval and test from sums, for amplification between groups.

use super::ttest::{t_estimate, TEstimate};

/// Summary of one sample: size, sum and sum of squares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleSums {
    /// Sample size.
    pub n: u64,
    /// Σx.
    pub sum: f64,
    /// Σx².
    pub sum_sq: f64,
}

impl SampleSums {
    fn mean(&self) -> f64 {
        self.sum / self.n as f64
    }

    /// Unbiased sample variance (n − 1 denominator), clamped at 0 against rounding.
    fn variance(&self) -> f64 {
        let n = self.n as f64;
        ((self.sum_sq - n * self.mean() * self.mean()) / (n - 1.0)).max(0.0)
    }
}

/// Welch's t interval and test for mean(g) − mean(r) (Welch 1947, *Biometrika* 34:28–35), with
/// Welch–Satterthwaite degrees of freedom (Satterthwaite 1946, *Biometrics Bull* 2:110–114):
/// se² = s²_g/n_g + s²_r/n_r, df = se⁴ / [(s²_g/n_g)²/(n_g − 1) + (s²_r/n_r)²/(n_r − 1)].
/// Equals scipy's `ttest_ind(x_g, x_r, equal_var=False)` and its `confidence_interval()`.
///
/// Edge cases: `None` when either sample has fewer than 2 values. When both variances are 0 the
/// standard error is 0: the p-value is 1 if the means are equal and 0 otherwise, the interval is
/// the point difference, and df is reported as n_g + n_r − 2.
pub fn welch_t(g: SampleSums, r: SampleSums, confidence: f64) -> Option<TEstimate> {
    if g.n < 2 || r.n < 2 {
        return None;
    }
    let (vg, vr) = (g.variance() / g.n as f64, r.variance() / r.n as f64);
    let estimate = g.mean() - r.mean();
    let se2 = vg + vr;
    let df = if se2 > 0.0 {
        se2 * se2 / (vg * vg / (g.n as f64 - 1.0) + vr * vr / (r.n as f64 - 1.0))
    } else {
        (g.n + r.n - 2) as f64
    };
    t_estimate(estimate, se2.sqrt(), df, confidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums of d = model − baseline over a paired 2×2 table (a, b, c, d): d is +1 on b, −1 on c.
    fn from_table(b: u64, c: u64, n: u64) -> SampleSums {
        SampleSums { n, sum: b as f64 - c as f64, sum_sq: (b + c) as f64 }
    }

    #[test]
    fn matches_scipy_ttest_ind_welch() {
        // scipy 1.17.1: ttest_ind(d_g, d_r, equal_var=False), d from tables (a,b,c,d):
        // (statistic unused) pvalue, df, confidence_interval(0.95).low/high
        let cases = [
            (
                (30, 5, 100),
                (12, 10, 100),
                0.0015342745644337321,
                194.5126133849978,
                0.08884773558162704,
                0.371152264418373,
            ),
            (
                (4, 1, 15),
                (1, 2, 38),
                0.15462029871266453,
                16.903883788332834,
                -0.09426075709028273,
                0.5468923360376512,
            ),
            (
                (2, 0, 5),
                (0, 1, 4),
                0.10680154314430593,
                6.814569536423841,
                -0.18220570256153845,
                1.4822057025615385,
            ),
        ];
        for ((bg, cg, ng), (br, cr, nr), p, df, lo, hi) in cases {
            let est = welch_t(from_table(bg, cg, ng), from_table(br, cr, nr), 0.95).unwrap();
            assert!((est.p_value - p).abs() < 1e-9 * p.max(1e-3), "{est:?}");
            assert!((est.df - df).abs() < 1e-9 * df, "{est:?}");
            assert!((est.interval.low - lo).abs() < 1e-9 && (est.interval.high - hi).abs() < 1e-9, "{est:?}");
        }
    }

    #[test]
    fn too_small_or_constant_samples() {
        let one = SampleSums { n: 1, sum: 1.0, sum_sq: 1.0 };
        let ok = from_table(2, 1, 10);
        assert!(welch_t(one, ok, 0.95).is_none());
        let zeros = SampleSums { n: 5, sum: 0.0, sum_sq: 0.0 };
        let est = welch_t(zeros, zeros, 0.95).unwrap();
        assert_eq!((est.p_value, est.estimate), (1.0, 0.0));
    }
}
