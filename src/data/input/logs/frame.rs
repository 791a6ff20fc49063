//! Samples of a log as one frame: ids (integers when every id is one, else text), epochs, the
//! target, the model's output text (when a sample has one), a label column per score and a column
//! per metadata field.

use polars::prelude::*;
use serde_json::Value;

/// One sample of one epoch, as a log holds it.
pub(crate) struct Sample {
    /// The sample id (an integer or a string).
    pub id: Value,
    /// The epoch, from 1.
    pub epoch: i64,
    /// The target, as text (a list of targets joined by `|`).
    pub target: Option<String>,
    /// The model's answer as text (Inspect: the first choice's message), for `amplify words`.
    pub output: Option<String>,
    /// Each score's value by name (`scorer`, or `scorer.key` for a dict-valued score); `None`
    /// when the value is no label (Inspect's `N`, `P`, null).
    pub scores: Vec<(String, Option<Value>)>,
    /// Scalar metadata fields by name (nested objects flattened with `.`).
    pub metadata: Vec<(String, Value)>,
}

/// The columns every log frame has before its scores and metadata.
pub(crate) const FIXED: [&str; 4] = ["id", "epoch", "target", "output"];

/// The frame of `samples`, and the names of its score columns.
pub(crate) fn build(samples: &[Sample]) -> PolarsResult<(DataFrame, Vec<String>, Vec<String>)> {
    let n = samples.len();
    let mut columns = vec![
        values_column("id", samples.iter().map(|s| Some(&s.id)).collect(), n),
        Column::new("epoch".into(), samples.iter().map(|s| s.epoch).collect::<Vec<_>>()),
        Column::new("target".into(), samples.iter().map(|s| s.target.clone()).collect::<Vec<_>>()),
    ];
    if samples.iter().any(|s| s.output.is_some()) {
        columns
            .push(Column::new("output".into(), samples.iter().map(|s| s.output.clone()).collect::<Vec<_>>()));
    }
    let scores = names(samples.iter().flat_map(|s| s.scores.iter().map(|(k, _)| k.as_str())));
    for name in &scores {
        let values = samples.iter().map(|s| lookup(&s.scores, name).and_then(|v| v.as_ref())).collect();
        columns.push(values_column(name, values, n));
    }
    let mut metadata = Vec::new();
    for field in names(samples.iter().flat_map(|s| s.metadata.iter().map(|(k, _)| k.as_str()))) {
        let taken = FIXED.contains(&field.as_str()) || scores.contains(&field);
        let name = if taken { format!("metadata.{field}") } else { field.clone() };
        let values = samples.iter().map(|s| lookup(&s.metadata, &field)).collect();
        columns.push(values_column(&name, values, n));
        metadata.push(name);
    }
    Ok((DataFrame::new(n, columns)?, scores, metadata))
}

/// Distinct names in order of first appearance.
fn names<'a>(all: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in all {
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out
}

fn lookup<'a, T>(pairs: &'a [(String, T)], name: &str) -> Option<&'a T> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// A column of JSON scalars: integers, floats or booleans when every present value is one of
/// that kind, else text (numbers and booleans written as JSON writes them).
fn values_column(name: &str, values: Vec<Option<&Value>>, n: usize) -> Column {
    let present = || values.iter().flatten();
    let name: PlSmallStr = name.into();
    if present().all(|v| v.is_i64()) {
        Column::new(name, values.iter().map(|v| v.and_then(Value::as_i64)).collect::<Vec<_>>())
    } else if present().all(|v| v.is_number()) {
        Column::new(name, values.iter().map(|v| v.and_then(Value::as_f64)).collect::<Vec<_>>())
    } else if present().all(|v| v.is_boolean()) {
        Column::new(name, values.iter().map(|v| v.and_then(Value::as_bool)).collect::<Vec<_>>())
    } else {
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let column: Vec<Option<String>> = values.iter().map(|v| v.map(text)).collect();
        debug_assert_eq!(column.len(), n);
        Column::new(name, column)
    }
}
