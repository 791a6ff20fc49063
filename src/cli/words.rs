//! `amplify words`'s arguments: the response texts, the grouping and the tokenisation (shared with
//! `amplify leakage`: [`TextArgs`]), the prior and the outputs.

use crate::data::input::texts::ResponseColumn;
use crate::data::input::DeriveSpec;
use crate::output::Format;
use clap::Args;
use std::path::PathBuf;

/// The texts, their grouping and their tokens: what `words` and `leakage` read.
#[derive(Debug, Clone, Args)]
pub(crate) struct TextArgs {
    /// Baseline file (the human text), then model files (Parquet or CSV, or folders of them);
    /// name a source with NAME=PATH. One file alone is read as the wide layout (name each
    /// source's text column with --response SOURCE=COL), or the long one with --source-column.
    #[arg(value_name = "FILE", required = true)]
    pub inputs: Vec<String>,
    /// Item id column [default: id, or a pandas index column].
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// Source column of a long file (a row per item and source; one input).
    #[arg(long, value_name = "COL")]
    pub source_column: Option<String>,
    /// Name of the baseline source.
    #[arg(long, value_name = "NAME", default_value = "human")]
    pub baseline_name: String,
    /// The column of the response text: COL for every source, SOURCE=COL for one source
    /// (repeatable; e.g. human=top_comment) [default: response].
    #[arg(long, value_name = "[SOURCE=]COL")]
    pub response: Vec<ResponseColumn>,
    /// Group the items by a categorical column of the baseline file (one grouping).
    #[arg(long, value_name = "COL", help_heading = "Groups")]
    pub group: Vec<String>,
    /// Derive the grouping from the baseline's text column by case-insensitive regex
    /// (repeatable, one NAME), e.g. 'partner=female:\b(wife|girlfriend)\b'.
    #[arg(long, value_name = "NAME=LEVEL:REGEX", help_heading = "Groups")]
    pub derive: Vec<DeriveSpec>,
    /// Text column for --derive [default: prompt].
    #[arg(long, value_name = "COL", help_heading = "Groups")]
    pub text: Option<String>,
    /// Remove what this case-insensitive regex matches from every text before it is split, e.g.
    /// the words that define the groups: '\b(wife|girlfriend|husband|boyfriend)\b'.
    #[arg(long, value_name = "REGEX", help_heading = "Words")]
    pub mask: Option<String>,
    /// Leave out the words of this file (UTF-8, one word per line, # for comments).
    #[arg(long, value_name = "FILE", help_heading = "Words")]
    pub stopwords: Option<PathBuf>,
}

/// `amplify words`.
#[derive(Debug, Clone, Args)]
pub(crate) struct WordsArgs {
    /// The texts.
    #[command(flatten)]
    pub texts: TextArgs,
    /// The level every other level is compared with [default: the level with the most items].
    #[arg(long, value_name = "LEVEL", help_heading = "Groups")]
    pub reference: Option<String>,
    /// Keep the words that occur at least N times over all texts pooled.
    #[arg(long, value_name = "N", default_value_t = 10, help_heading = "Words",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub min_count: u64,
    /// Multiply the prior (each word's pooled count) by S > 0; the pooled prior shrinks z
    /// (conservative), a small S such as 0.01 brings z closer to N(0, 1) under no difference.
    #[arg(long, value_name = "S", default_value_t = 1.0, help_heading = "Words")]
    pub prior_scale: f64,
    /// Words listed per source, level and direction (0 = every word).
    #[arg(long, value_name = "N", default_value_t = 10, help_heading = "Words")]
    pub top: usize,
    /// Output format (csv: the amplified words, one row each).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to FILE instead of stdout (replaced atomically; never an input).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the chart of the amplified words (PNG and SVG) into DIR.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
    /// Also write a report folder: HTML (tables and charts), words.json, the amplified words as
    /// CSV and Parquet, the charts.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
}
