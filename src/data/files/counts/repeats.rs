//! The columns of a counts file with repeated samples: item-level sums ([`Moments`],
//! [`TruthMoments`], [`ScoreMoments`]) and per-source repeat sums ([`RepeatSums`], `repeat` rows).
//! They are written only when the table has them; a file without them reads as zeros. Sums of
//! item values are whole numbers in units of 2^-32, so shards add up exactly.
//!
//! - `metric` rows: `items` (n) and `sum_model`, `sum_baseline`, `sum_model_sq`,
//!   `sum_baseline_sq`, `sum_cross` (the 2×2 cells are then 0);
//! - `truth` rows: the source's values on truth-positive items in `items`, `sum_model`,
//!   `sum_model_sq`, on truth-negative items in `items_negative`, `sum_negative`,
//!   `sum_sq_negative`;
//! - `model` rows: `score_n` and the float sums `sum_baseline`, `sum_model`, `sum_sq_diff`;
//! - `repeat` rows (source in `model`): every field of [`RepeatSums`] under its own name.

use crate::counts::{Moments, RepeatCounts, RepeatSums, ScoreMoments, TruthMoments};

/// Whole-number columns of repeated runs.
pub(crate) const INT_COLUMNS: [&str; 10] = [
    "items",
    "items_negative",
    "samples",
    "sum_k_sq",
    "positives",
    "repeated",
    "repeated_samples",
    "repeated_positives",
    "disagree",
    "first_positive",
];

/// Item-level sums of repeated runs, whole numbers in units of 2^-32 ([`crate::counts::UNIT`]).
pub(crate) const SUM_COLUMNS: [&str; 13] = [
    "sum_model",
    "sum_baseline",
    "sum_model_sq",
    "sum_baseline_sq",
    "sum_cross",
    "sum_negative",
    "sum_sq_negative",
    "sum_sq_diff",
    "sum_s_sq_over_k",
    "sum_mean",
    "sum_mean_sq",
    "sum_within",
    "sum_agreement",
];

/// The repeated-run values of one row.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Extra {
    /// [`INT_COLUMNS`] in order.
    pub ints: [u64; 10],
    /// [`SUM_COLUMNS`] in order.
    pub floats: [u64; 13],
}

impl Extra {
    /// Whether any value is set (a row of an ordinary run has none).
    pub(crate) fn is_set(&self) -> bool {
        self.ints.iter().any(|&v| v != 0) || self.floats.iter().any(|&v| v != 0)
    }

    /// The columns a kind may use: (ints, floats) indices.
    pub(crate) fn used(kind: &str) -> (&'static [usize], &'static [usize]) {
        match kind {
            "metric" => (&[0], &[0, 1, 2, 3, 4]),
            "truth" => (&[0, 1], &[0, 2, 5, 6]),
            "model" => (&[], &[0, 1, 7]),
            "repeat" => (&[0, 2, 3, 4, 5, 6, 7, 8, 9], &[8, 9, 10, 11, 12]),
            _ => (&[], &[]),
        }
    }
}

/// A metric row's moments.
pub(crate) fn of_moments(m: &Moments) -> Extra {
    let mut e = Extra::default();
    e.ints[0] = m.n;
    e.floats[..5].copy_from_slice(&[
        m.sum_model,
        m.sum_baseline,
        m.sum_model_sq,
        m.sum_baseline_sq,
        m.sum_cross,
    ]);
    e
}

/// The moments of a metric row, when it has any.
pub(crate) fn moments(e: &Extra) -> Option<Moments> {
    e.is_set().then(|| Moments {
        n: e.ints[0],
        sum_model: e.floats[0],
        sum_baseline: e.floats[1],
        sum_model_sq: e.floats[2],
        sum_baseline_sq: e.floats[3],
        sum_cross: e.floats[4],
    })
}

/// A truth row's moments.
pub(crate) fn of_truth(t: &TruthMoments) -> Extra {
    let mut e = Extra::default();
    e.ints[..2].copy_from_slice(&[t.n_positive, t.n_negative]);
    e.floats[0] = t.sum_positive;
    e.floats[2] = t.sum_sq_positive;
    e.floats[5] = t.sum_negative;
    e.floats[6] = t.sum_sq_negative;
    e
}

/// The moments of a truth row, when it has any.
pub(crate) fn truth(e: &Extra) -> Option<TruthMoments> {
    e.is_set().then(|| TruthMoments {
        n_positive: e.ints[0],
        sum_positive: e.floats[0],
        sum_sq_positive: e.floats[2],
        n_negative: e.ints[1],
        sum_negative: e.floats[5],
        sum_sq_negative: e.floats[6],
    })
}

/// A model row's score moments.
pub(crate) fn of_score(s: &ScoreMoments) -> Extra {
    let mut e = Extra::default();
    e.floats[0] = s.sum_model;
    e.floats[1] = s.sum_baseline;
    e.floats[7] = s.sum_sq_diff;
    e
}

/// The score moments of a model row, when it has any.
pub(crate) fn score(e: &Extra) -> Option<ScoreMoments> {
    e.is_set().then(|| ScoreMoments {
        sum_model: e.floats[0],
        sum_baseline: e.floats[1],
        sum_sq_diff: e.floats[7],
    })
}

/// A repeat row's values.
pub(crate) fn of_repeat(r: &RepeatCounts) -> Extra {
    let s = &r.sums;
    let ints = [
        s.items,
        0,
        s.samples,
        s.sum_k_sq,
        s.positives,
        s.repeated,
        s.repeated_samples,
        s.repeated_positives,
        s.disagree,
        s.first_positive,
    ];
    let mut floats = [0; 13];
    floats[8..].copy_from_slice(&[
        s.sum_s_sq_over_k,
        s.sum_mean,
        s.sum_mean_sq,
        s.sum_within,
        s.sum_agreement,
    ]);
    Extra { ints, floats }
}

/// The repeat sums of a repeat row, checked: every count within the items and samples.
pub(crate) fn repeat(source: String, metric: String, e: &Extra) -> Result<RepeatCounts, String> {
    let [items, _, samples, sum_k_sq, positives, repeated, repeated_samples, repeated_positives, disagree, first] =
        e.ints;
    let f = &e.floats;
    let sums = RepeatSums {
        items,
        samples,
        sum_k_sq,
        positives,
        sum_s_sq_over_k: f[8],
        sum_mean: f[9],
        sum_mean_sq: f[10],
        repeated,
        repeated_samples,
        repeated_positives,
        disagree,
        sum_within: f[11],
        sum_agreement: f[12],
        first_positive: first,
    };
    let ok = samples >= items
        && positives <= samples
        && repeated <= items
        && disagree <= repeated
        && first <= items
        && repeated_samples <= samples
        && repeated_positives <= positives.min(repeated_samples)
        && sum_k_sq >= samples
        && u128::from(f[9]) <= u128::from(items) << 32
        // s²/k ≤ s per item, (s/k)² ≤ s/k, in units (with one unit of rounding per item).
        && u128::from(f[8]) <= (u128::from(positives) << 32) + u128::from(items)
        && u128::from(f[10]) <= u128::from(f[9]) + u128::from(items)
        && u128::from(f[11]) <= u128::from(repeated) << 32
        && u128::from(f[12]) <= u128::from(repeated) << 32;
    if !ok {
        return Err(format!(
            "repeat sums of '{source}', metric '{metric}' are impossible (items {items}, samples {samples}, positives {positives}, repeated {repeated}, disagree {disagree}, first_positive {first})"
        ));
    }
    Ok(RepeatCounts { source, metric, sums })
}
