//! The comparison of sources on the same items. **Bootstrap** (Efron & Tibshirani 1993, ch. 13):
//! each replicate draws the items with replacement (one resample for every source), re-fits
//! every source's attackers on it, started from the full fits (an item's copies stay in its
//! fold, so no copy is predicted by a model trained on another) and records each source's
//! measures on the resample; intervals are normal bootstrap intervals, θ̂ ± z·SE*. Re-fitting matters: the
//! out-of-fold predictions of one item depend on the others' labels, and a bootstrap of the
//! predictions alone under-covers (see the tests). **Permutation**: under "an item's two texts are exchangeable",
//! each replicate swaps the baseline's and the model's text of each item with probability ½,
//! re-fits both attackers and records the difference of the out-of-fold measures;
//! p = (1 + #{|d*| ≥ |d|}) / (1 + replicates).

use super::super::logistic::SparseRows;
use super::{measure, stratified_folds, Attack, CrossFit, Measure};
use crate::rng::SplitMix64;

/// Bootstrap draws: per replicate, per source, each of [`Measure::ALL`] (`None` where undefined,
/// e.g. a resample without a level).
pub type Draws = Vec<Vec<[Option<f64>; 2]>>;

/// Every source's measures on `replicates` bootstrap resamples of the items (one resample for
/// every source per replicate), the attackers re-fitted from `fits` on each.
pub fn bootstrap(
    attack: &Attack,
    sources: &[(&SparseRows, &CrossFit)],
    (replicates, seed): (usize, u64),
) -> Draws {
    let n = attack.levels.len();
    (0..replicates)
        .map(|b| {
            let mut rng = SplitMix64::stream(seed, b as u64);
            let mut weight = vec![0u32; n];
            (0..n).for_each(|_| weight[rng.below(n)] += 1);
            let folds = stratified_folds(attack.levels, attack.classes, attack.k, rng.next_u64());
            let attack = Attack { folds: &folds, ..*attack };
            sources
                .iter()
                .map(|(x, fit)| {
                    let probs = attack.refit(x, &weight, fit);
                    Measure::ALL.map(|m| measure(m, &probs, attack.levels, attack.classes, &weight))
                })
                .collect()
        })
        .collect()
}

/// The normal bootstrap interval θ̂ ± z·SE*, SE* the standard deviation of the draws (Efron &
/// Tibshirani 1993, eq. 13.5). Centred on the estimate on purpose: the attackers of a resample,
/// trained on about 63% distinct items, leak less than the full one, so the draws sit below θ̂;
/// percentile intervals would inherit that shift and basic (reflected) ones overcorrect it, and
/// either can leave out θ̂ when the spread is small (100k items). `None` with fewer than 2 draws.
pub fn normal_interval(draws: &[f64], estimate: f64, confidence: f64) -> Option<(f64, f64)> {
    if draws.len() < 2 {
        return None;
    }
    let n = draws.len() as f64;
    let mean = draws.iter().sum::<f64>() / n;
    let se = (draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let z = super::super::z_critical(confidence)?;
    Some((estimate - z * se, estimate + z * se))
}

/// The permutation p-value of `observed` (model − baseline, per [`Measure::ALL`], over the
/// out-of-fold predictions of `attack`'s folds); `None` per measure without replicates or value.
pub fn permutation_p(
    attack: &Attack,
    baseline: (&SparseRows, &CrossFit),
    model: (&SparseRows, &CrossFit),
    (permutations, seed): (usize, u64),
) -> [Option<f64>; 2] {
    if permutations == 0 {
        return [None, None];
    }
    let ones = vec![1u32; attack.levels.len()];
    let value = |m: Measure, probs: &[Vec<f64>]| measure(m, probs, attack.levels, attack.classes, &ones);
    let observed = Measure::ALL.map(|m| Some(value(m, &model.1.probs)? - value(m, &baseline.1.probs)?));
    let mut extreme = [0usize; 2];
    for b in 0..permutations {
        let mut rng = SplitMix64::stream(seed ^ (1 << 62), b as u64);
        let swap: Vec<bool> = (0..attack.levels.len()).map(|_| rng.bernoulli(0.5)).collect();
        let pa = attack.refit(&mix(baseline.0, model.0, &swap, false), &ones, baseline.1);
        let pb = attack.refit(&mix(baseline.0, model.0, &swap, true), &ones, model.1);
        for (j, m) in Measure::ALL.into_iter().enumerate() {
            let d = value(m, &pb).zip(value(m, &pa)).map(|(b, a)| b - a);
            if let (Some(d), Some(o)) = (d, observed[j]) {
                if d.abs() >= o.abs() - 1e-12 {
                    extreme[j] += 1;
                }
            }
        }
    }
    [0, 1].map(|j| observed[j].map(|_| (1 + extreme[j]) as f64 / (1 + permutations) as f64))
}

/// Rows from `a` or `b` per item: item i from `b` when `swap[i] != other`, else from `a`.
fn mix(a: &SparseRows, b: &SparseRows, swap: &[bool], other: bool) -> SparseRows {
    let mut x = SparseRows { indptr: vec![0], columns: a.columns, ..Default::default() };
    for (i, &s) in swap.iter().enumerate() {
        let from = if s != other { b } else { a };
        let (lo, hi) = (from.indptr[i], from.indptr[i + 1]);
        x.indices.extend_from_slice(&from.indices[lo..hi]);
        x.values.extend_from_slice(&from.values[lo..hi]);
        x.indptr.push(x.indices.len());
    }
    x
}
