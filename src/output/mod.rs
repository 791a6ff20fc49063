//! Exporters: they read only [`Findings`] and render it as a terminal table, JSON or CSV. The
//! terminal and the reports render one [`document::Document`] (the order of the sections),
//! whose tables come from [`content`] (the report's tables), [`compact`] (the terminal's), and
//! the section builders of each design ([`audit`], [`counterfactual`], [`repeats`], [`versus`]);
//! [`plain_tables`] are the findings as CSV/Parquet tables. `amplify words` and `amplify
//! leakage` have exporters of their own ([`words`], [`leakage`]), reading only their documents.

pub(crate) mod audit;
pub(crate) mod clustering;
mod compact;
pub(crate) mod content;
pub(crate) mod counterfactual;
mod csv;
pub(crate) mod data;
pub(crate) mod document;
pub(crate) mod headline;
pub(crate) mod leakage;
pub(crate) mod missing;
pub(crate) mod plain_tables;
pub(crate) mod repeats;
pub(crate) mod terminal;
pub(crate) mod verdict_classes;
pub(crate) mod versus;
pub(crate) mod words;

use crate::analysis::Findings;
use crate::error::{AmplifyError, Result};

/// Output formats of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable tables (default).
    Table,
    /// The findings document (`amplify.findings/4`).
    Json,
    /// The comparisons table as CSV.
    Csv,
}

/// Renders findings in the chosen format.
pub fn render(findings: &Findings, format: Format) -> Result<String> {
    match format {
        Format::Table => Ok(terminal::render(findings)),
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
