//! Labels that are missing for a reason: the range of a paired comparison under every
//! assignment of its invalid labels (Manski 1990), and how many of them it takes to change the
//! comparison's conclusion (a tipping point, after Yan, Lee & Li 2009).
//!
//! The target is the comparison over every matched item, N = n (valid on both sides) + the
//! items with an invalid label on at least one side. Each invalid label can be 0 or 1, whatever
//! the other labels; nothing else is assumed (no missing-at-random).

use crate::counts::{units, InvalidCells, Moments, PairedCounts, UNIT};
use crate::stats::Interval;

/// The values a comparison's estimates take over every assignment of its invalid labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ManskiBounds {
    /// Matched items, N.
    pub items: u64,
    /// The baseline's rate over the N items.
    pub baseline_rate: Interval,
    /// The model's rate over the N items.
    pub model_rate: Interval,
    /// The difference, model − baseline, over the N items: its extremes taken jointly over both
    /// sides (an item invalid on both sides contributes +1 at the top and −1 at the bottom).
    pub difference: Interval,
}

/// Worst- and best-case bounds (Manski 1990, *Am Econ Rev* 80:319–323; Horowitz & Manski 2000,
/// *JASA* 95:77–84, for the bounds with missing outcomes).
///
/// With B₁ the baseline's valid ones, M₁ the model's valid ones, I_b and I_m the invalid labels
/// of each side, over N items: baseline rate ∈ [B₁, B₁ + I_b]/N, model rate ∈ [M₁, M₁ + I_m]/N,
/// difference ∈ [M₁ − B₁ − I_b, M₁ + I_m − B₁]/N. The difference is linear in the labels and
/// every invalid label can be set freely, so each bound is attained (set every invalid model
/// label to 1 and every invalid baseline label to 0 for the top).
///
/// Edge case: `None` when there is no matched item.
pub fn manski_bounds(p: &PairedCounts, c: &InvalidCells) -> Option<ManskiBounds> {
    let b1 = (p.baseline_positive() + c.baseline_one) as f64;
    let m1 = (p.model_positive() + c.model_one) as f64;
    bounds(p.n() + c.items(), b1, m1, c.invalid_baseline() as f64, c.invalid_model() as f64)
}

/// The same bounds for a comparison of item means (repeated samples, annotators): an item
/// whose side has no valid sample has an unknown value in [0, 1], one with some valid samples
/// keeps its mean (missing at random within the item). B₁ and M₁ are then sums of item values:
/// the side's values over the items valid on both sides (`m`) and over the items only the other
/// side lacks (`c`, in units of 2^-32 item values, see `MetricCounts::invalid_cells`). The
/// difference is still linear in each unknown value, so the bounds are attained at values 0 or 1.
///
/// Edge case: `None` when there is no matched item.
pub fn manski_bounds_of_means(m: &Moments, c: &InvalidCells) -> Option<ManskiBounds> {
    let items = m.n + c.items() / UNIT as u64;
    let b1 = units(m.sum_baseline + c.baseline_one);
    let m1 = units(m.sum_model + c.model_one);
    bounds(items, b1, m1, units(c.invalid_baseline()), units(c.invalid_model()))
}

/// The bounds over `items` items from the valid sums B₁, M₁ and the invalid labels I_b, I_m.
fn bounds(items: u64, b1: f64, m1: f64, ib: f64, im: f64) -> Option<ManskiBounds> {
    if items == 0 {
        return None;
    }
    let n = items as f64;
    Some(ManskiBounds {
        items,
        baseline_rate: Interval::new(b1 / n, (b1 + ib) / n),
        model_rate: Interval::new(m1 / n, (m1 + im) / n),
        difference: Interval::new((m1 - b1 - ib) / n, (m1 + im - b1) / n),
    })
}

/// What a paired comparison concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    /// The model's rate is significantly higher.
    Higher,
    /// The model's rate is significantly lower.
    Lower,
    /// No significant difference.
    NoDifference,
}

/// The fewest items with an invalid label that, given the least favourable labels, change a
/// paired comparison's conclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TippingPoint {
    /// The conclusion from the items valid on both sides.
    pub conclusion: Conclusion,
    /// The fewest such items; `None` when no assignment of all of them changes it (robust).
    pub items: Option<u64>,
}

/// The tipping point of a paired comparison whose conclusion depends on the discordant pairs
/// only (`decide(b, c)`, b = model-only and c = baseline-only pairs, as McNemar's test).
///
/// The items with an invalid label join the comparison one at a time, each with the labels
/// least favourable to the conclusion: against "higher", an item becomes a (model 0, baseline 1)
/// pair where its valid label allows it (model invalid with baseline 1, baseline invalid with
/// model 0, both invalid); the other items can only become concordant pairs, which do not move a
/// test on the discordant pairs. "Lower" is the mirror image; "no difference" takes the nearer of
/// the two. So the tipping point is the smallest k ≤ the capacity with decide(b, c + k) ≠ the
/// conclusion (or its mirror), found by bisection: `decide` must change at most once along each
/// path (true of McNemar's p, which rises as c approaches b and falls as it passes it).
pub fn tipping_point(
    p: &PairedCounts,
    c: &InvalidCells,
    decide: impl Fn(u64, u64) -> Conclusion,
) -> TippingPoint {
    let (b0, c0) = (p.model_only, p.baseline_only);
    let conclusion = decide(b0, c0);
    // Items that can become (model 0, baseline 1), and (model 1, baseline 0).
    let toward_lower = c.baseline_one + c.model_zero + c.both;
    let toward_higher = c.baseline_zero + c.model_one + c.both;
    let lower = || first_change(toward_lower, |k| decide(b0, c0 + k) != conclusion);
    let higher = || first_change(toward_higher, |k| decide(b0 + k, c0) != conclusion);
    let items = match conclusion {
        Conclusion::Higher => lower(),
        Conclusion::Lower => higher(),
        Conclusion::NoDifference => match (lower(), higher()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
    };
    TippingPoint { conclusion, items }
}

/// The smallest k in 1..=cap with `changed(k)`, for a `changed` that stays true once true.
fn first_change(cap: u64, changed: impl Fn(u64) -> bool) -> Option<u64> {
    if cap == 0 || !changed(cap) {
        return None;
    }
    let (mut lo, mut hi) = (0, cap); // changed(lo) is false (k = 0 is the conclusion), changed(hi) true
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if changed(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// Worst- and best-case bounds of a pair test's mean over every counted pair (Manski 1990, as
/// above), from the pairs' 81-cell table (`counts::pair_cell`): each label in state 2 (invalid,
/// or the source lacks the item) can be 0 or 1 whatever the others, so the extremes are attained
/// pair by pair: the lower bound is Σ over cells of n × the least `value` over the cell's
/// completions, divided by the pairs; the upper bound likewise with the greatest.
///
/// Edge case: `None` when no pair is counted.
pub fn pair_bounds(cells: &[u64], value: impl Fn([i64; 4]) -> f64) -> Option<Interval> {
    let total: u64 = cells.iter().sum();
    if total == 0 {
        return None;
    }
    let (mut low, mut high) = (0.0, 0.0);
    for (cell, &n) in cells.iter().enumerate().filter(|(_, &n)| n > 0) {
        let (lo, hi, _) = completion_range(cell, &value);
        (low, high) = (low + n as f64 * lo, high + n as f64 * hi);
    }
    Some(Interval::new(low / total as f64, high / total as f64))
}

/// The least and greatest `value` over the completions of a cell of the 81-cell table (each
/// label in state 2 set to 0 or 1), and whether the cell has such a label.
fn completion_range(cell: usize, value: impl Fn([i64; 4]) -> f64) -> (f64, f64, bool) {
    let states = [cell % 3, cell / 3 % 3, cell / 9 % 3, cell / 27 % 3];
    let open: Vec<usize> = (0..4).filter(|&k| states[k] == 2).collect();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for mask in 0..1u32 << open.len() {
        let mut labels = states.map(|s| s as i64);
        for (bit, &k) in open.iter().enumerate() {
            labels[k] = i64::from(mask >> bit & 1);
        }
        let v = value(labels);
        (lo, hi) = (lo.min(v), hi.max(v));
    }
    (lo, hi, !open.is_empty())
}

/// Running sums of the pair values a pair test sees: pairs, Σv, Σv².
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ValueSums {
    /// Pairs.
    pub n: u64,
    /// Σ v.
    pub sum: f64,
    /// Σ v².
    pub sum_sq: f64,
}

impl ValueSums {
    /// These sums with `count` more pairs of value `v`.
    fn with(self, v: f64, count: u64) -> Self {
        let c = count as f64;
        Self { n: self.n + count, sum: self.sum + c * v, sum_sq: self.sum_sq + c * v * v }
    }
}

/// Most incomplete pairs a tipping-point path steps through one at a time (a test that is not
/// monotone along a run of equal values); with more, no tipping point is computed.
pub const MAX_PATH: u64 = 1_000_000;

/// The tipping point of a pair test whose conclusion depends on the sums of its pair values
/// (`decide`; a paired t on the values, or McNemar's test on the +1 and −1 values), from the
/// pairs' 81-cell table as in [`pair_bounds`].
///
/// The test starts from the complete pairs. The incomplete pairs join one at a time, each with
/// its least favourable completion, the most adverse first: against "higher", in increasing
/// order of the least value over a pair's completions; against "lower", in decreasing order of
/// the greatest; "no difference" takes the nearer of the two paths. The tipping point is the
/// first k along the path whose conclusion differs. For McNemar's test on values in {−1, 0, 1}
/// this is the fewest pairs over every subset and completion (only the −1 or +1 pairs move it,
/// as in [`tipping_point`]); for a t test it is the fewest along that path (a test checks it
/// against every subset and completion of small tables).
///
/// `monotone`: once the conclusion differs along a run of equal values it stays different (true
/// of McNemar's test, see [`tipping_point`]), so each run is checked at its end and bisected;
/// else each pair is a step, at most [`MAX_PATH`] of them.
///
/// Edge case: `None` when no pair is complete (the test has no conclusion to tip), or when a
/// path would take more than [`MAX_PATH`] single steps.
pub fn pair_tipping_point(
    cells: &[u64],
    value: impl Fn([i64; 4]) -> f64,
    decide: impl Fn(ValueSums) -> Conclusion,
    monotone: bool,
) -> Option<TippingPoint> {
    let mut complete = ValueSums::default();
    let mut open: Vec<(f64, f64, u64)> = Vec::new();
    for (cell, &n) in cells.iter().enumerate().filter(|(_, &n)| n > 0) {
        match completion_range(cell, &value) {
            (v, _, false) => complete = complete.with(v, n),
            (lo, hi, true) => open.push((lo, hi, n)),
        }
    }
    let incomplete: u64 = open.iter().map(|o| o.2).fold(0, u64::saturating_add);
    if complete.n == 0 || (!monotone && incomplete > MAX_PATH) {
        return None;
    }
    let conclusion = decide(complete);
    let changed = |s: ValueSums| decide(s) != conclusion;
    let path = |descending: bool| {
        let mut steps: Vec<(f64, u64)> =
            open.iter().map(|&(lo, hi, n)| (if descending { hi } else { lo }, n)).collect();
        steps.sort_by(|a, b| if descending { b.0.total_cmp(&a.0) } else { a.0.total_cmp(&b.0) });
        first_on_path(complete, &steps, monotone, &changed)
    };
    let items = match conclusion {
        Conclusion::Higher => path(false),
        Conclusion::Lower => path(true),
        Conclusion::NoDifference => match (path(false), path(true)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
    };
    Some(TippingPoint { conclusion, items })
}

/// Adds the pairs of `steps` (value, count; in path order) from `start` and returns how many
/// were added when `changed` first holds: one at a time, or, `monotone`, each run checked at its
/// end and bisected.
fn first_on_path(
    start: ValueSums,
    steps: &[(f64, u64)],
    monotone: bool,
    changed: &impl Fn(ValueSums) -> bool,
) -> Option<u64> {
    let (mut sums, mut k) = (start, 0u64);
    for &(v, count) in steps {
        if monotone {
            if let Some(j) = first_change(count, |j| changed(sums.with(v, j))) {
                return Some(k + j);
            }
            (sums, k) = (sums.with(v, count), k + count);
            continue;
        }
        for _ in 0..count {
            (sums, k) = (sums.with(v, 1), k + 1);
            if changed(sums) {
                return Some(k);
            }
        }
    }
    None
}

#[cfg(test)]
#[path = "missing_bounds_tests.rs"]
mod tests;
