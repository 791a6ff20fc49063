//! The wide (ELEPHANT) layout: one file whose label columns are `<metric>_<source>`.

use super::ids::resolve_id;
use super::metrics::label_columns;
use super::model::{DataOptions, InputSpec, Layout, RawSource};
use super::source::ScannedFile;
use crate::error::Result;
use polars::prelude::DataType;

/// Splits a wide file into the baseline and model sources by column suffix.
///
/// Metrics are the prefixes of columns ending in `_<baseline>`; every other label column
/// `<metric>_<source>` with a known metric prefix (longest first) belongs to `source`. A file
/// with no column ending in `_<baseline>` (and no `--map`) is one source: the data alone, whose
/// label columns are its metrics.
pub(crate) fn wide_sources(
    input: &InputSpec,
    options: &DataOptions,
) -> Result<(Layout, Vec<ScannedFile>, Vec<RawSource>)> {
    let file = ScannedFile::open_input(&input.path, options.partial)?;
    let id = resolve_id(&file, options)?;
    let columns = label_columns(&file, &[id.as_str()]);
    let suffix = format!("_{}", options.baseline_name);
    let mut metrics: Vec<String> = columns
        .iter()
        .filter_map(|(name, _, _)| name.strip_suffix(&suffix).map(str::to_string))
        .filter(|m| !m.is_empty())
        .collect();
    if options.truth.is_some() {
        // Metrics judged only against the truth need no baseline column (e.g. moral_endorsement_gpt4o).
        let named = options
            .against_truth
            .clone()
            .unwrap_or_else(|| vec!["moral_endorsement".into(), "verdict".into()]);
        for m in named {
            if !metrics.contains(&m) && columns.iter().any(|(c, _, _)| c.starts_with(&format!("{m}_"))) {
                metrics.push(m);
            }
        }
    }
    if metrics.is_empty() && options.maps.is_empty() {
        // No `<metric>_<baseline>` column nor a truth-judged `<metric>_<source>` one: the file
        // is one source, the data alone.
        let raw = raw(&file, &id, options.baseline_name.clone(), columns);
        return Ok((Layout::Tidy, vec![file], vec![raw]));
    }
    let baseline_cols = pick(&columns, &metrics, |c, m| (c == format!("{m}{suffix}")).then_some(()));
    let mut raws = vec![raw(&file, &id, options.baseline_name.clone(), baseline_cols)];
    metrics.sort_by_key(|m| std::cmp::Reverse(m.len()));
    for source in model_suffixes(&columns, &metrics, &suffix) {
        let cols = pick(&columns, &metrics, |c, m| (c == format!("{m}_{source}")).then_some(()));
        raws.push(raw(&file, &id, source, cols));
    }
    // Baseline columns and no model's: the baseline alone (its metrics named without the suffix).
    Ok((Layout::Wide, vec![file], raws))
}

fn raw(file: &ScannedFile, id: &str, name: String, columns: Vec<(String, String, DataType)>) -> RawSource {
    RawSource { name, file: 0, lazy: file.lazy.clone(), id: id.to_string(), columns }
}

/// Model source names in column order: the part after `<metric>_` for the longest matching metric.
fn model_suffixes(columns: &[(String, String, DataType)], metrics: &[String], suffix: &str) -> Vec<String> {
    let mut sources: Vec<String> = Vec::new();
    for (name, _, _) in columns {
        if name.ends_with(suffix) {
            continue;
        }
        let found = metrics.iter().find_map(|m| name.strip_prefix(&format!("{m}_")));
        if let Some(source) = found.filter(|s| !s.is_empty()) {
            if !sources.iter().any(|s| s == source) {
                sources.push(source.to_string());
            }
        }
    }
    sources
}

/// The (metric, column, type) triples of one source, in metric order.
fn pick(
    columns: &[(String, String, DataType)],
    metrics: &[String],
    matches: impl Fn(&str, &str) -> Option<()>,
) -> Vec<(String, String, DataType)> {
    let mut out = Vec::new();
    for metric in metrics {
        if let Some((name, _, dtype)) = columns.iter().find(|(c, _, _)| matches(c, metric).is_some()) {
            out.push((metric.clone(), name.clone(), dtype.clone()));
        }
    }
    out
}
