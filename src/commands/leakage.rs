//! `amplify leakage`: response texts in, each source's attribute leakage and the models'
//! amplification of it out.

use super::words::{input_paths, TextRun, TOKENIZER};
use crate::analysis::{build_leakage, LeakageReport, LeakageSettings};
use crate::cli::LeakageArgs;
use crate::data::count::documents::documents;
use crate::error::AmplifyError;
use anyhow::Result;

/// Runs `leakage`.
pub(crate) fn run(args: &LeakageArgs) -> Result<()> {
    let guarded = input_paths(&args.texts);
    if let Some(path) = &args.output {
        crate::atomic::check_target(path, &guarded)?;
    }
    if let Some(dir) = &args.report {
        crate::report::check_folder(dir, "--report", &guarded)?;
    }
    let report = report(args)?;
    if let Some(dir) = &args.report {
        crate::report::write_leakage_report(&report, dir, &guarded)?;
    }
    let text = crate::output::leakage::render(&report, args.format)?;
    match &args.output {
        Some(path) => crate::atomic::write_bytes(path, text.as_bytes())?,
        None => crate::atomic::write_stdout(text.as_bytes())?,
    }
    Ok(())
}

/// The embedded run (Python): the document as JSON; `--report` is written.
pub(crate) fn embedded(args: &LeakageArgs) -> Result<String> {
    let report = report(args)?;
    if let Some(dir) = &args.report {
        crate::report::write_leakage_report(&report, dir, &input_paths(&args.texts))?;
    }
    Ok(crate::output::leakage::render(&report, crate::output::Format::Json)?)
}

/// Reads the texts, builds every source's documents and the document.
pub(crate) fn report(args: &LeakageArgs) -> Result<LeakageReport> {
    if !(args.c > 0.0 && args.c.is_finite()) {
        return Err(AmplifyError::Usage(format!(
            "--c {} is not a positive number; 1 is scikit-learn's default",
            args.c
        ))
        .into());
    }
    let run = TextRun::read(&args.texts)?;
    let docs = documents(&run.texts, &run.tokenizer)?;
    if docs.incomplete > 0 {
        note!(
            "amplify: {} item(s) with a {} level lack a text in some source; the {} others are compared",
            docs.incomplete,
            run.grouping.name(),
            docs.items.len()
        );
    }
    let settings = LeakageSettings {
        baseline: args.texts.baseline_name.clone(),
        responses: run.responses(),
        grouping: run.grouping.name(),
        tokenizer: TOKENIZER.into(),
        mask: args.texts.mask.clone(),
        stopwords: run.stopwords.clone(),
        min_df: args.min_df,
        folds: args.folds,
        c: args.c,
        bootstrap: args.bootstrap,
        permutations: args.permutations,
        confidence: args.confidence.get(),
        seed: args.seed,
        top: args.top,
    };
    let report = build_leakage(&docs, settings, run.records())?;
    for line in &report.notes {
        note!("amplify: {line}");
    }
    Ok(report)
}
