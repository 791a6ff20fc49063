//! The data's own findings: a run with one source and no model (any layout), and the same
//! `data` section in runs with models.

use crate::common::{amplify, assert_user_error, findings, write, SAMPLE_OPTIONS};
use serde_json::Value;
use std::path::Path;

fn close(value: &Value, expected: f64, what: &str) {
    let got = value.as_f64().unwrap_or_else(|| panic!("{what}: not a number: {value}"));
    assert!((got - expected).abs() < 1e-9, "{what}: {got} vs {expected}");
}

/// 111 items in levels a (40 valid, 12 ones, and one invalid label), b (40, 20) and c (30, 5).
fn levels_csv(dir: &Path) -> String {
    let mut csv = String::from("id,g,m\n");
    let mut id = 0;
    for (level, n, ones) in [("a", 40, 12), ("b", 40, 20), ("c", 30, 5)] {
        for i in 0..n {
            id += 1;
            csv.push_str(&format!("{id},{level},{}\n", u8::from(i < ones)));
        }
    }
    csv.push_str(&format!("{},a,maybe\n", id + 1));
    write(dir, "levels.csv", &csv).to_string_lossy().to_string()
}

#[test]
fn one_source_matches_statsmodels_and_scipy() {
    let dir = tempfile::tempdir().unwrap();
    let path = levels_csv(dir.path());
    let f = findings(&[&path, "--group", "g", "--reference", "g=a"]);
    let d = &f["data"];
    assert_eq!(d["alone"], true);
    assert_eq!(f["comparisons"].as_array().map(Vec::len), Some(0));
    let rate = &d["rates"][0];
    assert_eq!(
        (rate["metric"].as_str(), rate["n"].as_u64(), rate["invalid"].as_u64()),
        (Some("m"), Some(110), Some(1))
    );
    close(&rate["rate"], 37.0 / 110.0, "rate");
    // statsmodels 0.15.0 proportion_confint(37, 110, method="wilson").
    close(&rate["ci"][0], 0.2549203393736219, "wilson low");
    close(&rate["ci"][1], 0.42885040308759537, "wilson high");
    // statsmodels 0.15.0 confint_proportions_2indep(x_l, n_l, 12, 40, method="newcomb",
    // compare="diff"); scipy 1.17.1 fisher_exact([[x_l, n_l − x_l], [12, 28]]).pvalue.
    let expected = [
        ("b", 0.2, -0.013808204641806016, 0.3900692819178617, 0.10950852418654558),
        ("c", 5.0 / 30.0 - 0.3, -0.3136488069025926, 0.07348567823055216, 0.26388538125811756),
    ];
    let gaps = d["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 2);
    for (level, gap, low, high, p) in expected {
        let row = gaps.iter().find(|g| g["level"] == level).unwrap();
        close(&row["gap"], gap, "gap");
        close(&row["gap_ci"][0], low, "newcombe low");
        close(&row["gap_ci"][1], high, "newcombe high");
        close(&row["p_value"], p, "fisher p");
    }
    // scipy 1.17.1 chi2_contingency([[12, 28], [20, 20], [5, 25]], correction=False).
    let t = &d["level_tests"][0];
    close(&t["statistic"], 8.905343699864249, "X²");
    close(&t["p_value"], 0.011647405240299573, "χ² p");
    assert_eq!(
        (t["df"].as_u64(), t["method"].as_str(), t["levels"].as_u64()),
        (Some(2), Some("chi-square"), Some(3))
    );
    // Holm over the section's three tests: the smallest p times 3.
    close(&t["p_adjusted"], 3.0 * 0.011647405240299573, "holm");
}

#[test]
fn the_data_section_is_the_same_with_or_without_models() {
    // The documented groupings without the truth options.
    let derive = &SAMPLE_OPTIONS[5..];
    for seed in ["1", "2", "3"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        amplify().args(["sample", "--items", "400", "--seed", seed, "--out"]).arg(out).assert().success();
        let (h, m) = (out.join("human.parquet"), out.join("model_a.parquet"));
        let (h, m) = (h.to_str().unwrap(), m.to_str().unwrap());
        let alone = findings(&[&[h][..], derive].concat());
        let with_model = findings(&[&[h, m][..], derive].concat());
        assert_eq!(alone["data"]["alone"], true);
        assert_eq!(with_model["data"]["alone"], false);
        for part in ["rates", "gaps", "level_tests"] {
            assert_eq!(alone["data"][part], with_model["data"][part], "seed {seed}: data.{part}");
        }
        assert!(!alone["data"]["gaps"].as_array().unwrap().is_empty());
        // The same reference level (level sizes count items valid on both sides, so they differ).
        assert_eq!(alone["groupings"][0]["reference"], with_model["groupings"][0]["reference"]);
    }
}

fn preference() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    root.join("data/sample/preference.parquet").to_string_lossy().to_string()
}

const PREFERENCE: [&str; 8] = [
    "--pair",
    "prompt_id",
    "--variant",
    "response",
    "--variants",
    "rejected,chosen",
    "--baseline-name",
    "preference",
];

#[test]
fn preference_data_alone_with_pairs_and_through_a_counts_file() {
    let f = findings(&[&[preference().as_str()][..], &PREFERENCE].concat());
    let rows = f["pairs"].as_array().unwrap();
    let all: Vec<&Value> = rows.iter().filter(|r| r["group_by"].is_null()).collect();
    assert_eq!(all.len(), 3, "one row per behaviour");
    assert!(all.iter().all(|r| r["source"] == "preference" && r["role"] == "baseline"));
    let validation = all.iter().find(|r| r["metric"] == "emotional_validation").unwrap();
    assert!(validation["asymmetry"].as_f64().unwrap() > 0.1 && validation["significant"] == true);
    // The README's reading of this run: +18.2 pp (95% CI 13.8 to 22.6), McNemar p 5.3e-15.
    let shown = |x: &Value| format!("{:.1}", x.as_f64().unwrap() * 100.0);
    let ci = &validation["asymmetry_ci"];
    assert_eq!([shown(&validation["asymmetry"]), shown(&ci[0]), shown(&ci[1])], ["18.2", "13.8", "22.6"]);
    assert_eq!(format!("{:.1e}", validation["p_value"].as_f64().unwrap()), "5.3e-15");
    assert_eq!(f["pair_tests"].as_array().map(Vec::len).unwrap_or(0), 0, "no model to test");
    // The same findings from the counts file of the run.
    let dir = tempfile::tempdir().unwrap();
    let counts = dir.path().join("c.parquet");
    amplify().arg("count").arg(preference()).args(PREFERENCE).arg("-o").arg(&counts).assert().success();
    let from = findings(&["--counts", counts.to_str().unwrap(), "--baseline-name", "preference"]);
    for part in ["data", "pairing", "pairs", "comparisons"] {
        assert_eq!(from[part], f[part], "{part} from the counts file");
    }
}

#[test]
fn one_source_reports_and_hostile_cases() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = levels_csv(d);
    let out = d.join("rep");
    amplify().args(["report", &path, "--group", "g", "--out"]).arg(&out).assert().success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        html.contains("Bias in the data: group gaps") && html.contains("amplify report: the data (human)")
    );
    assert!(out.join("data_rates.csv").exists() && out.join("data_gaps.csv").exists());
    assert!(!out.join("comparisons.csv").exists(), "no model, no comparisons table");
    // No valid label at all; a single level (no gap to test); pairs with one side only.
    let junk = write(d, "junk.csv", "id,m\n1,x\n2,y\n");
    assert_user_error(
        amplify().args(["compare", junk.to_str().unwrap(), "--metrics", "m"]),
        &["'m'", "no valid"],
    );
    assert_user_error(
        amplify().args(["compare", junk.to_str().unwrap()]),
        &["no column holds", "[m]", "--metrics"],
    );
    for flag in ["--versus", "--rank-by"] {
        assert_user_error(amplify().args(["compare", &path, flag, "m"]), &[flag, "no model"]);
    }
    let one = write(d, "one.csv", "id,g,m\n1,a,1\n2,a,0\n3,a,1\n");
    let f = findings(&[one.to_str().unwrap(), "--group", "g"]);
    assert_eq!(f["data"]["gaps"].as_array().map(Vec::len), Some(0));
    close(&f["data"]["rates"][0]["rate"], 2.0 / 3.0, "rate");
    let half = write(d, "half.csv", "id,p,v,m\n1,1,A,1\n2,2,A,0\n3,3,A,1\n");
    let f = findings(&[half.to_str().unwrap(), "--pair", "p", "--variant", "v", "--variants", "A,B"]);
    assert_eq!(f["pairing"]["complete"], 0);
    assert_eq!(f["pairing"]["missing_side"], 3);
}
