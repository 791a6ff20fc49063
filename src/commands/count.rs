//! `amplify count`: labels in, the mergeable counts table out.

use crate::cli::CountArgs;
use crate::data::files::counts::{counts_format, write_counts};
use crate::plan::InputPlan;
use anyhow::Result;

/// Runs `count`.
pub(crate) fn run(args: &CountArgs) -> Result<()> {
    let plan = InputPlan::try_from(&args.input)?;
    counts_format(&args.output)?;
    crate::atomic::check_target(&args.output, &super::compare::input_paths(&args.input, []))?;
    if plan.rank_by.is_some() {
        return Err(crate::error::AmplifyError::Usage(
            "count --rank-by: the best model depends on every shard; count with --versus BEST (the best from a compare run), or rank when comparing the label files".into(),
        )
        .into());
    }
    let (dataset, mut counts, items) = super::load_and_count(&plan)?;
    if plan.versus.is_some() {
        // The best model by point estimates alone: the settings' intervals do not matter here.
        let mut settings = crate::analysis::Settings::new(
            &plan.options.baseline_name,
            counts.metric_names(),
            dataset.layout,
        );
        settings.rank_by = plan.rank_by.clone();
        super::count_conditions(&plan, &dataset, &mut counts, &settings, items)?;
    }
    let rows = write_counts(&counts, &args.output)?;
    note!(
        "amplify: wrote {rows} counts rows ({} model(s) and the data's own rows × {} metric(s)) to {}",
        dataset.compared().count(),
        counts.metric_names().len(),
        args.output.display()
    );
    Ok(())
}
