//! Wide files with samples: `--map SOURCE.METRIC=COL1,COL2` reads several columns as samples of
//! one source, and gives the statistics of the same samples in a tidy file with `--sample`.

use crate::cli_logs::{refused, statistics};
use crate::common::{amplify, findings, write};
use std::path::Path;

const CLASSES: [&str; 5] = ["YTA", "NTA", "ESH", "NAH", "INFO"];

/// Item `i`'s verdict from the crowd and, per sample `k` (1, 2), from gpt4 and claude.
fn crowd(i: usize) -> &'static str {
    CLASSES[(i * 7 + i / 4) % 4]
}
fn gpt4(i: usize, k: usize) -> &'static str {
    CLASSES[(i * 3 + k * (i % 3)) % 5]
}
fn claude(i: usize, k: usize) -> &'static str {
    if k == 2 && i.is_multiple_of(5) {
        ""
    } else {
        CLASSES[(i + k) % 4]
    }
}

const ITEMS: usize = 60;

/// The published layout: one row per post, `<model>_label_<k>` columns.
pub(crate) fn wide(dir: &Path) -> String {
    let mut csv = String::from("id,title,verdict,gpt4_label_1,gpt4_label_2,claude_label_1,claude_label_2\n");
    for i in 0..ITEMS {
        csv += &format!(
            "p{i},Post {i},{},{},{},{},{}\n",
            crowd(i),
            gpt4(i, 1),
            gpt4(i, 2),
            claude(i, 1),
            claude(i, 2)
        );
    }
    write(dir, "aita_wide.csv", &csv).display().to_string()
}

/// The same data tidy: the crowd's file and one file per model with a `sample` column.
fn tidy(dir: &Path) -> [String; 3] {
    let mut human = String::from("id,verdict\n");
    let (mut g, mut c) = (String::from("id,sample,verdict\n"), String::from("id,sample,verdict\n"));
    for i in 0..ITEMS {
        human += &format!("p{i},{}\n", crowd(i));
        for k in 1..=2 {
            g += &format!("p{i},{k},{}\n", gpt4(i, k));
            c += &format!("p{i},{k},{}\n", claude(i, k));
        }
    }
    [write(dir, "human.csv", &human), write(dir, "gpt4.csv", &g), write(dir, "claude.csv", &c)]
        .map(|p| p.display().to_string())
}

/// The verdict as a label: YTA and ESH are 1, NTA and NAH 0, INFO and empty invalid.
fn label(v: &str) -> Option<f64> {
    match v {
        "YTA" | "ESH" => Some(1.0),
        "NTA" | "NAH" => Some(0.0),
        _ => None,
    }
}

#[test]
fn several_columns_are_samples_of_one_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let file = wide(d);
    let maps = [
        "--map",
        "human.verdict=verdict",
        "--map",
        "gpt4.verdict=gpt4_label_1,gpt4_label_2",
        "--map",
        "claude.verdict=claude_label_1, claude_label_2",
        "--verdict",
        "verdict",
    ];
    let from_wide = findings(&[&[file.as_str()][..], &maps[..]].concat());
    let [h, g, c] = tidy(d);
    let from_tidy = findings(&[&h, &g, &c, "--sample", "sample", "--verdict", "verdict"]);
    for block in ["comparisons", "overall", "instability"] {
        assert_eq!(statistics(from_wide.clone())[block], statistics(from_tidy.clone())[block], "{block}");
    }
    // gpt4's rate by hand: the mean over items (with a valid crowd label and a valid sample) of
    // the item's mean over its valid samples.
    let items: Vec<f64> = (0..ITEMS)
        .filter(|i| label(crowd(*i)).is_some())
        .filter_map(|i| {
            let valid: Vec<f64> = (1..=2).filter_map(|k| label(gpt4(i, k))).collect();
            (!valid.is_empty()).then(|| valid.iter().sum::<f64>() / valid.len() as f64)
        })
        .collect();
    let row = &from_wide["comparisons"][0];
    assert_eq!(row["model"], "gpt4");
    assert_eq!(row["n"].as_u64(), Some(items.len() as u64));
    let rate = items.iter().sum::<f64>() / items.len() as f64;
    assert!((row["model_rate"].as_f64().expect("rate") - rate).abs() < 1e-12, "{row}");
    assert_eq!(from_wide["settings"]["repeats"]["repeated"], false);
    // count → compare --counts gives the same statistics; report shows both models.
    let args = [&[file.as_str()][..], &maps[..]].concat();
    let (counted, html) = crate::common::counted_and_reported(d, &args);
    for block in ["comparisons", "overall"] {
        assert_eq!(counted[block], from_wide[block], "{block}");
    }
    assert!(html.contains("gpt4") && html.contains("claude"));
    let out = amplify().arg("compare").arg(&file).args(maps).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("each column is one sample of its source"), "{stderr}");
}

#[test]
fn bad_sample_lists_are_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = wide(dir.path());
    let base = ["compare", file.as_str(), "--map", "human.verdict=verdict", "--verdict", "verdict", "--map"];
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        [base, extra].concat()
    }
    refused(&with(&base, &["gpt4.verdict=gpt4_label_1,gpt4_label_9"]), &["gpt4_label_9", "--map"]);
    refused(&with(&base, &["gpt4.verdict=gpt4_label_1,,gpt4_label_2"]), &["each sample column once"]);
    refused(&with(&base, &["gpt4.verdict=gpt4_label_1,gpt4_label_1"]), &["each sample column once"]);
    let two = "gpt4.verdict=gpt4_label_1,gpt4_label_2";
    refused(
        &with(&base, &[two, "--verdict-classes"]),
        &["2 columns as samples of 'gpt4'", "--verdict-classes"],
    );
    refused(&with(&base, &[two, "--sample", "title"]), &["drop --sample"]);
    refused(&with(&base, &[two, "--pair", "title", "--variant", "id"]), &["--pair"]);
}
