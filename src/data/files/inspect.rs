//! `amplify inspect`: what a file holds and how amplify would read it.

use crate::data::engine::{cell_u64, EngineContext};
use crate::data::input::labels::{is_label_type, is_text, normalised};
use crate::data::input::source::ScannedFile;
use crate::data::input::FileFormat;
use crate::error::Result;
use polars::prelude::*;
use serde::Serialize;
use std::path::Path;

/// What a column looks like to amplify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ColumnRole {
    /// A unique, non-null key.
    Id,
    /// Mostly valid 0/1 labels.
    Metric,
    /// Free text (many distinct strings).
    Text,
    /// A few distinct values (a grouping or source column).
    Categorical,
    /// Anything else.
    Other,
}

/// Label counts of a metric-like column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct LabelCounts {
    /// Values read as 1.
    pub ones: u64,
    /// Values read as 0.
    pub zeros: u64,
    /// Null or unreadable values.
    pub invalid: u64,
}

/// Profile of one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ColumnProfile {
    /// Column name.
    pub name: String,
    /// Data type as polars names it.
    pub dtype: String,
    /// Null values.
    pub nulls: u64,
    /// Distinct values (null counts as one).
    pub distinct: u64,
    /// Guessed role.
    pub role: ColumnRole,
    /// Label counts when the column can hold labels.
    pub labels: Option<LabelCounts>,
}

/// Profile of a whole file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FileProfile {
    /// The path.
    pub path: String,
    /// "Parquet" or "CSV".
    pub format: String,
    /// Rows.
    pub rows: u64,
    /// Parquet row groups (from the footer), `None` for CSV.
    pub row_groups: Option<usize>,
    /// Hex SHA-256 of the file.
    pub sha256: String,
    /// Columns in order.
    pub columns: Vec<ColumnProfile>,
    /// The layout amplify would read this file as, with the reason.
    pub layout: String,
}

/// Profiles a file in one aggregate query (plus the Parquet footer for row groups).
pub(crate) fn inspect(path: &Path, baseline_name: &str) -> Result<FileProfile> {
    let mut file = ScannedFile::open_even_empty(path)?;
    let mut exprs = Vec::new();
    for (i, (name, dtype)) in file.schema.iter().enumerate() {
        let c = col(name.as_str());
        exprs.push(c.clone().null_count().cast(DataType::Int64).alias(format!("nulls{i}")));
        exprs.push(c.n_unique().cast(DataType::Int64).alias(format!("distinct{i}")));
        if is_label_type(dtype) {
            let v = normalised(name, dtype, false);
            exprs.push(
                v.clone().eq(lit(1)).fill_null(false).cast(DataType::Int64).sum().alias(format!("ones{i}")),
            );
            exprs.push(v.eq(lit(0)).fill_null(false).cast(DataType::Int64).sum().alias(format!("zeros{i}")));
        }
    }
    let df = file.lazy.clone().select(exprs).collect().engine(|| format!("profiling {}", path.display()))?;
    let mut columns = Vec::new();
    for (i, (name, dtype)) in file.schema.iter().enumerate() {
        columns.push(profile_column(&df, i, name.as_str(), dtype, file.rows)?);
    }
    let info = file.info()?;
    Ok(FileProfile {
        path: path.display().to_string(),
        format: file.format.label().to_string(),
        rows: file.rows,
        row_groups: (file.format == FileFormat::Parquet).then(|| row_groups(path)).flatten(),
        sha256: info.sha256,
        layout: detect_layout(&columns, baseline_name),
        columns,
    })
}

fn profile_column(
    df: &DataFrame,
    i: usize,
    name: &str,
    dtype: &DataType,
    rows: u64,
) -> Result<ColumnProfile> {
    let nulls = cell_u64(df, &format!("nulls{i}"))?;
    let distinct = cell_u64(df, &format!("distinct{i}"))?;
    let labels = if is_label_type(dtype) {
        let (ones, zeros) = (cell_u64(df, &format!("ones{i}"))?, cell_u64(df, &format!("zeros{i}"))?);
        Some(LabelCounts { ones, zeros, invalid: rows - ones - zeros })
    } else {
        None
    };
    let role = guess_role(name, dtype, nulls, distinct, rows, labels);
    Ok(ColumnProfile { name: name.to_string(), dtype: dtype.to_string(), nulls, distinct, role, labels })
}

fn guess_role(
    name: &str,
    dtype: &DataType,
    nulls: u64,
    distinct: u64,
    rows: u64,
    labels: Option<LabelCounts>,
) -> ColumnRole {
    let valid = labels.map(|l| l.ones + l.zeros).unwrap_or(0);
    let present = rows - nulls;
    if valid > 0 && 2 * valid >= present {
        ColumnRole::Metric
    } else if nulls == 0
        && distinct == rows
        && (["id", "Unnamed: 0", ""].contains(&name) || dtype.is_integer())
    {
        ColumnRole::Id
    } else if is_text(dtype) && distinct <= 50.max(rows / 100) && distinct < rows {
        ColumnRole::Categorical
    } else if is_text(dtype) {
        ColumnRole::Text
    } else {
        ColumnRole::Other
    }
}

fn detect_layout(columns: &[ColumnProfile], baseline_name: &str) -> String {
    let suffix = format!("_{baseline_name}");
    let wide: Vec<&str> = columns
        .iter()
        .filter(|c| c.role == ColumnRole::Metric && c.name.ends_with(&suffix))
        .map(|c| c.name.as_str())
        .collect();
    if !wide.is_empty() {
        return format!("wide: metric columns end in '{suffix}' ({}); give this file alone", wide.join(", "));
    }
    if let Some(c) = columns
        .iter()
        .find(|c| c.role == ColumnRole::Categorical && ["source", "model"].contains(&c.name.as_str()))
    {
        return format!("long: try --source-column {}", c.name);
    }
    "tidy: one source per file; give the baseline file first, then model files".to_string()
}

/// Row groups from the Parquet footer (arrow-rs `parquet`, metadata only).
fn row_groups(path: &Path) -> Option<usize> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let file = std::fs::File::open(path).ok()?;
    let reader = SerializedFileReader::new(file).ok()?;
    Some(reader.metadata().num_row_groups())
}
