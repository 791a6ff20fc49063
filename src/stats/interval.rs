//! A confidence interval as a plain value.

use serde::{Deserialize, Serialize};

/// A two-sided confidence interval `[low, high]`; serialised as a two-element JSON array.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f64; 2]", into = "[f64; 2]")]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Interval {
    /// Builds an interval; callers guarantee `low <= high`.
    pub fn new(low: f64, high: f64) -> Self {
        Self { low, high }
    }

    /// Whether `x` lies inside the closed interval.
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }

    /// The interval scaled by a factor (e.g. 100 for percentage points).
    pub fn scaled(&self, factor: f64) -> Self {
        Self::new(self.low * factor, self.high * factor)
    }
}

impl From<[f64; 2]> for Interval {
    fn from(v: [f64; 2]) -> Self {
        Self::new(v[0], v[1])
    }
}

impl From<Interval> for [f64; 2] {
    fn from(i: Interval) -> Self {
        [i.low, i.high]
    }
}
