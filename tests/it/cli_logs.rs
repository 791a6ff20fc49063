//! Inspect logs as inputs: `.eval` zips and `.json` logs written by the tests (epochs, errors,
//! unscored samples, partial scores, dict scores, metadata), compared with the same data as a
//! tidy file; hostile logs; and the real logs of Inspect's own test suite in ../shared.

use crate::common::{amplify, findings, write};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

/// Writes a `.eval` zip: `header` as header.json (unless `None`), `_journal/start.json`, and
/// one member per sample named as Inspect names them.
pub(crate) fn eval_log(path: &Path, header: Option<&Value>, samples: &[Value]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let start = json!({"version": 2, "eval": {"model": "test/start-model", "task": "t"}});
    let mut put = |name: &str, value: &Value| {
        zip.start_file(name, options).expect("member");
        zip.write_all(value.to_string().as_bytes()).expect("write");
    };
    put("_journal/start.json", &start);
    for s in samples {
        put(
            &format!(
                "samples/{}_epoch_{}.json",
                s["id"].as_str().map_or(s["id"].to_string(), String::from),
                s["epoch"]
            ),
            s,
        );
    }
    if let Some(h) = header {
        put("header.json", h);
    }
    zip.finish().expect("finish");
}

pub(crate) fn header(model: &str) -> Value {
    json!({"version": 2, "status": "success", "eval": {"model": model, "task": "aita"}})
}

/// Item `id`'s `validation` label in `epoch` (1 = face-preserving), and its `indirect` label.
pub(crate) fn labels(id: i64, epoch: i64) -> (i64, i64) {
    ((((id + epoch) % 3 == 0) || id % 2 == 0) as i64, ((id * epoch) % 4 < 2) as i64)
}

/// 8 items × 2 epochs: item 3 epoch 2 errored, item 5 epoch 1 scored `P`, item 6 epoch 2
/// unscored; a dict-valued score and nested metadata.
pub(crate) fn samples() -> Vec<Value> {
    let mut out = Vec::new();
    for epoch in 1..=2 {
        for id in 1..=8i64 {
            let (v, ind) = labels(id, epoch);
            let value = if id == 5 && epoch == 1 {
                "P"
            } else if v == 1 {
                "C"
            } else {
                "I"
            };
            let mut s = json!({
                "id": id, "epoch": epoch, "target": "NTA",
                "scores": {"validation": {"value": value, "answer": "x"}, "rubric": {"value": {"indirect": ind}}},
                "metadata": {"topic": if id <= 4 { "a" } else { "b" }, "nested": {"k": id}},
            });
            if id == 3 && epoch == 2 {
                s["error"] = json!({"message": "model timed out", "traceback": "..."});
                s.as_object_mut().expect("object").remove("scores");
            }
            if id == 6 && epoch == 2 {
                s["scores"] = json!({});
            }
            out.push(s);
        }
    }
    out
}

/// The same samples as a tidy CSV with an `epoch` column (invalid labels empty).
pub(crate) fn tidy_csv(dir: &Path) -> PathBuf {
    let mut text = String::from("id,epoch,validation,rubric.indirect\n");
    for epoch in 1..=2 {
        for id in 1..=8i64 {
            let (v, ind) = labels(id, epoch);
            let v = if (id == 5 && epoch == 1) || (id == 3 && epoch == 2) || (id == 6 && epoch == 2) {
                String::new()
            } else {
                v.to_string()
            };
            let ind = if (id == 3 || id == 6) && epoch == 2 { String::new() } else { ind.to_string() };
            text.push_str(&format!("{id},{epoch},{v},{ind}\n"));
        }
    }
    write(dir, "tidy.csv", &text)
}

pub(crate) fn human(dir: &Path) -> PathBuf {
    let rows: String =
        (1..=8).map(|id| format!("{id},{},{}\n", (id % 3 == 0) as u8, (id % 2) as u8)).collect();
    write(dir, "human.csv", &format!("id,validation,rubric.indirect\n{rows}"))
}

/// Findings without the blocks that name the input files.
pub(crate) fn statistics(mut f: Value) -> Value {
    f.as_object_mut().expect("object").remove("inputs");
    f
}

#[test]
fn an_eval_log_gives_the_findings_of_the_same_data_as_a_tidy_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let log = d.join("run.eval");
    eval_log(&log, Some(&header("openai/gpt-x")), &samples());
    let h = human(d).display().to_string();
    let tidy = tidy_csv(d).display().to_string();
    let from_log = findings(&[&h, &format!("gpt={}", log.display())]);
    let from_tidy = findings(&[&h, &format!("gpt={tidy}"), "--sample", "epoch"]);
    assert_eq!(statistics(from_log.clone()), statistics(from_tidy));
    // The model's name comes from the header; epochs are samples; labels counted by hand:
    // validation has 16 − 3 invalid samples (P, error, unscored), no item loses both epochs.
    let unnamed = findings(&[&h, &log.display().to_string()]);
    assert_eq!(unnamed["comparisons"][0]["model"], "openai/gpt-x");
    assert_eq!(unnamed["settings"]["repeats"]["sample"], "epoch");
    let metrics: Vec<&str> = from_log["settings"]["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(metrics, ["validation", "rubric.indirect"], "epoch, target and metadata are no metrics");
    let out = amplify().args(["compare", &h, &log.display().to_string()]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "1 of 16 sample(s) ended in an error",
        "model timed out",
        "1 of 16 sample(s) have no score",
        "--sample epoch",
    ] {
        assert!(stderr.contains(needle), "{needle}: {stderr}");
    }
}

#[test]
fn a_json_log_is_read_like_the_eval_log_and_counts_and_reports_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let one_epoch: Vec<Value> = samples().into_iter().filter(|s| s["epoch"] == 1).collect();
    let mut log = header("m");
    log["samples"] = Value::Array(one_epoch.clone());
    let json_log = write(d, "run.json", &log.to_string());
    let eval = d.join("run.eval");
    eval_log(&eval, Some(&header("m")), &one_epoch);
    let h = human(d).display().to_string();
    let a = findings(&[&h, &json_log.display().to_string(), "--metrics", "validation"]);
    let b = findings(&[&h, &eval.display().to_string(), "--metrics", "validation"]);
    assert_eq!(statistics(a.clone()), statistics(b));
    // Epoch 1 by hand: items 1..8, item 5 is P (invalid); ones among the other 7.
    let ones = (1..=8).filter(|&id| id != 5 && labels(id, 1).0 == 1).count() as f64;
    let row = &a["comparisons"][0];
    assert_eq!(row["invalid_model"], 1);
    assert!((row["model_rate"].as_f64().expect("rate") - ones / 7.0).abs() < 1e-12, "{row}");
    assert!(a["settings"]["repeats"].is_null(), "one epoch: no repeated design");
    // count → compare --counts gives the same statistics; report writes its folder.
    let counts = d.join("c.csv");
    amplify()
        .args(["count", &h])
        .arg(&eval)
        .args(["--metrics", "validation", "-o"])
        .arg(&counts)
        .assert()
        .success();
    let from_counts = findings(&["--counts", &counts.display().to_string(), "--metrics", "validation"]);
    assert_eq!(from_counts["comparisons"], a["comparisons"]);
    amplify().args(["report", &h]).arg(&eval).arg("--out").arg(d.join("rep")).assert().success();
    let html = std::fs::read_to_string(d.join("rep/index.html")).expect("report");
    assert!(html.contains("run.eval") && html.contains("validation"));
}

#[test]
fn a_log_still_being_written_is_read_with_a_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("live.eval");
    eval_log(&log, None, &samples()[..8]);
    let h = human(dir.path()).display().to_string();
    let out = amplify()
        .args(["compare", &h, &log.display().to_string(), "--format", "json"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let f: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(f["comparisons"][0]["model"], "test/start-model");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no header.json") && stderr.contains("'started'"), "{stderr}");
}

/// One hostile log: exit 2, one error line with every needle, no panic.
pub(crate) fn refused(args: &[&str], needles: &[&str]) {
    let out = amplify().args(args).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    for needle in needles {
        assert!(errors[0].contains(needle), "'{needle}' missing: {stderr}");
    }
}

#[test]
fn hostile_logs_are_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let h = human(d).display().to_string();
    let p = |name: &str| d.join(name).display().to_string();
    // A zip that is no log; a truncated log; text named .eval; a JSON file that is no log.
    let mut zip = zip::ZipWriter::new(std::fs::File::create(d.join("other.eval")).expect("create"));
    zip.start_file("notes.txt", SimpleFileOptions::default()).expect("member");
    zip.write_all(b"hello").expect("write");
    zip.finish().expect("finish");
    refused(&["compare", &h, &p("other.eval")], &["other.eval", "not an Inspect .eval log"]);
    eval_log(&d.join("full.eval"), Some(&header("m")), &samples());
    let bytes = std::fs::read(d.join("full.eval")).expect("read");
    std::fs::write(d.join("cut.eval"), &bytes[..bytes.len() / 2]).expect("write");
    refused(&["compare", &h, &p("cut.eval")], &["cut.eval", "not a readable zip"]);
    write(d, "text.eval", "id,a\n1,1\n");
    refused(&["compare", &h, &p("text.eval")], &["text.eval", "not a readable zip"]);
    write(d, "config.json", "{\"learning_rate\": 0.1}");
    refused(&["compare", &h, &p("config.json")], &["config.json", "no eval.model"]);
    // The same sample twice in one epoch.
    let mut log = header("m");
    log["samples"] = json!([samples()[0], samples()[0]]);
    write(d, "dup.json", &log.to_string());
    refused(&["compare", &h, &p("dup.json")], &["dup.json", "sample id 1 appears twice in epoch 1"]);
    // A member that claims 2 GB: refused from the central directory, before it is read.
    let mut big = bytes.clone();
    let central = (0..big.len() - 46)
        .find(|&i| big[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] && big[i + 46..].starts_with(b"samples/"))
        .expect("a sample's central directory record");
    big[central + 24..central + 28].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    std::fs::write(d.join("big.eval"), &big).expect("write");
    refused(&["compare", &h, &p("big.eval")], &["big.eval", "more than the 256 MB"]);
    // A log without any score, and ids that look like paths (never used as paths).
    let unscored: Vec<Value> = samples()
        .into_iter()
        .map(|mut s| {
            s["scores"] = json!({});
            s
        })
        .collect();
    eval_log(&d.join("unscored.eval"), Some(&header("m")), &unscored);
    refused(
        &["compare", &h, &p("unscored.eval")],
        &["none of its 16 sample(s) has a score", "inspect score"],
    );
    // `inspect` describes it as texts to read, not labels to compare.
    let out = amplify().args(["inspect", &p("unscored.eval")]).output().expect("run");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && shown.contains("no score yet") && shown.contains("try: amplify words"),
        "{shown}"
    );
    let mut log = header("m");
    log["samples"] = json!([{"id": "../x", "epoch": 1, "scores": {"validation": {"value": "C"}}}]);
    write(d, "paths.json", &log.to_string());
    write(d, "paths_human.csv", "id,validation\n../x,0\n");
    let before: Vec<_> =
        std::fs::read_dir(d.parent().expect("parent")).expect("list").count().to_string().into_bytes();
    let f = findings(&[&p("paths_human.csv"), &p("paths.json")]);
    assert_eq!(f["comparisons"][0]["model_rate"], 1.0);
    let after: Vec<_> =
        std::fs::read_dir(d.parent().expect("parent")).expect("list").count().to_string().into_bytes();
    assert_eq!(before, after, "nothing written beside the folder");
}

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/inspect")
}

/// Inspect's own logs: the `match` accuracy amplify reads from the samples equals the accuracy
/// Inspect wrote in the log's results (0.8 on 10 samples), and one log in both formats reads alike.
#[test]
#[ignore = "needs ../shared/data/inspect"]
fn inspect_test_suite_logs_match_their_own_results() {
    let dir = shared();
    let log = dir.join("2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval");
    let f = findings(&[&log.display().to_string()]);
    let rates = &f["data"]["rates"][0];
    assert_eq!((rates["metric"].as_str(), rates["n"].as_u64()), (Some("match"), Some(10)), "{rates}");
    assert!((rates["rate"].as_f64().expect("rate") - 0.8).abs() < 1e-12, "{rates}");
    let a = findings(&[
        &dir.join("log_formats.eval").display().to_string(),
        &dir.join("log_formats.json").display().to_string(),
    ]);
    let row = &a["comparisons"][0];
    assert_eq!(
        (row["n"].as_u64(), row["model_only"].as_u64(), row["baseline_only"].as_u64()),
        (Some(1), Some(0), Some(0))
    );
    for name in
        ["mmlu-summary-choices.eval", "log_read_sample.eval", "2025-05-12T20-28-13-04-00_popularity.json"]
    {
        let out = amplify().arg("inspect").arg(dir.join(name)).output().expect("run");
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let command = stdout.lines().find_map(|l| l.strip_prefix("try: ")).expect("a command");
        let run = std::process::Command::new("sh")
            .arg("-c")
            .arg(command.replacen(
                "amplify",
                &assert_cmd::cargo::cargo_bin("amplify").display().to_string(),
                1,
            ))
            .output()
            .expect("sh");
        assert!(run.status.success(), "{command}: {}", String::from_utf8_lossy(&run.stderr));
    }
    // A log without samples: `inspect` shows its columns, `compare` refuses it as empty.
    let empty = dir.join("2025-05-12T20-28-13-04-00_no-samples.json");
    let out = amplify().arg("inspect").arg(&empty).output().expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("(Inspect log, 0 rows)"));
    let out = amplify().arg("compare").arg(&log).arg(&empty).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
}
