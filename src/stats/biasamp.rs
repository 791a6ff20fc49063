//! Directional bias amplification BiasAmp→ (attribute → task) from per-group paired counts,
//! with a seeded bootstrap interval.

use super::{Interval, PairedCounts};
use crate::rng::SplitMix64;
use rand_distr::{Binomial, Distribution};

/// BiasAmp→ for the direction attribute → task (Wang & Russakovsky 2021, "Directional Bias
/// Amplification", ICML, eq. 2), with the grouping's levels as the attribute A and the metric
/// (label = 1) as the task T; the baseline labels are the reference T and the model's the
/// prediction T̂. One table per level, over items valid on both sides:
///
/// BiasAmp→ = 1/|A| Σ_a [ y_a·Δ_a + (1 − y_a)·(−Δ_a) ], with
/// y_a = 1[P(A=a, T=1) > P(A=a)·P(T=1)] and Δ_a = P(T̂=1 | A=a) − P(T=1 | A=a).
///
/// Positive values mean the model moves each group's rate further in the direction the baseline
/// already leans (amplification); negative values mean it attenuates or reverses it. Using the
/// task T = 0 as well gives the same value (Δ and y flip together), so |T| = 1.
///
/// Edge cases: `None` with fewer than two non-empty levels or no valid pair at all.
pub fn bias_amp(levels: &[PairedCounts]) -> Option<f64> {
    let levels: Vec<&PairedCounts> = levels.iter().filter(|t| t.n() > 0).collect();
    if levels.len() < 2 {
        return None;
    }
    let total: u64 = levels.iter().map(|t| t.n()).sum();
    let base_total: u64 = levels.iter().map(|t| t.baseline_positive()).sum();
    let p_t = base_total as f64 / total as f64;
    let sum: f64 = levels
        .iter()
        .map(|t| {
            let n = t.n() as f64;
            let p_a = n / total as f64;
            let joint = t.baseline_positive() as f64 / total as f64;
            let delta = t.model_positive() as f64 / n - t.baseline_positive() as f64 / n;
            if joint > p_a * p_t {
                delta
            } else {
                -delta
            }
        })
        .sum();
    Some(sum / levels.len() as f64)
}

/// Percentile bootstrap interval (Efron & Tibshirani 1993, ch. 13) for [`bias_amp`], resampling
/// items within each level from its counts: each replicate draws the level's four cells from
/// Multinomial(n, cell shares) (as conditional binomials), so no row is touched.
///
/// Seeded: the same counts, `reps` and `seed` always give the same interval. `None` when the
/// estimate itself is undefined or `reps` is 0.
pub fn bias_amp_bootstrap(
    levels: &[PairedCounts],
    reps: u32,
    seed: u64,
    confidence: f64,
) -> Option<Interval> {
    bias_amp(levels)?;
    if reps == 0 || !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let mut draws: Vec<f64> = (0..reps)
        .filter_map(|_| {
            let resampled: Vec<PairedCounts> = levels.iter().map(|t| resample(t, &mut rng)).collect();
            bias_amp(&resampled)
        })
        .collect();
    if draws.is_empty() {
        return None;
    }
    draws.sort_by(f64::total_cmp);
    let alpha = 1.0 - confidence;
    Some(Interval::new(quantile(&draws, alpha / 2.0), quantile(&draws, 1.0 - alpha / 2.0)))
}

/// One multinomial resample of a table's cells with the same total.
fn resample(t: &PairedCounts, rng: &mut SplitMix64) -> PairedCounts {
    let cells = [t.both, t.model_only, t.baseline_only, t.neither];
    let mut left = t.n();
    let mut remaining_weight = left as f64;
    let mut out = [0u64; 4];
    for (i, &cell) in cells.iter().enumerate() {
        if i == 3 || left == 0 {
            out[i] = left;
            break;
        }
        let p = (cell as f64 / remaining_weight).clamp(0.0, 1.0);
        let k = Binomial::new(left, p).map(|b| b.sample(rng)).unwrap_or(0);
        out[i] = k;
        left -= k;
        remaining_weight -= cell as f64;
    }
    PairedCounts { both: out[0], model_only: out[1], baseline_only: out[2], neither: out[3] }
}

/// Linear-interpolation quantile (type 7, as numpy's default) of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table with the given baseline and model positives among n items (cells chosen so that
    /// both marginals hold; the split between cells does not affect BiasAmp→).
    fn table(n: u64, base: u64, model: u64) -> PairedCounts {
        let both = base.min(model);
        PairedCounts {
            both,
            model_only: model - both,
            baseline_only: base - both,
            neither: n - base.max(model),
        }
    }

    #[test]
    fn hand_worked_example() {
        // Levels F and M, 100 items each. Baseline rates 0.2 / 0.3, so P(T=1) = 0.25;
        // P(F, T=1) = 0.10 < 0.5·0.25 → y_F = 0; P(M, T=1) = 0.15 > 0.125 → y_M = 1.
        // Model rates 0.1 / 0.5: Δ_F = −0.1, Δ_M = +0.2.
        // BiasAmp→ = ½ [ (1 − 0)·(−(−0.1)) + 1·0.2 ] = 0.15.
        let value = bias_amp(&[table(100, 20, 10), table(100, 30, 50)]).unwrap();
        assert!((value - 0.15).abs() < 1e-12, "{value}");
    }

    #[test]
    fn no_amplification_when_the_model_copies_the_baseline() {
        let value = bias_amp(&[table(50, 10, 10), table(80, 40, 40)]).unwrap();
        assert_eq!(value, 0.0);
    }

    #[test]
    fn undefined_with_one_level() {
        assert!(bias_amp(&[table(50, 10, 20)]).is_none());
        assert!(bias_amp(&[table(50, 10, 20), PairedCounts::default()]).is_none());
    }

    #[test]
    fn bootstrap_is_seeded_and_brackets_the_estimate() {
        let levels = [table(400, 80, 40), table(400, 120, 200)];
        let a = bias_amp_bootstrap(&levels, 500, 7, 0.95).unwrap();
        let b = bias_amp_bootstrap(&levels, 500, 7, 0.95).unwrap();
        assert_eq!(a, b, "same seed, same interval");
        let est = bias_amp(&levels).unwrap();
        assert!(a.low < est && est < a.high, "{a:?} {est}");
        let c = bias_amp_bootstrap(&levels, 500, 8, 0.95).unwrap();
        assert_ne!(a, c, "another seed, another resample");
    }

    #[test]
    fn resampling_keeps_the_total() {
        let mut rng = SplitMix64::new(1);
        let t = PairedCounts { both: 5, model_only: 0, baseline_only: 7, neither: 3 };
        for _ in 0..100 {
            let r = resample(&t, &mut rng);
            assert_eq!(r.n(), 15);
            assert_eq!(r.model_only, 0, "an empty cell stays empty");
        }
    }
}
