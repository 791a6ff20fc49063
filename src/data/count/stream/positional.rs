//! Rows paired by position: every source has as many rows as the baseline, and one streaming
//! pass reads all files side by side (polars' horizontal concatenation) and compares every row's
//! ids on the way (integers in Rust, other ids in polars). The usual shape of evaluation outputs
//! written from one prompt file pairs this way, with no join. The first row whose ids differ (or
//! lack an id) ends the pass. Integer ids found strictly increasing are unique; otherwise the
//! baseline's ids are checked for duplicates afterwards (the models' ids equal the baseline's row
//! by row, so theirs are then unique too).

use crate::data::columns::{self, BASELINE_ID, ID, MISALIGNED, ORDER};
use crate::data::count::stream::columns::{baseline_side, model_side, pass_columns};
use crate::data::engine::EngineContext;
use crate::data::input::ids::StrictOrder;
use crate::data::input::{Dataset, SourceFrame};
use crate::error::Result;
use polars::prelude::*;

/// The positional pass's id check: every row has the same id in every source, and whether
/// integer ids have been strictly increasing so far.
#[derive(Debug, Clone)]
pub(crate) struct IdOrder {
    integer_ids: bool,
    /// Integer ids strictly increasing so far (then unique).
    pub order: StrictOrder,
}

impl IdOrder {
    pub(crate) fn new(integer_ids: bool) -> Self {
        Self { integer_ids, order: StrictOrder::new(integer_ids) }
    }

    /// Whether every row of the batch has the same id in every source.
    pub(crate) fn aligned(&mut self, df: &DataFrame, models: usize) -> PolarsResult<bool> {
        if !self.integer_ids {
            return Ok(!df.column(MISALIGNED)?.bool()?.any());
        }
        let Some(baseline) = ids(df, ORDER)? else { return Ok(false) };
        let baseline = baseline.cont_slice()?;
        for j in 0..models {
            let Some(model) = ids(df, &columns::model_id(j))? else { return Ok(false) };
            if model.cont_slice()? != baseline {
                return Ok(false);
            }
        }
        self.order.feed(baseline);
        Ok(true)
    }
}

/// How many leading rows of each source [`heads_aligned`] compares.
const HEAD: u32 = 4096;

/// Whether every source starts with the same ids in the same order: the cheap test before a
/// positional pass, which would decode many batches in parallel before its first row told it
/// that the sources do not line up (0.6 s of 2.6 s on 10M shuffled rows × 4 files).
pub(crate) fn heads_aligned(data: &Dataset) -> Result<bool> {
    let head = |frame: &SourceFrame| {
        let df = frame.lazy.clone().select([col(ID)]).limit(HEAD).collect();
        df.and_then(|df| Ok(df.column(ID)?.as_materialized_series().clone()))
            .engine(|| format!("reading the first ids of source '{}'", frame.name))
    };
    let baseline = head(&data.baseline)?;
    for model in &data.models {
        if !head(model)?.equals_missing(&baseline) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// An id column as one chunk (no copy when it already is), or `None` when it has nulls.
fn ids(df: &DataFrame, name: &str) -> PolarsResult<Option<Int64Chunked>> {
    let ca = df.column(name)?.i64()?;
    if ca.null_count() > 0 {
        return Ok(None);
    }
    Ok(Some(ca.rechunk().into_owned()))
}

/// Every source side by side, plus the ids to compare: integer ids as `__ord` (baseline) and
/// `__id{j}` (models), compared in Rust; other ids compared here into `__bad`.
pub(crate) fn side_by_side(data: &Dataset, side: u64, integer_ids: bool) -> Result<LazyFrame> {
    let mut frames = vec![baseline_side(data)];
    frames.extend((0..data.models.len()).map(|j| model_side(data, j, &columns::model_id(j), false)));
    let joined = concat_lf_horizontal(frames, HConcatOptions::default())
        .engine(|| "placing the sources side by side".into())?;
    let all: Vec<usize> = (0..data.models.len()).collect();
    let mut out = pass_columns(data, side, &all);
    let model_ids = (0..data.models.len()).map(columns::model_id);
    if integer_ids {
        out.push(col(BASELINE_ID).cast(DataType::Int64).alias(ORDER));
        out.extend(model_ids.map(|id| col(id.as_str()).cast(DataType::Int64)));
    } else {
        let mut bad = vec![col(BASELINE_ID).is_null()];
        bad.extend(model_ids.map(|id| col(BASELINE_ID).neq_missing(col(id.as_str()))));
        out.push(any_horizontal(bad).engine(|| "comparing ids".into())?.alias(MISALIGNED));
    }
    Ok(joined.select(out))
}
