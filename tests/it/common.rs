//! Shared helpers for the CLI tests: fixture files written by the tests themselves.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The amplify binary under test.
pub fn amplify() -> Command {
    Command::cargo_bin("amplify").expect("binary built")
}

/// Writes `content` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write fixture");
    path
}

/// Generates the seeded sample (Parquet) with `items` items into `dir`.
pub fn sample(dir: &Path, items: usize) -> [PathBuf; 3] {
    amplify().args(["sample", "--items", &items.to_string(), "--out"]).arg(dir).assert().success();
    ["human", "model_a", "model_b"].map(|n| dir.join(format!("{n}.parquet")))
}

/// Runs `compare ... --format json` and parses the findings.
pub fn findings(args: &[&str]) -> serde_json::Value {
    let out = amplify().arg("compare").args(args).args(["--format", "json"]).output().expect("run");
    assert!(out.status.success(), "compare failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// The options of the documented sample run (README, reports/README.md): verdicts (and their
/// classes) against the crowd's truth and the partner grouping derived from the prompt.
pub const SAMPLE_OPTIONS: [&str; 11] = [
    "--truth",
    "crowd_verdict",
    "--verdict",
    "verdict",
    "--verdict-classes",
    "--derive",
    r"partner=female:\b(wife|girlfriend)\b",
    "--derive",
    r"partner=male:\b(husband|boyfriend)\b",
    "--reference",
    "partner=male",
];

/// A small tidy baseline: 6 items, metrics a and b.
pub const HUMAN_CSV: &str =
    "id,a,b,text\n1,1,0,hello there\n2,0,0,general kenobi\n3,1,1,x y\n4,0,1,z\n5,0,0,w\n6,1,0,v\n";
/// A matching model file.
pub const MODEL_CSV: &str = "id,a,b\n1,1,1\n2,1,0\n3,1,1\n4,1,1\n5,0,1\n6,1,0\n";

/// Asserts a failed run: exit code 2, one line on stderr containing every needle, no panic.
pub fn assert_user_error(cmd: &mut Command, needles: &[&str]) {
    let out = cmd.output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "exit code for: {stderr}");
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "one error line expected: {stderr}");
    for needle in needles {
        assert!(lines[0].contains(needle), "'{needle}' missing from: {}", lines[0]);
    }
}

/// The options of the documented pair run on `flip.parquet` (README): the sides, the truth and
/// the topic grouping.
pub const FLIP_OPTIONS: [&str; 14] = [
    "--source-column",
    "source",
    "--pair",
    "pair_id",
    "--variant",
    "version",
    "--variants",
    "original,flipped",
    "--truth",
    "crowd_verdict",
    "--verdict",
    "verdict",
    "--group",
    "topic",
];

/// Runs `count ARGS -o DIR/counts.csv` then `compare --counts` on it, and `report ARGS` into
/// `DIR/report`: the counted findings, and the report's HTML.
pub fn counted_and_reported(dir: &Path, args: &[&str]) -> (serde_json::Value, String) {
    let counts = dir.join("counts.csv");
    amplify().arg("count").args(args).arg("-o").arg(&counts).assert().success();
    let f = findings(&["--counts", counts.to_str().expect("utf-8 path")]);
    let out = dir.join("report");
    amplify().arg("report").args(args).arg("--out").arg(&out).assert().success();
    (f, std::fs::read_to_string(out.join("index.html")).expect("report"))
}
