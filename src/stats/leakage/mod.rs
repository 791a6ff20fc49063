//! Attribute leakage (Wang et al. 2019; LIC, Hirota et al. 2022): how well a linear attacker reads
//! an item's group level from a source's text. The texts of every source become TF-IDF rows in
//! one shared space ([`tfidf`]); per source an L2 logistic regression ([`super::logistic`];
//! one-vs-rest beyond two levels) is cross-fitted over stratified folds ([`stratified_folds`],
//! [`cross_fit`]) so that every item gets an out-of-fold prediction; the measures are balanced
//! accuracy and LIC, the mean out-of-fold probability of the true level ([`measure`]). Sources
//! are compared on the same items ([`resampling`]): a paired bootstrap over items that re-fits
//! every attacker on each resample, and a permutation test that swaps the two sources' texts
//! within items and re-fits.

mod cross_fit;
mod influence;
mod resampling;
#[cfg(test)]
mod tests;

pub use cross_fit::{attackers, Attack, CrossFit};
pub use influence::{influence_se, lic_influence};
pub use resampling::{bootstrap, normal_interval, permutation_p, Draws};

pub use crate::counts::TermCounts;

use super::logistic::SparseRows;
use crate::rng::SplitMix64;

/// TF-IDF rows of every source in one space (scikit-learn's `TfidfVectorizer` defaults over the
/// pooled documents: tf = count, idf = ln((1 + n)/(1 + df)) + 1, rows L2-normalised), over the
/// terms in at least `min_df` documents; returns each source's rows and, per column, its term.
pub fn tfidf(sources: &[&TermCounts], min_df: usize) -> (Vec<SparseRows>, Vec<u32>) {
    let vocabulary = sources.iter().map(|d| d.vocabulary).max().unwrap_or(0);
    let n: usize = sources.iter().map(|d| d.rows()).sum();
    let mut df = vec![0usize; vocabulary];
    sources.iter().for_each(|d| d.terms.iter().for_each(|&t| df[t as usize] += 1));
    let mut column = vec![u32::MAX; vocabulary];
    let mut kept = Vec::new();
    for t in (0..vocabulary).filter(|&t| df[t] >= min_df.max(1)) {
        column[t] = kept.len() as u32;
        kept.push(t as u32);
    }
    let idf: Vec<f64> =
        kept.iter().map(|&t| ((1.0 + n as f64) / (1.0 + df[t as usize] as f64)).ln() + 1.0).collect();
    let rows = sources.iter().map(|d| weigh(d, &column, &idf, kept.len())).collect();
    (rows, kept)
}

fn weigh(docs: &TermCounts, column: &[u32], idf: &[f64], columns: usize) -> SparseRows {
    let mut x = SparseRows { indptr: vec![0], columns, ..Default::default() };
    for r in 0..docs.rows() {
        let start = x.values.len();
        for i in docs.indptr[r]..docs.indptr[r + 1] {
            let c = column[docs.terms[i] as usize];
            if c != u32::MAX {
                x.indices.push(c);
                x.values.push(docs.counts[i] as f64 * idf[c as usize]);
            }
        }
        let norm = x.values[start..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            x.values[start..].iter_mut().for_each(|v| *v /= norm);
        }
        x.indptr.push(x.values.len());
    }
    x
}

/// Each item's fold: within each level, the items in a seeded random order dealt to the `k`
/// folds in turn (stratified K-fold).
pub fn stratified_folds(levels: &[u32], classes: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut rng = SplitMix64::new(seed);
    let mut folds = vec![0; levels.len()];
    for class in 0..classes as u32 {
        let mut members: Vec<usize> = (0..levels.len()).filter(|&i| levels[i] == class).collect();
        for i in (1..members.len()).rev() {
            members.swap(i, rng.below(i + 1));
        }
        for (j, &i) in members.iter().enumerate() {
            folds[i] = j % k;
        }
    }
    folds
}

/// The two leakage measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// The mean over levels of the share of their items predicted as that level (argmax; a tie
    /// goes to the first level).
    BalancedAccuracy,
    /// LIC: the mean probability of each item's true level.
    Lic,
}

impl Measure {
    /// Both, in report order.
    pub const ALL: [Measure; 2] = [Measure::BalancedAccuracy, Measure::Lic];

    /// The name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Measure::BalancedAccuracy => "balanced_accuracy",
            Measure::Lic => "lic",
        }
    }
}

/// A measure over the items, each weighted by `weight[i]` (1 each, or bootstrap multiplicities);
/// `None` when a level has no weight (balanced accuracy) or there is no weight at all.
pub fn measure(
    m: Measure,
    probs: &[Vec<f64>],
    levels: &[u32],
    classes: usize,
    weight: &[u32],
) -> Option<f64> {
    match m {
        Measure::Lic => {
            let (mut sum, mut total) = (0.0, 0u64);
            for ((p, &l), &w) in probs.iter().zip(levels).zip(weight) {
                if w > 0 {
                    sum += w as f64 * p[l as usize];
                    total += w as u64;
                }
            }
            (total > 0).then(|| sum / total as f64)
        }
        Measure::BalancedAccuracy => {
            let (mut hit, mut total) = (vec![0u64; classes], vec![0u64; classes]);
            for ((p, &l), &w) in probs.iter().zip(levels).zip(weight).filter(|(_, &w)| w > 0) {
                let best = (0..classes).fold(0, |b, k| if p[k] > p[b] { k } else { b });
                total[l as usize] += w as u64;
                if best == l as usize {
                    hit[l as usize] += w as u64;
                }
            }
            if total.contains(&0) {
                return None;
            }
            Some(hit.iter().zip(&total).map(|(h, t)| *h as f64 / *t as f64).sum::<f64>() / classes as f64)
        }
    }
}

/// What a measure is by chance: 1/K for balanced accuracy; Σ πₖ² for LIC (an attacker that
/// predicts the level shares π).
pub fn chance(m: Measure, levels: &[u32], classes: usize) -> f64 {
    match m {
        Measure::BalancedAccuracy => 1.0 / classes as f64,
        Measure::Lic => {
            let mut n = vec![0usize; classes];
            levels.iter().for_each(|&l| n[l as usize] += 1);
            let total = levels.len().max(1) as f64;
            n.iter().map(|&c| (c as f64 / total).powi(2)).sum()
        }
    }
}
