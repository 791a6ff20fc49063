//! The columns both passes read: the baseline's side (id, truth code, packed key, group levels)
//! and each model's (id, packed key), and the per-row columns a pass counts.

use crate::data::columns::{
    self, BASELINE_ID, BASELINE_KEYS, ID, ITEM_SIDE, PAIR, TRUTH, TRUTH_BASE, TRUTH_CODE,
};
use crate::data::count::encode::keys::{key_exprs, INVALID};
use crate::data::input::{Dataset, GroupingSpec, SourceFrame};
use polars::prelude::*;

/// The baseline's columns for a pass: id, truth code, packed key, group levels and match counts.
pub(crate) fn baseline_side(data: &Dataset) -> LazyFrame {
    let mut exprs = vec![col(ID).alias(BASELINE_ID), truth_code(data).alias(TRUTH_CODE)];
    exprs.extend(key_exprs(BASELINE_KEYS, &data.columns, &data.baseline.present, &data.baseline.inverted));
    exprs.extend((0..data.groupings.len()).map(|j| col(columns::level(j))));
    exprs.extend(derived(data).map(|j| col(columns::matches(j))));
    exprs.extend(pair_columns(data));
    data.baseline.lazy.clone().select(exprs)
}

/// The baseline's pair and side columns, when the run has pairs and its file names them.
fn pair_columns(data: &Dataset) -> Vec<Expr> {
    source_pair_columns(data, &data.baseline)
}

/// Model j's pair and side columns, when the run has pairs and its file names them (never
/// when only the baseline names the pairs).
pub(crate) fn model_pair_columns(data: &Dataset, j: usize) -> Vec<Expr> {
    source_pair_columns(data, &data.models[j])
}

/// A source's pair and side columns, if the run has pairs and the source's frame has them.
fn source_pair_columns(data: &Dataset, source: &SourceFrame) -> Vec<Expr> {
    let named = data.pairs.is_some()
        && source.lazy.clone().collect_schema().is_ok_and(|s| s.contains(PAIR) && s.contains(ITEM_SIDE));
    match named {
        true => vec![col(PAIR), col(ITEM_SIDE)],
        false => Vec::new(),
    }
}

/// Model j's columns for a pass: its id as `id` and its packed key `m{j}_0`, and its pair and
/// side columns when `pairs` asks for them and it has them.
pub(crate) fn model_side(data: &Dataset, j: usize, id: &str, pairs: bool) -> LazyFrame {
    let model = &data.models[j];
    let mut exprs = vec![col(ID).alias(id)];
    exprs.extend(key_exprs(&columns::model_keys(j), &data.columns, &model.present, &model.inverted));
    exprs.extend(model_pair_columns(data, j).into_iter().filter(|_| pairs));
    model.lazy.clone().select(exprs)
}

/// Indices of the derived groupings (the only ones with ambiguous items).
fn derived(data: &Dataset) -> impl Iterator<Item = usize> + '_ {
    data.groupings
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s, GroupingSpec::Derived { .. }))
        .map(|(j, _)| j)
}

/// The columns every pass counts: `__tb` = (truth · side + baseline key) · side, `__k{j}` per
/// model (-1 when the model lacks the item), the levels `__g{j}` and `__amb{j}` (derived
/// groupings: more than one level matched), and the baseline's pair and side if it names
/// the pairs.
pub(crate) fn pass_columns(data: &Dataset, side: u64, models: &[usize]) -> Vec<Expr> {
    let side = lit(side as i64);
    let baseline_key = col(columns::key(BASELINE_KEYS, 0));
    let mut out = vec![((col(TRUTH_CODE) * side.clone() + baseline_key) * side).alias(TRUTH_BASE)];
    out.extend(models.iter().map(|&j| {
        col(columns::key(&columns::model_keys(j), 0)).fill_null(lit(-1i64)).alias(columns::model_key(j))
    }));
    out.extend((0..data.groupings.len()).map(|j| col(columns::level(j)).cast(DataType::String)));
    out.extend(
        derived(data)
            .map(|j| col(columns::matches(j)).gt(lit(1)).fill_null(false).alias(columns::ambiguous(j))),
    );
    out.extend(pair_columns(data));
    out
}

/// The baseline's truth code per row: 0, 1, or [`INVALID`] (no truth, or no truth column).
pub(crate) fn truth_code(data: &Dataset) -> Expr {
    if data.has_truth {
        col(TRUTH).cast(DataType::Int64).fill_null(lit(INVALID as i64))
    } else {
        lit(INVALID as i64)
    }
}
