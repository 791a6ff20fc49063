//! Pairing rows by position (sources that list the same ids in the same order) and by joining on
//! id give the same findings; sources that do not line up fall back to the join; id errors are
//! caught on every path. The hidden `--pairing join|group-by|position` forces (or requires) a path.

use crate::common::{amplify, assert_user_error, write};
use polars::prelude::*;
use std::path::{Path, PathBuf};

fn scan(path: &str) -> LazyFrame {
    LazyFrame::scan_parquet(PlRefPath::new(path), Default::default()).expect("scan")
}

/// A copy of a sample model file with exactly the baseline's ids in the baseline's order (the
/// sample's model files have extra ids, so they are paired by the join).
fn aligned_copy(baseline: &str, model: &str, out: &Path) -> String {
    let ids = scan(baseline).select([col("id")]).with_row_index("__row", None);
    let joined = ids.join(scan(model), [col("id")], [col("id")], JoinArgs::new(JoinType::Left));
    let mut df = joined
        .sort(["__row"], Default::default())
        .drop(by_name(["__row"], true, false))
        .collect()
        .expect("align");
    ParquetWriter::new(std::fs::File::create(out).expect("create")).finish(&mut df).expect("write");
    out.display().to_string()
}

fn sample_file(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("data/sample/{name}.parquet")).display().to_string()
}

/// Runs compare with JSON output under a pairing mode and returns the parsed findings.
fn findings_with(pairing: Option<&str>, args: &[&str]) -> serde_json::Value {
    let mut cmd = amplify();
    cmd.arg("compare").args(args).args(["--format", "json"]);
    if let Some(mode) = pairing {
        cmd.args(["--pairing", mode]);
    }
    let out = cmd.output().expect("run");
    assert!(out.status.success(), "compare failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn position_and_join_give_identical_findings_on_the_sample() {
    let dir = tempfile::tempdir().expect("tempdir");
    let human = sample_file("human");
    let a = aligned_copy(&human, &sample_file("model_a"), &dir.path().join("model_a.parquet"));
    let b = aligned_copy(&human, &sample_file("model_b"), &dir.path().join("model_b.parquet"));
    let mut args = vec![human.as_str(), a.as_str(), b.as_str()];
    args.extend(crate::common::SAMPLE_OPTIONS);
    // `position` fails unless the positional pass ran, so these are the three paths.
    let by_position = findings_with(Some("position"), &args);
    let by_join = findings_with(Some("join"), &args);
    let by_group_by = findings_with(Some("group-by"), &args);
    assert_eq!(by_position, by_join);
    assert_eq!(by_position, by_group_by);
    assert_eq!(findings_with(None, &args), by_position);
    // The shipped files (models with extra ids) pair by the join: same as the group-by path.
    let mut shipped = vec![human.as_str()];
    let (a0, b0) = (sample_file("model_a"), sample_file("model_b"));
    shipped.extend([a0.as_str(), b0.as_str()]);
    shipped.extend(crate::common::SAMPLE_OPTIONS);
    let joined = findings_with(None, &shipped);
    assert_eq!(joined, findings_with(Some("group-by"), &shipped));
    let extra_ids = joined["alignment"].as_array().map_or(0, |models| {
        models.iter().filter(|m| m["model_only"].as_u64().is_some_and(|n| n > 0)).count()
    });
    assert!(extra_ids > 0, "the shipped models have ids the baseline lacks: {}", joined["alignment"]);
    assert!(by_position["groups"].as_array().is_some_and(|g| !g.is_empty()), "groups compared");
    assert!(by_position["truth"].as_array().is_some_and(|t| !t.is_empty()), "truth compared");
}

/// Writes a CSV with the given rows under `dir`.
fn csv(dir: &Path, name: &str, header: &str, rows: &[&str]) -> PathBuf {
    write(dir, name, &format!("{header}\n{}\n", rows.join("\n")))
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn rows_in_another_order_fall_back_to_the_join() {
    let dir = tempfile::tempdir().expect("tempdir");
    let human =
        csv(dir.path(), "human.csv", "id,a,b,g", &["1,1,0,x", "2,0,0,y", "3,1,1,x", "4,0,1,y", "5,1,1,x"]);
    let model = csv(dir.path(), "model.csv", "id,a,b", &["1,1,1", "2,1,0", "3,0,1", "4,1,1", "5,0,0"]);
    let reversed = csv(dir.path(), "reversed.csv", "id,a,b", &["5,0,0", "4,1,1", "3,0,1", "2,1,0", "1,1,1"]);
    let paths = |m: &Path| [human.display().to_string(), format!("model={}", m.display())];
    let aligned = paths(&model);
    let shuffled = paths(&reversed);
    let args = |p: &[String; 2]| -> Vec<String> {
        p.iter().cloned().chain(["--group", "g"].map(String::from)).collect()
    };
    let aligned_args = args(&aligned);
    let shuffled_args = args(&shuffled);
    let expected = findings_with(Some("position"), &strs(&aligned_args));
    let got = findings_with(None, &strs(&shuffled_args));
    assert_eq!(findings_with(Some("group-by"), &strs(&shuffled_args)), got);
    for section in ["comparisons", "overall", "alignment", "groups"] {
        assert_eq!(got[section], expected[section], "section {section}");
    }
    let mut cmd = amplify();
    cmd.arg("compare").args(strs(&shuffled_args)).args(["--pairing", "position"]);
    assert_user_error(&mut cmd, &["--pairing position", "same order"]);
}

#[test]
fn unsorted_and_string_ids_pair_by_position_and_duplicates_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Integer ids aligned but not increasing: counted by position, then checked for duplicates.
    let human = csv(dir.path(), "human.csv", "id,a", &["3,1", "1,0", "2,1"]);
    let model = csv(dir.path(), "model.csv", "id,a", &["3,1", "1,1", "2,0"]);
    let ints = [human.to_str().unwrap(), model.to_str().unwrap()];
    assert_eq!(findings_with(Some("position"), &ints), findings_with(Some("join"), &ints));
    assert_eq!(findings_with(Some("position"), &ints), findings_with(Some("group-by"), &ints));
    // String ids: compared by polars row by row.
    let human_s = csv(dir.path(), "human_s.csv", "id,a", &["q1,1", "q2,0", "q3,1"]);
    let model_s = csv(dir.path(), "model_s.csv", "id,a", &["q1,1", "q2,1", "q3,0"]);
    let strings = [human_s.to_str().unwrap(), model_s.to_str().unwrap()];
    assert_eq!(findings_with(Some("position"), &strings), findings_with(Some("join"), &strings));
    // The same duplicate in the same place in both files: refused on either path.
    let human_d = csv(dir.path(), "human_d.csv", "id,a", &["1,1", "2,0", "2,1", "3,0"]);
    let model_d = csv(dir.path(), "model_d.csv", "id,a", &["1,1", "2,1", "2,0", "3,0"]);
    for pairing in ["position", "join", "group-by"] {
        let mut cmd = amplify();
        cmd.arg("compare").arg(&human_d).arg(&model_d).args(["--pairing", pairing]);
        assert_user_error(&mut cmd, &["human_d.csv", "1 duplicate id", "2"]);
    }
    // A missing id in the baseline: the pass stops and the join reports it.
    let human_n = csv(dir.path(), "human_n.csv", "id,a", &["1,1", ",0", "3,1"]);
    let model_n = csv(dir.path(), "model_n.csv", "id,a", &["1,1", ",1", "3,0"]);
    let mut cmd = amplify();
    cmd.arg("compare").arg(&human_n).arg(&model_n);
    assert_user_error(&mut cmd, &["human_n.csv", "is empty on 1 rows", "every row needs an id"]);
}

/// A copy of a sample file with its rows reversed and, for `strings` and `hashes`, its integer
/// ids rewritten as `item-000000123` or as 16 hexadecimal characters (a bijection); `aligned`
/// keeps the rows as they are. The labels are unchanged.
fn relayout(path: &str, layout: &str, out: &Path) -> String {
    let mut df = scan(path).collect().expect("read");
    if layout != "aligned" {
        df = df.reverse();
    }
    let ids: Vec<i64> = df.column("id").expect("id").i64().expect("i64").into_no_null_iter().collect();
    let text: Option<Vec<String>> = match layout {
        "strings" => Some(ids.iter().map(|i| format!("item-{i:09}")).collect()),
        "hashes" => Some(
            ids.iter()
                .map(|&i| format!("{:016x}", amplify::rng::SplitMix64::new(i as u64).next_u64()))
                .collect(),
        ),
        _ => None,
    };
    if let Some(text) = text {
        df.replace("id", Column::new("id".into(), text)).expect("replace ids");
    }
    ParquetWriter::new(std::fs::File::create(out).expect("create")).finish(&mut df).expect("write");
    out.display().to_string()
}

#[test]
fn findings_are_identical_for_shuffled_rows_and_string_or_hash_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let names = ["human", "model_a", "model_b"];
    let run = |files: &[String]| {
        let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
        args.extend(crate::common::SAMPLE_OPTIONS);
        findings_with(None, &args)
    };
    let original: Vec<String> = names.iter().map(|n| sample_file(n)).collect();
    let expected = run(&original);
    for layout in ["shuffled", "strings", "hashes"] {
        let files: Vec<String> = names
            .iter()
            .zip(&original)
            .map(|(n, p)| {
                // The baseline keeps its row order (so rows never line up) but takes the id type.
                let kind = if *n == "human" && layout == "shuffled" { "aligned" } else { layout };
                let folder = dir.path().join(layout);
                std::fs::create_dir_all(&folder).expect("mkdir");
                relayout(p, kind, &folder.join(format!("{n}.parquet")))
            })
            .collect();
        let got = run(&files);
        for section in [
            "comparisons",
            "overall",
            "alignment",
            "truth",
            "truth_tests",
            "groupings",
            "groups",
            "bias_amplification",
        ] {
            assert_eq!(got[section], expected[section], "{layout}: section {section}");
        }
    }
}
