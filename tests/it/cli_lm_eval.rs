//! lm-evaluation-harness samples, folders of logs and `--partial`: lm-eval `.jsonl` files written
//! by the tests (filters, per-repeat values, a results file beside them) give the statistics of the
//! same data as an Inspect log and as a tidy file; hostile lines; folders and globs of logs.

use crate::cli_logs::{eval_log, header, human, labels, refused, samples, statistics, tidy_csv};
use crate::common::{amplify, findings, write};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The samples of [`samples`] as lm-eval lines: one per document, each metric a list with one
/// value per repeat (an errored or unscored sample null, the partial one 0.5, as lm-eval would
/// write a non-binary score).
fn lm_eval_lines(dir: &Path, name: &str) -> PathBuf {
    let mut lines = String::new();
    for id in 1..=8i64 {
        let value = |epoch: i64| -> Value {
            let (v, _) = labels(id, epoch);
            match (id, epoch) {
                (5, 1) => json!(0.5),
                (3, 2) | (6, 2) => Value::Null,
                _ => json!(v),
            }
        };
        let indirect = |epoch: i64| -> Value {
            if (id == 3 || id == 6) && epoch == 2 {
                Value::Null
            } else {
                json!(labels(id, epoch).1)
            }
        };
        let line = json!({
            "doc_id": id, "doc": {"topic": if id <= 4 { "a" } else { "b" }, "nested": {"k": id}},
            "target": "NTA", "arguments": [["prompt", "x"]], "resps": [["a", "b"]],
            "filtered_resps": ["a", "b"], "filter": "none",
            "metrics": ["validation", "rubric.indirect"],
            "validation": [value(1), value(2)], "rubric.indirect": [indirect(1), indirect(2)],
            "doc_hash": "0", "prompt_hash": "0", "target_hash": "0",
        });
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    write(dir, name, &lines)
}

#[test]
fn lm_eval_samples_inspect_logs_and_a_tidy_file_give_the_same_statistics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let h = human(d).display().to_string();
    let jsonl = lm_eval_lines(d, "samples_aita_2025-01-01T00-00-00.000001.jsonl");
    let eval = d.join("run.eval");
    eval_log(&eval, Some(&header("m")), &samples());
    let tidy = tidy_csv(d).display().to_string();
    let from_lm = findings(&[&h, &format!("gpt={}", jsonl.display())]);
    let from_log = findings(&[&h, &format!("gpt={}", eval.display())]);
    let from_tidy = findings(&[&h, &format!("gpt={tidy}"), "--sample", "epoch"]);
    assert_eq!(statistics(from_lm.clone()), statistics(from_log));
    assert_eq!(statistics(from_lm.clone()), statistics(from_tidy));
    let model = format!("gpt={}", jsonl.display());
    let (counted, html) = crate::common::counted_and_reported(d, &[&h, &model]);
    assert_eq!(counted["comparisons"], from_lm["comparisons"]);
    assert!(html.contains("samples_aita_2025") && html.contains("rubric.indirect"));
    // Without a results file the source is named by the file, with a note saying so.
    let out = amplify().args(["compare", &h]).arg(&jsonl).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("no results_<time>.json") && stderr.contains("--sample epoch"), "{stderr}");
}

#[test]
fn filters_become_metrics_and_the_model_is_named_by_the_results_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = dir.path().join("out/EleutherAI__pythia-70m");
    std::fs::create_dir_all(&run).expect("mkdir");
    // 6 documents; exact_match under two filters (two lines per document), acc under none.
    let mut lines = String::new();
    let strict = [1, 0, 0, 1, 0, 0];
    let flexible = [1, 1, 0, 1, 1, 0];
    for id in 0..6usize {
        for (filter, values) in [("strict-match", strict), ("flexible-extract", flexible)] {
            let line = json!({"doc_id": id, "doc": {"q": format!("../q{id}")}, "target": "7",
                "filter": filter, "metrics": ["exact_match"], "exact_match": values[id] as f64});
            lines.push_str(&format!("{line}\n"));
        }
        lines.push_str(&format!(
            "{}\n",
            json!({"doc_id": id, "filter": "none", "metrics": ["acc"], "acc": (id % 2) as f64})
        ));
    }
    let jsonl = write(&run, "samples_gsm8k_2025-02-03T04-05-06.789.jsonl", &lines);
    write(
        &run,
        "results_2025-02-03T04-05-06.789.json",
        &json!({"model_name": "EleutherAI/pythia-70m", "results": {}}).to_string(),
    );
    let human: String = (0..6).map(|id| format!("{id},{},{},{}\n", 0, 0, 1)).collect();
    let h = write(
        dir.path(),
        "human.csv",
        &format!("id,\"exact_match,strict-match\",\"exact_match,flexible-extract\",acc\n{human}"),
    );
    let f = findings(&[&h.display().to_string(), &jsonl.display().to_string()]);
    let rate = |metric: &str| {
        let row =
            f["comparisons"].as_array().expect("rows").iter().find(|r| r["metric"] == metric).expect(metric);
        assert_eq!(row["model"], "EleutherAI/pythia-70m");
        assert_eq!(row["n"], 6);
        row["model_rate"].as_f64().expect("rate")
    };
    // By hand: strict 2 of 6, flexible 4 of 6, acc 3 of 6.
    assert!((rate("exact_match,strict-match") - 2.0 / 6.0).abs() < 1e-12);
    assert!((rate("exact_match,flexible-extract") - 4.0 / 6.0).abs() < 1e-12);
    assert!((rate("acc") - 0.5).abs() < 1e-12);
    assert!(f["settings"]["repeats"].is_null(), "one value per document: no repeated design");
    // The folder alone works as an input too (results_*.json is not read as a log).
    let g = findings(&[&h.display().to_string(), &run.display().to_string()]);
    assert_eq!(statistics(g), statistics(f));
}

#[test]
fn hostile_lm_eval_files_are_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let h = human(d).display().to_string();
    let p = |name: &str| d.join(name).display().to_string();
    let line = |id: &str| {
        format!(
            "{{\"doc_id\": {id}, \"filter\": \"none\", \"metrics\": [\"validation\"], \"validation\": 1}}\n"
        )
    };
    write(d, "dup.jsonl", &(line("1") + &line("1")));
    refused(&["compare", &h, &p("dup.jsonl")], &["dup.jsonl", "doc_id 1 appears twice with filter 'none'"]);
    write(d, "bad.jsonl", &(line("1") + "{not json\n"));
    refused(&["compare", &h, &p("bad.jsonl")], &["bad.jsonl", "line 2: not valid JSON"]);
    write(d, "other.jsonl", "{\"text\": \"hello\"}\n");
    refused(&["compare", &h, &p("other.jsonl")], &["other.jsonl", "no doc_id"]);
    write(d, "empty.jsonl", "\n\n");
    refused(&["compare", &h, &p("empty.jsonl")], &["empty.jsonl", "no sample lines"]);
    write(d, "float.jsonl", &line("1.5"));
    refused(&["compare", &h, &p("float.jsonl")], &["float.jsonl", "not an integer or a string"]);
}

#[test]
fn folders_and_globs_of_logs_are_one_source_per_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let logs = d.join("logs");
    std::fs::create_dir_all(&logs).expect("mkdir");
    let one: Vec<Value> = samples().into_iter().filter(|s| s["epoch"] == 1).collect();
    eval_log(&logs.join("a.eval"), Some(&header("org/model-a")), &one);
    let mut log = header("org/model-b");
    log["samples"] = Value::Array(one.clone());
    write(&logs, "b.json", &log.to_string());
    write(&logs, "logs.json", "{\"a.eval\": {}}");
    let h = human(d).display().to_string();
    // A link back to the parent (which holds human.csv) is not entered: no loop, no CSV found.
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", logs.join("up")).expect("symlink");
    let f = findings(&[&h, &logs.display().to_string(), "--metrics", "validation"]);
    let models: Vec<&str> =
        f["comparisons"].as_array().expect("rows").iter().filter_map(|r| r["model"].as_str()).collect();
    assert_eq!(models, ["org/model-a", "org/model-b"]);
    let g = findings(&[&h, &format!("{}/*.eval", logs.display()), "--metrics", "validation"]);
    assert_eq!(g["comparisons"].as_array().expect("rows").len(), 1);
    // p_adjusted depends on how many models are compared; everything else is the same row.
    let (mut one, mut both) = (g["comparisons"][0].clone(), f["comparisons"][0].clone());
    assert_ne!(one["p_adjusted"], both["p_adjusted"]);
    one["p_adjusted"] = Value::Null;
    both["p_adjusted"] = Value::Null;
    assert_eq!(one, both);
    let shown = logs.display().to_string();
    refused(&["compare", &shown, &h], &["holds 2 logs", "baseline"]);
    refused(&["compare", &h, &format!("x={shown}")], &["names one source", "2 logs"]);
}

#[test]
fn partial_scores_are_invalid_unless_counted_as_a_side() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let h = human(d).display().to_string();
    let eval = d.join("run.eval");
    eval_log(&eval, Some(&header("m")), &samples());
    // Item 5's first epoch is P: with --partial 1 it is the 1 the tidy file says.
    let tidy = std::fs::read_to_string(tidy_csv(d)).expect("tidy").replace("\n5,1,,", "\n5,1,1,");
    let tidy = write(d, "tidy_partial.csv", &tidy).display().to_string();
    let mut counted = findings(&[&h, &format!("gpt={}", eval.display()), "--partial", "1"]);
    assert_eq!(counted["settings"]["partial"], 1);
    counted["settings"].as_object_mut().expect("settings").remove("partial");
    let expected = findings(&[&h, &format!("gpt={tidy}"), "--sample", "epoch"]);
    assert_eq!(statistics(counted), statistics(expected));
    let out = amplify().args(["compare", &h]).arg(&eval).args(["--partial", "0"]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 partial score(s) (P): counted as 0"), "{stderr}");
    let out = amplify().args(["compare", &h]).arg(&eval).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 partial score(s) (P): invalid labels"), "{stderr}");
    let out = amplify().args(["compare", &h]).arg(&eval).args(["--partial", "0.5"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn inspect_recognises_lm_eval_samples_and_its_command_runs() {
    use crate::cli_inspect::{profile, run_suggestion};
    let dir = tempfile::tempdir().expect("tempdir");
    let file = lm_eval_lines(dir.path(), "samples_aita_2026-12-05.jsonl");
    let p = profile(&file);
    assert_eq!(p["format"], "lm-eval samples");
    let layout = p["layout"].as_str().expect("layout");
    assert!(layout.starts_with("lm-eval samples of model 'samples_aita_2026-12-05'"), "{layout}");
    let f = run_suggestion(p["suggestion"].as_str().expect("suggestion"), dir.path());
    let metrics: Vec<&str> =
        f["settings"]["metrics"].as_array().expect("metrics").iter().filter_map(Value::as_str).collect();
    assert_eq!(metrics, ["validation", "rubric.indirect"]);
}
