//! The counts table on disk (Parquet or CSV), so the statistics can run on counts computed
//! elsewhere (another machine, a SQL engine) and shards can be merged by summation.
//!
//! One row per (kind, model, metric). `kind = "metric"` rows carry the paired cells and invalid
//! counts of one metric; `kind = "model"` rows (metric empty) carry the alignment counts and the
//! overall-score sums. All count columns are non-negative integers; unused cells are 0.

use super::source::{scan, FileFormat};
use super::EngineContext;
use crate::counts::{CountsTable, MetricCounts, ModelCounts};
use crate::error::{AmplifyError, Result};
use crate::stats::{PairedCounts, ScoreSums};
use polars::prelude::*;
use std::path::Path;

/// The integer columns of a counts file, in order.
pub const COUNT_COLUMNS: [&str; 13] = [
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
];

/// Writes a counts table as Parquet, atomically.
pub fn write_counts(table: &CountsTable, path: &Path) -> Result<()> {
    let mut df = to_frame(table).engine(|| "building the counts table".into())?;
    crate::atomic::write_atomically(path, |file| {
        ParquetWriter::new(file)
            .finish(&mut df)
            .map(|_| ())
            .engine(|| format!("writing {}", path.display()))
    })
}

fn to_frame(table: &CountsTable) -> PolarsResult<DataFrame> {
    let mut kind: Vec<&str> = Vec::new();
    let mut model: Vec<&str> = Vec::new();
    let mut metric: Vec<&str> = Vec::new();
    let mut values: Vec<Vec<i64>> = vec![Vec::new(); COUNT_COLUMNS.len()];
    let mut push = |row: [u64; 13]| {
        row.iter()
            .zip(values.iter_mut())
            .for_each(|(v, c)| c.push(*v as i64))
    };
    for m in &table.metrics {
        kind.push("metric");
        model.push(&m.model);
        metric.push(&m.metric);
        let p = m.pairs;
        push([
            p.both,
            p.model_only,
            p.baseline_only,
            p.neither,
            m.invalid_baseline,
            m.invalid_model,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
        ]);
    }
    for m in &table.models {
        kind.push("model");
        model.push(&m.model);
        metric.push("");
        let s = m.score;
        push([
            0,
            0,
            0,
            0,
            0,
            0,
            m.matched,
            m.baseline_only,
            m.model_only,
            s.n,
            s.sum_baseline,
            s.sum_model,
            s.sum_sq_diff,
        ]);
    }
    let mut columns = vec![
        Column::new("kind".into(), kind),
        Column::new("model".into(), model),
        Column::new("metric".into(), metric),
    ];
    columns.extend(
        COUNT_COLUMNS
            .iter()
            .zip(values)
            .map(|(name, v)| Column::new((*name).into(), v)),
    );
    DataFrame::new_infer_height(columns)
}

/// Reads and merges (sums) one or more counts files.
pub fn read_counts(paths: &[std::path::PathBuf]) -> Result<CountsTable> {
    let mut table = CountsTable::default();
    for path in paths {
        table = table.merge(read_one(path)?);
    }
    let k = |model: &str| table.metrics.iter().filter(|m| m.model == model).count() as u64;
    let ks: Vec<u64> = table.models.iter().map(|m| k(&m.model)).collect();
    table
        .models
        .iter_mut()
        .zip(ks)
        .for_each(|(m, k)| m.score.metrics = k);
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    table
        .check_consistency()
        .map_err(|reason| AmplifyError::BadCounts { path: names.join(" + ").into(), reason })?;
    Ok(table)
}

fn read_one(path: &Path) -> Result<CountsTable> {
    if !path.is_file() {
        return Err(AmplifyError::FileNotFound {
            path: path.to_path_buf(),
        });
    }
    let bad = |reason: String| AmplifyError::BadCounts {
        path: path.to_path_buf(),
        reason,
    };
    let format = FileFormat::of(path)?;
    let df = scan(path, format)
        .and_then(|lf| lf.collect())
        .map_err(|e| bad(super::one_line(&e.to_string())))?;
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
    let missing: Vec<&str> = ["kind", "model", "metric"]
        .iter()
        .chain(COUNT_COLUMNS.iter())
        .copied()
        .filter(|c| !names.contains(c))
        .collect();
    if !missing.is_empty() {
        return Err(bad(format!(
            "missing columns {}; write it with `amplify count`",
            missing.join(", ")
        )));
    }
    let text = |name: &str| -> Result<Vec<String>> {
        let c = df
            .column(name)
            .and_then(|c| c.cast(&DataType::String))
            .engine(|| format!("reading {name}"))?;
        let s = c.str().engine(|| format!("reading {name}"))?;
        Ok(s.iter().map(|v| v.unwrap_or("").to_string()).collect())
    };
    let (kind, model, metric) = (text("kind")?, text("model")?, text("metric")?);
    let mut ints = Vec::new();
    for name in COUNT_COLUMNS {
        let c = df
            .column(name)
            .and_then(|c| c.cast(&DataType::Int64))
            .map_err(|_| bad(format!("column {name} is not an integer")))?;
        let v: Vec<i64> = c
            .i64()
            .engine(|| format!("reading {name}"))?
            .iter()
            .map(|x| x.unwrap_or(0))
            .collect();
        if let Some(row) = v.iter().position(|x| *x < 0) {
            return Err(bad(format!(
                "negative count in column {name} (row {}); counts must be ≥ 0",
                row + 1
            )));
        }
        ints.push(v);
    }
    let mut table = CountsTable::default();
    for row in 0..df.height() {
        let v = |c: usize| ints[c][row] as u64;
        let part = match kind[row].as_str() {
            "metric" => CountsTable {
                metrics: vec![metric_row(&model[row], &metric[row], &v)],
                models: vec![],
            },
            "model" => CountsTable {
                metrics: vec![],
                models: vec![model_row(&model[row], &v)],
            },
            other => {
                return Err(bad(format!(
                    "row {}: kind '{other}' is neither 'metric' nor 'model'",
                    row + 1
                )))
            }
        };
        table = table.merge(part);
    }
    Ok(table)
}

fn metric_row(model: &str, metric: &str, v: &dyn Fn(usize) -> u64) -> MetricCounts {
    MetricCounts {
        model: model.to_string(),
        metric: metric.to_string(),
        pairs: PairedCounts {
            both: v(0),
            model_only: v(1),
            baseline_only: v(2),
            neither: v(3),
        },
        invalid_baseline: v(4),
        invalid_model: v(5),
    }
}

fn model_row(model: &str, v: &dyn Fn(usize) -> u64) -> ModelCounts {
    ModelCounts {
        model: model.to_string(),
        matched: v(6),
        baseline_only: v(7),
        model_only: v(8),
        score: ScoreSums {
            n: v(9),
            metrics: 0,
            sum_baseline: v(10),
            sum_model: v(11),
            sum_sq_diff: v(12),
        },
    }
}
