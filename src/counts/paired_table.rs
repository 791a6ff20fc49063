//! Sufficient statistics: the paired 2×2 table of one metric and the sums behind the overall score.

use serde::{Deserialize, Serialize};

/// The paired 2×2 table of one (model, metric) over items valid on both sides.
///
/// Rows are the model's label, columns the baseline's; the off-diagonal cells are the discordant
/// pairs that McNemar's test and Tango's interval use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairedCounts {
    /// Model 1, baseline 1 (a).
    pub both: u64,
    /// Model 1, baseline 0 (b).
    pub model_only: u64,
    /// Model 0, baseline 1 (c).
    pub baseline_only: u64,
    /// Model 0, baseline 0 (d).
    pub neither: u64,
}

impl PairedCounts {
    /// Number of pairs, n = a + b + c + d.
    pub fn n(&self) -> u64 {
        self.both + self.model_only + self.baseline_only + self.neither
    }

    /// Items where the baseline shows the behaviour (a + c).
    pub fn baseline_positive(&self) -> u64 {
        self.both + self.baseline_only
    }

    /// Items where the model shows the behaviour (a + b).
    pub fn model_positive(&self) -> u64 {
        self.both + self.model_only
    }
}

add_fields!(PairedCounts { both, model_only, baseline_only, neither });

/// Sums behind the overall (face-preservation) score of one model.
///
/// Over the `n` items valid on both sides for every one of `metrics` metrics, with `B_i` and `M_i`
/// the number of metrics the baseline and the model show on item i (integers in 0..=metrics):
/// `sum_baseline = Σ B_i`, `sum_model = Σ M_i`, `sum_sq_diff = Σ (M_i − B_i)²`. Item scores are
/// `B_i / metrics` and `M_i / metrics`. Integer sums keep shards exactly mergeable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreSums {
    /// Items valid on both sides for every metric.
    pub n: u64,
    /// Number of metrics averaged into an item's score.
    pub metrics: u64,
    /// Σ B_i.
    pub sum_baseline: u64,
    /// Σ M_i.
    pub sum_model: u64,
    /// Σ (M_i − B_i)².
    pub sum_sq_diff: u64,
}

impl ScoreSums {
    /// Mean baseline item score, `None` when there are no items or metrics.
    pub fn baseline_score(&self) -> Option<f64> {
        self.mean_of(self.sum_baseline)
    }

    /// Mean model item score, `None` when there are no items or metrics.
    pub fn model_score(&self) -> Option<f64> {
        self.mean_of(self.sum_model)
    }

    /// Σ d_i and Σ d_i² of the item-level differences d_i = (M_i − B_i)/metrics.
    pub fn difference_moments(&self) -> (f64, f64) {
        let k = self.metrics.max(1) as f64;
        let sum_d = (self.sum_model as f64 - self.sum_baseline as f64) / k;
        (sum_d, self.sum_sq_diff as f64 / (k * k))
    }

    fn mean_of(&self, sum: u64) -> Option<f64> {
        (self.n > 0 && self.metrics > 0).then(|| sum as f64 / (self.n * self.metrics) as f64)
    }
}

impl std::ops::AddAssign for ScoreSums {
    /// Adds the sums of another shard; `metrics` (the same in every shard) is kept.
    fn add_assign(&mut self, o: Self) {
        self.n += o.n;
        self.sum_baseline += o.sum_baseline;
        self.sum_model += o.sum_model;
        self.sum_sq_diff += o.sum_sq_diff;
    }
}
