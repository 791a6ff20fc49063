//! Cell tables of the counting pass ([`crate::data::count::stream::pass`]): one count per combination of group
//! level, truth code, baseline key and model key, where a key packs a side's label codes base 3
//! (see [`crate::data::count::encode::keys`]). Within a level slot a cell's index is
//! `(truth · side + baseline) · side + model` with `side` = 3^k for k metrics; slot 0 holds the
//! items outside the grouping (or all items when there is none) and slot c the level coded c.
//! Levels are coded in the order they are first seen, so no pass is needed to find them first.

use crate::data::count::encode::decode::{JointRow, SlotRows};
use polars::prelude::*;
use polars_arrow::array::Array;
use std::collections::HashMap;

/// Most cells a table keeps in a dense array (16 MiB of counts); larger tables use a map.
const DENSE_CELLS: u64 = 1 << 21;
/// Up to this many levels are found by comparing with each; more use a hash map.
const LINEAR_LEVELS: usize = 8;

/// The shape of one level slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CellLayout {
    side: u64,
    stride: u64,
}

impl CellLayout {
    /// The layout for `k` metrics, or `None` when the index of `max_slots` level slots would not
    /// fit in an i64.
    pub(crate) fn new(k: usize, max_slots: usize) -> Option<Self> {
        let side = 3u64.checked_pow(u32::try_from(k).ok()?)?;
        let stride = side.checked_mul(side)?.checked_mul(3)?;
        let cells = stride.checked_mul(max_slots as u64)?;
        (cells < i64::MAX as u64).then_some(Self { side, stride })
    }

    /// Distinct keys of one side (3^k).
    pub(crate) fn side(&self) -> u64 {
        self.side
    }

    fn decode(&self, index: u64) -> Cell {
        let s = self.side;
        Cell {
            slot: (index / self.stride) as usize,
            truth: (index / (s * s) % 3) as u8,
            baseline: (index / s % s) as i64,
            model: (index % s) as i64,
        }
    }
}

/// A cell index taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    slot: usize,
    truth: u8,
    baseline: i64,
    model: i64,
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
    slots: u64,
    counts: Counts,
}

impl CellTable {
    /// An empty table with one slot (outside / all items).
    pub(crate) fn new(layout: CellLayout) -> Self {
        let mut table = Self { layout, slots: 0, counts: Counts::Dense(Vec::new()) };
        table.ensure_slots(1);
        table
    }

    /// Makes room for `slots` level slots, moving to a map once a dense array would pass
    /// [`DENSE_CELLS`].
    pub(crate) fn ensure_slots(&mut self, slots: u64) {
        if slots <= self.slots {
            return;
        }
        self.slots = slots;
        let cells = slots.saturating_mul(self.layout.stride);
        if let Counts::Dense(counts) = &mut self.counts {
            if cells <= DENSE_CELLS {
                counts.resize(cells as usize, 0);
            } else {
                let moved = counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(i, c)| (i as u64, *c));
                self.counts = Counts::Sparse(moved.collect());
            }
        }
    }

    /// Counts one batch: level slots (None: slot 0 for every row), `tb` = (truth · side + baseline
    /// key) · side and the model's keys (a negative key: no such item, not counted). Returns
    /// `false` if an index falls outside the table.
    pub(crate) fn add(&mut self, slots: Option<&[u32]>, tb: &[i64], keys: &[i64]) -> bool {
        let (stride, cells) = (self.layout.stride, self.slots * self.layout.stride);
        if slots.is_some_and(|l| l.len() != tb.len()) || keys.len() != tb.len() {
            return false;
        }
        /// What one row adds: nothing (negative key), a cell, or an error (out of range).
        enum Row {
            Skip,
            Cell(u64),
            Bad,
        }
        let row = |r: usize| -> Row {
            let (tb, key) = (tb[r], keys[r]);
            if key < 0 {
                return Row::Skip;
            }
            let slot = slots.map_or(0, |l| u64::from(l[r]));
            let offset = tb as u64 + key as u64;
            let index = slot * stride + offset;
            if tb < 0 || offset >= stride || index >= cells {
                return Row::Bad;
            }
            Row::Cell(index)
        };
        match &mut self.counts {
            Counts::Dense(counts) => {
                for r in 0..tb.len() {
                    match row(r) {
                        Row::Skip => {}
                        Row::Cell(i) => match counts.get_mut(i as usize) {
                            Some(cell) => *cell += 1,
                            None => return false,
                        },
                        Row::Bad => return false,
                    }
                }
            }
            Counts::Sparse(counts) => {
                for r in 0..tb.len() {
                    match row(r) {
                        Row::Skip => {}
                        Row::Cell(i) => *counts.entry(i).or_insert(0) += 1,
                        Row::Bad => return false,
                    }
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

    /// Adds another table's counts (of the same layout) to this one's.
    pub(crate) fn absorb(&mut self, other: &CellTable) {
        self.ensure_slots(other.slots);
        match (&mut self.counts, &other.counts) {
            (Counts::Dense(mine), Counts::Dense(theirs)) if mine.len() >= theirs.len() => {
                mine.iter_mut().zip(theirs).for_each(|(a, b)| *a += b);
            }
            (Counts::Dense(mine), _) => {
                for (index, count) in other.cells() {
                    if let Some(cell) = mine.get_mut(index as usize) {
                        *cell += count;
                    }
                }
            }
            (Counts::Sparse(mine), _) => {
                for (index, count) in other.cells() {
                    *mine.entry(index).or_insert(0) += count;
                }
            }
        }
    }

    /// Items counted in slot 0 (outside the grouping).
    pub(crate) fn outside(&self) -> u64 {
        self.cells().iter().take_while(|(i, _)| *i < self.layout.stride).map(|(_, c)| c).sum()
    }
}

/// One model's tables as joint rows by slot: slot 0 (all items) from the first table, slot j + 1
/// from grouping j's table (`names[j][c - 1]` names level slot c; slot 0 is "outside"). Without
/// `with_model` the rows carry only the baseline key (the baseline against the truth).
pub(crate) fn slot_rows(tables: &[CellTable], names: &[Vec<String>], with_model: bool) -> SlotRows {
    let rows = |table: &CellTable, levels: Option<&Vec<String>>| -> Vec<JointRow> {
        table
            .cells()
            .into_iter()
            .map(|(index, count)| {
                let cell = table.layout.decode(index);
                let keys = if with_model { vec![cell.baseline, cell.model] } else { vec![cell.baseline] };
                let level = cell.slot.checked_sub(1).and_then(|c| levels.and_then(|l| l.get(c).cloned()));
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

/// Codes a grouping's level strings as level slots: 0 for null (outside the grouping), then
/// 1, 2, ... in the order levels are first seen. Short levels (up to 12 bytes, stored inline in
/// polars' string views) are found by comparing the 16-byte view, without reading the string.
#[derive(Debug, Clone, Default)]
pub(crate) struct LevelCodes {
    names: Vec<String>,
    index: HashMap<String, u32>,
    inline: Vec<(u128, u32)>,
    inline_index: HashMap<u128, u32>,
}

impl LevelCodes {
    /// Writes the slot of every value into `out`; `Err(levels)` once more than `max` distinct
    /// levels have been seen.
    pub(crate) fn encode(
        &mut self,
        values: &StringChunked,
        out: &mut Vec<u32>,
        max: usize,
    ) -> Result<(), usize> {
        out.clear();
        for arr in values.downcast_iter() {
            let validity = arr.validity();
            for (i, view) in arr.views().iter().enumerate() {
                if validity.is_some_and(|v| !v.get_bit(i)) {
                    out.push(0);
                    continue;
                }
                let inline = (view.length <= 12).then(|| view.as_u128());
                let known = match inline {
                    Some(key) if self.inline.len() <= LINEAR_LEVELS => {
                        self.inline.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
                    }
                    Some(key) => self.inline_index.get(&key).copied(),
                    None => self.index.get(arr.value(i)).copied(),
                };
                let slot = match known {
                    Some(slot) => slot,
                    None => self.slot_of(arr.value(i), inline, max)?,
                };
                out.push(slot);
            }
        }
        Ok(())
    }

    /// The slot of a level not found by its view: looked up by name, or added.
    fn slot_of(&mut self, name: &str, inline: Option<u128>, max: usize) -> Result<u32, usize> {
        let slot = match self.index.get(name) {
            Some(&slot) => slot,
            None => {
                if self.names.len() >= max {
                    return Err(self.names.len() + 1);
                }
                self.names.push(name.to_string());
                let slot = self.names.len() as u32;
                self.index.insert(name.to_string(), slot);
                slot
            }
        };
        if let Some(key) = inline {
            self.inline.push((key, slot));
            self.inline_index.insert(key, slot);
        }
        Ok(slot)
    }

    /// Level slots in use, outside included.
    pub(crate) fn slots(&self) -> u64 {
        self.names.len() as u64 + 1
    }

    /// The levels in the order of their codes.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_refuses_indices_past_i64() {
        assert_eq!(CellLayout::new(5, 5).map(|l| l.stride), Some(243 * 243 * 3));
        assert!(CellLayout::new(20, 2).is_none());
    }

    #[test]
    fn tables_count_and_decode_cells() {
        let layout = CellLayout::new(2, 3).expect("small layout");
        let s = layout.side() as i64;
        let tb = |truth: i64, baseline: i64| (truth * s + baseline) * s;
        let mut table = CellTable::new(layout);
        table.ensure_slots(3);
        // Rows: (level "a" = slot 1, truth 1, b 4, m 2) twice; (outside, truth 2, b 0, m 8).
        assert!(table.add(Some(&[1, 0, 1]), &[tb(1, 4), tb(2, 0), tb(1, 4)], &[2, 8, 2]));
        assert_eq!(table.outside(), 1);
        let names = vec![vec!["a".to_string(), "b".to_string()]];
        let slots = slot_rows(std::slice::from_ref(&table), &names, true);
        assert_eq!(slots.len(), 2);
        assert_eq!(slots[0].iter().map(|r| r.count).sum::<u64>(), 3);
        assert_eq!(slots[1][0].level, None);
        let first = JointRow { keys: vec![4, 2], truth: 1, level: Some("a".into()), count: 2 };
        assert_eq!(slots[1][1], first);
        // An index past the table (truth 3, or a slot not made room for) is refused.
        assert!(!table.add(None, &[tb(3, 0)], &[0]));
        assert!(!table.add(Some(&[3]), &[0], &[0]));
        // A negative key (the model lacks the item) is skipped.
        assert!(table.add(Some(&[1]), &[tb(1, 4)], &[-1]));
        assert_eq!(table.cells().iter().map(|(_, c)| c).sum::<u64>(), 3);
    }

    #[test]
    fn tables_move_to_a_map_without_losing_counts() {
        let layout = CellLayout::new(5, 100).expect("layout");
        let mut table = CellTable::new(layout);
        assert!(table.add(None, &[0, 0, 9], &[1, 1, 0]));
        let before = table.cells();
        table.ensure_slots(100); // 100 · 177,147 cells: past the dense limit
        assert!(matches!(table.counts, Counts::Sparse(_)));
        assert_eq!(table.cells(), before);
        assert!(table.add(Some(&[99]), &[0], &[0]));
        assert_eq!(table.cells().len(), 3);
    }

    #[test]
    fn level_codes_are_given_in_order_of_appearance_and_capped() {
        let mut codes = LevelCodes::default();
        let mut out = Vec::new();
        let values = StringChunked::new("g".into(), [Some("m"), None, Some("f"), Some("m")]);
        assert_eq!(codes.encode(&values, &mut out, 10), Ok(()));
        assert_eq!(out, vec![1, 0, 2, 1]);
        assert_eq!((codes.slots(), codes.names()), (3, &["m".to_string(), "f".to_string()][..]));
        let many: Vec<String> = (0..12).map(|i| format!("l{i}")).collect();
        let values =
            StringChunked::new("g".into(), many.iter().map(|s| Some(s.as_str())).collect::<Vec<_>>());
        assert_eq!(codes.encode(&values, &mut out, 20), Ok(()));
        assert_eq!(out[11], 14, "hash-map lookups past {LINEAR_LEVELS} levels");
        assert_eq!(codes.encode(&values, &mut out, 20), Ok(()));
        assert_eq!(out[11], 14, "found again by view");
        // Levels longer than 12 bytes are not inline in the view: found by name.
        let long = "a rather long level name";
        let values = StringChunked::new("g".into(), [Some(long), Some("m"), None, Some(long)]);
        assert_eq!(codes.encode(&values, &mut out, 20), Ok(()));
        assert_eq!(out, vec![15, 1, 0, 15]);
        assert_eq!(codes.encode(&StringChunked::new("g".into(), [Some("m")]), &mut out, 20), Ok(()));
        assert_eq!(out, vec![1]);
        assert_eq!(codes.encode(&StringChunked::new("g".into(), [Some("new")]), &mut out, 15), Err(16));
    }
}
