//! The counts table on disk (Parquet or CSV), so the statistics can run on counts computed
//! elsewhere (another machine, a SQL engine) and shards can be merged by summation.
//!
//! One row per (kind, model, metric, group_by, level, truth); see docs/FORMATS.md, "The counts table".
//! `metric` rows carry paired cells and invalid counts; `truth` rows a source's labels against the
//! ground truth in the same four cells; `model` rows alignment and overall-score sums; `grouping`
//! rows the items a grouping could not place. All counts are non-negative integers; unused are 0.

use crate::counts::CountsTable;
use crate::data::engine::{first_line, EngineContext};
use crate::data::input::source::{refuse_compressed, scan};
use crate::data::input::FileFormat;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use repeats::Extra;
use std::path::Path;

mod columns;
mod invalid;
mod repeats;
mod rows;

use rows::{check_unused, flatten, unflatten_versus};

/// The text key columns of a counts file, in order (the last two only with pairs).
pub const KEY_COLUMNS: [&str; 8] =
    ["kind", "model", "metric", "group_by", "level", "truth", "versus", "cell"];

/// The integer columns of a counts file, in order (the last three only with pairs); the kinds
/// of row that use each are in `columns::COLUMNS`.
pub const COUNT_COLUMNS: [&str; 18] = columns::names();

/// Columns written only when the table has counterfactual pairs; files without them read as if
/// they were empty (keys) or 0 (counts).
const PAIR_COLUMNS: [&str; 5] = ["versus", "cell", "pairs", "missing_side", "duplicate_side"];

/// One row of a counts file.
struct FlatRow {
    keys: [String; 8],
    values: columns::Counts,
    /// The columns of repeated runs ([`repeats`]).
    extra: Extra,
    /// A metric row's invalid cells ([`invalid`]), when the file has them.
    invalid: Option<crate::counts::InvalidCells>,
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
    let with_pairs = table.pairing.is_some()
        || !table.pairs.is_empty()
        || !table.versus.is_empty()
        || !table.classes.is_empty();
    let rows = flatten(table);
    let with_repeats = rows.iter().any(|r| r.extra.is_set());
    let with_invalid = invalid::written(table);
    let mut df = to_frame(&rows, with_pairs, with_repeats, with_invalid)
        .engine(|| "building the counts table".into())?;
    let context = || format!("writing {}", path.display());
    let rows = df.height();
    crate::atomic::write_atomically(path, |out| match format {
        FileFormat::Parquet => ParquetWriter::new(out).finish(&mut df).map(|_| ()).engine(context),
        FileFormat::Csv => CsvWriter::new(out).finish(&mut df).engine(context),
        FileFormat::Inspect | FileFormat::LmEval => {
            Err(AmplifyError::Usage("counts files are .parquet or .csv".into()))
        }
    })?;
    Ok(rows)
}

fn to_frame(
    rows: &[FlatRow],
    with_pairs: bool,
    with_repeats: bool,
    with_invalid: bool,
) -> PolarsResult<DataFrame> {
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
        Column::new((*name).into(), rows.iter().map(|r| r.values.values()[i] as i64).collect::<Vec<_>>())
    }));
    if with_repeats {
        columns.extend(repeats::INT_COLUMNS.iter().enumerate().map(|(i, name)| {
            Column::new((*name).into(), rows.iter().map(|r| r.extra.ints[i] as i64).collect::<Vec<_>>())
        }));
        columns.extend(repeats::SUM_COLUMNS.iter().enumerate().map(|(i, name)| {
            Column::new((*name).into(), rows.iter().map(|r| r.extra.floats[i] as i64).collect::<Vec<_>>())
        }));
    }
    if with_invalid {
        columns.extend(invalid::INVALID_COLUMNS.iter().enumerate().map(|(i, name)| {
            let value = |r: &FlatRow| r.invalid.as_ref().map_or(0, |c| invalid::values(c)[i] as i64);
            Column::new((*name).into(), rows.iter().map(value).collect::<Vec<_>>())
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
        if let Some(model) = mixed_runs(&table, &part) {
            return Err(AmplifyError::BadCounts {
                path: path.clone(),
                reason: format!(
                    "model '{model}' is counted item by item (repeated samples) in one file and not in another; count every shard with the same options"
                ),
            });
        }
        table = table.merge(part);
    }
    set_score_metrics(&mut table);
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let bad = |reason: String| AmplifyError::BadCounts { path: names.join(" + ").into(), reason };
    table.check_consistency().map_err(bad)?;
    for v in &mut table.versus {
        set_score_metrics(&mut v.table);
        if !v.table.models.is_empty() {
            v.table.check_consistency().map_err(|r| bad(format!("versus {}: {r}", v.base)))?;
        }
    }
    Ok(table)
}

/// A model counted by a repeated run in one table (its row has item-score sums) and by an
/// ordinary run in the other: their overall-score sums cannot be added.
fn mixed_runs(table: &CountsTable, part: &CountsTable) -> Option<String> {
    part.models.iter().find_map(|m| {
        let earlier = table.models.iter().find(|x| x.model == m.model)?;
        (earlier.score_moments.is_some() != m.score_moments.is_some()).then(|| m.model.clone())
    })
}

/// The number of metrics each model's overall score averages: its compared metrics.
fn set_score_metrics(table: &mut CountsTable) {
    let metrics = table.metric_names();
    for model in &mut table.models {
        let k = metrics
            .iter()
            .filter(|m| table.metrics.iter().any(|x| &x.metric == *m && x.model == model.model))
            .count();
        model.score.metrics = k as u64;
    }
    for s in &mut table.scores {
        s.score.metrics = table.models.iter().find(|m| m.model == s.model).map_or(0, |m| m.score.metrics);
    }
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
    let invalid = invalid_columns(&df, &names).map_err(bad)?;
    let mut table = CountsTable::default();
    let mut seen = std::collections::HashMap::new();
    for r in 0..df.height() {
        let row = FlatRow {
            keys: std::array::from_fn(|i| texts[i][r].clone()),
            values: columns::Counts::from_values(std::array::from_fn(|i| ints[i][r])),
            extra: Extra {
                ints: std::array::from_fn(|i| extra_ints[i][r]),
                floats: std::array::from_fn(|i| extra_floats[i][r]),
            },
            invalid: invalid.as_ref().map(|c| invalid::cells(std::array::from_fn(|i| c[i][r]))),
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
        let part = unflatten_versus(row).map_err(|reason| bad(format!("row {}: {reason}", r + 1)))?;
        table = table.merge(part);
    }
    Ok(table)
}

/// The invalid-cell columns of a file: all of them, or `None` when it has none; some but not
/// all is refused.
fn invalid_columns(df: &DataFrame, names: &[&str]) -> Result<Option<Vec<Vec<u64>>>, String> {
    let present: Vec<&str> = invalid::INVALID_COLUMNS.iter().copied().filter(|c| names.contains(c)).collect();
    match present.len() {
        0 => Ok(None),
        n if n == invalid::INVALID_COLUMNS.len() => {
            invalid::INVALID_COLUMNS.iter().map(|c| count_column(df, c)).collect::<Result<_, _>>().map(Some)
        }
        _ => Err(format!(
            "it has {} but not all of {}; write it with `amplify count`",
            present.join(", "),
            invalid::INVALID_COLUMNS.join(", ")
        )),
    }
}

/// Scans a counts file; in a CSV the key columns are read as text, whatever they look like (a
/// `cell` of `0000` or a `level` of `007` would otherwise be inferred as numbers and lose digits).
fn scan_counts(path: &Path, format: FileFormat) -> PolarsResult<LazyFrame> {
    if format == FileFormat::Parquet {
        return scan(path, format);
    }
    refuse_compressed(path)?;
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

#[cfg(test)]
mod tests;
