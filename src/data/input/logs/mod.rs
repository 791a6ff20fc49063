//! Evaluation-framework logs read as tidy tables: Inspect's `.eval` (a zip of JSON) and `.json`
//! logs ([`inspect`]) and lm-evaluation-harness samples (`.jsonl`, [`lm_eval`]). A log becomes
//! one in-memory frame with the columns `id`, `epoch`, `target`, one label column per score and
//! one column per metadata field ([`frame`]); the rest of the input stage reads it like a tidy
//! file whose source is the log's model. [`directories`] expands a directory of logs into one
//! input per log.

pub(crate) mod directories;
mod frame;
mod inspect;
mod lm_eval;

use crate::data::input::model::FileFormat;
use crate::error::Result;
use polars::prelude::DataFrame;

pub(crate) use inspect::PARTIAL;
use std::path::Path;

/// Reads the log at `path` in `format` (an Inspect log or lm-eval samples).
pub(crate) fn read(path: &Path, format: FileFormat) -> Result<LogTable> {
    match format {
        FileFormat::LmEval => lm_eval::read_lm_eval(path),
        _ => inspect::read_inspect(path),
    }
}

/// A log read into a frame, with what the rest of the input stage needs to know about it.
pub(crate) struct LogTable {
    /// One row per sample and epoch.
    pub frame: DataFrame,
    /// The evaluated model (the source's default name).
    pub model: String,
    /// Columns that are keys or context, never labels: `epoch`, `target`, metadata fields.
    pub not_labels: Vec<String>,
    /// The largest epoch number (more than 1: the epochs are repeated samples).
    pub epochs: i64,
    /// What the reader noticed (errors, unscored samples, a log still being written).
    pub notes: Vec<String>,
    /// How many scores are partial (Inspect's `P`, stored as [`PARTIAL`]).
    pub partials: usize,
    /// Why the log has no labels (no sample has a score), if so: its texts can be read
    /// (`amplify words`), its labels cannot.
    pub unscored: Option<String>,
}
