//! The argument groups several subcommands share: where the labels come from and how to read
//! them, how estimates and tests are computed, an audit of the judge; and their choice enums.

// clap shows these doc comments as --help text, where `<placeholders>` are meant literally.
#![allow(rustdoc::invalid_html_tags)]

use crate::analysis::ReferenceLevel;
use crate::data::input::{ColumnMap, DeriveSpec, VerdictMap};
use crate::stats::Confidence;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Where the labels come from and how to read them.
#[derive(Debug, Clone, Args)]
pub(crate) struct InputArgs {
    /// Baseline file, then model files (Parquet or CSV); name a model with NAME=PATH. One file
    /// alone is read as the wide layout (<metric>_<source> columns).
    #[arg(value_name = "FILE")]
    pub inputs: Vec<String>,
    /// Item id column [default: id, or a pandas index column `Unnamed: 0` / unnamed first column].
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// Source column of a long file (one row per item and source).
    #[arg(long, value_name = "COL")]
    pub source_column: Option<String>,
    /// Name of the baseline source (wide suffix, long source value, tidy name).
    #[arg(long, value_name = "NAME", default_value = "human")]
    pub baseline_name: String,
    /// Metrics to compare, comma-separated [default: every shared column of 0/1 labels].
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    pub metrics: Option<Vec<String>>,
    /// Metrics whose polarity is flipped (1 ↔ 0), comma-separated or repeated.
    #[arg(long, value_name = "METRIC", value_delimiter = ',')]
    pub invert: Vec<String>,
    /// Read SOURCE's METRIC from COLUMN (repeatable), e.g. gpt4o.verdict=gpt_response; in a wide
    /// file this can add a model source. Several columns (gpt4.verdict=gpt4_label_1,gpt4_label_2)
    /// are samples of the source (item-level inference, as --repeated).
    #[arg(long = "map", value_name = "SOURCE.METRIC=COLUMN[,COLUMN...]")]
    pub maps: Vec<ColumnMap>,
    /// How an Inspect log's partial score (P) is read: labels are binary, so it is invalid
    /// (counted, excluded) unless counted as 0 or as 1; running both gives the range.
    #[arg(long, value_enum, value_name = "invalid|0|1", default_value_t = PartialArg::Invalid)]
    pub partial: PartialArg,
    /// Ground-truth column of the baseline file (1 = at fault; verdicts YTA/ESH = 1, NTA/NAH = 0).
    #[arg(long, value_name = "COL", help_heading = "Ground truth")]
    pub truth: Option<String>,
    /// Metrics holding verdict strings (YTA/NTA/ESH/NAH), normalised like the truth.
    #[arg(long, value_name = "METRIC", value_delimiter = ',', help_heading = "Ground truth")]
    pub verdict: Vec<String>,
    /// Verdict mapping, replacing the default YTA=1,ESH=1,NTA=0,NAH=0 (unlisted tokens are invalid).
    #[arg(long, value_name = "TOKEN=1|0,...", help_heading = "Ground truth")]
    pub verdict_map: Option<VerdictMap>,
    /// Also compare the verdict classes themselves, not only at fault / not: per --verdict metric
    /// the baseline's class × each model's, class rates, Stuart–Maxwell test, softening,
    /// both-blame, abstention. Optionally the classes, as --verdict-classes=YTA,NTA,...
    /// [default: YTA,NTA,ESH,NAH,INFO; with --verdict-map its tokens and INFO].
    #[arg(long, value_name = "CLASS,...", num_args = 0..=1, require_equals = true,
          default_missing_value = "", value_delimiter = ',', help_heading = "Ground truth")]
    pub verdict_classes: Option<Vec<String>>,
    /// Metrics judged against the truth [default: metrics named like moral_endorsement or verdict].
    #[arg(long, value_name = "METRIC,...", value_delimiter = ',', help_heading = "Ground truth")]
    pub against_truth: Option<Vec<String>>,
    /// Group the items by a categorical column of the baseline file (repeatable).
    #[arg(long, value_name = "COL", help_heading = "Groups")]
    pub group: Vec<String>,
    /// Derive a grouping from the text column by case-insensitive regex (repeatable; one NAME per
    /// grouping), e.g. 'partner=female:\b(wife|girlfriend)\b'.
    #[arg(long, value_name = "NAME=LEVEL:REGEX", help_heading = "Groups")]
    pub derive: Vec<DeriveSpec>,
    /// Text column for --derive [default: prompt].
    #[arg(long, value_name = "COL", help_heading = "Groups")]
    pub text: Option<String>,
    /// Also analyse the cross product of all groupings (intersectional groups).
    #[arg(long, help_heading = "Groups")]
    pub intersect: bool,
    /// Most levels a grouping may have.
    #[arg(long, value_name = "N", default_value_t = 1000, help_heading = "Groups")]
    pub max_levels: usize,
    /// Column naming each item's counterfactual pair (two items that differ in one thing, e.g. the
    /// same story told from the other side); needs --variant.
    #[arg(long, value_name = "COL", requires = "variant", help_heading = "Counterfactual pairs")]
    pub pair: Option<String>,
    /// Column naming each item's side of its pair (exactly two levels, e.g. original/flipped).
    #[arg(long, value_name = "COL", requires = "pair", help_heading = "Counterfactual pairs")]
    pub variant: Option<String>,
    /// The two variants in order, the reference side A first [default: order of first appearance].
    #[arg(
        long,
        value_name = "A,B",
        value_delimiter = ',',
        requires = "pair",
        help_heading = "Counterfactual pairs"
    )]
    pub variants: Option<Vec<String>>,
    /// Models' sample column (seed, epoch, run): model files may hold several rows per item,
    /// ordered by it. The unit of inference becomes the item (see --aggregate).
    #[arg(long, value_name = "COL", help_heading = "Repeated samples")]
    pub sample: Option<String>,
    /// Baseline's annotator column: the baseline may hold several rows (annotators) per item.
    #[arg(long, value_name = "COL", help_heading = "Repeated samples")]
    pub annotator: Option<String>,
    /// Every source may hold several rows per item, in file order (no sample column).
    #[arg(long, help_heading = "Repeated samples")]
    pub repeated: bool,
    /// How an item's valid samples become its value: mean (share of 1s), majority (ties are
    /// invalid) or first.
    #[arg(long, value_enum, default_value_t = AggregateArg::Mean, help_heading = "Repeated samples")]
    pub aggregate: AggregateArg,
    /// Compare every other model with this one (a base model; the others are conditions such as a
    /// system prompt or a fine-tune), on the same items, besides the comparison with the baseline.
    #[arg(long, value_name = "MODEL", help_heading = "Conditions")]
    pub versus: Option<String>,
    /// Only the comparisons with the --versus model (the baseline still gives truth and groups).
    #[arg(long, requires = "versus", help_heading = "Conditions")]
    pub versus_only: bool,
    /// Rank the models by a compared metric, fnr, fpr, balanced-error ((FNR + FPR) / 2), youden
    /// (1 − FNR − FPR, higher is better) or overall (lower is better) and test each against the best.
    #[arg(long, value_name = "MEASURE", help_heading = "Conditions")]
    pub rank_by: Option<String>,
    /// Items are clustered by this baseline column (author, scenario, source): the comparisons',
    /// error-rate tests', gap amplification's and pair tests' intervals and tests become
    /// cluster-robust (CR1, t with clusters − 1 df; a wild cluster bootstrap p-value below 20
    /// clusters), with repeated samples and against --versus BASE too. Items without a value are
    /// clusters of their own; a pair belongs to its side A item's cluster.
    #[arg(long, value_name = "COL", help_heading = "Clustered items")]
    pub cluster: Option<String>,
    /// How rows are paired for counting (for diagnosis and tests; every choice gives the same
    /// counts): by position when the sources line up, else a join, else a group-by.
    #[arg(long, value_enum, default_value_t = PairingArg::Auto, hide = true)]
    pub pairing: PairingArg,
    /// polars engine of the full-data queries (for diagnosis).
    #[arg(long, value_enum, default_value_t = EngineArg::Streaming, hide = true)]
    pub engine: EngineArg,
}

/// How estimates and tests are computed.
#[derive(Debug, Clone, Args)]
pub(crate) struct StatsArgs {
    /// Confidence level of every interval, in (0, 1), at most 0.9999.
    #[arg(long, default_value = "0.95")]
    pub confidence: Confidence,
    /// Multiplicity correction over all p-values of the run.
    #[arg(long, value_enum, default_value_t = CorrectionArg::Holm)]
    pub correction: CorrectionArg,
    /// McNemar test variant.
    #[arg(long, value_enum, default_value_t = TestArg::Exact)]
    pub test: TestArg,
    /// The marginal-homogeneity test of --verdict-classes.
    #[arg(long, value_enum, default_value_t = HomogeneityArg::StuartMaxwell, help_heading = "Ground truth")]
    pub homogeneity_test: HomogeneityArg,
    /// Seed for random steps (recorded in the output).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Reference level of a grouping, as GROUPING=LEVEL (repeatable) [default: the largest level].
    #[arg(long, value_name = "GROUPING=LEVEL", help_heading = "Groups")]
    pub reference: Vec<ReferenceLevel>,
    /// Levels with fewer items are reported but not tested.
    #[arg(long, value_name = "N", default_value_t = 30, help_heading = "Groups")]
    pub min_group: u64,
    /// Bootstrap replicates of the BiasAmp→ interval (at most 100,000).
    #[arg(long, value_name = "N", default_value_t = 2000, help_heading = "Groups",
          value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub bootstrap: u32,
}

/// An audit of the judge behind the compared labels.
#[derive(Debug, Clone, Args)]
pub(crate) struct AuditArgs {
    /// Gold labels from people for a random subset of the judged items: the id column, one column
    /// per metric, and a source column naming which compared source each row audits. Adds the
    /// judge's agreement, differential-error tests and judge-corrected estimates.
    #[arg(long, value_name = "FILE", help_heading = "Judge audit")]
    pub audit: Option<PathBuf>,
    /// Column of the audit file naming the audited source (the baseline's or a model's name).
    #[arg(long, value_name = "COL", default_value = "source", help_heading = "Judge audit")]
    pub audit_source: String,
}

/// `--correction` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CorrectionArg {
    /// Holm step-down (family-wise error rate).
    Holm,
    /// Benjamini–Hochberg (false discovery rate).
    Bh,
    /// No correction.
    None,
}

/// `--test` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TestArg {
    /// Exact conditional McNemar test.
    Exact,
    /// Mid-p McNemar test.
    MidP,
}

/// `--homogeneity-test` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum HomogeneityArg {
    /// Stuart–Maxwell (covariance under the null).
    StuartMaxwell,
    /// Bhapkar (unrestricted covariance).
    Bhapkar,
}

/// `--partial` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PartialArg {
    /// Invalid: counted as invalid labels, excluded from the comparisons.
    Invalid,
    /// Counted as 0 (incorrect).
    #[value(name = "0")]
    Zero,
    /// Counted as 1 (correct).
    #[value(name = "1")]
    One,
}

/// `--aggregate` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AggregateArg {
    /// The share of valid samples that are 1: a value in [0, 1] per item.
    Mean,
    /// 1 or 0 by majority of the valid samples; a tie is invalid.
    Majority,
    /// The first valid sample (by the sample column, else file order).
    First,
}

/// `--pairing` values (hidden).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PairingArg {
    /// Position, else join, else group-by.
    Auto,
    /// Only by position (an error when the sources do not line up).
    Position,
    /// By a join on the id.
    Join,
    /// The polars group-by path.
    GroupBy,
}

/// `--engine` values (hidden).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum EngineArg {
    /// polars' streaming engine.
    Streaming,
    /// polars' in-memory engine.
    InMemory,
}
