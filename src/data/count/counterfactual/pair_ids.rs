//! Pair ids numbered 0, 1, 2, … in order of first appearance, for the passes that count pairs
//! ([`super::in_pass`], [`super::by_slot`]): integer ids near the first one seen by address
//! (pair ids are usually numbered), other integers and text by hash. A text id's number keeps
//! its text, so another thread can check a row's pair against a known number without a lookup.

use crate::data::columns::ITEM_SIDE;
use crate::data::count::prefetch::prefetch;
use crate::data::input::PairMap;
use hashbrown::{DefaultHashBuilder, HashMap, HashTable};
use polars::prelude::*;
use std::hash::BuildHasher;

/// No pair here (a slot of [`PairIds`]'s direct addresses, or a place not given).
pub(crate) const NO_PAIR: u32 = u32::MAX;

/// A pair id (or an item id) owned: pair ids are Int64 when every file has integer pair ids of
/// one type, else text (see [`crate::data::input::counterfactual::pair_map`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Int(i64),
    Str(Box<str>),
}

/// A batch's pair ids, read once into plain vectors (indexed by row, not through chunks).
pub(crate) enum BatchPairs<'a> {
    Ints(Vec<Option<i64>>),
    Strs(Vec<Option<&'a str>>),
}

impl<'a> BatchPairs<'a> {
    /// Reads the pair column (Int64 or text).
    pub(crate) fn read(column: &'a Column) -> PolarsResult<Self> {
        match column.i64() {
            Ok(ints) => Ok(Self::Ints(ints.iter().collect())),
            Err(_) => Ok(Self::Strs(column.str()?.iter().collect())),
        }
    }

    /// Row `row`'s pair id, owned (`None` when it has none).
    pub(crate) fn key(&self, row: usize) -> Option<Key> {
        match self {
            Self::Ints(ints) => ints[row].map(Key::Int),
            Self::Strs(strs) => strs[row].map(|s| Key::Str(s.into())),
        }
    }
}

/// Each row's side, as the frame coded it ([`ITEM_SIDE`]): 0 or 1, 2 without one.
pub(crate) fn batch_sides(df: &DataFrame) -> PolarsResult<Vec<u8>> {
    Ok(df.column(ITEM_SIDE)?.i32()?.iter().map(|s| s.map_or(2, |s| s.clamp(0, 2) as u8)).collect())
}

/// Pair ids and their numbers.
pub(crate) struct PairIds {
    /// Integer ids within `span` after the first one seen (less a margin): `slots[id − first]`.
    first: Option<i64>,
    slots: Vec<u32>,
    span: usize,
    /// Other integer ids.
    ints: HashMap<i64, u32>,
    /// Text ids: numbers hashed by their text, which `names` holds once.
    strs: HashTable<u32>,
    hasher: DefaultHashBuilder,
    /// Integer ids numbered; text ids by number.
    ints_numbered: usize,
    names: Vec<Box<str>>,
}

impl PairIds {
    /// Empty, for the pair ids of a run with `rows` baseline rows: about two items per pair, so
    /// text ids get room for them all up front (no rehashing on the way); integer ids, direct
    /// addresses over the range the pair map read.
    pub(crate) fn for_pairs(map: &PairMap, rows: usize) -> Self {
        let texts = if map.native { 0 } else { rows / 2 };
        Self::new(map.range, rows, texts)
    }

    /// Empty, for integer ids in `range` (when known) among about `rows` items, or for about
    /// `texts` text ids. Integer ids are addressed directly when their range is at most twice the
    /// rows (plus a margin); unknown, from the first one seen (less the margin).
    pub(crate) fn new(range: Option<(i64, i64)>, rows: usize, texts: usize) -> Self {
        let limit = rows.saturating_mul(2).saturating_add(1 << 16);
        let (first, span) = match range {
            Some((low, high)) => match usize::try_from(i128::from(high) - i128::from(low)) {
                Ok(width) if width < limit => (Some(low), width + 1),
                _ => (None, 0),
            },
            None => (None, limit),
        };
        Self {
            first,
            slots: Vec::new(),
            span,
            ints: HashMap::new(),
            strs: HashTable::with_capacity(texts),
            hasher: DefaultHashBuilder::default(),
            ints_numbered: 0,
            names: Vec::with_capacity(texts),
        }
    }

    /// How many pairs are numbered.
    pub(crate) fn len(&self) -> usize {
        self.ints_numbered + self.names.len()
    }

    /// The number of integer pair id `id`, numbered now if new.
    #[inline]
    pub(crate) fn int(&mut self, id: i64) -> usize {
        let first = *self.first.get_or_insert_with(|| id.saturating_sub(i64::from(u16::MAX)));
        if self.slots.is_empty() {
            self.slots = vec![NO_PAIR; self.span];
        }
        let next = self.len() as u32;
        let offset = id.checked_sub(first).and_then(|o| usize::try_from(o).ok());
        let number = match offset.filter(|&o| o < self.slots.len()) {
            Some(o) if self.slots[o] != NO_PAIR => return self.slots[o] as usize,
            Some(o) => {
                self.slots[o] = next;
                next
            }
            None => *self.ints.entry(id).or_insert(next),
        };
        if number == next {
            self.ints_numbered += 1;
        }
        number as usize
    }

    /// Asks for the memory integer pair id `id`'s number is at, if addressed directly (a hint).
    #[inline]
    pub(crate) fn prefetch_int(&self, id: i64) {
        let offset = self.first.and_then(|first| usize::try_from(id.checked_sub(first)?).ok());
        if let Some(slot) = offset.and_then(|o| self.slots.get(o)) {
            prefetch(slot);
        }
    }

    /// The number of text pair id `id`, numbered now if new.
    #[inline]
    pub(crate) fn text(&mut self, id: &str) -> usize {
        let hash = self.hasher.hash_one(id);
        let Self { strs, names, hasher, .. } = self;
        if let Some(&p) = strs.find(hash, |&p| &*names[p as usize] == id) {
            return p as usize;
        }
        let p = names.len() as u32;
        names.push(id.into());
        strs.insert_unique(hash, p, |&q| hasher.hash_one(&*names[q as usize]));
        p as usize
    }

    /// The number of `key`, numbered now if new.
    pub(crate) fn number(&mut self, key: &Key) -> usize {
        match key {
            Key::Int(id) => self.int(*id),
            Key::Str(id) => self.text(id),
        }
    }

    /// Whether text pair id `id` is pair number `p`'s (no lookup: the number's own text).
    #[inline]
    pub(crate) fn is_text(&self, p: u32, id: &str) -> bool {
        self.names.get(p as usize).is_some_and(|name| &**name == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_numbered_by_first_appearance_whatever_their_kind() {
        let mut ids = PairIds::new(None, 0, 0);
        // 10 sets the range (10 − 65535 …); 10 + 2^20 and −2^62 are hashed.
        let seen: Vec<usize> =
            [10, 11, 10, 1 << 20, -(1 << 62), 11, 1 << 20].iter().map(|&id| ids.int(id)).collect();
        assert_eq!(seen, [0, 1, 0, 2, 3, 1, 2]);
        assert_eq!(ids.len(), 4);
        let mut texts = PairIds::new(None, 0, 2);
        let seen: Vec<usize> = ["b", "a", "b", "c"].iter().map(|id| texts.text(id)).collect();
        assert_eq!(seen, [0, 1, 0, 2]);
        assert!(texts.is_text(1, "a") && !texts.is_text(0, "a") && !texts.is_text(9, "a"));
        assert_eq!(texts.number(&Key::Str("c".into())), 2);
        // A known range is addressed from its low end, whatever id comes first; a range wider
        // than twice the rows (plus the margin) is hashed.
        let mut ranged = PairIds::new(Some((-5, 10)), 4, 0);
        let seen: Vec<usize> = [10, -5, 3, 10].iter().map(|&id| ranged.int(id)).collect();
        assert_eq!((seen, ranged.slots.len(), ranged.ints.len()), (vec![0, 1, 2, 0], 16, 0));
        let mut wide = PairIds::new(Some((0, 1 << 40)), 4, 0);
        assert_eq!([1 << 40, 0, 1 << 40].map(|id| wide.int(id)), [0, 1, 0]);
        assert_eq!((wide.slots.len(), wide.ints.len()), (0, 2));
        assert_eq!(texts.number(&Key::Str("d".into())), 3);
    }
}
