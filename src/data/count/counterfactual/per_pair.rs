//! What the passes keep per pair and side ([`PerPair`]): how many items the side has, the
//! baseline's truth-and-key offset `__tb` and every model's key of its item, and side A's level
//! slots. After the pass the complete pairs' keys are decoded into the per-pair codes the query
//! path of [`super::tables`] builds, and counted by the same tally.

use crate::counts::{PairCells, PairingCounts};
use crate::data::count::counterfactual::tables::{pair_tables, PairSlices};
use crate::data::count::prefetch::prefetch;
use crate::data::input::Dataset;
use crate::error::Result;
use hashbrown::HashMap;

/// One side's items of the pairs: per pair how many it has (saturating) and one record (so that
/// placing an item touches one place): the baseline's `__tb` (−1: the baseline lacks the item),
/// each model's key (−1: the model lacks it) and, on side A, each grouping's level slot (0: no
/// level).
pub(crate) struct Side {
    models: usize,
    width: usize,
    items: Vec<u8>,
    records: Vec<i64>,
}

impl Side {
    fn new(models: usize, groupings: usize) -> Self {
        Self { models, width: 1 + models + groupings, items: Vec::new(), records: Vec::new() }
    }

    /// Pairs with room so far.
    fn len(&self) -> usize {
        self.items.len()
    }

    /// Room for pairs `0..pairs`.
    fn reserve(&mut self, pairs: usize) {
        if pairs <= self.len() {
            return;
        }
        let (from, width) = (self.items.len(), self.width);
        self.items.resize(pairs, 0);
        self.records.resize(pairs * width, -1);
        // Level slots start at 0 (no level), keys and `__tb` at −1.
        if width > 1 + self.models {
            for record in self.records[from * width..].chunks_exact_mut(width) {
                record[1 + self.models..].fill(0);
            }
        }
    }

    /// Asks for the memory pair `p`'s record is in (a hint).
    #[inline]
    pub(crate) fn prefetch(&self, p: usize) {
        if let Some(value) = self.records.get(p * self.width) {
            prefetch(value);
        }
    }

    /// Records an item of pair `p`: the baseline's `tb`, model j's key `key(j)` and (side A)
    /// grouping j's level slot `level(j)`.
    #[inline]
    pub(crate) fn put(
        &mut self,
        p: usize,
        tb: i64,
        key: impl Fn(usize) -> i64,
        level: impl Fn(usize) -> u32,
    ) {
        if p >= self.len() {
            self.reserve((p + 1).max(2 * self.len()));
        }
        self.items[p] = self.items[p].saturating_add(1);
        let models = self.models;
        let record = &mut self.records[p * self.width..(p + 1) * self.width];
        record[0] = tb;
        for (j, kept) in record[1..=models].iter_mut().enumerate() {
            *kept = key(j);
        }
        for (j, kept) in record[1 + models..].iter_mut().enumerate() {
            *kept = i64::from(level(j));
        }
    }

    /// Pair `p`'s record.
    #[inline]
    fn record(&self, p: usize) -> &[i64] {
        &self.records[p * self.width..(p + 1) * self.width]
    }
}

/// Keys of the pairs' items, by pair number: side A's and side B's.
pub(crate) struct PerPair {
    variants: [String; 2],
    models: usize,
    pub(crate) sides: [Side; 2],
}

impl PerPair {
    /// Empty, for the dataset's pairs, models and groupings, with room for `pairs` pairs.
    pub(crate) fn new(variants: [String; 2], models: usize, groupings: usize, pairs: usize) -> Self {
        let mut sides = [Side::new(models, groupings), Side::new(models, 0)];
        sides.iter_mut().for_each(|s| s.reserve(pairs));
        Self { variants, models, sides }
    }

    /// Records an item of pair `p` on `side` (see [`Side::put`]).
    #[inline]
    pub(crate) fn put(
        &mut self,
        p: usize,
        side: usize,
        tb: i64,
        key: impl Fn(usize) -> i64,
        level: impl Fn(usize) -> u32,
    ) {
        self.sides[side].put(p, tb, key, level);
    }

    /// How the pairs formed, and the joint tables of the complete ones; `side` is the pass's
    /// 3^k, `level_names[j]` grouping j's levels in slot order (slot s is name s − 1).
    pub(crate) fn finish(
        self,
        data: &Dataset,
        side: u64,
        level_names: &[Vec<String>],
    ) -> Result<(PairingCounts, Vec<PairCells>)> {
        let [a, b] = [&self.sides[0].items, &self.sides[1].items];
        // Room may run past the last pair numbered (grown by doubling): those have no item.
        let last = |items: &[u8]| items.iter().rposition(|&n| n > 0).map_or(0, |p| p + 1);
        let pairs = last(a).max(last(b));
        let (a, b) = (|p: usize| a.get(p).copied().unwrap_or(0), |p: usize| b.get(p).copied().unwrap_or(0));
        let complete: Vec<usize> = (0..pairs).filter(|&p| a(p) == 1 && b(p) == 1).collect();
        let duplicate = (0..pairs).filter(|&p| a(p) > 1 || b(p) > 1).count() as u64;
        let pairing = PairingCounts {
            variants: self.variants.clone(),
            complete: complete.len() as u64,
            missing_side: (pairs - complete.len()) as u64 - duplicate,
            duplicate_side: duplicate,
        };
        let slices = self.slices(&complete, side, data, level_names);
        let tables = pair_tables(data, &slices, |i, source, k| {
            Ok(source.present[k].then(|| self.codes(&complete, i, k, side)))
        })?;
        Ok((pairing, tables))
    }

    /// Source i's code for metric k on each of the `complete` pairs: label A + 3 · label B (2 =
    /// missing, also when the source lacks the item).
    fn codes(&self, complete: &[usize], i: usize, k: usize, side: u64) -> Vec<u8> {
        let weight = 3u64.pow(k as u32);
        let label = |key: i64| if key < 0 { 2 } else { (key as u64 / weight % 3) as u8 };
        let key = |s: usize, p: usize| {
            let record = self.sides[s].record(p);
            match (i, record[0]) {
                (0, tb) if tb < 0 => -1,
                (0, tb) => (tb as u64 / side % side) as i64,
                _ => record[i],
            }
        };
        complete.iter().map(|&p| label(key(0, p)) + 3 * label(key(1, p))).collect()
    }

    /// Side A's truth and levels of the complete pairs (only levels some side A has).
    fn slices(
        &self,
        complete: &[usize],
        side: u64,
        data: &Dataset,
        level_names: &[Vec<String>],
    ) -> PairSlices {
        let truth = data.has_truth.then(|| {
            let truth = |tb: i64| (tb >= 0).then(|| (tb as u64 / side / side) as u8);
            complete.iter().map(|&p| truth(self.sides[0].record(p)[0]).filter(|&t| t < 2)).collect()
        });
        let mut groupings = Vec::new();
        for (j, spec) in data.groupings.iter().enumerate() {
            let mut names: Vec<String> = Vec::new();
            let mut used: HashMap<u32, u32> = HashMap::new();
            let per_pair = complete
                .iter()
                .map(|&p| {
                    let slot = self.sides[0].record(p)[1 + self.models + j] as u32;
                    (slot > 0).then(|| {
                        *used.entry(slot).or_insert_with(|| {
                            names.push(level_names[j][slot as usize - 1].clone());
                            names.len() as u32 - 1
                        })
                    })
                })
                .collect();
            groupings.push((spec.name(), names, per_pair));
        }
        PairSlices { truth, groupings }
    }
}
