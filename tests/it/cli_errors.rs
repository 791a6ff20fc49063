//! Every bad input named in the core issue: one-line error, exit code 2, no panic, no output file.

use crate::common::*;

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), "nope/model.parquet"]),
        &["nope/model.parquet", "no such file"],
    );
}

#[test]
fn not_a_parquet_file_and_unsupported_extension() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let junk = write(dir.path(), "junk.parquet", "this is not parquet at all");
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), junk.to_str().unwrap()]),
        &["junk.parquet", "Parquet"],
    );
    let txt = write(dir.path(), "model.txt", MODEL_CSV);
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), txt.to_str().unwrap()]),
        &["model.txt", ".parquet and .csv"],
    );
}

#[test]
fn truncated_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let [h, a, _] = sample(dir.path(), 100);
    let bytes = std::fs::read(&a).unwrap();
    let cut = dir.path().join("cut.parquet");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), cut.to_str().unwrap()]),
        &["cut.parquet", "cannot read as Parquet"],
    );
}

#[test]
fn missing_id_column_lists_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", "key,a,b\n1,1,1\n");
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), m.to_str().unwrap()]),
        &["gpt.csv", "no id column 'id'", "key, a, b", "--id"],
    );
}

#[test]
fn unknown_metric_lists_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), m.to_str().unwrap(), "--metrics", "a,zz"]),
        &["unknown metric 'zz'", "a, b"],
    );
}

#[test]
fn no_metric_in_common() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", "id,c\n1,1\n2,0\n");
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), m.to_str().unwrap()]),
        &["no metric in common", "gpt"],
    );
}

#[test]
fn no_overlapping_ids() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", "id,a,b\n101,1,1\n102,0,0\n");
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), m.to_str().unwrap()]),
        &["no item id of gpt", "'id'"],
    );
}

#[test]
fn duplicate_ids_name_file_column_and_examples() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", "id,a,b\n1,1,1\n2,0,0\n2,1,1\n3,0,0\n3,0,1\n");
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), m.to_str().unwrap()]),
        &["gpt.csv", "'id'", "2 duplicate ids", "2, 3"],
    );
}

#[test]
fn metric_with_only_invalid_values() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(
        dir.path(),
        "gpt.csv",
        "id,a,b\n1,1,ERROR\n2,0,ERROR\n3,1,n/a\n4,1,ERROR\n5,1,ERROR\n6,0,ERROR\n",
    );
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), m.to_str().unwrap(), "--metrics", "a,b"]),
        &["metric 'b' has no valid 0/1 label in gpt"],
    );
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", "id,a,b\n");
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), m.to_str().unwrap()]),
        &["gpt.csv", "no rows"],
    );
    let zero = write(dir.path(), "zero.csv", "");
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), zero.to_str().unwrap()]),
        &["zero.csv"],
    );
}

#[test]
fn confidence_outside_unit_interval() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    for bad in ["0", "1", "1.5", "-0.2"] {
        assert_user_error(
            amplify().args([
                "compare",
                h.to_str().unwrap(),
                m.to_str().unwrap(),
                &format!("--confidence={bad}"),
            ]),
            &["--confidence", "outside (0, 1)"],
        );
    }
}

#[test]
fn failed_run_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let out = dir.path().join("out.json");
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), "missing.csv", "--format", "json", "-o"]).arg(&out),
        &["missing.csv"],
    );
    assert!(!out.exists());
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), m.to_str().unwrap(), "-o", "no/such/dir/out.txt"]),
        &["no/such/dir", "does not exist"],
    );
}

#[test]
fn bad_counts_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = write(dir.path(), "c.csv", "kind,model,metric,both\nmetric,m,a,1\n");
    assert_user_error(
        amplify().args(["compare", "--counts", missing.to_str().unwrap()]),
        &["c.csv", "missing columns", "model_only"],
    );
    let header = "kind,model,metric,group_by,level,truth,both,model_only,baseline_only,neither,invalid_baseline,invalid_model,matched,baseline_only_ids,model_only_ids,score_n,score_sum_baseline,score_sum_model,score_sum_sq_diff,unassigned,ambiguous\n";
    let negative = write(
        dir.path(),
        "n.csv",
        &format!(
            "{header}metric,m,a,,,,1,-2,0,0,0,0,0,0,0,0,0,0,0,0,0\nmodel,m,,,,,0,0,0,0,0,0,1,0,0,1,0,0,0,0,0\n"
        ),
    );
    assert_user_error(
        amplify().args(["compare", "--counts", negative.to_str().unwrap()]),
        &["row 1, column model_only is -2", "whole numbers"],
    );
    // Metric b accounts for 3 of the 4 matched items with no invalid label: totals disagree.
    let disagree = write(
        dir.path(),
        "d.csv",
        &format!(
            "{header}metric,gpt,a,,,,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0\nmetric,gpt,b,,,,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0\nmodel,gpt,,,,,0,0,0,0,0,0,4,0,0,3,0,0,0,0,0\n"
        ),
    );
    assert_user_error(
        amplify().args(["compare", "--counts", disagree.to_str().unwrap()]),
        &["model 'gpt', metric 'b'", "totals disagree"],
    );
}

#[test]
fn duplicate_model_names_and_wide_file_without_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    assert_user_error(
        amplify().args(["compare", h.to_str().unwrap(), m.to_str().unwrap(), m.to_str().unwrap()]),
        &["NAME=PATH"],
    );
    // One file without `<metric>_human` columns is one source alone: the data's own findings,
    // with a note in case a wide file was meant.
    let out = amplify().args(["compare", m.to_str().unwrap(), "--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no model: the data's own findings") && stderr.contains("'<metric>_human'"),
        "{stderr}"
    );
    let f: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(f["data"]["alone"], true);
    assert_eq!(f["comparisons"].as_array().map(Vec::len), Some(0));
}
