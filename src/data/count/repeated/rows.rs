//! The counts rows of a repeated run from its slices: metric and truth rows (2×2 tables when
//! every value is 0 or 1, else item-level sums, with where the invalid labels fall), the model
//! row and each group level's overall-score sums.

use crate::counts::{
    CountsTable, InvalidCells, MetricCounts, ModelCounts, Moments, PairedCounts, ScoreMoments, ScoreSums,
    Slice, SliceScore, TruthCounts, UNIT,
};
use crate::data::count::encode::decode::check_valid;
use crate::data::count::repeated::slices::{InvalidSums, SliceSums};
use crate::data::input::{Dataset, SourceFrame};
use crate::error::Result;
use std::collections::BTreeMap;

/// The metric and truth rows of one model.
pub(super) fn push_model(
    data: &Dataset,
    model: &SourceFrame,
    folded: &BTreeMap<Slice, SliceSums>,
    table: &mut CountsTable,
) -> Result<()> {
    let matched = folded[&Slice::all()].items;
    for (slice, sums) in folded {
        for (&i, &(moments, invalid_baseline, invalid_model, sums)) in &sums.paired {
            let units = invalid_units(invalid_baseline, invalid_model, sums);
            let (pairs, moments, invalid_cells) = binary_or(moments, units);
            let row = MetricCounts {
                model: model.name.clone(),
                metric: data.columns[i].clone(),
                slice: slice.clone(),
                pairs,
                invalid_baseline,
                invalid_model,
                moments,
                invalid_cells: Some(invalid_cells),
            };
            if slice.is_all() {
                check_valid(data, model, &row, matched)?;
            }
            table.metrics.push(row);
        }
    }
    table.truth.extend(truth_rows(data, model, folded));
    Ok(())
}

/// The invalid cells in units of 2^-32 item values (see `MetricCounts::invalid_cells`).
fn invalid_units(invalid_baseline: u64, invalid_model: u64, s: InvalidSums) -> InvalidCells {
    let unit = UNIT as u64;
    InvalidCells {
        model_one: s.model_values,
        model_zero: (invalid_baseline - s.both) * unit - s.model_values,
        baseline_one: s.baseline_values,
        baseline_zero: (invalid_model - s.both) * unit - s.baseline_values,
        both: s.both * unit,
    }
}

/// The 2×2 table and the cells in items when every value, of the pairs and of the invalid
/// items' other side, is 0 or 1; else the moments and the cells in units.
fn binary_or(moments: Moments, units: InvalidCells) -> (PairedCounts, Option<Moments>, InvalidCells) {
    let unit = UNIT as u64;
    let cells = [units.model_one, units.model_zero, units.baseline_one, units.baseline_zero, units.both];
    match moments.as_binary() {
        Some(pairs) if cells.iter().all(|c| c % unit == 0) => {
            let items = InvalidCells {
                model_one: units.model_one / unit,
                model_zero: units.model_zero / unit,
                baseline_one: units.baseline_one / unit,
                baseline_zero: units.baseline_zero / unit,
                both: units.both / unit,
            };
            (pairs, None, items)
        }
        _ => (PairedCounts::default(), Some(moments), units),
    }
}

/// A source's truth rows per slice without a truth value (2×2 cells when its values are 0/1).
pub(super) fn truth_rows(
    data: &Dataset,
    source: &SourceFrame,
    folded: &BTreeMap<Slice, SliceSums>,
) -> Vec<TruthCounts> {
    let mut out = Vec::new();
    for (slice, sums) in folded.iter().filter(|(s, _)| s.truth.is_none()) {
        for (&i, &(moments, invalid_truth, invalid_label)) in &sums.truth {
            let (pairs, moments) = match moments.as_binary() {
                Some(p) => (p, None),
                None => (PairedCounts::default(), Some(moments)),
            };
            out.push(TruthCounts {
                source: source.name.clone(),
                metric: data.columns[i].clone(),
                slice: slice.clone(),
                pairs,
                invalid_truth,
                invalid_label,
                moments,
            });
        }
    }
    out
}

/// Whether every compared value, of the pairs and of the invalid items, is 0 or 1 (each metric
/// row of the slice is then a 2×2 table).
fn binary_values(all: &SliceSums) -> bool {
    all.paired
        .values()
        .all(|&(moments, ib, im, sums)| binary_or(moments, invalid_units(ib, im, sums)).1.is_none())
}

/// The whole-number score sums when `binary` (exact in f64 below 2^53), else only n and k.
fn score_sums(s: &SliceSums, metrics: u64, binary: bool) -> ScoreSums {
    let (n, _, [wb, wm, wq]) = s.score;
    match binary {
        true => {
            ScoreSums { n, metrics, sum_baseline: wb as u64, sum_model: wm as u64, sum_sq_diff: wq as u64 }
        }
        false => ScoreSums { n, metrics, ..ScoreSums::default() },
    }
}

/// The item-score sums in units.
fn score_moments(s: &SliceSums) -> ScoreMoments {
    let (_, [b, m, q], _) = s.score;
    ScoreMoments { sum_baseline: b, sum_model: m, sum_sq_diff: q }
}

/// The model row (alignment over items and the overall-score sums) and each group level's
/// overall-score sums (the clustered overall score, `--cluster`): in units always (a shard whose
/// values are all 0 or 1 still merges with one whose are not), and the whole-number sums too when
/// every compared value is 0 or 1, which the overall score uses when no metric row of the model
/// is fractional.
pub(super) fn score_rows(
    data: &Dataset,
    model: &SourceFrame,
    folded: &BTreeMap<Slice, SliceSums>,
    matched: u64,
    (baseline_items, model_items): (usize, usize),
) -> (ModelCounts, Vec<SliceScore>) {
    let all = &folded[&Slice::all()];
    let metrics = (0..data.metrics.len()).filter(|&i| model.present[i]).count() as u64;
    let binary = binary_values(all);
    let levels = folded.iter().filter(|(s, _)| s.truth.is_none() && s.group.is_some());
    let scores = levels
        .map(|(slice, sums)| SliceScore {
            model: model.name.clone(),
            slice: slice.clone(),
            score: score_sums(sums, metrics, binary),
            moments: Some(score_moments(sums)),
        })
        .collect();
    let row = ModelCounts {
        model: model.name.clone(),
        matched,
        baseline_only: baseline_items as u64 - matched,
        model_only: model_items as u64 - matched,
        score: score_sums(all, metrics, binary),
        score_moments: Some(score_moments(all)),
    };
    (row, scores)
}
