//! Every item's keys, kept from the main count for `--versus BASE` and the ranking's tests: per
//! item of the baseline, its truth-and-labels offset `__tb` and each grouping's level code,
//! whether each derived grouping found it ambiguous, and every compared model's packed label key
//! (−1: the model lacks the item). The positional pass appends them by row, column by column;
//! the id index's passes leave them by slot (the index's own records, kept). [`super::tally`]
//! then counts any model against any other from these, with no file read again.

use crate::data::input::{Dataset, GroupingSpec};
use std::sync::atomic::{AtomicI32, Ordering};

/// About the bytes the kept keys of `data` take: per baseline item its record (8 bytes for `__tb`
/// and each level code), 4 bytes per compared model and 1 per derived grouping (by the id index,
/// per slot: up to twice as many as items when integer ids are sparse).
pub(crate) fn bytes(data: &Dataset) -> u64 {
    let groupings = data.groupings.len() as u64;
    let derived = data.groupings.iter().filter(|s| matches!(s, GroupingSpec::Derived { .. })).count() as u64;
    let models = data.compared().count() as u64;
    data.baseline.rows.saturating_mul(8 * (1 + groupings) + 4 * models + derived)
}

/// Every item's record and every compared model's key, by item (a row of the positional pass
/// or a slot of the id index).
pub struct ItemKeys {
    /// `__tb` (−1: no baseline item there) and the level codes.
    pub(crate) records: Records,
    /// Per model (the dataset's order): its key per item, −1 where it has none; `None` for the
    /// baseline's own model, never a base or a compared model here.
    pub(crate) keys: Vec<Option<Vec<i32>>>,
    /// Per grouping: per item, whether the derived grouping matched it with several levels
    /// (empty for a column grouping, which has no ambiguous items).
    pub(crate) ambiguous: Vec<Vec<bool>>,
    /// Each grouping's level names in code order (code c is name c − 1).
    pub(crate) level_names: Vec<Vec<String>>,
}

/// The items' `__tb` and level codes.
pub(crate) enum Records {
    /// The id index's records: `width` values per slot, `__tb` then one code per grouping.
    BySlot { width: usize, values: Vec<i64> },
    /// The positional pass's columns: `__tb` per row and per grouping its codes.
    ByRow { tb: Vec<i64>, codes: Vec<Vec<u32>> },
}

impl ItemKeys {
    /// How many items (slots or rows) there are.
    pub(crate) fn len(&self) -> usize {
        match &self.records {
            Records::BySlot { width, values } => values.len() / (*width).max(1),
            Records::ByRow { tb, .. } => tb.len(),
        }
    }

    /// How many groupings the records code.
    pub(crate) fn groupings(&self) -> usize {
        match &self.records {
            Records::BySlot { width, .. } => width.saturating_sub(1),
            Records::ByRow { codes, .. } => codes.len(),
        }
    }

    /// Item s's `__tb`, its level codes written into `codes` (one per grouping).
    #[inline(always)]
    pub(crate) fn record(&self, s: usize, codes: &mut [u32]) -> i64 {
        match &self.records {
            Records::BySlot { width, values } => {
                let record = &values[s * width..(s + 1) * width];
                for (code, &value) in codes.iter_mut().zip(&record[1..]) {
                    *code = value as u32;
                }
                record[0]
            }
            Records::ByRow { tb, codes: columns } => {
                for (code, column) in codes.iter_mut().zip(columns) {
                    *code = column[s];
                }
                tb[s]
            }
        }
    }
}

/// The keys one model's pass writes by slot, from several threads at once (each slot once).
pub(crate) struct SlotKeys(Vec<AtomicI32>);

impl SlotKeys {
    /// −1 in every one of `slots` slots.
    pub(crate) fn new(slots: usize) -> Self {
        Self((0..slots).map(|_| AtomicI32::new(-1)).collect())
    }

    /// Writes `key` at `slot` (a key fits in an i32: a cell layout allows at most 3^19 keys).
    #[inline(always)]
    pub(crate) fn set(&self, slot: usize, key: i64) {
        if let Some(cell) = self.0.get(slot) {
            cell.store(i32::try_from(key).unwrap_or(-1), Ordering::Relaxed);
        }
    }

    /// The keys, once every writer is done.
    pub(crate) fn into_keys(self) -> Vec<i32> {
        self.0.into_iter().map(AtomicI32::into_inner).collect()
    }
}

/// The keys being kept while the passes run: the positional pass appends batch by batch; the id
/// index's passes hand over what they wrote by slot ([`Keeper::by_slot`]).
pub(crate) struct Keeper {
    items: ItemKeys,
}

impl Keeper {
    /// Empty, with room for `rows` items, for the groupings (`derived[j]`: grouping j is
    /// derived) and the models (`compared[j]`: model j is compared, not the baseline's own).
    pub(crate) fn new(derived: &[bool], compared: &[bool], rows: usize) -> Self {
        let codes = derived.iter().map(|_| Vec::with_capacity(rows)).collect();
        let items = ItemKeys {
            records: Records::ByRow { tb: Vec::with_capacity(rows), codes },
            keys: compared.iter().map(|&c| c.then(|| Vec::with_capacity(rows))).collect(),
            ambiguous: derived
                .iter()
                .map(|&d| if d { Vec::with_capacity(rows) } else { Vec::new() })
                .collect(),
            level_names: Vec::new(),
        };
        Self { items }
    }

    /// The keys the id index's passes wrote by slot.
    pub(crate) fn by_slot(
        values: Vec<i64>,
        width: usize,
        keys: Vec<Option<Vec<i32>>>,
        ambiguous: Vec<Vec<bool>>,
    ) -> Self {
        let records = Records::BySlot { width, values };
        Self { items: ItemKeys { records, keys, ambiguous, level_names: Vec::new() } }
    }

    /// Appends one batch: `tb` per row, each grouping's level codes, each derived grouping's
    /// ambiguity (`None` for a column grouping) and each model's keys.
    pub(crate) fn push(
        &mut self,
        tb: &[i64],
        codes: &[Vec<u32>],
        ambiguous: &[Option<Vec<bool>>],
        keys: &[&[i64]],
    ) {
        let items = &mut self.items;
        if let Records::ByRow { tb: kept_tb, codes: kept_codes } = &mut items.records {
            kept_tb.extend_from_slice(tb);
            for (kept, batch) in kept_codes.iter_mut().zip(codes) {
                kept.extend_from_slice(batch);
            }
        }
        for (kept, batch) in items.ambiguous.iter_mut().zip(ambiguous) {
            if let Some(batch) = batch {
                kept.extend_from_slice(batch);
            }
        }
        for (kept, batch) in items.keys.iter_mut().zip(keys) {
            if let Some(kept) = kept {
                kept.extend(batch.iter().map(|&k| k as i32));
            }
        }
    }

    /// The items, with the groupings' level names.
    pub(crate) fn finish(mut self, level_names: Vec<Vec<String>>) -> ItemKeys {
        self.items.level_names = level_names;
        self.items
    }
}
