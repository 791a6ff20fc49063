//! Reduction of the normalised judgement tables to the counts table, inside polars: per model,
//! one inner join of the two sides' packed label keys and one group-by (see [`super::joint`]).

use super::joint::{decode, key_exprs, key_names, Accumulator};
use super::layout::{Dataset, SourceFrame, ID};
use super::EngineContext;
use crate::counts::{CountsTable, MetricCounts, ModelCounts};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// Computes the counts table of every model against the baseline.
///
/// Fails when a model shares no id with the baseline, or when a metric has no valid label on one
/// side among the matched items.
pub fn reduce(data: &Dataset) -> Result<CountsTable> {
    let mut table = CountsTable::default();
    let k = data.metrics.len();
    for model in &data.models {
        let mut acc = Accumulator::new(vec![true; k]);
        for (b, m, count) in joint_rows(data, model)? {
            acc.add(&decode(&b, k), &decode(&m, k), count);
        }
        if acc.items == 0 {
            return Err(no_overlap(data, model));
        }
        for (i, metric) in data.metrics.iter().enumerate() {
            let counts = MetricCounts {
                model: model.name.clone(),
                metric: metric.clone(),
                pairs: acc.pairs[i],
                invalid_baseline: acc.invalid_baseline[i],
                invalid_model: acc.invalid_model[i],
            };
            check_valid(data, model, &counts, acc.items)?;
            table.metrics.push(counts);
        }
        table.models.push(ModelCounts {
            model: model.name.clone(),
            matched: acc.items,
            baseline_only: data.baseline.rows - acc.items,
            model_only: model.rows - acc.items,
            score: acc.score,
        });
    }
    Ok(table)
}

/// The joint table of one model: (baseline keys, model keys, number of items) per distinct pair.
fn joint_rows(data: &Dataset, model: &SourceFrame) -> Result<Vec<(Vec<i64>, Vec<i64>, u64)>> {
    let present = vec![true; data.metrics.len()];
    let side = |frame: &SourceFrame, prefix: &str| {
        let mut exprs = vec![col(ID)];
        exprs.extend(key_exprs(prefix, &data.metrics, &present));
        frame.lazy.clone().select(exprs)
    };
    let (b_names, m_names) = (key_names("b", data.metrics.len()), key_names("m", data.metrics.len()));
    let keys: Vec<Expr> = b_names.iter().chain(&m_names).map(|n| col(n.as_str())).collect();
    let df = side(&data.baseline, "b")
        .inner_join(side(model, "m"), col(ID), col(ID))
        .group_by(keys)
        .agg([len().cast(DataType::Int64).alias("n")])
        .collect()
        .engine(|| format!("counting '{}' against '{}'", model.name, data.baseline.name))?;
    let context = || "reading the joint table".to_string();
    let column = |name: &str| -> Result<Vec<i64>> {
        let c = df.column(name).and_then(|c| c.cast(&DataType::Int64)).engine(context)?;
        Ok(c.i64().engine(context)?.iter().map(|v| v.unwrap_or(0)).collect())
    };
    let b_cols = b_names.iter().map(|n| column(n)).collect::<Result<Vec<_>>>()?;
    let m_cols = m_names.iter().map(|n| column(n)).collect::<Result<Vec<_>>>()?;
    let counts = column("n")?;
    Ok((0..df.height())
        .map(|r| {
            let b = b_cols.iter().map(|c| c[r]).collect();
            let m = m_cols.iter().map(|c| c[r]).collect();
            (b, m, counts[r].max(0) as u64)
        })
        .collect())
}

fn check_valid(data: &Dataset, model: &SourceFrame, counts: &MetricCounts, matched: u64) -> Result<()> {
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
