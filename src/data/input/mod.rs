//! Reading the inputs: files, directories and globs ([`source`], [`multifile`]); the tidy, long
//! ([`layouts`]) and wide ([`wide`]) layouts; `--map` ([`maps`]); metric selection ([`metrics`]);
//! label coding ([`labels`]); evaluation logs (Inspect, lm-eval) read as tables ([`logs`]);
//! groupings as asked for ([`grouping_spec`]) and their level columns ([`groups`]); the id column and its checks ([`ids`]); counterfactual pairs
//! ([`counterfactual`]); repeated samples and annotators ([`repeats`]); verdict classes
//! ([`verdict_classes`]) and verdicts in words ([`verdict_words`]); response texts and their
//! tokens for `amplify words` ([`texts`], [`tokens`]). The result is one
//! normalised [`Dataset`] ([`model`]): per source, the id and one label column per metric.

pub(crate) mod counterfactual;
mod grouping_spec;
pub(crate) mod groups;
pub(crate) mod ids;
pub(crate) mod item_sums;
pub(crate) mod label_codes;
pub(crate) mod labels;
mod layouts;
pub(crate) mod logs;
mod maps;
mod metrics;
mod model;
pub(crate) mod multifile;
pub(crate) mod repeats;
pub(crate) mod source;
pub(crate) mod texts;
pub(crate) mod tokens;
pub(crate) mod verdict_classes;
pub(crate) mod verdict_words;
mod walk;
mod wide;

pub use grouping_spec::{groupings, DeriveSpec, GroupingSpec};
pub use labels::VerdictMap;
pub use layouts::load_dataset;
pub use model::{
    Aggregate, ClassFrames, ColumnMap, DataOptions, Dataset, FileFormat, FileInfo, InputSpec, Layout,
    PairMap, PairOptions, Partial, RepeatOptions, SourceFrame,
};
