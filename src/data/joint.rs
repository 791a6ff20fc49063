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
/// missing metric is coded invalid) and `inverted[i]` whether its labels are flipped; the metric
/// columns are label sources ([`super::labels::label_source`]). Coding and packing run as one
/// Rust kernel per key column ([`pack_kernel`]) rather than k polars expressions.
pub(crate) fn key_exprs(prefix: &str, metrics: &[String], present: &[bool], inverted: &[bool]) -> Vec<Expr> {
    key_names(prefix, metrics.len())
        .into_iter()
        .enumerate()
        .map(|(j, name)| {
            let chunk = (j * CHUNK)..((j + 1) * CHUNK).min(metrics.len());
            let weight = |i: usize| 3i64.pow((i - j * CHUNK) as u32);
            let missing: i64 =
                chunk.clone().filter(|&i| !present[i]).map(|i| INVALID as i64 * weight(i)).sum();
            let used: Vec<usize> = chunk.filter(|&i| present[i]).collect();
            let weights: Vec<(i64, bool)> = used.iter().map(|&i| (weight(i), inverted[i])).collect();
            let columns: Vec<Expr> = used.iter().map(|&i| col(metrics[i].as_str())).collect();
            match columns.split_first() {
                None => lit(missing),
                Some((first, rest)) => first.clone().map_many(
                    move |c: &mut [Column]| pack_kernel(c, &weights, missing).map(IntoColumn::into_column),
                    rest,
                    |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::Int64)),
                ),
            }
            .alias(name)
        })
        .collect()
}

/// Packs label columns: `offset + Σ code(labels[c]) · weight[c]` per row, with each column's
/// (weight, inverted) in `weights` (see [`super::labels::add_codes`]).
pub(crate) fn pack_kernel(
    labels: &[Column],
    weights: &[(i64, bool)],
    offset: i64,
) -> PolarsResult<Int64Chunked> {
    let rows = labels.first().map_or(0, Column::len);
    let mut out = vec![offset; rows];
    for (column, &(weight, inverted)) in labels.iter().zip(weights) {
        super::labels::add_codes(column, inverted, weight, &mut out)?;
    }
    let name = labels.first().map(|c| c.name().clone()).unwrap_or_default();
    Ok(Int64Chunked::from_vec(name, out))
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

/// One row of a joint table: packed keys (baseline chunks, then model chunks), truth code, group
/// level and multiplicity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JointRow {
    /// Packed label keys: the baseline's [`key_names`] columns, then the model's.
    pub keys: Vec<i64>,
    /// Truth code (0, 1 or [`INVALID`]).
    pub truth: u8,
    /// Group level (`None`: outside the grouping, or no grouping).
    pub level: Option<String>,
    /// Items with these values.
    pub count: u64,
}

/// Joint rows of one source by slot: `[0]` all items, `[j + 1]` grouping j's levels.
pub(crate) type SlotRows = Vec<Vec<JointRow>>;

/// The joint rows reduction starts from: one [`SlotRows`] per model (baseline against model), and
/// the baseline's own labels against the truth (empty when there is no truth to compare with).
pub(crate) struct JointTables {
    /// Per model, in [`crate::data::Dataset::models`] order.
    pub models: Vec<SlotRows>,
    /// Baseline keys only (no model chunks).
    pub baseline: SlotRows,
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
    fn pack_kernel_weights_codes_base_3() {
        let a = Int64Chunked::from_vec("a".into(), vec![1, 0, 2]).into_column();
        let b = Int64Chunked::from_vec("b".into(), vec![0, 1, 2]).into_column();
        // Metric 0 weight 1, metric 2 weight 9; metric 1 missing (2 · 3 = 6 added to every row).
        let packed = pack_kernel(&[a, b], &[(1, false), (9, false)], 6).expect("kernel");
        assert_eq!(packed.into_no_null_iter().collect::<Vec<_>>(), vec![7, 15, 26]);
        assert_eq!(decode(&[26], 3), vec![2, 2, 2]);
        // Inverted: 1 ↔ 0, invalid stays invalid.
        let a = Int64Chunked::from_vec("a".into(), vec![1, 0, 2]).into_column();
        let flipped = pack_kernel(&[a], &[(1, true)], 0).expect("kernel");
        assert_eq!(flipped.into_no_null_iter().collect::<Vec<_>>(), vec![0, 1, 2]);
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
