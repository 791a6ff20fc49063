//! One module per subcommand, each orchestration only: resolve the plan, read, count, analyse,
//! export.

pub(crate) mod agree;
pub(crate) mod compare;
pub(crate) mod count;
pub(crate) mod inspect;
pub(crate) mod judge;
pub(crate) mod leakage;
pub(crate) mod power;
pub(crate) mod report;
pub(crate) mod sample;
pub(crate) mod words;

use crate::analysis::InputRecord;
use crate::cli::{Cli, Command};
use crate::counts::CountsTable;
use crate::data::count::ItemKeys;
use crate::data::{self, Dataset};
use crate::plan::InputPlan;

/// Runs a parsed command line.
pub(crate) fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Compare(args) => compare::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Count(args) => count::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Sample(args) => sample::run(&args),
        Command::Judge(args) => judge::run(&args),
        Command::Agree(args) => agree::run(&args),
        Command::Power(args) => power::run(&args),
        Command::Words(args) => words::run(&args),
        Command::Leakage(args) => leakage::run(&args),
    }
}

/// An error and its causes on one line, joined by ": ".
pub(crate) fn error_chain_line(error: &anyhow::Error) -> String {
    error.chain().map(|e| e.to_string()).collect::<Vec<_>>().join(": ").replace('\n', " ")
}

/// Reads the label files and reduces them to counts; returns the dataset (for its metadata) too,
/// and every item's keys when the plan counts conditions (`--versus`, `--rank-by`), which
/// [`count_conditions`] then counts from without reading the files again.
pub(crate) fn load_and_count(plan: &InputPlan) -> crate::Result<(Dataset, CountsTable, Option<ItemKeys>)> {
    data::engine::use_engine(plan.engine);
    let dataset = data::load_dataset(&plan.inputs, &plan.options)?;
    let mut note =
        format!("amplify: comparing {} metric(s): {}", dataset.metrics.len(), dataset.metrics.join(", "));
    if !dataset.truth_metrics.is_empty() {
        note.push_str(&format!("; against the truth: {}", dataset.truth_metrics.join(", ")));
    }
    if !dataset.skipped.is_empty() {
        note.push_str(&format!(" (skipped, not 0/1 labels: {})", dataset.skipped.join(", ")));
    }
    note!("{note}");
    for line in &dataset.notes {
        note!("amplify: {line}");
    }
    if !dataset.absent.is_empty() {
        let pairs: Vec<String> =
            dataset.absent.iter().map(|(model, metric)| format!("{model}/{metric}")).collect();
        note!("amplify: not compared, the model has no such column: {}", pairs.join(", "));
    }
    let keep = plan.versus.is_some() || (plan.rank_by.is_some() && dataset.compared().count() > 1);
    let (counts, items) = data::count::count_keeping(&dataset, plan.strategy, keep)?;
    Ok((dataset, counts, items))
}

/// Adds the counts of the models against the `--versus` model and, for `--rank-by`, against the
/// best model (found from findings with `settings`), unless already counted; from `items`, the
/// keys the main count kept, when it has them.
pub(crate) fn count_conditions(
    plan: &InputPlan,
    dataset: &Dataset,
    counts: &mut CountsTable,
    settings: &crate::analysis::Settings,
    items: Option<ItemKeys>,
) -> crate::Result<()> {
    let items = items.as_ref();
    if dataset.compared().count() == 0 && (plan.versus.is_some() || plan.rank_by.is_some()) {
        let flag = if plan.versus.is_some() { "--versus" } else { "--rank-by" };
        return Err(crate::error::AmplifyError::Usage(format!(
            "{flag}: the run has one source and no model to compare; give the model files after the baseline"
        )));
    }
    if let Some(base) = &plan.versus {
        counts.versus.push(data::count::count_versus(dataset, base, plan.strategy, items)?);
    }
    if let Some(measure) = plan.rank_by.as_ref().filter(|_| dataset.compared().count() > 1) {
        // The best by the comparisons with the baseline, which --versus-only would leave out.
        let settings = crate::analysis::Settings { versus_only: false, ..settings.clone() };
        let findings = crate::analysis::build_findings(counts, settings, Vec::new())?;
        if let Some(best) = crate::analysis::best_model(&findings, measure)? {
            if !counts.versus.iter().any(|v| v.base == best) {
                counts.versus.push(data::count::count_versus(dataset, &best, plan.strategy, items)?);
            }
        }
    }
    for v in &counts.versus {
        if !v.unpaired.is_empty() {
            note!("amplify: share no item with {}, compared unpaired: {}", v.base, v.unpaired.join(", "));
        }
    }
    Ok(())
}

/// The input records of a dataset, baseline first.
pub(crate) fn input_records(dataset: &Dataset) -> Vec<InputRecord> {
    std::iter::once(("baseline", &dataset.baseline))
        .chain(dataset.compared().map(|m| ("model", m)))
        .map(|(role, frame)| {
            let file = &dataset.files[frame.file];
            InputRecord {
                role: role.to_string(),
                name: frame.name.clone(),
                path: file.path.display().to_string(),
                rows: frame.rows,
                sha256: file.sha256.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn error_chain_is_one_line() {
        let inner = std::io::Error::other("disk full\nsecond line");
        let error = anyhow::Error::new(inner).context("cannot write out.json");
        assert_eq!(super::error_chain_line(&error), "cannot write out.json: disk full second line");
    }
}
