//! End-to-end tests of ground truth, groupings and amplification (`--truth`, `--group`,
//! `--derive`, `--intersect`, `--reference`) on fixtures the tests create, and their bad inputs.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// 100 items: ids 1–40 level a ("my wife"), 41–80 level b ("my husband"), 81–90 both words
/// (ambiguous), 91–100 neither (unassigned). Baseline x = 1 on ids 1–10 and 41–60; model x = 1
/// on ids 1–25 and 41–62. Truth: YTA on odd ids, NTA on even ids, INFO (invalid) on id 100.
fn fixture(dir: &Path) -> (PathBuf, PathBuf) {
    let mut human = String::from("id,g,h,prompt,crowd,x\n");
    let mut model = String::from("id,x\n");
    for id in 1..=100u32 {
        let g = if id <= 40 {
            "a"
        } else if id <= 80 {
            "b"
        } else {
            "c"
        };
        let h = if id % 2 == 0 { "even" } else { "odd" };
        let prompt = match id {
            1..=40 => "AITA for ignoring my wife",
            41..=80 => "AITA for ignoring my husband",
            81..=90 => "AITA for ignoring my wife and my husband",
            _ => "AITA for ignoring my dog",
        };
        let crowd = if id == 100 {
            "INFO"
        } else if id % 2 == 1 {
            "YTA"
        } else {
            "NTA"
        };
        human.push_str(&format!("{id},{g},{h},{prompt},{crowd},{}\n", base_x(id)));
        model.push_str(&format!("{id},{}\n", model_x(id)));
    }
    (write(dir, "human.csv", &human), write(dir, "model.csv", &model))
}

fn base_x(id: u32) -> u8 {
    u8::from((1..=10).contains(&id) || (41..=60).contains(&id))
}

fn model_x(id: u32) -> u8 {
    u8::from((1..=25).contains(&id) || (41..=62).contains(&id))
}

fn run(dir: &Path, extra: &[&str]) -> Value {
    let (h, m) = fixture(dir);
    findings(&[&[h.to_str().unwrap(), m.to_str().unwrap()], extra].concat())
}

fn group_row<'a>(f: &'a Value, group_by: &str, level: &str, measure: &str) -> &'a Value {
    f["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group_by"] == group_by && g["level"] == level && g["measure"] == measure)
        .unwrap_or_else(|| panic!("no group row {group_by}/{level}/{measure}"))
}

#[test]
fn amplification_matches_hand_gaps_and_scipy_welch() {
    let dir = tempfile::tempdir().unwrap();
    let f = run(dir.path(), &["--group", "g", "--reference", "g=b"]);
    let row = group_row(&f, "g", "a", "rate");
    // Baseline rates a 10/40, b 20/40; model a 25/40, b 22/40.
    let (bg, mg) = (row["baseline_gap"].as_f64().unwrap(), row["model_gap"].as_f64().unwrap());
    assert!((bg - (0.25 - 0.5)).abs() < 1e-12 && (mg - (0.625 - 0.55)).abs() < 1e-12);
    assert!((row["amplification"].as_f64().unwrap() - (mg - bg)).abs() < 1e-12);
    assert!((row["relative"].as_f64().unwrap() - mg / bg).abs() < 1e-12);
    assert_eq!(row["direction"], "reverses");
    // scipy 1.17.1: ttest_ind([1]*15+[0]*25, [1]*2+[0]*38, equal_var=False):
    // pvalue 0.0003425239576091996, confidence_interval(0.95) (0.1545683017375269, 0.49543169826247313)
    assert!((row["p_value"].as_f64().unwrap() - 0.0003425239576091996).abs() < 1e-12);
    let ci = row["amplification_ci"].as_array().unwrap();
    assert!((ci[0].as_f64().unwrap() - 0.1545683017375269).abs() < 1e-9);
    assert!((ci[1].as_f64().unwrap() - 0.49543169826247313).abs() < 1e-9);
    let reference = group_row(&f, "g", "b", "rate");
    assert!(reference["p_value"].is_null(), "the reference level is not tested");
    assert_eq!(reference["direction"], "reference");
    let c = group_row(&f, "g", "c", "rate");
    assert!(c["p_value"].is_null() && c["note"].as_str().unwrap().contains("fewer than 30"));
    assert!(row["p_adjusted"].as_f64().unwrap() >= row["p_value"].as_f64().unwrap());
}

#[test]
fn default_reference_is_the_largest_level() {
    let dir = tempfile::tempdir().unwrap();
    let f = run(dir.path(), &["--group", "g", "--min-group", "5"]);
    // a and b both have 40 items: ties go to the first name.
    assert_eq!(f["groupings"][0]["reference"], "a");
    assert!(group_row(&f, "g", "c", "rate")["p_value"].is_number(), "--min-group 5 tests level c");
}

#[test]
fn derived_grouping_counts_unassigned_and_ambiguous_and_matches_the_column_grouping() {
    let dir = tempfile::tempdir().unwrap();
    let f = run(
        dir.path(),
        &[
            "--group",
            "g",
            "--derive",
            r"partner=female:\bWIFE\b",
            "--derive",
            r"partner=male:\b(husband|boyfriend)\b",
            "--reference",
            "partner=male",
            "--reference",
            "g=b",
        ],
    );
    let partner = f["groupings"].as_array().unwrap().iter().find(|g| g["group_by"] == "partner").unwrap();
    assert_eq!((partner["unassigned"].as_u64(), partner["ambiguous"].as_u64()), (Some(10), Some(10)));
    let (derived, column) = (group_row(&f, "partner", "female", "rate"), group_row(&f, "g", "a", "rate"));
    for key in ["n", "baseline_gap", "model_gap", "amplification", "p_value", "amplification_ci"] {
        assert_eq!(derived[key], column[key], "{key}");
    }
}

#[test]
fn intersect_adds_the_cross_product() {
    let dir = tempfile::tempdir().unwrap();
    let f = run(dir.path(), &["--group", "g", "--group", "h", "--intersect", "--min-group", "1"]);
    let names: Vec<&str> =
        f["groupings"].as_array().unwrap().iter().map(|g| g["group_by"].as_str().unwrap()).collect();
    assert_eq!(names, ["g", "h", "g × h"]);
    let cross = &f["groupings"][2];
    assert_eq!(cross["levels"].as_array().unwrap().len(), 6, "3 × 2 levels");
    let a_odd = cross["levels"].as_array().unwrap().iter().find(|l| l["level"] == "a × odd").unwrap();
    assert_eq!(a_odd["n"], 20);
}

#[test]
fn truth_confusion_matches_hand_counts_and_feeds_mcnemar() {
    let dir = tempfile::tempdir().unwrap();
    let f = run(dir.path(), &["--truth", "crowd", "--against-truth", "x"]);
    assert_eq!(f["settings"]["truth"], "crowd");
    let expect = |label: fn(u32) -> u8| {
        let (mut tp, mut fp, mut tn, mut fn_) = (0, 0, 0, 0);
        for id in 1..=99u32 {
            match (label(id), id % 2 == 1) {
                (1, true) => tp += 1,
                (1, false) => fp += 1,
                (0, false) => tn += 1,
                _ => fn_ += 1,
            }
        }
        (tp, fp, tn, fn_)
    };
    for (source, label) in [("human", base_x as fn(u32) -> u8), ("model", model_x)] {
        let row = f["truth"].as_array().unwrap().iter().find(|t| t["source"] == source).unwrap();
        let (tp, fp, tn, fn_) = expect(label);
        assert_eq!(
            (row["tp"].as_u64(), row["fp"].as_u64(), row["tn"].as_u64(), row["fn"].as_u64()),
            (Some(tp), Some(fp), Some(tn), Some(fn_)),
            "{source}"
        );
        assert_eq!(row["invalid_truth"], 1, "INFO is invalid and counted");
        assert!((row["fnr"].as_f64().unwrap() - fn_ as f64 / (tp + fn_) as f64).abs() < 1e-12);
    }
    let fnr = f["truth_tests"].as_array().unwrap().iter().find(|t| t["rate"] == "fnr").unwrap();
    // On the 50 at-fault items, the model misses fewer: its FNR is lower than the baseline's.
    assert!(fnr["difference"].as_f64().unwrap() < 0.0);
    assert!(fnr["p_adjusted"].as_f64().unwrap() >= fnr["p_value"].as_f64().unwrap());
}

#[test]
fn bias_amplification_is_reported_and_seeded() {
    let dir = tempfile::tempdir().unwrap();
    let a = run(dir.path(), &["--group", "g", "--bootstrap", "300", "--seed", "5"]);
    let b = run(dir.path(), &["--group", "g", "--bootstrap", "300", "--seed", "5"]);
    let c = run(dir.path(), &["--group", "g", "--bootstrap", "300", "--seed", "6"]);
    assert_eq!(a["bias_amplification"], b["bias_amplification"]);
    assert_ne!(a["bias_amplification"][0]["ci"], c["bias_amplification"][0]["ci"]);
    assert_eq!(a["settings"]["seed"], 5);
    assert!(a["bias_amplification"][0]["value"].is_number());
}

#[test]
fn table_output_has_a_section_per_grouping() {
    let dir = tempfile::tempdir().unwrap();
    let (h, m) = fixture(dir.path());
    let out = amplify()
        .args([
            "compare",
            h.to_str().unwrap(),
            m.to_str().unwrap(),
            "--group",
            "g",
            "--truth",
            "crowd",
            "--against-truth",
            "x",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("Grouping: g: levels a (40), b (40), c (20)"), "{text}");
    assert!(text.contains("amplification pp") && text.contains("BiasAmp→ g x model"), "{text}");
    assert!(text.contains("FNR %") && text.contains("sycophancy rate"), "{text}");
}

#[test]
fn bad_group_and_truth_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let (h, m) = fixture(dir.path());
    let base = || {
        let mut cmd = amplify();
        cmd.args(["compare", h.to_str().unwrap(), m.to_str().unwrap()]);
        cmd
    };
    assert_user_error(base().args(["--group", "nope"]), &["no column 'nope'", "--group", "id, g, h, prompt"]);
    assert_user_error(base().args(["--derive", "p=x:(unclosed"]), &["(unclosed", "does not compile"]);
    assert_user_error(
        base().args(["--derive", "p=cat:\\bcat\\b"]),
        &["grouping 'p'", "no item falls into exactly one level", "all 100 items are outside every level"],
    );
    assert_user_error(base().args(["--group", "g", "--reference", "g=zz"]), &["g=zz", "levels are: a, b, c"]);
    assert_user_error(base().args(["--truth", "prompt"]), &["truth column 'prompt' has no valid value"]);
    assert_user_error(
        base().args(["--group", "id", "--max-levels", "50"]),
        &["100 levels", "--max-levels 50"],
    );
    assert_user_error(base().args(["--truth", "nope"]), &["no column 'nope'", "--truth"]);
}

#[test]
fn bias_amplification_does_not_depend_on_the_order_of_counts_rows() {
    // A counts file with the levels' rows in another order (as merged shards may leave them) gives
    // the same BiasAmp→ and bootstrap interval.
    let dir = tempfile::tempdir().unwrap();
    let [h, a, _] = sample(dir.path(), 600);
    let counts = dir.path().join("c.csv");
    let mut args: Vec<String> = vec!["count".into(), h.display().to_string(), a.display().to_string()];
    args.extend(SAMPLE_OPTIONS[..9].iter().map(|s| s.to_string()));
    amplify().args(&args).arg("-o").arg(&counts).assert().success();
    let text = std::fs::read_to_string(&counts).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let reversed = dir.path().join("r.csv");
    std::fs::write(&reversed, format!("{header}\n{}\n", lines.join("\n"))).unwrap();
    let one = findings(&["--counts", counts.to_str().unwrap()]);
    let two = findings(&["--counts", reversed.to_str().unwrap()]);
    // Rows come in the file's metric order; compared as sets.
    let sorted = |v: &Value| {
        let mut rows: Vec<String> = v.as_array().unwrap().iter().map(|r| r.to_string()).collect();
        rows.sort();
        rows
    };
    assert!(!one["bias_amplification"].as_array().unwrap().is_empty());
    assert_eq!(sorted(&one["bias_amplification"]), sorted(&two["bias_amplification"]));
    assert_eq!(sorted(&one["groups"]), sorted(&two["groups"]));
}

#[test]
fn the_ratio_of_odds_ratios_follows_from_the_rows_rates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let p = |n: &str| root.join(n).display().to_string();
    let (human, model) = (p("human.parquet"), p("model_a.parquet"));
    let args: Vec<&str> = [human.as_str(), model.as_str()].into_iter().chain(SAMPLE_OPTIONS).collect();
    let f = findings(&args);
    let odds = |p: f64| p / (1.0 - p);
    let mut checked = 0;
    for g in f["groups"].as_array().unwrap().iter().filter(|g| g["level"] != g["reference"]) {
        let get = |k: &str| g[k].as_f64().unwrap();
        // The reference's rates are the level's minus the gaps (FNR rows: miss rates throughout).
        let (b_l, m_l) = (get("baseline_rate"), get("model_rate"));
        let (b_r, m_r) = (b_l - get("baseline_gap"), m_l - get("model_gap"));
        let expected = (odds(m_l) / odds(m_r)) / (odds(b_l) / odds(b_r));
        let ror = get("ror");
        assert!((ror - expected).abs() < 1e-9 * expected, "{g}");
        let ci = g["ror_ci"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() < ror && ror < ci[1].as_f64().unwrap(), "{g}");
        // The odds scale agrees with the pp scale on the direction of a clear amplification.
        if g["significant"] == Value::Bool(true) {
            assert_eq!(get("amplification") > 0.0, ror > 1.0, "{g}");
        }
        checked += 1;
    }
    assert_eq!(checked, 7, "5 rates + FNR + FPR for the one non-reference level");
    // Item-level values (repeated samples): the same ratio of the rates' odds, from the means.
    let dir = tempfile::tempdir().unwrap();
    let human: String = std::iter::once("id,topic,x\n".to_string())
        .chain((0..80).map(|i| format!("{i},{},{}\n", if i % 2 == 0 { "a" } else { "b" }, i % 3 == 0)))
        .collect();
    let model: String = std::iter::once("id,s,x\n".to_string())
        .chain((0..80).flat_map(|i| (0..3).map(move |s| format!("{i},{s},{}\n", (i * s + i / 7) % 3 != 0))))
        .collect();
    let h = write(dir.path(), "h.csv", &human).display().to_string();
    let m = write(dir.path(), "m.csv", &model).display().to_string();
    let r = findings(&[&h, &m, "--sample", "s", "--group", "topic"]);
    let level = r["groups"].as_array().unwrap().iter().find(|g| g["level"] != g["reference"]).unwrap();
    let get = |k: &str| level[k].as_f64().unwrap();
    let (b_l, m_l) = (get("baseline_rate"), get("model_rate"));
    let (b_r, m_r) = (b_l - get("baseline_gap"), m_l - get("model_gap"));
    assert!(m_l.fract() != 0.0 || m_r.fract() != 0.0, "fractional item values: {level}");
    let expected = (odds(m_l) / odds(m_r)) / (odds(b_l) / odds(b_r));
    assert!((get("ror") - expected).abs() < 1e-9 * expected, "{level}");
    let ci = level["ror_ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() < expected && expected < ci[1].as_f64().unwrap(), "{level}");
}
