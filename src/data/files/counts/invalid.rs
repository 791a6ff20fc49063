//! The columns of a counts file that cross-classify the invalid labels of `metric` rows
//! ([`InvalidCells`]; in units of 2^-32 item values on a row with moments): written when every
//! metric row of the table has them, and read back
//! only from a file that has all of them, so a row's cells are either all known or absent.

use crate::counts::{CountsTable, InvalidCells};

/// The columns, in order: baseline invalid with the model's label 1 / 0, model invalid with the
/// baseline's label 1 / 0, both invalid.
pub(crate) const INVALID_COLUMNS: [&str; 5] = [
    "invalid_baseline_model_1",
    "invalid_baseline_model_0",
    "invalid_model_baseline_1",
    "invalid_model_baseline_0",
    "invalid_both",
];

/// The cells as column values, in [`INVALID_COLUMNS`] order.
pub(super) fn values(c: &InvalidCells) -> [u64; 5] {
    [c.model_one, c.model_zero, c.baseline_one, c.baseline_zero, c.both]
}

/// The cells from column values in [`INVALID_COLUMNS`] order.
pub(super) fn cells(v: [u64; 5]) -> InvalidCells {
    InvalidCells { model_one: v[0], model_zero: v[1], baseline_one: v[2], baseline_zero: v[3], both: v[4] }
}

/// Whether the file gets the columns: some metric row has cells, and every metric row (here
/// and in the `--versus` tables) has them. On a row with moments they are in units of 2^-32 item
/// values, like the moments (see `MetricCounts::invalid_cells`).
pub(super) fn written(table: &CountsTable) -> bool {
    let rows = || table.metrics.iter().chain(table.versus.iter().flat_map(|v| &v.table.metrics));
    rows().any(|m| m.invalid_cells.is_some()) && rows().all(|m| m.invalid_cells.is_some())
}
