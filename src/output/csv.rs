//! The comparisons table as CSV (one row per metric × model, full precision).

use crate::analysis::Findings;

/// Renders the comparisons as RFC 4180 CSV; missing values are empty fields.
pub(super) fn render(f: &Findings) -> String {
    crate::output::plain_tables::comparisons(f).to_csv()
}
