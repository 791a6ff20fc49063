//! `amplify leakage`'s document (`amplify.leakage/2`): how well a linear attacker reads the
//! items' group level from each source's text, and how much more from a model's than from the
//! baseline's on the same items.

use super::InputRecord;
use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// Schema identifier of the leakage document.
pub const LEAKAGE_SCHEMA: &str = "amplify.leakage/2";

/// Everything one `amplify leakage` run found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeakageReport {
    /// Always [`LEAKAGE_SCHEMA`].
    pub schema: String,
    /// Version of amplify that produced it.
    pub amplify_version: String,
    /// What determines the numbers.
    pub settings: LeakageSettings,
    /// Input files.
    pub inputs: Vec<InputRecord>,
    /// Items compared (a level and a text in every source).
    pub items: u64,
    /// Items with a level left out because a source has no text for them.
    pub incomplete: u64,
    /// Items per level, in level order.
    pub levels: Vec<LevelCount>,
    /// Terms in the TF-IDF space (in at least `min_df` documents).
    pub features: u64,
    /// Per source and measure: the leakage with its interval.
    pub sources: Vec<SourceLeakage>,
    /// Per model and measure: model − baseline on the same items.
    pub amplification: Vec<LeakageAmplification>,
    /// Per source and level: the words whose weight most favours the level.
    pub top_words: Vec<LeakingWord>,
    /// What could not be estimated, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The settings of a leakage run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeakageSettings {
    /// The baseline source.
    pub baseline: String,
    /// Each source and its text column.
    pub responses: Vec<super::SourceColumn>,
    /// The grouping whose level is attacked.
    pub grouping: String,
    /// The tokenisation.
    pub tokenizer: String,
    /// The mask removed before tokenising, if any.
    pub mask: Option<String>,
    /// The stop-word file, if any.
    pub stopwords: Option<InputRecord>,
    /// Terms in fewer documents (all sources pooled) are left out.
    pub min_df: u64,
    /// Cross-fitting folds.
    pub folds: u64,
    /// The attacker's inverse L2 penalty C.
    pub c: f64,
    /// Bootstrap replicates (attackers re-fitted on each).
    pub bootstrap: u64,
    /// Permutation replicates (texts swapped within items, attackers re-fitted).
    pub permutations: u64,
    /// Level of the intervals.
    pub confidence: f64,
    /// Seed of the folds, the bootstrap and the permutations.
    pub seed: u64,
    /// Words listed per source and level.
    pub top: usize,
}

/// Items of one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCount {
    /// The level.
    pub level: String,
    /// Items compared in it.
    pub items: u64,
}

/// One source's leakage by one measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceLeakage {
    /// The source.
    pub source: String,
    /// "balanced_accuracy" or "lic".
    pub measure: String,
    /// The value over the out-of-fold predictions (null when undefined).
    pub value: Option<f64>,
    /// The interval (normal bootstrap, or LIC's influence-function interval).
    pub ci: Option<Interval>,
    /// How `ci` was found: "bootstrap" (attackers re-fitted) or "influence" (delta method).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_method: Option<String>,
    /// The value of an attacker that reads nothing: 1/K, or Σ πₖ² for LIC.
    pub chance: f64,
}

/// A model's leakage minus the baseline's, by one measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeakageAmplification {
    /// The model.
    pub model: String,
    /// "balanced_accuracy" or "lic".
    pub measure: String,
    /// The model's value.
    pub model_value: Option<f64>,
    /// The baseline's value.
    pub baseline_value: Option<f64>,
    /// model − baseline.
    pub difference: Option<f64>,
    /// Interval of the difference (paired normal bootstrap, or LIC's influence-function interval).
    pub ci: Option<Interval>,
    /// How `ci` was found: "bootstrap" or "influence".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_method: Option<String>,
    /// Two-sided p-value of no difference (null when none was computed).
    pub p_value: Option<f64>,
    /// How `p_value` was found: "permutation" or "influence" (the t-test of the influence SE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_method: Option<String>,
}

/// A word the attacker of one source weighs toward one level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeakingWord {
    /// The source.
    pub source: String,
    /// The level the word points to.
    pub level: String,
    /// Rank within source and level (1 = the largest weight).
    pub rank: u64,
    /// The word.
    pub word: String,
    /// Its weight in the attacker fitted on every item (TF-IDF scale; two levels: toward the
    /// second level when positive, the first when negative, listed as the magnitude).
    pub weight: f64,
}
