//! Where output goes, as a hostile user would send it: closed pipes, full disks, FIFOs, symbolic
//! links; and the runs that must succeed with a note instead of silently dropping data.

use crate::common::{amplify, sample, write, HUMAN_CSV, MODEL_CSV};
use std::io::Read;
use std::process::{Command, Stdio};

fn binary() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("amplify")
}

#[test]
fn a_closed_pipe_ends_quietly_with_status_0() {
    let dir = tempfile::tempdir().unwrap();
    let [h, a, b] = sample(dir.path(), 600);
    // One group level per item makes the JSON about 2.8 MB, far past a 64 KiB pipe buffer (without
    // it the run prints 9 KB, which fits the buffer and never meets a closed pipe); the reader
    // takes 100 bytes and leaves.
    let mut child = Command::new(binary())
        .args(["compare", "--format", "json", "--group", "id"])
        .args([&h, &a, &b])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    // stdout is dropped (closed) here.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("error"), "{stderr}");
}

#[test]
fn a_full_disk_is_one_error_line() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    let full = std::fs::File::create("/dev/full").unwrap();
    let out = Command::new(binary()).args(["compare"]).arg(&h).arg(&m).stdout(full).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("standard output") && errors[0].contains("No space left"), "{stderr}");
    // -o /dev/full is written in place (not renamed over), and fails the same way.
    let out = amplify().args(["compare"]).arg(&h).arg(&m).args(["-o", "/dev/full"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/full").unwrap().file_type().is_char_device(), "not replaced");
}

#[test]
fn fifos_are_written_in_place_and_links_keep_pointing_at_the_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    let fifo = dir.path().join("pipe");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    amplify().args(["compare", "--format", "csv", "-o"]).arg(&fifo).arg(&h).arg(&m).assert().success();
    assert!(reader.join().unwrap().starts_with("metric,model,n"));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO is still a FIFO");

    let target = write(dir.path(), "target.csv", "old");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    amplify().args(["compare", "--format", "csv", "-o"]).arg(&link).arg(&h).arg(&m).assert().success();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert!(
        std::fs::read_to_string(&target).unwrap().starts_with("metric,model,n"),
        "its target is replaced"
    );
}

#[test]
fn missing_metrics_and_sourceless_rows_are_reported_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let full = write(dir.path(), "full.csv", MODEL_CSV);
    let only_a = write(dir.path(), "only_a.csv", "id,a\n1,1\n2,1\n3,1\n4,1\n5,0\n6,1\n");
    let out =
        amplify().args(["compare", "--format", "json"]).arg(&h).arg(&full).arg(&only_a).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("not compared, the model has no such column: only_a/b"), "{stderr}");
    let f: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pairs: Vec<String> = f["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}/{}", c["model"].as_str().unwrap(), c["metric"].as_str().unwrap()))
        .collect();
    assert_eq!(pairs, ["full/a", "full/b", "only_a/a"], "b is still compared for the model that has it");

    let long = write(dir.path(), "long.csv", "id,source,a\n1,human,1\n1,gpt,0\n2,,1\n2,human,0\n2,gpt,1\n");
    let out = amplify().args(["compare", "--source-column", "source"]).arg(&long).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("1 row(s) have an empty 'source' and belong to no source"), "{stderr}");
}

#[test]
fn inspect_shows_an_empty_file_and_a_closed_pipe_is_fine_for_every_printer() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty.csv", "id,a\n");
    let out = amplify().arg("inspect").arg(&empty).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 rows"));
    let answers = write(dir.path(), "answers.csv", "id,response\n1,NTA\n");
    let mut child = Command::new(binary())
        .args(["judge", "--verdict-from", "response", "--dry-run"])
        .arg(&answers)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn ids_written_as_1_and_1_0_are_the_same_item() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", "id,a\n1.0,1\n2.0,0\n3.0,1\n");
    let m = write(dir.path(), "model.csv", "id,a\n1,1\n2,1\n3,1\n");
    let out = amplify().args(["compare", "--format", "json"]).arg(&h).arg(&m).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let f: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(f["alignment"][0]["matched"], 3);
}
