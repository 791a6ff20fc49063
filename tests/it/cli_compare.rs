//! End-to-end tests of `amplify compare`, `count` and `inspect` on fixtures the tests create.

use crate::common::*;
use serde_json::Value;

fn comparison<'a>(f: &'a Value, metric: &str, model: &str) -> &'a Value {
    f["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == metric && c["model"] == model)
        .unwrap_or_else(|| panic!("no comparison {metric}/{model}"))
}

#[test]
fn tidy_csv_counts_and_rates_match_hand_counts() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    let f = findings(&[h.to_str().unwrap(), m.to_str().unwrap()]);
    assert_eq!(f["settings"]["metrics"], serde_json::json!(["a", "b"]));
    // a: human 1,0,1,0,0,1 model 1,1,1,1,0,1 → both 3, model_only 2, baseline_only 0, neither 1.
    let a = comparison(&f, "a", "gpt");
    assert_eq!(
        (a["both"].as_u64(), a["model_only"].as_u64(), a["baseline_only"].as_u64(), a["neither"].as_u64()),
        (Some(3), Some(2), Some(0), Some(1))
    );
    assert_eq!(a["baseline_rate"].as_f64(), Some(0.5));
    assert!((a["model_rate"].as_f64().unwrap() - 5.0 / 6.0).abs() < 1e-12);
    // Exact McNemar with b = 2, c = 0: p = 2 · 0.5² = 0.5.
    assert!((a["p_value"].as_f64().unwrap() - 0.5).abs() < 1e-12);
    // Overall: item sums human (1,0,2,1,0,1), model (2,1,2,2,1,1): d = (1,1,0,1,1,0)/2.
    let o = &f["overall"][0];
    assert_eq!(o["n"].as_u64(), Some(6));
    assert!((o["difference"].as_f64().unwrap() - 4.0 / 12.0).abs() < 1e-12);
}

#[test]
fn json_contract_has_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let [h, a, b] = sample(dir.path(), 300);
    let f = findings(&[h.to_str().unwrap(), a.to_str().unwrap(), &format!("other={}", b.display())]);
    assert_eq!(f["schema"], "amplify.findings/4");
    assert_eq!(f["amplify_version"], env!("CARGO_PKG_VERSION"));
    for key in ["confidence", "correction", "test", "seed"] {
        assert!(f["settings"].get(key).is_some(), "settings.{key}");
    }
    let inputs = f["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 3);
    assert_eq!(inputs[2]["name"], "other", "NAME=PATH names the model");
    for key in ["role", "name", "path", "rows", "sha256"] {
        assert!(inputs[0].get(key).is_some(), "inputs.{key}");
    }
    assert_eq!(inputs[0]["sha256"].as_str().unwrap().len(), 64);
    for key in ["model", "matched", "baseline_only", "model_only"] {
        assert!(f["alignment"][0].get(key).is_some(), "alignment.{key}");
    }
    let c = &f["comparisons"][0];
    for key in [
        "metric",
        "model",
        "n",
        "baseline_rate",
        "baseline_ci",
        "model_rate",
        "model_ci",
        "difference",
        "difference_ci",
        "model_only",
        "baseline_only",
        "p_value",
        "p_adjusted",
        "cohens_h",
        "ratio",
        "invalid_baseline",
        "invalid_model",
    ] {
        assert!(c.get(key).is_some(), "comparisons.{key}");
    }
    assert_eq!(c["difference_ci"].as_array().unwrap().len(), 2);
    for key in [
        "model",
        "n",
        "baseline_score",
        "model_score",
        "difference",
        "difference_ci",
        "p_value",
        "p_adjusted",
    ] {
        assert!(f["overall"][0].get(key).is_some(), "overall.{key}");
    }
    assert_eq!(f["comparisons"].as_array().unwrap().len(), 8, "4 metrics × 2 models");
}

#[test]
fn sample_invalid_labels_are_counted_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let [h, _, b] = sample(dir.path(), 400);
    let f = findings(&[h.to_str().unwrap(), b.to_str().unwrap()]);
    let matched = f["alignment"][0]["matched"].as_u64().unwrap();
    for c in f["comparisons"].as_array().unwrap() {
        let n = c["n"].as_u64().unwrap();
        let (ib, im) = (c["invalid_baseline"].as_u64().unwrap(), c["invalid_model"].as_u64().unwrap());
        assert!(n + ib.max(im) <= matched && matched <= n + ib + im, "{c}");
    }
    let total_invalid: u64 =
        f["comparisons"].as_array().unwrap().iter().map(|c| c["invalid_model"].as_u64().unwrap()).sum();
    assert!(total_invalid > 0, "model_b has ERROR labels");
    assert!(f["alignment"][0]["baseline_only"].as_u64().unwrap() > 0, "model_b skips items");
}

#[test]
fn holm_adjusted_p_is_never_below_raw_and_bh_is_never_above_holm() {
    let dir = tempfile::tempdir().unwrap();
    let [h, a, b] = sample(dir.path(), 200);
    let args = [h.to_str().unwrap(), a.to_str().unwrap(), b.to_str().unwrap()];
    let holm = findings(&args);
    let bh = findings(&[&args[..], &["--correction", "bh"]].concat());
    for (x, y) in holm["comparisons"].as_array().unwrap().iter().zip(bh["comparisons"].as_array().unwrap()) {
        let (p, ph, pb) = (
            x["p_value"].as_f64().unwrap(),
            x["p_adjusted"].as_f64().unwrap(),
            y["p_adjusted"].as_f64().unwrap(),
        );
        assert!(ph >= p && pb >= p && pb <= ph, "{p} {ph} {pb}");
    }
}

#[test]
fn mid_p_is_never_above_exact() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    let exact = findings(&[h.to_str().unwrap(), m.to_str().unwrap()]);
    let mid = findings(&[h.to_str().unwrap(), m.to_str().unwrap(), "--test", "mid-p"]);
    assert_eq!(mid["settings"]["test"], "mid-p");
    let (pe, pm) = (
        exact["comparisons"][0]["p_value"].as_f64().unwrap(),
        mid["comparisons"][0]["p_value"].as_f64().unwrap(),
    );
    assert!(pm < pe, "{pm} < {pe}");
    assert!((pm - 0.25).abs() < 1e-12, "b=2, c=0: 2·(¼ − ½·¼) = ¼, got {pm}");
}

#[test]
fn wide_and_long_layouts_give_the_same_numbers_as_tidy() {
    let dir = tempfile::tempdir().unwrap();
    let tidy = findings(&[
        write(dir.path(), "human.csv", HUMAN_CSV).to_str().unwrap(),
        write(dir.path(), "gpt.csv", MODEL_CSV).to_str().unwrap(),
    ]);
    let wide = write(
        dir.path(),
        "wide.csv",
        "Unnamed: 0,prompt,a_human,b_human,a_gpt,b_gpt\n1,p,1,0,1,1\n2,p,0,0,1,0\n3,p,1,1,1,1\n4,p,0,1,1,1\n5,p,0,0,0,1\n6,p,1,0,1,0\n",
    );
    let wide = findings(&[wide.to_str().unwrap()]);
    assert_eq!(wide["settings"]["layout"], "wide");
    assert_eq!(wide["settings"]["id_column"], "Unnamed: 0");
    let mut long = String::from("item,source,a,b\n");
    for (src, csv) in [("human", HUMAN_CSV), ("gpt", MODEL_CSV)] {
        for line in csv.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            long.push_str(&format!("{},{src},{},{}\n", f[0], f[1], f[2]));
        }
    }
    let long = write(dir.path(), "long.csv", &long);
    let long = findings(&[long.to_str().unwrap(), "--source-column", "source", "--id", "item"]);
    assert_eq!(long["settings"]["layout"], "long");
    for other in [&wide, &long] {
        assert_eq!(other["comparisons"], tidy["comparisons"]);
        assert_eq!(other["overall"], tidy["overall"]);
    }
}

#[test]
fn metrics_selection_and_inversion() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    let plain = findings(&[h.to_str().unwrap(), m.to_str().unwrap(), "--metrics", "b"]);
    assert_eq!(plain["comparisons"].as_array().unwrap().len(), 1);
    let inverted = findings(&[h.to_str().unwrap(), m.to_str().unwrap(), "--metrics", "b", "--invert", "b"]);
    let (p, i) = (&plain["comparisons"][0], &inverted["comparisons"][0]);
    assert_eq!(i["both"], p["neither"]);
    assert_eq!(i["model_only"], p["baseline_only"]);
    assert!((i["difference"].as_f64().unwrap() + p["difference"].as_f64().unwrap()).abs() < 1e-15);
    assert_eq!(inverted["settings"]["inverted"], serde_json::json!(["b"]));
}

#[test]
fn counts_roundtrip_and_shard_merge_reproduce_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let [h, a, b] = sample(dir.path(), 500);
    let args = [h.to_str().unwrap(), a.to_str().unwrap(), b.to_str().unwrap()];
    let direct = findings(&args);
    let counts = dir.path().join("counts.parquet");
    amplify().arg("count").args(args).arg("-o").arg(&counts).assert().success();
    let from_counts = findings(&["--counts", counts.to_str().unwrap()]);
    assert_eq!(from_counts["comparisons"], direct["comparisons"]);
    assert_eq!(from_counts["overall"], direct["overall"]);
    assert_eq!(from_counts["alignment"], direct["alignment"]);
    // The same file twice is refused (its counts would be doubled)...
    let same =
        amplify().args(["compare", "--counts"]).arg(&counts).arg("--counts").arg(&counts).output().unwrap();
    assert_eq!(same.status.code(), Some(2), "{}", String::from_utf8_lossy(&same.stderr));
    // ...while two shards add up: a second shard with the same counts (as CSV) doubles every
    // count and keeps every rate.
    let csv = dir.path().join("counts.csv");
    amplify().arg("count").args(args).arg("-o").arg(&csv).assert().success();
    let twice = findings(&["--counts", counts.to_str().unwrap(), "--counts", csv.to_str().unwrap()]);
    let (c1, c2) = (&direct["comparisons"][0], &twice["comparisons"][0]);
    assert_eq!(c2["n"].as_u64().unwrap(), 2 * c1["n"].as_u64().unwrap());
    assert_eq!(c2["model_rate"], c1["model_rate"]);
    assert_eq!(twice["overall"][0]["model_score"], direct["overall"][0]["model_score"]);
}

#[test]
fn csv_format_and_atomic_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    let out = dir.path().join("cmp.csv");
    amplify()
        .args(["compare", h.to_str().unwrap(), m.to_str().unwrap(), "--format", "csv", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("metric,model,n,both,model_only,baseline_only,neither,baseline_rate"));
    assert!(lines[1].starts_with("a,gpt,6,3,2,0,1,0.5,"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".amplify-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
}

#[test]
fn table_output_names_the_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let [h, a, _] = sample(dir.path(), 300);
    let out = amplify().args(["compare", h.to_str().unwrap(), a.to_str().unwrap()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.contains("more than human"), "{stdout}");
    assert!(stdout.contains("p adj (Holm)") && stdout.contains("alignment model_a: 300 matched"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("comparing 4 metric(s)") && stderr.contains("skipped, not 0/1 labels: verdict"),
        "{stderr}"
    );
}

#[test]
fn inspect_reports_layout_roles_and_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let [h, _, _] = sample(dir.path(), 100);
    let out = amplify().args(["inspect", h.to_str().unwrap(), "--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["rows"], 100);
    assert!(p["row_groups"].as_u64().unwrap() >= 1);
    let role = |name: &str| {
        p["columns"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()["role"].clone()
    };
    assert_eq!(role("id"), "id");
    assert_eq!(role("emotional_validation"), "metric");
    assert_eq!(role("verdict"), "verdict");
    assert!(p["layout"].as_str().unwrap().starts_with("tidy"));
    let wide = write(dir.path(), "w.csv", "Unnamed: 0,a_human,a_m\n0,1,0\n1,0,0\n");
    let out = amplify().args(["inspect", wide.to_str().unwrap()]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("layout: wide"));
}

#[test]
fn committed_sample_is_what_the_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = sample(dir.path(), 3000);
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    for path in fresh {
        let name = path.file_name().unwrap();
        let (a, b) = (std::fs::read(&path).unwrap(), std::fs::read(committed.join(name)).unwrap());
        assert!(
            a == b,
            "data/sample/{} differs from `amplify sample --items 3000 --seed 42`; regenerate it",
            name.to_string_lossy()
        );
    }
}
