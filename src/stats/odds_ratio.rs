//! Gap amplification on the log-odds scale: the ratio of odds ratios (ROR).
//!
//! A level's gap to the reference as an odds ratio, OR = odds(p_level)/odds(p_reference), in the
//! model over the same in the baseline: ROR = OR_model / OR_baseline, so
//! log ROR = [logit p_m,L − logit p_b,L] − [logit p_m,R − logit p_b,R]. Near 0 or 1 a difference
//! in percentage points hides or invents amplification; the odds scale does not depend on where
//! the rates sit. The model and the baseline label the same items, so each bracket is a difference
//! of two dependent logits; its delta-method variance (Agresti 2013, *Categorical Data Analysis*,
//! 3rd ed., §16.1) is
//! [1/(p_m q_m) + 1/(p_b q_b) − 2(p₁₁ − p_m p_b)/(p_m q_m p_b q_b)]/n with p₁₁ the share of items
//! both label 1; with independent sides it is Woolf's (1955) 1/a + 1/b + 1/c + 1/d. The level and
//! the reference hold different items, so their variances add. Wald interval on the log scale,
//! exponentiated, and a z test of ROR = 1.
//!
//! With repeated samples an item's value is the mean of its samples, in [0, 1]; the rates are the
//! means of the item values and the same delta method applies with the item-level moments:
//! Var(m̄) = (Σm²/n − m̄²)/n, Cov(m̄, h̄) = (Σmh/n − m̄h̄)/n ([`moments_logit_difference`]), which
//! on 0/1 items is exactly the formula above.

use crate::counts::Moments;
use crate::stats::{z_critical, Interval, PairedCounts};
use statrs::distribution::{ContinuousCDF, Normal};

/// logit(model rate) − logit(baseline rate) on paired items, and its delta-method variance;
/// `None` with no item or a rate of 0 or 1 on either side (a logit is infinite there).
pub fn paired_logit_difference(p: &PairedCounts) -> Option<(f64, f64)> {
    let n = p.n();
    if n == 0 {
        return None;
    }
    let n = n as f64;
    let (pm, pb) = ((p.both + p.model_only) as f64 / n, (p.both + p.baseline_only) as f64 / n);
    if !(pm > 0.0 && pm < 1.0 && pb > 0.0 && pb < 1.0) {
        return None;
    }
    let (vm, vb) = (pm * (1.0 - pm), pb * (1.0 - pb));
    let logit = |x: f64| (x / (1.0 - x)).ln();
    let covariance = p.both as f64 / n - pm * pb;
    let variance = (1.0 / vm + 1.0 / vb - 2.0 * covariance / (vm * vb)) / n;
    Some((logit(pm) - logit(pb), variance.max(0.0)))
}

/// logit(mean model value) − logit(mean baseline value) over paired items with values in [0, 1]
/// (repeated samples), and its delta-method variance from the item-level moments; `None` with
/// no item or a mean of 0 or 1 on either side.
pub fn moments_logit_difference(m: &Moments) -> Option<(f64, f64)> {
    if m.n == 0 {
        return None;
    }
    let n = m.n as f64;
    let (pm, pb) = (m.model() / n, m.baseline() / n);
    if !(pm > 0.0 && pm < 1.0 && pb > 0.0 && pb < 1.0) {
        return None;
    }
    let var_m = (m.model_sq() / n - pm * pm).max(0.0);
    let var_b = (m.baseline_sq() / n - pb * pb).max(0.0);
    let covariance = crate::counts::units(m.sum_cross) / n - pm * pb;
    let (gm, gb) = (pm * (1.0 - pm), pb * (1.0 - pb));
    let variance = (var_m / (gm * gm) + var_b / (gb * gb) - 2.0 * covariance / (gm * gb)) / n;
    let logit = |x: f64| (x / (1.0 - x)).ln();
    Some((logit(pm) - logit(pb), variance.max(0.0)))
}

/// The ratio of odds ratios of a level against the reference (model over baseline), its
/// interval and the two-sided p-value of ROR = 1; `None` when a logit is undefined or the
/// variance is 0.
pub fn ratio_of_odds_ratios(
    level: &PairedCounts,
    reference: &PairedCounts,
    confidence: f64,
) -> Option<(f64, Interval, f64)> {
    ratio_of_logit_differences(
        paired_logit_difference(level)?,
        paired_logit_difference(reference)?,
        confidence,
    )
}

/// [`ratio_of_odds_ratios`] from the level's and the reference's logit differences and their
/// variances (from [`paired_logit_difference`] or [`moments_logit_difference`]).
pub fn ratio_of_logit_differences(
    (d_level, v_level): (f64, f64),
    (d_reference, v_reference): (f64, f64),
    confidence: f64,
) -> Option<(f64, Interval, f64)> {
    let (log_ror, se) = (d_level - d_reference, (v_level + v_reference).sqrt());
    if se <= 0.0 || !se.is_finite() {
        return None;
    }
    let z = z_critical(confidence)?;
    let p = 2.0 * (1.0 - Normal::standard().cdf((log_ror / se).abs()));
    let interval = Interval::new((log_ror - z * se).exp(), (log_ror + z * se).exp());
    Some((log_ror.exp(), interval, p.clamp(0.0, 1.0)))
}

/// The parts of a clustered log ROR: the level's and the reference's item sums in each cluster
/// (either may be empty), and each level's items without a cluster (each its own cluster).
#[derive(Debug, Clone, Default)]
pub struct RorClusters {
    /// Per cluster: (its items in the level, its items in the reference).
    pub clusters: Vec<(Moments, Moments)>,
    /// The level's and the reference's items without a cluster.
    pub singles: (Moments, Moments),
}

/// The cluster-robust log ROR: the delta-method (influence) variance summed by cluster, with
/// the CR1 factor G/(G−1)·(N−1)/(N−K) of the equivalent saturated logistic regression on the
/// stacked labels (N = 2 rows per item, K = 4: level × side), and t with G − 1 df (Cameron &
/// Miller 2015; statsmodels' `Logit(...).fit(cov_type="cluster", use_t=True)` gives the same).
///
/// An item i of the level contributes ψ_i = (m_i − p_m)/(n p_m q_m) − (b_i − p_b)/(n p_b q_b)
/// (n, p of its level), one of the reference −ψ_i with the reference's n, p: linear in the item
/// values, so a cluster's Σψ and the unclustered items' Σψ² follow from their sums.
///
/// Returns the estimate on the log scale with its interval and test, and the CR1 standard
/// error; `None` when a rate is 0 or 1 (a logit is infinite), with fewer than 2 clusters, or
/// with no variance.
pub fn cr1_log_ror(
    level: &Moments,
    reference: &Moments,
    parts: &RorClusters,
    confidence: f64,
) -> Option<(crate::stats::ttest::TEstimate, f64, u64)> {
    let (dl, _) = moments_logit_difference(level)?;
    let (dr, _) = moments_logit_difference(reference)?;
    let weights = |m: &Moments| {
        let n = m.n as f64;
        let (pm, pb) = (m.model() / n, m.baseline() / n);
        (pm, pb, 1.0 / (n * pm * (1.0 - pm)), 1.0 / (n * pb * (1.0 - pb)))
    };
    let (wl, wr) = (weights(level), weights(reference));
    // Σψ over a part, and Σψ² over its items when each is its own cluster.
    let sum = |t: &Moments, (pm, pb, a, b): (f64, f64, f64, f64)| {
        a * (t.model() - t.n as f64 * pm) - b * (t.baseline() - t.n as f64 * pb)
    };
    let sum_sq = |t: &Moments, (pm, pb, a, b): (f64, f64, f64, f64)| {
        let n = t.n as f64;
        let mm = t.model_sq() - 2.0 * pm * t.model() + n * pm * pm;
        let bb = t.baseline_sq() - 2.0 * pb * t.baseline() + n * pb * pb;
        let mb = crate::counts::units(t.sum_cross) - pm * t.baseline() - pb * t.model() + n * pm * pb;
        (a * a * mm + b * b * bb - 2.0 * a * b * mb).max(0.0)
    };
    let mut meat: f64 = parts.clusters.iter().map(|(l, r)| (sum(l, wl) - sum(r, wr)).powi(2)).sum();
    meat += sum_sq(&parts.singles.0, wl) + sum_sq(&parts.singles.1, wr);
    let g = parts.clusters.len() as u64 + parts.singles.0.n + parts.singles.1.n;
    if g < 2 || meat <= 0.0 || !meat.is_finite() {
        return None; // no variation between clusters: no clustered test (as without clusters)
    }
    let rows = 2.0 * (level.n + reference.n) as f64;
    let (g_f, k) = (g as f64, 4.0);
    let se = (g_f / (g_f - 1.0) * (rows - 1.0) / (rows - k) * meat).sqrt();
    let test = crate::stats::ttest::t_estimate(dl - dr, se, g_f - 1.0, confidence)?;
    Some((test, se, g))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn counts(both: u64, model_only: u64, baseline_only: u64, neither: u64) -> PairedCounts {
        PairedCounts { both, model_only, baseline_only, neither }
    }

    #[test]
    fn independent_sides_give_woolfs_variance() {
        // p_m = 0.4, p_b = 0.5, p₁₁ = 0.2 = p_m·p_b on n = 100: the covariance term vanishes and
        // the variance is Woolf's for each side: (1/40 + 1/60) + (1/50 + 1/50).
        let (d, v) = paired_logit_difference(&counts(20, 20, 30, 30)).unwrap();
        assert!((d - ((0.4f64 / 0.6).ln() - 0.0)).abs() < 1e-15);
        assert!((v - (1.0 / 40.0 + 1.0 / 60.0 + 1.0 / 50.0 + 1.0 / 50.0)).abs() < 1e-15);
    }

    #[test]
    fn the_ratio_matches_a_hand_computation() {
        // Level: p_m = 0.6, p_b = 0.3, p₁₁ = 0.25 (n = 200); reference: p_m = 0.35, p_b = 0.3,
        // p₁₁ = 0.2 (n = 100). Hand (Python 3.11, math.log/exp/erfc):
        // log ROR = (logit .6 − logit .3) − (logit .35 − logit .3) = logit .6 − logit .35
        // = 1.024504316514388, var = 0.030753968253968 + 0.051805337519623 = 0.082559305773591,
        // ROR = 2.785714285714286, p = erfc(|log ROR|/√var/√2) = 0.00036304567153974.
        let level = counts(50, 70, 10, 70);
        let reference = counts(20, 15, 10, 55);
        let (ror, ci, p) = ratio_of_odds_ratios(&level, &reference, 0.95).unwrap();
        assert!((ror - 2.785_714_285_714_286).abs() < 1e-12, "{ror}");
        let var_level: f64 = (1.0 / 0.24 + 1.0 / 0.21 - 2.0 * (0.25 - 0.18) / (0.24 * 0.21)) / 200.0;
        let var_ref: f64 =
            (1.0 / (0.35 * 0.65) + 1.0 / 0.21 - 2.0 * (0.2 - 0.105) / (0.35 * 0.65 * 0.21)) / 100.0;
        let se = (var_level + var_ref).sqrt();
        assert!((ci.low - (ror.ln() - 1.959_963_984_540_054 * se).exp()).abs() < 1e-12);
        assert!((ci.high - (ror.ln() + 1.959_963_984_540_054 * se).exp()).abs() < 1e-12);
        assert!((var_level + var_ref - 0.082_559_305_773_591_47).abs() < 1e-15, "{}", var_level + var_ref);
        assert!((p - 0.000_363_045_671_539_736_46).abs() < 1e-13, "{p}");
    }

    #[test]
    fn moments_of_binary_items_give_the_paired_formula() {
        for c in [counts(20, 20, 30, 30), counts(50, 70, 10, 70), counts(3, 1, 2, 9)] {
            let (d, v) = paired_logit_difference(&c).unwrap();
            let (dm, vm) = moments_logit_difference(&Moments::of_pairs(&c)).unwrap();
            assert!((d - dm).abs() < 1e-12 && (v - vm).abs() < 1e-12, "{c:?}: {d} {v} vs {dm} {vm}");
        }
    }

    #[test]
    fn fractional_items_match_a_hand_computation() {
        // Four items with sample means m = (0.2, 0.6, 1.0, 0.4), h = (0.0, 0.4, 0.8, 0.4):
        // m̄ = 0.55, h̄ = 0.4; Var(m̄) = (Σm²/n − m̄²)/n = (0.39 − 0.3025)/4 = 0.021875,
        // Var(h̄) = (0.24 − 0.16)/4 = 0.02, Cov = (Σmh/n − m̄h̄)/n = (0.3 − 0.22)/4 = 0.02;
        // g_m = 0.2475, g_b = 0.24: v = 0.021875/g_m² + 0.02/g_b² − 2·0.02/(g_m·g_b)
        // = 0.357106... + 0.347222... − 0.673400... (Python 3.11: 0.030927966534026963).
        let u = |x: f64| crate::counts::to_units(x);
        let (m, h) = ([0.2, 0.6, 1.0, 0.4], [0.0, 0.4, 0.8, 0.4]);
        let sum = |f: &dyn Fn(usize) -> f64| (0..4).map(|i| u(f(i))).sum::<u64>();
        let moments = Moments {
            n: 4,
            sum_model: sum(&|i| m[i]),
            sum_baseline: sum(&|i| h[i]),
            sum_model_sq: sum(&|i| m[i] * m[i]),
            sum_baseline_sq: sum(&|i| h[i] * h[i]),
            sum_cross: sum(&|i| m[i] * h[i]),
        };
        let (d, v) = moments_logit_difference(&moments).unwrap();
        let logit = |x: f64| (x / (1.0 - x)).ln();
        assert!((d - (logit(0.55) - logit(0.4))).abs() < 1e-8, "{d}");
        assert!((v - 0.030927966534026963).abs() < 1e-8, "{v}");
    }

    #[test]
    fn edge_cases_are_defined() {
        assert!(paired_logit_difference(&counts(0, 0, 0, 0)).is_none(), "no item");
        assert!(paired_logit_difference(&counts(10, 0, 0, 0)).is_none(), "all 1");
        assert!(paired_logit_difference(&counts(0, 0, 5, 5)).is_none(), "the model never says 1");
        assert!(ratio_of_odds_ratios(&counts(10, 0, 0, 0), &counts(5, 5, 5, 5), 0.95).is_none());
    }

    #[test]
    fn the_interval_covers_by_simulation() {
        // Two levels of 300 items; the baseline says 1 with 0.3 (level) and 0.3 (reference), the
        // model with 0.5 and 0.35, each item's labels correlated through a shared difficulty.
        // True ROR from the marginal rates: (0.5/0.5)/(0.3/0.7) ÷ (0.35/0.65)/(0.3/0.7).
        let truth = (1.0f64 / (0.3 / 0.7)) / ((0.35 / 0.65) / (0.3 / 0.7));
        let mut rng = SplitMix64::new(99);
        let (reps, mut covered, mut tested) = (2000, 0, 0);
        for _ in 0..reps {
            let mut tables = [counts(0, 0, 0, 0), counts(0, 0, 0, 0)];
            for (k, (pm, pb)) in [(0.5, 0.3), (0.35, 0.3)].into_iter().enumerate() {
                for _ in 0..300 {
                    let shift = if rng.bernoulli(0.5) { 0.1 } else { -0.1 };
                    let (m, b) = (rng.bernoulli(pm + shift), rng.bernoulli(pb + shift));
                    let t = &mut tables[k];
                    match (m, b) {
                        (true, true) => t.both += 1,
                        (true, false) => t.model_only += 1,
                        (false, true) => t.baseline_only += 1,
                        (false, false) => t.neither += 1,
                    }
                }
            }
            if let Some((_, ci, _)) = ratio_of_odds_ratios(&tables[0], &tables[1], 0.95) {
                tested += 1;
                covered += usize::from(ci.low <= truth && truth <= ci.high);
            }
        }
        assert_eq!(tested, reps);
        let coverage = covered as f64 / reps as f64;
        assert!((0.93..=0.97).contains(&coverage), "coverage {coverage}");
    }

    /// Repeated samples: the model's item value is the mean of 5 samples of its item's
    /// propensity, the baseline's one label; both depend on a shared item difficulty. The true
    /// ROR is that of the population means (0.5, 0.3 in the level; 0.35, 0.3 in the reference).
    #[test]
    fn the_interval_covers_with_fractional_items_by_simulation() {
        let truth = (1.0f64 / (0.3 / 0.7)) / ((0.35 / 0.65) / (0.3 / 0.7));
        let u = crate::counts::to_units;
        let mut rng = SplitMix64::new(2028);
        let (reps, mut covered) = (2000, 0);
        for _ in 0..reps {
            let mut sides = [None, None];
            for (k, (pm, pb)) in [(0.5, 0.3), (0.35, 0.3)].into_iter().enumerate() {
                let mut m = Moments {
                    n: 300,
                    sum_model: 0,
                    sum_baseline: 0,
                    sum_model_sq: 0,
                    sum_baseline_sq: 0,
                    sum_cross: 0,
                };
                for _ in 0..300 {
                    let shift = 0.2 * (rng.uniform() - 0.5);
                    let value = (0..5).filter(|_| rng.bernoulli(pm + shift)).count() as f64 / 5.0;
                    let label = f64::from(u8::from(rng.bernoulli(pb + shift)));
                    m.sum_model += u(value);
                    m.sum_model_sq += u(value * value);
                    m.sum_baseline += u(label);
                    m.sum_baseline_sq += u(label);
                    m.sum_cross += u(value * label);
                }
                sides[k] = moments_logit_difference(&m);
            }
            let (level, reference) = (sides[0].unwrap(), sides[1].unwrap());
            let (_, ci, _) = ratio_of_logit_differences(level, reference, 0.95).unwrap();
            covered += usize::from(ci.low <= truth && truth <= ci.high);
        }
        let coverage = covered as f64 / reps as f64;
        assert!((0.93..=0.97).contains(&coverage), "coverage {coverage}");
    }
}
