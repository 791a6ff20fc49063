//! `amplify leakage`'s arguments: the texts (as `words`), the attacker, the resampling, outputs.

use super::words::TextArgs;
use crate::output::Format;
use crate::stats::Confidence;
use clap::Args;
use std::path::PathBuf;

/// `amplify leakage`.
#[derive(Debug, Clone, Args)]
pub(crate) struct LeakageArgs {
    /// The texts.
    #[command(flatten)]
    pub texts: TextArgs,
    /// Leave out words in fewer documents (every source's pooled).
    #[arg(long, value_name = "N", default_value_t = 2, help_heading = "Attacker",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub min_df: u64,
    /// Cross-fitting folds (stratified by level).
    #[arg(long, value_name = "K", default_value_t = 5, help_heading = "Attacker",
          value_parser = clap::value_parser!(u64).range(2..=20))]
    pub folds: u64,
    /// Inverse L2 penalty C of the logistic attacker (scikit-learn's C).
    #[arg(long = "c", value_name = "C", default_value_t = 1.0, help_heading = "Attacker")]
    pub c: f64,
    /// Bootstrap replicates over items, every attacker re-fitted on each (at most 10,000). 0: LIC
    /// gets its influence-function interval (no re-fit; about the cost of one more cross-fit)
    /// and balanced accuracy none.
    #[arg(long, value_name = "N", default_value_t = 0, help_heading = "Resampling",
          value_parser = clap::value_parser!(u64).range(0..=10_000))]
    pub bootstrap: u64,
    /// Permutation replicates (texts swapped within items, attackers re-fitted). 0: LIC gets the
    /// t-test of its influence-function SE and balanced accuracy no p-value.
    #[arg(long, value_name = "N", default_value_t = 0, help_heading = "Resampling",
          value_parser = clap::value_parser!(u64).range(0..=10_000))]
    pub permutations: u64,
    /// Confidence level of the intervals.
    #[arg(long, value_name = "LEVEL", default_value = "0.95", help_heading = "Resampling")]
    pub confidence: Confidence,
    /// Seed of the folds, the bootstrap and the permutations (recorded in the output).
    #[arg(long, default_value_t = 42, help_heading = "Resampling")]
    pub seed: u64,
    /// Leaking words listed per source and level (0 = every word with a positive weight).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// Output format (csv: the amplification rows).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the output to FILE instead of stdout (replaced atomically; never an input).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a report folder: HTML (tables and the chart), leakage.json, the chart.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
}
