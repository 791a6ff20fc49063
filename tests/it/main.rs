//! The integration tests, as one binary (one link of the library and polars instead of one per
//! file; the layout ripgrep and cargo use). Each module is one former `tests/<name>.rs`; the
//! fixtures they share are in `common`, the scripted judge server in `tests/support/mock.rs`.
//!
//! Tests that need `../shared/data/elephant` are `#[ignore = "needs ../shared/data/elephant"]`;
//! `.ci/run` runs them with `cargo test --test it -- --ignored`.

mod architecture;
mod bad_inputs;
mod cli_audit;
mod cli_cluster;
mod cli_cluster_designs;
mod cli_compare;
mod cli_data;
mod cli_datasets;
mod cli_errors;
mod cli_groups;
mod cli_inspect;
mod cli_judge;
mod cli_leakage;
mod cli_lm_eval;
mod cli_logs;
mod cli_missing;
mod cli_missing_repeated;
mod cli_pairing;
mod cli_pairs;
mod cli_ranking;
mod cli_repeats;
mod cli_shrinkage;
mod cli_verdict_classes;
mod cli_versus;
mod cli_wide_samples;
mod cli_words;
mod column_types;
mod common;
mod elephant;
#[path = "../support/mock.rs"]
mod mock;
mod outputs;
mod report;
mod schema;
mod stats_properties;
