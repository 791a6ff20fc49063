//! Sums for repeated samples and several annotators (`--sample`, `--repeated`, `--annotator`).
//!
//! The unit of inference is the item: each source's label of an item is the mean (or majority,
//! or first) of its valid samples, a value in [0, 1]. Every estimate of a repeated run is a
//! function of the sums below, and sums of disjoint item shards add up, so the table stays
//! mergeable. When every item value is 0 or 1 (one sample per item, or `--aggregate majority`)
//! the sums are turned back into the ordinary 2×2 tables (see [`Moments::as_binary`]) and the
//! exact methods apply unchanged.

use super::PairedCounts;
use serde::{Deserialize, Serialize};

/// One unit of an item-level sum: 2^32 units make 1. Item values (means of samples) are rounded
/// to whole units (an error below 1.2e-10 per item) so that every sum is a whole number: sums are
/// exact, the same whatever the order of the rows, the threads or the shards, and equal to the
/// sums a SQL engine computes with the same rounding (`sql/repeated.sql`).
pub const UNIT: f64 = 4_294_967_296.0;

/// A sum in [`UNIT`]s as a number.
pub fn units(x: u64) -> f64 {
    x as f64 / UNIT
}

/// A value in [0, 1] (or a small multiple) in whole [`UNIT`]s, rounded half up.
pub fn to_units(x: f64) -> u64 {
    (x * UNIT + 0.5) as u64
}

/// Item-level sums of one (model, metric, slice) over the n items valid on both sides, with m_i
/// and h_i the model's and the baseline's item values; every sum in [`UNIT`]s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moments {
    /// Items valid on both sides.
    pub n: u64,
    /// Σ m_i.
    pub sum_model: u64,
    /// Σ h_i.
    pub sum_baseline: u64,
    /// Σ m_i².
    pub sum_model_sq: u64,
    /// Σ h_i².
    pub sum_baseline_sq: u64,
    /// Σ m_i·h_i.
    pub sum_cross: u64,
}

impl Moments {
    /// The moments of a 2×2 table of binary labels (exact: every value is 0 or 1).
    pub fn of_pairs(p: &PairedCounts) -> Self {
        let (m, h) = (p.model_positive() << 32, p.baseline_positive() << 32);
        Self {
            n: p.n(),
            sum_model: m,
            sum_baseline: h,
            sum_model_sq: m,
            sum_baseline_sq: h,
            sum_cross: p.both << 32,
        }
    }

    /// Σ m_i as a number.
    pub fn model(&self) -> f64 {
        units(self.sum_model)
    }

    /// Σ h_i as a number.
    pub fn baseline(&self) -> f64 {
        units(self.sum_baseline)
    }

    /// Σ m_i² as a number.
    pub fn model_sq(&self) -> f64 {
        units(self.sum_model_sq)
    }

    /// Σ h_i² as a number.
    pub fn baseline_sq(&self) -> f64 {
        units(self.sum_baseline_sq)
    }

    /// The 2×2 table when every item value is 0 or 1, which for values in [0, 1] holds exactly when
    /// Σv² = Σv on both sides (v² ≤ v, with equality only at 0 and 1) and the sums are whole.
    pub fn as_binary(&self) -> Option<PairedCounts> {
        let binary = self.sum_model_sq == self.sum_model && self.sum_baseline_sq == self.sum_baseline;
        let whole = [self.sum_model, self.sum_baseline, self.sum_cross].iter().all(|v| v & 0xFFFF_FFFF == 0);
        if !binary || !whole {
            return None;
        }
        let (m, h, both) = (self.sum_model >> 32, self.sum_baseline >> 32, self.sum_cross >> 32);
        let neither = (self.n + both).checked_sub(m + h)?;
        Some(PairedCounts {
            both,
            model_only: m.checked_sub(both)?,
            baseline_only: h.checked_sub(both)?,
            neither,
        })
    }

    /// Σ d_i and Σ d_i² of d_i = m_i − h_i, from the exact sums.
    pub fn difference_sums(&self) -> (f64, f64) {
        let sum = self.sum_model as i128 - self.sum_baseline as i128;
        let sum_sq = self.sum_model_sq as i128 + self.sum_baseline_sq as i128 - 2 * self.sum_cross as i128;
        (sum as f64 / UNIT, sum_sq.max(0) as f64 / UNIT)
    }

    /// Whether the sums are possible for n values in [0, 1] (up to the rounding to units):
    /// Σv² ≤ Σv ≤ n, (Σv)² ≤ n·Σv² (Cauchy–Schwarz) and Σmh ≤ min(Σm, Σh).
    pub fn check(&self) -> Result<(), String> {
        let n = self.n as f64;
        let slack = n / UNIT + 1e-9;
        for (name, sum, sq) in
            [("model", self.model(), self.model_sq()), ("baseline", self.baseline(), self.baseline_sq())]
        {
            if sq > sum + slack || sum > n + slack {
                return Err(format!("{name} sums {sum} and {sq} are impossible for {n} values in [0, 1]"));
            }
            if sum * sum > n * sq + 2.0 * n * slack + 1e-9 {
                return Err(format!("{name} sums: (Σv)² = {} exceeds n·Σv² = {}", sum * sum, n * sq));
            }
        }
        let bound = self.model().min(self.baseline());
        if units(self.sum_cross) > bound + slack {
            return Err(format!("sum_cross {} exceeds min(Σm, Σh) = {bound}", units(self.sum_cross)));
        }
        Ok(())
    }
}

/// Item-level sums of one source's labels against the truth: per truth value, the items with a
/// valid label and truth, Σv and Σv² of their item values (in [`UNIT`]s).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TruthMoments {
    /// Truth-positive items.
    pub n_positive: u64,
    /// Σv over truth-positive items.
    pub sum_positive: u64,
    /// Σv² over truth-positive items.
    pub sum_sq_positive: u64,
    /// Truth-negative items.
    pub n_negative: u64,
    /// Σv over truth-negative items.
    pub sum_negative: u64,
    /// Σv² over truth-negative items.
    pub sum_sq_negative: u64,
}

impl TruthMoments {
    /// The label × truth table when every item value is 0 or 1 (`both` = tp, `model_only` = fp,
    /// `baseline_only` = fn, `neither` = tn).
    pub fn as_binary(&self) -> Option<PairedCounts> {
        let sums = [self.sum_positive, self.sum_negative];
        if self.sum_sq_positive != self.sum_positive || self.sum_sq_negative != self.sum_negative {
            return None;
        }
        if sums.iter().any(|v| v & 0xFFFF_FFFF != 0) {
            return None;
        }
        let (tp, fp) = (self.sum_positive >> 32, self.sum_negative >> 32);
        Some(PairedCounts {
            both: tp,
            model_only: fp,
            baseline_only: self.n_positive.checked_sub(tp)?,
            neither: self.n_negative.checked_sub(fp)?,
        })
    }

    /// Whether the sums are possible for values in [0, 1] (up to the rounding to units): per truth
    /// value Σv² ≤ Σv ≤ n.
    pub fn check(&self) -> Result<(), String> {
        for (side, n, sum, sq) in [
            ("truth-positive", self.n_positive, self.sum_positive, self.sum_sq_positive),
            ("truth-negative", self.n_negative, self.sum_negative, self.sum_sq_negative),
        ] {
            let (n_units, slack) = (u128::from(n) << 32, u128::from(n));
            if u128::from(sq) > u128::from(sum) + slack || u128::from(sum) > n_units + slack {
                return Err(format!(
                    "{side} sums {} and {} are impossible for {n} values in [0, 1]",
                    units(sum),
                    units(sq)
                ));
            }
        }
        Ok(())
    }
}

/// Overall-score sums with fractional item values, in [`UNIT`]s: over the n items valid on both
/// sides for every compared metric, b_i and m_i are the item scores (the mean over the metrics of
/// the item values, inverted where judged against the truth) and d_i = m_i − b_i.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreMoments {
    /// Σ b_i.
    pub sum_baseline: u64,
    /// Σ m_i.
    pub sum_model: u64,
    /// Σ d_i².
    pub sum_sq_diff: u64,
}

impl ScoreMoments {
    /// The sums, when possible for `n` item scores in [0, 1] (up to the rounding to units):
    /// Σb and Σm at most n, Σd² at most n.
    pub fn check(self, n: u64) -> Result<Self, String> {
        let bound = (u128::from(n) << 32) + u128::from(n);
        let sums = [self.sum_baseline, self.sum_model, self.sum_sq_diff];
        match sums.iter().any(|&s| u128::from(s) > bound) {
            true => Err(format!(
                "score sums {:?} (units of 2^-32) are impossible for {n} item scores in [0, 1]",
                sums
            )),
            false => Ok(self),
        }
    }
}

/// What repeated samples (or annotators) say about one (source, metric): sums over the source's
/// items with at least one valid sample, where item i has k_i valid samples of which s_i are 1.
/// Fractional sums are in [`UNIT`]s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    pub sum_s_sq_over_k: u64,
    /// Σ s_i/k_i: the sum of the item means.
    pub sum_mean: u64,
    /// Σ (s_i/k_i)².
    pub sum_mean_sq: u64,
    /// Items with k_i ≥ 2.
    pub repeated: u64,
    /// Σ k_i over items with k_i ≥ 2.
    pub repeated_samples: u64,
    /// Σ s_i over items with k_i ≥ 2.
    pub repeated_positives: u64,
    /// Items whose samples disagree (0 < s_i < k_i).
    pub disagree: u64,
    /// Σ s_i(k_i − s_i)/(k_i(k_i − 1)) over items with k_i ≥ 2: within-item variances.
    pub sum_within: u64,
    /// Σ [s_i(s_i − 1) + (k_i − s_i)(k_i − s_i − 1)]/(k_i(k_i − 1)) over items with k_i ≥ 2:
    /// Fleiss' per-item agreement P_i.
    pub sum_agreement: u64,
    /// Σ of the first valid sample's label (by the sample column, else file order).
    pub first_positive: u64,
}

impl RepeatSums {}

/// The repeat sums of one (source, metric), and whether the source's repeats are model samples
/// or annotators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatCounts {
    /// Source name (the baseline or a model).
    pub source: String,
    /// Metric.
    pub metric: String,
    /// The sums.
    pub sums: RepeatSums,
}

add_fields!(Moments { n, sum_model, sum_baseline, sum_model_sq, sum_baseline_sq, sum_cross });
add_fields!(TruthMoments {
    n_positive,
    sum_positive,
    sum_sq_positive,
    n_negative,
    sum_negative,
    sum_sq_negative
});
add_fields!(ScoreMoments { sum_baseline, sum_model, sum_sq_diff });
add_fields!(RepeatSums {
    items,
    samples,
    sum_k_sq,
    positives,
    sum_s_sq_over_k,
    sum_mean,
    sum_mean_sq,
    repeated,
    repeated_samples,
    repeated_positives,
    disagree,
    sum_within,
    sum_agreement,
    first_positive,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_moments_round_trip_to_the_table() {
        let p = PairedCounts { both: 7, model_only: 3, baseline_only: 2, neither: 8 };
        let m = Moments::of_pairs(&p);
        assert_eq!(m.as_binary(), Some(p));
        assert_eq!(m.difference_sums(), (1.0, 5.0));
        let fractional = Moments { sum_model: to_units(10.5), sum_model_sq: to_units(10.25), ..m };
        assert_eq!(fractional.as_binary(), None);
    }

    #[test]
    fn impossible_sums_are_refused() {
        let u = to_units;
        let ok = Moments {
            n: 2,
            sum_model: u(1.0),
            sum_baseline: u(1.0),
            sum_model_sq: u(0.5),
            sum_baseline_sq: u(1.0),
            sum_cross: u(0.5),
        };
        assert!(ok.check().is_ok());
        assert!(Moments { sum_model_sq: u(1.5), ..ok }.check().is_err(), "Σv² > Σv");
        assert!(Moments { sum_model_sq: u(0.4), ..ok }.check().is_err(), "(Σv)² > n·Σv²");
        assert!(Moments { sum_cross: u(1.5), ..ok }.check().is_err());
        assert!(Moments { sum_model: u(2.5), sum_model_sq: u(2.5), ..ok }.check().is_err(), "Σv > n");
    }

    #[test]
    fn impossible_truth_and_score_sums_are_refused() {
        let u = to_units;
        let ok = TruthMoments {
            n_positive: 2,
            sum_positive: u(1.5),
            sum_sq_positive: u(1.25),
            n_negative: 1,
            sum_negative: u(0.5),
            sum_sq_negative: u(0.25),
        };
        assert!(ok.check().is_ok());
        assert!(
            TruthMoments { sum_positive: u(2.5), sum_sq_positive: u(2.0), ..ok }.check().is_err(),
            "Σv > n"
        );
        assert!(TruthMoments { sum_sq_negative: u(0.75), ..ok }.check().is_err(), "Σv² > Σv");
        let score = ScoreMoments { sum_baseline: u(1.0), sum_model: u(2.0), sum_sq_diff: u(1.0) };
        assert!(score.check(2).is_ok());
        assert!(score.check(1).is_err(), "Σm = 2 from one item");
    }
}
