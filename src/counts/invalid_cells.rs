//! Where the invalid labels of one (model, metric, slice) fall: each item with an invalid label
//! on one side, by the other side's label, and the items invalid on both sides. Bounds on the
//! estimates under every assignment of the missing labels (Manski 1990) need exactly these.

use serde::{Deserialize, Serialize};

/// The matched items with an invalid label on at least one side, cross-classified by the other
/// side's label. `invalid_baseline = model_one + model_zero + both` and `invalid_model =
/// baseline_one + baseline_zero + both` in the [`super::MetricCounts`] they belong to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidCells {
    /// Baseline label invalid, model label 1.
    pub model_one: u64,
    /// Baseline label invalid, model label 0.
    pub model_zero: u64,
    /// Model label invalid, baseline label 1.
    pub baseline_one: u64,
    /// Model label invalid, baseline label 0.
    pub baseline_zero: u64,
    /// Both labels invalid.
    pub both: u64,
}

impl InvalidCells {
    /// Items whose baseline label is invalid.
    pub fn invalid_baseline(&self) -> u64 {
        self.model_one.saturating_add(self.model_zero).saturating_add(self.both)
    }

    /// Items whose model label is invalid.
    pub fn invalid_model(&self) -> u64 {
        self.baseline_one.saturating_add(self.baseline_zero).saturating_add(self.both)
    }

    /// Items with an invalid label on at least one side.
    pub fn items(&self) -> u64 {
        self.invalid_baseline().saturating_add(self.baseline_one).saturating_add(self.baseline_zero)
    }

    /// Adds `count` items with baseline code `b` and model code `m` (1, 0, or anything else for
    /// invalid); items valid on both sides are not counted here.
    pub(crate) fn add(&mut self, b: u8, m: u8, count: u64) {
        let valid = |x: u8| x <= 1;
        match (valid(b), valid(m)) {
            (true, true) => {}
            (false, true) if m == 1 => self.model_one += count,
            (false, true) => self.model_zero += count,
            (true, false) if b == 1 => self.baseline_one += count,
            (true, false) => self.baseline_zero += count,
            (false, false) => self.both += count,
        }
    }
}

impl InvalidCells {
    /// Every cell times `k` (items to units of 2^-32 item values with `k` = 2^32); `None` when
    /// a cell overflows (a hand-edited counts file).
    pub fn times(self, k: u64) -> Option<Self> {
        Some(Self {
            model_one: self.model_one.checked_mul(k)?,
            model_zero: self.model_zero.checked_mul(k)?,
            baseline_one: self.baseline_one.checked_mul(k)?,
            baseline_zero: self.baseline_zero.checked_mul(k)?,
            both: self.both.checked_mul(k)?,
        })
    }
}

add_fields!(InvalidCells { model_one, model_zero, baseline_one, baseline_zero, both });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_item_lands_in_its_cell_and_the_totals_follow() {
        let mut c = InvalidCells::default();
        for (b, m, n) in [(2, 1, 3), (2, 0, 4), (1, 2, 5), (0, 2, 6), (2, 2, 7), (1, 1, 100), (0, 1, 100)] {
            c.add(b, m, n);
        }
        let want = InvalidCells { model_one: 3, model_zero: 4, baseline_one: 5, baseline_zero: 6, both: 7 };
        assert_eq!(c, want);
        assert_eq!((c.invalid_baseline(), c.invalid_model(), c.items()), (14, 18, 25));
    }
}
