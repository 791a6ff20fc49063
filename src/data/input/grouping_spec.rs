//! The groupings a run asks for, as parsed from the command line: `--group COLUMN`,
//! `--derive NAME=LEVEL:REGEX` and `--intersect` (their level columns are built in `groups`).

use crate::error::Result;

pub(crate) use crate::counts::CROSS;

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
