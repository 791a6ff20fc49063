//! `amplify inspect` that leads somewhere: verdict columns recognised and counted, and a command
//! to start from that runs as printed (pasted into a shell).

use crate::common::{amplify, write};
use serde_json::Value;
use std::path::Path;

fn profile(path: &Path) -> Value {
    let out = amplify().args(["inspect"]).arg(path).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs the suggested command through `sh -c`, with `amplify` the binary under test, in `dir`.
fn run_suggestion(suggestion: &str, dir: &Path) -> Value {
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
