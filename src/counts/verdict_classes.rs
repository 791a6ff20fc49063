//! Verdict classes (`--verdict-classes`): per source and verdict metric, the items counted by
//! three classes at once — the truth's, the baseline's and the source's — so that every table
//! the findings need (baseline × model, truth × source) and every paired movement (a model's
//! softening against the baseline's on the same items) is a sum of these cells.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The class of a label that is none of the run's classes (missing, or another word); also the
/// truth's class in a run without a truth.
pub const NO_CLASS: &str = "-";

/// The classes of one item: the truth's, the baseline's and the source's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClassKey {
    /// The truth's class ([`NO_CLASS`] without one).
    pub truth: String,
    /// The baseline's class.
    pub baseline: String,
    /// The source's class.
    pub model: String,
}

impl ClassKey {
    /// The key as the counts file's `cell`: `TRUTH>BASELINE>MODEL`.
    pub fn cell(&self) -> String {
        format!("{}>{}>{}", self.truth, self.baseline, self.model)
    }

    /// Parses a `cell` written by [`ClassKey::cell`]: three classes (ASCII letters, digits and
    /// `_`, as `--verdict-classes` accepts them) or [`NO_CLASS`].
    pub fn parse(cell: &str) -> Option<Self> {
        let mut parts = cell.split('>');
        let (t, b, m) = (parts.next()?, parts.next()?, parts.next()?);
        let ok = |s: &str| {
            s == NO_CLASS || (!s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        };
        (parts.next().is_none() && ok(t) && ok(b) && ok(m)).then(|| Self {
            truth: t.into(),
            baseline: b.into(),
            model: m.into(),
        })
    }
}

/// One source's joint class table for one verdict metric over the items it shares with the
/// baseline (the baseline's own table, counted as its own model, covers every baseline item).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassCells {
    /// The source (a model, or the baseline as its own model).
    pub source: String,
    /// The verdict metric.
    pub metric: String,
    /// Items per key; keys with no item are absent.
    pub cells: BTreeMap<ClassKey, u64>,
}

impl ClassCells {
    /// An empty table.
    pub fn new(source: &str, metric: &str) -> Self {
        Self { source: source.into(), metric: metric.into(), cells: BTreeMap::new() }
    }

    /// Adds `n` items to a key.
    pub fn add(&mut self, key: ClassKey, n: u64) {
        if n > 0 {
            *self.cells.entry(key).or_default() += n;
        }
    }

    /// Items counted.
    pub fn n(&self) -> u64 {
        self.cells.values().sum()
    }

    /// The items whose classes satisfy `keep`.
    pub fn count(&self, keep: impl Fn(&ClassKey) -> bool) -> u64 {
        self.cells.iter().filter(|(k, _)| keep(k)).map(|(_, n)| n).sum()
    }

    /// The two-way table of `rows` (a class of each key) × `cols` over `classes`, with the items
    /// outside it: `table[i][j]`, and the items where either class is not one of `classes`.
    pub fn two_way(
        &self,
        classes: &[String],
        rows: impl Fn(&ClassKey) -> &str,
        cols: impl Fn(&ClassKey) -> &str,
    ) -> (Vec<Vec<u64>>, u64) {
        let k = classes.len();
        let mut table = vec![vec![0u64; k]; k];
        let mut outside = 0;
        let at = |c: &str| classes.iter().position(|x| x == c);
        for (key, n) in &self.cells {
            match (at(rows(key)), at(cols(key))) {
                (Some(i), Some(j)) => table[i][j] += n,
                _ => outside += n,
            }
        }
        (table, outside)
    }
}

impl std::ops::AddAssign for ClassCells {
    /// The same (source, metric) of another shard: cell by cell.
    fn add_assign(&mut self, o: Self) {
        for (key, n) in o.cells {
            self.add(key, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(t: &str, b: &str, m: &str) -> ClassKey {
        ClassKey { truth: t.into(), baseline: b.into(), model: m.into() }
    }

    #[test]
    fn cells_round_trip_and_hostile_cells_are_refused() {
        let k = key("YTA", "-", "ESH");
        assert_eq!(ClassKey::parse(&k.cell()), Some(k));
        for bad in
            ["", "YTA>NTA", "A>B>C>D", "A>>C", " A>B>C", "A>B>C\n", "<b>>A>B", "A>B>C&D", "é>A>B", "--->A>B"]
        {
            assert_eq!(ClassKey::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn shards_add_cell_by_cell_and_two_way_tables_split_the_rest() {
        let mut a = ClassCells::new("m", "verdict");
        a.add(key("YTA", "YTA", "ESH"), 3);
        a.add(key("-", "NTA", "NTA"), 0);
        let mut b = ClassCells::new("m", "verdict");
        b.add(key("YTA", "YTA", "ESH"), 2);
        b.add(key("NTA", "NTA", "-"), 4);
        a += b;
        assert_eq!(a.n(), 9);
        assert_eq!(a.cells.len(), 2);
        let classes = ["YTA".to_string(), "NTA".into(), "ESH".into()];
        let (t, outside) = a.two_way(&classes, |k| &k.baseline, |k| &k.model);
        assert_eq!(t, vec![vec![0, 0, 5], vec![0, 0, 0], vec![0, 0, 0]]);
        assert_eq!(outside, 4);
        assert_eq!(a.count(|k| k.truth == "YTA"), 5);
    }
}
