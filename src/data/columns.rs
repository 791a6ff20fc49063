//! Every internal column name of amplify's queries, in one place. Names start with `__` so they
//! cannot clash with a user's columns (user columns are always selected and renamed first), and
//! none of them ever reaches a message.
//!
//! Normalised judgement tables ([`super::input`]) hold [`ID`], one label column per metric (named
//! after the metric), and on the baseline [`TRUTH`], [`level`] and [`matches`](fn@matches) per grouping. The
//! counting strategies ([`super::count`](mod@super::count)) add the packed label keys ([`key`]) and the columns of
//! the counting pass ([`TRUTH_BASE`], [`model_key`], [`ambiguous`]).

/// Id column of every normalised judgement table.
pub(crate) const ID: &str = "__id";
/// The baseline's ground-truth column (Int32 1/0/null).
pub(crate) const TRUTH: &str = "__truth";
/// The baseline's truth code in a pass: 0, 1 or 2 (no valid truth).
pub(crate) const TRUTH_CODE: &str = "__t";
/// Pair column of the pair map (String).
pub(crate) const PAIR: &str = "__pair";
/// Variant column of the pair map (String).
pub(crate) const VARIANT: &str = "__var";
/// A source row's side in its pair (Int32): 0 = side A, 1 = side B, 2 = neither (no variant),
/// coded from the variant when the frame is built (the passes read it instead of the text).
pub(crate) const ITEM_SIDE: &str = "__side";
/// The id of side A (the reference variant) of a pair.
pub(crate) const SIDE_A: &str = "__ida";
/// The id of side B of a pair.
pub(crate) const SIDE_B: &str = "__idb";
/// Items of a pair on side A, and on side B.
pub(crate) const SIDE_A_ITEMS: &str = "__na";
/// Items of a pair on side B.
pub(crate) const SIDE_B_ITEMS: &str = "__nb";

/// Label column of metric `k` of source `i` of a pair's item.
pub(crate) fn pair_label(i: usize, k: usize) -> String {
    format!("__p{i}_{k}")
}

/// A pair item's pair (index of the complete pairs).
pub(crate) const PAIR_ROW: &str = "__pr";
/// A pair item's side: 0 = A, 1 = B.
pub(crate) const PAIR_SIDE: &str = "__ps";

/// The column ordering a source's repeated samples (its `--sample` or `--annotator` column).
pub(crate) const SAMPLE_ORDER: &str = "__smp";
/// The order of a source's samples as an integer: the rank of the sample value among the
/// distinct values, else the row number.
pub(crate) const ORDER_KEY: &str = "__row";
/// An item's rows, in the item frame of a source with a sample column.
pub(crate) const SAMPLE_ROWS: &str = "__smpn";
/// An item's distinct sample values.
pub(crate) const SAMPLE_DISTINCT: &str = "__smpd";
/// An item's rows without a sample value.
pub(crate) const SAMPLE_NULLS: &str = "__smpz";

/// Item value of column `j` on a side (`b` baseline, `m` model) of a repeated run: the aggregate
/// of the item's valid samples, Float64 in [0, 1] or null.
pub(crate) fn item_value(side: char, j: usize) -> String {
    format!("__{side}v{j}")
}
/// Valid samples of column `j` of an item.
pub(crate) fn samples(j: usize) -> String {
    format!("__k{j}s")
}
/// Samples of column `j` of an item that are 1.
pub(crate) fn positives(j: usize) -> String {
    format!("__s{j}s")
}
/// The first valid sample of column `j` of an item.
pub(crate) fn first_sample(j: usize) -> String {
    format!("__f{j}s")
}

/// The number of distinct values of column `name` among an item's rows (a repeated run).
pub(crate) fn distinct(name: &str) -> String {
    format!("{name}_d")
}

/// Sum `stat` of column `j` in the aggregates of a repeated run (see `data::count::repeated`).
pub(crate) fn repeat_sum(stat: &str, j: usize) -> String {
    format!("__r{stat}_{j}")
}

/// The grouping level of an item in `amplify words` (String).
pub(crate) const LEVEL: &str = "__level";

/// A response's text in `amplify words` (String; null when missing).
pub(crate) const TEXT: &str = "__text";

/// Count column of an aggregate.
pub(crate) const COUNT: &str = "__n";

/// Level column of grouping `j` (String; null = the item leaves the grouping).
pub(crate) fn level(j: usize) -> String {
    format!("__g{j}")
}

/// How many of a derived grouping `j`'s patterns matched the item.
pub(crate) fn matches(j: usize) -> String {
    format!("__gm{j}")
}

/// Whether an item of derived grouping `j` matched more than one level.
pub(crate) fn ambiguous(j: usize) -> String {
    format!("__amb{j}")
}

/// Packed label key column `c` of a side whose keys start with `prefix` (see [`super::count`](mod@super::count)).
pub(crate) fn key(prefix: &str, c: usize) -> String {
    format!("{prefix}{c}")
}

/// Key prefix of the baseline side.
pub(crate) const BASELINE_KEYS: &str = "__b";
/// Key prefix of the model side in a group-by join.
pub(crate) const MODEL_KEYS: &str = "__m";

/// Key prefix of model `j` in a counting pass.
pub(crate) fn model_keys(j: usize) -> String {
    format!("__m{j}_")
}

/// The baseline's id in a pass.
pub(crate) const BASELINE_ID: &str = "__bid";
/// Model `j`'s id beside the baseline's in a positional pass.
pub(crate) fn model_id(j: usize) -> String {
    format!("__id{j}")
}
/// The baseline's integer id in a positional pass (compared in Rust).
pub(crate) const ORDER: &str = "__ord";
/// Whether a row's ids differ between sources (non-integer ids, compared by polars).
pub(crate) const MISALIGNED: &str = "__bad";

/// `(truth · side + baseline key) · side`: the baseline's part of a cell index.
pub(crate) const TRUTH_BASE: &str = "__tb";
/// Model `j`'s packed key in a pass (-1 where the model lacks the item).
pub(crate) fn model_key(j: usize) -> String {
    format!("__k{j}")
}

/// A verdict class frame's truth class code (`--verdict-classes`).
pub(crate) const TRUTH_CLASS: &str = "__tc";

/// A verdict class frame's class code of verdict metric `j` (`--verdict-classes`).
pub(crate) fn class(j: usize) -> String {
    format!("__c{j}")
}

/// The model's class code of verdict metric `j` once joined to the baseline's.
pub(crate) fn model_class(j: usize) -> String {
    format!("__cm{j}")
}
