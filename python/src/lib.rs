//! `amplify_bias._amplify`: the Python extension over [`amplify::embed`]. Every call runs the
//! engine on a worker thread with the GIL released, while the calling thread watches for
//! Ctrl-C: an interrupt raises `KeyboardInterrupt` at once and cancels the run, which then
//! writes nothing. A panic stays on the worker and comes back as a failed outcome.
//!
//! Results are `(ok, text, notes)` tuples; the Python layer (`amplify_bias`) turns a failure into
//! `amplify_bias.AmplifyError` and the text into objects.

use amplify::embed::{self, Failure, Outcome};
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::Duration;

/// A call's result as Python receives it: success, its text (or the error line), its notes.
type Reply = (bool, String, Vec<String>);

/// Runs `work` on a worker thread, polling for signals every 50 ms.
fn on_worker<F>(py: Python<'_>, work: F) -> PyResult<Reply>
where
    F: FnOnce() -> Result<Outcome, Failure> + Send + 'static,
{
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("amplify".into())
        .stack_size(8 << 20)
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            let _ = tx.send(result);
        })
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?;
    let mut rx = rx;
    loop {
        // The receiver is not Sync: it moves into the GIL-free closure and back.
        let (back, received) = py.detach(move || {
            let received = rx.recv_timeout(Duration::from_millis(50));
            (rx, received)
        });
        rx = back;
        match received {
            Ok(Ok(Ok(outcome))) => return Ok((true, outcome.text, outcome.notes)),
            Ok(Ok(Err(failure))) => return Ok((false, failure.message, failure.notes)),
            Ok(Err(panic)) => return Ok((false, internal_error(&panic), Vec::new())),
            Err(RecvTimeoutError::Disconnected) => {
                return Ok((
                    false,
                    "internal error: the worker thread ended without a result".into(),
                    Vec::new(),
                ))
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Err(interrupt) = py.check_signals() {
                    embed::cancel_all();
                    return Err(interrupt);
                }
            }
        }
    }
}

/// The message of a panic, as an error line that asks for a bug report.
fn internal_error(panic: &Box<dyn std::any::Any + Send>) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!("internal error in amplify (a bug; please report it with the call that caused it): {what}")
}

/// Runs `amplify ARGS...`: compare gives the findings JSON, power its JSON, others write files.
#[pyfunction]
fn run(py: Python<'_>, args: Vec<String>) -> PyResult<Reply> {
    on_worker(py, move || embed::run(&args))
}

/// Reads a findings document (any version amplify reads) as this version's JSON.
#[pyfunction]
fn read_findings(py: Python<'_>, path: PathBuf) -> PyResult<Reply> {
    on_worker(py, move || embed::read_findings(&path))
}

/// Writes the report folder of findings (JSON) at `out`.
#[pyfunction]
fn write_report(py: Python<'_>, findings: String, out: PathBuf) -> PyResult<Reply> {
    on_worker(py, move || embed::write_report(&findings, &out))
}

/// Writes the charts of findings (JSON) into `out`.
#[pyfunction]
fn write_charts(py: Python<'_>, findings: String, out: PathBuf) -> PyResult<Reply> {
    on_worker(py, move || embed::write_charts(&findings, &out))
}

/// Renders findings (JSON) in one of compare's `--format`s.
#[pyfunction]
fn render(py: Python<'_>, findings: String, format: String) -> PyResult<Reply> {
    on_worker(py, move || embed::render(&findings, &format))
}

/// The long options of a subcommand: `(name, takes_value, repeated, comma, optional_value)` each.
#[pyfunction]
fn options(subcommand: &str) -> Vec<(String, bool, bool, bool, bool)> {
    embed::options(subcommand)
        .into_iter()
        .map(|o| (o.long, o.takes_value, o.repeated, o.comma, o.optional_value))
        .collect()
}

/// The `amplify` command line over `argv` (program name first); returns the exit status.
#[pyfunction]
fn cli(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(move || amplify::cli_status(argv))
}

/// The engine's version.
#[pyfunction]
fn version() -> &'static str {
    embed::version()
}

/// The module.
#[pymodule]
fn _amplify(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(read_findings, m)?)?;
    m.add_function(wrap_pyfunction!(write_report, m)?)?;
    m.add_function(wrap_pyfunction!(write_charts, m)?)?;
    m.add_function(wrap_pyfunction!(render, m)?)?;
    m.add_function(wrap_pyfunction!(options, m)?)?;
    m.add_function(wrap_pyfunction!(cli, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
