//! Command-line interface (the low level): one clap args struct per subcommand, enums for every
//! choice, option values parsed into types when clap reads them. [`crate::plan`] turns these into
//! the validated plans the commands run.

// clap shows these doc comments as --help text, where `<placeholders>` are meant literally.
#![allow(rustdoc::invalid_html_tags)]

mod inputs;
mod judge;
mod leakage;
mod words;

pub(crate) use inputs::{
    AggregateArg, AuditArgs, CorrectionArg, EngineArg, HomogeneityArg, InputArgs, PairingArg, PartialArg,
    StatsArgs, TestArg,
};
pub(crate) use judge::JudgeArgs;
use judge::JUDGE_HELP;
pub(crate) use leakage::LeakageArgs;
pub(crate) use words::{TextArgs, WordsArgs};

use crate::output::Format;
use crate::stats::Confidence;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Measure how much language models amplify the biases of a dataset relative to a human baseline.
#[derive(Debug, Parser)]
#[command(name = "amplify", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Compare model labels with the human baseline: rates, paired differences, tests.
    Compare(CompareArgs),
    /// Write a report folder: HTML, Markdown, findings.json, tables and charts.
    Report(ReportArgs),
    /// Reduce inputs to the mergeable counts table (for `compare --counts`).
    Count(CountArgs),
    /// Show what a Parquet/CSV file holds and how amplify would read it.
    Inspect(InspectArgs),
    /// Generate the seeded ELEPHANT-like sample data set.
    Sample(SampleArgs),
    /// How well a judge agrees with gold labels from people: accuracy, sensitivity, specificity,
    /// Cohen's and Fleiss' κ, and whether its errors differ between sources' texts.
    Agree(AgreeArgs),
    /// Items needed for a target effect, or the effect detectable with n items (80/90% power).
    Power(PowerArgs),
    /// Score raw responses for behaviours with an LLM judge (OpenAI-compatible endpoint), or read
    /// AITA verdicts from free text; writes a file `compare` reads.
    #[command(after_long_help = JUDGE_HELP)]
    Judge(JudgeArgs),
    /// Which words mark a group in the responses (log-odds with an informative Dirichlet prior),
    /// and which a model marks more or less than the human text does.
    Words(WordsArgs),
    /// How well a linear attacker reads the group from each source's text (cross-fitted TF-IDF
    /// logistic regression: balanced accuracy, LIC), and how much more from a model's than from
    /// the human text on the same items.
    Leakage(LeakageArgs),
}

/// `amplify compare`.
#[derive(Debug, Clone, Args)]
pub(crate) struct CompareArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Statistics.
    #[command(flatten)]
    pub stats: StatsArgs,
    /// Audit of the judge.
    #[command(flatten)]
    pub audit: AuditArgs,
    /// Read a counts table (from `amplify count` or sql/) instead of label files; repeat to merge shards.
    #[arg(long, value_name = "FILE", conflicts_with = "inputs")]
    pub counts: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to FILE instead of stdout: a regular file is replaced atomically (a
    /// symbolic link's target is), a FIFO or device is written in place, `-` is stdout; an input
    /// is never overwritten.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write every chart (PNG and SVG) into DIR.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
}

/// `amplify report`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ReportArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Statistics.
    #[command(flatten)]
    pub stats: StatsArgs,
    /// Audit of the judge.
    #[command(flatten)]
    pub audit: AuditArgs,
    /// Read a counts table instead of label files; repeat to merge shards.
    #[arg(long, value_name = "FILE", conflicts_with = "inputs")]
    pub counts: Vec<PathBuf>,
    /// Re-render the report from a saved findings.json, without the data.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["inputs", "counts"])]
    pub from: Option<PathBuf>,
    /// Report folder [default: reports/<name of the first input>]; replaced atomically.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `amplify count`.
#[derive(Debug, Clone, Args)]
pub(crate) struct CountArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Counts file to write: .parquet (or .pq) as Parquet, .csv as CSV, `-` as CSV on stdout.
    /// Written like compare's -o (atomic for regular files; never over an input).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
}

/// `amplify inspect`.
#[derive(Debug, Clone, Args)]
pub(crate) struct InspectArgs {
    /// File to inspect (Parquet, CSV, an Inspect or lm-eval log), or a folder or quoted glob of
    /// logs.
    pub file: PathBuf,
    /// Baseline name used to recognise the wide layout.
    #[arg(long, value_name = "NAME", default_value = "human")]
    pub baseline_name: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InspectFormat::Table)]
    pub format: InspectFormat,
}

/// `inspect --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InspectFormat {
    /// A table for people.
    Table,
    /// The profile as JSON.
    Json,
}

/// `amplify sample`.
#[derive(Debug, Clone, Args)]
pub(crate) struct SampleArgs {
    /// Output directory.
    #[arg(long, value_name = "DIR", default_value = "data/sample")]
    pub out: PathBuf,
    /// Number of items (at least 10).
    #[arg(long, default_value_t = 3000, value_parser = clap::value_parser!(u64).range(10..))]
    pub items: u64,
    /// Seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// `amplify agree`.
#[derive(Debug, Clone, Args)]
pub(crate) struct AgreeArgs {
    /// The judge's labels (Parquet or CSV), e.g. the output of `amplify judge`.
    #[arg(value_name = "JUDGED")]
    pub judged: PathBuf,
    /// Gold labels from people for (some of) the same items; columns named like the judged ones.
    #[arg(value_name = "AUDIT")]
    pub audit: PathBuf,
    /// Item id column of both files.
    #[arg(long, value_name = "COL", default_value = "id")]
    pub id: String,
    /// Metrics, comma-separated [default: every label column both files have].
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    pub metrics: Option<Vec<String>>,
    /// Auditor column of the audit file (several people per item, one row each).
    #[arg(long, value_name = "COL")]
    pub auditor: Option<String>,
    /// Column (in either file) saying who wrote each text, e.g. human or model: splits the
    /// agreement and tests whether the judge errs differently on each.
    #[arg(long, value_name = "COL")]
    pub text_source: Option<String>,
    /// Confidence level of every interval.
    #[arg(long, default_value = "0.95")]
    pub confidence: Confidence,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InspectFormat::Table)]
    pub format: InspectFormat,
    /// Write the output to FILE instead of stdout (as compare's -o).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `amplify power`.
#[derive(Debug, Clone, Args)]
pub(crate) struct PowerArgs {
    /// Share of items whose label differs between model and baseline (discordant pairs), e.g.
    /// 0.3; read from a pilot's findings with --from.
    #[arg(long, value_name = "SHARE")]
    pub discordant: Option<f64>,
    /// Target effect: a difference in rates (0.05 = 5 pp) or an amplification.
    #[arg(long, value_name = "DIFF")]
    pub effect: Option<f64>,
    /// Items available: report the detectable effect instead of the items needed.
    #[arg(long, value_name = "N")]
    pub items: Option<u64>,
    /// Share of items in the smaller of two group levels (amplification), e.g. 0.3.
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    pub level_share: f64,
    /// Share of items the truth calls at fault (FNR is measured on them), e.g. 0.45.
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    pub positives: f64,
    /// A pilot's findings.json: the discordance of each comparison and its n.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Two-sided significance level of each test (divide by the number of tests for a
    /// Bonferroni-corrected family).
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InspectFormat::Table)]
    pub format: InspectFormat,
}
