//! The comparisons table as CSV (one row per metric × model, full precision); in a run without
//! models, the data's own rates (one row per metric).

use crate::analysis::Findings;

/// Renders the comparisons as RFC 4180 CSV; missing values are empty fields.
pub(super) fn render(f: &Findings) -> String {
    match f.data.as_ref().is_some_and(|d| d.alone) {
        true => crate::output::plain_tables::data_rates(f).to_csv(),
        false => crate::output::plain_tables::comparisons(f).to_csv(),
    }
}
