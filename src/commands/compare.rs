//! `amplify compare`: labels (or counts) in, findings out.

use crate::analysis::{build_findings, Findings, InputRecord, Settings};
use crate::cli::{CompareArgs, CorrectionArg, InputArgs, StatsArgs, TestArg};
use crate::data::{self, Layout};
use crate::error::AmplifyError;
use crate::stats::binomial::McNemarVariant;
use crate::stats::multiplicity::Correction;
use anyhow::Result;
use std::path::PathBuf;

/// Runs `compare`.
pub fn run(args: &CompareArgs) -> Result<()> {
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
    check_stats(stats)?;
    let (counts, inputs, layout, id_column, inverted) = if counts_files.is_empty() {
        if input.inputs.is_empty() {
            return Err(AmplifyError::InvalidArgument(
                "give a BASELINE file and MODEL files, or --counts FILE".into(),
            )
            .into());
        }
        let (dataset, counts) = super::load_and_count(input)?;
        let inputs = super::input_records(&dataset);
        (counts, inputs, dataset.layout, Some(dataset.id_column.clone()), input.invert.clone())
    } else {
        let counts = data::counts_io::read_counts(counts_files)?;
        let inputs = counts_records(counts_files)?;
        (counts, inputs, Layout::Counts, None, Vec::new())
    };
    let settings = settings(
        stats,
        &input.baseline_name,
        counts.metric_names(),
        inverted,
        layout,
        id_column,
        input.truth.clone(),
    );
    Ok(build_findings(&counts, settings, inputs)?)
}

/// Rejects out-of-range statistics settings before any data is read.
pub(crate) fn check_stats(stats: &StatsArgs) -> Result<(), AmplifyError> {
    if !(stats.confidence > 0.0 && stats.confidence < 1.0) {
        return Err(AmplifyError::InvalidArgument(format!(
            "--confidence {} is outside (0, 1); use e.g. 0.95",
            stats.confidence
        )));
    }
    Ok(())
}

fn settings(
    stats: &StatsArgs,
    baseline: &str,
    metrics: Vec<String>,
    inverted: Vec<String>,
    layout: Layout,
    id_column: Option<String>,
    truth: Option<String>,
) -> Settings {
    Settings {
        confidence: stats.confidence,
        correction: match stats.correction {
            CorrectionArg::Holm => Correction::Holm,
            CorrectionArg::Bh => Correction::Bh,
            CorrectionArg::None => Correction::None,
        },
        test: match stats.test {
            TestArg::Exact => McNemarVariant::Exact,
            TestArg::MidP => McNemarVariant::MidP,
        },
        seed: stats.seed,
        baseline: baseline.to_string(),
        metrics,
        inverted,
        layout,
        id_column,
        truth,
        min_group: stats.min_group,
        bootstrap: stats.bootstrap,
        reference: stats.reference.clone(),
    }
}

fn counts_records(paths: &[std::path::PathBuf]) -> Result<Vec<InputRecord>> {
    paths
        .iter()
        .map(|p| {
            let sha256 = data::source::sha256_file(p).map_err(|e| AmplifyError::Unreadable {
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
