//! The normalised [`Dataset`] reduced to the counts table, by one of three strategies that give
//! identical counts (the tests check it):
//!
//! - **position** ([`stream::positional`]): every source lists the same ids in the same order;
//!   one streaming pass reads all files side by side and checks the ids row by row on the way.
//! - **join** ([`index`]): one streaming pass over the baseline builds an index of its ids
//!   ([`index::id_index`]: direct addresses for dense integer ids, else one hash table) and keeps
//!   each item's cell offset by slot; every model's rows then stream past it, models in parallel.
//! - **group-by** ([`group_by`]): polars alone, one inner join and one group-by of the packed
//!   label keys per model and slot; for very many metrics, when a cell index would not fit.
//!
//! The passes ([`stream`]) count rows into cell tables ([`encode::cells`]) of packed label keys
//! ([`encode::keys`]); every strategy ends in the same joint rows, decoded by [`encode::decode`].
//! [`Strategy::Auto`] tries them in that order; the hidden `--pairing` flag forces one.
//! A run with repeated samples or annotators is counted at the item level instead ([`repeated`]).
//! Counterfactual pairs (`--pair`) are counted in the positional pass when only the baseline
//! names them ([`counterfactual::in_pass`]), else after it by one more query
//! ([`counterfactual::tables`]). The groupings' unplaced items are counted by [`grouping_counts`](mod@grouping_counts);
//! `--versus BASE` recounts with BASE as the baseline ([`versus`]); `--verdict-classes` adds one
//! join and group-by per model over the class codes ([`verdict_classes`]). `amplify words`
//! counts the words of response texts per level instead ([`words`]); `amplify leakage` keeps one
//! document per item and source ([`documents`]).

mod counterfactual;
pub(crate) mod documents;
mod encode;
mod group_by;
mod grouping_counts;
mod index;
mod prefetch;
mod repeated;
mod stream;
#[cfg(test)]
mod tests;
mod verdict_classes;
mod versus;
pub(crate) mod words;

use crate::counts::{CountsTable, GroupingCounts, PairCells, PairingCounts};
use crate::data::columns::ID;
use crate::data::count::counterfactual::in_pass::PairPass;
use crate::data::count::encode::cells::CellLayout;
use crate::data::count::encode::decode::JointTables;
use crate::data::count::grouping_counts::{check_level_count, grouping_counts};
use crate::data::count::stream::pass::{PassState, Stop};
use crate::data::count::versus::item_keys::Keeper;
use crate::data::engine::first_line;
use crate::data::input::source::scan;
use crate::data::input::{ids, Dataset, FileFormat, GroupingSpec};

use crate::error::{AmplifyError, Result};

pub use versus::{count_versus, ItemKeys};

/// Most memory the kept item keys may take (beyond it, `--versus` counts by the joined path,
/// which reads the files again instead): 1 GiB, e.g. 10M items, one grouping and 22 compared
/// models.
pub const KEEP_BUDGET: u64 = 1 << 30;

/// How rows are paired before they are counted (the hidden `--pairing` flag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// By position when the sources line up, else by a join, else the group-by path.
    #[default]
    Auto,
    /// Only by position: an error when the sources do not list the same ids in the same order.
    Position,
    /// By a join (the group-by path when the cell index would not fit).
    Join,
    /// The polars group-by path.
    GroupBy,
}

/// Rows paired by position or by a join, counted in one pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pairing {
    /// Row i of every source is the same item.
    Position,
    /// Rows are matched on the id.
    Join,
}

/// What a pass found: the joint tables and each grouping's unplaced items.
struct Counted {
    /// Joint rows of every model (and of the baseline against the truth).
    tables: JointTables,
    /// Per grouping: items outside every level, and ambiguous ones.
    groupings: Vec<GroupingCounts>,
    /// The pairs, when the pass counted them.
    pairs: Option<(PairingCounts, Vec<PairCells>)>,
    /// Every item's keys, when the count was asked to keep them.
    items: Option<ItemKeys>,
}

/// Computes the counts table of every model against the baseline.
///
/// Fails on missing or duplicate ids, when a model shares no id with the baseline, when a
/// compared metric has no valid label on one side among the matched items, and on groupings with
/// no level or too many levels.
pub fn count(data: &Dataset, strategy: Strategy) -> Result<CountsTable> {
    count_keeping(data, strategy, false).map(|(table, _)| table)
}

/// [`count`], also keeping every item's keys when `keep` (for [`count_versus`], which then
/// reads no file again); `None` when the count went by a path that keeps none (the group-by
/// path, repeated samples, annotators) or when they would take more than [`KEEP_BUDGET`].
pub fn count_keeping(
    data: &Dataset,
    strategy: Strategy,
    keep: bool,
) -> Result<(CountsTable, Option<ItemKeys>)> {
    count_within(data, strategy, keep, KEEP_BUDGET)
}

/// [`count_keeping`] with the keys kept only within `budget` bytes.
pub(crate) fn count_within(
    data: &Dataset,
    strategy: Strategy,
    keep: bool,
    budget: u64,
) -> Result<(CountsTable, Option<ItemKeys>)> {
    let keep = keep && versus::item_keys::bytes(data) <= budget;
    let (mut table, items) = count_with(data, strategy, keep).map_err(|error| match error {
        AmplifyError::Engine { .. } => blame_csv(data).unwrap_or(error),
        other => other,
    })?;
    // The baseline counted as its own model repeats the baseline's truth and repeat rows.
    table.drop_repeated_source_rows();
    Ok((table, items))
}

/// An engine error while counting usually means a CSV file is malformed past the rows read to
/// infer its schema; the error names no file, so each CSV input is parsed in full to find it.
fn blame_csv(data: &Dataset) -> Option<AmplifyError> {
    data.files.iter().filter(|f| f.format == FileFormat::Csv).find_map(|f| {
        let parsed = scan(&f.path, FileFormat::Csv).and_then(|lf| lf.collect());
        parsed.err().map(|e| AmplifyError::Unreadable {
            path: f.path.clone(),
            format: "CSV",
            reason: first_line(&e.to_string()),
        })
    })
}

fn count_with(data: &Dataset, strategy: Strategy, keep: bool) -> Result<(CountsTable, Option<ItemKeys>)> {
    if data.repeats.is_some() {
        return Ok((repeated::items::count_repeated(data)?, None));
    }
    // Pairs named outside the baseline's file are counted in the id index's passes.
    let pairs_by_slot = data.pairs.as_ref().is_some_and(|m| !m.in_baseline);
    let positional = match strategy {
        Strategy::Auto if pairs_by_slot => None,
        Strategy::Auto | Strategy::Position => paired(data, Pairing::Position, keep)?,
        Strategy::Join | Strategy::GroupBy => None,
    };
    if positional.is_none() && strategy == Strategy::Position {
        return Err(AmplifyError::Usage(
            "--pairing position: the sources do not list the same ids in the same order; use --pairing auto to join on id".into(),
        ));
    }
    let counted = match (positional, strategy) {
        (Some(counted), _) => Some(counted),
        (None, Strategy::GroupBy) => None,
        (None, _) => paired(data, Pairing::Join, keep)?,
    };
    let (tables, groupings, counted_pairs, items) = match counted {
        Some(found) => (found.tables, found.groupings, found.pairs, found.items),
        None => {
            let groupings = grouping_counts(&data.baseline.lazy, &data.groupings, data.max_levels)?;
            (group_by::joint_tables(data)?, groupings, None, None)
        }
    };
    let mut table = encode::decode::counts_table(data, tables, groupings)?;
    let pairs = match (counted_pairs, &data.pairs) {
        (Some(found), _) => Some(found),
        (None, Some(map)) => Some(counterfactual::tables::count_pairs(data, map)?),
        (None, None) => None,
    };
    if let Some((pairing, pairs)) = pairs {
        table.pairing = Some(pairing);
        table.pairs = pairs;
    }
    if let Some(frames) = &data.classes {
        table.classes = verdict_classes::count_classes(data, frames)?;
    }
    Ok((table, items))
}

/// Counts every model against the baseline with rows paired as asked, or returns `None` when
/// this pairing does not apply (sources that do not line up, a cell index that would not fit);
/// keeps every item's keys when `keep`. Fails on missing or duplicate ids and on groupings with
/// no level or too many levels.
fn paired(data: &Dataset, pairing: Pairing, keep: bool) -> Result<Option<Counted>> {
    let Some(layout) = CellLayout::new(data.columns.len(), data.max_levels.saturating_add(1)) else {
        return Ok(None);
    };
    if pairing == Pairing::Position
        && (data.models.iter().any(|m| m.rows != data.baseline.rows)
            || !stream::positional::heads_aligned(data)?)
    {
        return Ok(None);
    }
    if pairing == Pairing::Join {
        let state = index::baseline_pass::count_indexed(data, layout, keep)?;
        return finish(data, state, pairing, layout.side());
    }
    let integer_ids = data.baseline.lazy.clone().collect_schema().ok().and_then(|s| s.get(ID).cloned());
    let integer_ids = integer_ids.is_some_and(|t| t.is_integer());
    let query = stream::positional::side_by_side(data, layout.side(), integer_ids)?;
    let mut state = PassState::new(data, layout);
    state.alignment = Some(stream::positional::IdOrder::new(integer_ids));
    state.separate_baseline = false;
    // The aligned pass sees every item of the baseline's pairs with every source's key.
    let pairs_in_pass = data.pairs.as_ref().is_some_and(|m| m.in_baseline);
    state.pairs = pairs_in_pass.then(|| PairPass::new(data)).flatten();
    let rows = usize::try_from(data.baseline.rows).unwrap_or(0);
    state.kept = keep.then(|| Keeper::new(&derived_groupings(data), &compared_models(data), rows));
    let state = stream::pass::run(query, state, true)?;
    finish(data, state, pairing, layout.side())
}

/// Turns a finished pass into counts: `None` if it stopped early (an unaligned row, an index out
/// of range); fails on a grouping with no level or too many, and on duplicate baseline ids that
/// the positional pass could not rule out.
fn finish(data: &Dataset, mut state: PassState, pairing: Pairing, side: u64) -> Result<Option<Counted>> {
    match state.stop {
        Some(Stop::TooManyLevels) if pairing == Pairing::Join => {
            // Reports the exact number of levels.
            grouping_counts(&data.baseline.lazy, &data.groupings, data.max_levels)?;
            return Ok(None);
        }
        Some(_) => return Ok(None),
        None => {}
    }
    let groupings = state.grouping_counts(&data.groupings);
    for ((spec, levels), unplaced) in data.groupings.iter().zip(state.level_counts()).zip(&groupings) {
        check_level_count(spec, levels, data.max_levels, unplaced)?;
    }
    if state.alignment.as_ref().is_some_and(|a| !a.order.holds) {
        ids::check_ids(&data.baseline, &data.files[data.baseline.file].path)?;
    }
    let pairs = match (state.counted_pairs.take(), state.pairs.take()) {
        (Some(counted), _) => Some(counted),
        (None, Some(collected)) => Some(collected.finish(data, side, &state.level_names())?),
        (None, None) => None,
    };
    let items = state.kept.take().map(|kept| kept.finish(state.level_names()));
    Ok(Some(Counted { tables: state.into_tables(data), groupings, pairs, items }))
}

/// Per grouping: whether it is derived (the only kind with ambiguous items).
fn derived_groupings(data: &Dataset) -> Vec<bool> {
    data.groupings.iter().map(|s| matches!(s, GroupingSpec::Derived { .. })).collect()
}

/// Per model: whether it is compared (not the baseline's own).
fn compared_models(data: &Dataset) -> Vec<bool> {
    data.models.iter().map(|m| !data.is_own(m)).collect()
}
