//! Builds [`Findings`] from the counts table: estimates, intervals, tests and the multiplicity
//! correction over the run's one family of p-values.

mod build;
mod findings;

pub use build::build_findings;
pub use findings::{Alignment, Comparison, Findings, InputRecord, Overall, Settings, FINDINGS_SCHEMA};
