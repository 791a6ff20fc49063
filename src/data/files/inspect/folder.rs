//! `amplify inspect FOLDER` on a folder (or quoted glob) of evaluation logs: each log's profile,
//! and one command comparing them.

use super::{inspect, quote, FileProfile};
use crate::error::Result;
use serde::Serialize;
use std::path::Path;

/// A folder of logs: each log as `inspect` profiles it, the layout and a command to run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FolderProfile {
    /// The folder or glob as given.
    pub path: String,
    /// Each log's profile, in file-name order (the order `compare` reads them in).
    pub logs: Vec<FileProfile>,
    /// How `compare` reads the folder.
    pub layout: String,
    /// A command comparing the logs, runnable as printed.
    pub suggestion: String,
}

/// The folder's profile, or `None` when `path` is not a folder or glob of logs.
pub(crate) fn inspect_folder(path: &Path, baseline_name: &str) -> Result<Option<FolderProfile>> {
    let Some(files) = crate::data::input::logs::directories::logs_in(path)? else { return Ok(None) };
    let logs = files.iter().map(|f| inspect(f, baseline_name)).collect::<Result<Vec<_>>>()?;
    let models: Vec<&str> = logs.iter().map(|l| l.model.as_deref().unwrap_or("?")).collect();
    let layout = format!(
        "a folder of {} log(s), one source each (models: {}): compare them with a baseline keyed by the same sample ids: amplify compare BASELINE {}",
        logs.len(),
        models.join(", "),
        path.display()
    );
    Ok(Some(FolderProfile { path: path.display().to_string(), suggestion: suggest(&logs), layout, logs }))
}

/// Runnable as printed: one log alone (the data's own findings), or the first log as the baseline
/// (named by its model) and the others compared with it. Logs of one model (reruns) are named by
/// their file stems, as two sources may not share a name.
fn suggest(logs: &[FileProfile]) -> String {
    let [first, rest @ ..] = logs else { return String::new() };
    if rest.is_empty() {
        return first.suggestion.clone();
    }
    let model = |l: &FileProfile| l.model.clone().unwrap_or_default();
    let shared = |l: &FileProfile| logs.iter().filter(|o| model(o) == model(l)).count() > 1;
    let stem = |l: &FileProfile| {
        Path::new(&l.path).file_stem().map(|s| s.to_string_lossy().replace(['=', '/', '\\'], "_"))
    };
    let mut args = vec!["amplify compare".to_string()];
    for log in logs {
        match stem(log).filter(|_| shared(log)) {
            Some(name) => args.push(quote(&format!("{name}={}", log.path))),
            None => args.push(quote(&log.path)),
        }
    }
    let baseline = match stem(first).filter(|_| shared(first)) {
        Some(name) => name,
        None => model(first),
    };
    args.push(format!("--baseline-name {}", quote(&baseline)));
    args.join(" ")
}
