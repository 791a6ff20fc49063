//! The paired difference of two proportions: its estimate with Tango's asymptotic score interval
//! and McNemar's test.

use crate::stats::binomial::{mcnemar_p, McNemarVariant};
use crate::stats::{z_critical, Interval, PairedCounts};

/// Tango's score interval (Tango 1998, *Stat Med* 17:891–908) for Δ = (b − c)/n, the difference
/// between the model's and the baseline's rate over paired items (b = model only, c = baseline only).
///
/// Following Fagerland, Lydersen & Laake (2014, *Stat Methods Med Res* 23:205–219, eqs. for the
/// Tango interval), the score statistic for a hypothesised Δ₀ is
/// T(Δ₀) = (b − c − nΔ₀) / √(n(2p̃_c + Δ₀(1 − Δ₀))), where p̃_c is the constrained maximum-likelihood
/// estimate of the baseline-only cell probability, p̃_c = (√(B² − 4AC) − B)/(2A) with A = 2n,
/// B = −b − c + (2n − b + c)Δ₀, C = −cΔ₀(1 − Δ₀). The interval is {Δ₀ : |T(Δ₀)| ≤ z}; T is decreasing
/// in Δ₀, so each bound is found by bisection to 1e-12.
///
/// Edge cases: `None` when n = 0; bounds stay in [−1, 1]; b = c = 0 gives an interval around 0 that
/// shrinks with n; all pairs discordant one way gives a bound of exactly ±1.
pub fn tango_interval(counts: &PairedCounts, confidence: f64) -> Option<Interval> {
    let n = counts.n();
    if n == 0 {
        return None;
    }
    let z = z_critical(confidence)?;
    let (b, c, n) = (counts.model_only as f64, counts.baseline_only as f64, n as f64);
    let estimate = (b - c) / n;
    let stat = |delta: f64| tango_statistic(b, c, n, delta);
    let low = if stat(-1.0) <= z { -1.0 } else { bisect(&stat, -1.0, estimate, z) };
    let high = if stat(1.0) >= -z { 1.0 } else { bisect(&stat, estimate, 1.0, -z) };
    Some(Interval::new(low.min(estimate), high.max(estimate)))
}

/// Tango's score statistic T(Δ₀) (see [`tango_interval`]).
fn tango_statistic(b: f64, c: f64, n: f64, delta: f64) -> f64 {
    let numerator = b - c - n * delta;
    let a_coef = 2.0 * n;
    let b_coef = -b - c + (2.0 * n - b + c) * delta;
    let c_coef = -c * delta * (1.0 - delta);
    let disc = (b_coef * b_coef - 4.0 * a_coef * c_coef).max(0.0);
    let p_c = (disc.sqrt() - b_coef) / (2.0 * a_coef);
    let variance = n * (2.0 * p_c + delta * (1.0 - delta));
    if numerator == 0.0 {
        0.0
    } else if variance <= 0.0 {
        numerator.signum() * f64::INFINITY
    } else {
        numerator / variance.sqrt()
    }
}

/// Finds Δ in [lo, hi] with f(Δ) = target for a decreasing f with f(lo) ≥ target ≥ f(hi).
fn bisect(f: &dyn Fn(f64) -> f64, mut lo: f64, mut hi: f64, target: f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// A paired difference of two rates (model − baseline): the estimate (b − c)/n, Tango's interval
/// and McNemar's p-value (exact or mid-p); `None` for n = 0.
pub fn paired_difference(
    t: &PairedCounts,
    confidence: f64,
    test: McNemarVariant,
) -> Option<(f64, Option<Interval>, f64)> {
    let n = t.n();
    (n > 0).then(|| {
        let difference = (t.model_only as f64 - t.baseline_only as f64) / n as f64;
        (difference, tango_interval(t, confidence), mcnemar_p(t.model_only, t.baseline_only, test))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(a: u64, b: u64, c: u64, d: u64) -> PairedCounts {
        PairedCounts { both: a, model_only: b, baseline_only: c, neither: d }
    }

    #[test]
    fn reproduces_fagerland_2014_worked_example() {
        // Fagerland, Lydersen & Laake (2014), Table 1 data (n11=1, n12=1, n21=7, n22=12):
        // Tango asymptotic score interval for Δ = (n12 − n21)/n is (−0.517, −0.026).
        let ci = tango_interval(&counts(1, 1, 7, 12), 0.95).unwrap();
        assert!((ci.low - -0.517).abs() < 5e-4, "{ci:?}");
        assert!((ci.high - -0.026).abs() < 5e-4, "{ci:?}");
    }

    #[test]
    fn symmetric_counts_give_an_interval_symmetric_about_zero() {
        let ci = tango_interval(&counts(10, 6, 6, 30), 0.95).unwrap();
        assert!((ci.low + ci.high).abs() < 1e-9, "{ci:?}");
        assert!(ci.low < 0.0 && ci.high > 0.0);
    }

    #[test]
    fn no_discordant_pairs_still_gives_a_finite_interval() {
        let ci = tango_interval(&counts(5, 0, 0, 5), 0.95).unwrap();
        assert!(ci.low < 0.0 && ci.high > 0.0 && ci.low >= -1.0 && ci.high <= 1.0, "{ci:?}");
        let wider = tango_interval(&counts(1, 0, 0, 1), 0.95).unwrap();
        assert!(wider.high > ci.high, "smaller n must give a wider interval");
    }

    #[test]
    fn all_discordant_one_way_reaches_the_bound() {
        let ci = tango_interval(&counts(0, 9, 0, 0), 0.95).unwrap();
        assert_eq!(ci.high, 1.0);
        assert!(ci.low > 0.0 && ci.low < 1.0, "{ci:?}");
        let ci = tango_interval(&counts(0, 0, 4, 0), 0.95).unwrap();
        assert_eq!(ci.low, -1.0);
    }

    #[test]
    fn empty_table_has_no_interval() {
        assert!(tango_interval(&PairedCounts::default(), 0.95).is_none());
    }

    #[test]
    fn single_item() {
        let ci = tango_interval(&counts(0, 1, 0, 0), 0.95).unwrap();
        assert_eq!(ci.high, 1.0);
        assert!(ci.low >= -1.0 && ci.low < 1.0);
    }
}
