//! The response texts of `amplify words`: per source the item id and its text, and the baseline's
//! grouping level per item. Tidy (a file per source, baseline first) or wide (one file, a text
//! column per source named by `--response SOURCE=COL`). Ids are matched as text.

use super::grouping_spec::GroupingSpec;
use super::groups::level_exprs;
use super::ids::resolve_id;
use super::model::{DataOptions, FileInfo, InputSpec};
use super::source::ScannedFile;
use crate::data::columns::{ID, LEVEL, TEXT};
use crate::data::engine::{cell_u64, EngineContext};
use crate::error::{AmplifyError, Result};
use crate::escape::printable;
use polars::prelude::*;

/// `--response [SOURCE=]COL`: the column holding a source's text (every source's, without a
/// source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResponseColumn {
    /// The source it is for; `None` for every source without a column of its own.
    pub source: Option<String>,
    /// The column.
    pub column: String,
}

impl std::str::FromStr for ResponseColumn {
    type Err = String;
    fn from_str(spec: &str) -> std::result::Result<Self, String> {
        match spec.split_once('=') {
            Some((s, c)) if !s.is_empty() && !c.is_empty() => {
                Ok(Self { source: Some(s.into()), column: c.into() })
            }
            Some(_) => Err(format!("'{spec}' is not COL or SOURCE=COL")),
            None if spec.is_empty() => Err("an empty column name".into()),
            None => Ok(Self { source: None, column: spec.into() }),
        }
    }
}

/// How to read the texts.
#[derive(Debug, Clone)]
pub(crate) struct TextOptions {
    /// The id column (`--id`).
    pub id: Option<String>,
    /// The baseline's name.
    pub baseline_name: String,
    /// `--response` values, in order (default: `response` for every source).
    pub responses: Vec<ResponseColumn>,
    /// The one grouping whose levels are compared.
    pub grouping: GroupingSpec,
    /// Text column for a derived grouping (default `prompt`).
    pub text: Option<String>,
}

/// One source's texts: `__id` (String) and `__text` (String, null when missing).
pub(crate) struct TextSource {
    /// Source name.
    pub name: String,
    /// Index into [`TextInputs::files`].
    pub file: usize,
    /// The column read.
    pub column: String,
    /// Rows of the source.
    pub rows: u64,
    /// `__id`, `__text`.
    pub lazy: LazyFrame,
}

/// Everything `amplify words` reads.
pub(crate) struct TextInputs {
    /// The input files, hashed.
    pub files: Vec<FileInfo>,
    /// The baseline first, then the models.
    pub sources: Vec<TextSource>,
    /// The baseline's items with a level: `__id`, `__level` (String).
    pub levels: LazyFrame,
}

/// Reads the inputs: one file means the wide layout, several the tidy layout.
pub(crate) fn read_texts(inputs: &[InputSpec], options: &TextOptions) -> Result<TextInputs> {
    let (mut files, sources) = match inputs.len() {
        0 => return Err(AmplifyError::Usage("no input file given".into())),
        1 => wide(&inputs[0], options)?,
        _ => tidy(inputs, options)?,
    };
    let baseline = &files[sources[0].file];
    let levels = baseline_levels(baseline, options)?;
    let files = files.iter_mut().map(ScannedFile::info).collect::<Result<Vec<_>>>()?;
    Ok(TextInputs { files, sources, levels })
}

fn tidy(inputs: &[InputSpec], options: &TextOptions) -> Result<(Vec<ScannedFile>, Vec<TextSource>)> {
    let mut files = Vec::new();
    let mut sources: Vec<TextSource> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let file = open(&input.path)?;
        let name = match (i, &input.name) {
            (_, Some(n)) => n.clone(),
            (0, None) => options.baseline_name.clone(),
            (_, None) => input.display_name(),
        };
        if sources.iter().any(|s| s.name == name) {
            return Err(AmplifyError::Usage(format!(
                "two inputs are named '{}'; name them explicitly as NAME=PATH",
                printable(&name, 60)
            )));
        }
        let column = column_for(&name, options);
        sources.push(source(&file, i, name, column, options)?);
        files.push(file);
    }
    refuse_unused(&sources, options)?;
    Ok((files, sources))
}

fn wide(input: &InputSpec, options: &TextOptions) -> Result<(Vec<ScannedFile>, Vec<TextSource>)> {
    let file = open(&input.path)?;
    let named: Vec<&ResponseColumn> = options.responses.iter().filter(|r| r.source.is_some()).collect();
    let baseline = &options.baseline_name;
    let mut sources = Vec::new();
    let baseline_first = named.iter().filter(|r| r.source.as_deref() == Some(baseline.as_str()));
    for r in baseline_first.chain(named.iter().filter(|r| r.source.as_deref() != Some(baseline.as_str()))) {
        let name = r.source.clone().unwrap_or_default();
        sources.push(source(&file, 0, name, r.column.clone(), options)?);
    }
    if sources.len() < 2 || sources[0].name != *baseline {
        return Err(AmplifyError::Usage(format!(
            "one input file is read as the wide layout: name each source's text column as --response SOURCE=COL, the baseline's too (e.g. --response {}=top_comment --response gpt4o=gpt4o_response), or give a file per source",
            printable(baseline, 40)
        )));
    }
    Ok((vec![file], sources))
}

/// The column of a source: its own `--response SOURCE=COL`, else the last plain `--response COL`,
/// else `response`.
fn column_for(name: &str, options: &TextOptions) -> String {
    let own = options.responses.iter().rev().find(|r| r.source.as_deref() == Some(name));
    let plain = options.responses.iter().rev().find(|r| r.source.is_none());
    own.or(plain).map_or_else(|| "response".to_string(), |r| r.column.clone())
}

/// Refuses `--response SOURCE=COL` naming no source: a typo would silently read `response`.
fn refuse_unused(sources: &[TextSource], options: &TextOptions) -> Result<()> {
    for r in &options.responses {
        if let Some(s) = r.source.as_deref().filter(|s| !sources.iter().any(|x| x.name == *s)) {
            let names: Vec<String> = sources.iter().map(|x| printable(&x.name, 40)).collect();
            return Err(AmplifyError::Usage(format!(
                "--response {}={}: no source is named '{}'; sources are: {}",
                printable(s, 40),
                printable(&r.column, 40),
                printable(s, 40),
                names.join(", ")
            )));
        }
    }
    Ok(())
}

fn open(path: &std::path::Path) -> Result<ScannedFile> {
    let file = ScannedFile::open(path)?;
    if file.format.is_log() {
        return Err(AmplifyError::Usage(format!(
            "{}: amplify words reads response texts from Parquet or CSV files; this {} holds scores (export the responses to a table with an id and a text column)",
            path.display(),
            file.format.label()
        )));
    }
    Ok(file)
}

/// A source's `__id` and `__text`, after checking the text column exists and holds text.
fn source(
    file: &ScannedFile,
    index: usize,
    name: String,
    column: String,
    o: &TextOptions,
) -> Result<TextSource> {
    let options = DataOptions { id: o.id.clone(), ..DataOptions::default() };
    let id = resolve_id(file, &options)?;
    let Some(dtype) = file.schema.get(&column) else {
        return Err(AmplifyError::MissingColumn {
            path: file.path.clone(),
            column: printable(&column, 60),
            purpose: "the response text (--response [SOURCE=]COL)",
            available: file.column_list(),
        });
    };
    if !matches!(dtype, DataType::String | DataType::Null) {
        return Err(AmplifyError::Data(format!(
            "{}: column '{}' of {} holds {dtype}, not text; --response names the column with the responses' text",
            file.path.display(),
            printable(&column, 60),
            printable(&name, 40)
        )));
    }
    let lazy = file.lazy.clone().select([
        col(id.as_str()).cast(DataType::String).alias(ID),
        col(column.as_str()).cast(DataType::String).alias(TEXT),
    ]);
    Ok(TextSource { name, file: index, column, rows: file.rows, lazy })
}

/// The baseline's `__id` → `__level` for items with a level; refuses repeated baseline ids (an
/// item's level must be one).
fn baseline_levels(file: &ScannedFile, options: &TextOptions) -> Result<LazyFrame> {
    let id = resolve_id(file, &DataOptions { id: options.id.clone(), ..DataOptions::default() })?;
    let (level, _) = level_exprs(&options.grouping, file, options.text.as_deref())?;
    let ids = file.lazy.clone().select([col(id.as_str()).cast(DataType::String).alias(ID)]);
    let counted = ids
        .select([
            len().alias("rows"),
            col(ID).n_unique().alias("distinct"),
            col(ID).null_count().alias("nulls"),
        ])
        .collect()
        .engine(|| format!("{}: reading the baseline's ids", file.path.display()))?;
    let (rows, distinct, nulls) =
        (cell_u64(&counted, "rows")?, cell_u64(&counted, "distinct")?, cell_u64(&counted, "nulls")?);
    if nulls > 0 || distinct < rows {
        return Err(AmplifyError::Data(format!(
            "{}: the baseline's id column '{}' has {} missing and {} repeated value(s); each item's level is read from its one baseline row",
            file.path.display(),
            printable(&id, 60),
            nulls,
            rows - distinct.min(rows)
        )));
    }
    Ok(file
        .lazy
        .clone()
        .select([col(id.as_str()).cast(DataType::String).alias(ID), level.alias(LEVEL)])
        .filter(col(LEVEL).is_not_null()))
}
