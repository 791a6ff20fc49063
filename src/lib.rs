//! amplify: measure how much language models amplify the biases of a dataset relative to a
//! human baseline.
//!
//! Data flows one way: Parquet/CSV → normalised judgement tables ([`data`]) → the counts table
//! ([`counts`]) → estimates and tests ([`stats`]) → [`analysis::Findings`] → exporters
//! ([`output`]).

pub mod analysis;
pub mod atomic;
pub mod chart;
pub mod cli;
pub mod commands;
pub mod counts;
pub mod data;
pub mod error;
pub mod judge;
pub mod output;
pub mod report;
pub mod rng;
pub mod sample;
pub mod stats;
pub mod table;

pub use error::{AmplifyError, Result};
