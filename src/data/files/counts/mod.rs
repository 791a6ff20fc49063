//! The counts table on disk (Parquet or CSV), so the statistics can run on counts computed
//! elsewhere (another machine, a SQL engine) and shards can be merged by summation.
//!
//! One row per (kind, model, metric, group_by, level, truth); see docs/FORMATS.md, "The counts table".
//! `metric` rows carry paired cells and invalid counts; `truth` rows a source's labels against the
//! ground truth in the same four cells; `model` rows alignment and overall-score sums; `grouping`
//! rows the items a grouping could not place. All counts are non-negative integers; unused are 0.

use crate::counts::{
    cell_name, parse_cell, CountsTable, GroupingCounts, MetricCounts, ModelCounts, PairCells, PairingCounts,
    Slice, SliceKeys, TruthCounts, PAIR_CELLS,
};
use crate::data::engine::{first_line, EngineContext};
use crate::data::input::source::scan;
use crate::data::input::FileFormat;
use crate::error::{AmplifyError, Result};
use crate::stats::{PairedCounts, ScoreSums};
use polars::prelude::*;
use repeats::Extra;
use std::path::Path;

mod repeats;

/// The text key columns of a counts file, in order (the last two only with pairs).
pub const KEY_COLUMNS: [&str; 8] =
    ["kind", "model", "metric", "group_by", "level", "truth", "versus", "cell"];

/// The integer columns of a counts file, in order (the last three only with pairs).
pub const COUNT_COLUMNS: [&str; 18] = [
    "both",
    "model_only",
    "baseline_only",
    "neither",
    "invalid_baseline",
    "invalid_model",
    "matched",
    "baseline_only_ids",
    "model_only_ids",
    "score_n",
    "score_sum_baseline",
    "score_sum_model",
    "score_sum_sq_diff",
    "unassigned",
    "ambiguous",
    "pairs",
    "missing_side",
    "duplicate_side",
];

/// Columns written only when the table has counterfactual pairs; files without them read as if
/// they were empty (keys) or 0 (counts).
const PAIR_COLUMNS: [&str; 5] = ["versus", "cell", "pairs", "missing_side", "duplicate_side"];

/// One row of a counts file.
struct FlatRow {
    keys: [String; 8],
    values: [u64; 18],
    /// The columns of repeated runs ([`repeats`]).
    extra: Extra,
}

/// The format a counts file is written in, from its name: `.parquet`/`.pq` Parquet, `.csv` CSV,
/// `-` (stdout) CSV; any other name is refused.
pub fn counts_format(path: &Path) -> Result<FileFormat> {
    if path.as_os_str() == "-" {
        return Ok(FileFormat::Csv);
    }
    FileFormat::of(path).map_err(|_| {
        AmplifyError::Usage(format!(
            "-o {}: name the counts file .parquet or .csv (or - for CSV on stdout)",
            path.display()
        ))
    })
}

/// Writes a counts table as Parquet or CSV ([`counts_format`]), atomically for regular files;
/// returns the number of rows written.
pub fn write_counts(table: &CountsTable, path: &Path) -> Result<usize> {
    let format = counts_format(path)?;
    let with_pairs = table.pairing.is_some() || !table.pairs.is_empty();
    let rows = flatten(table);
    let with_repeats = rows.iter().any(|r| r.extra.is_set());
    let mut df = to_frame(&rows, with_pairs, with_repeats).engine(|| "building the counts table".into())?;
    let context = || format!("writing {}", path.display());
    let rows = df.height();
    crate::atomic::write_atomically(path, |out| match format {
        FileFormat::Parquet => ParquetWriter::new(out).finish(&mut df).map(|_| ()).engine(context),
        FileFormat::Csv => CsvWriter::new(out).finish(&mut df).engine(context),
    })?;
    Ok(rows)
}

fn flatten(table: &CountsTable) -> Vec<FlatRow> {
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

fn to_frame(rows: &[FlatRow], with_pairs: bool, with_repeats: bool) -> PolarsResult<DataFrame> {
    let wanted = |name: &&str| with_pairs || !PAIR_COLUMNS.contains(name);
    let mut columns: Vec<Column> = KEY_COLUMNS
        .iter()
        .enumerate()
        .filter(|(_, name)| wanted(name))
        .map(|(i, name)| {
            Column::new((*name).into(), rows.iter().map(|r| r.keys[i].as_str()).collect::<Vec<_>>())
        })
        .collect();
    columns.extend(COUNT_COLUMNS.iter().enumerate().filter(|(_, name)| wanted(name)).map(|(i, name)| {
        Column::new((*name).into(), rows.iter().map(|r| r.values[i] as i64).collect::<Vec<_>>())
    }));
    if with_repeats {
        columns.extend(repeats::INT_COLUMNS.iter().enumerate().map(|(i, name)| {
            Column::new((*name).into(), rows.iter().map(|r| r.extra.ints[i] as i64).collect::<Vec<_>>())
        }));
        columns.extend(repeats::SUM_COLUMNS.iter().enumerate().map(|(i, name)| {
            Column::new((*name).into(), rows.iter().map(|r| r.extra.floats[i] as i64).collect::<Vec<_>>())
        }));
    }
    DataFrame::new_infer_height(columns)
}

/// Reads and merges (sums) one or more counts files, then checks their consistency.
pub fn read_counts(paths: &[std::path::PathBuf]) -> Result<CountsTable> {
    let mut table = CountsTable::default();
    for path in paths {
        let part = read_one(path)?;
        if let (Some(a), Some(b)) = (&table.pairing, &part.pairing) {
            if a.variants != b.variants {
                return Err(AmplifyError::BadCounts {
                    path: path.clone(),
                    reason: format!(
                        "its pairs have variants {} / {}, an earlier file's {} / {}; merge counts of the same pairing only",
                        b.variants[0], b.variants[1], a.variants[0], a.variants[1]
                    ),
                });
            }
        }
        table = table.merge(part);
    }
    let metrics = table.metric_names();
    for model in &mut table.models {
        let k = metrics
            .iter()
            .filter(|m| table.metrics.iter().any(|x| &x.metric == *m && x.model == model.model))
            .count();
        model.score.metrics = k as u64;
    }
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    table
        .check_consistency()
        .map_err(|reason| AmplifyError::BadCounts { path: names.join(" + ").into(), reason })?;
    Ok(table)
}

fn read_one(path: &Path) -> Result<CountsTable> {
    if !path.is_file() {
        return Err(AmplifyError::FileNotFound { path: path.to_path_buf() });
    }
    let bad = |reason: String| AmplifyError::BadCounts { path: path.to_path_buf(), reason };
    let format = FileFormat::of(path)?;
    let df =
        scan_counts(path, format).and_then(|lf| lf.collect()).map_err(|e| bad(first_line(&e.to_string())))?;
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
    let missing: Vec<&str> = KEY_COLUMNS
        .iter()
        .chain(COUNT_COLUMNS.iter())
        .copied()
        .filter(|c| !names.contains(c) && !PAIR_COLUMNS.contains(c))
        .collect();
    if !missing.is_empty() {
        return Err(bad(format!("missing columns {}; write it with `amplify count`", missing.join(", "))));
    }
    if df.height() == 0 {
        return Err(bad("it has no rows; a counts table has at least one model row".into()));
    }
    let texts =
        KEY_COLUMNS.iter().map(|name| key_column(&df, name)).collect::<Result<Vec<_>, _>>().map_err(bad)?;
    let ints = COUNT_COLUMNS
        .iter()
        .map(|name| count_column(&df, name))
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    let extra_ints = repeats::INT_COLUMNS
        .iter()
        .map(|name| count_column(&df, name))
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    let extra_floats = repeats::SUM_COLUMNS
        .iter()
        .map(|name| count_column(&df, name))
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    let mut table = CountsTable::default();
    let mut seen = std::collections::HashMap::new();
    for r in 0..df.height() {
        let row = FlatRow {
            keys: std::array::from_fn(|i| texts[i][r].clone()),
            values: std::array::from_fn(|i| ints[i][r]),
            extra: Extra {
                ints: std::array::from_fn(|i| extra_ints[i][r]),
                floats: std::array::from_fn(|i| extra_floats[i][r]),
            },
        };
        if let Some(first) = seen.insert(row.keys.clone(), r) {
            return Err(bad(format!(
                "row {} repeats the key of row {} ({}); give shards as separate files",
                r + 1,
                first + 1,
                row.keys.join(", ")
            )));
        }
        check_unused(&row).map_err(|reason| bad(format!("row {} ({} row): {reason}", r + 1, row.keys[0])))?;
        let part = unflatten(row).map_err(|reason| bad(format!("row {}: {reason}", r + 1)))?;
        table = table.merge(part);
    }
    Ok(table)
}

/// Scans a counts file; in a CSV the key columns are read as text, whatever they look like (a
/// `cell` of `0000` or a `level` of `007` would otherwise be inferred as numbers and lose digits).
fn scan_counts(path: &Path, format: FileFormat) -> PolarsResult<LazyFrame> {
    if format == FileFormat::Parquet {
        return scan(path, format);
    }
    let header = LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_glob(false)
        .finish()?
        .collect_schema()?;
    let keys: Schema = KEY_COLUMNS
        .iter()
        .filter(|k| header.get(k).is_some())
        .map(|k| Field::new((*k).into(), DataType::String))
        .collect();
    LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
        .with_has_header(true)
        .with_infer_schema_length(Some(10_000))
        .with_glob(false)
        .with_dtype_overwrite(Some(Arc::new(keys)))
        .finish()
}

/// A key column as text; a null key is empty ("all"), and so is an absent pair column.
fn key_column(df: &DataFrame, name: &str) -> Result<Vec<String>, String> {
    if PAIR_COLUMNS.contains(&name) && df.column(name).is_err() {
        return Ok(vec![String::new(); df.height()]);
    }
    let c =
        df.column(name).and_then(|c| c.cast(&DataType::String)).map_err(|e| format!("column {name}: {e}"))?;
    let s = c.str().map_err(|e| format!("column {name}: {e}"))?;
    Ok(s.iter().map(|v| v.unwrap_or("").to_string()).collect())
}

/// A count column: every value a whole number ≥ 0 (an integer column, or floats without a
/// fraction); text, nulls, fractions and negative numbers are refused with the row.
fn count_column(df: &DataFrame, name: &str) -> Result<Vec<u64>, String> {
    let optional = PAIR_COLUMNS.contains(&name)
        || repeats::INT_COLUMNS.contains(&name)
        || repeats::SUM_COLUMNS.contains(&name);
    if optional && df.column(name).is_err() {
        return Ok(vec![0; df.height()]);
    }
    let c = df.column(name).map_err(|e| format!("column {name}: {e}"))?;
    let dtype = c.dtype().clone();
    if !(dtype.is_integer() || dtype.is_float() || dtype == DataType::Null) {
        return Err(format!("column {name} holds {dtype} values; counts are whole numbers ≥ 0"));
    }
    let values = c.cast(&DataType::Float64).map_err(|e| format!("column {name}: {e}"))?;
    let values = values.f64().map_err(|e| format!("column {name}: {e}"))?;
    let exact = c.cast(&DataType::Int64).ok();
    let exact = exact.as_ref().and_then(|e| e.i64().ok());
    let mut out = Vec::with_capacity(values.len());
    for (r, v) in values.iter().enumerate() {
        let row = r + 1;
        let v = v.ok_or_else(|| format!("row {row}, column {name} is empty; write 0 for an unused count"))?;
        if !(v.is_finite() && v >= 0.0 && v.fract() == 0.0) {
            return Err(format!("row {row}, column {name} is {v}; counts are whole numbers ≥ 0"));
        }
        // Integer columns are read exactly (beyond 2^53 a float would round).
        let exact = exact.and_then(|e| e.get(r)).filter(|_| dtype.is_integer());
        out.push(exact.map_or(v as u64, |x| x as u64));
    }
    Ok(out)
}

/// The columns a row's kind does not use must be 0 (a value there was meant for another kind).
fn check_unused(row: &FlatRow) -> Result<(), String> {
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
        "repeat" => &[],
        _ => return Ok(()),
    };
    if row.keys[0] != "pair" && (!row.keys[6].is_empty() || !row.keys[7].is_empty()) {
        return Err("versus and cell are for pair rows only; they must be empty".into());
    }
    match (0..COUNT_COLUMNS.len()).find(|i| !used.contains(i) && row.values[*i] != 0) {
        Some(i) => Err(format!(
            "column {} is {} but unused by this kind; it must be 0",
            COUNT_COLUMNS[i], row.values[i]
        )),
        None => Ok(()),
    }
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
                other => other,
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
            score_moments: repeats::score(&extra),
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
                "kind '{other}' is not metric, truth, model, grouping, pairing, pair or repeat"
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

#[cfg(test)]
mod tests;
