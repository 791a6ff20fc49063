//! Metric selection: named with `--metrics`, or detected as the binary columns all sources share.

use super::labels::{normalised, verdict};
use super::model::{DataOptions, RawSource};
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
}

/// Picks the metrics: `--metrics` (each must exist in every source), or every candidate shared by
/// all sources whose baseline values are mostly valid labels (checked on the first 10,000 rows).
pub(crate) fn select_metrics(raws: &[RawSource], options: &DataOptions) -> Result<Selection> {
    let shared: Vec<String> = raws[0]
        .columns
        .iter()
        .map(|(m, _, _)| m.clone())
        .filter(|m| raws[1..].iter().all(|r| r.columns.iter().any(|(x, _, _)| x == m)))
        .collect();
    let mut selection = match &options.metrics {
        Some(requested) => explicit(raws, requested, &shared)?,
        None => detect(&raws[0], &shared, options)?,
    };
    selection.truth_metrics = truth_metrics(raws, options)?;
    if selection.metrics.is_empty() && selection.truth_metrics.is_empty() {
        return Err(no_common_metric(raws, &shared));
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
        if let Some(raw) = raws.iter().find(|r| !r.columns.iter().any(|(m, _, _)| m == metric)) {
            return Err(AmplifyError::UnknownMetric {
                metric: metric.clone(),
                source_name: raw.name.clone(),
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
    Ok(Selection { metrics, skipped: Vec::new(), truth_metrics: Vec::new() })
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
        return Ok(Selection { metrics: Vec::new(), skipped: Vec::new(), truth_metrics: Vec::new() });
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
    Ok(Selection { metrics, skipped, truth_metrics: Vec::new() })
}

fn no_common_metric(raws: &[RawSource], shared: &[String]) -> AmplifyError {
    let list = |r: &RawSource| r.columns.iter().map(|(m, _, _)| m.as_str()).collect::<Vec<_>>().join(", ");
    let model = raws.get(1).map(|r| r.name.clone()).unwrap_or_default();
    let detail = format!(
        "baseline label columns [{}], {} label columns [{}], shared [{}] but none holds 0/1 labels",
        list(&raws[0]),
        model,
        raws.get(1).map(list).unwrap_or_default(),
        shared.join(", ")
    );
    AmplifyError::NoCommonMetric { model, detail }
}
