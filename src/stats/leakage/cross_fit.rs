//! Cross-fitting: per fold, attackers fitted on the other folds predict the fold's items; and the
//! same again on a resample (bootstrap multiplicities as weights), started from the first fits.

use super::super::logistic::{fit_weighted, Logistic, SparseRows};

/// One fold's attackers and its items' predicted probabilities.
type FoldFit = (Vec<Logistic>, Vec<(usize, Vec<f64>)>);

/// What the attacker of one run is fitted on: the items' levels, their folds and the penalty.
#[derive(Debug, Clone, Copy)]
pub struct Attack<'a> {
    /// Each item's level (0..classes).
    pub levels: &'a [u32],
    /// Number of levels.
    pub classes: usize,
    /// Each item's fold (0..k).
    pub folds: &'a [usize],
    /// Number of folds.
    pub k: usize,
    /// Inverse penalty C.
    pub c: f64,
}

/// One source's cross-fitted attackers and out-of-fold class probabilities per item.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossFit {
    /// Per item, the probability of each level.
    pub probs: Vec<Vec<f64>>,
    /// Per fold, its attackers (one with two levels, else one per level).
    pub models: Vec<Vec<Logistic>>,
}

impl Attack<'_> {
    /// Cross-fits the attackers on `x` (every item once).
    pub fn run(&self, x: &SparseRows) -> CrossFit {
        self.fit(x, &vec![1; self.levels.len()], None)
    }

    /// The out-of-fold probabilities on a resample: `weight[i]` copies of item i (0 = left
    /// out), each fold's attackers started from `start`'s.
    pub fn refit(&self, x: &SparseRows, weight: &[u32], start: &CrossFit) -> Vec<Vec<f64>> {
        self.fit(x, weight, Some(start)).probs
    }

    fn fit(&self, x: &SparseRows, weight: &[u32], start: Option<&CrossFit>) -> CrossFit {
        let per_fold: Vec<FoldFit> =
            self.per_fold(|f| self.fold(x, weight, f, start.map(|s| s.models[f].as_slice())));
        let mut probs = vec![Vec::new(); self.levels.len()];
        let mut models = Vec::with_capacity(self.k);
        for (m, predicted) in per_fold {
            models.push(m);
            for (i, p) in predicted {
                probs[i] = p;
            }
        }
        CrossFit { probs, models }
    }

    /// `work` for each fold, the folds on threads of their own (a fold's panic re-raised).
    pub(super) fn per_fold<T: Send>(&self, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
        let work = &work;
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..self.k).map(|f| scope.spawn(move || work(f))).collect();
            handles.into_iter().map(|h| h.join().expect("a fold's thread panicked")).collect()
        })
    }

    /// Fold `f`: attackers fitted on the other folds' items (with their weights), and the
    /// predictions for the fold's items with weight.
    fn fold(&self, x: &SparseRows, weight: &[u32], f: usize, start: Option<&[Logistic]>) -> FoldFit {
        let train: Vec<(usize, f64)> = (0..self.levels.len())
            .filter(|&i| self.folds[i] != f && weight[i] > 0)
            .map(|i| (i, weight[i] as f64))
            .collect();
        let models = attackers(x, self.levels, self.classes, &train, self.c, start);
        let test = (0..self.levels.len()).filter(|&i| self.folds[i] == f && weight[i] > 0);
        let predicted = test.map(|i| (i, self.predict(&models, x, i))).collect();
        (models, predicted)
    }

    fn predict(&self, models: &[Logistic], x: &SparseRows, i: usize) -> Vec<f64> {
        if self.classes == 2 {
            let p = models[0].probability(x, i);
            return vec![1.0 - p, p];
        }
        let raw: Vec<f64> = models.iter().map(|m| m.probability(x, i)).collect();
        let total: f64 = raw.iter().sum();
        raw.iter().map(|p| if total > 0.0 { p / total } else { 1.0 / self.classes as f64 }).collect()
    }
}

/// The attackers fitted on the rows `train` (item, weight): one of the second level (two
/// levels), else one per level (one-vs-rest); each started from `start`'s if given.
pub fn attackers(
    x: &SparseRows,
    levels: &[u32],
    classes: usize,
    train: &[(usize, f64)],
    c: f64,
    start: Option<&[Logistic]>,
) -> Vec<Logistic> {
    let targets: Vec<u32> = if classes == 2 { vec![1] } else { (0..classes as u32).collect() };
    targets
        .into_iter()
        .enumerate()
        .map(|(j, t)| {
            let y: Vec<bool> = levels.iter().map(|&l| l == t).collect();
            fit_weighted(x, &y, train, c, start.map(|s| &s[j]))
        })
        .collect()
}
