//! Joint rows → the counts table. Every counting strategy ends in the same [`JointTables`]: per
//! model and slot (all items, then one per grouping), rows of (baseline key, model key, truth
//! code, level, count); this module decodes them into the counts per slice (all items, group
//! level, truth value), so all strategies share one decoder and give identical counts.

use crate::counts::{CountsTable, GroupingCounts, MetricCounts, ModelCounts, Slice, TruthCounts};
use crate::counts::{InvalidCells, PairedCounts, ScoreSums, SliceScore};
use crate::data::count::encode::keys::{decode, key_names, INVALID};
use crate::data::input::{Dataset, SourceFrame};
use crate::error::{AmplifyError, Result};
use std::collections::BTreeMap;

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
    /// Where the invalid labels fall, per metric.
    pub invalid_cells: Vec<InvalidCells>,
    /// Overall-score sums over the metrics flagged in `scored`.
    pub score: ScoreSums,
    /// Items seen.
    pub items: u64,
    scored: Vec<bool>,
    /// Scored metrics that enter the score inverted (judged against the truth: 1 = at fault).
    score_inverted: Vec<bool>,
}

impl Accumulator {
    /// An empty accumulator for `k` metrics; the overall score uses the metrics flagged `scored`.
    pub(crate) fn new(scored: Vec<bool>) -> Self {
        let k = scored.len();
        let metrics = scored.iter().filter(|s| **s).count() as u64;
        Self {
            pairs: vec![PairedCounts::default(); k],
            invalid_baseline: vec![0; k],
            invalid_model: vec![0; k],
            invalid_cells: vec![InvalidCells::default(); k],
            score: ScoreSums { metrics, ..ScoreSums::default() },
            items: 0,
            score_inverted: vec![false; scored.len()],
            scored,
        }
    }

    /// The same accumulator with the flagged metrics entering the overall score as 1 − label.
    pub(crate) fn score_inverted(mut self, inverted: Vec<bool>) -> Self {
        self.score_inverted = inverted;
        self
    }

    /// Adds `count` items whose labels are `baseline` and `model` (codes per metric).
    pub(crate) fn add(&mut self, baseline: &[u8], model: &[u8], count: u64) {
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
            self.invalid_cells[i].add(b, m, count);
            if self.scored[i] {
                all_valid &= b != INVALID && m != INVALID;
                let flip = self.score_inverted[i];
                sum_b += u64::from((b == 1) != flip);
                sum_m += u64::from((m == 1) != flip);
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

/// Decodes the joint tables of every model into the counts table.
///
/// Fails when a model shares no id with the baseline, or when a compared metric has no valid
/// label on one side among the matched items.
pub(crate) fn counts_table(
    data: &Dataset,
    tables: JointTables,
    groupings: Vec<GroupingCounts>,
) -> Result<CountsTable> {
    let mut table = CountsTable { groupings, ..CountsTable::default() };
    table.truth.extend(baseline_truth(data, &tables.baseline));
    for (model, rows) in data.models.iter().zip(&tables.models) {
        let accs = model_slices(data, &model.present, rows);
        let all = &accs[&Slice::all()].paired;
        if all.items == 0 {
            return Err(no_overlap(data, model));
        }
        for (slice, acc) in &accs {
            for (i, metric) in data.metrics.iter().enumerate().filter(|(i, _)| model.present[*i]) {
                let counts = MetricCounts {
                    model: model.name.clone(),
                    metric: metric.clone(),
                    slice: slice.clone(),
                    pairs: acc.paired.pairs[i],
                    invalid_baseline: acc.paired.invalid_baseline[i],
                    invalid_model: acc.paired.invalid_model[i],
                    moments: None,
                    invalid_cells: Some(acc.paired.invalid_cells[i]),
                };
                if slice.is_all() {
                    check_valid(data, model, &counts, all.items)?;
                }
                table.metrics.push(counts);
            }
            if slice.truth.is_none() {
                table.truth.extend(truth_rows(data, &model.name, &model.present, slice, &acc.truth));
            }
        }
        // Each group level's overall-score sums (the clustered overall score, `--cluster`).
        let levels = accs.iter().filter(|(s, _)| s.truth.is_none() && s.group.is_some());
        table.scores.extend(levels.map(|(slice, acc)| SliceScore {
            model: model.name.clone(),
            slice: slice.clone(),
            score: acc.paired.score,
            moments: None,
        }));
        table.models.push(ModelCounts {
            model: model.name.clone(),
            matched: all.items,
            baseline_only: data.baseline.rows - all.items,
            model_only: model.rows - all.items,
            score: all.score,
            score_moments: None,
        });
    }
    Ok(table)
}

/// Paired and against-truth accumulators of one slice.
struct SliceAcc {
    paired: Accumulator,
    truth: Accumulator,
}

/// The slices' names of one slot: `None` for all items, else the grouping's name.
fn slot_grouping(data: &Dataset, slot: usize) -> Option<String> {
    slot.checked_sub(1).map(|j| data.groupings[j].name())
}

/// Accumulates every slice of one model: all items, each truth value, each group level.
fn model_slices(data: &Dataset, present: &[bool], slots: &SlotRows) -> BTreeMap<Slice, SliceAcc> {
    let k = data.columns.len();
    let scored: Vec<bool> = (0..k).map(|i| i < data.metrics.len() && present[i]).collect();
    let inverted: Vec<bool> = data.columns.iter().map(|c| data.truth_metrics.contains(c)).collect();
    let new_acc = || SliceAcc {
        paired: Accumulator::new(scored.clone()).score_inverted(inverted.clone()),
        truth: Accumulator::new(vec![false; k]),
    };
    let b_len = key_names("b", k).len();
    let mut accs: BTreeMap<Slice, SliceAcc> = BTreeMap::new();
    accs.insert(Slice::all(), new_acc());
    for (slot, rows) in slots.iter().enumerate() {
        let grouping = slot_grouping(data, slot);
        for row in rows {
            let Some(base) = row_slice(grouping.as_deref(), row) else { continue };
            let (b, m) = (decode(&row.keys[..b_len], k), decode(&row.keys[b_len..], k));
            let truths = [base.clone()]
                .into_iter()
                .chain((row.truth != INVALID).then(|| base.with_truth(row.truth == 1)));
            for slice in truths {
                accs.entry(slice).or_insert_with(new_acc).paired.add(&b, &m, row.count);
            }
            if data.has_truth {
                accs.entry(base).or_insert_with(new_acc).truth.add(&vec![row.truth; k], &m, row.count);
            }
        }
    }
    accs
}

/// The slice of a joint row in a slot of `grouping` (`None`: the slot of all items); `None` for
/// a row outside every level of the grouping.
fn row_slice(grouping: Option<&str>, row: &JointRow) -> Option<Slice> {
    match (grouping, &row.level) {
        (None, _) => Some(Slice::all()),
        (Some(g), Some(level)) => Some(Slice::level(g, level)),
        (Some(_), None) => None,
    }
}

/// The baseline's own labels against the truth, on all its rows (all items and each level).
fn baseline_truth(data: &Dataset, slots: &SlotRows) -> Vec<TruthCounts> {
    if !data.has_truth || data.truth_metrics.is_empty() {
        return Vec::new();
    }
    let k = data.columns.len();
    let mut out = Vec::new();
    for (slot, rows) in slots.iter().enumerate() {
        let grouping = slot_grouping(data, slot);
        let mut accs: BTreeMap<Slice, Accumulator> = BTreeMap::new();
        for row in rows {
            let Some(slice) = row_slice(grouping.as_deref(), row) else { continue };
            let acc = accs.entry(slice).or_insert_with(|| Accumulator::new(vec![false; k]));
            acc.add(&vec![row.truth; k], &decode(&row.keys, k), row.count);
        }
        for (slice, acc) in accs {
            out.extend(truth_rows(data, &data.baseline.name, &data.baseline.present, &slice, &acc));
        }
    }
    out
}

/// Against-truth rows of one source and slice, for the truth metrics the source has.
fn truth_rows(
    data: &Dataset,
    source: &str,
    present: &[bool],
    slice: &Slice,
    acc: &Accumulator,
) -> Vec<TruthCounts> {
    data.columns
        .iter()
        .enumerate()
        .filter(|(i, m)| present[*i] && data.truth_metrics.contains(m))
        .map(|(i, metric)| TruthCounts {
            source: source.to_string(),
            metric: metric.clone(),
            slice: slice.clone(),
            pairs: acc.pairs[i],
            invalid_truth: acc.invalid_baseline[i],
            invalid_label: acc.invalid_model[i],
            moments: None,
        })
        .collect()
}

/// Fails when every matched item's label of a compared metric is invalid on one side (naming
/// that source's file); a metric with some valid label on both sides passes.
pub(crate) fn check_valid(
    data: &Dataset,
    model: &SourceFrame,
    counts: &MetricCounts,
    matched: u64,
) -> Result<()> {
    let (source, invalid) = if counts.invalid_baseline == matched {
        (&data.baseline, counts.invalid_baseline)
    } else {
        (model, counts.invalid_model)
    };
    if invalid < matched {
        return Ok(());
    }
    let path = &data.files[source.file].path;
    if data.repeats.as_ref().is_some_and(|r| r.aggregate == crate::data::input::Aggregate::Majority) {
        return Err(AmplifyError::Data(format!(
            "metric '{}' has no item value in {} ({}): under --aggregate majority an item whose valid samples tie (as many 1 as 0) has none, and here every item's samples tie or are invalid; use --aggregate mean, or an odd number of samples",
            counts.metric,
            source.name,
            path.display()
        )));
    }
    Err(AmplifyError::AllInvalid {
        metric: counts.metric.clone(),
        source_name: source.name.clone(),
        path: data.files[source.file].path.clone(),
    })
}

/// The error of a model that shares no id with the baseline.
pub(crate) fn no_overlap(data: &Dataset, model: &SourceFrame) -> AmplifyError {
    AmplifyError::NoOverlap {
        model: model.name.clone(),
        model_path: data.files[model.file].path.clone(),
        baseline_path: data.files[data.baseline.file].path.clone(),
        column: data.id_column.clone(),
        id_type: data.id_type.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
