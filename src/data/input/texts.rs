//! The response texts of `amplify words` and `amplify leakage`: per source the item id and its
//! text, and the baseline's grouping level per item. Tidy (a file per source, baseline first),
//! wide (one file, a text column per source named by `--response SOURCE=COL`) or long (one file,
//! a row per item and source, `--source-column`). Ids are matched as text.

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
    /// The source column of a long file (`--source-column`).
    pub source_column: Option<String>,
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

impl TextInputs {
    /// Source `s`'s rows on the baseline's items with a level: `__id`, `__level`, `__text`, collected
    /// (a non-UTF-8 file is named with the fix).
    pub(crate) fn collect(&self, s: usize) -> Result<DataFrame> {
        let source = &self.sources[s];
        let joined = self.levels.clone().join(
            source.lazy.clone(),
            [col(ID)],
            [col(ID)],
            JoinArgs::new(JoinType::Inner),
        );
        crate::data::engine::collect_streaming(joined.select([col(ID), col(LEVEL), col(TEXT)])).map_err(|e| {
            let reason = crate::data::engine::first_line(&e.to_string());
            let fix =
                if reason.to_lowercase().contains("utf-8") { "; save the file as UTF-8 text" } else { "" };
            let path = self.files[source.file].path.display();
            AmplifyError::Data(format!(
                "{path}: reading the texts of {}: {reason}{fix}",
                printable(&source.name, 40)
            ))
        })
    }
}

/// Reads the inputs: one file means the wide layout, several the tidy layout.
pub(crate) fn read_texts(inputs: &[InputSpec], options: &TextOptions) -> Result<TextInputs> {
    let (mut files, sources, rows) = match (inputs.len(), &options.source_column) {
        (0, _) => return Err(AmplifyError::Usage("no input file given".into())),
        (1, Some(column)) => long(&inputs[0], column, options)?,
        (_, Some(_)) => {
            return Err(AmplifyError::Usage(
                "--source-column reads one long file; give a single input".into(),
            ))
        }
        (1, None) => wide(&inputs[0], options)?,
        (_, None) => tidy(inputs, options)?,
    };
    let baseline = &files[sources[0].file];
    let levels = baseline_levels(baseline, rows, options)?;
    let files = files.iter_mut().map(ScannedFile::info).collect::<Result<Vec<_>>>()?;
    Ok(TextInputs { files, sources, levels })
}

/// The files, the sources, and the baseline's rows (the whole first file, or its rows of the
/// baseline in a long file).
type Read = (Vec<ScannedFile>, Vec<TextSource>, LazyFrame);

fn tidy(inputs: &[InputSpec], options: &TextOptions) -> Result<Read> {
    let mut files = Vec::new();
    let mut sources: Vec<TextSource> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let file = open(&input.path)?;
        let name = match (i, &input.name) {
            (_, Some(n)) => n.clone(),
            (0, None) => options.baseline_name.clone(),
            (_, None) => file.log.as_ref().map_or_else(|| input.display_name(), |l| l.model.clone()),
        };
        if sources.iter().any(|s| s.name == name) {
            return Err(AmplifyError::Usage(format!(
                "two inputs are named '{}'; name them explicitly as NAME=PATH",
                printable(&name, 60)
            )));
        }
        // An Inspect log's answers are its `output` column unless a column is named.
        let column = if file.log.is_some() && options.responses.is_empty() {
            "output".to_string()
        } else {
            column_for(&name, options)
        };
        sources.push(source(&file, i, name, column, options)?);
        files.push(file);
    }
    refuse_unused(&sources, options)?;
    let rows = files[0].lazy.clone();
    Ok((files, sources, rows))
}

fn wide(input: &InputSpec, options: &TextOptions) -> Result<Read> {
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
    let rows = file.lazy.clone();
    Ok((vec![file], sources, rows))
}

/// One file with a row per item and source: each source's rows are its texts.
fn long(input: &InputSpec, column: &str, options: &TextOptions) -> Result<Read> {
    let file = open(&input.path)?;
    if !file.has_column(column) {
        return Err(AmplifyError::MissingColumn {
            path: file.path.clone(),
            column: printable(column, 60),
            purpose: "--source-column",
            available: file.column_list(),
        });
    }
    file.check_key(column, "--source-column")?;
    let names = distinct(&file, column)?;
    let baseline = &options.baseline_name;
    if !names.contains(baseline) {
        return Err(AmplifyError::Data(format!(
            "{}: no row has {} = '{}' (the baseline); sources are: {}; pass --baseline-name",
            file.path.display(),
            printable(column, 40),
            printable(baseline, 40),
            names.iter().map(|n| printable(n, 40)).collect::<Vec<_>>().join(", ")
        )));
    }
    let ordered = std::iter::once(baseline).chain(names.iter().filter(|n| *n != baseline));
    let mut sources = Vec::new();
    for name in ordered {
        let mut source = source(&file, 0, name.clone(), column_for(name, options), options)?;
        let rows = file.lazy.clone().filter(col(column).cast(DataType::String).eq(lit(name.as_str())));
        source.rows = cell_u64(
            &rows.clone().select([len().alias("n")]).collect().engine(|| "counting rows".into())?,
            "n",
        )?;
        source.lazy = select_texts(rows, &file, &source.column, options)?;
        sources.push(source);
    }
    refuse_unused(&sources, options)?;
    let rows = file.lazy.clone().filter(col(column).cast(DataType::String).eq(lit(baseline.as_str())));
    Ok((vec![file], sources, rows))
}

fn distinct(file: &ScannedFile, column: &str) -> Result<Vec<String>> {
    let df = file
        .lazy
        .clone()
        .select([col(column).cast(DataType::String).unique_stable().drop_nulls()])
        .collect()
        .engine(|| format!("{}: reading the sources in column '{column}'", file.path.display()))?;
    let values = df.column(column).and_then(|c| c.str().cloned()).engine(|| "reading sources".into())?;
    Ok(values.iter().flatten().map(str::to_string).collect())
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

/// Opens an input; an evaluation log must carry its answers' text (Inspect logs do, in `output`).
fn open(path: &std::path::Path) -> Result<ScannedFile> {
    let file = ScannedFile::open(path)?;
    if file.format == crate::data::input::FileFormat::LmEval {
        return Err(AmplifyError::Usage(format!(
            "{}: lm-eval samples hold scores, not the answers' text; export the responses to a table with an id and a text column",
            path.display()
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
    let lazy = select_texts(file.lazy.clone(), file, &column, o)?;
    Ok(TextSource { name, file: index, column, rows: file.rows, lazy })
}

/// `__id` and `__text` of some rows of `file`.
fn select_texts(rows: LazyFrame, file: &ScannedFile, column: &str, o: &TextOptions) -> Result<LazyFrame> {
    let id = resolve_id(file, &DataOptions { id: o.id.clone(), ..DataOptions::default() })?;
    Ok(rows.select([
        col(id.as_str()).cast(DataType::String).alias(ID),
        col(column).cast(DataType::String).alias(TEXT),
    ]))
}

/// The baseline's `__id` → `__level` for items with a level; refuses repeated baseline ids (an
/// item's level must be one).
fn baseline_levels(file: &ScannedFile, rows: LazyFrame, options: &TextOptions) -> Result<LazyFrame> {
    let id = resolve_id(file, &DataOptions { id: options.id.clone(), ..DataOptions::default() })?;
    let (level, _) = level_exprs(&options.grouping, file, options.text.as_deref())?;
    let ids = rows.clone().select([col(id.as_str()).cast(DataType::String).alias(ID)]);
    let counted = ids
        .select([
            len().alias("rows"),
            col(ID).n_unique().alias("distinct"),
            col(ID).null_count().alias("nulls"),
        ])
        .collect()
        .engine(|| format!("{}: reading the baseline's ids", file.path.display()))?;
    let (n, distinct, nulls) =
        (cell_u64(&counted, "rows")?, cell_u64(&counted, "distinct")?, cell_u64(&counted, "nulls")?);
    if nulls > 0 || distinct < n {
        return Err(AmplifyError::Data(format!(
            "{}: the baseline's id column '{}' has {} missing and {} repeated value(s); each item's level is read from its one baseline row",
            file.path.display(),
            printable(&id, 60),
            nulls,
            n - distinct.min(n)
        )));
    }
    Ok(rows
        .select([col(id.as_str()).cast(DataType::String).alias(ID), level.alias(LEVEL)])
        .filter(col(LEVEL).is_not_null()))
}
