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
use polars::prelude::*;
use std::collections::HashMap;

/// Keys of the pairs' items, collected batch by batch.
pub(crate) struct PairPass {
    variants: [String; 2],
    index: HashMap<String, usize>,
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
        Some(Self {
            variants: map.variants.clone(),
            index: HashMap::new(),
            models: data.models.len(),
            groupings: data.groupings.len(),
            items: [Vec::new(), Vec::new()],
            tb: [Vec::new(), Vec::new()],
            keys: [Vec::new(), Vec::new()],
            levels: Vec::new(),
        })
    }

    /// The pair's index, added when first seen.
    fn pair(&mut self, name: &str) -> usize {
        if let Some(&p) = self.index.get(name) {
            return p;
        }
        let p = self.index.len();
        self.index.insert(name.to_string(), p);
        for side in 0..2 {
            self.items[side].push(0);
            self.tb[side].push(0);
            self.keys[side].extend(std::iter::repeat_n(-1, self.models));
        }
        self.levels.extend(std::iter::repeat_n(0, self.groupings));
        p
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
        let pairs = df.column(PAIR)?.str()?;
        let variants = df.column(VARIANT)?.str()?;
        for (r, (pair, variant)) in pairs.iter().zip(variants.iter()).enumerate() {
            let (Some(pair), Some(variant)) = (pair, variant) else { continue };
            let Some(side) = self.variants.iter().position(|v| v == variant) else { continue };
            let p = self.pair(pair);
            self.items[side][p] = self.items[side][p].saturating_add(1);
            self.tb[side][p] = tb[r];
            for (j, key) in keys.iter().enumerate() {
                self.keys[side][p * self.models + j] = key[r];
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
        let pairs = self.index.len();
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
            Ok(source.present[k].then(|| complete.iter().map(|&p| self.code(p, i, k, side)).collect()))
        })?;
        Ok((pairing, tables))
    }

    /// Source i's code for metric k on pair p: label A + 3 · label B (2 = missing).
    fn code(&self, p: usize, i: usize, k: usize, side: u64) -> u8 {
        let label = |s: usize| {
            let key = match i {
                0 => (self.tb[s][p] as u64 / side % side) as i64,
                _ => self.keys[s][p * self.models + i - 1],
            };
            if key < 0 {
                2
            } else {
                (key as u64 / 3u64.pow(k as u32) % 3) as u8
            }
        };
        label(0) + 3 * label(1)
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
