//! Exporters: they read only [`Findings`] and render it as a terminal table, JSON or CSV.

pub(crate) mod audit;
pub(crate) mod content;
mod csv;
pub(crate) mod pairs;
pub(crate) mod repeats;
pub(crate) mod sections;
mod table;
pub(crate) mod tables;
pub(crate) mod versus;

use crate::analysis::Findings;
use crate::error::{AmplifyError, Result};

/// Output formats of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable tables (default).
    Table,
    /// The findings document (`amplify.findings/3`).
    Json,
    /// The comparisons table as CSV.
    Csv,
}

/// Renders findings in the chosen format.
pub fn render(findings: &Findings, format: Format) -> Result<String> {
    match format {
        Format::Table => Ok(table::render(findings)),
        Format::Json => {
            serde_json::to_string_pretty(findings).map(|s| s + "\n").map_err(AmplifyError::Serialise)
        }
        Format::Csv => Ok(csv::render(findings)),
    }
}

/// A p-value for people: "< 1e-300" when it underflows, scientific below 0.001, else 3 decimals.
pub fn format_p(p: Option<f64>) -> String {
    match p {
        None => "–".to_string(),
        Some(p) if p < 1e-300 => "< 1e-300".to_string(),
        Some(p) if p < 0.001 => format!("{p:.1e}"),
        Some(p) => format!("{p:.3}"),
    }
}

#[cfg(test)]
mod tests;
