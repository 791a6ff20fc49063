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
        when(c.clone())
            .then(lit(one))
            .when(c.not())
            .then(lit(zero))
            .otherwise(null())
    } else if dtype.is_primitive_numeric() {
        let f = c.cast(DataType::Float64);
        when(f.clone().eq(lit(1.0)))
            .then(lit(one))
            .when(f.eq(lit(0.0)))
            .then(lit(zero))
            .otherwise(null())
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

fn any_of(s: &Expr, labels: &[&str]) -> Expr {
    labels
        .iter()
        .map(|l| s.clone().eq(lit(*l)))
        .reduce(|a, b| a.or(b))
        .unwrap_or_else(|| lit(false))
}

/// Normalises one value in plain Rust with the same rules (used to describe distributions).
pub fn normalise_str(raw: &str) -> Option<u8> {
    let s = raw.trim().to_lowercase();
    if TRUE_LABELS.contains(&s.as_str()) {
        Some(1)
    } else if FALSE_LABELS.contains(&s.as_str()) {
        Some(0)
    } else {
        None
    }
}
