//! The library's error type: every variant says what went wrong, where, and how to fix it.

use std::path::PathBuf;

/// Errors amplify reports to the user. All of them are bad input or an environment problem the
/// user can fix; the binary prints the message on one line and exits with code 2.
#[derive(Debug, thiserror::Error)]
pub enum AmplifyError {
    /// An input path does not exist.
    #[error("{path}: no such file; check the path (inputs are BASELINE then MODEL files, or NAME=PATH)")]
    FileNotFound {
        /// The missing path.
        path: PathBuf,
    },
    /// The file extension is neither Parquet nor CSV.
    #[error("{path}: unsupported file type; amplify reads .parquet and .csv files, and Inspect logs (.eval, .json)")]
    UnsupportedFormat {
        /// The offending path.
        path: PathBuf,
    },
    /// The file could not be parsed (truncated Parquet, malformed CSV, ...).
    #[error("{path}: cannot read as {format}: {reason}; is the file complete and in {format} format?")]
    Unreadable {
        /// The offending path.
        path: PathBuf,
        /// "Parquet" or "CSV".
        format: &'static str,
        /// The underlying reader's message.
        reason: String,
    },
    /// The file has no rows.
    #[error("{path}: the file has no rows; nothing to compare")]
    EmptyFile {
        /// The offending path.
        path: PathBuf,
    },
    /// The id column is missing.
    #[error("{path}: no id column '{column}'; columns are: {available}; pass --id COLUMN")]
    MissingIdColumn {
        /// The offending path.
        path: PathBuf,
        /// The id column that was looked for.
        column: String,
        /// Comma-separated list of the file's columns.
        available: String,
    },
    /// A column named on the command line is missing.
    #[error("{path}: no column '{column}' (needed for {purpose}); columns are: {available}")]
    MissingColumn {
        /// The offending path.
        path: PathBuf,
        /// The missing column.
        column: String,
        /// What the column was needed for.
        purpose: &'static str,
        /// Comma-separated list of the file's columns.
        available: String,
    },
    /// A column that keys rows (an id, pair, variant, sample, annotator, group or source column)
    /// holds lists, structs or bytes instead of one value per row.
    #[error("{path}: column '{column}' (used for {purpose}) holds {dtype} values; it needs one string, number or boolean per row: flatten it first (a list with `.list.first()` or `.explode()`, a struct with `.struct.field(NAME)`, bytes by decoding them)")]
    KeyColumnType {
        /// The offending path.
        path: PathBuf,
        /// The column.
        column: String,
        /// What the column was used for.
        purpose: &'static str,
        /// Its type as polars names it.
        dtype: String,
    },
    /// A requested metric is not present.
    #[error("unknown metric '{metric}' in {source_name}; metrics available on both sides: {candidates}")]
    UnknownMetric {
        /// The requested metric.
        metric: String,
        /// Which source lacks it.
        source_name: String,
        /// Comma-separated candidates.
        candidates: String,
    },
    /// No binary metric column is shared by the baseline and the models.
    #[error("no metric in common between the baseline and {model}: {detail}; name them with --metrics or check the layout (--source-column for long files)")]
    NoCommonMetric {
        /// The model without a shared metric.
        model: String,
        /// What was found on each side.
        detail: String,
    },
    /// Baseline and model share no item id.
    #[error("no item id of {model} ({model_path}) matches the baseline ({baseline_path}) on column '{column}'; are both files about the same items? (ids compare as {id_type})")]
    NoOverlap {
        /// The model name.
        model: String,
        /// The model's file.
        model_path: PathBuf,
        /// The baseline's file.
        baseline_path: PathBuf,
        /// The id column.
        column: String,
        /// The id type used for matching.
        id_type: String,
    },
    /// Some id occurs more than once in one source.
    #[error("{path}: column '{column}' has {count} duplicate ids in source '{source_name}' (first: {examples}); each item must appear once per source")]
    DuplicateIds {
        /// The offending path.
        path: PathBuf,
        /// The id column.
        column: String,
        /// The source within the file.
        source_name: String,
        /// Number of ids that occur more than once.
        count: u64,
        /// The first few duplicated ids.
        examples: String,
    },
    /// Some rows have no id.
    #[error(
        "{path}: column '{column}' is empty on {count} rows of source '{source_name}'; every row needs an id"
    )]
    NullIds {
        /// The offending path.
        path: PathBuf,
        /// The id column.
        column: String,
        /// The source within the file.
        source_name: String,
        /// Number of rows without id.
        count: u64,
    },
    /// Every value of a metric is invalid on one side.
    #[error("metric '{metric}' has no valid 0/1 label in {source_name} ({path}); valid labels are 0/1, true/false, yes/no; drop it from --metrics or fix the labels")]
    AllInvalid {
        /// The metric.
        metric: String,
        /// The source.
        source_name: String,
        /// The file.
        path: PathBuf,
    },
    /// The command line asks for something impossible: options that conflict, a value that names
    /// nothing in the data (a source, a level), a strategy that does not apply.
    #[error("{0}")]
    Usage(String),
    /// The data cannot support the run: no valid truth value, no item in any level, too many
    /// levels, no model column in a wide file, a findings file that is not amplify's.
    #[error("{0}")]
    Data(String),
    /// Standard output was closed by its reader (e.g. `| head`): not a failure; the command line
    /// ends quietly with status 0, as other Unix tools do.
    #[error("standard output was closed")]
    BrokenPipe,
    /// The findings could not be serialised (a bug: every field is plain data).
    #[error("cannot serialise the findings")]
    Serialise(#[source] serde_json::Error),
    /// A counts file is malformed.
    #[error("{path}: not a valid counts table: {reason}")]
    BadCounts {
        /// The offending path.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Writing an output failed in the file system.
    #[error("cannot write {path}")]
    Write {
        /// The output path.
        path: PathBuf,
        /// The file system's error.
        #[source]
        source: std::io::Error,
    },
    /// An output path amplify refuses, or an output it could not produce.
    #[error("cannot write {path}: {reason}")]
    Output {
        /// The output path.
        path: PathBuf,
        /// Why, and how to fix it.
        reason: String,
    },
    /// An unexpected error from the data engine, with the step that failed.
    #[error("{context}: {reason}")]
    Engine {
        /// What amplify was doing.
        context: String,
        /// The engine's message.
        reason: String,
    },
    /// A directory or glob input holds no Parquet file.
    #[error("{pattern}: {what} no .parquet file; check the path or pattern (quote globs so the shell leaves them to amplify)")]
    NoFilesMatched {
        /// The directory or glob as given.
        pattern: String,
        /// "the directory holds" or "the glob matches".
        what: &'static str,
    },
    /// Files of one directory or glob input disagree on their columns.
    #[error("{path}: column '{column}' {problem} (in {first}); all files of one input need the same columns and types")]
    SchemaMismatch {
        /// The file that disagrees.
        path: PathBuf,
        /// The column.
        column: String,
        /// How it disagrees.
        problem: String,
        /// The first file of the input, the reference.
        first: PathBuf,
    },
    /// `amplify judge` stopped (rubric, endpoint, key or cache problem).
    #[error(transparent)]
    Judge(#[from] crate::judge::error::JudgeError),
}

/// Result alias for the library.
pub type Result<T, E = AmplifyError> = std::result::Result<T, E>;
