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
    let (_, counts) = super::load_and_count(&plan)?;
    let rows = write_counts(&counts, &args.output)?;
    note!(
        "amplify: wrote {rows} counts rows ({} model(s) × {} metric(s)) to {}",
        counts.models.len(),
        counts.metric_names().len(),
        args.output.display()
    );
    Ok(())
}
