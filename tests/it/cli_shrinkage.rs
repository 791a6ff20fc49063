//! Groupings with many levels: Cochran's Q, τ² and I² across the levels' amplifications, and the
//! shrunken estimates beside the raw ones, recomputed here from the run's own group rows.

use crate::common::{amplify, findings, write};
use amplify::rng::SplitMix64;
use serde_json::Value;

/// 10 topics × 300 items; humans show `x` 30% of the time everywhere, the model 5 pp more, and
/// 30 pp more on topics t1 and t2 (seeded).
fn files(dir: &std::path::Path) -> (String, String) {
    let mut rng = SplitMix64::new(11);
    let (mut human, mut model) = (String::from("id,topic,x\n"), String::from("id,x\n"));
    for i in 0..3000 {
        let topic = i % 10;
        let lift = if topic == 1 || topic == 2 { 0.3 } else { 0.05 };
        human.push_str(&format!("{i},t{topic},{}\n", u8::from(rng.bernoulli(0.3))));
        model.push_str(&format!("{i},{}\n", u8::from(rng.bernoulli(0.3 + lift))));
    }
    let h = write(dir, "human.csv", &human).display().to_string();
    let m = write(dir, "model.csv", &model).display().to_string();
    (h, m)
}

#[test]
fn many_levels_get_heterogeneity_and_shrunken_estimates() {
    let dir = tempfile::tempdir().unwrap();
    let (h, m) = files(dir.path());
    let f = findings(&[&h, &m, "--group", "topic", "--reference", "topic=t0"]);
    assert_eq!(crate::schema::errors(&crate::schema::validator(), &f), Vec::<String>::new());
    let het = f["heterogeneity"].as_array().expect("a heterogeneity section");
    assert_eq!(het.len(), 1);
    let row = &het[0];
    assert_eq!((row["group_by"].as_str(), row["levels"].as_u64()), (Some("topic"), Some(9)));
    // Q, τ² (DerSimonian–Laird) and I² from the group rows' amplifications and standard errors.
    let levels: Vec<&Value> =
        f["groups"].as_array().unwrap().iter().filter(|g| g["level"] != g["reference"]).collect();
    let est: Vec<(f64, f64)> = levels
        .iter()
        .map(|g| (g["amplification"].as_f64().unwrap(), g["amplification_se"].as_f64().unwrap()))
        .collect();
    let w: Vec<f64> = est.iter().map(|(_, s)| 1.0 / (s * s)).collect();
    let (sw, sw2) = (w.iter().sum::<f64>(), w.iter().map(|x| x * x).sum::<f64>());
    let mean_fe = est.iter().zip(&w).map(|((y, _), w)| w * y).sum::<f64>() / sw;
    let q: f64 = est.iter().zip(&w).map(|((y, _), w)| w * (y - mean_fe).powi(2)).sum();
    let tau2 = ((q - 8.0) / (sw - sw2 / sw)).max(0.0);
    assert!((row["q"].as_f64().unwrap() - q).abs() < 1e-9 * q);
    assert!((row["tau2"].as_f64().unwrap() - tau2).abs() < 1e-12);
    assert!((row["i2"].as_f64().unwrap() - ((q - 8.0) / q).max(0.0)).abs() < 1e-12);
    assert!(row["p_value"].as_f64().unwrap() < 0.001, "t1 and t2 stand out: {row}");
    // Every level moves toward the mean, and its interval holds the shrunken value.
    let mean = row["mean"].as_f64().unwrap();
    for g in &levels {
        let (raw, shrunk) = (g["amplification"].as_f64().unwrap(), g["shrunken"].as_f64().unwrap());
        assert!((shrunk - mean).abs() <= (raw - mean).abs() + 1e-12, "{g}");
        assert!((raw - mean) * (shrunk - mean) >= 0.0, "shrinkage keeps the side of the mean: {g}");
        let ci = g["shrunken_ci"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() < shrunk && shrunk < ci[1].as_f64().unwrap());
    }
    // The terminal shows the section and the column; a 2-level grouping has neither.
    let out =
        amplify().args(["compare", &h, &m, "--group", "topic", "--reference", "topic=t0"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Heterogeneity across the levels of topic") && text.contains("shrunken pp [CI]"));
}

#[test]
fn the_report_shows_the_shrunken_column_and_the_heterogeneity_table() {
    let dir = tempfile::tempdir().unwrap();
    let (h, m) = files(dir.path());
    let out = dir.path().join("report");
    amplify()
        .args(["report", &h, &m, "--group", "topic", "--reference", "topic=t0", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("Heterogeneity across the levels of topic") && html.contains("shrunken pp [CI]"));
    let csv = std::fs::read_to_string(out.join("groups.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with("shrunken,shrunken_ci_low,shrunken_ci_high"), "{header}");
    let svg = std::fs::read_to_string(out.join("charts/groups-topic.svg")).unwrap();
    assert!(svg.contains("levels by shrunken value"));
    // The chart lists the levels from the largest shrunken amplification down.
    let findings: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap();
    let mut levels: Vec<(f64, String)> = findings["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["level"] != g["reference"])
        .map(|g| (g["shrunken"].as_f64().unwrap(), g["level"].as_str().unwrap().to_string()))
        .collect();
    levels.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    let at = |level: &str| svg.find(&format!("{level} · rate")).unwrap_or_else(|| panic!("{level} label"));
    assert!(levels.windows(2).all(|w| at(&w[0].1) < at(&w[1].1)), "{levels:?}");
}

#[test]
fn fewer_than_eight_levels_are_not_shrunk() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let p = |n: &str| root.join(n).display().to_string();
    let f = findings(&[
        &p("human.parquet"),
        &p("model_a.parquet"),
        "--derive",
        r"partner=female:\b(wife|girlfriend)\b",
        "--derive",
        r"partner=male:\b(husband|boyfriend)\b",
    ]);
    assert!(!f["groups"].as_array().unwrap().is_empty());
    assert!(f.get("heterogeneity").is_none());
    assert!(f["groups"].as_array().unwrap().iter().all(|g| g.get("shrunken").is_none()));
}
