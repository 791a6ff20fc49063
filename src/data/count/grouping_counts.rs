//! Group levels counted on the baseline alone: each grouping's unplaced and ambiguous items, and
//! the check that a grouping has at least one level and at most `--max-levels`.

use crate::counts::GroupingCounts;
use crate::data::columns;
use crate::data::engine::{cell_u64, collect_streaming, EngineContext};
use crate::data::input::GroupingSpec;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// Counts each grouping's unplaced and ambiguous items on the baseline frame (columns `__g{j}`
/// and `__gm{j}`), rejecting groupings with no level or too many levels. (The positional pass
/// finds the same counts while it counts; this is the join path's pass.)
pub(crate) fn grouping_counts(
    lazy: &LazyFrame,
    specs: &[GroupingSpec],
    max_levels: usize,
) -> Result<Vec<GroupingCounts>> {
    if specs.is_empty() {
        return Ok(Vec::new());
    }
    let mut exprs = Vec::new();
    for (j, spec) in specs.iter().enumerate() {
        let level = col(columns::level(j));
        exprs.push(level.clone().drop_nulls().n_unique().cast(DataType::Int64).alias(format!("levels{j}")));
        exprs.push(level.null_count().cast(DataType::Int64).alias(format!("null{j}")));
        let ambiguous = match spec {
            GroupingSpec::Derived { .. } => {
                col(columns::matches(j)).gt(lit(1)).fill_null(false).cast(DataType::Int64).sum()
            }
            _ => lit(0i64),
        };
        exprs.push(ambiguous.alias(format!("amb{j}")));
    }
    let df = collect_streaming(lazy.clone().select(exprs)).engine(|| "counting group levels".into())?;
    let mut out = Vec::new();
    for (j, spec) in specs.iter().enumerate() {
        let levels = cell_u64(&df, &format!("levels{j}"))? as usize;
        let (nulls, ambiguous) = (cell_u64(&df, &format!("null{j}"))?, cell_u64(&df, &format!("amb{j}"))?);
        let counts = GroupingCounts { group_by: spec.name(), unassigned: nulls - ambiguous, ambiguous };
        check_level_count(spec, levels, max_levels, &counts)?;
        out.push(counts);
    }
    Ok(out)
}

/// Rejects a grouping with no level (saying how many items matched several levels and how many
/// none) or with more than `max_levels` levels.
pub(crate) fn check_level_count(
    spec: &GroupingSpec,
    levels: usize,
    max_levels: usize,
    unplaced: &GroupingCounts,
) -> Result<()> {
    let name = spec.name();
    if levels == 0 {
        let why = match unplaced.ambiguous {
            0 => format!("all {} items are outside every level", unplaced.unassigned),
            n => format!("{n} items match several levels (ambiguous) and {} match none", unplaced.unassigned),
        };
        return Err(AmplifyError::Data(format!(
            "grouping '{name}': no item falls into exactly one level ({why}); check the column or the --derive patterns"
        )));
    }
    if levels > max_levels {
        return Err(AmplifyError::Data(format!(
            "grouping '{name}' has {levels} levels, more than --max-levels {max_levels}; use a coarser column or raise --max-levels to {levels} or more (with --cluster, the clusters and each grouping × clusters are groupings too)"
        )));
    }
    Ok(())
}
