//! Builds [`Findings`] from the counts table: estimates, intervals, tests and the multiplicity
//! correction over the run's one family of p-values.

mod build;
mod findings;
mod groups;
mod truth;
mod validate;

pub(crate) use validate::problems;

pub use build::build_findings;
pub use findings::{
    Alignment, BiasAmplification, Comparison, Findings, GroupRow, GroupingSummary, InputRecord, LevelSize,
    Overall, ReferenceLevel, Settings, TruthRow, TruthTest, FINDINGS_SCHEMA,
};
