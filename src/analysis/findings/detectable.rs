//! Minimum detectable effects: for every tested comparison, the smallest true effect the run had
//! 80% power to detect ("with these n you could have detected ±X pp"). The run's multiplicity
//! correction is approximated by its Bonferroni bound: each test at α/m for m tests in the family
//! (conservative for Holm and Benjamini–Hochberg).

use serde::{Deserialize, Serialize};

/// How the minimum detectable effects were computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Detectable {
    /// Power of each test (0.8).
    pub power: f64,
    /// Per-test α: the run's α over the number of tests (Bonferroni bound of its correction).
    pub alpha: f64,
    /// Tests in the run's family.
    pub tests: u64,
}
