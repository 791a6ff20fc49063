//! The joint label table: each side's labels packed into integer keys, so one join and one
//! group-by per model yield every count (2×2 tables, invalid labels, score sums) at once.
//!
//! A label code is 0, 1 or 2 (invalid). A side's codes for metrics i = 0..k are packed base 3,
//! 39 metrics per Int64 key column (3³⁹ < 2⁶³). The group-by result has at most 9^k rows (and
//! never more than the items), so decoding it in Rust loops over counts, not over data rows.

use crate::stats::{PairedCounts, ScoreSums};
use polars::prelude::*;

/// Metrics per key column.
const CHUNK: usize = 39;
/// Code of an invalid label.
pub(crate) const INVALID: u8 = 2;

/// Names of the key columns of one side (`prefix` + chunk number).
pub(crate) fn key_names(prefix: &str, k: usize) -> Vec<String> {
    (0..k.div_ceil(CHUNK).max(1)).map(|j| format!("{prefix}{j}")).collect()
}

/// Key expressions of one side: `present[i]` says whether metric i exists on this side (a
/// missing metric is coded invalid); the metric columns are the normalised Int32 labels.
pub(crate) fn key_exprs(prefix: &str, metrics: &[String], present: &[bool]) -> Vec<Expr> {
    key_names(prefix, metrics.len())
        .into_iter()
        .enumerate()
        .map(|(j, name)| {
            let chunk = (j * CHUNK)..((j + 1) * CHUNK).min(metrics.len());
            chunk
                .rev()
                .fold(lit(0i64), |acc, i| {
                    let code = if present[i] {
                        col(metrics[i].as_str()).cast(DataType::Int64).fill_null(lit(INVALID as i64))
                    } else {
                        lit(INVALID as i64)
                    };
                    acc * lit(3i64) + code
                })
                .alias(name)
        })
        .collect()
}

/// Unpacks the codes of `k` metrics from a side's key values.
pub(crate) fn decode(keys: &[i64], k: usize) -> Vec<u8> {
    (0..k)
        .map(|i| {
            let mut key = keys[i / CHUNK];
            for _ in 0..(i % CHUNK) {
                key /= 3;
            }
            (key % 3) as u8
        })
        .collect()
}

/// Counts accumulated from joint rows of (baseline codes, model codes, multiplicity).
#[derive(Debug, Clone)]
pub(crate) struct Accumulator {
    /// Paired 2×2 table per metric.
    pub pairs: Vec<PairedCounts>,
    /// Invalid baseline labels per metric.
    pub invalid_baseline: Vec<u64>,
    /// Invalid model labels per metric.
    pub invalid_model: Vec<u64>,
    /// Overall-score sums over the metrics flagged in `scored`.
    pub score: ScoreSums,
    /// Items seen.
    pub items: u64,
    scored: Vec<bool>,
}

impl Accumulator {
    /// An empty accumulator for `k` metrics; the overall score uses the metrics flagged `scored`.
    pub fn new(scored: Vec<bool>) -> Self {
        let k = scored.len();
        let metrics = scored.iter().filter(|s| **s).count() as u64;
        Self {
            pairs: vec![PairedCounts::default(); k],
            invalid_baseline: vec![0; k],
            invalid_model: vec![0; k],
            score: ScoreSums { metrics, ..ScoreSums::default() },
            items: 0,
            scored,
        }
    }

    /// Adds `count` items whose labels are `baseline` and `model` (codes per metric).
    pub fn add(&mut self, baseline: &[u8], model: &[u8], count: u64) {
        self.items += count;
        let (mut sum_b, mut sum_m, mut all_valid) = (0u64, 0u64, true);
        for (i, (&b, &m)) in baseline.iter().zip(model).enumerate() {
            let cell = &mut self.pairs[i];
            match (b, m) {
                (1, 1) => cell.both += count,
                (0, 1) => cell.model_only += count,
                (1, 0) => cell.baseline_only += count,
                (0, 0) => cell.neither += count,
                _ => {}
            }
            self.invalid_baseline[i] += count * u64::from(b == INVALID);
            self.invalid_model[i] += count * u64::from(m == INVALID);
            if self.scored[i] {
                all_valid &= b != INVALID && m != INVALID;
                sum_b += u64::from(b == 1);
                sum_m += u64::from(m == 1);
            }
        }
        if all_valid && self.score.metrics > 0 {
            let diff = sum_m.abs_diff(sum_b);
            self.score.n += count;
            self.score.sum_baseline += count * sum_b;
            self.score.sum_model += count * sum_m;
            self.score.sum_sq_diff += count * diff * diff;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_inverts_the_packing() {
        // Codes (1, 0, 2, 1) packed base 3 with metric 0 least significant: 1 + 0·3 + 2·9 + 1·27.
        assert_eq!(decode(&[1 + 2 * 9 + 27], 4), vec![1, 0, 2, 1]);
        // Metric 40 lives in the second key column at position 1.
        let mut codes = decode(&[0, 3], 41);
        assert_eq!(codes.pop(), Some(1));
        assert!(codes.iter().all(|&c| c == 0));
    }

    #[test]
    fn accumulates_cells_invalid_labels_and_scores() {
        let mut acc = Accumulator::new(vec![true, true]);
        acc.add(&[1, 0], &[1, 1], 3); // valid on both metrics: B = 1, M = 2
        acc.add(&[0, 2], &[1, 0], 2); // baseline invalid on metric 1: not scored
        assert_eq!(acc.items, 5);
        assert_eq!(acc.pairs[0], PairedCounts { both: 3, model_only: 2, baseline_only: 0, neither: 0 });
        assert_eq!(acc.pairs[1], PairedCounts { both: 0, model_only: 3, baseline_only: 0, neither: 0 });
        assert_eq!((acc.invalid_baseline[1], acc.invalid_model[1]), (2, 0));
        assert_eq!(
            (acc.score.n, acc.score.sum_baseline, acc.score.sum_model, acc.score.sum_sq_diff),
            (3, 3, 6, 3)
        );
    }
}
