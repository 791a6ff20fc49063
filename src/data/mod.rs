//! The only code that touches polars: reading Parquet/CSV, column mapping, label normalisation,
//! alignment, and the reduction of rows to the counts table.

pub mod cells;
pub mod checks;
pub mod counts_io;
pub mod dataset;
pub mod groups;
pub mod inspect;
pub mod joint;
pub mod judge_io;
pub mod labels;
pub mod layout;
pub mod maps;
pub mod metrics;
pub mod pairing;
pub mod pass;
pub mod reduce;
pub mod sample_io;
pub mod source;
pub mod wide;

pub use layout::{load_dataset, DataOptions, Dataset, Layout};
pub use source::{FileInfo, InputSpec};

use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// Attaches a description of the step to a polars error.
pub(crate) trait EngineContext<T> {
    /// Wraps the error as [`AmplifyError::Engine`] with `context`.
    fn engine(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T> EngineContext<T> for PolarsResult<T> {
    fn engine(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| AmplifyError::Engine { context: context(), reason: one_line(&e.to_string()) })
    }
}

/// Collects a query with polars' streaming engine, which processes the inputs in morsels instead
/// of materialising whole columns: the same results (checked on 10M items) at about half the peak
/// memory of the in-memory engine. Used for every query that scans all rows.
pub(crate) fn collect_streaming(lazy: LazyFrame) -> PolarsResult<DataFrame> {
    // One query, one sink: the result is always a single frame (`unwrap_single` panics only for
    // the multi-sink plans of `collect_all`, which amplify never builds).
    // AMPLIFY_ENGINE=in-memory switches back to the in-memory engine (for diagnosis).
    let engine = match std::env::var("AMPLIFY_ENGINE").as_deref() {
        Ok("in-memory") => Engine::InMemory,
        _ => Engine::Streaming,
    };
    lazy.collect_with_engine(engine).map(|result| result.unwrap_single())
}

/// Collapses a multi-line engine message to its first line.
pub(crate) fn one_line(message: &str) -> String {
    message.lines().next().unwrap_or("").trim().to_string()
}

/// Reads one integer cell of a one-row aggregate frame as u64 (null counts as 0).
pub(crate) fn cell_u64(df: &DataFrame, name: &str) -> Result<u64> {
    let value = df.column(name).and_then(|c| c.get(0)).engine(|| format!("reading aggregate '{name}'"))?;
    Ok(match value {
        AnyValue::Null => 0,
        other => other.extract::<i64>().unwrap_or(0).max(0) as u64,
    })
}
