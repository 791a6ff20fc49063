//! Counts of counterfactual pairs: per (versus source, model, metric, slice) the joint table of
//! the four labels (versus side A, versus side B, model side A, model side B), each 0, 1 or
//! missing (no valid label, or the source lacks the item). Every pair measure — each source's
//! both-sides, flip and asymmetry rates, the model-vs-versus differences — is a function of it,
//! and tables of disjoint shards add up cell by cell.

use super::PairedCounts;
use serde::{Deserialize, Serialize};

/// Cells of a pair table: 3 states for each of 4 labels.
pub const PAIR_CELLS: usize = 81;

/// State of a label that is missing or invalid (states 0 and 1 are the labels).
pub const MISSING: usize = 2;

/// The cell index of four label states (each 0, 1 or [`MISSING`]).
pub const fn pair_cell(versus_a: usize, versus_b: usize, model_a: usize, model_b: usize) -> usize {
    versus_a + 3 * versus_b + 9 * model_a + 27 * model_b
}

/// The cell's four states as on disk: '0', '1' or '-' for versus A, versus B, model A, model B.
pub fn cell_name(cell: usize) -> String {
    [cell % 3, cell / 3 % 3, cell / 9 % 3, cell / 27 % 3].iter().map(|&s| ['0', '1', '-'][s]).collect()
}

/// The cell index of a name written by [`cell_name`].
pub fn parse_cell(name: &str) -> Option<usize> {
    let states: Vec<usize> =
        name.chars().map(|c| ['0', '1', '-'].iter().position(|&x| x == c)).collect::<Option<_>>()?;
    match states[..] {
        [a, b, c, d] => Some(pair_cell(a, b, c, d)),
        _ => None,
    }
}

/// The joint pair table of one (versus, model, metric, slice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairCells {
    /// The source the model is compared with: the baseline, or another model.
    pub versus: String,
    /// The model.
    pub model: String,
    /// The metric.
    pub metric: String,
    /// The pairs covered, by side A's group level and truth.
    pub slice: crate::counts::Slice,
    /// [`PAIR_CELLS`] counts, indexed by [`pair_cell`].
    pub cells: Vec<u64>,
}

impl PairCells {
    /// An empty table.
    pub fn new(versus: &str, model: &str, metric: &str, slice: crate::counts::Slice) -> Self {
        Self {
            versus: versus.into(),
            model: model.into(),
            metric: metric.into(),
            slice,
            cells: vec![0; PAIR_CELLS],
        }
    }

    /// The count of one cell.
    pub fn get(&self, versus_a: usize, versus_b: usize, model_a: usize, model_b: usize) -> u64 {
        self.cells[pair_cell(versus_a, versus_b, model_a, model_b)]
    }

    /// Every pair counted, whatever its labels.
    pub fn total(&self) -> u64 {
        self.cells.iter().sum()
    }

    /// The versus source's table (over every model state).
    pub fn versus_table(&self) -> PairTable {
        self.side_table(|c| (c % 3, c / 3 % 3))
    }

    /// The model's table (over every versus state).
    pub fn model_table(&self) -> PairTable {
        self.side_table(|c| (c / 9 % 3, c / 27 % 3))
    }

    fn side_table(&self, states: impl Fn(usize) -> (usize, usize)) -> PairTable {
        let mut t = PairTable::default();
        for (cell, &n) in self.cells.iter().enumerate() {
            match states(cell) {
                (1, 1) => t.n11 += n,
                (1, 0) => t.n10 += n,
                (0, 1) => t.n01 += n,
                (0, 0) => t.n00 += n,
                _ => {}
            }
        }
        t
    }

    /// The pairs valid on both sides for both sources.
    pub fn joint(&self) -> JointPairs {
        let mut joint = [0u64; 16];
        for (i, n) in joint.iter_mut().enumerate() {
            *n = self.get(i & 1, i >> 1 & 1, i >> 2 & 1, i >> 3 & 1);
        }
        JointPairs(joint)
    }
}

/// How the items formed pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingCounts {
    /// The two variants, side A (the reference) first.
    pub variants: [String; 2],
    /// Pairs with exactly one item on each side.
    pub complete: u64,
    /// Pairs with an item on one side only.
    pub missing_side: u64,
    /// Pairs with two or more items on one side (left out).
    pub duplicate_side: u64,
}

/// A source's labels on the two sides of its pairs: `n10` = 1 on side A, 0 on side B.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairTable {
    /// 1 on both sides.
    pub n11: u64,
    /// 1 on side A only.
    pub n10: u64,
    /// 1 on side B only.
    pub n01: u64,
    /// 0 on both sides.
    pub n00: u64,
}

add_fields!(PairTable { n11, n10, n01, n00 });

impl PairTable {
    /// Pairs in the table.
    pub fn n(&self) -> u64 {
        self.n11 + self.n10 + self.n01 + self.n00
    }

    /// The table as a paired 2×2 of side B ("model") against side A ("baseline"), so that the
    /// paired difference is P(B) − P(A).
    pub fn as_paired(&self) -> PairedCounts {
        PairedCounts { both: self.n11, model_only: self.n01, baseline_only: self.n10, neither: self.n00 }
    }
}

/// The 16 cells of two sources' labels on the pairs valid on both sides for both, indexed by
/// versus A + 2 · versus B + 4 · model A + 8 · model B.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JointPairs(pub [u64; 16]);

impl JointPairs {
    /// Pairs counted.
    pub fn n(&self) -> u64 {
        self.0.iter().sum()
    }

    /// Each cell as ([versus A, versus B, model A, model B], n).
    pub(crate) fn cells(&self) -> impl Iterator<Item = ([i64; 4], u64)> + '_ {
        self.0
            .iter()
            .enumerate()
            .map(|(i, &n)| ([i & 1, i >> 1 & 1, i >> 2 & 1, i >> 3 & 1].map(|x| x as i64), n))
    }

    /// Each source's own pair table over these pairs.
    pub fn tables(&self) -> (PairTable, PairTable) {
        let (mut versus, mut model) = (PairTable::default(), PairTable::default());
        for ([va, vb, ma, mb], n) in self.cells() {
            for (t, a, b) in [(&mut versus, va, vb), (&mut model, ma, mb)] {
                match (a, b) {
                    (1, 1) => t.n11 += n,
                    (1, 0) => t.n10 += n,
                    (0, 1) => t.n01 += n,
                    _ => t.n00 += n,
                }
            }
        }
        (versus, model)
    }

    /// The pair-level indicator "label `value` on both sides" of the model against the versus
    /// source, as a paired 2×2 (model × versus).
    pub fn both_sides(&self, value: i64) -> PairedCounts {
        let mut t = PairedCounts::default();
        for ([va, vb, ma, mb], n) in self.cells() {
            match (ma == value && mb == value, va == value && vb == value) {
                (true, true) => t.both += n,
                (true, false) => t.model_only += n,
                (false, true) => t.baseline_only += n,
                (false, false) => t.neither += n,
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_round_trip_and_read_in_order() {
        for cell in 0..PAIR_CELLS {
            assert_eq!(parse_cell(&cell_name(cell)), Some(cell));
        }
        assert_eq!(cell_name(pair_cell(1, 0, MISSING, 1)), "10-1");
        assert_eq!(parse_cell("10-"), None);
        assert_eq!(parse_cell("10-x"), None);
    }

    #[test]
    fn side_tables_marginalise_the_other_source() {
        let mut t = PairCells::new("human", "m", "x", crate::counts::Slice::all());
        t.cells[pair_cell(1, 0, 1, 1)] = 3;
        t.cells[pair_cell(1, 0, MISSING, 0)] = 2;
        t.cells[pair_cell(0, MISSING, 0, 1)] = 5;
        assert_eq!(t.versus_table(), PairTable { n11: 0, n10: 5, n01: 0, n00: 0 });
        assert_eq!(t.model_table(), PairTable { n11: 3, n10: 0, n01: 5, n00: 0 });
        assert_eq!((t.joint().n(), t.total()), (3, 10));
        assert_eq!(t.joint().0[1 + 4 + 8], 3);
    }
}
