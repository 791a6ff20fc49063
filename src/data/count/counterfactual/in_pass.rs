//! Counterfactual pairs counted inside the positional pass (the aligned fast path): when only the
//! baseline's file names the pairs, every item of a pair is a row of the pass, which already
//! carries each source's packed label key. Each row's key is kept under its pair and side; after
//! the pass the complete pairs' keys are decoded into the same per-pair codes the query path of
//! [`crate::data::count::counterfactual::tables`] builds, and counted by the same tally. No extra scan or join.

use crate::counts::{PairCells, PairingCounts};
use crate::data::columns::{PAIR, VARIANT};
use crate::data::count::counterfactual::tables::{pair_tables, PairSlices};
use crate::data::input::Dataset;
use crate::error::Result;
use hashbrown::HashMap;
use polars::prelude::*;

/// Integer pair ids addressed directly: `slots[id − first]` (u32::MAX: not seen) for ids within
/// `span` after the first id seen (pair ids are usually numbered); others are hashed.
struct DenseIds {
    first: Option<i64>,
    slots: Vec<u32>,
    span: usize,
}

impl DenseIds {
    /// The slot of `id`, if it is addressed directly (the first id seen sets the range).
    #[inline]
    fn slot(&mut self, id: i64) -> Option<usize> {
        let first = *self.first.get_or_insert_with(|| {
            self.slots = vec![u32::MAX; self.span];
            id.saturating_sub(i64::from(u16::MAX))
        });
        let offset = usize::try_from(id.checked_sub(first)?).ok()?;
        (offset < self.slots.len()).then_some(offset)
    }
}

/// Keys of the pairs' items, collected batch by batch.
pub(crate) struct PairPass {
    variants: [String; 2],
    /// Each pair's index by its id: integer ids near the first one seen by address
    /// ([`DenseIds`]), other integer ids and text by hash.
    dense: DenseIds,
    ints: HashMap<i64, usize>,
    strs: HashMap<String, usize>,
    /// Pairs seen so far.
    pairs: usize,
    models: usize,
    groupings: usize,
    /// Per side, items seen per pair (saturating).
    items: [Vec<u8>; 2],
    /// Per side, the baseline's truth-and-key offset `__tb` per pair.
    tb: [Vec<i64>; 2],
    /// Per side, the models' keys per pair (`pair · models + j`; −1: the model lacks the item).
    keys: [Vec<i64>; 2],
    /// Side A's level slot per pair and grouping (`pair · groupings + j`; 0: no level).
    levels: Vec<u32>,
}

impl PairPass {
    /// An empty collector for the dataset's pairs (`None` without pairs).
    pub(crate) fn new(data: &Dataset) -> Option<Self> {
        let map = data.pairs.as_ref()?;
        // About two items per pair: text ids get room for them all up front (no rehashing on the
        // way); integer ids, addresses for twice as many (and a margin) past the first one seen.
        let rows = usize::try_from(data.baseline.rows).unwrap_or(0);
        let strs = if map.native { HashMap::new() } else { HashMap::with_capacity(rows / 2) };
        Some(Self {
            variants: map.variants.clone(),
            dense: DenseIds { first: None, slots: Vec::new(), span: rows + (1 << 16) },
            ints: HashMap::new(),
            strs,
            pairs: 0,
            models: data.models.len(),
            groupings: data.groupings.len(),
            items: [Vec::new(), Vec::new()],
            tb: [Vec::new(), Vec::new()],
            keys: [Vec::new(), Vec::new()],
            levels: Vec::new(),
        })
    }

    /// Pairs seen so far.
    fn len(&self) -> usize {
        self.pairs
    }

    /// The next pair's index, with room for it in every per-pair vector.
    fn add_pair(&mut self) -> usize {
        for side in 0..2 {
            self.items[side].push(0);
            self.tb[side].push(0);
            self.keys[side].extend(std::iter::repeat_n(-1, self.models));
        }
        self.levels.extend(std::iter::repeat_n(0, self.groupings));
        self.pairs += 1;
        self.pairs - 1
    }

    /// The index of the pair with integer id `id`, added when first seen.
    fn int_pair(&mut self, id: i64) -> usize {
        if let Some(slot) = self.dense.slot(id) {
            let p = self.dense.slots[slot];
            if p != u32::MAX {
                return p as usize;
            }
            let p = self.add_pair();
            self.dense.slots[slot] = p as u32;
            return p;
        }
        match self.ints.get(&id) {
            Some(&p) => p,
            None => {
                let p = self.add_pair();
                self.ints.insert(id, p);
                p
            }
        }
    }

    /// The index of the pair with text id `id`, added when first seen.
    fn str_pair(&mut self, id: &str) -> usize {
        match self.strs.get(id) {
            Some(&p) => p,
            None => {
                let p = self.add_pair();
                self.strs.insert(id.to_string(), p);
                p
            }
        }
    }

    /// Records one batch: per row its pair and side, the baseline's `tb`, each model's key and
    /// the level slots `codes` (per grouping).
    pub(crate) fn add(
        &mut self,
        df: &DataFrame,
        tb: &[i64],
        keys: &[&[i64]],
        codes: &[Vec<u32>],
    ) -> PolarsResult<()> {
        let pairs = df.column(PAIR)?;
        let variants = df.column(VARIANT)?.str()?;
        // Each row's side: 0 or 1, 2 without a pair variant (few distinct values: compared once).
        let sides: Vec<u8> = variants
            .iter()
            .map(|v| v.and_then(|v| self.variants.iter().position(|x| x == v)).map_or(2, |s| s as u8))
            .collect();
        let mut pair_of = Vec::with_capacity(sides.len());
        if let Ok(ints) = pairs.i64() {
            for (id, &side) in ints.iter().zip(&sides) {
                pair_of.push(id.filter(|_| side < 2).map(|id| self.int_pair(id)));
            }
        } else {
            for (id, &side) in pairs.str()?.iter().zip(&sides) {
                pair_of.push(id.filter(|_| side < 2).map(|id| self.str_pair(id)));
            }
        }
        for (r, (pair, &side)) in pair_of.into_iter().zip(&sides).enumerate() {
            let (Some(p), side) = (pair, usize::from(side)) else { continue };
            self.items[side][p] = self.items[side][p].saturating_add(1);
            self.tb[side][p] = tb[r];
            let models = self.models;
            for (kept, key) in self.keys[side][p * models..(p + 1) * models].iter_mut().zip(keys) {
                *kept = key[r];
            }
            if side == 0 {
                for (j, slots) in codes.iter().enumerate() {
                    self.levels[p * self.groupings + j] = slots[r];
                }
            }
        }
        Ok(())
    }

    /// How the pairs formed, and the joint tables of the complete ones; `side` is the pass's
    /// 3^k, `level_names[j]` grouping j's levels in slot order (slot s is name s − 1).
    pub(crate) fn finish(
        self,
        data: &Dataset,
        side: u64,
        level_names: &[Vec<String>],
    ) -> Result<(PairingCounts, Vec<PairCells>)> {
        let pairs = self.len();
        let [a, b] = &self.items;
        let complete: Vec<usize> = (0..pairs).filter(|&p| a[p] == 1 && b[p] == 1).collect();
        let duplicate = (0..pairs).filter(|&p| a[p] > 1 || b[p] > 1).count() as u64;
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
    /// missing).
    fn codes(&self, complete: &[usize], i: usize, k: usize, side: u64) -> Vec<u8> {
        let weight = 3u64.pow(k as u32);
        let label = |key: i64| if key < 0 { 2 } else { (key as u64 / weight % 3) as u8 };
        let key = |s: usize, p: usize| match i {
            0 => (self.tb[s][p] as u64 / side % side) as i64,
            _ => self.keys[s][p * self.models + i - 1],
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
            complete
                .iter()
                .map(|&p| Some((self.tb[0][p] as u64 / side / side) as u8).filter(|&t| t < 2))
                .collect()
        });
        let mut groupings = Vec::new();
        for (j, spec) in data.groupings.iter().enumerate() {
            let mut names: Vec<String> = Vec::new();
            let mut used: HashMap<u32, u32> = HashMap::new();
            let per_pair = complete
                .iter()
                .map(|&p| {
                    let slot = self.levels[p * self.groupings + j];
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
