//! One model's rows streamed past the baseline's id index ([`crate::data::count::index::baseline_pass`]): per batch, each
//! row's slot is found, the slot's record (the item's `__tb` and level codes, prefetched
//! [`AHEAD`] rows on) is gathered beside the row's key, and the rows found are counted into the
//! model's tables. A batch may be split into parts gathered on separate threads (cores beyond
//! one per model); the bit per slot that catches an id met twice is then set atomically, and
//! the parts are counted one after another. With counterfactual pairs, each batch's rows are then
//! checked against their slots' places ([`crate::data::count::counterfactual::by_slot`]).

use crate::data::columns::{self, ID};
use crate::data::count::counterfactual::by_slot::ModelPlaces;
use crate::data::count::counterfactual::pair_ids::Key;
use crate::data::count::encode::cells::CellTable;
use crate::data::count::index::id_index::{BatchIds, ABSENT};
use crate::data::count::index::slots::Slots;
use crate::data::count::prefetch::{prefetch, AHEAD};
use crate::data::count::stream::columns::{model_pair_columns, model_side};
use crate::data::count::versus::item_keys::SlotKeys;
use crate::data::engine::stream;
use crate::data::input::Dataset;
use crate::error::Result;
use hashbrown::HashSet;
use polars::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Fewest rows worth a thread of their own.
const MIN_PART_ROWS: usize = 16_384;

/// What one model's pass accumulates.
pub(crate) struct ModelPass {
    slots: Arc<Slots>,
    /// The model's tables, one per grouping (or one for all items).
    pub tables: Vec<CellTable>,
    /// One bit per slot: the model has an item there already.
    seen: Vec<AtomicU64>,
    /// The model's ids the baseline lacks (each may occur once too).
    absent_ints: HashSet<i64>,
    absent_strs: HashSet<String>,
    /// Scratch, one per thread a batch may be split over.
    parts: Vec<Part>,
    /// A null id or an id twice: the pass stopped, the full check words the error.
    pub bad_ids: bool,
    /// A cell index outside the table (cannot happen with consistent inputs).
    pub out_of_range: bool,
    /// The model's key by slot, when kept for `--versus` or the pairs.
    pub kept: Option<SlotKeys>,
    /// What the pairs need beyond the keys, when the run has pairs.
    pub places: Option<ModelPlaces>,
}

/// One part of a batch: its rows' slots, then the found rows' `__tb`, keys and codes, and the
/// rows (of the whole batch) the baseline lacks.
#[derive(Default)]
struct Part {
    found: Vec<u32>,
    tb: Vec<i64>,
    keys: Vec<i64>,
    codes: Vec<Vec<u32>>,
    absent: Vec<usize>,
    /// An id met twice.
    twice: bool,
}

/// Streams model j's (id, key) rows past the index into its tables, each batch split over up to
/// `parts` threads; unless it is the baseline's own, keeps its key by slot when `keep` or when
/// the run has pairs, and then its rows' places too (its pair and side columns, if it has
/// them).
pub(crate) fn count_model(
    data: &Dataset,
    j: usize,
    slots: &Arc<Slots>,
    tables: Vec<CellTable>,
    parts: usize,
    keep: bool,
) -> Result<ModelPass> {
    let key =
        col(columns::key(&columns::model_keys(j), 0)).fill_null(lit(-1i64)).alias(columns::model_key(j));
    // The baseline's own model has the baseline's rows, keys and places: nothing to keep.
    let (pairs, own) = (slots.places.is_some(), data.is_own(&data.models[j]));
    let mut columns = vec![col(ID), key];
    columns.extend(model_pair_columns(data, j).into_iter().filter(|_| pairs));
    let query = model_side(data, j, ID, pairs).select(columns);
    let groupings = slots.width - 1;
    let pass = ModelPass {
        seen: (0..slots.len().div_ceil(64)).map(|_| AtomicU64::new(0)).collect(),
        slots: Arc::clone(slots),
        tables,
        absent_ints: HashSet::new(),
        absent_strs: HashSet::new(),
        parts: (0..parts.max(1))
            .map(|_| Part { codes: vec![Vec::new(); groupings], ..Part::default() })
            .collect(),
        bad_ids: false,
        out_of_range: false,
        kept: ((keep || pairs) && !own).then(|| SlotKeys::new(slots.len())),
        places: (pairs && !own).then(ModelPlaces::default),
    };
    let column = columns::model_key(j);
    stream(query, pass, false, "counting a model's rows by id", move |pass, df| pass.add(df, &column))
}

impl ModelPass {
    /// Counts one batch of the model's rows; `true` stops the pass.
    fn add(&mut self, df: &DataFrame, key_column: &str) -> PolarsResult<bool> {
        let Some(ids) = BatchIds::read(df.column(ID)?)? else {
            self.bad_ids = true;
            return Ok(true);
        };
        let keys = df.column(key_column)?.i64()?.rechunk();
        let keys = keys.cont_slice()?;
        let used = self.gather(&ids, keys);
        let parts = std::mem::take(&mut self.parts);
        let stop = self.count_parts(&ids, &parts[..used]);
        if let (false, Some(places), Some(slot_places)) = (stop, &mut self.places, &self.slots.places) {
            // ABSENT (u32::MAX) is past every slot, as `note` reads it.
            let found = match &parts[..used] {
                [one] => std::borrow::Cow::Borrowed(&one.found[..]),
                many => many.iter().flat_map(|p| p.found.iter().copied()).collect(),
            };
            places.note(slot_places, df, &found, |row| id_key(&ids, row), keys)?;
        }
        self.parts = parts;
        Ok(stop)
    }

    /// Counts the gathered parts of a batch into the tables; `true` (and the reason noted) when
    /// an id was met twice or a cell fell outside its table.
    fn count_parts(&mut self, ids: &BatchIds, parts: &[Part]) -> bool {
        for part in parts {
            if part.twice || !self.note_absent(ids, &part.absent) {
                self.bad_ids = true;
                return true;
            }
            for (t, table) in self.tables.iter_mut().enumerate() {
                if !table.add(part.codes.get(t).map(Vec::as_slice), &part.tb, &part.keys) {
                    self.out_of_range = true;
                    return true;
                }
            }
        }
        false
    }

    /// Gathers the batch into as many parts as it is worth (on threads when more than one);
    /// returns how many parts hold it.
    fn gather(&mut self, ids: &BatchIds, keys: &[i64]) -> usize {
        let rows = keys.len();
        let used = self.parts.len().min(rows.div_ceil(MIN_PART_ROWS)).max(1);
        let (slots, seen, kept) = (&*self.slots, &self.seen[..], self.kept.as_ref());
        if used == 1 {
            self.parts[0].gather(Shared { slots, seen, kept }, ids, keys, 0, false);
            return 1;
        }
        let size = rows.div_ceil(used);
        std::thread::scope(|scope| {
            for (p, part) in self.parts[..used].iter_mut().enumerate() {
                let (start, end) = (p * size, ((p + 1) * size).min(rows));
                let share = ids.slice(start, end - start);
                let keys = &keys[start..end];
                scope.spawn(move || part.gather(Shared { slots, seen, kept }, &share, keys, start, true));
            }
        });
        used
    }

    /// Records the batch's rows the baseline lacks; `false` on an id met twice.
    fn note_absent(&mut self, ids: &BatchIds, rows: &[usize]) -> bool {
        rows.iter().all(|&row| match ids {
            BatchIds::Ints(ids) => self.absent_ints.insert(ids[row]),
            BatchIds::Strs(ids) => self.absent_strs.insert(ids.get(row).unwrap_or("").to_string()),
        })
    }
}

/// Row `row`'s id, owned.
fn id_key(ids: &BatchIds, row: usize) -> Key {
    match ids {
        BatchIds::Ints(ids) => Key::Int(ids[row]),
        BatchIds::Strs(ids) => Key::Str(ids.get(row).unwrap_or("").into()),
    }
}

/// What the parts of a batch share: the index, the bits of slots seen and the keys kept.
#[derive(Clone, Copy)]
struct Shared<'a> {
    slots: &'a Slots,
    seen: &'a [AtomicU64],
    kept: Option<&'a SlotKeys>,
}

impl Part {
    /// Finds the slots of `ids` (rows `start..` of the batch) and gathers the found rows'
    /// records beside their keys (and keeps each key by slot, if asked); marks the part when an
    /// id was met twice. With `shared` (other parts run at the same time) a slot's bit is set by
    /// one atomic read-modify-write; alone, by a plain load and store, which cost a locked
    /// instruction less per row.
    fn gather(&mut self, to: Shared, ids: &BatchIds, keys: &[i64], start: usize, shared: bool) {
        let Shared { slots, seen, kept } = to;
        slots.index.probe(ids, &mut self.found);
        let (records, width) = (&slots.records, slots.width);
        self.tb.clear();
        self.keys.clear();
        self.codes.iter_mut().for_each(Vec::clear);
        self.absent.clear();
        self.twice = false;
        for (row, (&slot, &key)) in self.found.iter().zip(keys).enumerate() {
            if let Some(&ahead) = self.found.get(row + AHEAD).filter(|&&s| s != ABSENT) {
                prefetch(&records[ahead as usize * width]);
            }
            if slot == ABSENT {
                self.absent.push(start + row);
                continue;
            }
            let s = slot as usize;
            if !mark(&seen[s / 64], 1u64 << (s % 64), shared) {
                self.twice = true;
                return;
            }
            if let Some(kept) = kept {
                kept.set(s, key);
            }
            let record = &records[s * width..(s + 1) * width];
            self.tb.push(record[0]);
            self.keys.push(key);
            for (codes, &code) in self.codes.iter_mut().zip(&record[1..]) {
                codes.push(code as u32);
            }
        }
    }
}

/// Sets `bit` in `word`; `false` if it was set already. `shared`: other threads may set bits of
/// the same word now (an atomic read-modify-write); else a plain load and store suffice.
#[inline(always)]
fn mark(word: &AtomicU64, bit: u64, shared: bool) -> bool {
    if shared {
        return word.fetch_or(bit, Ordering::Relaxed) & bit == 0;
    }
    let old = word.load(Ordering::Relaxed);
    word.store(old | bit, Ordering::Relaxed);
    old & bit == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::count::encode::cells::{slot_rows, CellLayout};
    use crate::data::count::index::id_index::IdIndex;
    use crate::rng::SplitMix64;

    /// Slots of `n` baseline items with ids 0..n, cell offsets from a seeded generator (1 metric).
    fn slots(n: usize, layout: CellLayout) -> Arc<Slots> {
        let mut index = IdIndex::new(n, Some((0, n as i64 - 1)), false);
        let mut placed = Vec::new();
        index.insert(&BatchIds::Ints((0..n as i64).collect()), &mut placed).expect("unique ids");
        let side = layout.side() as i64;
        let mut rng = SplitMix64::new(7);
        let mut records = vec![-1; n];
        for &slot in &placed {
            records[slot as usize] = (rng.below(3) as i64 * side + rng.below(3) as i64) * side;
        }
        Arc::new(Slots { index, width: 1, records, places: None })
    }

    fn pass(slots: &Arc<Slots>, layout: CellLayout, parts: usize) -> ModelPass {
        ModelPass {
            seen: (0..slots.len().div_ceil(64)).map(|_| AtomicU64::new(0)).collect(),
            slots: Arc::clone(slots),
            tables: vec![CellTable::new(layout)],
            absent_ints: HashSet::new(),
            absent_strs: HashSet::new(),
            parts: (0..parts).map(|_| Part::default()).collect(),
            bad_ids: false,
            out_of_range: false,
            kept: None,
            places: None,
        }
    }

    /// A batch of model rows: ids (shuffled, with some the baseline lacks) and keys.
    fn batch(ids: Vec<i64>, seed: u64) -> DataFrame {
        let mut rng = SplitMix64::new(seed);
        let keys: Vec<i64> = ids.iter().map(|_| rng.below(3) as i64).collect();
        df!(ID => ids, "k" => keys).expect("frame")
    }

    #[test]
    fn a_batch_split_over_threads_counts_like_one_thread() {
        let (n, layout) = (100_000, CellLayout::new(1, 1).expect("layout"));
        let slots = slots(n, layout);
        let mut rng = SplitMix64::new(3);
        let mut ids: Vec<i64> = (0..n as i64 + 5_000).collect();
        for i in (1..ids.len()).rev() {
            ids.swap(i, rng.below(i + 1));
        }
        let df = batch(ids, 11);
        let (mut one, mut four) = (pass(&slots, layout, 1), pass(&slots, layout, 4));
        assert!(!one.add(&df, "k").expect("one thread") && !four.add(&df, "k").expect("four"));
        assert_eq!(four.gather(&BatchIds::Ints(vec![]), &[]), 1, "an empty batch needs no thread");
        let rows = |p: &ModelPass| slot_rows(&p.tables, &[], true);
        assert_eq!(rows(&four), rows(&one));
        let counted: u64 = rows(&one)[0].iter().map(|r| r.count).sum();
        assert_eq!(counted, n as u64);
        let lacking: HashSet<i64> = (n as i64..n as i64 + 5_000).collect();
        assert!(one.absent_ints == lacking && four.absent_ints == lacking, "the ids the baseline lacks");
    }

    #[test]
    fn an_id_twice_is_caught_in_different_parts_and_among_absent_ids() {
        let (n, layout) = (100_000, CellLayout::new(1, 1).expect("layout"));
        let slots = slots(n, layout);
        for twice in [7, n as i64 + 7] {
            // The first copy in the first part, the second in the last.
            let mut ids: Vec<i64> = std::iter::once(n as i64 + 7).chain(0..n as i64).collect();
            ids.push(twice);
            let mut split = pass(&slots, layout, 4);
            assert!(split.add(&batch(ids, 5), "k").expect("counted"), "stops");
            assert!(split.bad_ids, "id {twice} twice");
        }
    }
}
