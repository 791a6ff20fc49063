//! Rows of a counts file: the counts table flattened to keyed rows of counts, and one row back
//! to a (partial) counts table, with the checks of what each kind may hold.

use super::repeats::{self, Extra};
use super::{FlatRow, COUNT_COLUMNS};
use crate::counts::{
    cell_name, parse_cell, CountsTable, GroupingCounts, MetricCounts, ModelCounts, PairCells, PairingCounts,
    Slice, SliceKeys, TruthCounts, VersusTable, PAIR_CELLS,
};
use crate::stats::{PairedCounts, ScoreSums};

pub(super) fn flatten(table: &CountsTable) -> Vec<FlatRow> {
    let keys = |kind: &str, model: &str, metric: &str, s: &Slice| {
        let s = SliceKeys::from(s.clone());
        [kind, model, metric, &s.group_by, &s.level, &s.truth, "", ""].map(str::to_string)
    };
    let cells = |p: &PairedCounts, a: u64, b: u64| {
        let mut v = [0u64; 18];
        v[..6].copy_from_slice(&[p.both, p.model_only, p.baseline_only, p.neither, a, b]);
        v
    };
    let mut rows = Vec::new();
    for m in &table.metrics {
        let values = cells(&m.pairs, m.invalid_baseline, m.invalid_model);
        let extra = m.moments.as_ref().map(repeats::of_moments).unwrap_or_default();
        rows.push(FlatRow { keys: keys("metric", &m.model, &m.metric, &m.slice), values, extra });
    }
    for t in &table.truth {
        let values = cells(&t.pairs, t.invalid_truth, t.invalid_label);
        let extra = t.moments.as_ref().map(repeats::of_truth).unwrap_or_default();
        rows.push(FlatRow { keys: keys("truth", &t.source, &t.metric, &t.slice), values, extra });
    }
    for r in &table.repeats {
        let extra = repeats::of_repeat(r);
        let keys = keys("repeat", &r.source, &r.metric, &Slice::all());
        rows.push(FlatRow { keys, values: [0; 18], extra });
    }
    for m in &table.models {
        let s = m.score;
        let mut values = [0u64; 18];
        values[6..13].copy_from_slice(&[
            m.matched,
            m.baseline_only,
            m.model_only,
            s.n,
            s.sum_baseline,
            s.sum_model,
            s.sum_sq_diff,
        ]);
        let extra = m.score_moments.as_ref().map(repeats::of_score).unwrap_or_default();
        rows.push(FlatRow { keys: keys("model", &m.model, "", &Slice::all()), values, extra });
    }
    for g in &table.groupings {
        let mut values = [0u64; 18];
        values[13..15].copy_from_slice(&[g.unassigned, g.ambiguous]);
        let keys = ["grouping", "", "", &g.group_by, "", "", "", ""].map(str::to_string);
        rows.push(FlatRow { keys, values, extra: Extra::default() });
    }
    rows.extend(flatten_pairs(table));
    for v in &table.versus {
        for mut row in flatten(&v.table) {
            row.keys[6] = v.base.clone();
            rows.push(row);
        }
        for model in &v.unpaired {
            let keys = ["unpaired", model, "", "", "", "", &v.base, ""].map(str::to_string);
            rows.push(FlatRow { keys, values: [0; 18], extra: Extra::default() });
        }
    }
    rows
}

/// The pair rows: the `pairing` row (the variants A and B in `group_by` and `level`), and one
/// `pair` row per non-zero cell of each joint table (a table of zeros keeps one row, cell `----`).
fn flatten_pairs(table: &CountsTable) -> Vec<FlatRow> {
    let mut rows = Vec::new();
    if let Some(p) = &table.pairing {
        let mut values = [0u64; 18];
        values[15..].copy_from_slice(&[p.complete, p.missing_side, p.duplicate_side]);
        let [a, b] = &p.variants;
        let keys = ["pairing", "", "", a, b, "", "", ""].map(str::to_string);
        rows.push(FlatRow { keys, values, extra: Extra::default() });
    }
    for t in &table.pairs {
        let s = SliceKeys::from(t.slice.clone());
        let nonzero: Vec<usize> = (0..PAIR_CELLS).filter(|&c| t.cells[c] > 0).collect();
        let written = if nonzero.is_empty() { vec![PAIR_CELLS - 1] } else { nonzero };
        for c in written {
            let mut values = [0u64; 18];
            values[15] = t.cells[c];
            let keys =
                ["pair", &t.model, &t.metric, &s.group_by, &s.level, &s.truth, &t.versus, &cell_name(c)];
            rows.push(FlatRow { keys: keys.map(str::to_string), values, extra: Extra::default() });
        }
    }
    rows
}

/// The columns a row's kind does not use must be 0 (a value there was meant for another kind).
pub(super) fn check_unused(row: &FlatRow) -> Result<(), String> {
    let (ints, floats) = Extra::used(&row.keys[0]);
    if let Some(i) = (0..repeats::INT_COLUMNS.len()).find(|i| !ints.contains(i) && row.extra.ints[*i] != 0) {
        return Err(format!(
            "column {} is {} but unused by this kind; it must be 0",
            repeats::INT_COLUMNS[i],
            row.extra.ints[i]
        ));
    }
    if let Some(i) =
        (0..repeats::SUM_COLUMNS.len()).find(|i| !floats.contains(i) && row.extra.floats[*i] != 0)
    {
        return Err(format!(
            "column {} is {} but unused by this kind; it must be 0",
            repeats::SUM_COLUMNS[i],
            row.extra.floats[i]
        ));
    }
    let used: &[usize] = match row.keys[0].as_str() {
        "metric" | "truth" => &[0, 1, 2, 3, 4, 5],
        "model" => &[6, 7, 8, 9, 10, 11, 12],
        "grouping" => &[13, 14],
        "pair" => &[15],
        "pairing" => &[15, 16, 17],
        "repeat" | "unpaired" => &[],
        _ => return Ok(()),
    };
    let versus_ok =
        ["pair", "metric", "truth", "model", "grouping", "unpaired"].contains(&row.keys[0].as_str());
    if row.keys[0] != "pair" && !row.keys[7].is_empty() {
        return Err("cell is for pair rows only; it must be empty".into());
    }
    if !versus_ok && !row.keys[6].is_empty() {
        return Err("versus is for pair rows and the rows of a --versus table only; it must be empty".into());
    }
    match (0..COUNT_COLUMNS.len()).find(|i| !used.contains(i) && row.values[*i] != 0) {
        Some(i) => Err(format!(
            "column {} is {} but unused by this kind; it must be 0",
            COUNT_COLUMNS[i], row.values[i]
        )),
        None => Ok(()),
    }
}

/// A row of a `--versus` table (a non-pair row with a `versus` key) goes into that table; an
/// `unpaired` row names a model that shares no item with the base.
pub(super) fn unflatten_versus(mut row: FlatRow) -> Result<CountsTable, String> {
    let base = row.keys[6].clone();
    if row.keys[0] == "unpaired" {
        if base.is_empty() || row.keys[1].is_empty() {
            return Err("an unpaired row names the model (model) and the base (versus)".into());
        }
        let v = VersusTable { base, table: CountsTable::default(), unpaired: vec![row.keys[1].clone()] };
        return Ok(CountsTable { versus: vec![v], ..CountsTable::default() });
    }
    if row.keys[0] == "pair" || base.is_empty() {
        return unflatten(row);
    }
    row.keys[6].clear();
    let table = unflatten(row)?;
    Ok(CountsTable {
        versus: vec![VersusTable { base, table, unpaired: Vec::new() }],
        ..CountsTable::default()
    })
}

fn unflatten(row: FlatRow) -> Result<CountsTable, String> {
    let extra = row.extra;
    let [kind, model, metric, group_by, level, truth, versus, cell] = row.keys;
    let v = row.values;
    let pairs = PairedCounts { both: v[0], model_only: v[1], baseline_only: v[2], neither: v[3] };
    let slice = || {
        Slice::try_from(SliceKeys { group_by: group_by.clone(), level: level.clone(), truth: truth.clone() })
    };
    let mut table = CountsTable::default();
    match kind.as_str() {
        "metric" => table.metrics.push(MetricCounts {
            model,
            metric,
            slice: slice()?,
            pairs,
            invalid_baseline: v[4],
            invalid_model: v[5],
            moments: item_moments(&extra, &pairs)?,
        }),
        "truth" => table.truth.push(TruthCounts {
            source: model,
            metric,
            slice: slice()?,
            pairs,
            invalid_truth: v[4],
            invalid_label: v[5],
            moments: match repeats::truth(&extra) {
                Some(_) if pairs.n() > 0 => {
                    return Err("a truth row has both 2×2 cells and item-level sums".into())
                }
                Some(t) => {
                    t.check()?;
                    Some(t)
                }
                None => None,
            },
        }),
        "model" => table.models.push(ModelCounts {
            model,
            matched: v[6],
            baseline_only: v[7],
            model_only: v[8],
            score: ScoreSums {
                n: v[9],
                metrics: 0,
                sum_baseline: v[10],
                sum_model: v[11],
                sum_sq_diff: v[12],
            },
            score_moments: match repeats::score(&extra) {
                Some(s) => Some(s.check(v[9])?),
                None => None,
            },
        }),
        "grouping" => table.groupings.push(GroupingCounts { group_by, unassigned: v[13], ambiguous: v[14] }),
        "repeat" => table.repeats.push(repeats::repeat(model, metric, &extra)?),
        "pair" => {
            let index = parse_cell(&cell).ok_or_else(|| {
                format!("cell '{cell}' is not four of 0, 1 or - (versus A, versus B, model A, model B)")
            })?;
            let mut t = PairCells::new(&versus, &model, &metric, slice()?);
            t.cells[index] = v[15];
            table.pairs.push(t);
        }
        "pairing" => {
            table.pairing = Some(PairingCounts {
                variants: [group_by, level],
                complete: v[15],
                missing_side: v[16],
                duplicate_side: v[17],
            })
        }
        other => {
            return Err(format!(
                "kind '{other}' is not metric, truth, model, grouping, pairing, pair, repeat or unpaired"
            ))
        }
    }
    Ok(table)
}

/// A metric row's item-level sums, checked; none when the row has only its 2×2 cells.
fn item_moments(extra: &Extra, pairs: &PairedCounts) -> Result<Option<crate::counts::Moments>, String> {
    let Some(m) = repeats::moments(extra) else { return Ok(None) };
    if pairs.n() > 0 {
        return Err("a metric row has both 2×2 cells and item-level sums".into());
    }
    m.check()?;
    Ok(Some(m))
}
