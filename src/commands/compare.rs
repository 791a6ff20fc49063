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
    let findings = findings(&args.input, &args.stats, &args.counts)?;
    if let Some(dir) = &args.charts {
        for note in crate::report::write_charts_only(&findings, dir)? {
            eprintln!("amplify: chart skipped: {note}");
        }
    }
    let text = crate::output::render(&findings, args.format)?;
    match &args.output {
        Some(path) => crate::atomic::write_bytes(path, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(())
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
