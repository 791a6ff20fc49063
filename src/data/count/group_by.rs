//! The group-by path, polars alone: every source's ids checked, then per model one inner join of
//! the two sides' packed label keys and one group-by per slot (all items, each grouping). Used
//! when a cell index would not fit (very many metrics) and by `--pairing group-by`.

use crate::data::columns::{self, BASELINE_KEYS, COUNT, ID, MODEL_KEYS, TRUTH_CODE};
use crate::data::count::encode::decode::{JointRow, JointTables, SlotRows};
use crate::data::count::encode::keys::{key_exprs, key_names};
use crate::data::count::stream::columns::truth_code;
use crate::data::engine::{collect_streaming, EngineContext};
use crate::data::input::{ids, Dataset, SourceFrame};
use crate::error::Result;
use polars::prelude::*;

/// Checks every source's ids, then joins each model to the baseline on id and groups the joined
/// keys once per slot.
pub(super) fn joint_tables(data: &Dataset) -> Result<JointTables> {
    for frame in std::iter::once(&data.baseline).chain(&data.models) {
        ids::check_ids(frame, &data.files[frame.file].path)?;
    }
    let k = data.columns.len();
    let mut keys: Vec<String> =
        key_names(BASELINE_KEYS, k).into_iter().chain(key_names(MODEL_KEYS, k)).collect();
    keys.push(TRUTH_CODE.into());
    let mut models = Vec::with_capacity(data.models.len());
    for model in &data.models {
        let joined = side(data, &data.baseline, BASELINE_KEYS, true)
            .inner_join(side(data, model, MODEL_KEYS, false), col(ID), col(ID))
            .cache();
        models.push(slot_rows(data, &joined, &keys, &model.name)?);
    }
    let baseline = if data.has_truth && !data.truth_metrics.is_empty() {
        let mut keys = key_names(BASELINE_KEYS, k);
        keys.push(TRUTH_CODE.into());
        slot_rows(data, &side(data, &data.baseline, BASELINE_KEYS, true).cache(), &keys, &data.baseline.name)?
    } else {
        Vec::new()
    };
    Ok(JointTables { models, baseline })
}

/// Groups a frame by its keys once for all items and once per grouping.
fn slot_rows(data: &Dataset, lazy: &LazyFrame, keys: &[String], what: &str) -> Result<SlotRows> {
    let levels = std::iter::once(None).chain((0..data.groupings.len()).map(|j| Some(columns::level(j))));
    levels.map(|level| joint_rows(lazy.clone(), keys, level.as_deref(), what)).collect()
}

/// One side of the join: id, packed label keys and (baseline only) truth code and group levels.
fn side(data: &Dataset, frame: &SourceFrame, prefix: &str, baseline: bool) -> LazyFrame {
    let mut exprs = vec![col(ID)];
    exprs.extend(key_exprs(prefix, &data.columns, &frame.present, &frame.inverted));
    if baseline {
        exprs.push(truth_code(data).alias(TRUTH_CODE));
        exprs.extend((0..data.groupings.len()).map(|j| col(columns::level(j))));
    }
    frame.lazy.clone().select(exprs)
}

/// Groups a frame by its key columns (and a level column) and reads the result.
fn joint_rows(lazy: LazyFrame, keys: &[String], level: Option<&str>, what: &str) -> Result<Vec<JointRow>> {
    let mut by: Vec<Expr> = keys.iter().map(|k| col(k.as_str())).collect();
    by.extend(level.map(col));
    let grouped = lazy.group_by(by).agg([len().cast(DataType::Int64).alias(COUNT)]);
    let df = collect_streaming(grouped).engine(|| format!("counting '{what}'"))?;
    let context = || "reading the joint table".to_string();
    let ints = |name: &str| -> Result<Vec<i64>> {
        let c = df.column(name).and_then(|c| c.cast(&DataType::Int64)).engine(context)?;
        Ok(c.i64().engine(context)?.iter().map(|v| v.unwrap_or(0)).collect())
    };
    let key_cols = keys.iter().map(|k| ints(k)).collect::<Result<Vec<_>>>()?;
    let counts = ints(COUNT)?;
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
