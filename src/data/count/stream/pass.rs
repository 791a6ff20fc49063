//! The counting pass: a streaming query yields, per row, the baseline's truth-and-labels offset
//! `__tb`, each model's key `__k{j}` (negative: the model has no such item) and the group levels
//! `__g{j}`; amplify counts the rows into cell tables ([`crate::data::count::encode::cells`]) per model and grouping,
//! and one for the baseline alone (its labels against the truth, and each grouping's unplaced
//! items). Rows reach the pass paired by position ([`crate::data::count::stream::positional`]) or by the id
//! index ([`crate::data::count::index`]).

use crate::counts::{GroupingCounts, PairCells, PairingCounts};
use crate::data::columns::{self, TRUTH_BASE};
use crate::data::count::counterfactual::in_pass::PairPass;
use crate::data::count::encode::cells::{slot_rows, CellLayout, CellTable, LevelCodes};
use crate::data::count::encode::decode::JointTables;
use crate::data::count::stream::positional::IdOrder;
use crate::data::count::versus::item_keys::Keeper;
use crate::data::engine::stream;
use crate::data::input::{Dataset, GroupingSpec};
use crate::error::Result;
use polars::prelude::*;

/// Why a pass stopped before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A row's ids differ between sources, or a baseline row has no id (positional pairing).
    Unaligned,
    /// A cell index outside the table (cannot happen with consistent inputs).
    OutOfRange,
    /// A grouping has more levels than allowed.
    TooManyLevels,
}

/// What a pass accumulates, batch by batch.
pub(crate) struct PassState {
    /// `tables[model][table]`; one table per grouping, or one for all items without groupings.
    tables: Vec<Vec<CellTable>>,
    /// The baseline's own tables (model key 0), every baseline row counted.
    baseline: Vec<CellTable>,
    levels: Vec<LevelCodes>,
    max_levels: usize,
    /// Items a derived grouping matched with more than one level, per grouping.
    ambiguous: Vec<u64>,
    /// Why the pass stopped early, if it did.
    pub stop: Option<Stop>,
    /// The positional pass's id check (`None` when rows are paired by a join).
    pub alignment: Option<IdOrder>,
    /// Whether this pass counts the baseline's own tables and ambiguous items (the first of
    /// several passes over the baseline does).
    pub counting_baseline: bool,
    /// Whether the baseline needs tables of its own: with rows paired by position every model's
    /// tables hold every baseline row, and the first model's serve.
    pub separate_baseline: bool,
    /// Scratch: level codes of the current batch, per grouping; zero keys for the baseline.
    codes: Vec<Vec<u32>>,
    zeros: Vec<i64>,
    /// The pairs' keys, when the pass counts the pairs too (positional, baseline names them).
    pub pairs: Option<PairPass>,
    /// Every item's keys, kept for `--versus` (appended here by the positional pass).
    pub kept: Option<Keeper>,
    /// The pairs as the id index's passes counted them (`None` also when two files place an
    /// item differently: the query path then words the error).
    pub counted_pairs: Option<(PairingCounts, Vec<PairCells>)>,
}

impl PassState {
    /// An empty state for the dataset's models and groupings.
    pub(crate) fn new(data: &Dataset, layout: CellLayout) -> Self {
        let groupings = data.groupings.len();
        let tables = || vec![CellTable::new(layout); groupings.max(1)];
        Self {
            tables: data.models.iter().map(|_| tables()).collect(),
            baseline: tables(),
            levels: vec![LevelCodes::default(); groupings],
            max_levels: data.max_levels,
            ambiguous: vec![0; groupings],
            stop: None,
            alignment: None,
            counting_baseline: true,
            separate_baseline: true,
            codes: vec![Vec::new(); groupings],
            zeros: Vec::new(),
            pairs: None,
            kept: None,
            counted_pairs: None,
        }
    }

    /// Counts one batch (the models whose keys `__k{j}` it has); returns `true` to stop the pass.
    pub(crate) fn count(&mut self, df: &DataFrame) -> PolarsResult<bool> {
        let models = self.tables.len();
        if self.stop.is_some() {
            return Ok(true);
        }
        if let Some(alignment) = &mut self.alignment {
            if !alignment.aligned(df, models)? {
                self.stop = Some(Stop::Unaligned);
                return Ok(true);
            }
        }
        for (j, codes) in self.codes.iter_mut().enumerate() {
            let levels = df.column(&columns::level(j))?.str()?.clone();
            if self.levels[j].encode(&levels, codes, self.max_levels).is_err() {
                self.stop = Some(Stop::TooManyLevels);
                return Ok(true);
            }
            if let (true, Ok(ambiguous)) = (self.counting_baseline, df.column(&columns::ambiguous(j))) {
                self.ambiguous[j] += u64::from(ambiguous.bool()?.sum().unwrap_or(0));
            }
        }
        let tb = df.column(TRUTH_BASE)?.i64()?.rechunk();
        let tb = tb.cont_slice()?;
        self.zeros.resize(tb.len(), 0);
        let mut ok = true;
        if self.counting_baseline && self.separate_baseline {
            self.zeros.resize(tb.len(), 0);
            ok &= add_all(&mut self.baseline, &self.levels, &self.codes, tb, &self.zeros);
        }
        let mut keys = Vec::with_capacity(models);
        for j in 0..models {
            let Ok(key) = df.column(&columns::model_key(j)) else { continue };
            let key = key.i64()?.rechunk();
            ok &= add_all(&mut self.tables[j], &self.levels, &self.codes, tb, key.cont_slice()?);
            keys.push(key);
        }
        let all_keys = || keys.iter().map(|k| k.cont_slice()).collect::<PolarsResult<Vec<&[i64]>>>();
        if let Some(pairs) = self.pairs.as_mut().filter(|_| keys.len() == models) {
            pairs.add(df, tb, &all_keys()?, &self.codes)?;
        }
        if let Some(kept) = self.kept.as_mut().filter(|_| keys.len() == models) {
            let ambiguous = (0..self.codes.len())
                .map(|j| df.column(&columns::ambiguous(j)).ok().map(bools).transpose())
                .collect::<PolarsResult<Vec<_>>>()?;
            kept.push(tb, &self.codes, &ambiguous, &all_keys()?);
        }
        if !ok {
            self.stop = Some(Stop::OutOfRange);
        }
        Ok(!ok)
    }

    /// The level codes of the batch counted last, per grouping.
    pub(crate) fn batch_codes(&self) -> &[Vec<u32>] {
        &self.codes
    }

    /// Takes every model's tables out, each sized for every level found so far (the baseline's
    /// levels, when only the baseline has been counted).
    pub(crate) fn take_model_tables(&mut self) -> Vec<Vec<CellTable>> {
        let mut tables = std::mem::take(&mut self.tables);
        for model in &mut tables {
            for (t, table) in model.iter_mut().enumerate() {
                table.ensure_slots(self.levels.get(t).map_or(1, LevelCodes::slots));
            }
        }
        tables
    }

    /// Puts back the tables [`Self::take_model_tables`] took, now counted.
    pub(crate) fn put_model_tables(&mut self, tables: Vec<Vec<CellTable>>) {
        self.tables = tables;
    }

    /// Each grouping's level names in slot order (slot s is name s − 1).
    pub(crate) fn level_names(&self) -> Vec<Vec<String>> {
        self.levels.iter().map(|l| l.names().to_vec()).collect()
    }

    /// The levels each grouping has.
    pub(crate) fn level_counts(&self) -> impl Iterator<Item = usize> + '_ {
        self.levels.iter().map(|l| l.names().len())
    }

    /// The tables holding every baseline row (see `separate_baseline`).
    fn baseline_tables(&self) -> &[CellTable] {
        match (self.separate_baseline, self.tables.first()) {
            (false, Some(first)) => first,
            _ => &self.baseline,
        }
    }

    /// Each grouping's unplaced items: slot 0 of the baseline's table minus those a derived
    /// grouping found ambiguous.
    pub(crate) fn grouping_counts(&self, specs: &[GroupingSpec]) -> Vec<GroupingCounts> {
        let baseline = self.baseline_tables();
        specs
            .iter()
            .enumerate()
            .map(|(j, spec)| {
                let outside = baseline.get(j).map_or(0, CellTable::outside);
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
    pub(crate) fn into_tables(self, data: &Dataset) -> JointTables {
        let names: Vec<Vec<String>> = self.levels.iter().map(|l| l.names().to_vec()).collect();
        let rows = |tables: &[CellTable], with_model| slot_rows(tables, &names, with_model);
        let models: Vec<_> = self.tables.iter().map(|tables| rows(tables, true)).collect();
        let baseline = if data.has_truth { rows(self.baseline_tables(), false) } else { Vec::new() };
        JointTables { models, baseline }
    }
}

/// A boolean column's values (null: false).
fn bools(column: &Column) -> PolarsResult<Vec<bool>> {
    Ok(column.bool()?.iter().map(|b| b.unwrap_or(false)).collect())
}

/// Adds a batch to one source's tables (one per grouping); `false` on an index out of range.
fn add_all(
    tables: &mut [CellTable],
    levels: &[LevelCodes],
    codes: &[Vec<u32>],
    tb: &[i64],
    keys: &[i64],
) -> bool {
    tables.iter_mut().enumerate().all(|(t, table)| {
        table.ensure_slots(levels.get(t).map_or(1, LevelCodes::slots));
        table.add(codes.get(t).map(Vec::as_slice), tb, keys)
    })
}

/// Runs the query into the counting state through a serial sink, in row order when `ordered`.
pub(crate) fn run(query: LazyFrame, state: PassState, ordered: bool) -> Result<PassState> {
    stream(query, state, ordered, "counting paired rows", PassState::count)
}
