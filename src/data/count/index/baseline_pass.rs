//! Rows paired by an id index ([`crate::data::count::index::id_index`]) rather than a join: one streaming pass over
//! the baseline counts its own tables (as [`PassState::count`] does for any pass) and keeps, per
//! slot of the index, the item's truth-and-labels offset `__tb` and level codes; then each
//! model's (id, key) rows stream past the index ([`crate::data::count::index::model_pass`]), several models at once,
//! each with its own tables, and each row found is counted in the cell of the baseline item it
//! names. With counterfactual pairs, the passes also keep each slot's place in its pair and
//! each model's key by slot, and the pairs are counted from them once the models are done
//! ([`crate::data::count::counterfactual::by_slot`]).
//!
//! The passes also check the ids on the way: a null id, or an id twice in one source (in the
//! baseline while the index is built; in a model through a bit per slot it has seen, and a set
//! of the ids the baseline lacks), stops the pass, and the error is then worded by
//! [`ids::check_ids`], which reads the source again to list the offending ids.

use crate::data::columns::{self, BASELINE_ID, ID, TRUTH_BASE};
use crate::data::count::counterfactual::by_slot::{self, ByRecord, ModelPlaces, SlotPlaces};
use crate::data::count::encode::cells::{CellLayout, CellTable};
use crate::data::count::index::id_index::{BatchIds, IdIndex, Refused};
use crate::data::count::index::model_pass::{count_model, ModelPass};
use crate::data::count::index::slots::Slots;
use crate::data::count::stream::columns::{baseline_side, pass_columns};
use crate::data::count::stream::pass::{PassState, Stop};
use crate::data::count::versus::item_keys::{Keeper, SlotKeys};
use crate::data::engine::{cell_u64, collect_streaming, stream, EngineContext};
use crate::data::input::{ids, Dataset, FileFormat, SourceFrame};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use std::sync::Arc;

/// Models counted at once even on fewer cores: with 3 models on 2 cores, 2 threads would leave
/// the third model to run alone at the end; 3 threads share the cores to the end.
const MIN_THREADS: usize = 4;

/// What the baseline pass accumulates.
struct BaselinePass {
    state: PassState,
    slots: Slots,
    scratch: Vec<u32>,
    /// A null id or an id twice: the pass stopped, the full check words the error.
    bad_ids: bool,
    /// An id outside the dense range (bounds from a footer that were wrong): the pass stopped.
    outside_range: bool,
    /// Per grouping, per slot: ambiguous (kept for `--versus` from derived groupings; else
    /// empty).
    ambiguous: Vec<Vec<bool>>,
    keep: bool,
}

/// Counts every model against the baseline through the id index; the state is then finished
/// like any pass's (its `stop` says why it ended early, if it did), its `kept` holding every
/// slot's keys when `keep`.
pub(crate) fn count_indexed(data: &Dataset, layout: CellLayout, keep: bool) -> Result<PassState> {
    let mut pass = index_baseline(data, layout, true, keep)?;
    if pass.outside_range {
        // The footer's bounds did not hold: read them from the data.
        pass = index_baseline(data, layout, false, keep)?;
    }
    if pass.bad_ids || pass.outside_range {
        return Err(id_error(&data.baseline, data));
    }
    if pass.state.stop.is_some() {
        return Ok(pass.state);
    }
    let tables = pass.state.take_model_tables();
    let (width, slots) = (pass.slots.width, Arc::new(pass.slots));
    let Some(counted) = count_models(data, &slots, tables, keep)? else {
        pass.state.stop = Some(Stop::OutOfRange);
        return Ok(pass.state);
    };
    pass.state.put_model_tables(counted.tables);
    // Every model pass is over: the index is no longer shared (were it, the pairs would go by
    // the query path).
    let (records, places) = match Arc::try_unwrap(slots) {
        Ok(slots) => (slots.records, slots.places),
        Err(shared) => (shared.records.clone(), None),
    };
    let keys = counted.keys;
    if let Some(places) = places {
        let by = ByRecord { records: &records, width, keys: &keys };
        let names = pass.state.level_names();
        pass.state.counted_pairs = by_slot::finish(places, counted.places, by, data, layout.side(), &names)?;
    }
    if keep {
        let mut ambiguous = pass.ambiguous;
        let len = records.len() / width;
        ambiguous.iter_mut().filter(|a| !a.is_empty()).for_each(|a| a.resize(len, false));
        pass.state.kept = Some(Keeper::by_slot(records, width, keys, ambiguous));
    }
    Ok(pass.state)
}

/// The baseline pass: counts the baseline's own tables and fills the index and the records
/// (id bounds from a Parquet footer if `footer` allows), and each slot's ambiguity if `keep`.
fn index_baseline(data: &Dataset, layout: CellLayout, footer: bool, keep: bool) -> Result<BaselinePass> {
    let mut state = PassState::new(data, layout);
    state.separate_baseline = true;
    let (index, capacity) = empty_index(data, footer)?;
    let width = 1 + data.groupings.len();
    let places = SlotPlaces::new(data);
    let slots = Slots { index, width, records: vec![-1; capacity * width], places };
    let mut columns = pass_columns(data, layout.side(), &[]);
    columns.push(col(BASELINE_ID));
    let query = baseline_side(data).select(columns);
    let ambiguous = vec![Vec::new(); data.groupings.len()];
    let pass = BaselinePass {
        state,
        slots,
        scratch: Vec::new(),
        bad_ids: false,
        outside_range: false,
        ambiguous,
        keep,
    };
    stream(query, pass, false, "indexing the baseline's ids", BaselinePass::add)
}

/// The empty index for the baseline's ids (dense when its integer ids are narrow) and how many
/// slots to allocate up front.
fn empty_index(data: &Dataset, footer: bool) -> Result<(IdIndex, usize)> {
    let rows = usize::try_from(data.baseline.rows).unwrap_or(usize::MAX);
    let dtype = data.baseline.lazy.clone().collect_schema().ok().and_then(|s| s.get(ID).cloned());
    let dtype = dtype.unwrap_or(DataType::String);
    let strings = !(dtype.is_integer() || dtype.is_float());
    // UInt64 ids are keyed by their bits, which do not keep the order a range needs.
    let range =
        if dtype.is_integer() && dtype != DataType::UInt64 { id_range(data, &dtype, footer)? } else { None };
    let index = IdIndex::new(rows, range, strings);
    let capacity = if index.slots_are_rows() { rows } else { index.slots() };
    Ok((index, capacity))
}

/// Bounds of the baseline's integer ids (`None` when it has no id): from a Parquet file's footer
/// when its statistics have them (signed types only: unsigned ones are stored as signed), else
/// the smallest and largest id, read by a query.
fn id_range(data: &Dataset, dtype: &DataType, footer: bool) -> Result<Option<(i64, i64)>> {
    let file = &data.files[data.baseline.file];
    if footer && file.format == FileFormat::Parquet && file.path.is_file() && dtype.is_signed_integer() {
        if let Some(range) = ids::footer_range(&file.path, &data.baseline.id_column) {
            return Ok(Some(range));
        }
    }
    let id = || col(ID).cast(DataType::Int64);
    let query = data.baseline.lazy.clone().select([
        id().min().alias("min"),
        id().max().alias("max"),
        id().count().cast(DataType::Int64).alias("n"),
    ]);
    let df =
        collect_streaming(query).engine(|| format!("{}: reading the range of ids", file.path.display()))?;
    if cell_u64(&df, "n")? == 0 {
        return Ok(None);
    }
    let bound = |name: &str| df.column(name).ok().and_then(|c| c.i64().ok()?.get(0));
    Ok(bound("min").zip(bound("max")))
}

impl BaselinePass {
    /// Counts one baseline batch and places its items in the index; `true` stops the pass.
    fn add(&mut self, df: &DataFrame) -> PolarsResult<bool> {
        let Some(ids) = BatchIds::read(df.column(BASELINE_ID)?)? else {
            self.bad_ids = true;
            return Ok(true);
        };
        match self.slots.index.insert(&ids, &mut self.scratch) {
            Ok(()) => {}
            Err(Refused::Duplicate) => self.bad_ids = true,
            Err(Refused::OutsideRange) => self.outside_range = true,
        }
        if self.bad_ids || self.outside_range {
            return Ok(true);
        }
        if self.state.count(df)? {
            return Ok(true);
        }
        let tb = df.column(TRUTH_BASE)?.i64()?;
        let needed = self.scratch.iter().max().map_or(0, |&s| s as usize + 1);
        let width = self.slots.width;
        let slots = &mut self.slots;
        if slots.len() < needed {
            slots.records.resize(needed * width, -1);
        }
        for (&slot, value) in self.scratch.iter().zip(tb.iter()) {
            slots.records[slot as usize * width] = value.unwrap_or(-1);
        }
        for (g, batch) in self.state.batch_codes().iter().enumerate() {
            for (&slot, &code) in self.scratch.iter().zip(batch) {
                slots.records[slot as usize * width + 1 + g] = i64::from(code);
            }
        }
        if self.keep {
            self.keep_ambiguity(df, needed)?;
        }
        if let Some(places) = &mut self.slots.places {
            places.note_baseline(df, &self.scratch)?;
        }
        Ok(false)
    }

    /// Notes by slot the batch's items a derived grouping found ambiguous.
    fn keep_ambiguity(&mut self, df: &DataFrame, needed: usize) -> PolarsResult<()> {
        for (j, kept) in self.ambiguous.iter_mut().enumerate() {
            let Ok(column) = df.column(&columns::ambiguous(j)) else { continue };
            if kept.len() < needed {
                kept.resize(needed, false);
            }
            for (&slot, value) in self.scratch.iter().zip(column.bool()?.iter()) {
                kept[slot as usize] = value.unwrap_or(false);
            }
        }
        Ok(())
    }
}

/// What the model passes leave, per model in the dataset's order.
struct ModelsCounted {
    /// Each model's tables.
    tables: Vec<Vec<CellTable>>,
    /// Each model's key by slot, when kept: for `--versus` (compared models) and for the pairs
    /// (every model).
    keys: Vec<Option<Vec<i32>>>,
    /// What each model's pass kept for the pairs (empty without pairs).
    places: Vec<ModelPlaces>,
}

/// Counts each model's rows into its tables, models in parallel (at least [`MIN_THREADS`] at
/// once, more on more cores; cores beyond one per model split each batch);
/// fails with the first model's error, in model order; `None` when a cell index fell outside
/// its table.
fn count_models(
    data: &Dataset,
    slots: &Arc<Slots>,
    tables: Vec<Vec<CellTable>>,
    keep: bool,
) -> Result<Option<ModelsCounted>> {
    let models = tables.len();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.max(MIN_THREADS).clamp(1, models.max(1));
    // Cores beyond one per model share each model's batches.
    let parts = (cores / threads).max(1);
    let queue = std::sync::Mutex::new(tables.into_iter().enumerate());
    let next = || queue.lock().ok().and_then(|mut q| q.next());
    let mut done: Vec<(usize, Result<ModelPass>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    std::iter::from_fn(next)
                        .map(|(j, own)| (j, count_model(data, j, slots, own, parts, keep)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
    });
    done.sort_by_key(|(j, _)| *j);
    if done.len() < models {
        return Err(AmplifyError::Engine {
            context: "counting the models".into(),
            reason: "a counting thread panicked".into(),
        });
    }
    let mut counted = ModelsCounted { tables: Vec::new(), keys: Vec::new(), places: Vec::new() };
    for (j, result) in done {
        let pass = result?;
        if pass.bad_ids {
            return Err(id_error(&data.models[j], data));
        }
        if pass.out_of_range {
            return Ok(None);
        }
        counted.tables.push(pass.tables);
        counted.keys.push(pass.kept.map(SlotKeys::into_keys));
        counted.places.push(pass.places.unwrap_or_default());
    }
    Ok(Some(counted))
}

/// The error for a source whose ids failed a check in a pass, worded by the full check (which
/// reads the source again to list the ids).
fn id_error(frame: &SourceFrame, data: &Dataset) -> AmplifyError {
    let path = &data.files[frame.file].path;
    match ids::check_ids(frame, path) {
        Err(error) => error,
        Ok(()) => AmplifyError::Engine {
            context: format!("{}: reading ids in column '{}'", path.display(), frame.id_column),
            reason: "the ids changed while they were read (was the file rewritten?)".into(),
        },
    }
}
