//! Several rows per item (`--sample COL`, `--repeated`, `--annotator COL`): each source's rows are
//! reduced to one row per item, holding per column the item's value (the `--aggregate` of its
//! valid samples), its number of valid samples, of samples that are 1, and its first valid
//! sample. The counting of a repeated run ([`crate::data::count`]) starts from these item frames.

use super::labels::normalised;
use super::model::{Aggregate, RawSource, RepeatOptions, SourceFrame};
use super::source::ScannedFile;
use crate::data::columns::{first_sample, item_value, positives, samples, ID, ROW, SAMPLE_ORDER};
use crate::data::engine::EngineContext;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// The sample and annotator columns are not metrics (a seed column of 0s and 1s would look like
/// one).
pub(crate) fn exclude_repeat_columns(raws: &mut [RawSource], options: &RepeatOptions) {
    let named: Vec<&str> =
        [&options.sample, &options.annotator].into_iter().flatten().map(String::as_str).collect();
    for raw in raws {
        raw.columns.retain(|(_, column, _)| !named.contains(&column.as_str()));
    }
}

/// The source's order column as [`SAMPLE_ORDER`], when `--sample` (models) or `--annotator`
/// (baseline) names one; an error when the file lacks it.
pub(crate) fn order_extra(
    file: &ScannedFile,
    options: &RepeatOptions,
    baseline: bool,
) -> Result<Option<Expr>> {
    let Some(name) = options.order_column(baseline) else { return Ok(None) };
    if !file.has_column(name) {
        return Err(AmplifyError::MissingColumn {
            path: file.path.clone(),
            column: name.to_string(),
            purpose: if baseline { "--annotator" } else { "--sample" },
            available: file.column_list(),
        });
    }
    Ok(Some(col(name).alias(SAMPLE_ORDER)))
}

/// One row per item of a source: `__id`, and per column `j` the source has (of `columns`), its
/// item value ([`item_value`] with `side`), valid samples ([`samples`]), ones ([`positives`]) and
/// first valid sample ([`first_sample`]); the baseline's extra columns (truth, group levels) are
/// taken from the item's first row. Labels are normalised to 1/0/null and inverted here.
pub(crate) fn item_frame(
    frame: &SourceFrame,
    columns: &[String],
    side: char,
    aggregate: Aggregate,
) -> Result<LazyFrame> {
    let schema = frame.lazy.clone().collect_schema().engine(|| format!("reading source '{}'", frame.name))?;
    let order = sort_order(&schema);
    let (mut keep, mut aggs, mut values) = (vec![col(ID)], Vec::new(), vec![col(ID)]);
    for (i, name) in columns.iter().enumerate().filter(|(i, _)| frame.present[*i]) {
        let dtype = schema.get(name.as_str()).cloned().unwrap_or(DataType::Null);
        keep.push(normalised(name, &dtype, frame.inverted[i]).alias(name.as_str()));
        let label = col(name.as_str());
        aggs.push(label.clone().count().cast(DataType::Int64).alias(samples(i)));
        aggs.push(label.clone().cast(DataType::Int64).sum().alias(positives(i)));
        let first = label.sort_by(order.clone(), SortMultipleOptions::default()).drop_nulls().first();
        aggs.push(first.cast(DataType::Int64).alias(first_sample(i)));
        values.push(value(i, aggregate).alias(item_value(side, i)));
        values.extend([samples(i), positives(i), first_sample(i)].map(|c| col(c.as_str())));
    }
    let extras: Vec<String> = schema
        .iter_names()
        .filter(|n| n.starts_with("__") && ![ID, SAMPLE_ORDER].contains(&n.as_str()))
        .map(|n| n.to_string())
        .collect();
    keep.extend(extras.iter().map(|e| col(e.as_str())));
    aggs.extend(extras.iter().map(|e| col(e.as_str()).first()));
    values.extend(extras.iter().map(|e| col(e.as_str())));
    if schema.contains(SAMPLE_ORDER) {
        keep.push(col(SAMPLE_ORDER));
    }
    keep.push(col(ROW));
    let rows = frame.lazy.clone().with_row_index(ROW, None).select(keep);
    Ok(rows.group_by([col(ID)]).agg(aggs).select(values))
}

/// Samples in the order of the sample column (then file order), else file order.
fn sort_order(schema: &Schema) -> Vec<Expr> {
    match schema.contains(SAMPLE_ORDER) {
        true => vec![col(SAMPLE_ORDER), col(ROW)],
        false => vec![col(ROW)],
    }
}

/// The item value of column `i` from its valid samples k and ones s.
fn value(i: usize, aggregate: Aggregate) -> Expr {
    let (k, s) = (
        col(samples(i).as_str()).cast(DataType::Float64),
        col(positives(i).as_str()).cast(DataType::Float64),
    );
    let null = || lit(NULL).cast(DataType::Float64);
    let has = col(samples(i).as_str()).gt(lit(0));
    match aggregate {
        Aggregate::Mean => when(has).then(s / k).otherwise(null()),
        Aggregate::Majority => when(has.not())
            .then(null())
            .when((s.clone() * lit(2.0)).gt(k.clone()))
            .then(lit(1.0))
            .when((s * lit(2.0)).lt(k))
            .then(lit(0.0))
            .otherwise(null()),
        Aggregate::First => col(first_sample(i).as_str()).cast(DataType::Float64),
    }
}
