//! `amplify compare`: labels (or counts) in, findings out.

use crate::analysis::{build_findings, InputRecord, Settings};
use crate::cli::{CompareArgs, CorrectionArg, StatsArgs, TestArg};
use crate::data::{self, Layout};
use crate::error::AmplifyError;
use crate::stats::binomial::McNemarVariant;
use crate::stats::multiplicity::Correction;
use anyhow::Result;

/// Runs `compare`.
pub fn run(args: &CompareArgs) -> Result<()> {
    check_stats(&args.stats)?;
    let (counts, inputs, layout, id_column, inverted) = if args.counts.is_empty() {
        if args.input.inputs.is_empty() {
            return Err(AmplifyError::InvalidArgument(
                "give a BASELINE file and MODEL files, or --counts FILE".into(),
            )
            .into());
        }
        let (dataset, counts) = super::load_and_count(&args.input)?;
        let inputs = super::input_records(&dataset);
        (counts, inputs, dataset.layout, Some(dataset.id_column.clone()), args.input.invert.clone())
    } else {
        let counts = data::counts_io::read_counts(&args.counts)?;
        let inputs = counts_records(&args.counts)?;
        (counts, inputs, Layout::Counts, None, Vec::new())
    };
    let settings = settings(
        &args.stats,
        &args.input.baseline_name,
        counts.metric_names(),
        inverted,
        layout,
        id_column,
        args.input.truth.clone(),
    );
    let findings = build_findings(&counts, settings, inputs)?;
    let text = crate::output::render(&findings, args.format)?;
    match &args.output {
        Some(path) => crate::atomic::write_bytes(path, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(())
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
