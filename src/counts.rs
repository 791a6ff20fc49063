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

    /// Checks that the counts of each model agree with each other: for every metric, the pairs
    /// plus the invalid labels must account for the matched items
    /// (n + max(invalid) ≤ matched ≤ n + invalid_baseline + invalid_model), and the overall score
    /// cannot use more items than any metric has. Returns a message naming the model and metric.
    pub fn check_consistency(&self) -> Result<(), String> {
        for model in &self.models {
            let rows: Vec<&MetricCounts> = self.metrics.iter().filter(|m| m.model == model.model).collect();
            if rows.is_empty() {
                return Err(format!("model '{}' has no metric rows", model.model));
            }
            for m in &rows {
                let n = m.pairs.n();
                let (ib, im) = (m.invalid_baseline, m.invalid_model);
                if n + ib.max(im) > model.matched || model.matched > n + ib + im {
                    return Err(format!(
                        "model '{}', metric '{}': {n} pairs + invalid labels ({ib} baseline, {im} model) do not add up to the {} matched items; totals disagree across metrics",
                        model.model, m.metric, model.matched
                    ));
                }
                if model.score.n > n {
                    return Err(format!(
                        "model '{}': the overall score uses {} items but metric '{}' has only {n} valid pairs",
                        model.model, model.score.n, m.metric
                    ));
                }
            }
        }
        match self.metrics.iter().find(|m| !self.models.iter().any(|x| x.model == m.model)) {
            Some(orphan) => Err(format!("metric rows for model '{}' but no 'model' row", orphan.model)),
            None => Ok(()),
        }
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
