//! How amplify runs polars queries: errors with the step they belong to, the engine choice, and
//! batches streamed into Rust state through a serial sink ([`stream`]).

use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Set once from the hidden `--engine in-memory` flag (for diagnosis).
static IN_MEMORY: AtomicBool = AtomicBool::new(false);

/// Which polars engine collects the full-data queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// polars' streaming engine (the default): the inputs in morsels, about half the peak memory.
    #[default]
    Streaming,
    /// polars' in-memory engine, for diagnosis.
    InMemory,
}

/// Chooses the engine for the rest of the process (the CLI calls it once, before any query).
pub(crate) fn use_engine(engine: Engine) {
    IN_MEMORY.store(engine == Engine::InMemory, Ordering::Relaxed);
}

/// Attaches a description of the step to a polars error.
pub(crate) trait EngineContext<T> {
    /// Wraps the error as [`AmplifyError::Engine`] with `context`.
    fn engine(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T> EngineContext<T> for PolarsResult<T> {
    fn engine(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| AmplifyError::Engine { context: context(), reason: first_line(&e.to_string()) })
    }
}

/// Collects a query with polars' streaming engine, which processes the inputs in morsels instead
/// of materialising whole columns: the same results (checked on 10M items) at about half the peak
/// memory of the in-memory engine. Used for every query that scans all rows.
pub(crate) fn collect_streaming(lazy: LazyFrame) -> PolarsResult<DataFrame> {
    // One query, one sink: the result is always a single frame (`unwrap_single` panics only for
    // the multi-sink plans of `collect_all`, which amplify never builds).
    let engine = if IN_MEMORY.load(Ordering::Relaxed) {
        polars::prelude::Engine::InMemory
    } else {
        polars::prelude::Engine::Streaming
    };
    lazy.collect_with_engine(engine).map(|result| result.unwrap_single())
}

/// The first line of a multi-line engine message.
pub(crate) fn first_line(message: &str) -> String {
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

/// Runs a query through a serial sink that calls `count` on `state` with every batch (in row
/// order when `ordered`); `count` returns `true` to stop the query early.
pub(crate) fn stream<S, F>(
    query: LazyFrame,
    state: S,
    ordered: bool,
    what: &'static str,
    count: F,
) -> Result<S>
where
    S: Send + 'static,
    F: Fn(&mut S, &DataFrame) -> PolarsResult<bool> + Send + Sync + 'static,
{
    let state = Arc::new(Mutex::new(state));
    let sink_state = Arc::clone(&state);
    let callback = PlanCallback::new(move |df: DataFrame| {
        let mut state = sink_state.lock().map_err(|_| polars_err!(ComputeError: "{what}: state poisoned"))?;
        count(&mut state, &df)
    });
    let context = || what.to_string();
    let sink = query.sink_batches(callback, ordered, None).engine(context)?;
    collect_streaming(sink).engine(context)?;
    Arc::try_unwrap(state).ok().and_then(|m| m.into_inner().ok()).ok_or_else(|| AmplifyError::Engine {
        context: context(),
        reason: "the counting state is still shared after the pass".into(),
    })
}
