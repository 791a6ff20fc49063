//! How baseline and model rows are paired before they are counted ([`super::pass`]).
//!
//! - **By position**: when every source has as many rows as the baseline, one streaming pass
//!   reads all files side by side (polars' horizontal concatenation) and compares every row's ids
//!   on the way (integers in Rust, other ids in polars). The usual shape of evaluation outputs
//!   written from one prompt file pairs this way, with no join. The first row whose ids differ
//!   (or lack an id) ends the pass. Integer ids found strictly increasing are unique; otherwise
//!   the baseline's ids are checked for duplicates afterwards (the models' ids equal the
//!   baseline's row by row, so theirs are then unique too).
//! - **By join**: the baseline left-joined to each model on the id (after every source's ids are
//!   checked), in the same streaming pass shape; a model key is -1 where the model lacks the item.
//!
//! `AMPLIFY_PAIRING=join` skips the positional pass and `=group-by` both (the polars group-by of
//! [`super::reduce`]; also the path when the cell index would not fit, with very many metrics):
//! for diagnosis and for the tests that check all paths give the same counts.

use super::cells::CellLayout;
use super::checks::StrictOrder;
use super::groups::{check_level_count, GroupingSpec};
use super::joint::{key_exprs, JointTables};
use super::layout::{Dataset, ID};
use super::pass::{PassState, Stop};
use super::reduce::truth_code;
use super::EngineContext;
use crate::counts::GroupingCounts;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use std::sync::{Arc, Mutex};

/// How rows are paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pairing {
    /// Row i of every source is the same item.
    Position,
    /// Rows are matched on the id.
    Join,
}

/// What a pass found: the joint tables and each grouping's unplaced items.
pub(crate) struct Counted {
    /// Joint rows of every model (and of the baseline against the truth).
    pub tables: JointTables,
    /// Per grouping: items outside every level, and ambiguous ones.
    pub groupings: Vec<GroupingCounts>,
}

/// Counts every model against the baseline with rows paired as asked, or returns `None` when
/// this pairing does not apply (sources that do not line up, a cell index that would not fit, a
/// path switched off by `AMPLIFY_PAIRING`). Fails on missing or duplicate ids and on groupings
/// with no level or too many levels.
pub(crate) fn count(data: &Dataset, pairing: Pairing) -> Result<Option<Counted>> {
    let switch = std::env::var("AMPLIFY_PAIRING").unwrap_or_default();
    let skipped = match pairing {
        Pairing::Position => {
            switch == "join"
                || switch == "group-by"
                || data.models.iter().any(|m| m.rows != data.baseline.rows)
        }
        Pairing::Join => switch == "group-by",
    };
    let Some(layout) = CellLayout::new(data.columns.len(), data.max_levels.saturating_add(1)) else {
        return Ok(None);
    };
    if skipped {
        return Ok(None);
    }
    let integer_ids = data.baseline.lazy.clone().collect_schema().ok().and_then(|s| s.get(ID).cloned());
    let integer_ids = integer_ids.is_some_and(|t| t.is_integer());
    let models: Vec<usize> = (0..data.models.len()).collect();
    let queries = match pairing {
        Pairing::Position => vec![side_by_side(data, layout.side(), integer_ids)?],
        Pairing::Join if join_sorted(data, integer_ids)? => {
            // One merge join (and one pass) per model: no hash table.
            models.iter().map(|&j| left_joined(data, layout.side(), &[j], true)).collect()
        }
        Pairing::Join => vec![left_joined(data, layout.side(), &models, false)],
    };
    let mut state = PassState::new(data, layout);
    state.alignment = (pairing == Pairing::Position).then(|| IdOrder::new(integer_ids));
    state.separate_baseline = pairing == Pairing::Join;
    for (i, query) in queries.into_iter().enumerate() {
        state.counting_baseline = i == 0;
        state = run(query, state, pairing == Pairing::Position)?;
        if state.stop.is_some() {
            break;
        }
    }
    finish(data, state, pairing)
}

/// Turns a finished pass into counts: `None` if it stopped early (an unaligned row, an index out
/// of range); fails on a grouping with no level or too many, and on duplicate baseline ids that
/// the positional pass could not rule out.
fn finish(data: &Dataset, state: PassState, pairing: Pairing) -> Result<Option<Counted>> {
    match state.stop {
        Some(Stop::TooManyLevels) if pairing == Pairing::Join => {
            // Reports the exact number of levels.
            super::groups::grouping_counts(&data.baseline.lazy, &data.groupings, data.max_levels)?;
            return Ok(None);
        }
        Some(_) => return Ok(None),
        None => {}
    }
    for (spec, levels) in data.groupings.iter().zip(state.level_counts()) {
        check_level_count(spec, levels, data.max_levels)?;
    }
    if state.alignment.as_ref().is_some_and(|a| !a.order.holds) {
        super::checks::check_ids(&data.baseline, &data.files[data.baseline.file].path)?;
    }
    let groupings = state.grouping_counts(&data.groupings);
    Ok(Some(Counted { tables: state.into_tables(data), groupings }))
}

/// Checks every source's ids for the join (fails on missing or duplicate ids); `true` when all
/// are integers found strictly increasing, which also proves them unique.
fn join_sorted(data: &Dataset, integer_ids: bool) -> Result<bool> {
    let mut sorted = integer_ids;
    for frame in std::iter::once(&data.baseline).chain(&data.models) {
        let path = &data.files[frame.file].path;
        if !(integer_ids && super::checks::ids_increasing(frame, path)?) {
            super::checks::check_ids(frame, path)?;
            sorted = false;
        }
    }
    Ok(sorted)
}

/// Runs the query into the counting state through a serial sink, in row order when `ordered`.
fn run(query: LazyFrame, state: PassState, ordered: bool) -> Result<PassState> {
    let state = Arc::new(Mutex::new(state));
    let sink_state = Arc::clone(&state);
    let callback = PlanCallback::new(move |df: DataFrame| {
        let mut state =
            sink_state.lock().map_err(|_| polars_err!(ComputeError: "counting state poisoned"))?;
        state.count(&df)
    });
    let context = || "counting paired rows".to_string();
    let sink = query.sink_batches(callback, ordered, None).engine(context)?;
    super::collect_streaming(sink).engine(context)?;
    Arc::try_unwrap(state).ok().and_then(|m| m.into_inner().ok()).ok_or_else(|| AmplifyError::Engine {
        context: context(),
        reason: "the counting state is still shared after the pass".into(),
    })
}

/// The positional pass's id check: every row has the same id in every source, and whether
/// integer ids have been strictly increasing so far.
#[derive(Debug, Clone)]
pub(crate) struct IdOrder {
    integer_ids: bool,
    /// Integer ids strictly increasing so far (then unique).
    pub order: StrictOrder,
}

impl IdOrder {
    fn new(integer_ids: bool) -> Self {
        Self { integer_ids, order: StrictOrder::new(integer_ids) }
    }

    /// Whether every row of the batch has the same id in every source.
    pub fn aligned(&mut self, df: &DataFrame, models: usize) -> PolarsResult<bool> {
        if !self.integer_ids {
            return Ok(!df.column("__bad")?.bool()?.any());
        }
        let Some(baseline) = ids(df, "__ord")? else { return Ok(false) };
        let baseline = baseline.cont_slice()?;
        for j in 0..models {
            let Some(model) = ids(df, &format!("__id{j}"))? else { return Ok(false) };
            if model.cont_slice()? != baseline {
                return Ok(false);
            }
        }
        self.order.feed(baseline);
        Ok(true)
    }
}

/// An id column as one chunk (no copy when it already is), or `None` when it has nulls.
fn ids(df: &DataFrame, name: &str) -> PolarsResult<Option<Int64Chunked>> {
    let ca = df.column(name)?.i64()?;
    if ca.null_count() > 0 {
        return Ok(None);
    }
    Ok(Some(ca.rechunk().into_owned()))
}

/// The baseline's columns for a pass: id, truth code, packed key, group levels and match counts.
fn baseline_side(data: &Dataset) -> LazyFrame {
    let mut exprs = vec![col(ID).alias("__bid"), truth_code(data).alias("t")];
    exprs.extend(key_exprs("b", &data.columns, &data.baseline.present, &data.baseline.inverted));
    exprs.extend((0..data.groupings.len()).map(|j| col(format!("__g{j}"))));
    exprs.extend(derived(data).map(|j| col(format!("__gm{j}"))));
    data.baseline.lazy.clone().select(exprs)
}

/// Model j's columns for a pass: its id as `id` and its packed key `m{j}_0`.
fn model_side(data: &Dataset, j: usize, id: &str) -> LazyFrame {
    let model = &data.models[j];
    let mut exprs = vec![col(ID).alias(id)];
    exprs.extend(key_exprs(&format!("m{j}_"), &data.columns, &model.present, &model.inverted));
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
/// groupings: more than one level matched).
fn pass_columns(data: &Dataset, side: u64, models: &[usize]) -> Vec<Expr> {
    let side = lit(side as i64);
    let mut out = vec![((col("t") * side.clone() + col("b0")) * side).alias("__tb")];
    out.extend(models.iter().map(|j| col(format!("m{j}_0")).fill_null(lit(-1i64)).alias(format!("__k{j}"))));
    out.extend((0..data.groupings.len()).map(|j| col(format!("__g{j}")).cast(DataType::String)));
    out.extend(
        derived(data).map(|j| col(format!("__gm{j}")).gt(lit(1)).fill_null(false).alias(format!("__amb{j}"))),
    );
    out
}

/// Every source side by side, plus the ids to compare: integer ids as `__ord` (baseline) and
/// `__id{j}` (models), compared in Rust; other ids compared here into `__bad`.
fn side_by_side(data: &Dataset, side: u64, integer_ids: bool) -> Result<LazyFrame> {
    let mut frames = vec![baseline_side(data)];
    frames.extend((0..data.models.len()).map(|j| model_side(data, j, &format!("__id{j}"))));
    let joined = concat_lf_horizontal(frames, HConcatOptions::default())
        .engine(|| "placing the sources side by side".into())?;
    let all: Vec<usize> = (0..data.models.len()).collect();
    let mut out = pass_columns(data, side, &all);
    let model_ids = (0..data.models.len()).map(|j| format!("__id{j}"));
    if integer_ids {
        out.push(col("__bid").cast(DataType::Int64).alias("__ord"));
        out.extend(model_ids.map(|id| col(id.as_str()).cast(DataType::Int64)));
    } else {
        let mut bad = vec![col("__bid").is_null()];
        bad.extend(model_ids.map(|id| col("__bid").neq_missing(col(id.as_str()))));
        out.push(any_horizontal(bad).engine(|| "comparing ids".into())?.alias("__bad"));
    }
    Ok(joined.select(out))
}

/// The baseline left-joined to the given models on the id. With `sorted` (every source's integer
/// ids checked strictly increasing; one model per query) the keys are marked sorted, so polars
/// merge-joins them instead of building a hash table. (Chaining merge joins is not safe: the
/// output of one is not in key order for the next.)
fn left_joined(data: &Dataset, side: u64, models: &[usize], sorted: bool) -> LazyFrame {
    let mark = |lf: LazyFrame, name: &str| {
        let ascending = polars_plan::plans::AExprSorted { descending: Some(false), nulls_last: Some(true) };
        if sorted {
            lf.with_column(col(name).set_sorted_flag(ascending))
        } else {
            lf
        }
    };
    let joined = models.iter().fold(mark(baseline_side(data), "__bid"), |lf, &j| {
        let id = format!("__mid{j}");
        let model = mark(model_side(data, j, &id), &id);
        lf.join(model, [col("__bid")], [col(id.as_str())], JoinArgs::new(JoinType::Left))
    });
    joined.select(pass_columns(data, side, models))
}
