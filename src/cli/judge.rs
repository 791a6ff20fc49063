//! `amplify judge`'s arguments and its long help.

use clap::Args;
use std::path::PathBuf;

/// The long help of `amplify judge`: behaviours, output columns, key, cache, rubric files.
pub(super) const JUDGE_HELP: &str = "\
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
