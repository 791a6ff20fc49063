//! Errors of `amplify judge`, each saying what happened and what to do next.

use std::path::PathBuf;

/// What stops a judge run. Per-item failures (a reply that never came) are not errors: they are
/// recorded in the output with a reason and the run goes on.
#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    /// The rubric file cannot be read or parsed.
    #[error("{path}: {reason}; see `amplify judge --help` for the rubric file format")]
    RubricFile {
        /// The rubric file.
        path: PathBuf,
        /// Line and reason.
        reason: String,
    },
    /// A requested behaviour has no rubric.
    #[error("unknown behaviour '{name}'; known behaviours: {known} (add others with --rubric FILE)")]
    UnknownBehaviour {
        /// The requested name.
        name: String,
        /// Comma-separated known names.
        known: String,
    },
    /// The endpoint answered 401/403.
    #[error("{url} rejected the API key (HTTP {status}); {hint}. Judgements already made are kept in the cache {cache}")]
    Unauthorised {
        /// The chat-completions URL.
        url: String,
        /// 401 or 403.
        status: u16,
        /// Where the key came from, and what to set.
        hint: String,
        /// The cache file.
        cache: String,
    },
    /// No request ever reached the endpoint.
    #[error("cannot reach {url}: {reason}; is the server running and the --endpoint right? Nothing was lost: {saved}")]
    Unreachable {
        /// The chat-completions URL.
        url: String,
        /// The last connection error.
        reason: String,
        /// What the cache holds, and how to resume.
        saved: String,
    },
    /// The cache file cannot be used.
    #[error("judgement cache {path}: {reason}")]
    Cache {
        /// The cache file.
        path: PathBuf,
        /// What went wrong, and how to fix it.
        reason: String,
    },
    /// A command-line setting is invalid.
    #[error("{0}")]
    Setting(String),
}
