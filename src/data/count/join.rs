//! Rows paired by a join: the baseline left-joined to each model on the id, after every source's
//! ids are checked, counted in the same streaming pass as the positional pairing; a model key is
//! -1 where the model lacks the item.

use super::sides::{baseline_side, model_side, pass_columns};
use crate::data::columns::{self, BASELINE_ID};
use crate::data::input::{ids, Dataset};
use crate::error::Result;
use polars::prelude::*;

/// Checks every source's ids for the join (fails on missing or duplicate ids); `true` when all
/// are integers found strictly increasing, which also proves them unique.
pub(super) fn ids_sorted(data: &Dataset, integer_ids: bool) -> Result<bool> {
    let mut sorted = integer_ids;
    for frame in std::iter::once(&data.baseline).chain(&data.models) {
        let path = &data.files[frame.file].path;
        if !(integer_ids && ids::ids_increasing(frame, path)?) {
            ids::check_ids(frame, path)?;
            sorted = false;
        }
    }
    Ok(sorted)
}

/// The baseline left-joined to the given models on the id. With `sorted` (every source's integer
/// ids checked strictly increasing; one model per query) the keys are marked sorted, so polars
/// merge-joins them instead of building a hash table. (Chaining merge joins is not safe: the
/// output of one is not in key order for the next.)
pub(super) fn left_joined(data: &Dataset, side: u64, models: &[usize], sorted: bool) -> LazyFrame {
    let mark = |lf: LazyFrame, name: &str| {
        let ascending = polars_plan::plans::AExprSorted { descending: Some(false), nulls_last: Some(true) };
        if sorted {
            lf.with_column(col(name).set_sorted_flag(ascending))
        } else {
            lf
        }
    };
    let joined = models.iter().fold(mark(baseline_side(data), BASELINE_ID), |lf, &j| {
        let id = columns::joined_id(j);
        let model = mark(model_side(data, j, &id), &id);
        lf.join(model, [col(BASELINE_ID)], [col(id.as_str())], JoinArgs::new(JoinType::Left))
    });
    joined.select(pass_columns(data, side, models))
}
