//! Sums for repeated samples and several annotators (`--sample`, `--repeated`, `--annotator`).
//!
//! The unit of inference is the item: each source's label of an item is the mean (or majority,
//! or first) of its valid samples, a value in [0, 1]. Every estimate of a repeated run is a
//! function of the sums below, and sums of disjoint item shards add up, so the table stays
//! mergeable. When every item value is 0 or 1 (one sample per item, or `--aggregate majority`)
//! the sums are turned back into the ordinary 2×2 tables (see [`Moments::as_binary`]) and the
//! exact methods apply unchanged.

use crate::stats::PairedCounts;
use serde::{Deserialize, Serialize};

/// Item-level sums of one (model, metric, slice) over the n items valid on both sides, with m_i
/// and h_i the model's and the baseline's item values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Items valid on both sides.
    pub n: u64,
    /// Σ m_i.
    pub sum_model: f64,
    /// Σ h_i.
    pub sum_baseline: f64,
    /// Σ m_i².
    pub sum_model_sq: f64,
    /// Σ h_i².
    pub sum_baseline_sq: f64,
    /// Σ m_i·h_i.
    pub sum_cross: f64,
}

impl Moments {
    /// The moments of a 2×2 table of binary labels (exact: every value is 0 or 1).
    pub fn of_pairs(p: &PairedCounts) -> Self {
        let (m, h) = (p.model_positive() as f64, p.baseline_positive() as f64);
        Self {
            n: p.n(),
            sum_model: m,
            sum_baseline: h,
            sum_model_sq: m,
            sum_baseline_sq: h,
            sum_cross: p.both as f64,
        }
    }

    /// The 2×2 table when every item value is 0 or 1, which for values in [0, 1] holds exactly when
    /// Σv² = Σv on both sides (v² ≤ v, with equality only at 0 and 1). Sums of 0/1 values are
    /// whole numbers, exact in f64 below 2^53.
    pub fn as_binary(&self) -> Option<PairedCounts> {
        let binary = self.sum_model_sq == self.sum_model && self.sum_baseline_sq == self.sum_baseline;
        let whole = [self.sum_model, self.sum_baseline, self.sum_cross].iter().all(|v| v.fract() == 0.0);
        if !binary || !whole {
            return None;
        }
        let (m, h, both) = (self.sum_model as u64, self.sum_baseline as u64, self.sum_cross as u64);
        let neither = (self.n + both).checked_sub(m + h)?;
        Some(PairedCounts {
            both,
            model_only: m.checked_sub(both)?,
            baseline_only: h.checked_sub(both)?,
            neither,
        })
    }

    /// Σ d_i and Σ d_i² of d_i = m_i − h_i.
    pub fn difference_sums(&self) -> (f64, f64) {
        let sum_sq = self.sum_model_sq + self.sum_baseline_sq - 2.0 * self.sum_cross;
        (self.sum_model - self.sum_baseline, sum_sq.max(0.0))
    }

    /// Cell-wise sum, for merging shards.
    pub fn merged(&self, o: &Self) -> Self {
        Self {
            n: self.n + o.n,
            sum_model: self.sum_model + o.sum_model,
            sum_baseline: self.sum_baseline + o.sum_baseline,
            sum_model_sq: self.sum_model_sq + o.sum_model_sq,
            sum_baseline_sq: self.sum_baseline_sq + o.sum_baseline_sq,
            sum_cross: self.sum_cross + o.sum_cross,
        }
    }

    /// Whether the sums are possible for n values in [0, 1]: 0 ≤ Σv² ≤ Σv ≤ n,
    /// (Σv)² ≤ n·Σv² (Cauchy–Schwarz) and |Σmh| within the same bounds.
    pub fn check(&self) -> Result<(), String> {
        let n = self.n as f64;
        let tol = 1e-9 * n.max(1.0);
        for (name, sum, sq) in [
            ("model", self.sum_model, self.sum_model_sq),
            ("baseline", self.sum_baseline, self.sum_baseline_sq),
        ] {
            if !(sum.is_finite() && sq.is_finite()) || sq < -tol || sq > sum + tol || sum > n + tol {
                return Err(format!("{name} sums {sum} and {sq} are impossible for {n} values in [0, 1]"));
            }
            if sum * sum > n * sq + tol * n {
                return Err(format!("{name} sums: (Σv)² = {} exceeds n·Σv² = {}", sum * sum, n * sq));
            }
        }
        let bound = self.sum_model.min(self.sum_baseline);
        if !self.sum_cross.is_finite() || self.sum_cross < -tol || self.sum_cross > bound + tol {
            return Err(format!("sum_cross {} is outside [0, {bound}]", self.sum_cross));
        }
        Ok(())
    }
}

/// Item-level sums of one source's labels against the truth: per truth value, the items with a
/// valid label and truth, Σv and Σv² of their item values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TruthMoments {
    /// Truth-positive items.
    pub n_positive: u64,
    /// Σv over truth-positive items.
    pub sum_positive: f64,
    /// Σv² over truth-positive items.
    pub sum_sq_positive: f64,
    /// Truth-negative items.
    pub n_negative: u64,
    /// Σv over truth-negative items.
    pub sum_negative: f64,
    /// Σv² over truth-negative items.
    pub sum_sq_negative: f64,
}

impl TruthMoments {
    /// The label × truth table when every item value is 0 or 1 (`both` = tp, `model_only` = fp,
    /// `baseline_only` = fn, `neither` = tn).
    pub fn as_binary(&self) -> Option<PairedCounts> {
        let sums = [self.sum_positive, self.sum_negative];
        if self.sum_sq_positive != self.sum_positive || self.sum_sq_negative != self.sum_negative {
            return None;
        }
        if sums.iter().any(|v| v.fract() != 0.0) {
            return None;
        }
        let (tp, fp) = (self.sum_positive as u64, self.sum_negative as u64);
        Some(PairedCounts {
            both: tp,
            model_only: fp,
            baseline_only: self.n_positive.checked_sub(tp)?,
            neither: self.n_negative.checked_sub(fp)?,
        })
    }

    /// Cell-wise sum, for merging shards.
    pub fn merged(&self, o: &Self) -> Self {
        Self {
            n_positive: self.n_positive + o.n_positive,
            sum_positive: self.sum_positive + o.sum_positive,
            sum_sq_positive: self.sum_sq_positive + o.sum_sq_positive,
            n_negative: self.n_negative + o.n_negative,
            sum_negative: self.sum_negative + o.sum_negative,
            sum_sq_negative: self.sum_sq_negative + o.sum_sq_negative,
        }
    }
}

/// Overall-score sums with fractional item values: over the n items valid on both sides for
/// every one of `metrics` metrics, B_i and M_i are the sums of the item values over the metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoreMoments {
    /// Σ B_i.
    pub sum_baseline: f64,
    /// Σ M_i.
    pub sum_model: f64,
    /// Σ (M_i − B_i)².
    pub sum_sq_diff: f64,
}

/// What repeated samples (or annotators) say about one (source, metric): sums over the source's
/// items with at least one valid sample, where item i has k_i valid samples of which s_i are 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RepeatSums {
    /// Items with at least one valid sample.
    pub items: u64,
    /// Σ k_i.
    pub samples: u64,
    /// Σ k_i².
    pub sum_k_sq: u64,
    /// Σ s_i.
    pub positives: u64,
    /// Σ s_i²/k_i.
    pub sum_s_sq_over_k: f64,
    /// Σ s_i/k_i: the sum of the item means.
    pub sum_mean: f64,
    /// Σ (s_i/k_i)².
    pub sum_mean_sq: f64,
    /// Items with k_i ≥ 2.
    pub repeated: u64,
    /// Σ k_i over items with k_i ≥ 2.
    pub repeated_samples: u64,
    /// Σ s_i over items with k_i ≥ 2.
    pub repeated_positives: u64,
    /// Items whose samples disagree (0 < s_i < k_i).
    pub disagree: u64,
    /// Σ s_i(k_i − s_i)/(k_i(k_i − 1)) over items with k_i ≥ 2: within-item variances.
    pub sum_within: f64,
    /// Σ [s_i(s_i − 1) + (k_i − s_i)(k_i − s_i − 1)]/(k_i(k_i − 1)) over items with k_i ≥ 2:
    /// Fleiss' per-item agreement P_i.
    pub sum_agreement: f64,
    /// Σ of the first valid sample's label (by the sample column, else file order).
    pub first_positive: u64,
}

impl RepeatSums {
    /// Cell-wise sum, for merging shards.
    pub fn merged(&self, o: &Self) -> Self {
        Self {
            items: self.items + o.items,
            samples: self.samples + o.samples,
            sum_k_sq: self.sum_k_sq + o.sum_k_sq,
            positives: self.positives + o.positives,
            sum_s_sq_over_k: self.sum_s_sq_over_k + o.sum_s_sq_over_k,
            sum_mean: self.sum_mean + o.sum_mean,
            sum_mean_sq: self.sum_mean_sq + o.sum_mean_sq,
            repeated: self.repeated + o.repeated,
            repeated_samples: self.repeated_samples + o.repeated_samples,
            repeated_positives: self.repeated_positives + o.repeated_positives,
            disagree: self.disagree + o.disagree,
            sum_within: self.sum_within + o.sum_within,
            sum_agreement: self.sum_agreement + o.sum_agreement,
            first_positive: self.first_positive + o.first_positive,
        }
    }
}

/// The repeat sums of one (source, metric), and whether the source's repeats are model samples
/// or annotators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatCounts {
    /// Source name (the baseline or a model).
    pub source: String,
    /// Metric.
    pub metric: String,
    /// The sums.
    pub sums: RepeatSums,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_moments_round_trip_to_the_table() {
        let p = PairedCounts { both: 7, model_only: 3, baseline_only: 2, neither: 8 };
        let m = Moments::of_pairs(&p);
        assert_eq!(m.as_binary(), Some(p));
        assert_eq!(m.difference_sums(), (1.0, 5.0));
        let fractional = Moments { sum_model: 1.5, sum_model_sq: 1.25, ..m };
        assert_eq!(fractional.as_binary(), None);
    }

    #[test]
    fn impossible_sums_are_refused() {
        let ok = Moments {
            n: 2,
            sum_model: 1.0,
            sum_baseline: 1.0,
            sum_model_sq: 0.5,
            sum_baseline_sq: 1.0,
            sum_cross: 0.5,
        };
        assert!(ok.check().is_ok());
        assert!(Moments { sum_model_sq: 1.5, ..ok }.check().is_err(), "Σv² > Σv");
        assert!(Moments { sum_model_sq: 0.4, ..ok }.check().is_err(), "(Σv)² > n·Σv²");
        assert!(Moments { sum_cross: 1.5, ..ok }.check().is_err());
        assert!(Moments { sum_model: f64::NAN, ..ok }.check().is_err());
    }
}
