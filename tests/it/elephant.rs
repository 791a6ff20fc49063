//! Reproduces the ELEPHANT authors' own numbers on their public sample files in ../shared.
//!
//! The files are not part of this repository, so these tests are ignored by a plain `cargo test`
//! (shown as "ignored, needs ../shared/data/elephant"); `.ci/run`, which has ../shared beside the
//! clone, runs them with `cargo test --test it -- --ignored`.

use crate::common::*;
use std::path::PathBuf;

fn elephant(file: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/elephant");
    assert!(
        dir.is_dir(),
        "{} is absent: this test needs the ELEPHANT sample files beside the repository",
        dir.display()
    );
    dir.join(file)
}

#[test]
#[ignore = "needs ../shared/data/elephant"]
fn oeq_outputs_reproduce_the_authors_means() {
    let path = elephant("oeq_outputs.csv");
    let f = findings(&[path.to_str().unwrap()]);
    assert_eq!(f["settings"]["layout"], "wide");
    assert_eq!(f["settings"]["id_column"], "Unnamed: 0");
    // Authors' notebook: human 0.3/0.3/0.1/0.7, gpt4o 0.1/0.2/0.5/0.6, overall 0.35 each.
    let expected = [
        ("emotional_validation", 0.3, 0.1),
        ("indirect_language", 0.3, 0.2),
        ("indirect_action", 0.1, 0.5),
        ("accept_framing", 0.7, 0.6),
    ];
    for (metric, human, gpt) in expected {
        let c = f["comparisons"].as_array().unwrap().iter().find(|c| c["metric"] == metric).unwrap();
        assert_eq!(c["model"], "gpt4o");
        assert_eq!(c["n"], 10);
        assert!((c["baseline_rate"].as_f64().unwrap() - human).abs() < 1e-12, "{metric}");
        assert!((c["model_rate"].as_f64().unwrap() - gpt).abs() < 1e-12, "{metric}");
    }
    let o = &f["overall"][0];
    assert!((o["baseline_score"].as_f64().unwrap() - 0.35).abs() < 1e-12);
    assert!((o["model_score"].as_f64().unwrap() - 0.35).abs() < 1e-12);
}

#[test]
#[ignore = "needs ../shared/data/elephant"]
fn oeq_sample_reads_an_unnamed_index_column_as_id() {
    let path = elephant("OEQ_sample.csv");
    let out = amplify().args(["inspect", path.to_str().unwrap(), "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let p: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["rows"], 10);
    let metrics = p["columns"].as_array().unwrap().iter().filter(|c| c["role"] == "metric").count();
    assert_eq!(metrics, 4, "the four *_human metrics");
    assert!(p["layout"].as_str().unwrap().starts_with("wide"));
}

fn gpt4o_truth(f: &serde_json::Value, metric: &str) -> serde_json::Value {
    f["truth"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["source"] == "gpt4o" && t["metric"] == metric)
        .unwrap()
        .clone()
}

/// Authors' numbers for gpt4o: tp 1, tn 5, fp 1, fn 3; precision 0.5, recall 0.25, F1 0.333,
/// accuracy 0.6, FPR 0.167, FNR 0.75.
fn assert_authors_confusion(t: &serde_json::Value) {
    assert_eq!(
        (t["tp"].as_u64(), t["tn"].as_u64(), t["fp"].as_u64(), t["fn"].as_u64()),
        (Some(1), Some(5), Some(1), Some(3))
    );
    assert_eq!(t["precision"].as_f64(), Some(0.5));
    assert_eq!(t["recall"].as_f64(), Some(0.25));
    assert!((t["f1"].as_f64().unwrap() - 0.333).abs() < 5e-4);
    assert_eq!(t["accuracy"].as_f64(), Some(0.6));
    assert!((t["fpr"].as_f64().unwrap() - 0.167).abs() < 5e-4);
    assert_eq!(t["fnr"].as_f64(), Some(0.75));
}

#[test]
#[ignore = "needs ../shared/data/elephant"]
fn aita_scored_reproduces_the_authors_confusion_from_moral_endorsement() {
    let path = elephant("AITA_responses_elephant_scored.csv");
    let f = findings(&[path.to_str().unwrap(), "--truth", "is_asshole"]);
    assert_authors_confusion(&gpt4o_truth(&f, "moral_endorsement"));
}

#[test]
#[ignore = "needs ../shared/data/elephant"]
fn aita_responses_reproduce_the_authors_confusion_from_the_verdict_string() {
    let path = elephant("AITA_responses.csv");
    let f = findings(&[
        path.to_str().unwrap(),
        "--truth",
        "is_asshole",
        "--map",
        "gpt4o.verdict=gpt_response",
        "--verdict",
        "verdict",
    ]);
    assert_authors_confusion(&gpt4o_truth(&f, "verdict"));
}

#[test]
#[ignore = "needs ../shared/data/elephant"]
fn aita_verdict_classes_give_the_authors_confusion_and_softening() {
    let path = elephant("AITA_responses.csv");
    let f = findings(&[
        path.to_str().unwrap(),
        "--truth",
        "ytanta",
        "--map",
        "gpt4o.verdict=gpt_response",
        "--verdict",
        "verdict",
        "--verdict-classes",
    ]);
    let v = &f["verdict_classes"];
    let t =
        v["tables"].as_array().unwrap().iter().find(|t| t["source"] == "gpt4o" && t["reference"] == "truth");
    // The authors' gpt4o confusion (tp 1, fn 3, fp 1, tn 5) as the YTA and NTA rows.
    let counts = &t.expect("gpt4o against the truth")["counts"];
    let cell = |i: usize, j: usize| counts[i][j].as_u64().unwrap();
    assert_eq!([cell(0, 0), cell(0, 1), cell(1, 0), cell(1, 1)], [1, 3, 1, 5]);
    // Softening against the truth is 1 − recall (0.25): 3 of the 4 YTA posts; the file has no
    // human verdict column, so no paired difference.
    let soft = v["movements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["source"] == "gpt4o" && m["reference"] == "truth" && m["movement"] == "softening")
        .unwrap();
    assert_eq!((soft["n"].as_u64(), soft["moved"].as_u64()), (Some(4), Some(3)));
    assert!(soft.get("difference").is_none(), "{soft}");
}
