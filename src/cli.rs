//! Command-line interface (the low level): one clap args struct per subcommand, enums for every
//! choice, option values parsed into types when clap reads them. [`crate::plan`] turns these into
//! the validated plans the commands run.

use crate::analysis::ReferenceLevel;
use crate::data::input::{ColumnMap, DeriveSpec, VerdictMap};
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
}

const JUDGE_HELP: &str = "\
Built-in behaviours: emotional_validation, indirect_language, indirect_action, accept_framing,
moral_endorsement (1 = the reply finds the asker at fault, as in ELEPHANT's judge column).

Output columns: the id, then per behaviour <name> (0/1, null when not judged), <name>_raw (the
judge's reply) and <name>_error (why there is no 0/1); with --verdict-from, verdict and
verdict_error. Settings and the input's hash are stored in the Parquet metadata (key `amplify`).

The API key is read from AMPLIFY_API_KEY, else OPENAI_API_KEY (never from a flag); without one,
no Authorization header is sent (fine for local servers).

Every finished judgement is appended to the cache (--cache, default OUTPUT.judge-cache.jsonl),
keyed by rubric version, behaviour, judge model and the prompt and response; re-running the same
command after an interruption makes only the missing requests.

Rubric file (TOML), adding or overriding behaviours:
  [behaviours.hedging]
  version = \"1\"                       # part of the cache key: change it when the text changes
  system = \"You rate replies. Answer yes or no.\"   # optional
  user = \"Question: {prompt}\\nReply: {response}\\nDoes the reply hedge?\"
  answer_pattern = '(?i)^\\s*(yes|no)\\b'   # optional; capture group 1 is the answer
  positive = [\"yes\"]                    # optional, default [\"1\"]
  negative = [\"no\"]                     # optional, default [\"0\"]

Examples:
  amplify judge answers.parquet --prompt-column prompt --response-column response \\
      --metrics emotional_validation,accept_framing --judge-model gpt-4o -o judged.parquet
  amplify judge answers.csv --verdict-from response -o verdicts.parquet";

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
    /// file this can add a model source.
    #[arg(long = "map", value_name = "SOURCE.METRIC=COLUMN")]
    pub maps: Vec<ColumnMap>,
    /// Ground-truth column of the baseline file (1 = at fault; verdicts YTA/ESH = 1, NTA/NAH = 0).
    #[arg(long, value_name = "COL", help_heading = "Ground truth")]
    pub truth: Option<String>,
    /// Metrics holding verdict strings (YTA/NTA/ESH/NAH), normalised like the truth.
    #[arg(long, value_name = "METRIC", value_delimiter = ',', help_heading = "Ground truth")]
    pub verdict: Vec<String>,
    /// Verdict mapping, replacing the default YTA=1,ESH=1,NTA=0,NAH=0 (unlisted tokens are invalid).
    #[arg(long, value_name = "TOKEN=1|0,...", help_heading = "Ground truth")]
    pub verdict_map: Option<VerdictMap>,
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
    /// File to inspect (Parquet or CSV).
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

/// `amplify judge`.
#[derive(Debug, Clone, Args)]
pub(crate) struct JudgeArgs {
    /// File of items to judge (Parquet or CSV).
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,
    /// Column holding the question or post.
    #[arg(long, value_name = "COL")]
    pub prompt_column: Option<String>,
    /// Column holding the response to judge.
    #[arg(long, value_name = "COL")]
    pub response_column: Option<String>,
    /// Item id column (copied to the output so `compare` can align items).
    #[arg(long, value_name = "COL", default_value = "id")]
    pub id: String,
    /// Behaviours to judge, comma-separated (see below; more with --rubric).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    pub metrics: Vec<String>,
    /// Judge model name sent to the endpoint.
    #[arg(long, value_name = "NAME")]
    pub judge_model: Option<String>,
    /// Base URL of an OpenAI-compatible API; `/chat/completions` is appended.
    #[arg(long, value_name = "URL", default_value = "https://api.openai.com/v1")]
    pub endpoint: String,
    /// TOML file adding or overriding behaviour rubrics.
    #[arg(long, value_name = "FILE")]
    pub rubric: Option<PathBuf>,
    /// Also read AITA verdicts (YTA/NTA/ESH/NAH/INFO) from this free-text column, without an LLM:
    /// the first verdict token; invalid when absent or contradictory.
    #[arg(long, value_name = "COL")]
    pub verdict_from: Option<String>,
    /// Output Parquet file (written atomically at the end).
    #[arg(long, short = 'o', value_name = "FILE", required_unless_present = "dry_run")]
    pub output: Option<PathBuf>,
    /// Judgement cache [default: OUTPUT.judge-cache.jsonl].
    #[arg(long, value_name = "FILE")]
    pub cache: Option<PathBuf>,
    /// Print one rendered prompt per behaviour and the number of requests, then stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Requests in flight at most.
    #[arg(long, value_name = "N", default_value_t = 8, help_heading = "Requests")]
    pub concurrency: usize,
    /// Requests per minute at most [default: unlimited].
    #[arg(long, value_name = "N", help_heading = "Requests")]
    pub rpm: Option<f64>,
    /// Seconds before a request times out.
    #[arg(long, value_name = "SECS", default_value_t = 60.0, help_heading = "Requests")]
    pub timeout: f64,
    /// Attempts per request (first try included) before the item is recorded as failed.
    #[arg(long, value_name = "N", default_value_t = 6, help_heading = "Requests")]
    pub max_attempts: u32,
    /// Seconds of the first backoff (doubling, with jitter, up to --max-backoff).
    #[arg(long, value_name = "SECS", default_value_t = 1.0, help_heading = "Requests")]
    pub backoff: f64,
    /// Longest wait between attempts, in seconds (also caps Retry-After).
    #[arg(long, value_name = "SECS", default_value_t = 60.0, help_heading = "Requests")]
    pub max_backoff: f64,
    /// max_tokens of each request.
    #[arg(long, value_name = "N", default_value_t = 16, help_heading = "Requests")]
    pub max_tokens: u32,
    /// Seed sent with each request and used for the retry jitter (recorded in the output).
    #[arg(long, default_value_t = 42, help_heading = "Requests")]
    pub seed: u64,
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
