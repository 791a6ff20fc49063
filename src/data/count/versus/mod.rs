//! Counting the other models against one of them (`--versus BASE`, and the ranking's pairwise
//! tests against the best model), every model-vs-BASE table exactly what a run with BASE as the
//! baseline would count: BASE in the baseline's place, on the items of the baseline file (which
//! carries the truth and the group levels). A model that shares no item with BASE is left out
//! and named as unpaired (its comparison with BASE cannot be paired).
//!
//! Two ways, same counts (the tests check it):
//! - [`tally`]: from the keys the main count kept by item ([`item_keys`]), no file read again;
//!   whenever the main count went through the positional pass or the id index.
//! - [`joined`]: BASE joined with the baseline's items and the other models counted again, by the
//!   same strategies; for runs counted by the group-by path or at the item level (repeated
//!   samples, annotators).

pub(crate) mod item_keys;
mod joined;
mod tally;

use crate::counts::{CountsTable, VersusTable};
use crate::data::count::encode::cells::CellLayout;
use crate::data::count::encode::decode::counts_table;
use crate::data::count::grouping_counts::check_level_count;
use crate::data::count::Strategy;
use crate::data::input::{Dataset, SourceFrame};
use crate::error::{AmplifyError, Result};
pub use item_keys::ItemKeys;

/// Counts every other model against `base`, from the main count's `items` when it kept them.
pub fn count_versus(
    data: &Dataset,
    base: &str,
    strategy: Strategy,
    items: Option<&ItemKeys>,
) -> Result<VersusTable> {
    let Some(position) = data.models.iter().position(|m| m.name == base && !data.is_own(m)) else {
        let names: Vec<&str> = data.compared().map(|m| m.name.as_str()).collect();
        return Err(AmplifyError::Usage(format!(
            "--versus {base}: no model is named '{base}'; the models are: {}",
            names.join(", ")
        )));
    };
    if data.compared().count() < 2 {
        return Err(AmplifyError::Usage(format!(
            "--versus {base}: it is the only model; give the base model and at least one other"
        )));
    }
    if let Some(items) = items {
        if let Some(table) = from_items(data, position, items)? {
            return Ok(table);
        }
    }
    joined::count_joined(data, position, strategy)
}

/// The versus table from the kept keys; `None` when they cannot serve (a cell index that would
/// not fit, keys inconsistent with the tables).
fn from_items(data: &Dataset, position: usize, items: &ItemKeys) -> Result<Option<VersusTable>> {
    let Some(layout) = CellLayout::new(data.columns.len(), data.max_levels.saturating_add(1)) else {
        return Ok(None);
    };
    let Some(tally) = tally::tally(data, items, layout, position, &others(data, position)) else {
        return Ok(None);
    };
    let base = &data.models[position];
    for ((spec, &levels), unplaced) in data.groupings.iter().zip(&tally.levels).zip(&tally.groupings) {
        check_level_count(spec, levels, data.max_levels, unplaced)?;
    }
    let baseline = SourceFrame { rows: tally.base_items, ..base.clone() };
    let mut derived = derived_dataset(data, position, baseline);
    // A model that shares no item with BASE is compared unpaired.
    let (mut tables, mut unpaired) = (tally.tables, Vec::new());
    let mut paired = (Vec::new(), Vec::new());
    for ((model, rows), &shared) in derived.models.drain(..).zip(tables.models.drain(..)).zip(&tally.matched)
    {
        match shared {
            0 => unpaired.push(model.name),
            _ => {
                paired.0.push(model);
                paired.1.push(rows);
            }
        }
    }
    (derived.models, tables.models) = paired;
    let name = base.name.clone();
    if derived.models.is_empty() {
        return Ok(Some(VersusTable { base: name, table: CountsTable::default(), unpaired }));
    }
    let mut table = counts_table(&derived, tables, tally.groupings)?;
    table.drop_repeated_source_rows();
    Ok(Some(VersusTable { base: name, table, unpaired }))
}

/// The compared models other than model `position` (indices into `data.models`).
fn others(data: &Dataset, position: usize) -> Vec<usize> {
    (0..data.models.len()).filter(|&j| j != position && !data.is_own(&data.models[j])).collect()
}

/// The dataset with model `position` in the baseline's place (as `baseline`, on the baseline
/// file's items) and the other compared models, each comparing only the metrics BASE has.
fn derived_dataset(data: &Dataset, position: usize, baseline: SourceFrame) -> Dataset {
    let base = &data.models[position];
    let models = others(data, position)
        .into_iter()
        .map(|j| {
            let m = &data.models[j];
            let present = m.present.iter().zip(&base.present).map(|(a, b)| *a && *b).collect();
            SourceFrame { present, ..m.clone() }
        })
        .collect();
    Dataset {
        layout: data.layout,
        id_column: data.id_column.clone(),
        id_type: data.id_type.clone(),
        baseline,
        models,
        metrics: data.metrics.clone(),
        truth_metrics: data.truth_metrics.clone(),
        columns: data.columns.clone(),
        has_truth: data.has_truth,
        groupings: data.groupings.clone(),
        max_levels: data.max_levels,
        skipped: Vec::new(),
        absent: Vec::new(),
        notes: Vec::new(),
        files: data.files.clone(),
        pairs: None,
        repeats: data.repeats.clone(),
        classes: None,
    }
}

#[cfg(test)]
mod tests;
