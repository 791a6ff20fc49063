//! `amplify words`'s document (`amplify.words/1`): which words mark a grouping level in each
//! source's responses, and which a model marks more (or less) than the baseline does.

use super::InputRecord;
use serde::{Deserialize, Serialize};

/// Schema identifier of the words document.
pub const WORDS_SCHEMA: &str = "amplify.words/1";

/// Everything one `amplify words` run found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WordsReport {
    /// Always [`WORDS_SCHEMA`].
    pub schema: String,
    /// Version of amplify that produced it.
    pub amplify_version: String,
    /// What determines the numbers.
    pub settings: WordsSettings,
    /// Input files.
    pub inputs: Vec<InputRecord>,
    /// Responses and tokens per source and level.
    pub corpus: Vec<CorpusRow>,
    /// Distinct words kept (pooled count at least `min_count`).
    pub vocabulary: u64,
    /// Per source and level: the words most marked for the level (z > 0) and for the reference
    /// (z < 0), `top` of each.
    pub marked: Vec<MarkedWord>,
    /// Per model and level: the words whose marking the model amplifies most (z > 0) and
    /// reverses or weakens most (z < 0) relative to the baseline, `top` of each.
    pub amplified: Vec<AmplifiedWord>,
    /// Per model and level: how many of the baseline's most marked words the model marks more
    /// strongly.
    pub summary: Vec<WordsSummary>,
    /// Comparisons not made, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The settings of a words run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WordsSettings {
    /// The baseline source (the human text).
    pub baseline: String,
    /// Each source and the column its text was read from.
    pub responses: Vec<SourceColumn>,
    /// The grouping whose levels are compared.
    pub grouping: String,
    /// The level every other level is compared with.
    pub reference: String,
    /// The tokenisation (see docs/METHODS.md, "Marked words").
    pub tokenizer: String,
    /// The mask removed before tokenising (`--mask`), if any.
    pub mask: Option<String>,
    /// The stop-word file (`--stopwords`), if any.
    pub stopwords: Option<InputRecord>,
    /// Words with a smaller pooled count are left out.
    pub min_count: u64,
    /// The prior α_w = prior_scale × the word's pooled count.
    pub prior_scale: f64,
    /// Words listed per direction (0 = every word).
    pub top: usize,
}

/// A source and the column of its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceColumn {
    /// The source.
    pub source: String,
    /// Its text column.
    pub column: String,
}

/// One source's responses on one level's items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorpusRow {
    /// The source.
    pub source: String,
    /// The level.
    pub level: String,
    /// Baseline items in the level.
    pub items: u64,
    /// Responses with text.
    pub documents: u64,
    /// Responses without text (null).
    pub missing: u64,
    /// Tokens counted (every word, before `min_count`).
    pub tokens: u64,
    /// Tokens of the kept vocabulary: the n of the log-odds.
    pub vocabulary_tokens: u64,
}

/// One word's counts and log-odds in one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WordSide {
    /// Occurrences in the level.
    pub count: u64,
    /// Occurrences in the reference level.
    pub reference_count: u64,
    /// Per 1,000 vocabulary tokens in the level.
    pub per_thousand: Option<f64>,
    /// Per 1,000 vocabulary tokens in the reference level.
    pub reference_per_thousand: Option<f64>,
    /// δ: log-odds ratio, level vs reference (Monroe et al. 2008, eq. 22).
    pub delta: f64,
    /// σ(δ).
    pub se: f64,
    /// δ / σ.
    pub z: f64,
}

/// A word that marks a level (z > 0) or the reference (z < 0) in one source's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkedWord {
    /// The source.
    pub source: String,
    /// The level.
    pub level: String,
    /// Rank within its source, level and direction (1 = largest |z|).
    pub rank: u64,
    /// The word.
    pub word: String,
    /// Its counts and log-odds.
    #[serde(flatten)]
    pub side: WordSide,
}

/// A word's marking in a model's text against the baseline's: δ_model − δ_baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmplifiedWord {
    /// The model.
    pub model: String,
    /// The level.
    pub level: String,
    /// Rank within its model, level and direction (1 = largest |z|).
    pub rank: u64,
    /// The word.
    pub word: String,
    /// δ_model − δ_baseline.
    pub amplification: f64,
    /// √(σ²_model + σ²_baseline).
    pub se: f64,
    /// amplification / se.
    pub z: f64,
    /// The baseline's counts and log-odds.
    pub baseline: WordSide,
    /// The model's.
    #[serde(rename = "model_side")]
    pub model_side: WordSide,
}

/// How a model treats the words the baseline marks most.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WordsSummary {
    /// The model.
    pub model: String,
    /// The level.
    pub level: String,
    /// Words compared (defined in both sources).
    pub words: u64,
    /// The baseline's most marked words considered (largest |z|, at most `top`).
    pub baseline_marked: u64,
    /// Of those, the words the model marks in the same direction.
    pub same_direction: u64,
    /// Of those, the words the model marks in the same direction and more strongly (|δ| larger).
    pub stronger: u64,
    /// stronger / baseline_marked.
    pub share_stronger: Option<f64>,
    /// Words with amplification |z| > 1.96, in either direction.
    pub amplified_words: u64,
}
