//! `amplify judge`: scores raw responses for behaviours with an LLM judge behind an
//! OpenAI-compatible endpoint, or reads AITA verdicts from free text without one.
//!
//! Pure parts (rubrics, answer parsing, retry policy, verdict extraction, planning) are separate
//! from the I/O parts (HTTP client, worker pool, cache); polars stays in `data::files::judge`.

pub mod cache;
pub mod client;
pub mod error;
pub mod plan;
pub(crate) mod progress;
pub(crate) mod redact;
pub mod retry;
pub mod rubric;
pub mod runner;
pub(crate) mod verdict_text;
