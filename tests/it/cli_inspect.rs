//! `amplify inspect` that leads somewhere: verdict columns recognised and counted, and a command
//! to start from that runs as printed (pasted into a shell).

use crate::common::{amplify, write};
use serde_json::Value;
use std::path::Path;

pub(crate) fn profile(path: &Path) -> Value {
    let out = amplify().args(["inspect"]).arg(path).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs the suggested command through `sh -c`, with `amplify` the binary under test, in `dir`.
pub(crate) fn run_suggestion(suggestion: &str, dir: &Path) -> Value {
    let binary = assert_cmd::cargo::cargo_bin("amplify");
    let rest = suggestion.strip_prefix("amplify ").expect("starts with amplify");
    let script = format!("'{}' {rest} --format json", binary.display());
    let out = std::process::Command::new("sh").arg("-c").arg(&script).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_sample_baseline_gets_verdict_columns_and_a_runnable_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let p = profile(&root.join("data/sample/human.parquet"));
    let column =
        |name: &str| p["columns"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone();
    let crowd = column("crowd_verdict");
    assert_eq!(crowd["role"], "verdict");
    // The crowd's five classes counted; the labels as --verdict codes them (YTA/ESH = 1).
    let counts: Vec<(String, u64)> = serde_json::from_value(crowd["verdicts"].clone()).unwrap();
    let n = |k: &str| counts.iter().find(|(c, _)| c == k).unwrap().1;
    assert_eq!(counts.iter().map(|(_, c)| c).sum::<u64>(), 3000);
    assert_eq!(crowd["labels"]["ones"].as_u64(), Some(n("YTA") + n("ESH")));
    assert_eq!(crowd["labels"]["invalid"].as_u64(), Some(n("INFO")));
    let suggestion = p["suggestion"].as_str().unwrap();
    assert_eq!(
        suggestion,
        format!(
            "amplify compare {} --truth crowd_verdict --verdict verdict --verdict-classes",
            root.join("data/sample/human.parquet").display()
        )
    );
    let f = run_suggestion(suggestion, root);
    assert!(f["verdict_classes"]["movements"].as_array().is_some_and(|m| !m.is_empty()));
    // On the terminal: the counts and the command.
    let out = amplify().arg("inspect").arg(root.join("data/sample/human.parquet")).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("verdicts in verdict: YTA 1241, NTA 1499, ESH 131, NAH 129, INFO 0"), "{text}");
    assert!(text.contains(&format!("try: {suggestion}")), "{text}");
}

#[test]
fn a_wide_verdict_file_with_awkward_names_gets_a_command_that_pastes() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,crowd's verdict,verdict_human,verdict_gpt,verdict_claude\n");
    let classes = ["YTA", "NTA", "ESH", "NAH"];
    for i in 0..40 {
        let c = |k: usize| classes[(i * k + i / 3) % 4];
        csv += &format!("{i},{},{},{},{}\n", c(1), c(1), c(3), if i % 7 == 0 { "info" } else { c(2) });
    }
    let path = write(dir.path(), "aita wide.csv", &csv);
    let p = profile(&path);
    assert!(p["layout"].as_str().unwrap().starts_with("wide"), "{}", p["layout"]);
    let suggestion = p["suggestion"].as_str().unwrap();
    assert!(
        suggestion.contains("--truth 'crowd'\\''s verdict' --verdict verdict --verdict-classes"),
        "{suggestion}"
    );
    let f = run_suggestion(suggestion, dir.path());
    let tables = f["verdict_classes"]["tables"].as_array().unwrap();
    let models: Vec<&str> =
        tables.iter().filter(|t| t["reference"] == "human").map(|t| t["source"].as_str().unwrap()).collect();
    assert_eq!(models, ["gpt", "claude"]);
}

#[test]
fn text_that_is_not_verdicts_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "t.csv", "id,comment\n1,YTA honestly\n2,nah\n3,yta\n4,whatever\n5,fine\n");
    let p = profile(&path);
    assert_ne!(p["columns"][1]["role"], "verdict", "one token in five is not a verdict column");
    assert_eq!(p["suggestion"], format!("amplify compare {}", path.display()).as_str());
}

#[test]
fn numbered_sample_columns_get_a_map_command_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let file = crate::cli_wide_samples::wide(dir.path());
    let p = profile(Path::new(&file));
    assert!(p["layout"].as_str().unwrap().starts_with("wide with samples"), "{}", p["layout"]);
    let gpt4 = p["columns"].as_array().unwrap().iter().find(|c| c["name"] == "gpt4_label_1").unwrap().clone();
    assert_eq!(gpt4["role"], "verdict");
    let suggestion = p["suggestion"].as_str().unwrap();
    assert_eq!(
        suggestion,
        format!(
            "amplify compare {file} --map human.verdict=verdict --map 'gpt4.verdict=gpt4_label_1,gpt4_label_2' \
             --map 'claude.verdict=claude_label_1,claude_label_2' --verdict verdict"
        )
    );
    let f = run_suggestion(suggestion, dir.path());
    let models: Vec<&str> =
        f["comparisons"].as_array().unwrap().iter().map(|r| r["model"].as_str().unwrap()).collect();
    assert_eq!(models, ["gpt4", "claude"]);
    assert_eq!(f["instability"].as_array().unwrap().len(), 2);
}

#[test]
fn a_folder_of_logs_is_profiled_log_by_log_with_one_command_that_runs() {
    use crate::cli_logs::{eval_log, header, samples};
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    eval_log(&logs.join("a.eval"), Some(&header("org/model-a")), &samples());
    eval_log(&logs.join("b.eval"), Some(&header("org/model-b")), &samples());
    let p = profile(&logs);
    let models: Vec<&str> =
        p["logs"].as_array().unwrap().iter().map(|l| l["model"].as_str().unwrap()).collect();
    assert_eq!(models, ["org/model-a", "org/model-b"]);
    assert!(p["layout"].as_str().unwrap().contains("a folder of 2 log(s)"), "{}", p["layout"]);
    let suggestion = p["suggestion"].as_str().unwrap();
    let f = run_suggestion(suggestion, dir.path());
    assert_eq!(f["comparisons"][0]["model"], "org/model-b");
    assert_eq!(f["settings"]["baseline"], "org/model-a");
    // The first log's epochs are the baseline's repeated labels, the second's the model's samples.
    assert_eq!(f["settings"]["repeats"]["annotator"], "epoch");
    assert_eq!(f["settings"]["repeats"]["sample"], "epoch");
    // Each log's own command runs too (the log's data alone).
    for log in p["logs"].as_array().unwrap() {
        let own = run_suggestion(log["suggestion"].as_str().unwrap(), dir.path());
        assert!(own["data"].is_object() || own["data"].is_array(), "{}", log["suggestion"]);
    }
    // Reruns of one model are named by their files, so the command still runs.
    eval_log(&logs.join("c.eval"), Some(&header("org/model-b")), &samples());
    let suggestion = profile(&logs)["suggestion"].as_str().unwrap().to_string();
    assert!(suggestion.contains("c=") && suggestion.contains("b="), "{suggestion}");
    let f = run_suggestion(&suggestion, dir.path());
    assert_eq!(f["comparisons"].as_array().unwrap().iter().filter(|r| r["model"] == "c").count(), 2);
    let out = amplify().arg("inspect").arg(&logs).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("folder: a folder of 3 log(s)") && text.contains(&format!("try: {suggestion}")),
        "{text}"
    );
}
