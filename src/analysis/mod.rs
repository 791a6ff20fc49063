//! From the counts table to [`Findings`]: the findings document itself (plain serialisable
//! data, [`findings`]), the code that computes it ([`build`]: estimates, intervals, tests and the
//! multiplicity correction over the run's one family of p-values; the judge audit and the
//! judge-error-corrected estimates; the minimum detectable effects; power), and the checks of a
//! findings document read back from a file ([`validate`]). `build` imports `findings`, never
//! the reverse.

pub(crate) mod build;
pub mod findings;
mod validate;

pub(crate) use build::{add_audit, agreement_report, best_model, power_report};
pub(crate) use validate::problems;

pub use build::{build_findings, build_leakage, build_words};
pub use findings::{
    AgreementReport, AgreementRow, Alignment, BiasAmplification, Comparison, CorrectedGroup, CorrectedRow,
    DataBias, DataGap, DataRate, Detectable, DifferentialError, Findings, GroupRow, GroupingSummary,
    HeterogeneityRow, InputRecord, InstabilityRow, LevelSize, LevelTest, Overall, PairRow, PairTest,
    PairTruthRow, PairingSummary, PowerQuestion, PowerReport, PowerRow, RankRow, Ranking, ReferenceLevel,
    RepeatSettings, Settings, TruthRow, TruthTest, UnpairedRow, Versus, AGREEMENT_SCHEMA, FINDINGS_SCHEMA,
    POWER_SCHEMA,
};
pub use findings::{
    AmplifiedWord, CorpusRow, MarkedWord, SourceColumn, WordSide, WordsReport, WordsSettings, WordsSummary,
    WORDS_SCHEMA,
};
pub use findings::{
    LeakageAmplification, LeakageReport, LeakageSettings, LeakingWord, LevelCount, SourceLeakage,
    LEAKAGE_SCHEMA,
};
