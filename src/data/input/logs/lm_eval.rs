//! lm-evaluation-harness samples: the `samples_<task>_<time>.jsonl` file `lm_eval --log_samples`
//! writes, one JSON line per document and filter with `doc_id`, `doc`, `target`, `filter`, the
//! list `metrics` and each metric's value. A metric is named as it is for the `none` filter and
//! `metric,filter` for the others (the results file's spelling); a metric logged as a list (one
//! value per repeat) gives one sample per repeat. The model's name comes from the
//! `results_<time>.json` beside the file when there is one.

use super::frame::{build, Sample, FIXED};
use super::LogTable;
use crate::error::{AmplifyError, Result};
use crate::escape::printable;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The longest line amplify reads (a line holds one document, its prompt and its responses).
const LINE_LIMIT: u64 = 256 << 20;

/// Reads lm-eval samples into a table.
pub(crate) fn read_lm_eval(path: &Path) -> Result<LogTable> {
    let bad = |reason: String| AmplifyError::Unreadable {
        path: path.to_path_buf(),
        format: "lm-eval samples",
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| bad(e.to_string()))?;
    let mut reader = BufReader::new(file);
    let mut docs = Docs::default();
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        let read =
            reader.by_ref().take(LINE_LIMIT).read_until(b'\n', &mut line).map_err(|e| bad(e.to_string()))?;
        if read == 0 {
            break;
        }
        if read as u64 == LINE_LIMIT && line.last() != Some(&b'\n') {
            return Err(bad(format!("line {number} is longer than {} MB", LINE_LIMIT >> 20)));
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: Value = serde_json::from_slice(&line).map_err(|e| {
            bad(format!("line {number}: not valid JSON ({e}); lm-eval writes one object per line"))
        })?;
        docs.add(&value).map_err(|e| bad(format!("line {number}: {e}")))?;
    }
    if docs.samples.is_empty() {
        return Err(bad("no sample lines: is it a samples_<task>_<time>.jsonl file?".into()));
    }
    let mut notes = Vec::new();
    let model = model_name(path, &mut notes);
    let epochs = docs.samples.iter().map(|s| s.epoch).max().unwrap_or(1);
    let (frame, scores, metadata) = build(&docs.samples).map_err(|e| bad(e.to_string()))?;
    if scores.is_empty() {
        return Err(bad("no line names a metric (the 'metrics' list is empty)".into()));
    }
    let not_labels = FIXED[1..].iter().map(|s| s.to_string()).chain(metadata).collect();
    Ok(LogTable { frame, model, not_labels, epochs, notes, partials: 0, unscored: None })
}

/// The documents read so far: one sample per document and repeat.
#[derive(Default)]
struct Docs {
    samples: Vec<Sample>,
    /// (doc id, repeat) → index in `samples`.
    index: HashMap<(String, i64), usize>,
    /// (doc id, filter) pairs seen, to refuse a repeated line.
    seen: HashSet<(String, String)>,
}

impl Docs {
    /// Adds one line: its metric values to the document's samples (created on first sight).
    fn add(&mut self, line: &Value) -> std::result::Result<(), String> {
        let object = line.as_object().ok_or("a line is not a JSON object")?;
        let id = match object.get("doc_id") {
            Some(v @ Value::String(_)) => v.clone(),
            Some(v) if v.is_i64() || v.is_u64() => v.clone(),
            Some(other) => {
                return Err(format!(
                    "doc_id {} is not an integer or a string",
                    printable(&other.to_string(), 40)
                ))
            }
            None => return Err("no doc_id: not an lm-eval samples line".into()),
        };
        let filter = object.get("filter").and_then(Value::as_str).unwrap_or("none").to_string();
        if !self.seen.insert((id.to_string(), filter.clone())) {
            return Err(format!(
                "doc_id {} appears twice with filter '{}'; each document may appear once per filter",
                printable(&id.to_string(), 60),
                printable(&filter, 40)
            ));
        }
        let names: Vec<&str> = match object.get("metrics") {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => return Err("no 'metrics' list: not an lm-eval samples line".into()),
        };
        for name in names {
            let column = if filter == "none" { name.to_string() } else { format!("{name},{filter}") };
            match object.get(name) {
                Some(Value::Array(values)) => {
                    for (k, v) in values.iter().enumerate() {
                        self.sample(&id, k as i64 + 1, object).scores.push((column.clone(), label(v)));
                    }
                }
                value => self.sample(&id, 1, object).scores.push((column, value.and_then(label))),
            }
        }
        Ok(())
    }

    /// The sample of `id` and `repeat`, created with the line's target and document fields.
    fn sample(&mut self, id: &Value, repeat: i64, line: &Map<String, Value>) -> &mut Sample {
        let key = (id.to_string(), repeat);
        let next = self.samples.len();
        let at = *self.index.entry(key).or_insert(next);
        if at == next {
            let mut metadata = Vec::new();
            if let Some(Value::Object(doc)) = line.get("doc") {
                flatten("doc", doc, &mut metadata);
            }
            self.samples.push(Sample {
                id: id.clone(),
                epoch: repeat,
                target: target(line.get("target")),
                output: None,
                scores: Vec::new(),
                metadata,
            });
        }
        &mut self.samples[at]
    }
}

/// A metric value as a label: numbers and booleans as they are (the label rules decide), anything
/// else (a tuple for BLEU, null) no label.
fn label(value: &Value) -> Option<Value> {
    (value.is_number() || value.is_boolean()).then(|| value.clone())
}

fn target(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        Value::Array(items) => Some(
            items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), String::from))
                .collect::<Vec<_>>()
                .join("|"),
        ),
        other => Some(other.to_string()),
    }
}

/// Scalar fields of the document, named `doc.<field>` (nested objects `doc.outer.inner`).
fn flatten(prefix: &str, map: &Map<String, Value>, out: &mut Vec<(String, Value)>) {
    for (key, value) in map {
        let name = format!("{prefix}.{key}");
        match value {
            Value::Object(inner) => flatten(&name, inner, out),
            Value::Null | Value::Array(_) => {}
            scalar => out.push((name, scalar.clone())),
        }
    }
}

/// The model's name from `results_<time>.json` beside `samples_<task>_<time>.jsonl`: its
/// `model_name`, else `pretrained=` of `config.model_args`; else the file's stem, with a note.
fn model_name(path: &Path, notes: &mut Vec<String>) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if let Some(results) = results_beside(path) {
        if let Some(name) = std::fs::File::open(&results)
            .ok()
            .filter(|f| f.metadata().is_ok_and(|m| m.len() < 64 << 20))
            .and_then(|f| serde_json::from_reader::<_, Value>(BufReader::new(f)).ok())
            .and_then(|r| model_in(&r))
        {
            return name;
        }
    }
    notes.push(format!(
        "{}: no results_<time>.json with a model name beside it: the source is named '{}' (NAME=PATH names it)",
        path.display(),
        printable(&stem, 80)
    ));
    stem
}

fn results_beside(path: &Path) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_str()?;
    let time = stem.strip_prefix("samples_")?.rsplit_once('_')?.1;
    let results = path.with_file_name(format!("results_{time}.json"));
    results.is_file().then_some(results)
}

fn model_in(results: &Value) -> Option<String> {
    let named = results.get("model_name").and_then(Value::as_str).filter(|s| !s.is_empty());
    let pretrained = || {
        let args = results.pointer("/config/model_args")?.as_str()?;
        args.split(',').find_map(|kv| kv.trim().strip_prefix("pretrained=")).map(str::to_string)
    };
    named.map(str::to_string).or_else(pretrained)
}
