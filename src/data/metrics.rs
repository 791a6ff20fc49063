//! Metric selection: named with `--metrics`, or detected as the binary columns all sources share.

use super::labels::normalised;
use super::layout::{DataOptions, RawSource};
use super::{cell_u64, EngineContext};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// Rows read to decide whether a shared column holds binary labels.
const PROBE_ROWS: u32 = 10_000;

/// The chosen metrics and the shared columns that were left out.
pub(crate) struct Selection {
    pub metrics: Vec<String>,
    pub skipped: Vec<String>,
}

/// Picks the metrics: `--metrics` (each must exist in every source), or every candidate shared by
/// all sources whose baseline values are mostly valid labels (checked on the first 10,000 rows).
pub(crate) fn select_metrics(raws: &[RawSource], options: &DataOptions) -> Result<Selection> {
    let shared: Vec<String> = raws[0]
        .columns
        .iter()
        .map(|(m, _, _)| m.clone())
        .filter(|m| {
            raws[1..]
                .iter()
                .all(|r| r.columns.iter().any(|(x, _, _)| x == m))
        })
        .collect();
    let selection = match &options.metrics {
        Some(requested) => explicit(raws, requested, &shared)?,
        None => detect(&raws[0], &shared)?,
    };
    if selection.metrics.is_empty() {
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
        if let Some(raw) = raws
            .iter()
            .find(|r| !r.columns.iter().any(|(m, _, _)| m == metric))
        {
            return Err(AmplifyError::UnknownMetric {
                metric: metric.clone(),
                source_name: raw.name.clone(),
                candidates: if shared.is_empty() {
                    "(none)".into()
                } else {
                    shared.join(", ")
                },
            });
        }
    }
    let mut metrics: Vec<String> = Vec::new();
    for m in requested {
        if !metrics.contains(m) {
            metrics.push(m.clone());
        }
    }
    Ok(Selection {
        metrics,
        skipped: Vec::new(),
    })
}

fn detect(baseline: &RawSource, shared: &[String]) -> Result<Selection> {
    if shared.is_empty() {
        return Ok(Selection {
            metrics: Vec::new(),
            skipped: Vec::new(),
        });
    }
    let mut exprs = Vec::new();
    let columns = shared
        .iter()
        .filter_map(|metric| baseline.columns.iter().find(|(m, _, _)| m == metric));
    for (i, (_, column, dtype)) in columns.enumerate() {
        exprs.push(
            normalised(column, dtype, false)
                .is_not_null()
                .cast(DataType::Int64)
                .sum()
                .alias(format!("v{i}")),
        );
        exprs.push(
            col(column.as_str())
                .is_not_null()
                .cast(DataType::Int64)
                .sum()
                .alias(format!("n{i}")),
        );
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
    Ok(Selection { metrics, skipped })
}

fn no_common_metric(raws: &[RawSource], shared: &[String]) -> AmplifyError {
    let list = |r: &RawSource| {
        r.columns
            .iter()
            .map(|(m, _, _)| m.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
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
