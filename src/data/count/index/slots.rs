//! The baseline by slot: what the baseline's pass leaves for the model passes to count into.

use crate::data::count::counterfactual::by_slot::SlotPlaces;
use crate::data::count::index::id_index::IdIndex;

/// The baseline by slot: the index and, per slot, a record of `width` values: `__tb` (−1: no
/// item) then each grouping's level code (one record per slot, so that a model row found costs
/// one memory access).
pub(crate) struct Slots {
    pub index: IdIndex,
    pub width: usize,
    pub records: Vec<i64>,
    /// Each slot's place in a counterfactual pair, when the run has pairs (`--pair`).
    pub places: Option<SlotPlaces>,
}

impl Slots {
    /// How many slots there are.
    pub(crate) fn len(&self) -> usize {
        self.records.len() / self.width
    }
}
