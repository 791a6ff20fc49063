//! Two polars helpers of the repeated counting: collecting an aggregate with the run's engine,
//! and item values in whole units of 2^-32 (exact integer sums in any order).

use crate::counts::UNIT;
use crate::data::engine::{collect_streaming, EngineContext};
use crate::error::Result;
use polars::prelude::*;

/// Collects an aggregate query (the run's engine), naming the step on failure.
pub(crate) fn collect(lazy: LazyFrame, what: &str) -> Result<DataFrame> {
    collect_streaming(lazy).engine(|| format!("counting {what}"))
}

/// A value in [0, 1] in whole [`UNIT`]s, rounded half up (as `to_units` and `sql/repeated.sql`):
/// integer sums are exact whatever the order of rows, threads or shards.
pub(crate) fn fixed(value: Expr) -> Expr {
    (value * lit(UNIT) + lit(0.5)).cast(DataType::Int64)
}
