//! `--verdict-classes`: per source, its items counted by (truth class, baseline class, source
//! class) for every verdict metric. One inner join of the source's class codes with the
//! baseline's on the id and one group-by over all the codes per source; the baseline as its own
//! model is its frame alone (its class is its own). The cells are [`ClassCells`].

use crate::counts::{ClassCells, ClassKey, NO_CLASS};
use crate::data::columns::{self, ID, TRUTH_CLASS};
use crate::data::engine::{collect_streaming, EngineContext};
use crate::data::input::ClassFrames;
use crate::data::input::Dataset;
use crate::error::Result;
use polars::prelude::*;

/// The class tables of every compared model and of the baseline as its own model (when the run
/// counts it), for the verdict metrics each has.
pub(crate) fn count_classes(data: &Dataset, frames: &ClassFrames) -> Result<Vec<ClassCells>> {
    let k = frames.metrics.len();
    let mut out = Vec::new();
    for model in data.models.iter() {
        let has = |j: usize| {
            let at = data.columns.iter().position(|c| c == &frames.metrics[j]);
            at.is_some_and(|i| model.present[i])
        };
        let metrics: Vec<usize> = (0..k).filter(|&j| has(j)).collect();
        if metrics.is_empty() {
            continue;
        }
        let own = data.is_own(model);
        let grouped = if own {
            own_cells(frames)?
        } else {
            let Some((_, lazy)) = frames.sources.iter().find(|(name, _)| name == &model.name) else {
                continue;
            };
            model_cells(frames, lazy)?
        };
        for j in metrics {
            out.push(decode(&grouped, frames, &model.name, j, own)?);
        }
    }
    Ok(out)
}

/// The baseline's codes grouped: `__tc`, `__c{j}` and the count.
fn own_cells(frames: &ClassFrames) -> Result<DataFrame> {
    let keys: Vec<Expr> = std::iter::once(col(TRUTH_CLASS))
        .chain((0..frames.metrics.len()).map(|j| col(columns::class(j).as_str())))
        .collect();
    let query =
        frames.baseline.clone().group_by(keys).agg([len().cast(DataType::UInt64).alias(columns::COUNT)]);
    collect_streaming(query).engine(|| "counting the baseline's verdict classes".into())
}

/// A model's codes joined to the baseline's and grouped: `__tc`, `__c{j}`, `__cm{j}`, count.
fn model_cells(frames: &ClassFrames, model: &LazyFrame) -> Result<DataFrame> {
    let k = frames.metrics.len();
    let renamed: Vec<Expr> = std::iter::once(col(ID))
        .chain((0..k).map(|j| col(columns::class(j).as_str()).alias(columns::model_class(j))))
        .collect();
    let joined = frames.baseline.clone().join(
        model.clone().select(renamed),
        [col(ID)],
        [col(ID)],
        JoinArgs::new(JoinType::Inner),
    );
    let keys: Vec<Expr> = std::iter::once(col(TRUTH_CLASS))
        .chain((0..k).map(|j| col(columns::class(j).as_str())))
        .chain((0..k).map(|j| col(columns::model_class(j).as_str())))
        .collect();
    let query = joined.group_by(keys).agg([len().cast(DataType::UInt64).alias(columns::COUNT)]);
    collect_streaming(query).engine(|| "counting the verdict classes".into())
}

/// The table of metric `j` from the grouped codes (other metrics summed over).
fn decode(
    grouped: &DataFrame,
    frames: &ClassFrames,
    source: &str,
    j: usize,
    own: bool,
) -> Result<ClassCells> {
    let context = || format!("reading the verdict classes of {source}");
    let codes = |name: &str| -> Result<Vec<Option<i32>>> {
        grouped.column(name).and_then(|c| c.i32().map(|ca| ca.iter().collect())).engine(context)
    };
    let truth = codes(TRUTH_CLASS)?;
    let baseline = codes(&columns::class(j))?;
    let model = if own { baseline.clone() } else { codes(&columns::model_class(j))? };
    let counts: Vec<u64> = grouped
        .column(columns::COUNT)
        .and_then(|c| c.u64().map(|ca| ca.iter().map(|v| v.unwrap_or(0)).collect()))
        .engine(context)?;
    let name = |code: Option<i32>| {
        code.and_then(|c| frames.classes.get(c as usize)).map_or(NO_CLASS.to_string(), String::clone)
    };
    let mut cells = ClassCells::new(source, &frames.metrics[j]);
    for r in 0..counts.len() {
        let key = ClassKey { truth: name(truth[r]), baseline: name(baseline[r]), model: name(model[r]) };
        cells.add(key, counts[r]);
    }
    Ok(cells)
}
