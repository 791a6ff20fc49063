//! `amplify compare`: labels (or counts) in, findings out.

use crate::analysis::{build_findings, Findings, InputRecord};
use crate::cli::{CompareArgs, InputArgs, StatsArgs};
use crate::data::files::counts::read_counts;
use crate::data::input::source::sha256_file;
use crate::data::Layout;
use crate::error::AmplifyError;
use crate::plan::{InputPlan, RunInputs, StatsPlan};
use anyhow::Result;
use std::path::PathBuf;

/// Runs `compare`.
pub(crate) fn run(args: &CompareArgs) -> Result<()> {
    check_outputs(args)?;
    let findings = findings(&args.input, &args.stats, &args.counts)?;
    if let Some(dir) = &args.charts {
        for note in crate::report::write_charts_only(&findings, dir)? {
            note!("amplify: chart skipped: {note}");
        }
    }
    let text = crate::output::render(&findings, args.format)?;
    match &args.output {
        Some(path) => crate::atomic::write_bytes(path, text.as_bytes())?,
        None => crate::atomic::write_stdout(text.as_bytes())?,
    }
    Ok(())
}

/// Every path the run reads: label files (or directories, globs as given) and counts files.
pub(crate) fn input_paths(input: &InputArgs, counts: &[PathBuf]) -> Vec<PathBuf> {
    let labels = input.inputs.iter().map(|a| crate::data::InputSpec::parse(a).path);
    labels.chain(counts.iter().cloned()).collect()
}

/// Refuses outputs that would overwrite an input, or each other, before any work.
fn check_outputs(args: &CompareArgs) -> Result<(), AmplifyError> {
    let inputs = input_paths(&args.input, &args.counts);
    if let Some(path) = &args.output {
        crate::atomic::check_target(path, &inputs)?;
    }
    if let Some(dir) = &args.charts {
        if args.output.as_ref().is_some_and(|o| same_path(o, dir)) {
            return Err(AmplifyError::Usage(format!(
                "-o {} and --charts {} name the same path; give the charts their own folder",
                args.output.as_ref().map(|o| o.display().to_string()).unwrap_or_default(),
                dir.display()
            )));
        }
        crate::report::check_folder(dir, "--charts", &inputs)?;
    }
    Ok(())
}

/// Whether two paths name the same place (the file itself need not exist).
fn same_path(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b || crate::atomic::absolute_parent(a).is_some_and(|x| Some(x) == crate::atomic::absolute_parent(b))
}

/// Reads labels (or counts) and computes the findings: the pipeline shared by `compare` and
/// `report`.
pub(crate) fn findings(input: &InputArgs, stats: &StatsArgs, counts_files: &[PathBuf]) -> Result<Findings> {
    let stats = StatsPlan::from(stats);
    let (counts, run) = if counts_files.is_empty() {
        let plan = InputPlan::try_from(input)?;
        let (dataset, counts) = super::load_and_count(&plan)?;
        let run = RunInputs {
            records: super::input_records(&dataset),
            baseline: plan.options.baseline_name.clone(),
            metrics: counts.metric_names(),
            inverted: plan.options.invert.clone(),
            layout: dataset.layout,
            id_column: Some(dataset.id_column.clone()),
            truth: plan.options.truth.clone(),
        };
        (counts, run)
    } else {
        let counts = read_counts(counts_files)?;
        let run = RunInputs {
            records: counts_records(counts_files)?,
            baseline: input.baseline_name.clone(),
            metrics: counts.metric_names(),
            inverted: Vec::new(),
            layout: Layout::Counts,
            id_column: None,
            truth: input.truth.clone(),
        };
        (counts, run)
    };
    let settings = stats.settings(&run);
    Ok(build_findings(&counts, settings, run.records)?)
}

fn counts_records(paths: &[std::path::PathBuf]) -> Result<Vec<InputRecord>> {
    paths
        .iter()
        .map(|p| {
            let sha256 = sha256_file(p).map_err(|e| AmplifyError::Unreadable {
                path: p.clone(),
                format: "counts",
                reason: e.to_string(),
            })?;
            Ok(InputRecord {
                role: "counts".into(),
                name: String::new(),
                path: p.display().to_string(),
                rows: 0,
                sha256,
            })
        })
        .collect()
}
