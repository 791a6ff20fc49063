//! `amplify leakage`: the sample's planted association found, reproducible by seed, the document
//! against its schema, the report folder, and hostile inputs refused.

use crate::common::{amplify, assert_user_error, write};
use serde_json::Value;
use std::path::Path;

fn sample_args() -> Vec<String> {
    let s = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    vec![
        s.join("texts_human.parquet").display().to_string(),
        format!("model_a={}", s.join("texts_model_a.parquet").display()),
        "--derive".into(),
        r"partner=female:\b(wife|girlfriend)\b".into(),
        "--derive".into(),
        r"partner=male:\b(husband|boyfriend)\b".into(),
        "--mask".into(),
        r"\b(wife|girlfriend|husband|boyfriend)\b".into(),
        "--bootstrap".into(),
        "20".into(),
        "--permutations".into(),
        "9".into(),
    ]
}

fn leakage_json(args: &[String], extra: &[&str]) -> Value {
    let out =
        amplify().arg("leakage").args(args).args(extra).args(["--format", "json"]).output().expect("run");
    assert!(out.status.success(), "leakage failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// The sample's model_a says "controlling" and "understandable" far more for female partners: its
/// text leaks the partner more than the human comments do (both measures, interval above 0, the
/// smallest permutation p of 9 replicates), and its top female word is one of the planted.
/// The same seed gives the same document; another seed other intervals. The document validates
/// against docs/leakage.schema.json.
#[test]
fn model_text_leaks_the_planted_partner_more_than_human_text() {
    let args = sample_args();
    let f = leakage_json(&args, &[]);
    assert_eq!(f["schema"], "amplify.leakage/2");
    assert_eq!(f["levels"].as_array().map(Vec::len), Some(2));
    for a in f["amplification"].as_array().expect("rows") {
        assert_eq!(a["model"], "model_a");
        let (d, ci) = (a["difference"].as_f64().unwrap(), &a["ci"]);
        assert!(d > 0.03 && ci[0].as_f64().unwrap() > 0.0, "{a}");
        assert!((a["p_value"].as_f64().unwrap() - 0.1).abs() < 1e-12, "1/(1 + 9): {a}");
        assert_eq!(
            (&a["ci_method"], &a["p_method"]),
            (&Value::from("bootstrap"), &Value::from("permutation"))
        );
    }
    for s in f["sources"].as_array().expect("rows") {
        let (v, ci) = (s["value"].as_f64().unwrap(), &s["ci"]);
        assert!(ci[0].as_f64().unwrap() <= v && v <= ci[1].as_f64().unwrap(), "{s}");
    }
    let top = f["top_words"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["source"] == "model_a" && w["level"] == "female");
    let word = top.map(|w| w["word"].as_str().unwrap().to_string()).unwrap_or_default();
    assert!(["controlling", "understandable", "behaviour"].contains(&word.as_str()), "{word}");
    assert_eq!(f, leakage_json(&args, &[]), "the same seed, the same document");
    let other = leakage_json(&args, &["--seed", "7"]);
    assert_ne!(f["amplification"], other["amplification"]);
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/leakage.schema.json"))
            .unwrap();
    let validator =
        jsonschema::draft202012::new(&serde_json::from_str::<Value>(&text).unwrap()).expect("schema");
    assert_eq!(crate::schema::errors(&validator, &f), Vec::<String>::new());
}

/// Without re-fitting (the defaults), LIC gets the influence-function interval and z-test: on the
/// sample the difference's interval is about as wide as the 20-replicate bootstrap's (the two
/// SEs within a factor 1.5), above 0, p tiny; balanced accuracy gets neither, with a note saying
/// how to get them. The CSV names each row's methods.
#[test]
fn default_run_gives_lic_its_influence_interval_and_balanced_accuracy_a_note() {
    let refit = leakage_json(&sample_args(), &[]);
    let args: Vec<String> = sample_args()[..8].to_vec();
    let out = amplify().arg("leakage").args(&args).args(["--format", "json"]).output().expect("run");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("balanced accuracy has no interval or p-value without --bootstrap N"));
    let f: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (f["settings"]["bootstrap"].as_u64(), f["settings"]["permutations"].as_u64()),
        (Some(0), Some(0))
    );
    let row = |doc: &Value, measure: &str| {
        doc["amplification"].as_array().unwrap().iter().find(|a| a["measure"] == measure).unwrap().clone()
    };
    let (lic, ba) = (row(&f, "lic"), row(&f, "balanced_accuracy"));
    assert_eq!((&lic["ci_method"], &lic["p_method"]), (&Value::from("influence"), &Value::from("influence")));
    let width = |a: &Value| a["ci"][1].as_f64().unwrap() - a["ci"][0].as_f64().unwrap();
    let ratio = width(&lic) / width(&row(&refit, "lic"));
    assert!((1.0 / 1.5..1.5).contains(&ratio), "influence / bootstrap width {ratio}");
    assert!(lic["ci"][0].as_f64().unwrap() > 0.0 && lic["p_value"].as_f64().unwrap() < 1e-6, "{lic}");
    assert_eq!(lic["difference"], row(&refit, "lic")["difference"], "same folds, same estimate");
    assert!(ba["ci"].is_null() && ba["p_value"].is_null() && ba.get("ci_method").is_none(), "{ba}");
    assert!(f["notes"][0].as_str().unwrap().contains("--bootstrap N"));
    for s in f["sources"].as_array().unwrap() {
        assert_eq!(s["ci"].is_null(), s["measure"] == "balanced_accuracy", "{s}");
    }
    let out = amplify().arg("leakage").args(&args).args(["--format", "csv"]).output().expect("run");
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.starts_with(
            "model,measure,baseline_value,model_value,difference,ci_low,ci_high,ci_method,p_value,p_method\n"
        ),
        "{csv}"
    );
    assert!(csv.lines().any(|l| l.starts_with("model_a,lic,") && l.contains(",influence,")), "{csv}");
}

#[test]
fn report_folder_renders_and_names_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = sample_args();
    args[1] = args[1].replacen("model_a=", "<m&a>=", 1);
    args[9] = "5".into();
    args[11] = "0".into();
    let out = dir.path().join("leak");
    amplify().arg("leakage").args(&args).arg("--report").arg(&out).assert().success();
    let html = std::fs::read_to_string(out.join("index.html")).expect("html");
    crate::report::parse_xml(&html);
    assert!(html.contains("&lt;m&amp;a&gt;") && !html.contains("<m&a>"));
    assert!(
        html.contains("Hirota") && html.contains("re-fits every attacker") && html.contains("<svg"),
        "method, chart"
    );
    assert_eq!(crate::report::png_size(&out.join("charts/leakage.png")).0, 1200);
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("leakage.json")).unwrap()).unwrap();
    assert!(json["amplification"][0]["p_value"].is_null(), "no permutations asked");
    let note = json["notes"][0].as_str().unwrap_or_default();
    assert!(
        note.starts_with("balanced accuracy has no p-value without --permutations N")
            && note.contains("t-test"),
        "{note}"
    );
    let csv = std::fs::read_to_string(out.join("leakage_amplification.csv")).unwrap();
    assert!(csv.starts_with(
        "model,measure,baseline_value,model_value,difference,ci_low,ci_high,ci_method,p_value,p_method\n"
    ));
    assert_eq!(csv.lines().count(), 3);
    assert!(html.contains("influence-function standard error"), "p-values without permutations");
}

#[test]
fn hostile_inputs_are_refused_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut human = String::from("id,group,response\n");
    let mut model = String::from("id,response\n");
    for i in 0..12 {
        let g = if i < 9 { "a" } else { "b" };
        human.push_str(&format!("{i},{g},the cat sat on the mat\n"));
        model.push_str(&format!("{i},the dog sat on the mat\n"));
    }
    let h = write(dir.path(), "human.csv", &human);
    let m = write(dir.path(), "model.csv", &model);
    let (h, m) = (h.to_str().unwrap(), m.to_str().unwrap());
    let run = |extra: &[&str]| {
        let mut c = amplify();
        c.args(["leakage", h, m, "--group", "group", "--bootstrap", "2", "--permutations", "0"]).args(extra);
        c
    };
    assert_user_error(&mut run(&[]), &["level 'b' has 3 item(s)", "fewer than the 5 folds"]);
    assert_user_error(
        &mut run(&["--folds", "3", "--min-df", "100"]),
        &["no word is in 100 or more documents"],
    );
    assert_user_error(&mut run(&["--folds", "3", "--c", "0"]), &["--c 0"]);
    assert_user_error(&mut run(&["--folds", "1"]), &["--folds"]);
    assert_user_error(
        &mut run(&["--folds", "3", "--mask", r"\w+", "--min-df", "1"]),
        &["no word is in 1 or more"],
    );
    let one = write(dir.path(), "one.csv", "id,group,response\n1,a,x y\n2,a,y z\n");
    assert_user_error(
        amplify().args(["leakage", one.to_str().unwrap(), m, "--group", "group"]),
        &["1 level(s)"],
    );
    assert!(run(&["--folds", "3"]).output().expect("run").status.success(), "three folds fit");
}

/// Three levels: one attacker per level (one-vs-rest, probabilities normalised). The model's
/// texts name their level ("alpha", "beta", "gamma") in most items, the human texts never: the
/// model leaks far more, chance is 1/3 (balanced accuracy) and Σπ² (LIC), and each level's top
/// model word is its own.
#[test]
fn three_levels_one_versus_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut human, mut model) = (String::from("id,group,response\n"), String::from("id,response\n"));
    let names = ["alpha", "beta", "gamma"];
    let filler = ["the", "cat", "sat", "on", "a", "mat", "and", "then", "left", "home"];
    for i in 0..90usize {
        let level = names[i % 3];
        let words: Vec<&str> = (0..6).map(|k| filler[(i * 7 + k * 3) % filler.len()]).collect();
        human.push_str(&format!("{i},{level},{}\n", words.join(" ")));
        let marked = if i % 10 == 0 { String::new() } else { format!(" {level}") };
        model.push_str(&format!("{i},{}{marked}\n", words.join(" ")));
    }
    let h = write(dir.path(), "human.csv", &human);
    let m = write(dir.path(), "model.csv", &model);
    let out = amplify()
        .args(["leakage", h.to_str().unwrap(), m.to_str().unwrap(), "--group", "group"])
        .args(["--bootstrap", "10", "--permutations", "0", "--top", "1", "--format", "json"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let f: Value = serde_json::from_slice(&out.stdout).expect("json");
    let value = |source: &str, measure: &str| {
        let row = f["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == source && s["measure"] == measure);
        row.map(|r| (r["value"].as_f64().unwrap(), r["chance"].as_f64().unwrap())).unwrap()
    };
    let (ba, chance) = value("model", "balanced_accuracy");
    assert!((chance - 1.0 / 3.0).abs() < 1e-12 && ba > 0.8, "{ba}");
    let (lic, chance) = value("model", "lic");
    assert!((chance - 3.0 * (1.0f64 / 3.0).powi(2)).abs() < 1e-12 && lic > 0.5, "{lic}");
    assert!(value("human", "balanced_accuracy").0 < 0.6);
    for level in names {
        let top =
            f["top_words"].as_array().unwrap().iter().find(|w| w["source"] == "model" && w["level"] == level);
        assert_eq!(top.map(|w| w["word"].clone()), Some(Value::from(level)), "{level}");
    }
}
