//! Reduction of the normalised judgement tables to the counts table, inside polars: one inner
//! join and one aggregate per model, no per-row loop in Rust.

use super::layout::{Dataset, SourceFrame, ID};
use super::{cell_u64, EngineContext};
use crate::counts::{CountsTable, MetricCounts, ModelCounts};
use crate::error::{AmplifyError, Result};
use crate::stats::{PairedCounts, ScoreSums};
use polars::prelude::*;

/// Computes the counts table of every model against the baseline.
///
/// Fails when a model shares no id with the baseline, or when a metric has no valid label on one
/// side among the matched items.
pub fn reduce(data: &Dataset) -> Result<CountsTable> {
    let mut table = CountsTable::default();
    for model in &data.models {
        let df = aggregate(&data.baseline, model, &data.metrics)?;
        let matched = cell_u64(&df, "matched")?;
        if matched == 0 {
            return Err(no_overlap(data, model));
        }
        for (i, metric) in data.metrics.iter().enumerate() {
            let counts = metric_counts(&df, i, &model.name, metric)?;
            check_valid(data, model, &counts, matched)?;
            table.metrics.push(counts);
        }
        let score = ScoreSums {
            n: cell_u64(&df, "score_n")?,
            metrics: data.metrics.len() as u64,
            sum_baseline: cell_u64(&df, "score_b")?,
            sum_model: cell_u64(&df, "score_m")?,
            sum_sq_diff: cell_u64(&df, "score_d2")?,
        };
        table.models.push(ModelCounts {
            model: model.name.clone(),
            matched,
            baseline_only: data.baseline.rows - matched,
            model_only: model.rows - matched,
            score,
        });
    }
    Ok(table)
}

/// Joins baseline and model on id and aggregates the 2×2 cells, invalid counts and score sums.
fn aggregate(baseline: &SourceFrame, model: &SourceFrame, metrics: &[String]) -> Result<DataFrame> {
    let renamed = |frame: &SourceFrame, prefix: &str| {
        let mut exprs = vec![col(ID)];
        exprs.extend(
            metrics
                .iter()
                .enumerate()
                .map(|(i, m)| col(m.as_str()).alias(format!("{prefix}{i}"))),
        );
        frame.lazy.clone().select(exprs)
    };
    let joined = renamed(baseline, "b").inner_join(renamed(model, "m"), col(ID), col(ID));
    let mut exprs = vec![len().cast(DataType::Int64).alias("matched")];
    for i in 0..metrics.len() {
        let (b, m) = (col(format!("b{i}")), col(format!("m{i}")));
        let cell = |bv: i32, mv: i32| count_if(b.clone().eq(lit(bv)).and(m.clone().eq(lit(mv))));
        exprs.extend([
            cell(1, 1).alias(format!("both{i}")),
            cell(0, 1).alias(format!("model_only{i}")),
            cell(1, 0).alias(format!("baseline_only{i}")),
            cell(0, 0).alias(format!("neither{i}")),
            count_if(b.clone().is_null()).alias(format!("invalid_b{i}")),
            count_if(m.clone().is_null()).alias(format!("invalid_m{i}")),
        ]);
    }
    exprs.extend(score_sums(metrics.len())?);
    joined
        .select(exprs)
        .collect()
        .engine(|| format!("counting '{}' against '{}'", model.name, baseline.name))
}

/// Σ over items valid on every metric of B_i, M_i and (M_i − B_i)², and the number of such items.
fn score_sums(k: usize) -> Result<Vec<Expr>> {
    let side = |prefix: &str| {
        (0..k)
            .map(|i| col(format!("{prefix}{i}")))
            .collect::<Vec<_>>()
    };
    let all_valid = side("b")
        .into_iter()
        .chain(side("m"))
        .map(|e| e.is_not_null())
        .collect::<Vec<_>>();
    let context = || "building the overall score".to_string();
    let valid = all_horizontal(all_valid).engine(context)?;
    let sum_b = polars::lazy::dsl::sum_horizontal(side("b"), true)
        .engine(context)?
        .cast(DataType::Int64);
    let sum_m = polars::lazy::dsl::sum_horizontal(side("m"), true)
        .engine(context)?
        .cast(DataType::Int64);
    let diff = sum_m.clone() - sum_b.clone();
    let when_valid = |e: Expr| when(valid.clone()).then(e).otherwise(lit(0i64)).sum();
    Ok(vec![
        count_if(valid.clone()).alias("score_n"),
        when_valid(sum_b).alias("score_b"),
        when_valid(sum_m).alias("score_m"),
        when_valid(diff.clone() * diff).alias("score_d2"),
    ])
}

fn count_if(condition: Expr) -> Expr {
    condition.fill_null(lit(false)).cast(DataType::Int64).sum()
}

fn metric_counts(df: &DataFrame, i: usize, model: &str, metric: &str) -> Result<MetricCounts> {
    let get = |name: &str| cell_u64(df, &format!("{name}{i}"));
    Ok(MetricCounts {
        model: model.to_string(),
        metric: metric.to_string(),
        pairs: PairedCounts {
            both: get("both")?,
            model_only: get("model_only")?,
            baseline_only: get("baseline_only")?,
            neither: get("neither")?,
        },
        invalid_baseline: get("invalid_b")?,
        invalid_model: get("invalid_m")?,
    })
}

fn check_valid(
    data: &Dataset,
    model: &SourceFrame,
    counts: &MetricCounts,
    matched: u64,
) -> Result<()> {
    let (source, invalid) = if counts.invalid_baseline == matched {
        (&data.baseline, counts.invalid_baseline)
    } else {
        (model, counts.invalid_model)
    };
    if invalid < matched {
        return Ok(());
    }
    Err(AmplifyError::AllInvalid {
        metric: counts.metric.clone(),
        source_name: source.name.clone(),
        path: data.files[source.file].path.clone(),
    })
}

fn no_overlap(data: &Dataset, model: &SourceFrame) -> AmplifyError {
    AmplifyError::NoOverlap {
        model: model.name.clone(),
        model_path: data.files[model.file].path.clone(),
        baseline_path: data.files[data.baseline.file].path.clone(),
        column: data.id_column.clone(),
        id_type: data.id_type.clone(),
    }
}
