//! Counterfactual pairs (`--pair`, `--variant`) end to end: hand-counted values on a tiny
//! fixture, every layout (tidy, wide, long) giving the same pair findings, the input shapes
//! (baseline on both sides, one side, none; missing and duplicate sides), errors, and equality
//! of findings from raw files, from a counts file, and from counts of shards summed.

use crate::common::{amplify, assert_user_error, findings, write};
use polars::prelude::{col, lit, LazyCsvReader, LazyFileListReader, LazyFrame, ParquetWriter, PlRefPath};
use serde_json::Value;
use std::path::Path;

/// Pairs p1–p3 complete, p4 with side B missing, p5 with side A given twice; topic t3 is only
/// on a side-B item, so it names no slice (slices are side A's levels). Human labels of x
/// on the complete pairs: p1 (1, 0), p2 (0, 1), p3 (1, 1); the model's: p1 (1, 1), p2 (0, 1),
/// p3 (0, 0).
const HUMAN: &str = "id,pair,side,x,topic\n1,p1,A,1,t1\n2,p1,B,0,t3\n3,p2,A,0,t2\n4,p2,B,1,t2\n5,p3,A,1,t1\n6,p3,B,1,t1\n7,p4,A,0,t2\n8,p5,A,1,t1\n9,p5,A,0,t1\n10,p5,B,1,t1\n";
const MODEL: &str = "id,x\n1,1\n2,1\n3,0\n4,1\n5,0\n6,0\n7,1\n8,1\n9,1\n10,1\n";
const PAIRS: [&str; 6] = ["--pair", "pair", "--variant", "side", "--variants", "A,B"];

fn tidy(dir: &Path) -> [String; 2] {
    let h = write(dir, "human.csv", HUMAN);
    let m = write(dir, "model.csv", MODEL);
    [h, m].map(|p| p.display().to_string())
}

fn run(inputs: &[&str], extra: &[&str]) -> Value {
    let args: Vec<&str> = inputs.iter().chain(PAIRS.iter()).chain(extra).copied().collect();
    findings(&args)
}

fn row<'a>(f: &'a Value, section: &str, keys: &[(&str, &str)]) -> &'a Value {
    let rows = f[section].as_array().expect("section");
    rows.iter()
        .find(|r| keys.iter().all(|(k, v)| r[*k].as_str() == Some(v)) && r["group_by"].is_null())
        .unwrap_or_else(|| panic!("no {section} row {keys:?}"))
}

fn num(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

#[test]
fn pair_measures_equal_hand_counts() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = tidy(dir.path());
    let f = run(&[&h, &m], &[]);
    let p = &f["pairing"];
    assert_eq!(
        (p["complete"].as_u64(), p["missing_side"].as_u64(), p["duplicate_side"].as_u64()),
        (Some(3), Some(1), Some(1))
    );
    let human = row(&f, "pairs", &[("source", "human")]);
    assert_eq!(human["n"].as_u64(), Some(3));
    assert!((num(&human["both"]["rate"]) - 1.0 / 3.0).abs() < 1e-12);
    assert!((num(&human["flip"]["rate"]) - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(num(&human["asymmetry"]), 0.0);
    let model = row(&f, "pairs", &[("source", "model")]);
    assert!((num(&model["asymmetry"]) - 1.0 / 3.0).abs() < 1e-12);
    assert!((num(&model["neither"]["rate"]) - 1.0 / 3.0).abs() < 1e-12);
    // Per pair e = (B − A)_model − (B − A)_human: p1 0 − (−1) = 1, p2 1 − 1 = 0, p3 0 − 0 = 0.
    let amp = row(&f, "pair_tests", &[("measure", "asymmetry"), ("versus", "human")]);
    assert!((num(&amp["difference"]) - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(amp["n"].as_u64(), Some(3));
    // Both 1: human only p3, model only p1 → one discordant pair each way.
    let both = row(&f, "pair_tests", &[("measure", "both_sides"), ("versus", "human")]);
    assert_eq!((num(&both["difference"]), num(&both["p_value"])), (0.0, 1.0));
    assert!(f["pairs"].as_array().unwrap().iter().all(|r| r["p_adjusted"].is_number() || r["n"] == 0));
}

#[test]
fn tidy_wide_long_and_directory_inputs_give_the_same_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = tidy(dir.path());
    let tidy = run(&[&h, &m], &["--group", "topic"]);
    let model: Vec<&str> = MODEL.lines().skip(1).collect();
    let mut wide = String::from("id,pair,side,topic,x_human,x_model\n");
    let mut long = String::from("id,source,pair,side,topic,x\n");
    for (line, m) in HUMAN.lines().skip(1).zip(&model) {
        let f: Vec<&str> = line.split(',').collect();
        let mx = m.split(',').nth(1).unwrap();
        wide.push_str(&format!("{},{},{},{},{},{mx}\n", f[0], f[1], f[2], f[4], f[3]));
        long.push_str(&format!(
            "{0},human,{1},{2},{4},{3}\n{0},model,{1},{2},{4},{mx}\n",
            f[0], f[1], f[2], f[3], f[4]
        ));
    }
    // The baseline as a directory of two Parquet parts.
    let parts = dir.path().join("human_parts");
    std::fs::create_dir(&parts).unwrap();
    let human =
        LazyCsvReader::new(PlRefPath::new(&h)).with_has_header(true).finish().unwrap().collect().unwrap();
    for (i, offset) in [0i64, 5].into_iter().enumerate() {
        let mut part = human.slice(offset, 5);
        let file = std::fs::File::create(parts.join(format!("part-{i}.parquet"))).unwrap();
        ParquetWriter::new(file).finish(&mut part).unwrap();
    }
    let parts = parts.display().to_string();
    let wide = write(dir.path(), "wide.csv", &wide).display().to_string();
    let long = write(dir.path(), "long.csv", &long).display().to_string();
    for other in [
        run(&[&wide], &["--group", "topic"]),
        run(&[&long], &["--source-column", "source", "--group", "topic"]),
        run(&[&parts, &m], &["--group", "topic"]),
    ] {
        for section in ["pairing", "pairs", "pair_tests"] {
            assert_eq!(tidy[section], other[section], "{section}");
        }
    }
    let levels: Vec<&Value> = tidy["pairs"].as_array().unwrap().iter().map(|r| &r["level"]).collect();
    assert!(levels.contains(&&Value::from("t1")), "group slices of side A");
    assert!(!levels.contains(&&Value::from("t3")), "a level of side B only is no slice");
}

#[test]
fn a_baseline_with_one_side_only_has_no_human_baseline_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let one_side: String = HUMAN.lines().filter(|l| !l.contains(",B,")).map(|l| format!("{l}\n")).collect();
    let h = write(dir.path(), "human.csv", &one_side).display().to_string();
    let m = write(dir.path(), "model.csv", "id,x,pair,side\n1,1,p1,A\n2,1,p1,B\n3,0,p2,A\n4,1,p2,B\n")
        .display()
        .to_string();
    let f = run(&[&h, &m], &[]);
    let human = row(&f, "pairs", &[("source", "human")]);
    assert_eq!(human["n"].as_u64(), Some(0));
    assert!(human["note"].as_str().unwrap().contains("no human baseline"));
    let model = row(&f, "pairs", &[("source", "model")]);
    assert_eq!(model["n"].as_u64(), Some(2), "pairs read from the model file too");
    let test = row(&f, "pair_tests", &[("measure", "asymmetry")]);
    assert!(test["p_value"].is_null() && test["note"].as_str().unwrap().contains("no human baseline"));
    let out = amplify().arg("compare").args([&h, &m]).args(PAIRS).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("No human baseline (no pair with human labels on both sides) for: x."), "{text}");
}

/// Humans labelled none of the paired items (their file has no pair columns and no valid label
/// on a paired item): the models' pair measures and model-vs-model tests are still reported.
#[test]
fn a_baseline_without_paired_items_leaves_the_model_measures() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(
        dir.path(),
        "human.csv",
        "id,x
1,1
2,0
3,1
4,0
20,1
",
    )
    .display()
    .to_string();
    let m = "id,x,pair,side\n1,1,p1,A\n2,1,p1,B\n3,0,p2,A\n4,1,p2,B\n20,1,,\n21,0,p3,A\n22,1,p3,B\n";
    let a = write(dir.path(), "a.csv", m).display().to_string();
    let b = write(dir.path(), "b.csv", &m.replace("2,1,p1,B", "2,0,p1,B")).display().to_string();
    // Humans have rows for items 1-4 but no valid label on them: no pair labelled by humans.
    let none = write(dir.path(), "none.csv", "id,x\n1,\n2,\n3,\n4,\n20,1\n").display().to_string();
    for (baseline, human_pairs) in [(&h, 2), (&none, 0)] {
        let f = run(&[baseline, &a, &b], &[]);
        let human = row(&f, "pairs", &[("source", "human")]);
        assert_eq!(human["n"].as_u64(), Some(human_pairs));
        let model = row(&f, "pairs", &[("source", "a")]);
        assert_eq!(model["n"].as_u64(), Some(3), "p3 is only in the model files");
        let versus_a = row(&f, "pair_tests", &[("model", "b"), ("versus", "a"), ("measure", "both_sides")]);
        assert_eq!(versus_a["n"].as_u64(), Some(3));
        assert!(versus_a["p_value"].is_number());
    }
}

#[test]
fn bad_pairings_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = tidy(dir.path());
    let three = write(dir.path(), "three.csv", &HUMAN.replace("10,p5,B", "10,p5,C")).display().to_string();
    let no_variants: Vec<&str> = PAIRS[..4].to_vec();
    assert_user_error(
        amplify().arg("compare").args([&three, &m]).args(&no_variants),
        &["variant column 'side' must have exactly two levels", "'A', 'B', 'C'"],
    );
    assert_user_error(
        amplify().arg("compare").args([&three, &m]).args(PAIRS),
        &["level 'C'", "--variants A,B"],
    );
    let moved = write(dir.path(), "moved.csv", "id,x,pair,side\n1,1,p9,A\n").display().to_string();
    assert_user_error(
        amplify().arg("compare").args([&h, &moved]).args(PAIRS),
        &["item 1", "same side of the same pair"],
    );
    assert_user_error(
        amplify().arg("compare").args([&h, &m]).args(["--pair", "nope", "--variant", "side"]),
        &["nope", "--pair"],
    );
    assert_user_error(
        amplify().arg("compare").args([&h, &m]).args([
            "--pair",
            "pair",
            "--variant",
            "side",
            "--variants",
            "A",
        ]),
        &["--variants"],
    );
    let out = amplify().arg("compare").args([&h, &m]).args(["--pair", "pair"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "--pair without --variant");
}

fn pair_sections(f: &Value) -> Vec<Value> {
    ["pairing", "pairs", "pair_tests", "pair_truth"].map(|s| f[s].clone()).to_vec()
}

#[test]
fn raw_files_counts_and_summed_shards_give_the_same_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("sample");
    amplify().args(["sample", "--items", "600", "--out"]).arg(&sample).assert().success();
    let flip = sample.join("flip.parquet").display().to_string();
    let opts = crate::common::FLIP_OPTIONS;
    let raw = findings(&[&[flip.as_str()][..], &opts].concat());
    assert!(raw["pair_truth"].as_array().is_some_and(|r| !r.is_empty()));
    let counts = dir.path().join("c.csv");
    amplify().arg("count").arg(&flip).args(opts).arg("-o").arg(&counts).assert().success();
    let counted = findings(&[
        "--counts",
        &counts.display().to_string(),
        "--truth",
        "crowd_verdict",
        "--verdict",
        "verdict",
    ]);
    assert_eq!(pair_sections(&raw), pair_sections(&counted));
    // Shards split by pair (pairs 1–60 and the rest), counted apart and summed.
    let mut shards = Vec::new();
    for i in 0..2 {
        let first = col("pair_id").lt_eq(lit(60));
        let keep = if i == 0 { first } else { first.not() };
        let scan = LazyFrame::scan_parquet(PlRefPath::new(&flip), Default::default()).unwrap();
        let mut part = scan.filter(keep).collect().unwrap();
        let path = dir.path().join(format!("shard{i}.parquet"));
        ParquetWriter::new(std::fs::File::create(&path).unwrap()).finish(&mut part).unwrap();
        let out = dir.path().join(format!("shard{i}.csv"));
        amplify().arg("count").arg(&path).args(opts).arg("-o").arg(&out).assert().success();
        shards.extend(["--counts".to_string(), out.display().to_string()]);
    }
    let mut args: Vec<&str> = shards.iter().map(String::as_str).collect();
    args.extend(["--truth", "crowd_verdict", "--verdict", "verdict"]);
    assert_eq!(pair_sections(&raw), pair_sections(&findings(&args)));
}

#[test]
fn rows_without_a_pair_id_are_said_not_dropped_silently() {
    let dir = tempfile::tempdir().unwrap();
    let human = write(
        dir.path(),
        "h.csv",
        "id,pair,side,a\n1,p1,A,1\n2,p1,B,0\n3,,A,1\n4,p2,A,0\n5,p2,B,1\n6,p3,,1\n",
    );
    let model = write(dir.path(), "m.csv", "id,a\n1,1\n2,1\n3,0\n4,0\n5,1\n6,1\n");
    let out = amplify()
        .arg("compare")
        .args([&human, &model])
        .args(["--pair", "pair", "--variant", "side", "--variants", "A,B", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("2 row(s) have an id but no pair or no side value"), "{stderr}");
    let f: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(f["pairing"]["complete"], 2, "the two complete pairs are still analysed");
}

/// Pair ids stay integers when every file that names the pairs has them as one integer type,
/// else they are read as text: the pairs are the same either way (the model file names the
/// pairs too, as in ELEPHANT's flips: integers in both files, integers and text, and text names).
#[test]
fn integer_and_text_pair_ids_give_the_same_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<Vec<&str>> = HUMAN.lines().skip(1).map(|l| l.split(',').collect()).collect();
    let model_x: Vec<&str> = MODEL.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    let model = |number: bool, text: bool| {
        let pair = |p: &str| if number { p.trim_start_matches('p').to_string() } else { p.to_string() };
        let ids: Vec<i64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
        let x: Vec<i64> = model_x.iter().map(|v| v.parse().unwrap()).collect();
        let sides: Vec<&str> = rows.iter().map(|r| r[2]).collect();
        let pairs =
            polars::prelude::Column::new("pair".into(), rows.iter().map(|r| pair(r[1])).collect::<Vec<_>>());
        let pairs = match text {
            true => pairs,
            false => pairs.cast(&polars::prelude::DataType::Int64).unwrap(),
        };
        let columns = vec![
            polars::prelude::Column::new("id".into(), ids),
            pairs,
            polars::prelude::Column::new("side".into(), sides),
            polars::prelude::Column::new("x".into(), x),
        ];
        let mut df = polars::prelude::DataFrame::new(rows.len(), columns).unwrap();
        let path = dir.path().join(format!("model_{number}_{text}.parquet"));
        ParquetWriter::new(std::fs::File::create(&path).unwrap()).finish(&mut df).unwrap();
        format!("model={}", path.display())
    };
    let numbered = write(dir.path(), "numbered.csv", &HUMAN.replace(",p", ",")).display().to_string();
    let [named, _] = tidy(dir.path());
    let integers = run(&[&numbered, &model(true, false)], &[]);
    let mixed = run(&[&numbered, &model(true, true)], &[]);
    let names = run(&[&named, &model(false, true)], &[]);
    assert_eq!(integers["pairing"]["complete"], 3, "{}", integers["pairing"]);
    for other in [&mixed, &names] {
        for section in ["pairing", "pairs", "pair_tests"] {
            assert_eq!(integers[section], other[section], "{section}");
        }
    }
}
