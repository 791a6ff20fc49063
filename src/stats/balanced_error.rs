//! The balanced error rate against a truth, BER = (FNR + FPR)/2: the mean of the miss rate on the
//! truth-positive items and the false-alarm rate on the truth-negative items, so that a source
//! cannot look good by answering one way (Youden's index J = 1 − FNR − FPR = 1 − 2·BER orders
//! sources the same way; Youden 1950, *Cancer* 3:32–35).
//!
//! - One source's BER: the interval by MOVER (Zou & Donner 2008, *Stat Med* 27:1693–1702, eq. 6
//!   for a sum) from the Wilson intervals of FNR and FPR, which are independent (disjoint items).
//! - The paired difference of two sources' BERs on the same items: ΔBER = (ΔFNR + ΔFPR)/2, each a
//!   difference of dependent proportions on its own items, with the Wald variance
//!   [(b + c)/n − Δ²]/n (Agresti 2013, *Categorical Data Analysis*, 3rd ed., §11.1.1); the two
//!   are independent, so the variances add: Var ΔBER = (V₁ + V₂)/4. Wald interval and z test.

use crate::counts::Moments;
use crate::stats::{z_critical, Interval, PairedCounts};
use statrs::distribution::{ContinuousCDF, Normal};

/// The interval of FNR + FPR from the two rates and their intervals (MOVER for a sum), halved:
/// the interval of the balanced error rate, inside [0, 1].
pub fn ber_interval(fnr: f64, fnr_ci: Interval, fpr: f64, fpr_ci: Interval) -> Interval {
    let sum = fnr + fpr;
    let low = sum - ((fnr - fnr_ci.low).powi(2) + (fpr - fpr_ci.low).powi(2)).sqrt();
    let high = sum + ((fnr_ci.high - fnr).powi(2) + (fpr_ci.high - fpr).powi(2)).sqrt();
    Interval::new((low / 2.0).clamp(0.0, 1.0), (high / 2.0).clamp(0.0, 1.0))
}

/// A paired difference of error rates on `n` items: `worse` items where only the model errs,
/// `better` where only the other source errs. Returns (Δ, Wald variance of Δ).
fn paired_error_difference(worse: u64, better: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let n = n as f64;
    let d = (worse as f64 - better as f64) / n;
    let variance = (((worse + better) as f64 / n) - d * d).max(0.0) / n;
    Some((d, variance))
}

/// Model − other source in balanced error rate, paired on the same items: `positives` are the
/// paired labels (1 = judged positive) on the truth-positive items, `negatives` on the
/// truth-negative items, with the model as `model_*` and the other source as `baseline_*`.
/// Returns (ΔBER, Wald interval clipped to [−1, 1], two-sided p-value).
///
/// `None` when either truth value has no paired item, or when the variance is 0 with a non-zero
/// difference (every discordant pair one way: the Wald test has nothing to say). Identical answers
/// (no discordant pair) give Δ = 0 with the interval [0, 0] and p = 1.
pub fn paired_ber_difference(
    positives: &PairedCounts,
    negatives: &PairedCounts,
    confidence: f64,
) -> Option<(f64, Interval, f64)> {
    // A miss is a 0 on a truth-positive item: the model alone misses where the other says 1.
    let misses = paired_error_difference(positives.baseline_only, positives.model_only, positives.n())?;
    // A false alarm is a 1 on a truth-negative item.
    let alarms = paired_error_difference(negatives.model_only, negatives.baseline_only, negatives.n())?;
    let discordant =
        positives.model_only + positives.baseline_only + negatives.model_only + negatives.baseline_only;
    ber_test(misses, alarms, discordant > 0, confidence)
}

/// [`paired_ber_difference`] with item-level values (repeated samples: each item's mean of its
/// samples, model as `m`, the other source as `h`): ΔFNR is minus the mean item difference on the
/// truth-positive items, ΔFPR the mean item difference on the truth-negative items, each with
/// the Wald variance (Σd²/n − d̄²)/n; on 0/1 items exactly the 2×2 form.
pub fn moments_ber_difference(
    positives: &Moments,
    negatives: &Moments,
    confidence: f64,
) -> Option<(f64, Interval, f64)> {
    let difference = |m: &Moments, sign: f64| {
        (m.n > 0).then(|| {
            let n = m.n as f64;
            let (sum, sum_sq) = m.difference_sums();
            let d = sum / n;
            (sign * d, ((sum_sq / n) - d * d).max(0.0) / n, sum_sq > 0.0)
        })
    };
    let (d1, v1, a) = difference(positives, -1.0)?;
    let (d2, v2, b) = difference(negatives, 1.0)?;
    ber_test((d1, v1), (d2, v2), a || b, confidence)
}

/// ΔBER = (ΔFNR + ΔFPR)/2 from the two differences and their variances (disjoint items: the
/// variances add), with its Wald interval and test; Δ = 0, [0, 0], p = 1 when no item differs.
fn ber_test(
    (d1, v1): (f64, f64),
    (d2, v2): (f64, f64),
    differs: bool,
    confidence: f64,
) -> Option<(f64, Interval, f64)> {
    let (d, variance) = ((d1 + d2) / 2.0, (v1 + v2) / 4.0);
    if !differs {
        return Some((0.0, Interval::new(0.0, 0.0), 1.0));
    }
    if variance <= 0.0 {
        return None;
    }
    let (z, se) = (z_critical(confidence)?, variance.sqrt());
    let interval = Interval::new((d - z * se).max(-1.0), (d + z * se).min(1.0));
    let p = 2.0 * (1.0 - Normal::standard().cdf((d / se).abs()));
    Some((d, interval, p.clamp(0.0, 1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn counts(both: u64, model_only: u64, baseline_only: u64, neither: u64) -> PairedCounts {
        PairedCounts { both, model_only, baseline_only, neither }
    }

    #[test]
    fn mover_adds_the_distances_to_the_bounds_in_quadrature() {
        // FNR 0.2 [0.1, 0.35], FPR 0.1 [0.05, 0.2] (hand): low = 0.3 − √(0.01 + 0.0025),
        // high = 0.3 + √(0.0225 + 0.01), both halved.
        let ci = ber_interval(0.2, Interval::new(0.1, 0.35), 0.1, Interval::new(0.05, 0.2));
        assert!((ci.low - (0.3 - 0.0125f64.sqrt()) / 2.0).abs() < 1e-15);
        assert!((ci.high - (0.3 + 0.0325f64.sqrt()) / 2.0).abs() < 1e-15);
        // Rates at 0 stay at 0.
        let zero = ber_interval(0.0, Interval::new(0.0, 0.1), 0.0, Interval::new(0.0, 0.1));
        assert_eq!(zero.low, 0.0);
    }

    #[test]
    fn the_paired_difference_matches_a_hand_computation() {
        // Truth-positive items (n = 100): the model alone misses 12 (baseline_only: the other
        // says 1, the model 0), the other alone 4. Truth-negative (n = 80): the model alone
        // raises 10 false alarms, the other 2.
        let pos = counts(70, 4, 12, 14);
        let neg = counts(5, 10, 2, 63);
        let (d, ci, p) = paired_ber_difference(&pos, &neg, 0.95).unwrap();
        let (d1, d2) = (8.0 / 100.0, 8.0 / 80.0);
        let v1 = (16.0 / 100.0 - d1 * d1) / 100.0;
        let v2 = (12.0 / 80.0 - d2 * d2) / 80.0;
        let se = ((v1 + v2) / 4.0f64).sqrt();
        assert!((d - 0.09).abs() < 1e-15);
        assert!((ci.low - (0.09 - 1.959963984540054 * se)).abs() < 1e-12);
        assert!((ci.high - (0.09 + 1.959963984540054 * se)).abs() < 1e-12);
        // se = 0.028661821295933, z = 3.1400656319342, two-sided p = erfc(z/√2) = 0.0016890998820
        // (Python 3.11: math.sqrt and math.erfc, independent of statrs).
        assert!((se - 0.028_661_821_295_933).abs() < 1e-14, "{se}");
        assert!((p - 0.001_689_099_882_043).abs() < 1e-12, "{p}");
    }

    #[test]
    fn moments_of_binary_items_give_the_2x2_form() {
        let (pos, neg) = (counts(40, 6, 15, 9), counts(5, 12, 3, 60));
        let a = paired_ber_difference(&pos, &neg, 0.95).unwrap();
        let b = moments_ber_difference(&Moments::of_pairs(&pos), &Moments::of_pairs(&neg), 0.95).unwrap();
        assert!((a.0 - b.0).abs() < 1e-12 && (a.2 - b.2).abs() < 1e-12, "{a:?} {b:?}");
        assert!((a.1.low - b.1.low).abs() < 1e-12 && (a.1.high - b.1.high).abs() < 1e-12);
        let same = Moments::of_pairs(&counts(10, 0, 0, 5));
        assert_eq!(moments_ber_difference(&same, &same, 0.95), Some((0.0, Interval::new(0.0, 0.0), 1.0)));
    }

    #[test]
    fn edge_cases_are_defined() {
        let none = counts(0, 0, 0, 0);
        let some = counts(3, 1, 2, 4);
        assert!(paired_ber_difference(&none, &some, 0.95).is_none(), "no truth-positive item");
        let same = paired_ber_difference(&counts(5, 0, 0, 5), &counts(2, 0, 0, 8), 0.95).unwrap();
        assert_eq!(same, (0.0, Interval::new(0.0, 0.0), 1.0));
        // Every discordant pair one way and nothing else: variance 0, no Wald test.
        assert!(paired_ber_difference(&counts(0, 0, 4, 0), &counts(0, 4, 0, 0), 0.95).is_none());
    }

    #[test]
    fn the_interval_covers_by_simulation() {
        // 200 truth-positive and 200 truth-negative items; the model and the other source err
        // with correlated errors; true ΔBER = ((0.30 − 0.20) + (0.15 − 0.10)) / 2 = 0.075.
        let mut rng = SplitMix64::new(2024);
        let (reps, mut covered) = (2000, 0);
        for _ in 0..reps {
            let mut tables = [counts(0, 0, 0, 0), counts(0, 0, 0, 0)];
            for (k, (p_model, p_other)) in [(0.30, 0.20), (0.15, 0.10)].into_iter().enumerate() {
                for _ in 0..200 {
                    // Shared difficulty makes the two sources' errors correlated.
                    let hard = rng.bernoulli(0.5);
                    let shift = if hard { 0.08 } else { -0.08 };
                    let model_errs = rng.bernoulli(p_model + shift);
                    let other_errs = rng.bernoulli(p_other + shift);
                    // Positives: an error is a 0; negatives: an error is a 1.
                    let (m, o) = if k == 0 { (!model_errs, !other_errs) } else { (model_errs, other_errs) };
                    let t = &mut tables[k];
                    match (m, o) {
                        (true, true) => t.both += 1,
                        (true, false) => t.model_only += 1,
                        (false, true) => t.baseline_only += 1,
                        (false, false) => t.neither += 1,
                    }
                }
            }
            let (_, ci, _) = paired_ber_difference(&tables[0], &tables[1], 0.95).unwrap();
            covered += usize::from(ci.low <= 0.075 && 0.075 <= ci.high);
        }
        let coverage = covered as f64 / reps as f64;
        assert!((0.93..=0.97).contains(&coverage), "coverage {coverage}");
    }
}
