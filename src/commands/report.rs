//! `amplify report`: findings (from data, counts or a saved findings.json) to a report folder.

use crate::cli::ReportArgs;
use crate::data::InputSpec;
use crate::report::{load_findings, write_report};
use anyhow::Result;
use std::path::PathBuf;

/// Runs `report`.
pub(crate) fn run(args: &ReportArgs) -> Result<()> {
    let findings = match &args.from {
        Some(path) => load_findings(path)?,
        None => super::compare::findings(&args.input, &args.stats, &args.counts)?,
    };
    let out = args.out.clone().unwrap_or_else(|| default_out(args));
    let written = write_report(&findings, &out)?;
    eprintln!(
        "amplify: wrote {}/index.html (and report.md, findings.json, tables, charts/)",
        written.display()
    );
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
