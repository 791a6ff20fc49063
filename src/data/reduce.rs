//! Reduction of the normalised judgement tables to the counts table. The joint tables come from
//! one counting pass ([`super::pass`]) over rows paired by position when every source lists the
//! same ids in the same order, else by a join ([`super::pairing`]); when the cell index would
//! not fit (very many metrics) they come from polars alone: per model, one inner join of the two
//! sides' packed label keys and one group-by per slot (see [`super::joint`]). Either way they are
//! decoded into counts per slice (all items, group level, truth).

use super::joint::{decode, key_exprs, key_names, Accumulator, JointRow, JointTables, SlotRows, INVALID};
use super::layout::{Dataset, SourceFrame, ID, TRUTH};
use super::pairing::Pairing;
use super::EngineContext;
use crate::counts::{CountsTable, MetricCounts, ModelCounts, Slice, TruthCounts};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use std::collections::BTreeMap;

/// Paired and against-truth accumulators of one slice.
struct SliceAcc {
    paired: Accumulator,
    truth: Accumulator,
}

/// Computes the counts table of every model against the baseline.
///
/// Fails on missing or duplicate ids, when a model shares no id with the baseline, or when a
/// compared metric has no valid label on one side among the matched items.
pub fn reduce(data: &Dataset) -> Result<CountsTable> {
    let positional = super::pairing::count(data, Pairing::Position)?;
    if positional.is_none() && std::env::var("AMPLIFY_PAIRING").as_deref() == Ok("position") {
        return Err(AmplifyError::InvalidArgument(
            "AMPLIFY_PAIRING=position: the sources do not list the same ids in the same order; unset it to join on id".into(),
        ));
    }
    let counted = match positional {
        Some(counted) => Some(counted),
        None => super::pairing::count(data, Pairing::Join)?,
    };
    let (tables, groupings) = match counted {
        Some(found) => (found.tables, found.groupings),
        None => {
            let groupings =
                super::groups::grouping_counts(&data.baseline.lazy, &data.groupings, data.max_levels)?;
            (by_join(data)?, groupings)
        }
    };
    let mut table = CountsTable { groupings, ..CountsTable::default() };
    table.truth.extend(baseline_truth(data, &tables.baseline));
    for (model, rows) in data.models.iter().zip(&tables.models) {
        let accs = model_slices(data, rows);
        let all = &accs[&Slice::all()].paired;
        if all.items == 0 {
            return Err(no_overlap(data, model));
        }
        for (slice, acc) in &accs {
            for (i, metric) in data.metrics.iter().enumerate() {
                let counts = MetricCounts {
                    model: model.name.clone(),
                    metric: metric.clone(),
                    slice: slice.clone(),
                    pairs: acc.paired.pairs[i],
                    invalid_baseline: acc.paired.invalid_baseline[i],
                    invalid_model: acc.paired.invalid_model[i],
                };
                if slice.is_all() {
                    check_valid(data, model, &counts, all.items)?;
                }
                table.metrics.push(counts);
            }
            if slice.truth.is_empty() {
                table.truth.extend(truth_rows(data, &model.name, &model.present, slice, &acc.truth));
            }
        }
        table.models.push(ModelCounts {
            model: model.name.clone(),
            matched: all.items,
            baseline_only: data.baseline.rows - all.items,
            model_only: model.rows - all.items,
            score: all.score,
        });
    }
    Ok(table)
}

/// The group-by path (very many metrics, or `AMPLIFY_PAIRING=group-by`): checks every source's
/// ids, then joins each model to the baseline on id and groups the joined keys once per slot.
fn by_join(data: &Dataset) -> Result<JointTables> {
    for frame in std::iter::once(&data.baseline).chain(&data.models) {
        super::checks::check_ids(frame, &data.files[frame.file].path)?;
    }
    let k = data.columns.len();
    let mut keys: Vec<String> = key_names("b", k).into_iter().chain(key_names("m", k)).collect();
    keys.push("t".into());
    let mut models = Vec::with_capacity(data.models.len());
    for model in &data.models {
        let joined = side(data, &data.baseline, "b", true)
            .inner_join(side(data, model, "m", false), col(ID), col(ID))
            .cache();
        models.push(slot_rows(data, &joined, &keys, &model.name)?);
    }
    let baseline = if data.has_truth && !data.truth_metrics.is_empty() {
        let mut keys = key_names("b", k);
        keys.push("t".into());
        slot_rows(data, &side(data, &data.baseline, "b", true).cache(), &keys, &data.baseline.name)?
    } else {
        Vec::new()
    };
    Ok(JointTables { models, baseline })
}

/// Groups a frame by its keys once for all items and once per grouping.
fn slot_rows(data: &Dataset, lazy: &LazyFrame, keys: &[String], what: &str) -> Result<SlotRows> {
    let levels = std::iter::once(None).chain((0..data.groupings.len()).map(|j| Some(format!("__g{j}"))));
    levels.map(|level| joint_rows(lazy.clone(), keys, level.as_deref(), what)).collect()
}

/// The slices' names of one slot: `None` for all items, else the grouping's name.
fn slot_grouping(data: &Dataset, slot: usize) -> Option<String> {
    slot.checked_sub(1).map(|j| data.groupings[j].name())
}

/// Accumulates every slice of one model: all items, each truth value, each group level.
fn model_slices(data: &Dataset, slots: &SlotRows) -> BTreeMap<Slice, SliceAcc> {
    let k = data.columns.len();
    let scored: Vec<bool> = (0..k).map(|i| i < data.metrics.len()).collect();
    let new_acc =
        || SliceAcc { paired: Accumulator::new(scored.clone()), truth: Accumulator::new(vec![false; k]) };
    let b_len = key_names("b", k).len();
    let mut accs: BTreeMap<Slice, SliceAcc> = BTreeMap::new();
    accs.insert(Slice::all(), new_acc());
    for (slot, rows) in slots.iter().enumerate() {
        let grouping = slot_grouping(data, slot);
        for row in rows {
            let level = match (&grouping, &row.level) {
                (None, _) => String::new(),
                (Some(_), Some(l)) => l.clone(),
                (Some(_), None) => continue,
            };
            let (b, m) = (decode(&row.keys[..b_len], k), decode(&row.keys[b_len..], k));
            let base = Slice { group_by: grouping.clone().unwrap_or_default(), level, truth: String::new() };
            let truths = [base.clone()].into_iter().chain(
                (row.truth != INVALID).then(|| Slice { truth: row.truth.to_string(), ..base.clone() }),
            );
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

/// One side of the join: id, packed label keys and (baseline only) truth code and group levels.
pub(crate) fn side(data: &Dataset, frame: &SourceFrame, prefix: &str, baseline: bool) -> LazyFrame {
    let mut exprs = vec![col(ID)];
    exprs.extend(key_exprs(prefix, &data.columns, &frame.present, &frame.inverted));
    if baseline {
        exprs.push(truth_code(data).alias("t"));
        exprs.extend((0..data.groupings.len()).map(|j| col(format!("__g{j}"))));
    }
    frame.lazy.clone().select(exprs)
}

/// The baseline's truth code per row: 0, 1, or [`INVALID`] (no truth, or no truth column).
pub(crate) fn truth_code(data: &Dataset) -> Expr {
    if data.has_truth {
        col(TRUTH).cast(DataType::Int64).fill_null(lit(INVALID as i64))
    } else {
        lit(INVALID as i64)
    }
}

/// Groups a frame by its key columns (and a level column) and reads the result.
fn joint_rows(lazy: LazyFrame, keys: &[String], level: Option<&str>, what: &str) -> Result<Vec<JointRow>> {
    let mut by: Vec<Expr> = keys.iter().map(|k| col(k.as_str())).collect();
    by.extend(level.map(col));
    let grouped = lazy.group_by(by).agg([len().cast(DataType::Int64).alias("__n")]);
    let df = super::collect_streaming(grouped).engine(|| format!("counting '{what}'"))?;
    let context = || "reading the joint table".to_string();
    let ints = |name: &str| -> Result<Vec<i64>> {
        let c = df.column(name).and_then(|c| c.cast(&DataType::Int64)).engine(context)?;
        Ok(c.i64().engine(context)?.iter().map(|v| v.unwrap_or(0)).collect())
    };
    let key_cols = keys.iter().map(|k| ints(k)).collect::<Result<Vec<_>>>()?;
    let counts = ints("__n")?;
    let levels: Option<Vec<Option<String>>> = match level {
        Some(name) => {
            let c = df.column(name).and_then(|c| c.cast(&DataType::String)).engine(context)?;
            Some(c.str().engine(context)?.iter().map(|v| v.map(str::to_string)).collect())
        }
        None => None,
    };
    let truth_col = keys.len() - 1;
    Ok((0..df.height())
        .map(|r| JointRow {
            keys: key_cols[..truth_col].iter().map(|c| c[r]).collect(),
            truth: key_cols[truth_col][r] as u8,
            level: levels.as_ref().and_then(|l| l[r].clone()),
            count: counts[r].max(0) as u64,
        })
        .collect())
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
        let mut accs: BTreeMap<String, Accumulator> = BTreeMap::new();
        for row in rows {
            let level = match (&grouping, &row.level) {
                (None, _) => String::new(),
                (Some(_), Some(l)) => l.clone(),
                (Some(_), None) => continue,
            };
            let acc = accs.entry(level).or_insert_with(|| Accumulator::new(vec![false; k]));
            acc.add(&vec![row.truth; k], &decode(&row.keys, k), row.count);
        }
        for (level, acc) in accs {
            let slice = Slice { group_by: grouping.clone().unwrap_or_default(), level, truth: String::new() };
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
        })
        .collect()
}

fn check_valid(data: &Dataset, model: &SourceFrame, counts: &MetricCounts, matched: u64) -> Result<()> {
    let (source, invalid) = if counts.invalid_baseline == matched {
        (&data.baseline, counts.invalid_baseline)
    } else {
        (model, counts.invalid_model)
    };
    if invalid < matched {
        return Ok(());
    }
    Err(AmplifyError::AllInvalid {
        metric: counts.metric.clone(),
        source_name: source.name.clone(),
        path: data.files[source.file].path.clone(),
    })
}

fn no_overlap(data: &Dataset, model: &SourceFrame) -> AmplifyError {
    AmplifyError::NoOverlap {
        model: model.name.clone(),
        model_path: data.files[model.file].path.clone(),
        baseline_path: data.files[data.baseline.file].path.clone(),
        column: data.id_column.clone(),
        id_type: data.id_type.clone(),
    }
}
