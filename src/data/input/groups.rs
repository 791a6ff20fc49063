//! Groupings of the baseline's items: a categorical column (`--group`), levels derived from a
//! text column by regular expressions (`--derive NAME=LEVEL:REGEX`), and their cross product
//! (`--intersect`). Each grouping becomes one String level column of the baseline frame (null =
//! the item leaves that grouping).

use super::source::ScannedFile;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// Separator of intersectional level and grouping names.
pub(crate) const CROSS: &str = " × ";

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

/// `--derive NAME=LEVEL:REGEX`: items whose text matches REGEX (case-insensitive) are in LEVEL of
/// grouping NAME. The regex is checked when the argument is parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeriveSpec {
    /// The grouping.
    pub name: String,
    /// The level.
    pub level: String,
    /// The pattern.
    pub regex: String,
}

impl std::str::FromStr for DeriveSpec {
    type Err = String;
    fn from_str(arg: &str) -> Result<Self, String> {
        let bad = |why: &str| format!("'{arg}': {why}; expected NAME=LEVEL:REGEX");
        let (name, rest) = arg.split_once('=').ok_or_else(|| bad("no '='"))?;
        let (level, regex) = rest.split_once(':').ok_or_else(|| bad("no ':' after the level"))?;
        if name.is_empty() || level.is_empty() || regex.is_empty() {
            return Err(bad("empty name, level or regex"));
        }
        regex::Regex::new(&format!("(?i){regex}")).map_err(|e| {
            format!(
                "'{arg}': the regex '{regex}' does not compile: {}",
                e.to_string().lines().last().unwrap_or("").trim()
            )
        })?;
        Ok(Self { name: name.into(), level: level.into(), regex: regex.into() })
    }
}

/// Builds the groupings from `--group`, `--derive` and `--intersect`.
pub fn groupings(columns: &[String], derives: &[DeriveSpec], intersect: bool) -> Vec<GroupingSpec> {
    let mut specs: Vec<GroupingSpec> = columns.iter().map(|c| GroupingSpec::Column(c.clone())).collect();
    for DeriveSpec { name, level, regex } in derives {
        match specs.iter_mut().find(|s| matches!(s, GroupingSpec::Derived { name: n, .. } if n == name)) {
            Some(GroupingSpec::Derived { levels, .. }) => levels.push((level.clone(), regex.clone())),
            _ => specs.push(GroupingSpec::Derived {
                name: name.clone(),
                levels: vec![(level.clone(), regex.clone())],
            }),
        }
    }
    if intersect && specs.len() >= 2 {
        specs.push(GroupingSpec::Intersect(specs.clone()));
    }
    specs
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
