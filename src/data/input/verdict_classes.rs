//! Verdict classes (`--verdict-classes`): each source's verdict columns read as class codes
//! (the index of the class among the run's classes; null for a missing label or any other
//! word), beside the binary labels the rest of the run uses. Counted in `data::count`.

use super::labels::{any_of, as_strs, distinct_text, is_text};
use super::model::{ClassFrames, DataOptions, RawSource};
use super::source::ScannedFile;
use super::verdict_words::{spellings, verdict_token};
use crate::data::columns::{self, ID, TRUTH_CLASS};
use crate::data::engine::EngineContext;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// A label's class code as Int32: the position of its trimmed, upper-cased text (a verdict in
/// words as its code) among `classes`; null for anything else (also for columns that are not
/// text).
pub(crate) fn class_code(name: &str, dtype: &DataType, classes: &[String]) -> Expr {
    let null = || lit(NULL).cast(DataType::Int32);
    if !is_text(dtype) {
        return null();
    }
    let text = if dtype.is_string() { col(name) } else { col(name).cast(DataType::String) };
    let s = text.str().strip_chars(lit(NULL)).str().to_uppercase();
    classes
        .iter()
        .enumerate()
        .rev()
        .fold(lit(NULL).cast(DataType::Int32), |rest, (i, class)| {
            let words = spellings(class);
            when(any_of(&s, &as_strs(&words))).then(lit(i as i32)).otherwise(rest)
        })
        .cast(DataType::Int32)
}

/// [`class_code`] by value: each distinct raw value (`values`, from `labels::distinct_text`) is
/// classed once and rows are compared with the raw values of each class, sparing the per-row
/// trimming and case-folding.
fn class_code_by_value(name: &str, dtype: &DataType, values: &[String], classes: &[String]) -> Expr {
    let text = if dtype.is_string() { col(name) } else { col(name).cast(DataType::String) };
    classes.iter().enumerate().rev().fold(lit(NULL).cast(DataType::Int32), |rest, (i, class)| {
        let raw: Vec<Expr> = values
            .iter()
            .filter(|v| verdict_token(v) == *class)
            .map(|v| text.clone().eq(lit(v.as_str())))
            .collect();
        match raw.into_iter().reduce(|a, b| a.or(b)) {
            Some(hit) => when(hit).then(lit(i as i32)).otherwise(rest),
            None => rest,
        }
    })
}

/// A column's class codes: by value when it is text with few distinct values, else by row.
fn class_column(lazy: &LazyFrame, name: &str, dtype: &DataType, classes: &[String]) -> Result<Expr> {
    let distinct =
        distinct_text(lazy, name, dtype).engine(|| format!("reading the verdict classes of '{name}'"))?;
    Ok(match distinct {
        Some(values) => class_code_by_value(name, dtype, &values, classes).cast(DataType::Int32),
        None => class_code(name, dtype, classes),
    })
}

/// The class frames of the raw sources (baseline first), for the verdict metrics among
/// `columns`; `None` without `--verdict-classes`.
pub(crate) fn class_frames(
    raws: &[RawSource],
    files: &[ScannedFile],
    columns: &[String],
    id_type: &DataType,
    options: &DataOptions,
) -> Result<Option<ClassFrames>> {
    let Some(classes) = &options.verdict_classes else { return Ok(None) };
    let metrics: Vec<String> = columns.iter().filter(|m| options.verdicts.contains(m)).cloned().collect();
    if metrics.is_empty() {
        return Err(AmplifyError::Usage(format!(
            "--verdict-classes: no --verdict metric ({}) is read from the inputs; check --verdict and --metrics",
            options.verdicts.join(", ")
        )));
    }
    let frame = |raw: &RawSource| -> Result<Vec<Expr>> {
        let mut exprs = vec![col(raw.id.as_str()).cast(id_type.clone()).alias(ID)];
        for (j, metric) in metrics.iter().enumerate() {
            let code = match raw.columns.iter().find(|(m, _, _)| m == metric) {
                Some((_, column, dtype)) => class_column(&raw.lazy, column, dtype, classes)?,
                None => lit(NULL).cast(DataType::Int32),
            };
            exprs.push(code.alias(columns::class(j)));
        }
        Ok(exprs)
    };
    let mut baseline = frame(&raws[0])?;
    baseline.push(match &options.truth {
        Some(truth) => {
            let dtype = files[raws[0].file].schema.get(truth).cloned().unwrap_or(DataType::Null);
            class_column(&raws[0].lazy, truth, &dtype, classes)?.alias(TRUTH_CLASS)
        }
        None => lit(NULL).cast(DataType::Int32).alias(TRUTH_CLASS),
    });
    let sources = raws[1..]
        .iter()
        .map(|r| Ok((r.name.clone(), r.lazy.clone().select(frame(r)?))))
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(ClassFrames {
        classes: classes.clone(),
        metrics: metrics.clone(),
        baseline: raws[0].lazy.clone().select(baseline),
        sources,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_class_positions_and_anything_else_is_null() {
        let classes: Vec<String> = ["YTA", "NTA", "ESH"].map(String::from).to_vec();
        let values = [Some(" yta "), Some("ESH"), Some("Nta\t"), Some("NAH"), None, Some(""), Some("YTA!")];
        let df = df!("v" => values).expect("frame");
        let out = df
            .lazy()
            .select([class_code("v", &DataType::String, &classes).alias("v")])
            .collect()
            .expect("codes");
        let got: Vec<Option<i32>> = out.column("v").expect("v").i32().expect("i32").iter().collect();
        assert_eq!(got, vec![Some(0), Some(2), Some(1), None, None, None, None]);
        let numbers = df!("v" => [1i64, 0]).expect("frame");
        // By value: the same codes as by row.
        let distinct = distinct_text(&df!("v" => values).expect("frame").lazy(), "v", &DataType::String);
        let by_value =
            class_code_by_value("v", &DataType::String, &distinct.expect("ok").expect("few"), &classes);
        let again =
            df!("v" => values).expect("frame").lazy().select([by_value.alias("v")]).collect().expect("codes");
        let same: Vec<Option<i32>> = again.column("v").expect("v").i32().expect("i32").iter().collect();
        assert_eq!(same, got);
        let code = class_code("v", &DataType::Int64, &classes).alias("code");
        let out = numbers.lazy().select([col("v"), code]).collect().expect("codes");
        assert_eq!(out.column("code").expect("code").null_count(), 2, "numbers have no class");
    }
}
