//! Reading and writing counts files: hostile bytes and values, round trips, CSV key types.

use super::*;
use proptest::prelude::*;

const HEADER: &str = "kind,model,metric,group_by,level,truth,both,model_only,baseline_only,neither,invalid_baseline,invalid_model,matched,baseline_only_ids,model_only_ids,score_n,score_sum_baseline,score_sum_model,score_sum_sq_diff,unassigned,ambiguous";

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..20).prop_map(|v| v.to_string()),
        Just(String::new()),
        Just("-1".to_string()),
        Just("2.5".to_string()),
        Just("1e400".to_string()),
        Just("18446744073709551616".to_string()),
        "[a-z\"]{1,4}",
    ]
}

fn row() -> impl Strategy<Value = String> {
    let kind = prop::sample::select(vec!["metric", "truth", "model", "grouping", "other", ""]);
    let key = prop::sample::select(vec!["", "m", "a", "g", "1", "0", "x"]);
    (kind, prop::collection::vec(key, 5), prop::collection::vec(cell(), 15))
        .prop_map(|(k, keys, cells)| format!("{k},{},{}", keys.join(","), cells.join(",")))
}

fn read(text: &[u8]) -> Result<CountsTable> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.csv");
    std::fs::write(&path, text).expect("write");
    read_counts(&[path])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Arbitrary bytes are a clear error, never a panic.
    #[test]
    fn arbitrary_bytes_are_refused_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Err(e) = read(&bytes) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    /// Well-formed files with hostile values: either a table whose counts are consistent, or an
    /// error naming the file.
    #[test]
    fn hostile_values_give_a_consistent_table_or_an_error(rows in prop::collection::vec(row(), 0..6)) {
        let text = format!("{HEADER}\n{}\n", rows.join("\n"));
        match read(text.as_bytes()) {
            Ok(table) => prop_assert!(table.check_consistency().is_ok()),
            Err(e) => prop_assert!(e.to_string().contains("c.csv"), "{}", e),
        }
    }
}

/// Compressed bytes in a `.csv` (polars panicked on gzip's magic number) are refused by name.
#[test]
fn compressed_files_are_refused_with_their_kind() {
    let cases: [(&[u8], &str); 6] = [
        (&[31, 139, 0, 0], "gzip"),
        (&[120, 1, 0, 0], "zlib"),
        (b"x^2,y\n1,2\n", "zlib"),
        (&[0x28, 0xb5, 0x2f, 0xfd, 1], "zstd"),
        (b"BZh91AY", "bzip2"),
        (b"PK\x03\x04rest", "zip"),
    ];
    for (bytes, kind) in cases {
        let e = read(bytes).expect_err("compressed").to_string();
        assert!(e.contains("c.csv") && e.contains(&format!("{kind}-compressed")), "{e}");
    }
}

/// A CSV written by another tool (empty keys unquoted): `cell` 0000 and `level` 007 stay text.
#[test]
fn csv_keys_that_look_like_numbers_stay_text() {
    let zeros = ",,0,0,0";
    let row = |keys: &str, counts: &str, pairs: &str| format!("{keys},{counts},{pairs}");
    let text = [
        format!("{HEADER},versus,cell,pairs,missing_side,duplicate_side"),
        row("metric,m,a,,,", "1,0,0,0,0,0,0,0,0,0,0,0,0,0,0", zeros),
        row("model,m,,,,", "0,0,0,0,0,0,1,0,0,0,0,0,0,0,0", zeros),
        row("pairing,,,A,B,", "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0", ",,1,0,0"),
        row("pair,m,a,,,", "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0", "human,0000,1,0,0"),
        row("pair,m,a,g,007,", "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0", "human,0000,1,0,0"),
    ]
    .join("\n");
    let table = read(text.as_bytes()).expect("valid");
    assert_eq!(table.pairs.len(), 2);
    assert!(table.pairs.iter().all(|t| t.cells[0] == 1 && t.total() == 1));
    let level = table.pairs[1].slice.group.as_ref().map(|g| g.level.as_str());
    assert_eq!(level, Some("007"));
}

#[test]
fn a_written_table_reads_back_equal_in_both_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!(
        "{HEADER}\nmetric,m,a,,,,2,3,1,2,1,1,0,0,0,0,0,0,0,0,0\nmodel,m,,,,,0,0,0,0,0,0,10,0,0,8,4,6,4,0,0\n"
    );
    let table = read(text.as_bytes()).expect("valid");
    for name in ["c.parquet", "c.csv"] {
        let path = dir.path().join(name);
        write_counts(&table, &path).expect("write");
        assert_eq!(read_counts(&[path]).expect("read back"), table, "{name}");
    }
}
