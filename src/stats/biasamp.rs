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

/// One resampling unit of the cluster bootstrap: a cluster's table in each level (in the order
/// [`bias_amp`] is given the levels), or `copies` identical units given once (the items without
/// a cluster: one item each, grouped by level and cell).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterTables {
    /// The unit's table per level.
    pub levels: Vec<PairedCounts>,
    /// How many identical units this stands for.
    pub copies: u64,
}

/// Percentile bootstrap for [`bias_amp`] when items come in clusters that may span levels: each
/// replicate draws G units with replacement from the G clusters (the pairs cluster bootstrap;
/// Cameron, Gelbach & Miller 2008, *Rev Econ Stat* 90:414–427, §II.A; Field & Welsh 2007, *JRSS
/// B* 69:369–390) and sums their tables per level. The draw is one multinomial over the units (as
/// conditional binomials), so units given with `copies` cost one draw, not one per copy.
///
/// Seeded as [`bias_amp_bootstrap`]. `None` when the estimate from all units is undefined, with
/// fewer than two units, or `reps` is 0.
pub fn bias_amp_cluster_bootstrap(
    units: &[ClusterTables],
    reps: u32,
    seed: u64,
    confidence: f64,
) -> Option<Interval> {
    let width = units.first()?.levels.len();
    let total = |draws: &[u64]| {
        let mut out = vec![PairedCounts::default(); width];
        for (u, &k) in units.iter().zip(draws).filter(|(_, &k)| k > 0) {
            for (t, l) in out.iter_mut().zip(&u.levels) {
                *t += scaled(l, k);
            }
        }
        out
    };
    let g: u64 = units.iter().map(|u| u.copies).sum();
    let copies: Vec<u64> = units.iter().map(|u| u.copies).collect();
    bias_amp(&total(&copies))?;
    if g < 2 || reps == 0 || !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let mut draws: Vec<f64> =
        (0..reps).filter_map(|_| bias_amp(&total(&multinomial(&copies, g, &mut rng)))).collect();
    if draws.is_empty() {
        return None;
    }
    draws.sort_by(f64::total_cmp);
    let alpha = 1.0 - confidence;
    Some(Interval::new(quantile(&draws, alpha / 2.0), quantile(&draws, 1.0 - alpha / 2.0)))
}

/// A table's cells times `k` (a unit drawn `k` times).
fn scaled(t: &PairedCounts, k: u64) -> PairedCounts {
    PairedCounts {
        both: k * t.both,
        model_only: k * t.model_only,
        baseline_only: k * t.baseline_only,
        neither: k * t.neither,
    }
}

/// `n` draws with replacement over categories of the given weights, as counts per category
/// (conditional binomials: category i gets Binomial(left, w_i / remaining weight)).
fn multinomial(weights: &[u64], n: u64, rng: &mut SplitMix64) -> Vec<u64> {
    let mut left = n;
    let mut remaining: u64 = weights.iter().sum();
    weights
        .iter()
        .map(|&w| {
            if left == 0 || remaining == 0 {
                return 0;
            }
            let p = (w as f64 / remaining as f64).clamp(0.0, 1.0);
            let k = if w == remaining {
                left
            } else {
                Binomial::new(left, p).map(|b| b.sample(rng)).unwrap_or(0)
            };
            left -= k;
            remaining -= w;
            k
        })
        .collect()
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

    /// One item's table (its baseline and model labels).
    fn item(b: bool, m: bool) -> PairedCounts {
        table(1, u64::from(b), u64::from(m))
    }

    #[test]
    fn the_cluster_bootstrap_sums_the_units_and_is_seeded() {
        // Two clusters spanning both levels and a group of identical singletons.
        let units = vec![
            ClusterTables { levels: vec![table(10, 2, 1), table(5, 3, 4)], copies: 1 },
            ClusterTables { levels: vec![table(8, 1, 1), table(12, 6, 9)], copies: 1 },
            ClusterTables { levels: vec![item(false, true), PairedCounts::default()], copies: 30 },
        ];
        let whole = [table(18, 3, 2) + scaled(&item(false, true), 30), table(17, 9, 13)];
        let a = bias_amp_cluster_bootstrap(&units, 400, 3, 0.95).unwrap();
        assert_eq!(Some(a), bias_amp_cluster_bootstrap(&units, 400, 3, 0.95), "seeded");
        let est = bias_amp(&whole).unwrap();
        assert!(a.low <= est && est <= a.high, "{a:?} {est}");
        assert!(bias_amp_cluster_bootstrap(&units[..1], 400, 3, 0.95).is_none(), "one cluster");
        let mut rng = SplitMix64::new(9);
        for _ in 0..200 {
            let k = multinomial(&[1, 1, 30], 32, &mut rng);
            assert_eq!(k.iter().sum::<u64>(), 32);
        }
    }

    /// Coverage by seeded simulation: 30 clusters of 20–60 items, each cluster mostly (90%) in
    /// one of two levels; baseline rates 0.3 / 0.6, the model's 0.3 / 0.7 plus a cluster effect
    /// v ~ U(−0.25, 0.25) shared by the cluster's items. True BiasAmp→ = ½(0.1 − 0) = 0.05.
    /// Seen: the cluster bootstrap's 95% interval covers it in 92.75% of 400 runs, the item
    /// bootstrap's in 79.75%.
    #[test]
    fn the_cluster_bootstrap_covers_where_the_item_bootstrap_does_not() {
        let mut rng = SplitMix64::new(2026);
        let (sims, reps) = (400, 300);
        let (mut cluster_hits, mut item_hits) = (0, 0);
        for sim in 0..sims {
            let mut units = Vec::new();
            for g in 0..30u64 {
                let v = rng.uniform() * 0.5 - 0.25;
                let mut levels = vec![PairedCounts::default(); 2];
                for _ in 0..20 + rng.below(41) {
                    let level = if rng.bernoulli(0.9) { g % 2 } else { 1 - g % 2 } as usize;
                    let p = [0.3, 0.6][level];
                    let b = rng.bernoulli(p);
                    let m = rng.bernoulli(p + [0.0, 0.1][level] + v);
                    levels[level] += item(b, m);
                }
                units.push(ClusterTables { levels, copies: 1 });
            }
            let whole: Vec<PairedCounts> =
                (0..2).map(|l| units.iter().fold(PairedCounts::default(), |t, u| t + u.levels[l])).collect();
            let covers = |i: Option<Interval>| i.is_some_and(|i| i.low <= 0.05 && 0.05 <= i.high);
            cluster_hits += u32::from(covers(bias_amp_cluster_bootstrap(&units, reps, sim, 0.95)));
            item_hits += u32::from(covers(bias_amp_bootstrap(&whole, reps, sim, 0.95)));
        }
        let (cluster, items) = (f64::from(cluster_hits) / sims as f64, f64::from(item_hits) / sims as f64);
        eprintln!("coverage: cluster bootstrap {cluster}, item bootstrap {items}");
        assert!(cluster >= 0.9, "cluster bootstrap coverage {cluster}");
        assert!(items < 0.85, "the item bootstrap should under-cover here: {items}");
    }
}
