//! The positional pass: when every source lists the same ids in the same order (the usual shape
//! of evaluation outputs written from one prompt file), rows pair by position and no join is
//! needed. One streaming pass reads all sources side by side (polars' horizontal concatenation);
//! polars computes each row's packed labels and truth code per side and whether the row's ids
//! agree, and amplify counts each model's cell index (group level, truth, baseline labels, model
//! labels) into a table per model and grouping ([`super::cells`]). The first row whose ids differ
//! (or lack an id) ends the pass, and [`super::reduce`] falls back to the join.
//!
//! Uniqueness: integer ids that the pass finds strictly increasing are unique; otherwise the
//! baseline's ids are checked for duplicates after the pass (the models' ids equal the baseline's
//! row by row, so theirs are then unique too).

use super::cells::{CellLayout, CellTable, LevelCodes};
use super::groups::{check_level_count, GroupingSpec};
use super::joint::{key_exprs, JointTables};
use super::layout::{Dataset, ID};
use super::reduce::truth_code;
use super::EngineContext;
use crate::counts::GroupingCounts;
use crate::error::Result;
use polars::prelude::*;
use std::sync::{Arc, Mutex};

/// Why the pass stopped before the end: the join decides (and reports) from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// A row's ids differ between sources, or a baseline row has no id.
    Unaligned,
    /// A cell index outside the table (cannot happen with consistent inputs).
    OutOfRange,
    /// A grouping has more levels than allowed: the join path's level count reports it exactly.
    TooManyLevels,
}

/// What the positional pass found: the joint tables and each grouping's unplaced items.
pub(crate) struct Positional {
    /// Joint rows of every model (and of the baseline against the truth).
    pub tables: JointTables,
    /// Per grouping: items outside every level, and ambiguous ones.
    pub groupings: Vec<GroupingCounts>,
}

/// What the pass accumulates, batch by batch.
struct PassState {
    /// `tables[model][table]`; one table per grouping, or one for all items without groupings.
    tables: Vec<Vec<CellTable>>,
    levels: Vec<LevelCodes>,
    /// Whether ids are integers (compared here) or not (compared by polars).
    integer_ids: bool,
    /// Last integer id seen, and whether ids have been strictly increasing so far.
    last_id: Option<i64>,
    increasing: bool,
    stop: Option<Stop>,
    /// Scratch: level codes of the current batch, per grouping.
    codes: Vec<Vec<u32>>,
    max_levels: usize,
    /// Items a derived grouping matched with more than one level, per grouping.
    ambiguous: Vec<u64>,
}

/// Counts every model against the baseline by row position, or returns `None` when the sources
/// do not line up (different row counts, an id that differs, too many metrics for a cell index).
/// Fails on duplicate ids and on groupings with no level or too many levels.
///
/// `AMPLIFY_PAIRING=join` skips the pass (for diagnosis, and for the tests that check both paths
/// give the same counts).
pub(crate) fn by_position(data: &Dataset) -> Result<Option<Positional>> {
    let rows = data.baseline.rows;
    let forced_join = std::env::var("AMPLIFY_PAIRING").as_deref() == Ok("join");
    if forced_join || data.models.iter().any(|m| m.rows != rows) {
        return Ok(None);
    }
    let Some(layout) = CellLayout::new(data.columns.len(), data.max_levels.saturating_add(1)) else {
        return Ok(None);
    };
    let integer_ids = data.baseline.lazy.clone().collect_schema().ok().and_then(|s| s.get(ID).cloned());
    let integer_ids = integer_ids.is_some_and(|t| t.is_integer());
    let groupings = data.groupings.len();
    let state = Arc::new(Mutex::new(PassState {
        tables: data.models.iter().map(|_| vec![CellTable::new(layout); groupings.max(1)]).collect(),
        levels: vec![LevelCodes::default(); groupings],
        integer_ids,
        last_id: None,
        increasing: integer_ids,
        stop: None,
        codes: vec![Vec::new(); groupings],
        max_levels: data.max_levels,
        ambiguous: vec![0; groupings],
    }));
    let query = side_by_side(data, layout.side(), integer_ids)?;
    let sink_state = Arc::clone(&state);
    let callback = PlanCallback::new(move |df: DataFrame| {
        let mut state =
            sink_state.lock().map_err(|_| polars_err!(ComputeError: "counting state poisoned"))?;
        state.consume(&df, data_models(&df))
    });
    let sink = query.sink_batches(callback, true, None).engine(|| "pairing rows by position".into())?;
    super::collect_streaming(sink).engine(|| "pairing rows by position".into())?;
    let state = Arc::try_unwrap(state).ok().and_then(|m| m.into_inner().ok()).ok_or_else(|| {
        crate::error::AmplifyError::Engine {
            context: "pairing rows by position".into(),
            reason: "the counting state is still shared after the pass".into(),
        }
    })?;
    if state.stop.is_some() {
        return Ok(None);
    }
    for (spec, codes) in data.groupings.iter().zip(&state.levels) {
        check_level_count(spec, codes.names().len(), data.max_levels)?;
    }
    if !state.increasing {
        super::checks::check_ids(&data.baseline, &data.files[data.baseline.file].path)?;
    }
    let groupings = state.grouping_counts(&data.groupings);
    Ok(Some(Positional { tables: state.into_tables(data), groupings }))
}

/// Number of models in a batch (columns `__k0`, `__k1`, ...).
fn data_models(df: &DataFrame) -> usize {
    df.get_column_names().iter().filter(|n| n.starts_with("__k")).count()
}

/// The horizontal concatenation of every source: per row the baseline's truth-and-labels offset
/// `__tb` = (truth · side + baseline key) · side, each model's key `__k{j}` and the group levels
/// `__g{j}`; integer ids as `__ord` (baseline) and `__id{j}` (models), compared in Rust, other
/// ids compared here into `__bad` (ids differ or are missing).
fn side_by_side(data: &Dataset, side: u64, integer_ids: bool) -> Result<LazyFrame> {
    let side = lit(side as i64);
    let mut baseline = vec![col(ID).alias("__bid"), truth_code(data).alias("t")];
    baseline.extend(key_exprs("b", &data.columns, &data.baseline.present, &data.baseline.inverted));
    baseline.extend((0..data.groupings.len()).map(|j| col(format!("__g{j}"))));
    for (j, spec) in data.groupings.iter().enumerate() {
        if matches!(spec, GroupingSpec::Derived { .. }) {
            baseline.push(col(format!("__gm{j}")));
        }
    }
    let mut frames = vec![data.baseline.lazy.clone().select(baseline)];
    for (j, model) in data.models.iter().enumerate() {
        let mut exprs = vec![col(ID).alias(format!("__id{j}"))];
        exprs.extend(key_exprs(&format!("m{j}_"), &data.columns, &model.present, &model.inverted));
        frames.push(model.lazy.clone().select(exprs));
    }
    let joined = concat_lf_horizontal(frames, HConcatOptions::default())
        .engine(|| "placing the sources side by side".into())?;
    let mut out = vec![((col("t") * side.clone() + col("b0")) * side).alias("__tb")];
    out.extend((0..data.models.len()).map(|j| col(format!("m{j}_0")).alias(format!("__k{j}"))));
    out.extend((0..data.groupings.len()).map(|j| col(format!("__g{j}")).cast(DataType::String)));
    for (j, spec) in data.groupings.iter().enumerate() {
        if matches!(spec, GroupingSpec::Derived { .. }) {
            out.push(col(format!("__gm{j}")).gt(lit(1)).fill_null(false).alias(format!("__amb{j}")));
        }
    }
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

/// An id column as one chunk (no copy when it already is), or `None` when it has nulls.
fn ids(df: &DataFrame, name: &str) -> PolarsResult<Option<Int64Chunked>> {
    let ca = df.column(name)?.i64()?;
    if ca.null_count() > 0 {
        return Ok(None);
    }
    Ok(Some(ca.rechunk().into_owned()))
}

impl PassState {
    /// Counts one batch; returns `true` to stop the pass.
    fn consume(&mut self, df: &DataFrame, models: usize) -> PolarsResult<bool> {
        if self.stop.is_none() && !self.aligned(df, models)? {
            self.stop = Some(Stop::Unaligned);
        }
        if self.stop.is_some() {
            return Ok(true);
        }
        for (j, codes) in self.codes.iter_mut().enumerate() {
            let levels = df.column(&format!("__g{j}"))?.str()?.clone();
            if self.levels[j].encode(&levels, codes, self.max_levels).is_err() {
                self.stop = Some(Stop::TooManyLevels);
                return Ok(true);
            }
            if let Ok(ambiguous) = df.column(&format!("__amb{j}")) {
                self.ambiguous[j] += u64::from(ambiguous.bool()?.sum().unwrap_or(0));
            }
        }
        let tb = df.column("__tb")?.i64()?.rechunk();
        let tb = tb.cont_slice()?;
        for j in 0..models {
            let key = df.column(&format!("__k{j}"))?.i64()?.rechunk();
            let key = key.cont_slice()?;
            for (t, table) in self.tables[j].iter_mut().enumerate() {
                let codes = self.codes.get(t).map(Vec::as_slice);
                table.ensure_slots(self.levels.get(t).map_or(1, LevelCodes::slots));
                if !table.add(codes, tb, key) {
                    self.stop = Some(Stop::OutOfRange);
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// Whether every row of the batch has the same id in every source (and tracks the order of
    /// integer ids).
    fn aligned(&mut self, df: &DataFrame, models: usize) -> PolarsResult<bool> {
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
        if self.increasing {
            self.check_order(baseline);
        }
        Ok(true)
    }

    fn check_order(&mut self, ids: &[i64]) {
        let mut last = self.last_id;
        for &id in ids {
            if last.is_some_and(|l| id <= l) {
                self.increasing = false;
                return;
            }
            last = Some(id);
        }
        self.last_id = last;
    }

    /// Each grouping's unplaced items: slot 0 of its table (every baseline row passes through
    /// each model's tables) minus those a derived grouping found ambiguous.
    fn grouping_counts(&self, specs: &[GroupingSpec]) -> Vec<GroupingCounts> {
        let first = self.tables.first();
        specs
            .iter()
            .enumerate()
            .map(|(j, spec)| {
                let outside = first.and_then(|t| t.get(j)).map_or(0, CellTable::outside);
                let ambiguous = self.ambiguous[j];
                GroupingCounts {
                    group_by: spec.name(),
                    unassigned: outside.saturating_sub(ambiguous),
                    ambiguous,
                }
            })
            .collect()
    }

    /// Decodes the tables into joint rows per model (and the baseline's, for the truth).
    fn into_tables(self, data: &Dataset) -> JointTables {
        let names: Vec<Vec<String>> = self.levels.iter().map(|l| l.names().to_vec()).collect();
        let rows = |tables: &[CellTable], with_model| super::cells::slot_rows(tables, &names, with_model);
        let models: Vec<_> = self.tables.iter().map(|tables| rows(tables, true)).collect();
        let baseline = match self.tables.first() {
            Some(tables) if data.has_truth => rows(tables, false),
            _ => Vec::new(),
        };
        JointTables { models, baseline }
    }
}
