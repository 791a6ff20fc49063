//! The findings document: plain serialisable structs, the stable JSON contract
//! (`amplify.findings/4`, documented in docs/FORMATS.md and docs/findings.schema.json).

mod audit;
mod clustering;
mod corrected;
mod counterfactual;
mod data;
mod detectable;
mod heterogeneity;
mod leakage;
mod missing;
mod power;
mod ranking;
mod repeats;
mod settings;
mod verdict_classes;
mod versus;
mod words;

use crate::stats::confusion::{Confusion, ConfusionRates};
use crate::stats::Interval;
pub use audit::{AgreementReport, AgreementRow, DifferentialError, AGREEMENT_SCHEMA};
pub use clustering::{ClusteredRow, Clustering};
pub use corrected::{CorrectedGroup, CorrectedRow};
pub use counterfactual::{PairRow, PairTest, PairTruthRow, PairingSummary};
pub use data::{DataBias, DataGap, DataRate, LevelTest};
pub use detectable::Detectable;
pub use heterogeneity::HeterogeneityRow;
pub use leakage::{
    LeakageAmplification, LeakageReport, LeakageSettings, LeakingWord, LevelCount, SourceLeakage,
    LEAKAGE_SCHEMA,
};
pub use missing::{InvalidLevel, InvalidityTest, MissingGap, MissingLabels, MissingPair, MissingRow};
pub use power::{PowerQuestion, PowerReport, PowerRow, POWER_SCHEMA};
pub use ranking::{RankRow, Ranking};
pub use repeats::{InstabilityRow, RepeatSettings};
use serde::{Deserialize, Serialize};
pub use settings::{ReferenceLevel, Settings};
pub use verdict_classes::{ClassHomogeneity, ClassRate, ClassTable, Movement, VerdictClasses};
pub use versus::{UnpairedRow, Versus};
pub use words::{
    AmplifiedWord, CorpusRow, MarkedWord, SourceColumn, WordSide, WordsReport, WordsSettings, WordsSummary,
    WORDS_SCHEMA,
};

/// Schema identifier of the findings document.
pub const FINDINGS_SCHEMA: &str = "amplify.findings/4";

/// Everything one run found, ready for any exporter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Findings {
    /// Always [`FINDINGS_SCHEMA`].
    pub schema: String,
    /// Version of amplify that produced it.
    pub amplify_version: String,
    /// Settings of the run.
    pub settings: Settings,
    /// Input files.
    pub inputs: Vec<InputRecord>,
    /// The bias already in the data: the baseline alone over all its items (absent in findings
    /// from counts files without the baseline's own rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<DataBias>,
    /// Item alignment per model.
    pub alignment: Vec<Alignment>,
    /// One row per metric × model.
    pub comparisons: Vec<Comparison>,
    /// Overall score per model.
    pub overall: Vec<Overall>,
    /// Each source against the ground truth (with `--truth`).
    #[serde(default)]
    pub truth: Vec<TruthRow>,
    /// Model vs baseline error rates (with `--truth`).
    #[serde(default)]
    pub truth_tests: Vec<TruthTest>,
    /// How each grouping split the items.
    #[serde(default)]
    pub groupings: Vec<GroupingSummary>,
    /// Gap amplification per grouping level, metric and model.
    #[serde(default)]
    pub groups: Vec<GroupRow>,
    /// BiasAmp→ per grouping, metric and model.
    #[serde(default)]
    pub bias_amplification: Vec<BiasAmplification>,
    /// How the minimum detectable effects (`mde` fields) were computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detectable: Option<Detectable>,
    /// The judge against gold labels, per metric and source (`--audit`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agreement: Vec<AgreementRow>,
    /// Whether the judge errs differently on two sources' texts (`--audit`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differential: Vec<DifferentialError>,
    /// Judge-error-corrected rates and differences (`--audit`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrected: Vec<CorrectedRow>,
    /// Judge-error-corrected group amplification (`--audit` with groupings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrected_groups: Vec<CorrectedGroup>,
    /// How the items formed counterfactual pairs (`--pair`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairing: Option<PairingSummary>,
    /// Each source's pair measures per metric (and group level of side A) (`--pair`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<PairRow>,
    /// Each model against the baseline and the first model on the same pairs (`--pair`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pair_tests: Vec<PairTest>,
    /// Verdicts on pairs whose side A the truth finds not at fault (`--pair` with `--truth`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pair_truth: Vec<PairTruthRow>,
    /// How unstable each source is across its repeated samples or annotators.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instability: Vec<InstabilityRow>,
    /// Every model against a base model (`--versus BASE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versus: Option<Versus>,
    /// The models ranked by one measure (`--rank-by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranking: Option<Ranking>,
    /// How much the amplification differs between the levels of a grouping with 8 or more
    /// levels, per measure, metric and model (the basis of `GroupRow::shrunken`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heterogeneity: Vec<HeterogeneityRow>,
    /// The verdict classes in full (`--verdict-classes`); its tests are a family of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict_classes: Option<VerdictClasses>,
    /// Cluster-robust inference of the comparisons (`--cluster`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clustering: Option<Clustering>,
    /// Bounds for missing labels, when a comparison has more than 5% of its items invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<MissingLabels>,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRecord {
    /// "baseline", "model" or "counts".
    pub role: String,
    /// Source name.
    pub name: String,
    /// Path as given; `<DataFrame NAME>` for a DataFrame passed from Python.
    pub path: String,
    /// Rows of this source.
    pub rows: u64,
    /// Hex SHA-256 of the file.
    pub sha256: String,
}

/// Item alignment of one model with the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alignment {
    /// Model name.
    pub model: String,
    /// Items in both.
    pub matched: u64,
    /// Items only in the baseline.
    pub baseline_only: u64,
    /// Items only in the model.
    pub model_only: u64,
}

/// Model versus baseline on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Metric name.
    pub metric: String,
    /// Model name.
    pub model: String,
    /// Items valid on both sides.
    pub n: u64,
    /// Baseline rate (null when n = 0).
    pub baseline_rate: Option<f64>,
    /// Wilson interval of the baseline rate.
    pub baseline_ci: Option<Interval>,
    /// Model rate.
    pub model_rate: Option<f64>,
    /// Wilson interval of the model rate.
    pub model_ci: Option<Interval>,
    /// model_rate − baseline_rate.
    pub difference: Option<f64>,
    /// Tango score interval of the difference.
    pub difference_ci: Option<Interval>,
    /// Items where both show the behaviour.
    pub both: u64,
    /// Items where only the model shows it.
    pub model_only: u64,
    /// Items where only the baseline shows it.
    pub baseline_only: u64,
    /// Items where neither shows it.
    pub neither: u64,
    /// McNemar p-value (exact or mid-p).
    pub p_value: Option<f64>,
    /// p-value adjusted over the run's family.
    pub p_adjusted: Option<f64>,
    /// Cohen's h.
    pub cohens_h: Option<f64>,
    /// model_rate / baseline_rate (null when baseline_rate is 0).
    pub ratio: Option<f64>,
    /// Matched items with an invalid baseline label.
    pub invalid_baseline: u64,
    /// Matched items with an invalid model label.
    pub invalid_model: u64,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
    /// Why estimates are missing, when they are.
    pub note: Option<String>,
    /// Smallest |Δ| detectable with 80% power at the run's per-test α (see `detectable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mde: Option<f64>,
    /// How the row was estimated when not by the exact 2×2 methods (repeated samples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

/// Overall (face-preservation) score of one model: item score = mean of its metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overall {
    /// How the interval and test were computed when not by the paired t (`--cluster`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Model name.
    pub model: String,
    /// Items valid on both sides for every metric.
    pub n: u64,
    /// Mean baseline item score.
    pub baseline_score: Option<f64>,
    /// Mean model item score.
    pub model_score: Option<f64>,
    /// model_score − baseline_score.
    pub difference: Option<f64>,
    /// Paired t interval of the difference.
    pub difference_ci: Option<Interval>,
    /// Paired t-test p-value.
    pub p_value: Option<f64>,
    /// p-value adjusted over the run's family.
    pub p_adjusted: Option<f64>,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
}

/// One source's labels of one metric against the ground truth ("at fault" = positive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthRow {
    /// Source (baseline or model) name.
    pub source: String,
    /// Metric judged.
    pub metric: String,
    /// Items with a valid label and a valid truth.
    pub n: u64,
    /// The label × truth table: tp, fp, tn and fn (flattened into the row in JSON).
    #[serde(flatten)]
    pub counts: Confusion,
    /// Precision, recall, F1, accuracy, FPR and FNR with Wilson intervals (flattened).
    #[serde(flatten)]
    pub rates: ConfusionRates,
    /// Items with an invalid truth value.
    pub invalid_truth: u64,
    /// Items with an invalid label.
    pub invalid_label: u64,
    /// How the row was estimated when not from a 2×2 table (repeated samples: FNR and FPR are
    /// item-level means with t intervals, recall is 1 − FNR; the cells are 0 and precision and F1
    /// are null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

/// A model's error rate against the baseline's on the same items (exact McNemar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthTest {
    /// Metric judged.
    pub metric: String,
    /// Model name.
    pub model: String,
    /// "fnr" (on truth-positive items) or "fpr" (on truth-negative items).
    pub rate: String,
    /// Items with a valid truth of that value and valid labels on both sides.
    pub n: u64,
    /// The baseline's rate.
    pub baseline_rate: Option<f64>,
    /// The model's rate.
    pub model_rate: Option<f64>,
    /// model_rate − baseline_rate.
    pub difference: Option<f64>,
    /// Tango score interval of the difference.
    pub difference_ci: Option<Interval>,
    /// McNemar p-value.
    pub p_value: Option<f64>,
    /// p-value adjusted over the run's family.
    pub p_adjusted: Option<f64>,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
    /// Smallest |Δ| detectable with 80% power at the run's per-test α.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mde: Option<f64>,
    /// How the row was estimated when not by the exact 2×2 methods (repeated samples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

/// How a grouping split the items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupingSummary {
    /// Grouping name.
    pub group_by: String,
    /// The reference level.
    pub reference: String,
    /// Levels with their size (most items valid on both sides over models and metrics).
    pub levels: Vec<LevelSize>,
    /// Items in no level.
    pub unassigned: u64,
    /// Items matching several derived levels.
    pub ambiguous: u64,
}

/// A level and its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelSize {
    /// Level name.
    pub level: String,
    /// Items.
    pub n: u64,
}

/// Amplification of one level's gap to the reference, for one metric and model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRow {
    /// Grouping name.
    pub group_by: String,
    /// Level.
    pub level: String,
    /// Reference level.
    pub reference: String,
    /// "rate" (the behaviour), "fnr" or "fpr" (error rates against the truth).
    pub measure: String,
    /// Metric.
    pub metric: String,
    /// Model.
    pub model: String,
    /// Items of this level valid on both sides.
    pub n: u64,
    /// Items of the reference level valid on both sides.
    pub n_reference: u64,
    /// Baseline rate in this level.
    pub baseline_rate: Option<f64>,
    /// Model rate in this level.
    pub model_rate: Option<f64>,
    /// baseline_rate(level) − baseline_rate(reference): the dataset's own gap.
    pub baseline_gap: Option<f64>,
    /// model_rate(level) − model_rate(reference).
    pub model_gap: Option<f64>,
    /// model_gap − baseline_gap.
    pub amplification: Option<f64>,
    /// Welch t interval of the amplification.
    pub amplification_ci: Option<Interval>,
    /// model_gap / baseline_gap (null when baseline_gap is 0).
    pub relative: Option<f64>,
    /// "amplifies", "attenuates", "reverses", "creates", "removes", "unchanged", "reference", or
    /// "unknown" (a gap without a rate on one side).
    pub direction: String,
    /// Welch t-test p-value (null for the reference and for levels below --min-group).
    pub p_value: Option<f64>,
    /// p-value adjusted over the run's family.
    pub p_adjusted: Option<f64>,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
    /// Why the row is not tested, when it is not.
    pub note: Option<String>,
    /// Standard error of the amplification (Welch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amplification_se: Option<f64>,
    /// Smallest |amplification| detectable with 80% power at the run's per-test α.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mde: Option<f64>,
    /// The amplification shrunk toward the mean of the grouping's levels (empirical Bayes), when
    /// the grouping has at least 8 levels with a standard error (see `heterogeneity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrunken: Option<f64>,
    /// Its normal posterior interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrunken_ci: Option<Interval>,
    /// The amplification on the odds scale: the level's odds ratio to the reference in the model
    /// over the same in the baseline (1 = none); from 2×2 counts, absent when a rate is 0 or 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ror: Option<f64>,
    /// Its Wald interval on the log scale (paired delta-method variance), exponentiated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ror_ci: Option<Interval>,
    /// The z test of ROR = 1 (descriptive: not in the run's family, whose test is Welch's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ror_p_value: Option<f64>,
}

/// BiasAmp→ of one grouping, metric and model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BiasAmplification {
    /// Grouping name.
    pub group_by: String,
    /// Metric.
    pub metric: String,
    /// Model.
    pub model: String,
    /// BiasAmp→ (positive = amplification).
    pub value: Option<f64>,
    /// Seeded percentile bootstrap interval.
    pub ci: Option<Interval>,
    /// How the interval was drawn when not by resampling items (`--cluster`: clusters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}
