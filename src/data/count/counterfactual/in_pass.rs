//! Counterfactual pairs counted inside the positional pass (the aligned fast path): when only the
//! baseline's file names the pairs, every item of a pair is a row of the pass, which already
//! carries each source's packed label key. Each row's keys are kept under its pair and side
//! ([`PerPair`]), then counted like the query path's. No extra scan or join.

use crate::counts::{PairCells, PairingCounts};
use crate::data::columns::{ITEM_SIDE, PAIR};
use crate::data::count::counterfactual::pair_ids::PairIds;
use crate::data::count::counterfactual::per_pair::PerPair;
use crate::data::input::Dataset;
use crate::error::Result;
use polars::prelude::*;

/// Keys of the pairs' items, collected batch by batch.
pub(crate) struct PairPass {
    ids: PairIds,
    kept: PerPair,
}

impl PairPass {
    /// An empty collector for the dataset's pairs (`None` without pairs).
    pub(crate) fn new(data: &Dataset) -> Option<Self> {
        let map = data.pairs.as_ref()?;
        let rows = usize::try_from(data.baseline.rows).unwrap_or(0);
        // Room for every pair up front (no record copied as it grows): as many as the integer
        // ids' range holds, else one per two rows.
        let span = map.range.map(|(low, high)| i128::from(high) - i128::from(low) + 1);
        let pairs = span.and_then(|s| usize::try_from(s).ok()).unwrap_or(rows / 2).min(rows);
        Some(Self {
            ids: PairIds::for_pairs(map, rows),
            kept: PerPair::new(map.variants.clone(), data.models.len(), data.groupings.len(), pairs),
        })
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
        let sides = df.column(ITEM_SIDE)?.i32()?;
        // One loop, no vector per batch: this runs in the pass's serial sink.
        let placed = |side: Option<i32>| side.filter(|s| (0..2).contains(s)).map(|s| s as usize);
        if let Ok(ints) = pairs.i64() {
            for (r, (id, side)) in ints.iter().zip(sides.iter()).enumerate() {
                let (Some(id), Some(side)) = (id, placed(side)) else { continue };
                let p = self.ids.int(id);
                self.kept.put(p, side, tb[r], |j| keys[j][r], |g| codes[g][r]);
            }
        } else {
            for (r, (id, side)) in pairs.str()?.iter().zip(sides.iter()).enumerate() {
                let (Some(id), Some(side)) = (id, placed(side)) else { continue };
                let p = self.ids.text(id);
                self.kept.put(p, side, tb[r], |j| keys[j][r], |g| codes[g][r]);
            }
        }
        Ok(())
    }

    /// How the pairs formed, and the joint tables of the complete ones ([`PerPair::finish`]).
    pub(crate) fn finish(
        self,
        data: &Dataset,
        side: u64,
        level_names: &[Vec<String>],
    ) -> Result<(PairingCounts, Vec<PairCells>)> {
        self.kept.finish(data, side, level_names)
    }
}
