//! Missing labels with repeated samples: an item whose side has no valid sample has an unknown
//! mean in [0, 1]; the bounds over every such value, end to end, against brute force.
//!
//! Reference values: the session's /tmp/fx/repeated_missing.py (Python 3.11, by hand): every
//! item whose side has no valid sample set to 0 or 1 in every combination (the difference is
//! linear in each, so its extremes are at those vertices), the items' means averaged.

use crate::common::{amplify, findings, write};
use crate::schema::{errors, validator};
use serde_json::Value;
use std::path::Path;

/// 40 items: human x = [7i mod 5 < 2], "n/a" for i mod 9 = 4; the model's samples s = 1, 2, 3:
/// x = [(3i + s²) mod 4 < 2], "n/a" when i mod 7 = 3 (every sample of the item) or (i + s) mod 5
/// = 0 (one sample); group g = p for even i, else q.
fn fixture(dir: &Path) -> [String; 2] {
    let (mut human, mut model) = ("id,x,g\n".to_string(), "id,seed,x\n".to_string());
    for i in 0..40u32 {
        let x = if i % 9 == 4 { "n/a".to_string() } else { u8::from(i * 7 % 5 < 2).to_string() };
        human += &format!("{i},{x},{}\n", if i % 2 == 0 { "p" } else { "q" });
        for s in 1..=3u32 {
            let invalid = i % 7 == 3 || (i + s) % 5 == 0;
            let x = if invalid { "n/a".to_string() } else { u8::from((3 * i + s * s) % 4 < 2).to_string() };
            model += &format!("{i},{s},{x}\n");
        }
    }
    [write(dir, "human.csv", &human), write(dir, "model.csv", &model)].map(|p| p.display().to_string())
}

fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9)
}

fn pair(v: &Value, low: f64, high: f64) -> bool {
    close(&v[0], low) && close(&v[1], high)
}

#[test]
fn item_means_are_bounded_over_every_value_of_the_items_without_a_valid_sample() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path());
    let f = findings(&[&h, &m, "--sample", "seed", "--group", "g", "--min-group", "2"]);
    let missing = &f["missing"];
    let rows = missing["rows"].as_array().expect("rows");
    let r = rows.iter().find(|r| r["truth"].is_null()).expect("all-items row");
    assert_eq!((r["items"].as_u64(), r["invalid_baseline"].as_u64()), (Some(40), Some(4)), "{r}");
    assert_eq!((r["invalid_model"].as_u64(), r["invalid_both"].as_u64()), (Some(6), Some(1)), "{r}");
    assert!(close(&r["share"], 9.0 / 40.0) && close(&r["difference"], 0.13440860215053763), "{r}");
    assert!(pair(&r["baseline_rate"], 0.375, 0.475), "{r}");
    assert!(pair(&r["model_rate"], 0.4541666666666666, 0.6041666666666666), "{r}");
    assert!(pair(&r["difference_bounds"], -0.02083333333333337, 0.22916666666666663), "{r}");
    // No tipping point: it would need each item's value, and the counts keep sums.
    assert!(r["tipping_items"].is_null() && r["robust"].is_null() && r.get("conclusion").is_none());
    assert!(missing.get("note").is_none(), "{missing}");
    // The gap of level p against the reference q: p's difference bounds [−0.05, 0.2] minus q's
    // [0.008333, 0.258333], each by the same brute force.
    let gaps = missing["gaps"].as_array().expect("gap rows");
    let g = gaps.iter().find(|g| g["level"] == "p").expect("level p");
    assert_eq!(g["reference"], "q", "{g}");
    assert!(
        pair(
            &g["bounds"],
            -0.04999999999999999 - 0.2583333333333333,
            0.19999999999999996 - 0.00833333333333336
        ),
        "{g}"
    );
    assert_eq!(errors(&validator(), &f), Vec::<String>::new());
    // The report's rows, as a person sees them (checked in a headless Chromium screenshot).
    let out = dir.path().join("report");
    amplify()
        .arg("report")
        .args([&h, &m, "--sample", "seed", "--group", "g", "--min-group", "2"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let start = html.find("<h2>Missing labels</h2>").expect("section shown");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(section.contains("<td>[-2.1, +22.9]</td><td>–</td><td>–</td>"), "{section}");
    assert!(section.contains("one of item means"), "{section}");
    assert!(html.contains("<td>g: p vs q</td><td>22.5</td><td>-0.2</td><td>[-30.8, +19.2]</td>"), "{html}");
}

#[test]
fn counts_files_and_shards_of_item_means_give_the_same_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path());
    let args = ["--sample", "seed", "--group", "g"];
    let whole = findings(&[&[h.as_str(), m.as_str()][..], &args, &["--min-group", "2"]].concat());
    // Two shards of the items, counted apart and merged.
    let (human, model) = (std::fs::read_to_string(&h).unwrap(), std::fs::read_to_string(&m).unwrap());
    let mut counts = Vec::new();
    for shard in 0..2u32 {
        let keep = |text: &str| {
            let mut lines = text.lines();
            let mut out = format!("{}\n", lines.next().unwrap());
            for line in lines.filter(|l| l.split(',').next().unwrap().parse::<u32>().unwrap() % 2 == shard) {
                out += &format!("{line}\n");
            }
            out
        };
        // The same file names in each shard's folder: the model keeps its name.
        let folder = dir.path().join(format!("s{shard}"));
        std::fs::create_dir(&folder).unwrap();
        let hs = write(&folder, "human.csv", &keep(&human));
        let ms = write(&folder, "model.csv", &keep(&model));
        let out = dir.path().join(format!("c{shard}.parquet"));
        amplify().arg("count").args([&hs, &ms]).args(args).arg("--output").arg(&out).assert().success();
        counts.push(out.display().to_string());
    }
    let merged = findings(&["--counts", &counts[0], "--counts", &counts[1], "--min-group", "2"]);
    assert_eq!(merged["missing"], whole["missing"]);
    // A cell edited so that the row's cells no longer add up to its invalid labels is refused.
    let csv = dir.path().join("c.csv");
    amplify().arg("count").args([&h, &m]).args(args).arg("--output").arg(&csv).assert().success();
    let text = std::fs::read_to_string(&csv).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|c| *c == "invalid_both").expect("cells written");
    // Edited cells (one unit more, the largest i64, a float beyond u64) are refused, not panics.
    for edit in ["+1", "9223372036854775807", "1.8e19"] {
        let edited: Vec<String> = text
            .lines()
            .map(|l| {
                let mut f: Vec<String> = l.split(',').map(String::from).collect();
                let empty = |x: &str| x.trim_matches('"').is_empty();
                if f[0] == "metric" && empty(&f[3]) && empty(&f[5]) {
                    f[col] = match edit {
                        "+1" => (f[col].parse::<u64>().unwrap() + 1).to_string(),
                        other => other.to_string(),
                    };
                }
                f.join(",")
            })
            .collect();
        let bad = write(dir.path(), "bad.csv", &(edited.join("\n") + "\n"));
        let out = amplify().args(["compare", "--counts"]).arg(&bad).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(stderr.contains("invalid cells") && !stderr.contains("panicked"), "{edit}: {stderr}");
    }
}
