//! The settings a run's findings record: everything that determines the numbers, and the
//! `--reference GROUPING=LEVEL` values.

use super::repeats::RepeatSettings;
use crate::data::Layout;
use crate::stats::binomial::McNemarVariant;
use crate::stats::marginal_homogeneity::HomogeneityTest;
use crate::stats::multiplicity::Correction;
use crate::stats::Confidence;
use serde::{Deserialize, Serialize};

/// Settings that determine the numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Confidence level of every interval.
    pub confidence: Confidence,
    /// Multiplicity correction.
    pub correction: Correction,
    /// McNemar variant.
    pub test: McNemarVariant,
    /// Seed of every random step (none in `compare` yet; recorded for reproducibility).
    pub seed: u64,
    /// Name of the baseline source.
    pub baseline: String,
    /// Compared metrics, in order.
    pub metrics: Vec<String>,
    /// Metrics whose polarity was flipped.
    pub inverted: Vec<String>,
    /// Input layout.
    pub layout: Layout,
    /// Id column (`None` when reading counts).
    pub id_column: Option<String>,
    /// Ground-truth column, if any.
    #[serde(default)]
    pub truth: Option<String>,
    /// Levels with fewer items are not tested.
    #[serde(default)]
    pub min_group: u64,
    /// Bootstrap replicates for BiasAmp→.
    #[serde(default)]
    pub bootstrap: u32,
    /// Requested reference levels (GROUPING=LEVEL).
    #[serde(default)]
    pub reference: Vec<ReferenceLevel>,
    /// Compared metrics that enter the overall score inverted (1 − label): those judged against
    /// the ground truth, where 1 = at fault, so that 1 means face-preserving throughout.
    #[serde(default)]
    pub score_inverted: Vec<String>,
    /// Metrics read as verdicts (`--verdict`; 1 = at fault).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verdicts: Vec<String>,
    /// The verdict classes compared (`--verdict-classes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict_classes: Option<Vec<String>>,
    /// The marginal-homogeneity test of the verdict classes.
    #[serde(default, skip_serializing_if = "is_default_test")]
    pub homogeneity_test: HomogeneityTest,
    /// The pair and variant columns (`--pair`, `--variant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair_columns: Option<[String; 2]>,
    /// How repeated samples or annotators were read, if the run had them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeats: Option<RepeatSettings>,
    /// The base model every other model is compared with (`--versus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versus: Option<String>,
    /// Whether only the comparisons with the base model were made (`--versus-only`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub versus_only: bool,
    /// The measure models are ranked by (`--rank-by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank_by: Option<String>,
    /// How Inspect's partial scores were counted (`--partial 0|1`; absent: invalid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<u8>,
    /// The column the items are clustered by (`--cluster`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

impl Settings {
    /// The command line's default statistics settings (95% intervals, Holm, exact McNemar, seed
    /// 42, levels under 30 items untested, 2,000 bootstrap replicates) for a run that compares
    /// `metrics` read in `layout` against `baseline`.
    pub fn new(baseline: &str, metrics: Vec<String>, layout: Layout) -> Self {
        Self {
            confidence: Confidence::default(),
            correction: Correction::Holm,
            test: McNemarVariant::Exact,
            seed: 42,
            baseline: baseline.to_string(),
            metrics,
            inverted: Vec::new(),
            layout,
            id_column: None,
            truth: None,
            min_group: 30,
            bootstrap: 2000,
            reference: Vec::new(),
            score_inverted: Vec::new(),
            verdicts: Vec::new(),
            verdict_classes: None,
            homogeneity_test: HomogeneityTest::StuartMaxwell,
            pair_columns: None,
            repeats: None,
            versus: None,
            versus_only: false,
            rank_by: None,
            partial: None,
            cluster: None,
        }
    }
}

fn is_default_test(t: &HomogeneityTest) -> bool {
    *t == HomogeneityTest::StuartMaxwell
}

/// A requested reference level, `--reference GROUPING=LEVEL`; written as that string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReferenceLevel {
    /// The grouping's name.
    pub grouping: String,
    /// The level used as the reference.
    pub level: String,
}

impl std::str::FromStr for ReferenceLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('=') {
            Some((g, l)) if !g.is_empty() && !l.is_empty() => {
                Ok(Self { grouping: g.to_string(), level: l.to_string() })
            }
            _ => Err(format!("'{s}' is not GROUPING=LEVEL")),
        }
    }
}

impl TryFrom<String> for ReferenceLevel {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<ReferenceLevel> for String {
    fn from(r: ReferenceLevel) -> String {
        format!("{}={}", r.grouping, r.level)
    }
}
