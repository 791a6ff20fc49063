//! The count columns of a counts file in one table: each column's name, the kinds of row that
//! use it, and its place in a row ([`Count`]). Writing, reading and the per-kind checks all go
//! through this table.

/// A count column, named by its place in a row's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Count {
    Both,
    ModelOnly,
    BaselineOnly,
    Neither,
    InvalidBaseline,
    InvalidModel,
    Matched,
    BaselineOnlyIds,
    ModelOnlyIds,
    ScoreN,
    ScoreSumBaseline,
    ScoreSumModel,
    ScoreSumSqDiff,
    Unassigned,
    Ambiguous,
    Pairs,
    MissingSide,
    DuplicateSide,
}

/// One count column: where it is, its name on disk, and the kinds of row that may be non-zero in it.
pub(super) struct CountColumn {
    /// Its place in a row.
    pub count: Count,
    /// The column's name.
    pub name: &'static str,
    /// The row kinds that use it (0 in every other kind).
    pub kinds: &'static [&'static str],
}

const CELLS: &[&str] = &["metric", "truth"];
const MODEL: &[&str] = &["model"];

/// Every count column, in the file's order.
pub(super) const COLUMNS: [CountColumn; 18] = [
    CountColumn { count: Count::Both, name: "both", kinds: CELLS },
    CountColumn { count: Count::ModelOnly, name: "model_only", kinds: CELLS },
    CountColumn { count: Count::BaselineOnly, name: "baseline_only", kinds: CELLS },
    CountColumn { count: Count::Neither, name: "neither", kinds: CELLS },
    CountColumn { count: Count::InvalidBaseline, name: "invalid_baseline", kinds: CELLS },
    CountColumn { count: Count::InvalidModel, name: "invalid_model", kinds: CELLS },
    CountColumn { count: Count::Matched, name: "matched", kinds: MODEL },
    CountColumn { count: Count::BaselineOnlyIds, name: "baseline_only_ids", kinds: MODEL },
    CountColumn { count: Count::ModelOnlyIds, name: "model_only_ids", kinds: MODEL },
    CountColumn { count: Count::ScoreN, name: "score_n", kinds: MODEL },
    CountColumn { count: Count::ScoreSumBaseline, name: "score_sum_baseline", kinds: MODEL },
    CountColumn { count: Count::ScoreSumModel, name: "score_sum_model", kinds: MODEL },
    CountColumn { count: Count::ScoreSumSqDiff, name: "score_sum_sq_diff", kinds: MODEL },
    CountColumn { count: Count::Unassigned, name: "unassigned", kinds: &["grouping"] },
    CountColumn { count: Count::Ambiguous, name: "ambiguous", kinds: &["grouping"] },
    CountColumn { count: Count::Pairs, name: "pairs", kinds: &["pair", "pairing", "class"] },
    CountColumn { count: Count::MissingSide, name: "missing_side", kinds: &["pairing"] },
    CountColumn { count: Count::DuplicateSide, name: "duplicate_side", kinds: &["pairing"] },
];

/// The column names, in order.
pub(super) const fn names() -> [&'static str; 18] {
    let mut out = [""; 18];
    let mut i = 0;
    while i < COLUMNS.len() {
        out[i] = COLUMNS[i].name;
        i += 1;
    }
    out
}

/// The count values of one row, read and written by column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Counts([u64; 18]);

impl Counts {
    /// The value in a column.
    pub(super) fn get(&self, c: Count) -> u64 {
        self.0[c as usize]
    }

    /// Sets the values of some columns.
    pub(super) fn with(mut self, values: &[(Count, u64)]) -> Self {
        for &(c, v) in values {
            self.0[c as usize] = v;
        }
        self
    }

    /// The values in file order.
    pub(super) fn values(&self) -> &[u64; 18] {
        &self.0
    }

    /// Values in file order.
    pub(super) fn from_values(values: [u64; 18]) -> Self {
        Self(values)
    }

    /// The first column a row of `kind` does not use but holds a value in.
    pub(super) fn unused_value(&self, kind: &str) -> Option<(&'static str, u64)> {
        COLUMNS
            .iter()
            .find(|c| !c.kinds.contains(&kind) && self.get(c.count) != 0)
            .map(|c| (c.name, self.get(c.count)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_column_sits_at_its_own_place() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(c.count as usize, i, "{}", c.name);
        }
        assert_eq!(names()[9], "score_n");
    }

    #[test]
    fn a_value_in_a_column_of_another_kind_is_found() {
        let row = Counts::default().with(&[(Count::Both, 3), (Count::Matched, 2)]);
        assert_eq!(row.unused_value("metric"), Some(("matched", 2)));
        assert_eq!(row.unused_value("model"), Some(("both", 3)));
        assert_eq!(Counts::default().with(&[(Count::Pairs, 1)]).unused_value("pair"), None);
    }
}
