//! The level column of each grouping ([`GroupingSpec`]): a categorical column (`--group`), levels
//! derived from a text column by regular expressions (`--derive NAME=LEVEL:REGEX`), and their
//! cross product (`--intersect`). Each grouping becomes one String level column of the baseline
//! frame (null = the item leaves that grouping).

use super::grouping_spec::{GroupingSpec, CROSS};
use super::source::ScannedFile;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

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
            file.check_key(c, "--group")?;
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
