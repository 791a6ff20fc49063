//! Inspect logs (UK AI Security Institute's `inspect_ai`): the `.eval` format, a zip holding
//! `header.json` (written when the run ends; `_journal/start.json` before that) and one
//! `samples/<id>_epoch_<n>.json` per sample and epoch, and the `.json` format, one object with
//! `eval`, `results` and a `samples` array. Scores: `C`/`I` are 1/0, `P` (partial) is 0.5 (an
//! invalid label unless `--partial`), `N` (no answer) is invalid, numbers and booleans follow the label rules, a dict-valued score becomes
//! one column per key (`scorer.key`), other strings stay text (verdicts, `yes`/`no`).

use super::frame::{build, Sample, FIXED};
use super::LogTable;
use crate::error::{AmplifyError, Result};
use crate::escape::printable;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::io::{BufReader, Read};
use std::path::Path;

/// The value a partial score (`P`) is stored as: Inspect's own (`value_to_float`); a label rule
/// makes it invalid unless `--partial` counts it as 0 or 1.
pub(crate) const PARTIAL: f64 = 0.5;

/// The largest sample member of a `.eval` zip amplify reads (Inspect writes a few KB to a few MB
/// per sample; a larger member is refused before it is read).
const MEMBER_LIMIT: u64 = 256 << 20;

/// Reads an Inspect log (`.eval` or `.json`) into a table.
pub(crate) fn read_inspect(path: &Path) -> Result<LogTable> {
    let bad =
        |reason: String| AmplifyError::Unreadable { path: path.to_path_buf(), format: "Inspect log", reason };
    let is_eval = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("eval"));
    let (header, samples, mut notes) =
        if is_eval { read_eval(path) } else { read_json(path) }.map_err(bad)?;
    let model = header
        .pointer("/eval/model")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no eval.model in its header: is it an Inspect log?".into()))?
        .to_string();
    if let Some(status) = header.get("status").and_then(Value::as_str).filter(|s| *s != "success") {
        notes.push(format!("{}: the run's status is '{}'", path.display(), printable(status, 40)));
    }
    let mut parsed = Vec::with_capacity(samples.len());
    let mut seen = HashSet::new();
    let (mut errored, mut unscored, mut partial) = (Vec::new(), 0usize, 0usize);
    for (where_, value) in &samples {
        let sample = sample(value).map_err(|e| bad(format!("{where_}: {e}")))?;
        let key = (sample.id.to_string(), sample.epoch);
        if !seen.insert(key) {
            return Err(bad(format!(
                "sample id {} appears twice in epoch {}; each sample may appear once per epoch",
                printable(&sample.id.to_string(), 60),
                sample.epoch
            )));
        }
        partial +=
            sample.scores.iter().filter(|(_, v)| v.as_ref().and_then(Value::as_f64) == Some(PARTIAL)).count();
        if let Some(message) = error_message(value) {
            errored.push(message);
        } else if sample.scores.is_empty() {
            unscored += 1;
        }
        parsed.push(sample);
    }
    let total = parsed.len();
    if !errored.is_empty() {
        notes.push(format!(
            "{}: {} of {total} sample(s) ended in an error, their labels are invalid (first: {})",
            path.display(),
            errored.len(),
            printable(&errored[0], 80)
        ));
    }
    if unscored > 0 {
        notes.push(format!(
            "{}: {unscored} of {total} sample(s) have no score; their labels are invalid",
            path.display()
        ));
    }
    let (frame, scores, metadata) = build(&parsed).map_err(|e| bad(e.to_string()))?;
    // Refused where labels are read (`ScannedFile::open_input`); its texts can still be read.
    let unscored = (scores.is_empty() && total > 0).then(|| {
        format!(
            "none of its {total} sample(s) has a score ({unscored} unscored, {} with an error); score the log first (`inspect score LOG`)",
            errored.len()
        )
    });
    let epochs = parsed.iter().map(|s| s.epoch).max().unwrap_or(1);
    let not_labels = FIXED[1..].iter().map(|s| s.to_string()).chain(metadata).collect();
    Ok(LogTable { frame, model, not_labels, epochs, notes, partials: partial, unscored })
}

type Read_ = (Value, Vec<(String, Value)>, Vec<String>);

/// A `.eval` zip: its header (or the journal's start record) and every sample member.
fn read_eval(path: &Path) -> std::result::Result<Read_, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| format!("not a readable zip ({e}); an .eval log is a zip file written by Inspect"))?;
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| format!("a member name cannot be read ({e})"))?;
    let mut notes = Vec::new();
    let header = if names.iter().any(|n| n == "header.json") {
        member(&mut zip, "header.json")?
    } else if names.iter().any(|n| n == "_journal/start.json") {
        notes.push(format!(
            "{}: no header.json (the log is still being written, or the run stopped): the model is read from _journal/start.json and the samples written so far",
            path.display()
        ));
        let mut start = member(&mut zip, "_journal/start.json")?;
        if let Some(object) = start.as_object_mut() {
            object.insert("status".into(), Value::String("started".into()));
        }
        start
    } else {
        return Err("no header.json and no _journal/start.json: not an Inspect .eval log".into());
    };
    let mut samples = Vec::new();
    for name in names.iter().filter(|n| n.starts_with("samples/") && n.ends_with(".json")) {
        samples.push((name.clone(), member(&mut zip, name)?));
    }
    Ok((header, samples, notes))
}

/// One JSON member of the zip, refused before reading when it claims more than [`MEMBER_LIMIT`].
fn member<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> std::result::Result<Value, String> {
    let shown = printable(name, 80);
    let entry = zip.by_name(name).map_err(|e| format!("{shown}: {e}"))?;
    if entry.size() > MEMBER_LIMIT {
        return Err(format!(
            "{shown} holds {} MB, more than the {} MB amplify reads from one member",
            entry.size() >> 20,
            MEMBER_LIMIT >> 20
        ));
    }
    let mut bytes = Vec::with_capacity(entry.size() as usize);
    entry.take(MEMBER_LIMIT + 1).read_to_end(&mut bytes).map_err(|e| format!("{shown}: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{shown}: not valid JSON ({e})"))
}

/// A `.json` log: the object itself is the header; its `samples` array the samples.
fn read_json(path: &Path) -> std::result::Result<Read_, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut log: Value =
        serde_json::from_reader(BufReader::new(file)).map_err(|e| format!("not valid JSON ({e})"))?;
    let samples = match log.as_object_mut().and_then(|o| o.remove("samples")) {
        Some(Value::Array(items)) => {
            items.into_iter().enumerate().map(|(i, s)| (format!("samples[{i}]"), s)).collect()
        }
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err("'samples' is not a list".into()),
    };
    Ok((log, samples, Vec::new()))
}

/// One sample record.
fn sample(value: &Value) -> std::result::Result<Sample, String> {
    let object = value.as_object().ok_or("a sample is not a JSON object")?;
    let id = match object.get("id") {
        Some(v @ Value::String(_)) => v.clone(),
        Some(v) if v.is_i64() || v.is_u64() => v.clone(),
        Some(other) => {
            return Err(format!(
                "sample id {} is not a string or an integer",
                printable(&other.to_string(), 40)
            ))
        }
        None => return Err("a sample has no id".into()),
    };
    let epoch = match object.get("epoch") {
        None => 1,
        Some(v) => v
            .as_i64()
            .filter(|e| *e >= 1)
            .ok_or_else(|| format!("sample {id}: epoch {v} is not a positive integer"))?,
    };
    let target = object.get("target").and_then(|t| match t {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("|")),
        _ => None,
    });
    let mut scores = Vec::new();
    if error_message(value).is_none() {
        if let Some(Value::Object(map)) = object.get("scores") {
            for (scorer, score) in map {
                score_values(scorer, score.get("value").unwrap_or(&Value::Null), &mut scores);
            }
        }
    }
    let mut metadata = Vec::new();
    if let Some(Value::Object(map)) = object.get("metadata") {
        flatten("", map, &mut metadata);
    }
    Ok(Sample { id, epoch, target, output: output_text(object.get("output")), scores, metadata })
}

/// The text of a sample's output: its first choice's message content, a string or the `text` of
/// its content parts joined by a space; `None` without a message.
fn output_text(output: Option<&Value>) -> Option<String> {
    let content = output?.get("choices")?.get(0)?.get("message")?.get("content")?;
    match content {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let texts: Vec<&str> =
                parts.iter().filter_map(|p| p.get("text").and_then(Value::as_str)).collect();
            Some(texts.join(" "))
        }
        _ => None,
    }
}

/// A score's value as labels: `C`/`I` → 1/0, `P` → [`PARTIAL`], `N`/null/lists → invalid, dicts
/// → one label per key, anything else as it is.
fn score_values(name: &str, value: &Value, out: &mut Vec<(String, Option<Value>)>) {
    let label = match value {
        Value::Object(map) => {
            for (key, inner) in map {
                score_values(&format!("{name}.{key}"), inner, out);
            }
            return;
        }
        Value::String(s) if s == "C" => Some(Value::from(1)),
        Value::String(s) if s == "I" => Some(Value::from(0)),
        Value::String(s) if s == "P" => Some(Value::from(PARTIAL)),
        Value::String(s) if s == "N" => None,
        Value::Null | Value::Array(_) => None,
        other => Some(other.clone()),
    };
    out.push((name.to_string(), label));
}

/// Scalar metadata fields; nested objects flattened (`outer.inner`); lists and nulls left out.
fn flatten(prefix: &str, map: &Map<String, Value>, out: &mut Vec<(String, Value)>) {
    for (key, value) in map {
        let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            Value::Object(inner) => flatten(&name, inner, out),
            Value::Null | Value::Array(_) => {}
            scalar => out.push((name, scalar.clone())),
        }
    }
}

/// The message of a sample's error, if it has one.
fn error_message(sample: &Value) -> Option<String> {
    match sample.get("error")? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(
            other.get("message").and_then(Value::as_str).map_or_else(|| other.to_string(), str::to_string),
        ),
    }
}
