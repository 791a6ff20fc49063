//! Directory, glob and hive-partitioned inputs: the same findings as single files, and clear
//! errors for a glob that matches nothing and for files whose schemas disagree.

use crate::common::{amplify, assert_user_error, findings};
use polars::prelude::*;
use std::path::{Path, PathBuf};

fn sample_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("data/sample/{name}.parquet"))
}

fn read(path: &Path, columns: &[&str]) -> DataFrame {
    let lf = LazyFrame::scan_parquet(PlRefPath::new(path.to_str().unwrap()), Default::default()).unwrap();
    let lf =
        if columns.is_empty() { lf } else { lf.select(columns.iter().map(|c| col(*c)).collect::<Vec<_>>()) };
    lf.collect().unwrap()
}

fn write(df: &mut DataFrame, path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    ParquetWriter::new(std::fs::File::create(path).unwrap()).finish(df).unwrap();
}

/// Splits a sample file into `parts` files by id modulo, under `dir`.
fn split(name: &str, dir: &Path, parts: i64) {
    let df = read(&sample_file(name), &[]);
    for k in 0..parts {
        let mask = df
            .column("id")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .map(|v| v.map(|v| v % parts == k))
            .collect::<BooleanChunked>();
        write(&mut df.filter(&mask).unwrap(), &dir.join(format!("part-{k}.parquet")));
    }
}

const SECTIONS: [&str; 3] = ["comparisons", "overall", "alignment"];

#[test]
fn directories_and_globs_read_like_single_files() {
    let dir = tempfile::tempdir().unwrap();
    split("human", &dir.path().join("human"), 3);
    split("model_a", &dir.path().join("model_a"), 2);
    std::fs::write(dir.path().join("human/_SUCCESS"), "").unwrap();
    let files = findings(&[sample_file("human").to_str().unwrap(), sample_file("model_a").to_str().unwrap()]);
    let human_dir = dir.path().join("human");
    let glob = format!("{}/model_a/part-*.parquet", dir.path().display());
    let parts = findings(&[human_dir.to_str().unwrap(), &format!("model_a={glob}")]);
    for section in SECTIONS {
        assert_eq!(parts[section], files[section], "{section}");
    }
    let inputs = parts["inputs"].as_array().unwrap();
    assert_eq!(inputs[0]["rows"], 3000);
    assert_eq!(inputs[0]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn hive_partitions_name_the_sources() {
    let dir = tempfile::tempdir().unwrap();
    let lake = dir.path().join("lake");
    let metrics = ["id", "emotional_validation", "indirect_language", "indirect_action", "accept_framing"];
    for name in ["human", "model_a"] {
        let mut df = read(&sample_file(name), &metrics);
        write(&mut df, &lake.join(format!("source={name}/part-0.parquet")));
    }
    let long = findings(&[lake.to_str().unwrap(), "--source-column", "source"]);
    let files = findings(&[sample_file("human").to_str().unwrap(), sample_file("model_a").to_str().unwrap()]);
    let comparisons = long["comparisons"].as_array().unwrap();
    assert_eq!(comparisons.len(), 4);
    assert!(comparisons.iter().all(|c| c["model"] == "model_a"));
    assert_eq!(long["comparisons"], files["comparisons"]);
}

#[test]
fn empty_globs_and_mismatched_schemas_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let glob = format!("{}/nothing-*.parquet", dir.path().display());
    let human = sample_file("human");
    assert_user_error(
        amplify().args(["compare", human.to_str().unwrap(), &glob]),
        &["nothing-*.parquet", "the glob matches no .parquet file"],
    );
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    assert_user_error(
        amplify().arg("compare").arg(&human).arg(dir.path().join("empty")),
        &["the directory holds no .parquet file"],
    );
    // model_b's labels are strings, model_a's integers: one input cannot mix them.
    let mixed = dir.path().join("mixed");
    write(&mut read(&sample_file("model_a"), &[]), &mixed.join("a.parquet"));
    write(&mut read(&sample_file("model_b"), &[]), &mixed.join("b.parquet"));
    assert_user_error(
        amplify().arg("compare").arg(&human).arg(&mixed),
        &["b.parquet", "column 'emotional_validation' has type str", "a.parquet"],
    );
}
