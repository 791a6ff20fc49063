//! Column types beyond plain strings and numbers: dictionary-encoded (categorical) labels are
//! read as their strings; key columns holding lists, structs or bytes are refused with a clear
//! error instead of an internal one.

use crate::common::{amplify, assert_user_error, findings};
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// Writes a frame as Parquet.
fn parquet(dir: &Path, name: &str, columns: Vec<Column>) -> PathBuf {
    let path = dir.join(name);
    let mut df = DataFrame::new_infer_height(columns).expect("frame");
    ParquetWriter::new(std::fs::File::create(&path).expect("create")).finish(&mut df).expect("write");
    path
}

/// `values` as a string column, dictionary-encoded (polars' categorical) when `dictionary`.
fn text(name: &str, values: &[&str], dictionary: bool) -> Column {
    let plain = Column::new(name.into(), values);
    match dictionary {
        true => plain.cast(&DataType::from_categories(Categories::global())).expect("categorical"),
        false => plain,
    }
}

fn ids(n: usize) -> Column {
    Column::new("id".into(), (0..n as i64).collect::<Vec<_>>())
}

/// Labels and verdicts of 40 items: the human says yes on even items, the model on every third.
fn labelled(dir: &Path, dictionary: bool) -> [PathBuf; 2] {
    let n = 40;
    let yes =
        |keep: fn(usize) -> bool| (0..n).map(|i| if keep(i) { "Yes" } else { " no" }).collect::<Vec<_>>();
    let verdicts =
        |keep: fn(usize) -> bool| (0..n).map(|i| if keep(i) { "YTA" } else { "NTA" }).collect::<Vec<_>>();
    let tag = if dictionary { "dict" } else { "plain" };
    let human = parquet(
        dir,
        &format!("human_{tag}.parquet"),
        vec![
            ids(n),
            text("a", &yes(|i| i % 2 == 0), dictionary),
            text("v", &verdicts(|i| i % 4 == 0), dictionary),
        ],
    );
    let model = parquet(
        dir,
        &format!("model_{tag}.parquet"),
        vec![
            ids(n),
            text("a", &yes(|i| i % 3 == 0), dictionary),
            text("v", &verdicts(|i| i % 5 != 0), dictionary),
        ],
    );
    [human, model]
}

#[test]
fn dictionary_encoded_labels_read_as_their_strings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |[h, m]: [PathBuf; 2]| {
        let (h, m) = (h.to_string_lossy().to_string(), format!("m={}", m.display()));
        findings(&[&h, &m, "--verdict", "v"])
    };
    let plain = run(labelled(dir.path(), false));
    let encoded = labelled(dir.path(), true);
    // The file really stores a dictionary: polars reads the column back as categorical.
    let inspect = amplify().arg("inspect").arg(&encoded[0]).output().expect("inspect");
    let table = String::from_utf8_lossy(&inspect.stdout);
    assert!(
        table.lines().any(|l| l.contains(" a ") && l.contains(" cat ") && l.contains("metric")),
        "{table}"
    );
    let dict = run(encoded);
    let comparisons = &dict["comparisons"];
    assert_eq!(comparisons, &plain["comparisons"]);
    // Hand counts: 20 of 40 even items; ⌈40/3⌉ = 14 multiples of 3; verdicts 10 and 32 YTA.
    let row = |metric: &str| {
        comparisons.as_array().expect("rows").iter().find(|r| r["metric"] == metric).expect("metric").clone()
    };
    let rates = |metric: &str| {
        let r = row(metric);
        (r["n"].as_u64(), r["baseline_rate"].as_f64(), r["model_rate"].as_f64())
    };
    assert_eq!(rates("a"), (Some(40), Some(0.5), Some(0.35)));
    assert_eq!(rates("v"), (Some(40), Some(0.25), Some(0.8)));
}

#[test]
fn key_columns_that_hold_lists_structs_or_bytes_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let n = 8;
    let labels = || Column::new("a".into(), (0..n as i64).map(|i| i % 2).collect::<Vec<_>>());
    let list_of = |name: &str| {
        let series: Vec<Series> = (0..n as i64).map(|i| Series::new("".into(), [i])).collect();
        Column::new(name.into(), series)
    };
    let plain = parquet(d, "plain.parquet", vec![ids(n), labels()]);
    let list_id = parquet(d, "list_id.parquet", vec![list_of("id"), labels()]);
    let struct_id = {
        let inner = Series::new("k".into(), (0..n as i64).collect::<Vec<_>>());
        let s = StructChunked::from_series("id".into(), n, [inner].iter()).expect("struct");
        parquet(d, "struct_id.parquet", vec![s.into_series().into_column(), labels()])
    };
    let bytes = Column::new("key".into(), (0..n).map(|i| vec![i as u8]).collect::<Vec<_>>());
    let bytes_id = parquet(d, "bytes_id.parquet", vec![ids(n), bytes, labels()]);
    let list_sample = parquet(d, "list_sample.parquet", vec![ids(n), list_of("seed"), labels()]);
    let list_group = parquet(d, "list_group.parquet", vec![ids(n), list_of("g"), labels()]);
    let variant = text("side", &["a", "b"].repeat(n / 2), false);
    let list_pair = parquet(d, "list_pair.parquet", vec![ids(n), list_of("pair"), variant, labels()]);
    let p = |path: &PathBuf| path.to_string_lossy().to_string();
    let m = format!("m={}", p(&plain));
    let cases: [(Vec<String>, [&str; 3]); 6] = [
        (vec![p(&list_id), m.clone()], ["list_id.parquet", "'id' (used for the item id)", "list["]),
        (vec![p(&struct_id), m.clone()], ["struct_id.parquet", "'id'", "struct"]),
        (vec![p(&bytes_id), m.clone(), "--id".into(), "key".into()], ["bytes_id.parquet", "'key'", "binary"]),
        (
            vec![p(&plain), format!("m={}", p(&list_sample)), "--sample".into(), "seed".into()],
            ["list_sample", "--sample", "list["],
        ),
        (vec![p(&list_group), m.clone(), "--group".into(), "g".into()], ["list_group", "--group", "list["]),
        (
            vec![p(&list_pair), m.clone(), "--pair".into(), "pair".into(), "--variant".into(), "side".into()],
            ["list_pair", "--pair", "flatten it first"],
        ),
    ];
    for (args, needles) in cases {
        assert_user_error(amplify().arg("compare").args(&args), &needles);
    }
}
