//! Builds [`Findings`] from the counts table: estimates, intervals, tests and the multiplicity
//! correction over the run's one family of p-values; with an audit of the judge, its agreement
//! with gold labels and the judge-error-corrected estimates; the minimum detectable effects.

mod audit;
mod build;
mod corrected;
mod detectable;
mod findings;
mod groups;
mod pairs;
mod planning;
mod ranking;
mod repeats;
mod settings;
mod truth;
mod validate;
mod versus;

pub(crate) use audit::agreement_report;
pub(crate) use planning::power_report;
pub(crate) use validate::problems;

pub use audit::{AgreementReport, AgreementRow, DifferentialError, AGREEMENT_SCHEMA};
pub(crate) use build::add_audit;
pub use build::build_findings;
pub use corrected::{CorrectedGroup, CorrectedRow};
pub use detectable::Detectable;
pub use findings::{
    Alignment, BiasAmplification, Comparison, Findings, GroupRow, GroupingSummary, InputRecord, LevelSize,
    Overall, ReferenceLevel, Settings, TruthRow, TruthTest, FINDINGS_SCHEMA,
};
pub use pairs::{PairRow, PairTest, PairTruthRow, PairingSummary};
pub use planning::{PowerQuestion, PowerReport, PowerRow, POWER_SCHEMA};
pub(crate) use ranking::best_model;
pub use ranking::{RankRow, Ranking};
pub use repeats::{InstabilityRow, RepeatSettings};
pub use versus::{UnpairedRow, Versus};
