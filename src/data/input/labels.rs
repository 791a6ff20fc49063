//! Label normalisation: every accepted spelling of a binary label becomes 0 or 1, anything else
//! becomes null (invalid) so that it is counted, never silently dropped.

use super::verdict_words::{spellings, verdict_token};
use polars::prelude::*;

/// Strings (after trimming and lower-casing) read as 1.
pub(crate) const TRUE_LABELS: [&str; 4] = ["1", "1.0", "true", "yes"];
/// Strings (after trimming and lower-casing) read as 0.
pub(crate) const FALSE_LABELS: [&str; 4] = ["0", "0.0", "false", "no"];

/// Whether a column of this type can hold binary labels at all. A column of the Null type (all
/// values missing, as Parquet writers store an empty column) counts: its labels are all invalid,
/// which is reported like any all-invalid column instead of the column vanishing.
pub(crate) fn is_label_type(dtype: &DataType) -> bool {
    dtype.is_bool() || dtype.is_primitive_numeric() || is_text(dtype) || dtype == &DataType::Null
}

/// Whether a column holds text: plain strings, or strings stored as a dictionary (Parquet's and
/// Arrow's dictionary encoding, read by polars as categorical or enum). Both are read as strings.
pub(crate) fn is_text(dtype: &DataType) -> bool {
    dtype.is_string() || dtype.is_categorical() || dtype.is_enum()
}

/// Column `name` as a string expression, decoding a dictionary-encoded column.
fn text(name: &str, dtype: &DataType) -> Expr {
    if dtype.is_string() {
        col(name)
    } else {
        col(name).cast(DataType::String)
    }
}

/// The normalised label of column `name` as Int32: 1, 0 or null (invalid).
///
/// Integers and floats: exactly 1 or 0 (NaN, 2, −1 are invalid). Booleans: true/false. Strings:
/// trimmed, case-insensitive members of [`TRUE_LABELS`] / [`FALSE_LABELS`]. Other types: all
/// invalid. With `invert`, 1 and 0 swap (invalid stays invalid).
pub(crate) fn normalised(name: &str, dtype: &DataType, invert: bool) -> Expr {
    let c = col(name);
    let (one, zero) = if invert { (0, 1) } else { (1, 0) };
    let null = || lit(NULL).cast(DataType::Int32);
    if dtype.is_bool() {
        when(c.clone()).then(lit(one)).when(c.not()).then(lit(zero)).otherwise(null())
    } else if dtype.is_primitive_numeric() {
        let f = c.cast(DataType::Float64);
        when(f.clone().eq(lit(1.0))).then(lit(one)).when(f.eq(lit(0.0))).then(lit(zero)).otherwise(null())
    } else if is_text(dtype) {
        let s = text(name, dtype).str().strip_chars(lit(NULL)).str().to_lowercase();
        when(any_of(&s, &TRUE_LABELS))
            .then(lit(one))
            .when(any_of(&s, &FALSE_LABELS))
            .then(lit(zero))
            .otherwise(null())
    } else {
        null()
    }
    .cast(DataType::Int32)
}

/// The column a metric's label codes are computed from by [`add_codes`]: integer and boolean
/// columns as they are, verdict strings through [`verdict`], other types through [`normalised`]
/// (1, 0 or null). Inversion is applied by [`add_codes`].
///
/// [`add_codes`]: super::label_codes::add_codes
///
/// The codes themselves are computed in Rust, per morsel, because polars compares elementwise
/// through a scalar bitmap loop without its nightly SIMD feature: the comparisons of
/// [`normalised`] were the largest cost of a 10M-item run.
pub(crate) fn label_source(name: &str, dtype: &DataType, verdicts: Option<&VerdictMap>) -> Expr {
    match verdicts {
        Some(map) if is_text(dtype) => verdict(name, dtype, map),
        _ if dtype.is_bool() || dtype.is_integer() => col(name),
        _ => normalised(name, dtype, false),
    }
}

/// Whether `s` equals any of `labels`.
pub(crate) fn any_of(s: &Expr, labels: &[&str]) -> Expr {
    labels.iter().map(|l| s.clone().eq(lit(*l))).reduce(|a, b| a.or(b)).unwrap_or_else(|| lit(false))
}

/// How verdict strings (r/AmITheAsshole) map to labels, with "at fault" = 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictMap {
    /// Upper-case tokens read as 1 (default YTA, ESH).
    pub ones: Vec<String>,
    /// Upper-case tokens read as 0 (default NTA, NAH).
    pub zeros: Vec<String>,
}

impl Default for VerdictMap {
    fn default() -> Self {
        Self { ones: vec!["YTA".into(), "ESH".into()], zeros: vec!["NTA".into(), "NAH".into()] }
    }
}

/// Parses `TOKEN=1,TOKEN=0,...` (e.g. `YTA=1,ESH=0,NTA=0,NAH=0`); tokens not listed are invalid.
impl std::str::FromStr for VerdictMap {
    type Err = String;
    fn from_str(spec: &str) -> Result<Self, String> {
        let mut map = Self { ones: Vec::new(), zeros: Vec::new() };
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match entry.split_once('=').map(|(k, v)| (k.trim().to_uppercase(), v.trim())) {
                Some((k, "1")) if !k.is_empty() => map.ones.push(k),
                Some((k, "0")) if !k.is_empty() => map.zeros.push(k),
                _ => return Err(format!("entry '{entry}' is not TOKEN=1 or TOKEN=0")),
            }
        }
        if map.ones.is_empty() || map.zeros.is_empty() {
            return Err("needs at least one TOKEN=1 and one TOKEN=0".into());
        }
        Ok(map)
    }
}

/// A verdict label as Int32: a string column maps through `map` (trimmed, case-insensitive; a
/// verdict in words, "Not the A-hole", as its code) and also accepts the binary spellings of
/// [`normalised`]; other types are read as binary labels.
pub(crate) fn verdict(name: &str, dtype: &DataType, map: &VerdictMap) -> Expr {
    if !is_text(dtype) {
        return normalised(name, dtype, false);
    }
    let s = text(name, dtype).str().strip_chars(lit(NULL)).str().to_uppercase();
    let upper = |labels: &[&str]| labels.iter().map(|l| l.to_uppercase()).collect::<Vec<_>>();
    let words = |tokens: &[String]| tokens.iter().flat_map(|t| spellings(t)).collect::<Vec<_>>();
    let ones: Vec<String> = words(&map.ones).into_iter().chain(upper(&TRUE_LABELS)).collect();
    let zeros: Vec<String> = words(&map.zeros).into_iter().chain(upper(&FALSE_LABELS)).collect();
    when(any_of(&s, &as_strs(&ones)))
        .then(lit(1))
        .when(any_of(&s, &as_strs(&zeros)))
        .then(lit(0))
        .otherwise(lit(NULL).cast(DataType::Int32))
        .cast(DataType::Int32)
}

/// The most distinct values a text verdict column may have to be coded by value (else the
/// per-row expression of [`verdict`]).
const MAX_CODED_VALUES: usize = 256;

/// The distinct non-null values of a text column, or `None` when there are more than
/// [`MAX_CODED_VALUES`] (or the column is not text).
pub(crate) fn distinct_text(
    lazy: &LazyFrame,
    name: &str,
    dtype: &DataType,
) -> PolarsResult<Option<Vec<String>>> {
    if !is_text(dtype) {
        return Ok(None);
    }
    let values = crate::data::engine::collect_streaming(
        lazy.clone().select([text(name, dtype)
            .unique()
            .drop_nulls()
            .head(Some(MAX_CODED_VALUES + 1))
            .alias("v")]),
    )?;
    let column = values.column("v")?.str()?.clone();
    if column.len() > MAX_CODED_VALUES {
        return Ok(None);
    }
    Ok(Some(column.iter().flatten().map(str::to_string).collect()))
}

/// A verdict label coded by value by the rule of [`verdict`] (trimmed, upper-cased, through `map`
/// or the binary spellings): see [`coded_by_value`].
pub(crate) fn verdict_by_value(name: &str, dtype: &DataType, values: &[String], map: &VerdictMap) -> Expr {
    let upper = |labels: &[&str]| labels.iter().map(|l| l.to_uppercase()).collect::<Vec<_>>();
    let ones: Vec<String> = map.ones.iter().cloned().chain(upper(&TRUE_LABELS)).collect();
    let zeros: Vec<String> = map.zeros.iter().cloned().chain(upper(&FALSE_LABELS)).collect();
    coded_by_value(name, dtype, values, |v| {
        let token = verdict_token(v);
        if ones.contains(&token) {
            Some(1)
        } else {
            zeros.contains(&token).then_some(0)
        }
    })
}

/// A binary label of a text column coded by value by the rule of [`normalised`] (trimmed,
/// lower-cased [`TRUE_LABELS`] / [`FALSE_LABELS`]): see [`coded_by_value`].
pub(crate) fn binary_by_value(name: &str, dtype: &DataType, values: &[String]) -> Expr {
    coded_by_value(name, dtype, values, |v| {
        let token = v.trim().to_lowercase();
        if TRUE_LABELS.contains(&token.as_str()) {
            Some(1)
        } else {
            FALSE_LABELS.contains(&token.as_str()).then_some(0)
        }
    })
}

/// A label coded by value: each distinct raw value of the column (`values`) is coded once by
/// `code`, and each row is compared with the raw values that code 1 or 0 — the same codes as the
/// per-row rule without trimming and case-folding every row (0.65 µs a row in this polars build,
/// 3–5× a whole plain comparison).
fn coded_by_value(
    name: &str,
    dtype: &DataType,
    values: &[String],
    code: impl Fn(&str) -> Option<i32>,
) -> Expr {
    let raw =
        |want: i32| values.iter().filter(|v| code(v) == Some(want)).map(String::as_str).collect::<Vec<_>>();
    let s = text(name, dtype);
    when(any_of(&s, &raw(1)))
        .then(lit(1))
        .when(any_of(&s, &raw(0)))
        .then(lit(0))
        .otherwise(lit(NULL).cast(DataType::Int32))
        .cast(DataType::Int32)
}

pub(crate) fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The naive rule: trimmed, lower-cased text in the accepted spellings; anything else invalid.
    fn expected(text: &str) -> Option<i32> {
        let s = text.trim().to_lowercase();
        if TRUE_LABELS.contains(&s.as_str()) {
            Some(1)
        } else if FALSE_LABELS.contains(&s.as_str()) {
            Some(0)
        } else {
            None
        }
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Coding by value gives the per-row codes of `verdict` for any text, however spelled.
        #[test]
        fn coding_by_value_is_coding_by_row(values in prop::collection::vec(
            prop::option::of(prop_oneof![
                prop::sample::select(vec!["YTA", " yta", "Esh\t", "NTA ", "nah", "INFO", "1", "no", "", "YES", "ß", "x"])
                    .prop_map(str::to_string),
                ".{0,6}",
            ]),
            1..40,
        )) {
            let map = VerdictMap::default();
            let df = DataFrame::new_infer_height(vec![Series::new("v".into(), values).into_column()]).expect("frame");
            let distinct = distinct_text(&df.clone().lazy(), "v", &DataType::String).expect("distinct").expect("few");
            let by_value = verdict_by_value("v", &DataType::String, &distinct, &map).alias("a");
            let by_row = verdict("v", &DataType::String, &map).alias("b");
            let out = df.lazy().select([by_value, by_row]).collect().expect("codes");
            let a: Vec<Option<i32>> = out.column("a").expect("a").i32().expect("i32").iter().collect();
            let b: Vec<Option<i32>> = out.column("b").expect("b").i32().expect("i32").iter().collect();
            prop_assert_eq!(a, b);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Any text, however hostile (control bytes, unicode, padding, case), becomes 1, 0 or
        /// invalid by the documented rule, never a panic or another value.
        #[test]
        fn any_text_normalises_by_the_rule(values in prop::collection::vec(
            prop::option::of(prop_oneof![
                prop::sample::select(vec!["1", " YES ", "True", "0.0", "no", "1.0", "0", "nah", "", "\u{0}1", "2"])
                    .prop_map(str::to_string),
                ".{0,8}",
            ]),
            1..40,
        )) {
            let series = Series::new("x".into(), values.clone());
            let df = DataFrame::new_infer_height(vec![series.into_column()]).expect("frame");
            let distinct = distinct_text(&df.clone().lazy(), "x", &DataType::String).expect("distinct").expect("few");
            let by_value = binary_by_value("x", &DataType::String, &distinct).alias("y");
            let out = df.lazy().select([normalised("x", &DataType::String, false).alias("x"), by_value]).collect().expect("normalise");
            let by_value: Vec<Option<i32>> = out.column("y").expect("y").i32().expect("i32").iter().collect();
            let got: Vec<Option<i32>> = out.column("x").expect("x").cast(&DataType::Int32).expect("int").i32().expect("i32").iter().collect();
            let want: Vec<Option<i32>> = values.iter().map(|v| v.as_deref().and_then(expected)).collect();
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(by_value, want, "coding by value is coding by row");
        }
    }
}
