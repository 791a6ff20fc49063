//! Counterfactual pairs counted in the id index's passes ([`crate::data::count::index`]), whichever
//! files name them (ELEPHANT's flip layout: the model files, the baseline lacking one side).
//!
//! - The baseline's pass numbers the pairs it names and keeps each slot's place (pair, side):
//!   [`SlotPlaces`].
//! - Each model's pass, beside its count, checks the place its rows give against the slot's (no
//!   lookup: the pair number keeps its id) and keeps what the slots cannot hold
//!   ([`ModelPlaces`]): places a slot lacks or contradicts, and the rows the baseline lacks, with
//!   their keys. Every model's key by slot is kept by the pass.
//! - [`finish`] reconciles those in model order, then puts every placed item in [`PerPair`] and
//!   counts it like the query path of [`super::tables`]. An item placed differently by two
//!   files ends it with `None`: the query path then finds that item and words the error.

use crate::counts::{PairCells, PairingCounts};
use crate::data::columns::PAIR;
use crate::data::count::counterfactual::pair_ids::{batch_sides, BatchPairs, Key, PairIds, NO_PAIR};
use crate::data::count::counterfactual::per_pair::{PerPair, Side};
use crate::data::count::prefetch::{prefetch, AHEAD};
use crate::data::input::Dataset;
use crate::error::Result;
use hashbrown::HashMap;
use polars::prelude::*;

/// An item's place: its pair's number and side, and the pair's id when it is an integer (one
/// entry, so that checking a model row against it costs one memory access).
#[derive(Clone, Copy)]
struct Place {
    id: i64,
    /// [`NO_PAIR`]: no place given yet.
    pair: u32,
    side: u8,
}

impl Place {
    const NONE: Self = Self { id: 0, pair: NO_PAIR, side: 2 };

    /// Sets an unplaced item's place, or checks the one it has: `false` when they differ.
    fn set(&mut self, given: Self) -> bool {
        if self.pair == NO_PAIR {
            *self = given;
            return true;
        }
        self.pair == given.pair && self.side == given.side
    }
}

/// Each baseline slot's place, set by the baseline's pass.
pub(crate) struct SlotPlaces {
    pub(crate) ids: PairIds,
    variants: [String; 2],
    places: Vec<Place>,
    /// Whether a model names pairs (its rows the baseline lacks may then be in a pair).
    models_name_pairs: bool,
}

impl SlotPlaces {
    /// Empty, for the dataset's pairs (`None` without pairs).
    pub(crate) fn new(data: &Dataset) -> Option<Self> {
        let map = data.pairs.as_ref()?;
        Some(Self {
            ids: PairIds::for_pairs(map, usize::try_from(data.baseline.rows).unwrap_or(0)),
            variants: map.variants.clone(),
            places: Vec::new(),
            models_name_pairs: !map.in_baseline,
        })
    }

    /// Places one baseline batch's items: row r is at slot `slots[r]`; its place comes from the
    /// batch's pair and side columns, when the baseline names pairs.
    pub(crate) fn note_baseline(&mut self, df: &DataFrame, slots: &[u32]) -> PolarsResult<()> {
        let needed = slots.iter().max().map_or(0, |&s| s as usize + 1);
        if self.places.len() < needed {
            self.places.resize(needed, Place::NONE);
        }
        let Ok(pairs) = df.column(PAIR) else { return Ok(()) };
        let sides = batch_sides(df)?;
        let placed = slots.iter().zip(&sides).enumerate().filter(|(_, (_, &s))| s < 2);
        match BatchPairs::read(pairs)? {
            BatchPairs::Ints(ints) => {
                for (row, (&slot, &side)) in placed {
                    // Rows in any order: the pair's address and the slot's place are far apart.
                    if let (Some(&Some(ahead)), Some(&at)) = (ints.get(row + AHEAD), slots.get(row + AHEAD)) {
                        self.ids.prefetch_int(ahead);
                        prefetch(&self.places[at as usize]);
                    }
                    let Some(id) = ints[row] else { continue };
                    let pair = self.ids.int(id) as u32;
                    self.places[slot as usize] = Place { id, pair, side };
                }
            }
            BatchPairs::Strs(strs) => {
                for (row, (&slot, &side)) in placed {
                    let Some(id) = strs[row] else { continue };
                    let pair = self.ids.text(id) as u32;
                    self.places[slot as usize] = Place { id: 0, pair, side };
                }
            }
        }
        Ok(())
    }

    /// Whether `slot` is already placed where row `row` of `pairs` says, on `side`.
    #[inline]
    fn holds(&self, slot: usize, pairs: &BatchPairs, row: usize, side: u8) -> bool {
        let place = &self.places[slot];
        place.pair != NO_PAIR
            && place.side == side
            && match pairs {
                BatchPairs::Ints(ints) => ints[row] == Some(place.id),
                BatchPairs::Strs(strs) => strs[row].is_some_and(|id| self.ids.is_text(place.pair, id)),
            }
    }

    /// The place of pair id `key` on `side`, the pair numbered now if new.
    fn place_of(&mut self, key: &Key, side: u8) -> Place {
        let pair = self.ids.number(key) as u32;
        let id = match key {
            Key::Int(id) => *id,
            Key::Str(_) => 0,
        };
        Place { id, pair, side }
    }
}

/// What one model's pass keeps for the pairs, beyond its key by slot.
#[derive(Default)]
pub(crate) struct ModelPlaces {
    /// Rows found in the index whose slot lacks or contradicts their place: (slot, pair, side).
    placed: Vec<(u32, Key, u8)>,
    /// Rows the baseline lacks.
    absent: Vec<AbsentRow>,
}

/// A model row the baseline lacks: its id, its place (pair id and side) if it gives one, and its
/// key.
type AbsentRow = (Key, Option<(Key, u8)>, i64);

impl ModelPlaces {
    /// Notes one batch of the model's rows: row r's slot is `found[r]` (past the baseline's slots,
    /// as the index's mark for an id it lacks is: the baseline lacks the row, whose id is then
    /// `id(r)`), its key `keys[r]`; its place comes from the batch's pair and side columns when
    /// the model names pairs.
    pub(crate) fn note(
        &mut self,
        places: &SlotPlaces,
        df: &DataFrame,
        found: &[u32],
        id: impl Fn(usize) -> Key,
        keys: &[i64],
    ) -> PolarsResult<()> {
        let named = match df.column(PAIR) {
            Ok(pairs) => Some((BatchPairs::read(pairs)?, batch_sides(df)?)),
            Err(_) => None,
        };
        let slots = &places.places;
        for (row, &slot) in found.iter().enumerate() {
            if let Some(ahead) = found.get(row + AHEAD).and_then(|&s| slots.get(s as usize)) {
                prefetch(ahead);
            }
            let side = named.as_ref().map_or(2, |(_, sides)| sides[row]);
            let place = || named.as_ref().filter(|_| side < 2).and_then(|(pairs, _)| pairs.key(row));
            if slot as usize >= slots.len() {
                if places.models_name_pairs {
                    self.absent.push((id(row), place().map(|k| (k, side)), keys[row]));
                }
                continue;
            }
            let Some((pairs, _)) = named.as_ref().filter(|_| side < 2) else { continue };
            if !places.holds(slot as usize, pairs, row, side) {
                if let Some(key) = pairs.key(row) {
                    self.placed.push((slot, key, side));
                }
            }
        }
        Ok(())
    }
}

/// The baseline by slot, as the passes left it: `records` (`width` values per slot: `__tb`, then
/// each grouping's level slot) and every model's key per slot (−1: none; `None`: not kept).
pub(crate) struct ByRecord<'a> {
    pub records: &'a [i64],
    pub width: usize,
    pub keys: &'a [Option<Vec<i32>>],
}

/// How the pairs formed, and the joint tables of the complete ones, from the places and keys the
/// passes kept (`models` in the dataset's order); `None` when two files place an item
/// differently. `side` is the pass's 3^k, `level_names[j]` grouping j's levels in slot order.
pub(crate) fn finish(
    mut places: SlotPlaces,
    models: Vec<ModelPlaces>,
    slots: ByRecord,
    data: &Dataset,
    side: u64,
    level_names: &[Vec<String>],
) -> Result<Option<(PairingCounts, Vec<PairCells>)>> {
    let width = slots.width;
    for (slot, key, side) in models.iter().flat_map(|m| &m.placed) {
        let given = places.place_of(key, *side);
        if !places.places[*slot as usize].set(given) {
            return Ok(None);
        }
    }
    let Some(extra) = absent_items(&mut places, &models) else { return Ok(None) };
    let mut kept = PerPair::new(places.variants.clone(), models.len(), width - 1, places.ids.len());
    let own = data.models.iter().map(|m| data.is_own(m)).collect();
    let from = Filling { placed: &places.places, slots: &slots, own, side, extra: &extra };
    // Each side's records are filled on a thread of their own (random writes, one per item).
    let [a, b] = &mut kept.sides;
    std::thread::scope(|scope| {
        scope.spawn(|| from.fill(a, 0));
        from.fill(b, 1);
    });
    kept.finish(data, side, level_names).map(Some)
}

/// What the pairs' records are filled from: the slots' places and records, the items the baseline
/// lacks, which model is the baseline's own, and the pass's 3^k.
struct Filling<'a> {
    placed: &'a [Place],
    slots: &'a ByRecord<'a>,
    own: Vec<bool>,
    side: u64,
    extra: &'a AbsentItems,
}

impl Filling<'_> {
    /// Puts every placed item on side `which` into `into`.
    fn fill(&self, into: &mut Side, which: u8) {
        let (placed, width) = (self.placed, self.slots.width);
        for (slot, place) in placed.iter().enumerate() {
            if let Some(ahead) = placed.get(slot + AHEAD).filter(|a| a.pair != NO_PAIR && a.side == which) {
                into.prefetch(ahead.pair as usize);
            }
            if place.pair == NO_PAIR || place.side != which {
                continue;
            }
            let record = &self.slots.records[slot * width..(slot + 1) * width];
            // The baseline's own model has the baseline's key (no key kept by slot).
            let key = |j: usize| match self.own[j] {
                true => own_key(record[0], self.side),
                false => self.slots.keys[j].as_ref().and_then(|k| k.get(slot)).map_or(-1, |&k| i64::from(k)),
            };
            into.put(place.pair as usize, record[0], key, |g| record[1 + g] as u32);
        }
        let count = self.own.len();
        for (e, place) in self.extra.places.iter().enumerate() {
            if place.pair != NO_PAIR && place.side == which {
                into.put(place.pair as usize, -1, |j| self.extra.keys[e * count + j], |_| 0);
            }
        }
    }
}

/// The baseline's key within its `__tb` (−1 without a baseline item): the key of the baseline
/// read as its own model.
fn own_key(tb: i64, side: u64) -> i64 {
    if tb < 0 {
        return -1;
    }
    (tb as u64 / side % side) as i64
}

/// The items no baseline slot holds, numbered across models: per item its place and every
/// model's key (`item · models + j`).
struct AbsentItems {
    places: Vec<Place>,
    keys: Vec<i64>,
}

/// Gathers the models' rows the baseline lacks by id (numbering the pairs they name in `slots`);
/// `None` when two files place one differently.
fn absent_items(slots: &mut SlotPlaces, models: &[ModelPlaces]) -> Option<AbsentItems> {
    let count = models.len();
    let rows = models.iter().map(|m| m.absent.len()).max().unwrap_or(0);
    let mut index: HashMap<&Key, usize> = HashMap::with_capacity(rows);
    let mut items = AbsentItems { places: Vec::new(), keys: Vec::new() };
    for (j, model) in models.iter().enumerate() {
        for (id, given, key) in &model.absent {
            let next = items.places.len();
            let e = *index.entry(id).or_insert(next);
            if e == next {
                items.places.push(Place::NONE);
                items.keys.extend(std::iter::repeat_n(-1, count));
            }
            items.keys[e * count + j] = *key;
            if let Some((pair, side)) = given {
                if !items.places[e].set(slots.place_of(pair, *side)) {
                    return None;
                }
            }
        }
    }
    Some(items)
}
