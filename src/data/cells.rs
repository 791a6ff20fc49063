//! Cell tables of the positional pass ([`super::aligned`]): one count per combination of group
//! level, truth code, baseline key and model key, where a key packs a side's label codes base 3
//! (see [`super::joint`]). A cell's index is
//! `((level · 3 + truth) · side + baseline) · side + model` with `side` = 3^k for k metrics.

use super::joint::{JointRow, SlotRows};
use polars::prelude::*;
use std::collections::HashMap;

/// Most cells a table keeps in a dense array (16 MiB of counts); larger tables use a map.
const DENSE_CELLS: u64 = 1 << 21;
/// Up to this many levels are found by comparing with each; more use a hash map.
const LINEAR_LEVELS: usize = 8;

/// The shape of one cell table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CellLayout {
    side: u64,
    cells: u64,
}

impl CellLayout {
    /// The layout for `k` metrics and `levels` level slots, or `None` when the index would not
    /// fit in an i64.
    pub fn new(k: usize, levels: usize) -> Option<Self> {
        let side = 3u64.checked_pow(u32::try_from(k).ok()?)?;
        let cells = side.checked_mul(side)?.checked_mul(3)?.checked_mul(levels as u64)?;
        (cells < i64::MAX as u64).then_some(Self { side, cells })
    }

    /// Distinct keys of one side (3^k).
    pub fn side(&self) -> u64 {
        self.side
    }

    /// Cells of one level slot.
    fn stride(&self) -> u64 {
        3 * self.side * self.side
    }
}

/// Counts per cell.
#[derive(Debug, Clone)]
enum Counts {
    Dense(Vec<u64>),
    Sparse(HashMap<u64, u64>),
}

/// One model's cell table for one grouping (or for all items).
#[derive(Debug, Clone)]
pub(crate) struct CellTable {
    layout: CellLayout,
    counts: Counts,
}

impl CellTable {
    /// An empty table.
    pub fn new(layout: CellLayout) -> Self {
        let counts = if layout.cells <= DENSE_CELLS {
            Counts::Dense(vec![0; layout.cells as usize])
        } else {
            Counts::Sparse(HashMap::new())
        };
        Self { layout, counts }
    }

    /// Counts one batch: `levels` (None: level 0 for every row), `tb` = (truth · side + baseline
    /// key) · side and the model's keys. Returns `false` if an index falls outside the table.
    pub fn add(&mut self, levels: Option<&[u32]>, tb: &[i64], keys: &[i64]) -> bool {
        let stride = self.layout.stride();
        let cells = self.layout.cells;
        let index = |r: usize| -> Option<u64> {
            let level = levels.map_or(0, |l| u64::from(l[r]));
            let offset = u64::try_from(tb[r]).ok()? + u64::try_from(keys[r]).ok()?;
            let index = level * stride + offset;
            (offset < stride && index < cells).then_some(index)
        };
        if levels.is_some_and(|l| l.len() != tb.len()) || keys.len() != tb.len() {
            return false;
        }
        match &mut self.counts {
            Counts::Dense(counts) => {
                for r in 0..tb.len() {
                    let Some(i) = index(r) else { return false };
                    counts[i as usize] += 1;
                }
            }
            Counts::Sparse(counts) => {
                for r in 0..tb.len() {
                    let Some(i) = index(r) else { return false };
                    *counts.entry(i).or_insert(0) += 1;
                }
            }
        }
        true
    }

    /// The non-empty cells as (index, count), in index order.
    fn cells(&self) -> Vec<(u64, u64)> {
        match &self.counts {
            Counts::Dense(counts) => {
                counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, c)| (i as u64, *c)).collect()
            }
            Counts::Sparse(counts) => {
                let mut cells: Vec<(u64, u64)> = counts.iter().map(|(i, c)| (*i, *c)).collect();
                cells.sort_unstable();
                cells
            }
        }
    }
}

/// A cell index taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    level: usize,
    truth: u8,
    baseline: i64,
    model: i64,
}

impl CellLayout {
    fn decode(&self, index: u64) -> Cell {
        let s = self.side;
        Cell {
            level: (index / self.stride()) as usize,
            truth: (index / (s * s) % 3) as u8,
            baseline: (index / s % s) as i64,
            model: (index % s) as i64,
        }
    }
}

/// One model's tables as joint rows by slot: slot 0 (all items) from the first table, slot j + 1
/// from grouping j's table (`names[j]` are its levels; the last level slot is "outside"). Without
/// `with_model` the rows carry only the baseline key (the baseline against the truth).
pub(crate) fn slot_rows(tables: &[CellTable], names: &[Vec<String>], with_model: bool) -> SlotRows {
    let rows = |table: &CellTable, levels: Option<&Vec<String>>| -> Vec<JointRow> {
        table
            .cells()
            .into_iter()
            .map(|(index, count)| {
                let cell = table.layout.decode(index);
                let keys = if with_model { vec![cell.baseline, cell.model] } else { vec![cell.baseline] };
                let level = levels.and_then(|l| l.get(cell.level).cloned());
                JointRow { keys, truth: cell.truth, level, count }
            })
            .collect()
    };
    let mut slots = Vec::with_capacity(names.len() + 1);
    if let Some(first) = tables.first() {
        slots.push(rows(first, None));
    }
    slots.extend(tables.iter().zip(names).map(|(table, levels)| rows(table, Some(levels))));
    slots
}

/// Maps a grouping's level strings to codes 0..L (L = outside the grouping).
#[derive(Debug, Clone)]
pub(crate) struct LevelCodes {
    levels: Vec<String>,
    index: HashMap<String, u32>,
}

impl LevelCodes {
    /// Codes for the given levels (in their order).
    pub fn new(levels: &[String]) -> Self {
        let index = if levels.len() > LINEAR_LEVELS {
            levels.iter().enumerate().map(|(i, l)| (l.clone(), i as u32)).collect()
        } else {
            HashMap::new()
        };
        Self { levels: levels.to_vec(), index }
    }

    /// Writes the code of every value into `out`; `false` if a value is not a known level.
    pub fn encode(&self, values: &StringChunked, out: &mut Vec<u32>) -> bool {
        out.clear();
        let outside = self.levels.len() as u32;
        for value in values.iter() {
            let code = match value {
                None => Some(outside),
                Some(v) if self.index.is_empty() => self.levels.iter().position(|l| l == v).map(|p| p as u32),
                Some(v) => self.index.get(v).copied(),
            };
            match code {
                Some(c) => out.push(c),
                None => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_refuses_indices_past_i64() {
        assert_eq!(CellLayout::new(5, 5).map(|l| l.cells), Some(243 * 243 * 3 * 5));
        assert!(CellLayout::new(20, 2).is_none());
    }

    #[test]
    fn tables_count_and_decode_cells() {
        let layout = CellLayout::new(2, 3).expect("small layout");
        let s = layout.side() as i64;
        let tb = |truth: i64, baseline: i64| (truth * s + baseline) * s;
        let mut table = CellTable::new(layout);
        // Rows: (level 0, truth 1, b 4, m 2) twice; (level 2 = outside, truth 2, b 0, m 8).
        assert!(table.add(Some(&[0, 2, 0]), &[tb(1, 4), tb(2, 0), tb(1, 4)], &[2, 8, 2]));
        let names = vec![vec!["a".to_string(), "b".to_string()]];
        let slots = slot_rows(&[table.clone()], &names, true);
        assert_eq!(slots.len(), 2);
        let all: u64 = slots[0].iter().map(|r| r.count).sum();
        assert_eq!(all, 3);
        let first = JointRow { keys: vec![4, 2], truth: 1, level: Some("a".into()), count: 2 };
        assert_eq!(slots[1][0], first);
        assert_eq!(slots[1][1].level, None);
        // An index past the table is refused, not counted.
        assert!(!table.add(None, &[tb(3, 0)], &[0]));
    }

    #[test]
    fn sparse_tables_agree_with_dense_ones() {
        let small = CellLayout::new(2, 2).expect("layout");
        let mut dense = CellTable::new(small);
        let mut sparse = CellTable { layout: small, counts: Counts::Sparse(HashMap::new()) };
        let (tb, keys, levels) = ([0, 9, 27 * 2, 9], [1, 8, 0, 8], [1, 0, 1, 0]);
        assert!(dense.add(Some(&levels), &tb, &keys));
        assert!(sparse.add(Some(&levels), &tb, &keys));
        assert_eq!(dense.cells(), sparse.cells());
        assert_eq!(dense.cells().len(), 3);
    }

    #[test]
    fn level_codes_cover_nulls_and_refuse_unknown_levels() {
        let many: Vec<String> = (0..12).map(|i| format!("l{i}")).collect();
        for levels in [vec!["f".to_string(), "m".to_string()], many] {
            let codes = LevelCodes::new(&levels);
            let mut out = Vec::new();
            let values =
                StringChunked::new("g".into(), [Some(levels[1].as_str()), None, Some(levels[0].as_str())]);
            assert!(codes.encode(&values, &mut out));
            assert_eq!(out, vec![1, levels.len() as u32, 0]);
            let unknown = StringChunked::new("g".into(), [Some("zzz")]);
            assert!(!codes.encode(&unknown, &mut out));
        }
    }
}
