//! Evaluation-framework logs read as tidy tables: Inspect's `.eval` (a zip of JSON) and `.json`
//! logs ([`inspect`]). A log becomes one in-memory frame with the columns `id`, `epoch`,
//! `target`, one label column per score and one column per sample metadata field ([`frame`]);
//! the rest of the input stage reads it like a tidy file whose source is the log's model.

mod frame;
mod inspect;

use polars::prelude::DataFrame;

pub(crate) use inspect::read_inspect;

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
}
