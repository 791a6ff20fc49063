//! `amplify compare`: labels (or counts) in, findings out.

use crate::analysis::{add_audit, build_findings, Findings, InputRecord};
use crate::cli::{AuditArgs, CompareArgs, InputArgs, StatsArgs};
use crate::data::files::audit::read_audit;
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
    let findings = findings(&args.input, &args.stats, &args.audit, &args.counts)?;
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

/// Refuses outputs that would overwrite an input, or each other, before any work.
fn check_outputs(args: &CompareArgs) -> Result<(), AmplifyError> {
    let inputs = input_paths(&args.input, args.counts.iter().cloned().chain(args.audit.audit.clone()));
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
/// `report`; with an audit of the judge, its sections too.
pub(crate) fn findings(
    input: &InputArgs,
    stats: &StatsArgs,
    audit: &AuditArgs,
    counts_files: &[PathBuf],
) -> Result<Findings> {
    let stats = StatsPlan::from(stats);
    if !counts_files.is_empty() {
        if audit.audit.is_some() {
            return Err(AmplifyError::Usage(
                "--audit pairs gold labels with the judged label files; it cannot work from --counts".into(),
            )
            .into());
        }
        let records = counts_records(counts_files)?;
        refuse_same_counts_twice(&records)?;
        let counts = read_counts(counts_files)?;
        let run = RunInputs {
            records,
            baseline: input.baseline_name.clone(),
            metrics: counts.metric_names(),
            inverted: Vec::new(),
            layout: Layout::Counts,
            id_column: None,
            truth: input.truth.clone(),
            verdicts: input.verdict.clone(),
            verdict_classes: crate::plan::verdict_classes(input)?,
            pair_columns: None,
            repeats: None,
            versus: input.versus.clone(),
            versus_only: input.versus_only,
            rank_by: input.rank_by.clone(),
            partial: None,
            cluster: input.cluster.clone(),
        };
        return Ok(build_findings(&counts, stats.settings(&run), run.records)?);
    }
    let plan = InputPlan::try_from(input)?;
    let (dataset, mut counts, items) = super::load_and_count(&plan)?;
    let mut run = RunInputs {
        records: super::input_records(&dataset),
        baseline: plan.options.baseline_name.clone(),
        metrics: counts.metric_names(),
        inverted: plan.options.invert.clone(),
        layout: dataset.layout,
        id_column: Some(dataset.id_column.clone()),
        truth: plan.options.truth.clone(),
        verdicts: plan.options.verdicts.clone(),
        verdict_classes: plan.options.verdict_classes.clone(),
        pair_columns: plan.options.pairs.as_ref().map(|p| [p.pair.clone(), p.variant.clone()]),
        repeats: dataset.repeats.as_ref().map(crate::plan::repeat_settings),
        versus: plan.versus.clone(),
        versus_only: plan.versus_only,
        rank_by: plan.rank_by.clone(),
        cluster: plan.cluster.clone(),
        partial: match plan.options.partial {
            crate::data::input::Partial::Invalid => None,
            crate::data::input::Partial::Zero => Some(0),
            crate::data::input::Partial::One => Some(1),
        },
    };
    let audits = match &audit.audit {
        Some(path) => {
            run.records.extend(
                counts_records(std::slice::from_ref(path))?
                    .into_iter()
                    .map(|r| InputRecord { role: "audit".into(), ..r }),
            );
            Some(read_audit(&dataset, path, &audit.audit_source)?)
        }
        None => None,
    };
    super::count_conditions(&plan, &dataset, &mut counts, &stats.settings(&run), items)?;
    let mut findings = build_findings(&counts, stats.settings(&run), run.records)?;
    if let Some(audits) = audits {
        add_audit(&mut findings, &counts, &audits);
    }
    Ok(findings)
}

/// Every path the run reads: label files (or directories, globs as given), then `extra` (counts
/// files, an audit, a findings file).
pub(crate) fn input_paths(input: &InputArgs, extra: impl IntoIterator<Item = PathBuf>) -> Vec<PathBuf> {
    let labels = input.inputs.iter().map(|a| crate::data::InputSpec::parse(a).path);
    labels.chain(extra).collect()
}

/// Two counts files with the same content are one shard given twice: summed, every count would
/// be doubled.
fn refuse_same_counts_twice(records: &[InputRecord]) -> Result<()> {
    for (i, a) in records.iter().enumerate() {
        if let Some(b) = records[i + 1..].iter().find(|b| b.sha256 == a.sha256) {
            return Err(AmplifyError::Usage(format!(
                "--counts {} and {} have the same content (sha256 {}): one shard given twice would count every item twice; give each shard once",
                a.path,
                b.path,
                &a.sha256[..12.min(a.sha256.len())]
            ))
            .into());
        }
    }
    Ok(())
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
