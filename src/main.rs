//! The `amplify` binary: parse, run, print the error chain on one line, exit with a status code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = amplify::cli::Cli::parse();
    match amplify::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", amplify::commands::one_line(&error));
            ExitCode::from(2)
        }
    }
}
