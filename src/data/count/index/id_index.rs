//! An index from item ids to baseline slots, built once from the baseline's ids and probed by
//! every model's ids (the join pairing, [`crate::data::count::index::baseline_pass`]):
//!
//! - **dense**: integer ids whose range is at most about twice the row count (ids numbered
//!   from some start, with gaps) are their own address, slot = id − min, with one bit per slot
//!   marking the ids present; no hashing at all;
//! - **integers**: other integer ids (and float ids, by their canonical bits) in a hash table
//!   of baseline rows ([`crate::data::count::index::open_table`]);
//! - **strings**: string ids (and every other type, as text) hashed once per row, in the same
//!   kind of table, compared in full with the id on a hash match.
//!
//! The index only maps ids; the baseline's values live in arrays indexed by slot. Building it
//! finds duplicate baseline ids; probing it finds nothing about duplicates (the caller marks
//! slots it has seen).

use crate::data::count::index::open_table::{IntKeys, StrKeys, Table};
use crate::data::count::prefetch::AHEAD;
use hashbrown::DefaultHashBuilder;
use polars::prelude::*;
use std::hash::BuildHasher;

pub(crate) use crate::data::count::index::open_table::ABSENT;
/// Integer ids are addressed directly when their range spans at most this many slots per row
/// (plus [`DENSE_SLACK`]): a hole costs one unused record and a bit per source, less than
/// hashing every id and a table of 1.5–3 entries per row.
const DENSE_FACTOR: u64 = 2;
const DENSE_SLACK: u64 = 1 << 16;

/// One batch's ids in the form the index probes: 64-bit integer keys or strings.
pub(crate) enum BatchIds {
    /// Integers (signed, unsigned by their bits, floats by their canonical bits).
    Ints(Vec<i64>),
    /// Strings, and any other id type as text.
    Strs(StringChunked),
}

impl BatchIds {
    /// Reads an id column; `Ok(None)` if it has a null id.
    pub(crate) fn read(column: &Column) -> PolarsResult<Option<Self>> {
        if column.null_count() > 0 {
            return Ok(None);
        }
        let ids = match column.dtype() {
            DataType::UInt64 => Self::Ints(column.u64()?.into_no_null_iter().map(|v| v as i64).collect()),
            t if t.is_integer() => {
                Self::Ints(column.cast(&DataType::Int64)?.i64()?.into_no_null_iter().collect())
            }
            t if t.is_float() => {
                let floats = column.cast(&DataType::Float64)?;
                Self::Ints(floats.f64()?.into_no_null_iter().map(float_key).collect())
            }
            DataType::String => Self::Strs(column.str()?.clone()),
            _ => Self::Strs(column.cast(&DataType::String)?.str()?.clone()),
        };
        Ok(Some(ids))
    }

    /// How many ids there are.
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Ints(ids) => ids.len(),
            Self::Strs(ids) => ids.len(),
        }
    }

    /// Ids `start..start + len`.
    pub(crate) fn slice(&self, start: usize, len: usize) -> Self {
        match self {
            Self::Ints(ids) => Self::Ints(ids[start..start + len].to_vec()),
            Self::Strs(ids) => Self::Strs(ids.slice(start as i64, len)),
        }
    }
}

/// A float id's key: equal numbers get equal keys (0.0 and −0.0, every NaN).
fn float_key(value: f64) -> i64 {
    let canonical = if value == 0.0 {
        0.0
    } else if value.is_nan() {
        f64::NAN
    } else {
        value
    };
    canonical.to_bits() as i64
}

/// What the index was built from, so that a probe of another kind is caught.
pub(crate) enum IdIndex {
    /// slot = id − min; `present` has one bit per slot.
    Dense { min: i64, slots: usize, present: Vec<u64> },
    /// Integer keys of the baseline rows (slot = row), found through `table`.
    Ints { table: Table, keys: IntKeys, hasher: DefaultHashBuilder, hashes: Vec<u64> },
    /// String ids of the baseline rows, found through `table`.
    Strs { table: Table, keys: StrKeys, hasher: DefaultHashBuilder, hashes: Vec<u64> },
}

/// Why the index refused a baseline id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The id was added before (or the index is full: 2^32 − 1 rows).
    Duplicate,
    /// An integer id outside the range the dense index was made for.
    OutsideRange,
}

impl IdIndex {
    /// An empty index for `rows` baseline ids: dense when `range` (min and max of integer ids)
    /// is narrow enough, else a hash table of integer keys or of strings.
    pub(crate) fn new(rows: usize, range: Option<(i64, i64)>, strings: bool) -> Self {
        let hasher = DefaultHashBuilder::default();
        if let Some((min, max)) = range.filter(|_| !strings) {
            let span = (i128::from(max) - i128::from(min) + 1).max(0) as u128;
            let limit = (rows as u128) * u128::from(DENSE_FACTOR) + u128::from(DENSE_SLACK);
            if span <= limit && span < u128::from(ABSENT) {
                let slots = span as usize;
                return Self::Dense { min, slots, present: vec![0; slots.div_ceil(64)] };
            }
        }
        let table = Table::with_rows(rows);
        let hashes = Vec::new();
        if strings {
            Self::Strs { table, keys: StrKeys::with_rows(rows), hasher, hashes }
        } else {
            Self::Ints { table, keys: IntKeys(Vec::with_capacity(rows)), hasher, hashes }
        }
    }

    /// How many slots the baseline's value arrays need: the id range when dense, else the rows.
    pub(crate) fn slots(&self) -> usize {
        match self {
            Self::Dense { slots, .. } => *slots,
            Self::Ints { keys, .. } => keys.0.len(),
            Self::Strs { keys, .. } => keys.len(),
        }
    }

    /// Whether the slots are the rows in the order they were added (else they are id offsets
    /// and some may stay empty).
    pub(crate) fn slots_are_rows(&self) -> bool {
        !matches!(self, Self::Dense { .. })
    }

    /// Adds a batch of baseline ids, writing each one's slot to `out`; fails on an id already
    /// added, or one outside the dense range (bounds from a file's footer that were wrong).
    pub(crate) fn insert(&mut self, ids: &BatchIds, out: &mut Vec<u32>) -> Result<(), Refused> {
        out.clear();
        out.reserve(ids.len());
        match (self, ids) {
            (Self::Dense { min, slots, present }, BatchIds::Ints(ids)) => {
                for &id in ids {
                    let slot = dense_slot(id, *min, *slots).ok_or(Refused::OutsideRange)?;
                    let (word, bit) = (slot / 64, 1u64 << (slot % 64));
                    if present[word] & bit != 0 {
                        return Err(Refused::Duplicate);
                    }
                    present[word] |= bit;
                    out.push(slot as u32);
                }
            }
            (Self::Ints { table, keys, hasher, hashes }, BatchIds::Ints(ids)) => {
                hashes.clear();
                hashes.extend(ids.iter().map(|&id| hasher.hash_one(id)));
                for (i, (&id, &hash)) in ids.iter().zip(hashes.iter()).enumerate() {
                    if let Some(&ahead) = hashes.get(i + AHEAD) {
                        table.prefetch_home(ahead);
                    }
                    let row = u32::try_from(keys.0.len())
                        .ok()
                        .filter(|&r| r != ABSENT)
                        .ok_or(Refused::Duplicate)?;
                    table.reserve_one(|r| hasher.hash_one(keys.0[r as usize]));
                    if !table.insert(hash, row, keys, &id) {
                        return Err(Refused::Duplicate);
                    }
                    keys.0.push(id);
                    out.push(row);
                }
            }
            (Self::Strs { table, keys, hasher, hashes }, BatchIds::Strs(ids)) => {
                let views: Vec<&[u8]> =
                    ids.downcast_iter().flat_map(|a| a.values_iter()).map(str::as_bytes).collect();
                hashes.clear();
                hashes.extend(views.iter().map(|id| hasher.hash_one(id)));
                for (i, (&id, &hash)) in views.iter().zip(hashes.iter()).enumerate() {
                    if let Some(&ahead) = hashes.get(i + AHEAD) {
                        table.prefetch_home(ahead);
                    }
                    let row =
                        u32::try_from(keys.len()).ok().filter(|&r| r != ABSENT).ok_or(Refused::Duplicate)?;
                    table.reserve_one(|r| hasher.hash_one(keys.get(r)));
                    if !table.insert(hash, row, keys, id) {
                        return Err(Refused::Duplicate);
                    }
                    keys.push(id);
                    out.push(row);
                }
            }
            // Every source's ids share one type, so a batch always matches its index.
            _ => return Err(Refused::OutsideRange),
        }
        Ok(())
    }

    /// The slot of each id of a batch, [`ABSENT`] for an id the baseline lacks.
    pub(crate) fn probe(&self, ids: &BatchIds, out: &mut Vec<u32>) {
        out.clear();
        out.reserve(ids.len());
        match (self, ids) {
            (Self::Dense { min, slots, present }, BatchIds::Ints(ids)) => {
                out.extend(ids.iter().map(|&id| match dense_slot(id, *min, *slots) {
                    Some(slot) if present[slot / 64] & (1u64 << (slot % 64)) != 0 => slot as u32,
                    _ => ABSENT,
                }));
            }
            (Self::Ints { table, keys, hasher, .. }, BatchIds::Ints(ids)) => {
                let hashes: Vec<u64> = ids.iter().map(|&id| hasher.hash_one(id)).collect();
                table.probe(&hashes, keys, |i| &ids[i], out);
            }
            (Self::Strs { table, keys, hasher, .. }, BatchIds::Strs(ids)) => {
                let views: Vec<&[u8]> =
                    ids.downcast_iter().flat_map(|a| a.values_iter()).map(str::as_bytes).collect();
                let hashes: Vec<u64> = views.iter().map(|id| hasher.hash_one(id)).collect();
                table.probe(&hashes, keys, |i| views[i], out);
            }
            _ => out.resize(ids.len(), ABSENT),
        }
    }
}

/// The slot of an integer id in a dense index, if it is in range.
fn dense_slot(id: i64, min: i64, slots: usize) -> Option<usize> {
    let offset = id.checked_sub(min)?;
    usize::try_from(offset).ok().filter(|&s| s < slots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(ids: &[i64]) -> BatchIds {
        BatchIds::Ints(ids.to_vec())
    }

    fn strs(ids: &[&str]) -> BatchIds {
        BatchIds::Strs(StringChunked::from_slice("id".into(), ids))
    }

    /// Builds an index from batches, then probes it.
    fn build(mut index: IdIndex, batches: &[BatchIds]) -> Result<(IdIndex, Vec<u32>), Refused> {
        let (mut all, mut out) = (Vec::new(), Vec::new());
        for batch in batches {
            index.insert(batch, &mut out)?;
            all.extend_from_slice(&out);
        }
        Ok((index, all))
    }

    #[test]
    fn dense_ids_are_their_own_slots_across_batches() {
        let (index, slots) =
            build(IdIndex::new(4, Some((10, 16)), false), &[ints(&[16, 10]), ints(&[12, 13])])
                .expect("no duplicate");
        assert!(matches!(index, IdIndex::Dense { .. }) && !index.slots_are_rows());
        assert_eq!((slots, index.slots()), (vec![6, 0, 2, 3], 7));
        let mut found = Vec::new();
        index.probe(&ints(&[13, 11, 9, 17, 16, i64::MIN]), &mut found);
        assert_eq!(
            found,
            vec![3, ABSENT, ABSENT, ABSENT, 6, ABSENT],
            "holes and ids out of range are absent"
        );
    }

    #[test]
    fn sparse_integers_and_strings_are_hashed_rows() {
        let big = [i64::MAX, -5, 1 << 40];
        let (index, slots) =
            build(IdIndex::new(3, Some((-5, i64::MAX)), false), &[ints(&big)]).expect("unique");
        assert!(matches!(index, IdIndex::Ints { .. }) && index.slots_are_rows());
        assert_eq!(slots, vec![0, 1, 2]);
        let mut found = Vec::new();
        index.probe(&ints(&[1 << 40, 7, i64::MAX]), &mut found);
        assert_eq!(found, vec![2, ABSENT, 0]);

        let (index, slots) =
            build(IdIndex::new(3, None, true), &[strs(&["b", "item-000000001"]), strs(&[""])])
                .expect("unique");
        assert_eq!((slots, index.slots()), (vec![0, 1, 2], 3));
        index.probe(&strs(&["", "item-000000001", "item-00000001", "a"]), &mut found);
        assert_eq!(found, vec![2, 1, ABSENT, ABSENT], "compared in full, the empty id included");
    }

    #[test]
    fn a_duplicate_id_is_found_in_any_batch_and_any_kind() {
        let refused = |index, batches: &[BatchIds]| build(index, batches).err();
        let duplicate = Some(Refused::Duplicate);
        assert_eq!(refused(IdIndex::new(3, Some((1, 3)), false), &[ints(&[1, 2]), ints(&[2])]), duplicate);
        assert_eq!(
            refused(IdIndex::new(3, Some((1, 1 << 50)), false), &[ints(&[1 << 50, 1, 1 << 50])]),
            duplicate
        );
        assert_eq!(refused(IdIndex::new(3, None, true), &[strs(&["x", "y"]), strs(&["x"])]), duplicate);
        // An id outside the announced range cannot be placed: refused, never written elsewhere.
        assert_eq!(refused(IdIndex::new(2, Some((1, 2)), false), &[ints(&[3])]), Some(Refused::OutsideRange));
    }

    #[test]
    fn float_ids_match_by_value() {
        assert_eq!(float_key(0.0), float_key(-0.0));
        assert_eq!(float_key(f64::NAN), float_key(-f64::NAN));
        assert_ne!(float_key(1.0), float_key(1.0 + f64::EPSILON));
        let column = Column::new("id".into(), [1.5f64, -0.0]);
        let Ok(Some(ids)) = BatchIds::read(&column) else { panic!("floats read") };
        let (index, _) = build(IdIndex::new(2, None, false), &[ids]).expect("unique");
        let mut found = Vec::new();
        index.probe(&ints(&[float_key(0.0), float_key(1.5)]), &mut found);
        assert_eq!(found, vec![1, 0]);
        let nulls = Column::new("id".into(), [Some(1i64), None]);
        assert!(matches!(BatchIds::read(&nulls), Ok(None)), "a null id is reported, not indexed");
    }
}
