//! amplify: measure how much language models amplify the biases of a dataset relative to a
//! human baseline.
//!
//! Data flows one way: Parquet/CSV files → normalised labels ([`data::input`]) → the counts
//! table of sufficient statistics ([`data::count`](mod@data::count), [`counts`]) → estimates and tests
//! ([`stats`]) → [`analysis::Findings`] → exporters ([`output`], [`report`]).
//!
//! # Library API
//! The documented API is what is `pub` here: reading and counting ([`data::load_dataset`],
//! [`data::count`](mod@data::count), [`data::files::counts`]), the counts table ([`counts::CountsTable`]), the
//! statistics ([`stats`], pure functions over counts), the findings
//! ([`analysis::build_findings`]), the exporters ([`output::render`], [`report::write_report`]),
//! the LLM judge ([`judge`]) and the seeded generator ([`rng`]). The command line ([`cli_main`])
//! is built on the same calls. Everything else is `pub(crate)`.
//!
//! ```no_run
//! use amplify::analysis::{build_findings, InputRecord, Settings};
//! use amplify::data::{count, load_dataset, DataOptions, InputSpec, Layout, Strategy};
//! use amplify::output::{render, Format};
//!
//! # fn main() -> amplify::Result<()> {
//! let inputs = [InputSpec::parse("human.parquet"), InputSpec::parse("model.parquet")];
//! let options = DataOptions { baseline_name: "human".into(), max_levels: 1000, ..Default::default() };
//! let data = load_dataset(&inputs, &options)?;
//! let counts = count(&data, Strategy::Auto)?;
//! let settings = Settings::new("human", counts.metric_names(), Layout::Tidy);
//! let findings = build_findings(&counts, settings, Vec::<InputRecord>::new())?;
//! print!("{}", render(&findings, Format::Table)?);
//! # Ok(())
//! # }
//! ```

// Items are `pub(crate)` unless they are part of the API above; CI's clippy -D warnings holds it.
#![warn(unreachable_pub)]

/// Prints a note on stderr, its names escaped ([`escape`]), or hands it to an embedding caller
/// ([`embed`]); a closed stderr loses the note, never the run (`eprintln!` panics).
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let line = $crate::escape::line(&format!($($arg)*));
        if !$crate::run_scope::capture_note(&line) {
            let _ = writeln!(std::io::stderr(), "{line}");
        }
    }};
}

pub mod analysis;
mod atomic;
pub(crate) mod chart;
mod cli;
mod commands;
pub mod counts;
pub mod data;
pub mod embed;
pub mod error;
mod escape;
pub mod judge;
pub mod output;
mod parallel;
mod plain_table;
mod plan;
pub mod report;
pub mod rng;
mod run_scope;
mod sample;
pub mod stats;

pub use error::{AmplifyError, Result};

/// The `amplify` command line: parses the arguments, runs the command, prints an error on one
/// line. Returns the process exit code (0, or 2 for any error).
pub fn cli_main() -> std::process::ExitCode {
    std::process::ExitCode::from(cli_status(std::env::args_os()))
}

/// The command line over `args` (the program name first), as [`cli_main`]; returns the exit
/// status. For programs that carry the command line themselves (the Python package's `amplify`).
pub fn cli_status<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::Parser;
    use std::io::Write;
    let cli = cli::Cli::parse_from(args);
    match commands::run(cli) {
        Ok(()) => 0,
        Err(error) if matches!(error.downcast_ref(), Some(AmplifyError::BrokenPipe)) => 0,
        Err(error) => {
            // If stderr is gone too there is nobody left to tell; the status still says it.
            let line = escape::line(&commands::error_chain_line(&error));
            let _ = writeln!(std::io::stderr(), "error: {line}");
            2
        }
    }
}

/// Fixtures shared by the unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    /// The findings of the committed example report (`reports/example/findings.json`).
    pub(crate) fn example_findings() -> crate::analysis::Findings {
        serde_json::from_str(include_str!("../reports/example/findings.json")).expect("example findings")
    }
}
