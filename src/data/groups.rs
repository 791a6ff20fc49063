//! Groupings of the baseline's items: a categorical column (`--group`), levels derived from a
//! text column by regular expressions (`--derive NAME=LEVEL:REGEX`), and their cross product
//! (`--intersect`). Each grouping becomes one String level column of the baseline frame (null =
//! the item leaves that grouping).

use super::source::ScannedFile;
use super::{cell_u64, EngineContext};
use crate::counts::GroupingCounts;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// Separator of intersectional level and grouping names.
pub const CROSS: &str = " × ";

/// One grouping of the baseline items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupingSpec {
    /// Levels are the values of a baseline column.
    Column(String),
    /// Levels are regex matches on the text column; an item matching none or several leaves it.
    Derived {
        /// Grouping name.
        name: String,
        /// (level, case-insensitive regex) in command-line order.
        levels: Vec<(String, String)>,
    },
    /// The cross product of other groupings.
    Intersect(Vec<GroupingSpec>),
}

impl GroupingSpec {
    /// The grouping's name.
    pub fn name(&self) -> String {
        match self {
            Self::Column(c) => c.clone(),
            Self::Derived { name, .. } => name.clone(),
            Self::Intersect(parts) => parts.iter().map(Self::name).collect::<Vec<_>>().join(CROSS),
        }
    }
}

/// Builds the groupings from `--group`, `--derive` and `--intersect`, validating every regex.
pub fn parse_groupings(columns: &[String], derives: &[String], intersect: bool) -> Result<Vec<GroupingSpec>> {
    let mut specs: Vec<GroupingSpec> = columns.iter().map(|c| GroupingSpec::Column(c.clone())).collect();
    for arg in derives {
        let bad = |why: &str| {
            AmplifyError::InvalidArgument(format!("--derive '{arg}': {why}; expected NAME=LEVEL:REGEX"))
        };
        let (name, rest) = arg.split_once('=').ok_or_else(|| bad("no '='"))?;
        let (level, regex) = rest.split_once(':').ok_or_else(|| bad("no ':' after the level"))?;
        if name.is_empty() || level.is_empty() || regex.is_empty() {
            return Err(bad("empty name, level or regex"));
        }
        regex::Regex::new(&format!("(?i){regex}")).map_err(|e| {
            AmplifyError::InvalidArgument(format!(
                "--derive '{arg}': the regex '{regex}' does not compile: {}",
                e.to_string().lines().last().unwrap_or("").trim()
            ))
        })?;
        match specs.iter_mut().find(|s| matches!(s, GroupingSpec::Derived { name: n, .. } if n == name)) {
            Some(GroupingSpec::Derived { levels, .. }) => levels.push((level.into(), regex.into())),
            _ => specs.push(GroupingSpec::Derived {
                name: name.into(),
                levels: vec![(level.into(), regex.into())],
            }),
        }
    }
    if intersect && specs.len() >= 2 {
        specs.push(GroupingSpec::Intersect(specs.clone()));
    }
    Ok(specs)
}

/// The level expression of a grouping and, for derived groupings, the number of levels matched.
pub(crate) fn level_exprs(
    spec: &GroupingSpec,
    file: &ScannedFile,
    text: Option<&str>,
) -> Result<(Expr, Option<Expr>)> {
    match spec {
        GroupingSpec::Column(c) => {
            if !file.has_column(c) {
                return Err(AmplifyError::MissingColumn {
                    path: file.path.clone(),
                    column: c.clone(),
                    purpose: "--group",
                    available: file.column_list(),
                });
            }
            Ok((col(c.as_str()).cast(DataType::String), None))
        }
        GroupingSpec::Derived { levels, .. } => {
            let text = text_column(file, text)?;
            let hits: Vec<Expr> = levels
                .iter()
                .map(|(_, re)| col(text.as_str()).str().contains(lit(format!("(?i){re}")), true))
                .collect();
            let count = hits.iter().fold(lit(0i32), |acc, h| acc + h.clone().cast(DataType::Int32));
            let pick = levels
                .iter()
                .zip(&hits)
                .rev()
                .fold(lit(NULL).cast(DataType::String), |acc, ((level, _), hit)| {
                    when(hit.clone()).then(lit(level.as_str())).otherwise(acc)
                });
            let level = when(count.clone().eq(lit(1))).then(pick).otherwise(lit(NULL).cast(DataType::String));
            Ok((level, Some(count)))
        }
        GroupingSpec::Intersect(parts) => {
            let mut expr: Option<Expr> = None;
            for part in parts {
                let (level, _) = level_exprs(part, file, text)?;
                expr = Some(match expr {
                    None => level,
                    Some(e) => e + lit(CROSS) + level,
                });
            }
            Ok((expr.unwrap_or_else(|| lit(NULL).cast(DataType::String)), None))
        }
    }
}

fn text_column(file: &ScannedFile, text: Option<&str>) -> Result<String> {
    let wanted = text.unwrap_or("prompt");
    if file.has_column(wanted) {
        return Ok(wanted.to_string());
    }
    Err(AmplifyError::MissingColumn {
        path: file.path.clone(),
        column: wanted.to_string(),
        purpose: "--derive (set it with --text COL)",
        available: file.column_list(),
    })
}

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
        let level = col(format!("__g{j}"));
        exprs.push(level.clone().drop_nulls().n_unique().cast(DataType::Int64).alias(format!("levels{j}")));
        exprs.push(level.null_count().cast(DataType::Int64).alias(format!("null{j}")));
        let ambiguous = match spec {
            GroupingSpec::Derived { .. } => {
                col(format!("__gm{j}")).gt(lit(1)).fill_null(false).cast(DataType::Int64).sum()
            }
            _ => lit(0i64),
        };
        exprs.push(ambiguous.alias(format!("amb{j}")));
    }
    let df =
        super::collect_streaming(lazy.clone().select(exprs)).engine(|| "counting group levels".into())?;
    let mut out = Vec::new();
    for (j, spec) in specs.iter().enumerate() {
        let levels = cell_u64(&df, &format!("levels{j}"))? as usize;
        let (nulls, ambiguous) = (cell_u64(&df, &format!("null{j}"))?, cell_u64(&df, &format!("amb{j}"))?);
        check_level_count(spec, levels, max_levels)?;
        out.push(GroupingCounts { group_by: spec.name(), unassigned: nulls - ambiguous, ambiguous });
    }
    Ok(out)
}

/// Rejects a grouping with no level or with more than `max_levels` levels.
pub(crate) fn check_level_count(spec: &GroupingSpec, levels: usize, max_levels: usize) -> Result<()> {
    let name = spec.name();
    if levels == 0 {
        return Err(AmplifyError::InvalidArgument(format!(
            "grouping '{name}': no item falls into any level; check the column or the --derive patterns"
        )));
    }
    if levels > max_levels {
        return Err(AmplifyError::InvalidArgument(format!(
            "grouping '{name}' has {levels} levels, more than --max-levels {max_levels}; use a coarser column or raise --max-levels"
        )));
    }
    Ok(())
}
