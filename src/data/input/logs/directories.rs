//! A directory (or quoted glob) of evaluation logs as one input per log: Inspect's log folder
//! (`logs/*.eval`, `*.json`) or lm-eval's output folder (`samples_*.jsonl`; its `results_*.json`
//! are read for the model name, not as logs). A folder holding Parquet or CSV files is a
//! multi-file table instead and is left as it is.

use crate::data::input::model::InputSpec;
use crate::error::{AmplifyError, Result};
use std::path::{Path, PathBuf};

/// The inputs with every directory or glob of logs replaced by its logs, in sorted order, each
/// named by its model (the log's own name). The baseline (the first input) must stay one source.
pub(crate) fn expand(inputs: &[InputSpec]) -> Result<Vec<InputSpec>> {
    let mut out = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let Some(logs) = logs_in(&input.path)? else {
            out.push(input.clone());
            continue;
        };
        let shown = input.path.display();
        if logs.len() > 1 && i == 0 {
            return Err(AmplifyError::Usage(format!(
                "{shown} holds {} logs but the first input is the baseline, one source: give the baseline's file first, then the folder of model logs",
                logs.len()
            )));
        }
        if logs.len() > 1 && input.name.is_some() {
            return Err(AmplifyError::Usage(format!(
                "NAME={shown} names one source but the folder holds {} logs: each log is named by its model; drop NAME= or name each log as NAME=FILE",
                logs.len()
            )));
        }
        out.extend(logs.into_iter().map(|path| InputSpec { name: input.name.clone(), path }));
    }
    Ok(out)
}

/// The logs of a directory or glob (`None` when it is not one, or holds a Parquet or CSV file).
pub(crate) fn logs_in(path: &Path) -> Result<Option<Vec<PathBuf>>> {
    let files = if path.is_dir() {
        let mut found = Vec::new();
        crate::data::input::walk::walk(path, &|_| true, &mut found)
            .map_err(|e| AmplifyError::Data(format!("{}: {e}", path.display())))?;
        found
    } else if !path.exists() && path.to_string_lossy().contains(['*', '?', '[']) {
        match glob::glob(&path.to_string_lossy()) {
            Ok(paths) => paths.filter_map(|p| p.ok()).filter(|p| p.is_file()).collect(),
            Err(_) => return Ok(None),
        }
    } else {
        return Ok(None);
    };
    if files.iter().any(|f| matches!(extension(f).as_str(), "parquet" | "pq" | "csv")) {
        return Ok(None);
    }
    let mut logs: Vec<PathBuf> = files.into_iter().filter(|f| is_log(f)).collect();
    logs.sort();
    Ok((!logs.is_empty()).then_some(logs))
}

fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// An Inspect log (`.eval`, or `.json` other than lm-eval's `results_*.json` and Inspect's
/// `logs.json` listing) or lm-eval samples (`samples_*.jsonl`).
fn is_log(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match extension(path).as_str() {
        "eval" => true,
        "json" => !name.starts_with("results_") && name != "logs.json",
        "jsonl" => name.starts_with("samples_"),
        _ => false,
    }
}
