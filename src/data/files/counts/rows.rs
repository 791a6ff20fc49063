//! Rows of a counts file: the counts table flattened to keyed rows of counts, and one row back
//! to a (partial) counts table, with the checks of what each kind may hold.

use super::columns::{Count as C, Counts};
use super::invalid::{self, INVALID_COLUMNS};
use super::repeats::{self, Extra};
use super::FlatRow;
use crate::counts::{
    cell_name, parse_cell, ClassCells, ClassKey, CountsTable, GroupingCounts, MetricCounts, ModelCounts,
    PairCells, PairingCounts, Slice, SliceKeys, SliceScore, TruthCounts, VersusTable, PAIR_CELLS,
};
use crate::counts::{InvalidCells, PairedCounts, ScoreSums};

pub(super) fn flatten(table: &CountsTable) -> Vec<FlatRow> {
    let keys = |kind: &str, model: &str, metric: &str, s: &Slice| {
        let s = SliceKeys::from(s.clone());
        [kind, model, metric, &s.group_by, &s.level, &s.truth, "", ""].map(str::to_string)
    };
    let cells = |p: &PairedCounts, a: u64, b: u64| {
        Counts::default().with(&[
            (C::Both, p.both),
            (C::ModelOnly, p.model_only),
            (C::BaselineOnly, p.baseline_only),
            (C::Neither, p.neither),
            (C::InvalidBaseline, a),
            (C::InvalidModel, b),
        ])
    };
    let mut rows = Vec::new();
    for m in &table.metrics {
        let values = cells(&m.pairs, m.invalid_baseline, m.invalid_model);
        let extra = m.moments.as_ref().map(repeats::of_moments).unwrap_or_default();
        let invalid = m.invalid_cells;
        rows.push(FlatRow { keys: keys("metric", &m.model, &m.metric, &m.slice), values, extra, invalid });
    }
    for t in &table.truth {
        let values = cells(&t.pairs, t.invalid_truth, t.invalid_label);
        let extra = t.moments.as_ref().map(repeats::of_truth).unwrap_or_default();
        rows.push(FlatRow {
            keys: keys("truth", &t.source, &t.metric, &t.slice),
            values,
            extra,
            invalid: None,
        });
    }
    for r in &table.repeats {
        let extra = repeats::of_repeat(r);
        let keys = keys("repeat", &r.source, &r.metric, &Slice::all());
        rows.push(FlatRow { keys, values: Counts::default(), extra, invalid: None });
    }
    for m in &table.models {
        let values = Counts::default()
            .with(&[
                (C::Matched, m.matched),
                (C::BaselineOnlyIds, m.baseline_only),
                (C::ModelOnlyIds, m.model_only),
            ])
            .with(&score_values(&m.score));
        let extra = m.score_moments.as_ref().map(repeats::of_score).unwrap_or_default();
        rows.push(FlatRow { keys: keys("model", &m.model, "", &Slice::all()), values, extra, invalid: None });
    }
    // A group level's overall-score sums: a model row with the level, score columns only.
    for c in &table.scores {
        let values = Counts::default().with(&score_values(&c.score));
        let keys = keys("model", &c.model, "", &c.slice);
        let extra = c.moments.as_ref().map(repeats::of_score).unwrap_or_default();
        rows.push(FlatRow { keys, values, extra, invalid: None });
    }
    for g in &table.groupings {
        let values = Counts::default().with(&[(C::Unassigned, g.unassigned), (C::Ambiguous, g.ambiguous)]);
        let keys = ["grouping", "", "", &g.group_by, "", "", "", ""].map(str::to_string);
        rows.push(FlatRow { keys, values, extra: Extra::default(), invalid: None });
    }
    rows.extend(flatten_pairs(table));
    for c in &table.classes {
        for (key, n) in &c.cells {
            let values = Counts::default().with(&[(C::Pairs, *n)]);
            let keys = ["class", &c.source, &c.metric, "", "", "", "", &key.cell()];
            rows.push(FlatRow {
                keys: keys.map(str::to_string),
                values,
                extra: Extra::default(),
                invalid: None,
            });
        }
    }
    for v in &table.versus {
        for mut row in flatten(&v.table) {
            row.keys[6] = v.base.clone();
            rows.push(row);
        }
        for model in &v.unpaired {
            let keys = ["unpaired", model, "", "", "", "", &v.base, ""].map(str::to_string);
            rows.push(FlatRow { keys, values: Counts::default(), extra: Extra::default(), invalid: None });
        }
    }
    rows
}

/// The pair rows: the `pairing` row (the variants A and B in `group_by` and `level`), and one
/// `pair` row per non-zero cell of each joint table (a table of zeros keeps one row, cell `----`).
fn flatten_pairs(table: &CountsTable) -> Vec<FlatRow> {
    let mut rows = Vec::new();
    if let Some(p) = &table.pairing {
        let values = Counts::default().with(&[
            (C::Pairs, p.complete),
            (C::MissingSide, p.missing_side),
            (C::DuplicateSide, p.duplicate_side),
        ]);
        let [a, b] = &p.variants;
        let keys = ["pairing", "", "", a, b, "", "", ""].map(str::to_string);
        rows.push(FlatRow { keys, values, extra: Extra::default(), invalid: None });
    }
    for t in &table.pairs {
        let s = SliceKeys::from(t.slice.clone());
        let nonzero: Vec<usize> = (0..PAIR_CELLS).filter(|&c| t.cells[c] > 0).collect();
        let written = if nonzero.is_empty() { vec![PAIR_CELLS - 1] } else { nonzero };
        for c in written {
            let values = Counts::default().with(&[(C::Pairs, t.cells[c])]);
            let keys =
                ["pair", &t.model, &t.metric, &s.group_by, &s.level, &s.truth, &t.versus, &cell_name(c)];
            rows.push(FlatRow {
                keys: keys.map(str::to_string),
                values,
                extra: Extra::default(),
                invalid: None,
            });
        }
    }
    rows
}

/// The overall-score columns of a model row.
fn score_values(s: &ScoreSums) -> [(C, u64); 4] {
    [
        (C::ScoreN, s.n),
        (C::ScoreSumBaseline, s.sum_baseline),
        (C::ScoreSumModel, s.sum_model),
        (C::ScoreSumSqDiff, s.sum_sq_diff),
    ]
}

/// A model row's overall-score sums (`metrics` is set once every row is read).
fn score_of(v: &Counts) -> ScoreSums {
    ScoreSums {
        n: v.get(C::ScoreN),
        metrics: 0,
        sum_baseline: v.get(C::ScoreSumBaseline),
        sum_model: v.get(C::ScoreSumModel),
        sum_sq_diff: v.get(C::ScoreSumSqDiff),
    }
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
    let kind = row.keys[0].as_str();
    if let Some(v) = row.invalid.as_ref().map(invalid::values).filter(|_| kind != "metric") {
        if let Some(i) = (0..v.len()).find(|&i| v[i] != 0) {
            return Err(format!(
                "column {} is {} but unused by this kind; it must be 0",
                INVALID_COLUMNS[i], v[i]
            ));
        }
    }
    if !["metric", "truth", "model", "grouping", "pair", "pairing", "repeat", "unpaired", "class"]
        .contains(&kind)
    {
        return Ok(());
    }
    let versus_ok =
        ["pair", "metric", "truth", "model", "grouping", "unpaired"].contains(&row.keys[0].as_str());
    if !["pair", "class"].contains(&kind) && !row.keys[7].is_empty() {
        return Err("cell is for pair and class rows only; it must be empty".into());
    }
    if kind == "class" && row.keys[3..7].iter().any(|k| !k.is_empty()) {
        return Err("a class row covers all items: group_by, level, truth and versus must be empty".into());
    }
    if !versus_ok && !row.keys[6].is_empty() {
        return Err("versus is for pair rows and the rows of a --versus table only; it must be empty".into());
    }
    match row.values.unused_value(kind) {
        Some((name, value)) => Err(format!("column {name} is {value} but unused by this kind; it must be 0")),
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
    let invalid = row.invalid;
    let [kind, model, metric, group_by, level, truth, versus, cell] = row.keys;
    let v = row.values;
    let pairs = PairedCounts {
        both: v.get(C::Both),
        model_only: v.get(C::ModelOnly),
        baseline_only: v.get(C::BaselineOnly),
        neither: v.get(C::Neither),
    };
    let slice = || {
        Slice::try_from(SliceKeys { group_by: group_by.clone(), level: level.clone(), truth: truth.clone() })
    };
    let mut table = CountsTable::default();
    match kind.as_str() {
        "metric" => {
            let moments = item_moments(&extra, &pairs)?;
            table.metrics.push(MetricCounts {
                model,
                metric,
                slice: slice()?,
                pairs,
                invalid_baseline: v.get(C::InvalidBaseline),
                invalid_model: v.get(C::InvalidModel),
                moments,
                // A row of item means written before its cells were counted has zeros there.
                invalid_cells: invalid.filter(|c| {
                    let unknown = *c == InvalidCells::default()
                        && (v.get(C::InvalidBaseline) > 0 || v.get(C::InvalidModel) > 0);
                    moments.is_none() || !unknown
                }),
            })
        }
        "truth" => table.truth.push(TruthCounts {
            source: model,
            metric,
            slice: slice()?,
            pairs,
            invalid_truth: v.get(C::InvalidBaseline),
            invalid_label: v.get(C::InvalidModel),
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
        "model" if !group_by.is_empty() || !truth.is_empty() => {
            let slice = slice()?;
            let ids = v.get(C::Matched) + v.get(C::BaselineOnlyIds) + v.get(C::ModelOnlyIds);
            if slice.truth.is_some() || ids > 0 {
                return Err("a model row with a group level holds a level's overall-score sums only (score_n, score_sum_*, and in units sum_model, sum_baseline, sum_sq_diff): no truth, matched or id counts".into());
            }
            let moments = match repeats::score(&extra) {
                Some(s) => Some(s.check(v.get(C::ScoreN))?),
                None => None,
            };
            table.scores.push(SliceScore { model, slice, score: score_of(&v), moments })
        }
        "model" => table.models.push(ModelCounts {
            model,
            matched: v.get(C::Matched),
            baseline_only: v.get(C::BaselineOnlyIds),
            model_only: v.get(C::ModelOnlyIds),
            score: score_of(&v),
            score_moments: match repeats::score(&extra) {
                Some(s) => Some(s.check(v.get(C::ScoreN))?),
                None => None,
            },
        }),
        "grouping" => table.groupings.push(GroupingCounts {
            group_by,
            unassigned: v.get(C::Unassigned),
            ambiguous: v.get(C::Ambiguous),
        }),
        "repeat" => table.repeats.push(repeats::repeat(model, metric, &extra)?),
        "pair" => {
            let index = parse_cell(&cell).ok_or_else(|| {
                format!("cell '{cell}' is not four of 0, 1 or - (versus A, versus B, model A, model B)")
            })?;
            let mut t = PairCells::new(&versus, &model, &metric, slice()?);
            t.cells[index] = v.get(C::Pairs);
            table.pairs.push(t);
        }
        "pairing" => {
            table.pairing = Some(PairingCounts {
                variants: [group_by, level],
                complete: v.get(C::Pairs),
                missing_side: v.get(C::MissingSide),
                duplicate_side: v.get(C::DuplicateSide),
            })
        }
        "class" => {
            let key = ClassKey::parse(&cell).ok_or_else(|| {
                format!("cell '{}' is not TRUTH>BASELINE>MODEL (three classes of letters, digits or _; '-' for none)", crate::escape::line(&cell))
            })?;
            if model.is_empty() || metric.is_empty() {
                return Err("a class row names its source (model) and metric".into());
            }
            let mut c = ClassCells::new(&model, &metric);
            c.add(key, v.get(C::Pairs));
            table.classes.push(c);
        }
        other => {
            return Err(format!(
            "kind '{other}' is not metric, truth, model, grouping, pairing, pair, repeat, unpaired or class"
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
