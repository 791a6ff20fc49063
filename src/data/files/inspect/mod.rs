//! `amplify inspect`: what a file holds and how amplify would read it. The numbered sample
//! columns of a wide file are found in [`sample_columns`]; a folder of evaluation logs is
//! profiled log by log in [`folder`].

pub(crate) mod folder;
pub(crate) mod sample_columns;

use crate::data::engine::{cell_u64, EngineContext};
use crate::data::input::labels::{any_of, as_strs, is_label_type, is_text, normalised};
use crate::data::input::source::{LogInfo, ScannedFile};
use crate::data::input::verdict_words::spellings;
use crate::data::input::FileFormat;
use crate::error::Result;
use polars::prelude::*;
use sample_columns::WideSamples;
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
    /// AITA verdicts (YTA/NTA/ESH/NAH/INFO) in most non-null values.
    Verdict,
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
    /// Label counts when the column can hold labels (for verdicts: YTA/ESH = 1, NTA/NAH = 0).
    pub labels: Option<LabelCounts>,
    /// For a verdict column, each verdict class and its count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdicts: Option<Vec<(String, u64)>>,
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
    /// For an evaluation log, the model it names (the source's name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The layout amplify would read this file as, with the reason.
    pub layout: String,
    /// A command to start from, with the options the columns suggest.
    pub suggestion: String,
}

/// Profiles a file in one aggregate query (plus the Parquet footer for row groups).
pub(crate) fn inspect(path: &Path, baseline_name: &str) -> Result<FileProfile> {
    let mut file = ScannedFile::open_even_empty(path)?;
    let mut exprs = Vec::new();
    for (i, (name, dtype)) in file.schema.iter().enumerate() {
        let c = col(name.as_str());
        exprs.push(c.clone().null_count().cast(DataType::Int64).alias(format!("nulls{i}")));
        exprs.push(c.clone().n_unique().cast(DataType::Int64).alias(format!("distinct{i}")));
        if is_label_type(dtype) {
            let v = normalised(name, dtype, false);
            exprs.push(
                v.clone().eq(lit(1)).fill_null(false).cast(DataType::Int64).sum().alias(format!("ones{i}")),
            );
            exprs.push(v.eq(lit(0)).fill_null(false).cast(DataType::Int64).sum().alias(format!("zeros{i}")));
        }
        if is_text(dtype) {
            let text = if dtype.is_string() { c.clone() } else { c.clone().cast(DataType::String) };
            let token = text.str().strip_chars(lit(NULL)).str().to_uppercase();
            for (k, class) in VERDICTS.iter().enumerate() {
                let words = spellings(class);
                let hits = any_of(&token, &as_strs(&words)).fill_null(false).cast(DataType::Int64).sum();
                exprs.push(hits.alias(format!("verdict{i}_{k}")));
            }
        }
    }
    let df = file.lazy.clone().select(exprs).collect().engine(|| format!("profiling {}", path.display()))?;
    let mut columns = Vec::new();
    for (i, (name, dtype)) in file.schema.iter().enumerate() {
        columns.push(profile_column(&df, i, name.as_str(), dtype, file.rows)?);
    }
    let info = file.info()?;
    if let Some(log) = &file.log {
        return Ok(log_profile(path, &file, log, columns, info.sha256));
    }
    let samples = sample_columns::wide_samples(&columns);
    let layout = match samples.as_ref().filter(|_| !has_baseline_columns(&columns, baseline_name)) {
        Some(found) => samples_layout(found),
        None => detect_layout(&columns, baseline_name),
    };
    let suggestion = match samples.filter(|_| layout.starts_with("wide with samples")) {
        Some(found) => suggest_samples(path, &columns, &found, baseline_name),
        None => suggest(path, &columns, &layout, baseline_name),
    };
    Ok(FileProfile {
        path: path.display().to_string(),
        format: file.format.label().to_string(),
        rows: file.rows,
        row_groups: (file.format == FileFormat::Parquet).then(|| row_groups(path)).flatten(),
        sha256: info.sha256,
        suggestion,
        model: None,
        layout,
        columns,
    })
}

/// An Inspect log's profile: `id` is the id, `epoch` the sample number, metadata columns are
/// context (never metrics); the command compares the log's scores with themselves (the data's
/// own findings), ready to take a baseline file in front.
fn log_profile(
    path: &Path,
    file: &ScannedFile,
    log: &LogInfo,
    mut columns: Vec<ColumnProfile>,
    sha256: String,
) -> FileProfile {
    for c in &mut columns {
        if c.name == "id" {
            c.role = ColumnRole::Id;
        } else if log.not_labels.contains(&c.name)
            && [ColumnRole::Metric, ColumnRole::Verdict].contains(&c.role)
        {
            c.role = if c.distinct < file.rows { ColumnRole::Categorical } else { ColumnRole::Other };
        }
    }
    let epochs = if log.epochs > 1 {
        format!(", {} epochs read as repeated samples", log.epochs)
    } else {
        String::new()
    };
    let (layout, suggestion) = if log.unscored.is_some() {
        let layout = format!(
            "{} of model '{}'{epochs} with no score yet: its answers (output) are texts for amplify words / leakage BASELINE LOG; score it (inspect score LOG) to compare labels",
            file.format.label(),
            log.model
        );
        (layout, format!("amplify words BASELINE {} --group COL", quote(&path.display().to_string())))
    } else {
        let layout = format!(
            "{} of model '{}'{epochs}: compare it with a baseline keyed by the same sample ids: amplify compare BASELINE LOG",
            file.format.label(),
            log.model
        );
        (layout, suggest(path, &columns, "tidy", "human"))
    };
    FileProfile {
        path: path.display().to_string(),
        format: file.format.label().to_string(),
        rows: file.rows,
        row_groups: None,
        sha256,
        suggestion,
        model: Some(log.model.clone()),
        layout,
        columns,
    }
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
    let mut role = guess_role(name, dtype, nulls, distinct, rows, labels);
    let mut verdicts = None;
    if is_text(dtype) {
        let counts = (0..VERDICTS.len())
            .map(|k| Ok((VERDICTS[k].to_string(), cell_u64(df, &format!("verdict{i}_{k}"))?)))
            .collect::<Result<Vec<_>>>()?;
        let hits: u64 = counts.iter().map(|(_, n)| n).sum();
        // Most present values are verdict tokens: a verdict column, coded as --verdict codes it.
        if hits > 0 && 2 * hits >= rows - nulls {
            let count =
                |c: &[&str]| counts.iter().filter(|(k, _)| c.contains(&k.as_str())).map(|(_, n)| n).sum();
            let (ones, zeros): (u64, u64) = (count(&["YTA", "ESH"]), count(&["NTA", "NAH"]));
            role = ColumnRole::Verdict;
            verdicts = Some(counts);
            return Ok(ColumnProfile {
                name: name.to_string(),
                dtype: dtype.to_string(),
                nulls,
                distinct,
                role,
                labels: Some(LabelCounts { ones, zeros, invalid: rows - ones - zeros }),
                verdicts,
            });
        }
    }
    Ok(ColumnProfile {
        name: name.to_string(),
        dtype: dtype.to_string(),
        nulls,
        distinct,
        role,
        labels,
        verdicts,
    })
}

/// The verdict classes `inspect` counts in text columns.
const VERDICTS: [&str; 5] = ["YTA", "NTA", "ESH", "NAH", "INFO"];

/// Column names that suggest the ground truth among verdict columns.
const TRUTH_HINTS: [&str; 7] = ["truth", "crowd", "gold", "consensus", "subreddit", "ytanta", "is_asshole"];

/// Whether any label column ends in `_<baseline>` (the wide layout by suffix).
fn has_baseline_columns(columns: &[ColumnProfile], baseline_name: &str) -> bool {
    let suffix = format!("_{baseline_name}");
    columns
        .iter()
        .any(|c| [ColumnRole::Metric, ColumnRole::Verdict].contains(&c.role) && c.name.ends_with(&suffix))
}

fn samples_layout(found: &WideSamples) -> String {
    let sources: Vec<String> =
        found.sources.iter().map(|s| format!("{} ({})", s.source, s.columns.len())).collect();
    format!(
        "wide with samples: '{}' is the baseline's {}; numbered columns are samples of {}; read with --map SOURCE.{}=COL1,COL2",
        found.baseline,
        found.metric,
        sources.join(", "),
        found.metric
    )
}

/// The command for a wide file with numbered sample columns: the baseline's column and each
/// source's columns mapped to one metric (a source's samples by `--map` with several columns),
/// `--verdict` for verdicts, `--truth` when the baseline's column looks like the truth.
fn suggest_samples(
    path: &Path,
    columns: &[ColumnProfile],
    found: &WideSamples,
    baseline_name: &str,
) -> String {
    // `--map` splits at the first '.' and '=': names keep neither.
    let safe = |s: &str| s.replace(['.', '='], "_");
    let metric = safe(&found.metric);
    let mut args = vec!["amplify compare".to_string(), quote(&path.display().to_string())];
    args.push(format!("--map {}", quote(&format!("{}.{metric}={}", safe(baseline_name), found.baseline))));
    for s in &found.sources {
        args.push(format!(
            "--map {}",
            quote(&format!("{}.{metric}={}", safe(&s.source), s.columns.join(",")))
        ));
    }
    let is_verdict = columns.iter().any(|c| c.name == found.baseline && c.role == ColumnRole::Verdict);
    if is_verdict {
        let lower = found.baseline.to_lowercase();
        if TRUTH_HINTS.iter().any(|h| lower.contains(h)) {
            args.push(format!("--truth {}", quote(&found.baseline)));
        }
        args.push(format!("--verdict {}", quote(&metric)));
    }
    args.join(" ")
}

/// A word quoted for a POSIX shell when it has anything but letters, digits and `_-./=`.
fn quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-./=".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A command to start from, runnable as printed: the file in its layout (a tidy file alone: the
/// data's own findings), a verdict column that looks like the truth as
/// `--truth`, the other verdict columns (their metric, in a wide file) as `--verdict`, and
/// `--verdict-classes` when any verdict has a class beyond YTA/NTA. Names are quoted for a POSIX
/// shell.
fn suggest(path: &Path, columns: &[ColumnProfile], layout: &str, baseline_name: &str) -> String {
    let verdicts: Vec<&ColumnProfile> = columns.iter().filter(|c| c.role == ColumnRole::Verdict).collect();
    let is_truth = |c: &&ColumnProfile| {
        let lower = c.name.to_lowercase();
        TRUTH_HINTS.iter().any(|h| lower.contains(h))
    };
    let truth = verdicts.iter().find(|c| is_truth(c));
    let wide = layout.starts_with("wide");
    let suffix = format!("_{baseline_name}");
    let mut metrics: Vec<String> = verdicts
        .iter()
        .filter(|c| !is_truth(c))
        .map(|c| match c.name.strip_suffix(&suffix) {
            Some(metric) if wide => metric.to_string(),
            _ => c.name.clone(),
        })
        .filter(|m| !wide || columns.iter().any(|c| c.name == format!("{m}{suffix}")))
        .collect();
    metrics.dedup();
    // Runnable as printed: a tidy file alone gives the data's own findings (models go after it).
    let mut args = vec!["amplify compare".to_string(), quote(&path.display().to_string())];
    if let Some(source) = layout.strip_prefix("long: try --source-column ") {
        args.push(format!("--source-column {}", quote(source)));
    }
    if let Some(t) = truth {
        args.push(format!("--truth {}", quote(&t.name)));
    }
    if !metrics.is_empty() {
        args.push(format!("--verdict {}", quote(&metrics.join(","))));
        let finer = verdicts.iter().flat_map(|c| c.verdicts.iter().flatten());
        if finer.clone().any(|(k, n)| *n > 0 && !["YTA", "NTA"].contains(&k.as_str())) {
            args.push("--verdict-classes".into());
        }
    }
    args.join(" ")
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
        .filter(|c| [ColumnRole::Metric, ColumnRole::Verdict].contains(&c.role) && c.name.ends_with(&suffix))
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
