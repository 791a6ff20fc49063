//! Label normalisation: every accepted spelling of a binary label becomes 0 or 1, anything else
//! becomes null (invalid) so that it is counted, never silently dropped.

use polars::prelude::*;

/// Strings (after trimming and lower-casing) read as 1.
pub const TRUE_LABELS: [&str; 4] = ["1", "1.0", "true", "yes"];
/// Strings (after trimming and lower-casing) read as 0.
pub const FALSE_LABELS: [&str; 4] = ["0", "0.0", "false", "no"];

/// Whether a column of this type can hold binary labels at all.
pub fn is_label_type(dtype: &DataType) -> bool {
    dtype.is_bool() || dtype.is_primitive_numeric() || dtype.is_string()
}

/// The normalised label of column `name` as Int32: 1, 0 or null (invalid).
///
/// Integers and floats: exactly 1 or 0 (NaN, 2, −1 are invalid). Booleans: true/false. Strings:
/// trimmed, case-insensitive members of [`TRUE_LABELS`] / [`FALSE_LABELS`]. Other types: all
/// invalid. With `invert`, 1 and 0 swap (invalid stays invalid).
pub fn normalised(name: &str, dtype: &DataType, invert: bool) -> Expr {
    let c = col(name);
    let (one, zero) = if invert { (0, 1) } else { (1, 0) };
    let null = || lit(NULL).cast(DataType::Int32);
    if dtype.is_bool() {
        when(c.clone()).then(lit(one)).when(c.not()).then(lit(zero)).otherwise(null())
    } else if dtype.is_primitive_numeric() {
        let f = c.cast(DataType::Float64);
        when(f.clone().eq(lit(1.0))).then(lit(one)).when(f.eq(lit(0.0))).then(lit(zero)).otherwise(null())
    } else if dtype.is_string() {
        let s = c.str().strip_chars(lit(NULL)).str().to_lowercase();
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

/// The label code of column `name` as Int64 without nulls: 1, 0, or 2 for an invalid label; the
/// same labels as [`normalised`] (or [`verdict`] when `verdicts` is given), with 1 and 0 swapped
/// under `invert`.
///
/// Integer and boolean columns are widened to Int64 and coded by [`code_kernel`], a Rust loop
/// that polars runs per morsel like any elementwise expression: polars compares elementwise
/// through a scalar bitmap loop without its nightly SIMD feature, and the comparisons of
/// [`normalised`] were the largest cost of a 10M-item run. Other types go through [`normalised`]
/// first.
pub fn label_code(name: &str, dtype: &DataType, invert: bool, verdicts: Option<&VerdictMap>) -> Expr {
    let labels = match verdicts {
        Some(map) if dtype.is_string() => verdict(name, dtype, map),
        _ if dtype.is_bool() || dtype.is_integer() => col(name),
        _ => normalised(name, dtype, false),
    };
    labels.map(
        move |c| code_kernel(&c, invert).map(IntoColumn::into_column),
        |_, field| Ok(Field::new(field.name().clone(), DataType::Int64)),
    )
}

/// Codes integer labels: 1 → 1, 0 → 0 (swapped under `invert`); anything else or null → 2.
/// Int32 columns are read as they are, other types widened to Int64 first.
pub fn code_kernel(column: &Column, invert: bool) -> PolarsResult<Int64Chunked> {
    let mut out = Vec::with_capacity(column.len());
    if column.dtype() == &DataType::Int32 {
        for arr in column.i32()?.downcast_iter() {
            let validity = arr.validity().filter(|v| v.unset_bits() > 0).map(|v| v.as_slice());
            code_chunk(arr.values(), validity.map(|(bytes, offset, _)| (bytes, offset)), invert, &mut out);
        }
    } else {
        let wide = column.cast(&DataType::Int64)?;
        for arr in wide.i64()?.downcast_iter() {
            let validity = arr.validity().filter(|v| v.unset_bits() > 0).map(|v| v.as_slice());
            code_chunk(arr.values(), validity.map(|(bytes, offset, _)| (bytes, offset)), invert, &mut out);
        }
    }
    Ok(Int64Chunked::from_vec(column.name().clone(), out))
}

/// Appends the codes of one array: a branch-free loop over the values and the validity bytes.
/// `validity` is the validity bitmap's bytes and bit offset (None: no nulls).
fn code_chunk<T: Copy + Into<i64>>(
    values: &[T],
    validity: Option<(&[u8], usize)>,
    invert: bool,
    out: &mut Vec<i64>,
) {
    // Branch-free (labels are unpredictable, so a branch per value mispredicts often):
    // `ok` is 1 for a valid 0/1 label, the code is the label (xor 1 when inverted) or 2.
    let flip = i64::from(invert);
    let code = move |v: T, valid: bool| {
        let v: i64 = v.into();
        let ok = i64::from(valid) & i64::from((v as u64) < 2);
        ok * (v ^ flip) + (1 - ok) * 2
    };
    let start = out.len();
    out.resize(start + values.len(), 2);
    let dst = &mut out[start..];
    match validity {
        None => {
            for (d, &v) in dst.iter_mut().zip(values) {
                *d = code(v, true);
            }
        }
        Some((bytes, offset)) => {
            for (i, (d, &v)) in dst.iter_mut().zip(values).enumerate() {
                let bit = i + offset;
                let valid = bytes.get(bit >> 3).is_some_and(|b| (b >> (bit & 7)) & 1 == 1);
                *d = code(v, valid);
            }
        }
    }
}

fn any_of(s: &Expr, labels: &[&str]) -> Expr {
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

impl VerdictMap {
    /// Parses `TOKEN=1,TOKEN=0,...` (e.g. `YTA=1,ESH=0,NTA=0,NAH=0`); tokens not listed are
    /// invalid. Returns an error message naming the bad entry.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut map = Self { ones: Vec::new(), zeros: Vec::new() };
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match entry.split_once('=').map(|(k, v)| (k.trim().to_uppercase(), v.trim())) {
                Some((k, "1")) if !k.is_empty() => map.ones.push(k),
                Some((k, "0")) if !k.is_empty() => map.zeros.push(k),
                _ => return Err(format!("--verdict-map entry '{entry}' is not TOKEN=1 or TOKEN=0")),
            }
        }
        if map.ones.is_empty() || map.zeros.is_empty() {
            return Err("--verdict-map needs at least one TOKEN=1 and one TOKEN=0".into());
        }
        Ok(map)
    }
}

/// A verdict label as Int32: a string column maps through `map` (trimmed, case-insensitive) and
/// also accepts the binary spellings of [`normalised`]; other types are read as binary labels.
pub fn verdict(name: &str, dtype: &DataType, map: &VerdictMap) -> Expr {
    if !dtype.is_string() {
        return normalised(name, dtype, false);
    }
    let s = col(name).str().strip_chars(lit(NULL)).str().to_uppercase();
    let upper = |labels: &[&str]| labels.iter().map(|l| l.to_uppercase()).collect::<Vec<_>>();
    let ones: Vec<String> = map.ones.iter().cloned().chain(upper(&TRUE_LABELS)).collect();
    let zeros: Vec<String> = map.zeros.iter().cloned().chain(upper(&FALSE_LABELS)).collect();
    when(any_of(&s, &as_strs(&ones)))
        .then(lit(1))
        .when(any_of(&s, &as_strs(&zeros)))
        .then(lit(0))
        .otherwise(lit(NULL).cast(DataType::Int32))
        .cast(DataType::Int32)
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_kernel_keeps_0_and_1_and_codes_everything_else_2() {
        let values = [Some(1i64), Some(0), None, Some(2), Some(-1), Some(i64::MAX)];
        let column = Int64Chunked::from_iter_options("x".into(), values.into_iter()).into_column();
        let plain: Vec<Option<i64>> = code_kernel(&column, false).expect("kernel").iter().collect();
        assert_eq!(plain, [1, 0, 2, 2, 2, 2].map(Some).to_vec());
        let inverted: Vec<Option<i64>> = code_kernel(&column, true).expect("kernel").iter().collect();
        assert_eq!(inverted, [0, 1, 2, 2, 2, 2].map(Some).to_vec());
    }
}
