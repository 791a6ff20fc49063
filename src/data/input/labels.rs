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

/// Whether [`label_bytes`] codes a column of this type (integers and booleans).
pub(crate) fn is_byte_label_type(dtype: &DataType) -> bool {
    dtype.is_integer() || dtype.is_bool()
}

/// An integer or boolean label column as [`normalised`] reads it, one byte per label without a
/// validity mask: 1, 0 (swapped with `invert`) or 2 for an invalid or missing label. One pass
/// in Rust: polars' comparison kernels behind [`normalised`] took about 0.2 s of a 10M-row
/// source of 5 columns.
pub(crate) fn label_bytes(column: &Column, invert: bool) -> PolarsResult<Column> {
    fn code<T>(ca: &ChunkedArray<T>, invert: bool) -> Vec<i8>
    where
        T: PolarsNumericType,
        T::Native: Into<i64>,
    {
        let byte = |v: i64, valid: bool| {
            if valid && (v as u64) < 2 {
                ((v ^ i64::from(invert)) & 1) as i8
            } else {
                2
            }
        };
        let mut out = Vec::with_capacity(ca.len());
        for arr in ca.downcast_iter() {
            let values = arr.values().iter().map(|&v| v.into());
            match arr.validity() {
                Some(validity) => out.extend(values.zip(validity.iter()).map(|(v, ok)| byte(v, ok))),
                None => out.extend(values.map(|v| byte(v, true))),
            }
        }
        out
    }
    let bytes = match column.dtype() {
        DataType::Int32 => code(column.i32()?, invert),
        DataType::Int8 => code(column.i8()?, invert),
        // Booleans as 1/0; wider or unsigned integers as Int64 (values beyond it become null,
        // as in `normalised`).
        DataType::Boolean => code(column.cast(&DataType::Int8)?.i8()?, invert),
        _ => code(column.cast(&DataType::Int64)?.i64()?, invert),
    };
    Ok(Int8Chunked::from_vec(column.name().clone(), bytes).into_column())
}

/// The column a metric's label codes are computed from by [`add_codes`]: integer and boolean
/// columns as they are, verdict strings through [`verdict`], other types through [`normalised`]
/// (1, 0 or null). Inversion is applied by [`add_codes`].
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

/// Adds `code · weight` to `out` for every row of a label column, where the code of 1 is 1, of 0
/// is 0 (swapped under `invert`) and of anything else or null is 2 (invalid).
pub(crate) fn add_codes(column: &Column, invert: bool, weight: i64, out: &mut [i64]) -> PolarsResult<()> {
    polars_ensure!(column.len() == out.len(), ShapeMismatch: "label column of {} rows, {} expected", column.len(), out.len());
    if column.dtype() == &DataType::Int32 {
        add_chunked(column.i32()?, invert, weight, out);
    } else {
        add_chunked(column.cast(&DataType::Int64)?.i64()?, invert, weight, out);
    }
    Ok(())
}

/// [`add_codes`] over the arrays of one integer column.
fn add_chunked<T>(ca: &ChunkedArray<T>, invert: bool, weight: i64, out: &mut [i64])
where
    T: PolarsNumericType,
    T::Native: Into<i64>,
{
    let mut at = 0;
    for arr in ca.downcast_iter() {
        let validity = arr.validity().filter(|v| v.unset_bits() > 0).map(|v| v.as_slice());
        let values = arr.values().as_slice();
        let dst = &mut out[at..at + values.len()];
        add_chunk(values, validity.map(|(bytes, offset, _)| (bytes, offset)), invert, weight, dst);
        at += values.len();
    }
}

/// Adds the weighted codes of one array to `dst`, branch-free (labels are unpredictable, so a
/// branch per value would mispredict often). `validity` is the validity bitmap's bytes and bit
/// offset (None: no nulls).
fn add_chunk<T: Copy + Into<i64>>(
    values: &[T],
    validity: Option<(&[u8], usize)>,
    invert: bool,
    weight: i64,
    dst: &mut [i64],
) {
    let flip = i64::from(invert);
    // `ok` is 1 for a valid 0/1 label; the code is the label (xor 1 when inverted) or 2.
    let code = move |v: T, valid: bool| {
        let v: i64 = v.into();
        let ok = i64::from(valid) & i64::from((v as u64) < 2);
        ok * (v ^ flip) + (1 - ok) * 2
    };
    match validity {
        None => {
            for (d, &v) in dst.iter_mut().zip(values) {
                *d += code(v, true) * weight;
            }
        }
        Some((bytes, offset)) if offset % 8 == 0 => {
            // Eight rows per validity byte.
            let bytes = bytes.get(offset / 8..).unwrap_or_default();
            for (i, (d8, v8)) in dst.chunks_mut(8).zip(values.chunks(8)).enumerate() {
                let byte = bytes.get(i).copied().unwrap_or(0);
                for (k, (d, &v)) in d8.iter_mut().zip(v8).enumerate() {
                    *d += code(v, (byte >> k) & 1 == 1) * weight;
                }
            }
        }
        Some((bytes, offset)) => {
            for (i, (d, &v)) in dst.iter_mut().zip(values).enumerate() {
                let bit = i + offset;
                let valid = bytes.get(bit >> 3).is_some_and(|b| (b >> (bit & 7)) & 1 == 1);
                *d += code(v, valid) * weight;
            }
        }
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

    #[test]
    fn label_bytes_code_as_normalised_does() {
        let columns = [
            Column::new("x".into(), [Some(1i32), Some(0), None, Some(2), Some(-1)]),
            Column::new("x".into(), [Some(1i64), Some(0), None, Some(i64::MAX), Some(1 << 40)]),
            Column::new("x".into(), [Some(1u64), Some(0), None, Some(u64::MAX), Some(1)]),
            Column::new("x".into(), [Some(1i8), Some(0), None, Some(-128), Some(1)]),
            Column::new("x".into(), [Some(true), Some(false), None, Some(true), Some(false)]),
        ];
        for column in columns {
            for invert in [false, true] {
                let frame = DataFrame::new(5, vec![column.clone()]).expect("frame");
                let expected = frame
                    .lazy()
                    .select([normalised("x", column.dtype(), invert)
                        .fill_null(lit(2))
                        .cast(DataType::Int8)
                        .alias("x")])
                    .collect()
                    .expect("normalised");
                let got = label_bytes(&column, invert).expect("bytes");
                assert_eq!(got.null_count(), 0);
                let want = expected.column("x").expect("x").as_materialized_series().clone();
                assert!(got.as_materialized_series().equals(&want), "{column:?} {invert}: {got:?}");
            }
        }
    }

    #[test]
    fn add_codes_keeps_0_and_1_and_codes_everything_else_2() {
        let values = [Some(1i64), Some(0), None, Some(2), Some(-1), Some(i64::MAX)];
        let wide = Int64Chunked::from_iter_options("x".into(), values.into_iter()).into_column();
        let narrow = wide.cast(&DataType::Int32).expect("cast"); // i64::MAX becomes null
        for column in [wide, narrow] {
            let mut out = vec![100; 6];
            add_codes(&column, false, 1, &mut out).expect("codes");
            assert_eq!(out, vec![101, 100, 102, 102, 102, 102]);
            let mut inverted = vec![0; 6];
            add_codes(&column, true, 3, &mut inverted).expect("codes");
            assert_eq!(inverted, vec![0, 3, 6, 6, 6, 6]);
        }
        // A slice starting mid-byte of the validity bitmap (the bit-by-bit path).
        let values = [Some(1), None, Some(0), Some(1), None, Some(0), Some(1), Some(1), None, Some(0)];
        let sliced =
            Int32Chunked::from_iter_options("x".into(), values.into_iter()).slice(3, 7).into_column();
        let mut out = vec![0; 7];
        add_codes(&sliced, false, 1, &mut out).expect("codes");
        assert_eq!(out, vec![1, 2, 0, 1, 1, 2, 0]);
        let booleans =
            BooleanChunked::from_iter_options("b".into(), [Some(true), None, Some(false)].into_iter());
        let mut out = vec![0; 3];
        add_codes(&booleans.into_column(), false, 1, &mut out).expect("codes");
        assert_eq!(out, vec![1, 2, 0]);
        assert!(add_codes(&Int64Chunked::from_vec("x".into(), vec![1]).into_column(), false, 1, &mut [0, 0])
            .is_err());
    }

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
