//! The counts table: the sufficient statistics every estimate is computed from.
//!
//! It is the boundary between the data layer (which reduces rows to counts inside polars) and the
//! statistics. It is mergeable: counts of disjoint item shards add up cell by cell.

use crate::stats::{PairedCounts, ScoreSums};
use serde::{Deserialize, Serialize};

/// Counts of one (model, metric) over the matched items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricCounts {
    /// Model (source) name.
    pub model: String,
    /// Metric (behaviour) name.
    pub metric: String,
    /// The paired 2×2 table over items valid on both sides.
    pub pairs: PairedCounts,
    /// Matched items whose baseline label is invalid.
    pub invalid_baseline: u64,
    /// Matched items whose model label is invalid.
    pub invalid_model: u64,
}

/// Alignment counts and overall-score sums of one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelCounts {
    /// Model (source) name.
    pub model: String,
    /// Items present in both the baseline and the model.
    pub matched: u64,
    /// Items only in the baseline.
    pub baseline_only: u64,
    /// Items only in the model.
    pub model_only: u64,
    /// Sums behind the overall score.
    pub score: ScoreSums,
}

/// The whole counts table of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountsTable {
    /// Per (model, metric) counts, in model then metric order.
    pub metrics: Vec<MetricCounts>,
    /// Per model counts, in model order.
    pub models: Vec<ModelCounts>,
}

impl CountsTable {
    /// Model names in order of first appearance.
    pub fn model_names(&self) -> Vec<String> {
        self.models.iter().map(|m| m.model.clone()).collect()
    }

    /// Metric names in order of first appearance.
    pub fn metric_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for m in &self.metrics {
            if !names.contains(&m.metric) {
                names.push(m.metric.clone());
            }
        }
        names
    }

    /// Sums two tables key by key (model, metric); keys present in only one are kept as they are.
    /// The number of metrics behind each model's overall score must agree.
    pub fn merge(mut self, other: CountsTable) -> CountsTable {
        for m in other.metrics {
            match self
                .metrics
                .iter_mut()
                .find(|x| x.model == m.model && x.metric == m.metric)
            {
                Some(x) => {
                    x.pairs = x.pairs.merged(&m.pairs);
                    x.invalid_baseline += m.invalid_baseline;
                    x.invalid_model += m.invalid_model;
                }
                None => self.metrics.push(m),
            }
        }
        for m in other.models {
            match self.models.iter_mut().find(|x| x.model == m.model) {
                Some(x) => {
                    x.matched += m.matched;
                    x.baseline_only += m.baseline_only;
                    x.model_only += m.model_only;
                    x.score.n += m.score.n;
                    x.score.sum_baseline += m.score.sum_baseline;
                    x.score.sum_model += m.score.sum_model;
                    x.score.sum_sq_diff += m.score.sum_sq_diff;
                }
                None => self.models.push(m),
            }
        }
        self
    }
}
