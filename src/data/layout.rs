//! Input layouts (tidy, wide, long), all mapped to one normalised judgement table per source:
//! `__id` plus one label column per selected metric (see [`super::labels::label_source`]).

use super::groups::{level_exprs, GroupingSpec};
use super::labels::{is_label_type, label_source, verdict, VerdictMap};
use super::metrics::select_metrics;
use super::source::{FileInfo, InputSpec, ScannedFile};
use super::EngineContext;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// Name of the id column in normalised judgement tables.
pub const ID: &str = "__id";
/// Name of the baseline's ground-truth column (Int32 1/0/null).
pub const TRUTH: &str = "__truth";

/// How the inputs are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One file per source: id column plus one column per metric.
    Tidy,
    /// One file with `<metric>_<source>` columns (the ELEPHANT layout).
    Wide,
    /// One file with an id, a source column and metric columns.
    Long,
    /// A precomputed counts table.
    Counts,
}

/// How to read the inputs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataOptions {
    /// The id column; `None` means `id`, falling back to a pandas index column.
    pub id: Option<String>,
    /// The source column of a long file.
    pub source_column: Option<String>,
    /// Name of the baseline source.
    pub baseline_name: String,
    /// Metrics to compare; `None` selects every binary column shared by all sources.
    pub metrics: Option<Vec<String>>,
    /// Metrics whose polarity is flipped.
    pub invert: Vec<String>,
    /// Extra (source, metric, column) mappings from `--map SOURCE.METRIC=COLUMN`.
    pub maps: Vec<String>,
    /// Ground-truth column of the baseline file.
    pub truth: Option<String>,
    /// Metrics holding verdict strings (YTA/NTA/...).
    pub verdicts: Vec<String>,
    /// How verdict strings map to labels.
    pub verdict_map: VerdictMap,
    /// Metrics judged against the truth; `None` picks metrics named like moral_endorsement/verdict.
    pub against_truth: Option<Vec<String>>,
    /// Groupings of the baseline items.
    pub groupings: Vec<GroupingSpec>,
    /// Text column for derived groupings (default `prompt`).
    pub text: Option<String>,
    /// Most levels a grouping may have.
    pub max_levels: usize,
}

/// One source's normalised judgement table.
pub struct SourceFrame {
    /// Source name.
    pub name: String,
    /// Index into [`Dataset::files`].
    pub file: usize,
    /// `__id` plus one label column per metric (coded when the keys are packed).
    pub lazy: LazyFrame,
    /// Rows of this source.
    pub rows: u64,
    /// The source's id column (for messages).
    pub id_column: String,
    /// Which of [`Dataset::columns`] this source has (others count as invalid labels).
    pub present: Vec<bool>,
    /// Which of [`Dataset::columns`] have their labels flipped (`--invert`).
    pub inverted: Vec<bool>,
}

/// Every source of a run, normalised and ready to be reduced to counts.
pub struct Dataset {
    /// Detected layout.
    pub layout: Layout,
    /// The id column used (per file it may be a pandas index column).
    pub id_column: String,
    /// The type ids are matched as.
    pub id_type: String,
    /// The baseline source.
    pub baseline: SourceFrame,
    /// The model sources, in input order.
    pub models: Vec<SourceFrame>,
    /// Metrics compared pairwise (present in every source).
    pub metrics: Vec<String>,
    /// Metrics judged against the ground truth.
    pub truth_metrics: Vec<String>,
    /// Label columns of every frame: `metrics`, then truth-only metrics.
    pub columns: Vec<String>,
    /// Whether the baseline frame has a `__truth` column.
    pub has_truth: bool,
    /// Groupings; the baseline frame has their levels as `__g0`, `__g1`, ...
    pub groupings: Vec<GroupingSpec>,
    /// Most levels a grouping may have.
    pub max_levels: usize,
    /// Shared columns that were not selected because they do not hold binary labels.
    pub skipped: Vec<String>,
    /// The input files, hashed.
    pub files: Vec<FileInfo>,
}

/// A source before metric selection: its raw frame and candidate (metric, column, type) triples.
pub(crate) struct RawSource {
    pub name: String,
    pub file: usize,
    pub lazy: LazyFrame,
    pub id: String,
    pub columns: Vec<(String, String, DataType)>,
}

/// Reads the inputs in the layout they imply and normalises every source.
///
/// `--source-column` means the long layout (one file); a single file otherwise means the wide
/// layout; two or more files mean the tidy layout (baseline first).
pub fn load_dataset(inputs: &[InputSpec], options: &DataOptions) -> Result<Dataset> {
    let (layout, mut files, raws) = match (&options.source_column, inputs.len()) {
        (_, 0) => return Err(AmplifyError::InvalidArgument("no input file given".into())),
        (Some(src), 1) => long_sources(&inputs[0], src, options)?,
        (Some(_), _) => {
            return Err(AmplifyError::InvalidArgument(
                "--source-column reads one long file; give a single input".into(),
            ))
        }
        (None, 1) => super::wide::wide_sources(&inputs[0], options)?,
        (None, _) => tidy_sources(inputs, options)?,
    };
    let raws = super::maps::apply_maps(raws, &files, layout, &options.maps)?;
    let selection = select_metrics(&raws, options)?;
    let id_type = common_id_type(&raws, &files);
    let columns: Vec<String> = selection
        .metrics
        .iter()
        .chain(selection.truth_metrics.iter().filter(|m| !selection.metrics.contains(m)))
        .cloned()
        .collect();
    let mut frames = Vec::with_capacity(raws.len());
    for (i, raw) in raws.iter().enumerate() {
        let extras = if i == 0 { baseline_extras(&files[raw.file], options)? } else { Vec::new() };
        // A long file's sources are filtered scans; other sources are whole files (footer count).
        let rows = match layout {
            Layout::Long => super::checks::count_rows(&raw.lazy, &files[raw.file].path)?,
            _ => files[raw.file].rows,
        };
        frames.push(normalise_source(raw, rows, &columns, &id_type, options, extras)?);
    }
    let baseline = frames.remove(0);
    if let Some(truth) = &options.truth {
        check_truth(&baseline, truth, &files[0])?;
    }
    let infos = files.iter_mut().map(ScannedFile::info).collect::<Result<Vec<_>>>()?;
    Ok(Dataset {
        layout,
        id_column: raws[0].id.clone(),
        id_type: id_type.to_string(),
        baseline,
        models: frames,
        metrics: selection.metrics,
        truth_metrics: selection.truth_metrics,
        columns,
        has_truth: options.truth.is_some(),
        groupings: options.groupings.clone(),
        max_levels: options.max_levels,
        skipped: selection.skipped,
        files: infos,
    })
}

/// The baseline's extra columns: `__truth` and each grouping's `__g{j}` (and `__gm{j}`).
fn baseline_extras(file: &ScannedFile, options: &DataOptions) -> Result<Vec<Expr>> {
    let mut extras = Vec::new();
    if let Some(truth) = &options.truth {
        let dtype = file.schema.get(truth).ok_or_else(|| AmplifyError::MissingColumn {
            path: file.path.clone(),
            column: truth.clone(),
            purpose: "--truth",
            available: file.column_list(),
        })?;
        extras.push(verdict(truth, dtype, &options.verdict_map).alias(TRUTH));
    }
    for (j, spec) in options.groupings.iter().enumerate() {
        let (level, matches) = level_exprs(spec, file, options.text.as_deref())?;
        extras.push(level.alias(format!("__g{j}")));
        if let Some(m) = matches {
            extras.push(m.alias(format!("__gm{j}")));
        }
    }
    Ok(extras)
}

fn check_truth(baseline: &SourceFrame, truth: &str, file: &ScannedFile) -> Result<()> {
    let df = baseline
        .lazy
        .clone()
        .select([col(TRUTH).is_not_null().cast(DataType::Int64).sum().alias("valid")])
        .collect()
        .engine(|| "checking the truth column".into())?;
    if super::cell_u64(&df, "valid")? == 0 {
        return Err(AmplifyError::InvalidArgument(format!(
            "{}: truth column '{truth}' has no valid value (1/0, or verdicts {}); check --truth and --verdict-map",
            file.path.display(),
            "YTA/ESH = 1, NTA/NAH = 0"
        )));
    }
    Ok(())
}

type Sources = (Layout, Vec<ScannedFile>, Vec<RawSource>);

fn tidy_sources(inputs: &[InputSpec], options: &DataOptions) -> Result<Sources> {
    let mut files = Vec::new();
    let mut raws: Vec<RawSource> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let file = ScannedFile::open(&input.path)?;
        let id = resolve_id(&file, options)?;
        let name = match (i, &input.name) {
            (_, Some(n)) => n.clone(),
            (0, None) => options.baseline_name.clone(),
            (_, None) => input.display_name(),
        };
        if raws.iter().any(|r| r.name == name) {
            return Err(AmplifyError::InvalidArgument(format!(
                "two inputs are named '{name}'; name them explicitly as NAME=PATH"
            )));
        }
        let columns = label_columns(&file, &[id.as_str()]);
        raws.push(RawSource { name, file: i, lazy: file.lazy.clone(), id, columns });
        files.push(file);
    }
    Ok((Layout::Tidy, files, raws))
}

fn long_sources(input: &InputSpec, source_col: &str, options: &DataOptions) -> Result<Sources> {
    let file = ScannedFile::open(&input.path)?;
    let id = resolve_id(&file, options)?;
    if !file.has_column(source_col) {
        return Err(AmplifyError::MissingColumn {
            path: file.path.clone(),
            column: source_col.to_string(),
            purpose: "--source-column",
            available: file.column_list(),
        });
    }
    let names = distinct_sources(&file, source_col)?;
    let baseline = &options.baseline_name;
    if !names.contains(baseline) {
        return Err(AmplifyError::InvalidArgument(format!(
            "{}: no row has {source_col} = '{baseline}' (the baseline); sources are: {}; pass --baseline-name",
            file.path.display(),
            names.join(", ")
        )));
    }
    let ordered = std::iter::once(baseline.clone()).chain(names.iter().filter(|n| *n != baseline).cloned());
    let columns = label_columns(&file, &[id.as_str(), source_col]);
    let raws = ordered
        .map(|name| {
            let lazy =
                file.lazy.clone().filter(col(source_col).cast(DataType::String).eq(lit(name.as_str())));
            RawSource { name, file: 0, lazy, id: id.clone(), columns: columns.clone() }
        })
        .collect();
    Ok((Layout::Long, vec![file], raws))
}

fn distinct_sources(file: &ScannedFile, source_col: &str) -> Result<Vec<String>> {
    let df = file
        .lazy
        .clone()
        .select([col(source_col).cast(DataType::String).unique_stable().drop_nulls()])
        .collect()
        .engine(|| format!("{}: reading the sources in column '{source_col}'", file.path.display()))?;
    let column = df.column(source_col).engine(|| "reading sources".into())?;
    let values = column.str().engine(|| "reading sources".into())?;
    Ok(values.iter().flatten().map(str::to_string).collect())
}

/// The id column of a file: `--id` if given; else `id`, or a pandas index column (`Unnamed: 0` or
/// an empty name) when there is no `id` column.
pub(crate) fn resolve_id(file: &ScannedFile, options: &DataOptions) -> Result<String> {
    let wanted = options.id.clone().unwrap_or_else(|| "id".to_string());
    if file.has_column(&wanted) {
        return Ok(wanted);
    }
    if options.id.is_none() {
        if let Some(found) = ["Unnamed: 0", ""].into_iter().find(|c| file.has_column(c)) {
            return Ok(found.to_string());
        }
    }
    Err(AmplifyError::MissingIdColumn {
        path: file.path.clone(),
        column: wanted,
        available: file.column_list(),
    })
}

/// Columns that could hold labels, minus the excluded ones, as (metric, column, type) with the
/// metric named after the column.
pub(crate) fn label_columns(file: &ScannedFile, exclude: &[&str]) -> Vec<(String, String, DataType)> {
    file.schema
        .iter()
        .filter(|(name, dtype)| !exclude.contains(&name.as_str()) && is_label_type(dtype))
        .map(|(name, dtype)| (name.to_string(), name.to_string(), dtype.clone()))
        .collect()
}

/// The id type all sources are joined on: the shared type, Int64 for mixed integers, else String.
fn common_id_type(raws: &[RawSource], files: &[ScannedFile]) -> DataType {
    let types: Vec<DataType> =
        raws.iter().map(|r| files[r.file].schema.get(&r.id).cloned().unwrap_or(DataType::String)).collect();
    if types.windows(2).all(|w| w[0] == w[1]) {
        types[0].clone()
    } else if types.iter().all(|t| t.is_integer()) {
        DataType::Int64
    } else {
        DataType::String
    }
}

fn normalise_source(
    raw: &RawSource,
    rows: u64,
    columns: &[String],
    id_type: &DataType,
    options: &DataOptions,
    extras: Vec<Expr>,
) -> Result<SourceFrame> {
    let mut exprs = vec![col(raw.id.as_str()).cast(id_type.clone()).alias(ID)];
    let mut present = Vec::with_capacity(columns.len());
    let mut inverted = vec![false; columns.len()];
    for metric in columns {
        let found = raw.columns.iter().find(|(m, _, _)| m == metric);
        present.push(found.is_some());
        if let Some((_, column, dtype)) = found {
            let is_verdict = options.verdicts.contains(metric);
            let label = label_source(column, dtype, is_verdict.then_some(&options.verdict_map));
            inverted[present.len() - 1] = !is_verdict && options.invert.contains(metric);
            exprs.push(label.alias(metric.as_str()));
        }
    }
    exprs.extend(extras);
    Ok(SourceFrame {
        name: raw.name.clone(),
        file: raw.file,
        lazy: raw.lazy.clone().select(exprs),
        rows,
        id_column: raw.id.clone(),
        present,
        inverted,
    })
}
