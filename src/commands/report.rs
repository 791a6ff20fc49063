//! `amplify report`: findings (from data, counts or a saved findings.json) to a report folder.

use crate::cli::ReportArgs;
use crate::data::InputSpec;
use crate::report::{load_findings, write_report};
use anyhow::Result;
use std::path::PathBuf;

/// Runs `report`.
pub(crate) fn run(args: &ReportArgs) -> Result<()> {
    let out = args.out.clone().unwrap_or_else(|| default_out(args));
    let extra = args.counts.iter().cloned().chain(args.audit.audit.clone()).chain(args.from.clone());
    let inputs = super::compare::input_paths(&args.input, extra);
    crate::report::check_folder(&out, "--out", &inputs)?;
    let findings = match &args.from {
        Some(path) => load_findings(path)?,
        None => super::compare::findings(&args.input, &args.stats, &args.audit, &args.counts)?,
    };
    let written = write_report(&findings, &out)?;
    note!("amplify: wrote {}/index.html (and report.md, findings.json, tables, charts/)", written.display());
    Ok(())
}

/// `reports/<stem of the first input>`.
fn default_out(args: &ReportArgs) -> PathBuf {
    let first = args
        .from
        .clone()
        .or_else(|| args.counts.first().cloned())
        .or_else(|| args.input.inputs.first().map(|a| InputSpec::parse(a).path));
    let stem = first
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "report".into());
    PathBuf::from("reports").join(stem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn out_for(args: &[&str]) -> PathBuf {
        let cli = Cli::try_parse_from(["amplify", "report"].iter().chain(args)).expect("parses");
        let Command::Report(report) = cli.command else { unreachable!("parsed report") };
        default_out(&report)
    }

    #[test]
    fn default_folder_is_named_after_the_first_input() {
        assert_eq!(out_for(&["data/h.parquet", "m.parquet"]), PathBuf::from("reports/h"));
        assert_eq!(out_for(&["gpt=runs/x.csv"]), PathBuf::from("reports/x"), "NAME=PATH uses the path");
        assert_eq!(out_for(&["--counts", "c/counts.parquet"]), PathBuf::from("reports/counts"));
        assert_eq!(out_for(&["--from", "old/findings.json"]), PathBuf::from("reports/findings"));
    }
}
