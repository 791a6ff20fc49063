//! An open-addressing hash table of baseline rows for the id index ([`crate::data::count::index::id_index`]), built
//! to be probed a batch at a time with the memory it will need requested ahead.
//!
//! A random probe of a table far larger than the caches costs a few dependent cache misses
//! (the table's entry, then the key to confirm it), about 300 ns per model row with string ids
//! in a general-purpose table. Here one entry is a u64 holding the hash's high 32 bits (the tag)
//! beside row + 1 (0 = empty), with linear probing, made at most two-thirds full and grown at
//! three-quarters; a batch is probed in two stages, each prefetching [`AHEAD`] rows on: first
//! every row's candidate (the first entry with its tag), then every candidate confirmed by
//! comparing the key in full. A tag shared by another key (about one entry in 2^32) sends that
//! row to a full lookup, so results are exact.

use crate::data::count::prefetch::{prefetch, AHEAD};

/// The slot of an id the index does not hold.
pub(crate) const ABSENT: u32 = u32::MAX;
/// Where a table's rows keep their keys, compared in full to confirm a tag.
pub(crate) trait Keys {
    /// One key (an integer, or a string's bytes).
    type Key: ?Sized;
    /// Whether row `row` has key `key`.
    fn same(&self, row: u32, key: &Self::Key) -> bool;
    /// Prefetches what [`Self::same`] reads for `row`: with `near`, the key itself; without,
    /// what locates it (for keys stored apart from their offsets).
    fn prefetch_row(&self, row: u32, near: bool);
}

/// The table: entries of (tag, row + 1), a power of two of them.
pub(crate) struct Table {
    entries: Vec<u64>,
    mask: usize,
    /// Rows added.
    len: usize,
}

impl Table {
    /// An empty table for up to `rows` rows (at most two-thirds full).
    pub(crate) fn with_rows(rows: usize) -> Self {
        let capacity = rows.saturating_add(rows / 2).max(8).next_power_of_two();
        Self { entries: vec![0; capacity], mask: capacity - 1, len: 0 }
    }

    /// Makes room for one more row when the table is three-quarters full (more rows than it was
    /// made for): every row is placed again in a table twice the size, by its hash.
    pub(crate) fn reserve_one(&mut self, hash_of: impl Fn(u32) -> u64) {
        if self.len < self.entries.len() - self.entries.len() / 4 {
            return;
        }
        let mut grown =
            Self { entries: vec![0; self.entries.len() * 2], mask: self.entries.len() * 2 - 1, len: 0 };
        for entry in self.entries.iter().filter(|&&e| e != 0) {
            let hash = hash_of(Self::row(*entry));
            let mut at = grown.home(hash);
            while grown.entries[at] != 0 {
                at = (at + 1) & grown.mask;
            }
            grown.entries[at] = *entry;
            grown.len += 1;
        }
        *self = grown;
    }

    fn home(&self, hash: u64) -> usize {
        hash as usize & self.mask
    }

    fn tagged(entry: u64, hash: u64) -> bool {
        entry >> 32 == hash >> 32
    }

    fn row(entry: u64) -> u32 {
        (entry as u32).wrapping_sub(1)
    }

    /// Adds `row` under `hash`; `false` (nothing added) when a row with an equal key is there.
    /// `row` must be below [`ABSENT`], and [`Self::reserve_one`] called first.
    pub(crate) fn insert<K: Keys + ?Sized>(&mut self, hash: u64, row: u32, keys: &K, key: &K::Key) -> bool {
        let mut at = self.home(hash);
        loop {
            let entry = self.entries[at];
            if entry == 0 {
                self.entries[at] = (hash & !0xFFFF_FFFF) | (u64::from(row) + 1);
                self.len += 1;
                return true;
            }
            if Self::tagged(entry, hash) && keys.same(Self::row(entry), key) {
                return false;
            }
            at = (at + 1) & self.mask;
        }
    }

    /// Prefetches the entry a hash starts at.
    pub(crate) fn prefetch_home(&self, hash: u64) {
        prefetch(&self.entries[self.home(hash)]);
    }

    /// The row with key `key`, every entry with the hash's tag compared in full.
    pub(crate) fn find<K: Keys + ?Sized>(&self, hash: u64, keys: &K, key: &K::Key) -> u32 {
        let mut at = self.home(hash);
        loop {
            let entry = self.entries[at];
            if entry == 0 {
                return ABSENT;
            }
            if Self::tagged(entry, hash) && keys.same(Self::row(entry), key) {
                return Self::row(entry);
            }
            at = (at + 1) & self.mask;
        }
    }

    /// The first row with the hash's tag (to confirm), or [`ABSENT`] when none has it.
    fn candidate(&self, hash: u64) -> u32 {
        let mut at = self.home(hash);
        loop {
            let entry = self.entries[at];
            if entry == 0 {
                return ABSENT;
            }
            if Self::tagged(entry, hash) {
                return Self::row(entry);
            }
            at = (at + 1) & self.mask;
        }
    }

    /// The row of every key of a batch (`hashes[i]` is the hash of `key(i)`), [`ABSENT`] for a
    /// key the table lacks, written to `out`.
    pub(crate) fn probe<'k, K: Keys + ?Sized + 'k>(
        &self,
        hashes: &[u64],
        keys: &K,
        key: impl Fn(usize) -> &'k K::Key,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        out.reserve(hashes.len());
        for (i, &hash) in hashes.iter().enumerate() {
            if let Some(&ahead) = hashes.get(i + AHEAD) {
                self.prefetch_home(ahead);
            }
            out.push(self.candidate(hash));
        }
        for i in 0..out.len() {
            for (distance, near) in [(2 * AHEAD, false), (AHEAD, true)] {
                if let Some(&ahead) = out.get(i + distance).filter(|&&r| r != ABSENT) {
                    keys.prefetch_row(ahead, near);
                }
            }
            let row = out[i];
            if row != ABSENT && !keys.same(row, key(i)) {
                out[i] = self.find(hashes[i], keys, key(i));
            }
        }
    }
}

/// Integer keys by row.
pub(crate) struct IntKeys(pub Vec<i64>);

impl Keys for IntKeys {
    type Key = i64;
    fn same(&self, row: u32, key: &i64) -> bool {
        self.0[row as usize] == *key
    }
    fn prefetch_row(&self, row: u32, near: bool) {
        if near {
            prefetch(&self.0[row as usize]);
        }
    }
}

/// String keys by row: row r's bytes are `bytes[starts[r]..starts[r + 1]]`.
pub(crate) struct StrKeys {
    bytes: Vec<u8>,
    starts: Vec<usize>,
}

impl StrKeys {
    /// No keys yet, room for `rows`.
    pub(crate) fn with_rows(rows: usize) -> Self {
        let mut starts = Vec::with_capacity(rows + 1);
        starts.push(0);
        Self { bytes: Vec::new(), starts }
    }

    /// How many keys there are.
    pub(crate) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Appends the next row's key.
    pub(crate) fn push(&mut self, key: &[u8]) {
        self.bytes.extend_from_slice(key);
        self.starts.push(self.bytes.len());
    }

    /// Row `row`'s key.
    pub(crate) fn get(&self, row: u32) -> &[u8] {
        let r = row as usize;
        &self.bytes[self.starts[r]..self.starts[r + 1]]
    }
}

impl Keys for StrKeys {
    type Key = [u8];
    fn same(&self, row: u32, key: &[u8]) -> bool {
        self.get(row) == key
    }
    fn prefetch_row(&self, row: u32, near: bool) {
        let r = row as usize;
        if near {
            if let Some(byte) = self.bytes.get(self.starts[r]) {
                prefetch(byte);
            }
        } else {
            prefetch(&self.starts[r]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hash that sends every key to the same home and tag: the worst case of collisions.
    const SAME: u64 = 0xABCD_0000_0000_0003;

    #[test]
    fn colliding_tags_are_told_apart_by_their_keys() {
        let mut keys = StrKeys::with_rows(3);
        let mut table = Table::with_rows(3);
        for (row, key) in [b"a".as_slice(), b"bb", b""].into_iter().enumerate() {
            table.reserve_one(|_| SAME);
            assert!(table.insert(SAME, row as u32, &keys, key));
            keys.push(key);
        }
        assert!(!table.insert(SAME, 3, &keys, b"bb".as_slice()), "a duplicate is refused");
        let probes: [&[u8]; 4] = [b"", b"bb", b"c", b"a"];
        let mut out = Vec::new();
        table.probe(&[SAME; 4], &keys, |i| probes[i], &mut out);
        assert_eq!(out, vec![2, 1, ABSENT, 0], "the first tagged entry is not taken on trust");
    }

    #[test]
    fn batches_longer_than_the_prefetch_distance_find_every_row() {
        let keys = IntKeys((0..1000).map(|k| k * 7919).collect());
        // Made for 10 rows: it grows on the way.
        let mut table = Table::with_rows(10);
        let hash = |k: i64| (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for (row, &key) in keys.0.iter().enumerate() {
            table.reserve_one(|r| hash(keys.0[r as usize]));
            assert!(table.insert(hash(key), row as u32, &keys, &key));
        }
        assert!(table.entries.len() >= 1024 && table.len == 1000);
        let probes: Vec<i64> = (0..1000).rev().map(|k| k * 7919 + i64::from(k % 3 == 0)).collect();
        let hashes: Vec<u64> = probes.iter().map(|&k| hash(k)).collect();
        let mut out = Vec::new();
        table.probe(&hashes, &keys, |i| &probes[i], &mut out);
        for (i, &row) in out.iter().enumerate() {
            let k = 999 - i as i64;
            let expected = if k % 3 == 0 { ABSENT } else { k as u32 };
            assert_eq!(row, expected, "probe {i} (key {})", probes[i]);
        }
    }
}
