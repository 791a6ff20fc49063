//! Metric selection: named with `--metrics`, or detected as the baseline's binary columns that at
//! least one model has. A model without one of them is compared on the others; the run says
//! which (model, metric) pairs are absent. Also the columns of a file that could hold labels
//! ([`label_columns`]).

use super::labels::{is_label_type, normalised, verdict};
use super::model::{DataOptions, RawSource};
use super::source::ScannedFile;
use crate::data::engine::{cell_u64, EngineContext};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// Rows read to decide whether a shared column holds binary labels.
const PROBE_ROWS: u32 = 10_000;

/// The chosen metrics and the shared columns that were left out.
pub(crate) struct Selection {
    pub metrics: Vec<String>,
    pub skipped: Vec<String>,
    pub truth_metrics: Vec<String>,
    /// (model, metric) pairs of selected metrics a model does not have.
    pub absent: Vec<(String, String)>,
}

/// Picks the metrics: `--metrics` (each in the baseline and in at least one model), or every
/// baseline column some model has whose baseline values are mostly valid labels (checked on the
/// first 10,000 rows). Fails when a model has none of them.
pub(crate) fn select_metrics(raws: &[RawSource], options: &DataOptions) -> Result<Selection> {
    let has = |r: &RawSource, m: &str| r.columns.iter().any(|(x, _, _)| x == m);
    let shared: Vec<String> = raws[0]
        .columns
        .iter()
        .map(|(m, _, _)| m.clone())
        .filter(|m| raws[1..].iter().any(|r| has(r, m)))
        .collect();
    let mut selection = match &options.metrics {
        Some(requested) => explicit(raws, requested, &shared)?,
        None => detect(&raws[0], &shared, options)?,
    };
    selection.truth_metrics = truth_metrics(raws, options)?;
    if selection.metrics.is_empty() && selection.truth_metrics.is_empty() {
        return Err(no_common_metric(raws, &raws[1], &shared));
    }
    for model in &raws[1..] {
        let absent: Vec<&String> = selection.metrics.iter().filter(|m| !has(model, m)).collect();
        let judged = selection.truth_metrics.iter().any(|m| has(model, m));
        if absent.len() == selection.metrics.len() && !judged {
            return Err(no_common_metric(raws, model, &shared));
        }
        selection.absent.extend(absent.into_iter().map(|m| (model.name.clone(), m.clone())));
    }
    for metric in &options.invert {
        if !selection.metrics.contains(metric) {
            return Err(AmplifyError::UnknownMetric {
                metric: metric.clone(),
                source_name: "--invert (not a selected metric)".into(),
                candidates: selection.metrics.join(", "),
            });
        }
    }
    Ok(selection)
}

fn explicit(raws: &[RawSource], requested: &[String], shared: &[String]) -> Result<Selection> {
    for metric in requested {
        if !shared.contains(metric) {
            let baseline_has = raws[0].columns.iter().any(|(m, _, _)| m == metric);
            return Err(AmplifyError::UnknownMetric {
                metric: metric.clone(),
                source_name: if baseline_has { "any model".into() } else { raws[0].name.clone() },
                candidates: if shared.is_empty() { "(none)".into() } else { shared.join(", ") },
            });
        }
    }
    let mut metrics: Vec<String> = Vec::new();
    for m in requested {
        if !metrics.contains(m) {
            metrics.push(m.clone());
        }
    }
    Ok(Selection { metrics, skipped: Vec::new(), truth_metrics: Vec::new(), absent: Vec::new() })
}

/// Metrics judged against the truth: `--against-truth` (each present in some source), or every
/// metric named like `moral_endorsement` or `verdict`. Empty without `--truth`.
fn truth_metrics(raws: &[RawSource], options: &DataOptions) -> Result<Vec<String>> {
    if options.truth.is_none() {
        return Ok(Vec::new());
    }
    let mut all: Vec<String> = Vec::new();
    for (m, _, _) in raws.iter().flat_map(|r| r.columns.iter()) {
        if !all.contains(m) && Some(m) != options.truth.as_ref() {
            all.push(m.clone());
        }
    }
    match &options.against_truth {
        Some(requested) => {
            if let Some(missing) = requested.iter().find(|m| !all.contains(m)) {
                return Err(AmplifyError::UnknownMetric {
                    metric: missing.clone(),
                    source_name: "--against-truth (no source has it)".into(),
                    candidates: all.join(", "),
                });
            }
            Ok(requested.clone())
        }
        None => Ok(all
            .into_iter()
            .filter(|m| {
                let lower = m.to_lowercase();
                lower.contains("moral_endorsement") || lower.contains("verdict")
            })
            .collect()),
    }
}

fn detect(baseline: &RawSource, shared: &[String], options: &DataOptions) -> Result<Selection> {
    if shared.is_empty() {
        return Ok(Selection {
            metrics: Vec::new(),
            skipped: Vec::new(),
            truth_metrics: Vec::new(),
            absent: Vec::new(),
        });
    }
    let mut exprs = Vec::new();
    let columns = shared.iter().filter_map(|metric| baseline.columns.iter().find(|(m, _, _)| m == metric));
    for (i, (metric, column, dtype)) in columns.enumerate() {
        let label = if options.verdicts.contains(metric) {
            verdict(column, dtype, &options.verdict_map)
        } else {
            normalised(column, dtype, false)
        };
        exprs.push(label.is_not_null().cast(DataType::Int64).sum().alias(format!("v{i}")));
        exprs.push(col(column.as_str()).is_not_null().cast(DataType::Int64).sum().alias(format!("n{i}")));
    }
    let df = baseline
        .lazy
        .clone()
        .limit(PROBE_ROWS)
        .select(exprs)
        .collect()
        .engine(|| format!("detecting metric columns of '{}'", baseline.name))?;
    let (mut metrics, mut skipped) = (Vec::new(), Vec::new());
    for (i, metric) in shared.iter().enumerate() {
        let valid = cell_u64(&df, &format!("v{i}"))?;
        let present = cell_u64(&df, &format!("n{i}"))?;
        if valid > 0 && 2 * valid >= present {
            metrics.push(metric.clone());
        } else {
            skipped.push(metric.clone());
        }
    }
    Ok(Selection { metrics, skipped, truth_metrics: Vec::new(), absent: Vec::new() })
}

fn no_common_metric(raws: &[RawSource], model: &RawSource, shared: &[String]) -> AmplifyError {
    let list = |r: &RawSource| r.columns.iter().map(|(m, _, _)| m.as_str()).collect::<Vec<_>>().join(", ");
    if model.name == raws[0].name {
        // One source alone (it stands in as its own model).
        return AmplifyError::Data(format!(
            "{}: no column holds mostly valid 0/1 labels (candidate columns: [{}]); valid labels are 0/1, true/false, yes/no: name the metrics with --metrics or fix the labels",
            raws[0].name,
            list(&raws[0])
        ));
    }
    let detail = format!(
        "baseline label columns [{}], {} label columns [{}]; selected metrics [{}]",
        list(&raws[0]),
        model.name,
        list(model),
        shared.join(", ")
    );
    AmplifyError::NoCommonMetric { model: model.name.clone(), detail }
}

/// Columns that could hold labels, minus the excluded ones, as (metric, column, type) with the
/// metric named after the column.
pub(crate) fn label_columns(file: &ScannedFile, exclude: &[&str]) -> Vec<(String, String, DataType)> {
    file.schema
        .iter()
        .filter(|(name, dtype)| !exclude.contains(&name.as_str()) && is_label_type(dtype))
        .filter(|(name, _)| {
            !file.log.as_ref().is_some_and(|l| l.not_labels.iter().any(|n| n == name.as_str()))
        })
        .map(|(name, dtype)| (name.to_string(), name.to_string(), dtype.clone()))
        .collect()
}
