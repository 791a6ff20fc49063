//! The findings JSON against its published schema (docs/findings.schema.json, JSON Schema 2020-12,
//! checked here with the `jsonschema` crate; CI also checks it with Python's `jsonschema`): the
//! committed example, fresh runs on raw files and on counts, and documents broken on purpose.

use crate::common::{amplify, findings, sample, SAMPLE_OPTIONS};
use serde_json::{json, Value};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/findings.schema.json")).expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

pub(crate) fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn example_and_fresh_findings_validate() {
    let v = validator();
    let text = std::fs::read_to_string(root().join("reports/example/findings.json")).expect("example");
    let example: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(errors(&v, &example), Vec::<String>::new(), "committed example");
    let dir = tempfile::tempdir().expect("tempdir");
    let [h, a, b] = sample(dir.path(), 400);
    let files = [h.to_str().unwrap(), a.to_str().unwrap(), b.to_str().unwrap()];
    let mut args: Vec<&str> = files.to_vec();
    args.extend(SAMPLE_OPTIONS);
    let fresh = findings(&args);
    assert_eq!(errors(&v, &fresh), Vec::<String>::new(), "fresh run with truth and groups");
    let shipped = |name: &str| root().join("data/sample").join(name).display().to_string();
    let (h, a, b, audit) = (
        shipped("human.parquet"),
        shipped("model_a.parquet"),
        shipped("model_b.parquet"),
        shipped("audit.parquet"),
    );
    let audited = findings(&[&h, &a, &b, "--audit", &audit]);
    assert!(audited["corrected"].is_array());
    assert_eq!(errors(&v, &audited), Vec::<String>::new(), "run with an audit");
    let counts = dir.path().join("counts.parquet");
    // `count` takes the input options only (the last two of SAMPLE_OPTIONS are --reference).
    let input_args = &args[..args.len() - 2];
    amplify().arg("count").args(input_args).arg("-o").arg(&counts).assert().success();
    let from_counts = findings(&["--counts", counts.to_str().unwrap()]);
    assert_eq!(errors(&v, &from_counts), Vec::<String>::new(), "run on counts");
    // One source alone, with three levels (the test across levels) and pairs.
    let preference = shipped("preference.parquet");
    let pairs = ["--pair", "prompt_id", "--variant", "response", "--variants", "rejected,chosen"];
    let alone = findings(&[&[preference.as_str(), "--group", "topic"][..], &pairs].concat());
    assert_eq!(alone["data"]["level_tests"].as_array().map(Vec::len), Some(3));
    assert_eq!(errors(&v, &alone), Vec::<String>::new(), "one source alone");
}

#[test]
fn repeated_and_conditions_findings_validate() {
    let v = validator();
    let shipped =
        |name: &str| root().join("data/sample").join(format!("{name}.parquet")).display().to_string();
    let [h, s, e] = ["repeats_human", "repeats_steady", "repeats_erratic"].map(shipped);
    let truth = ["--truth", "crowd_verdict", "--verdict", "verdict"];
    let mut args = vec![h.as_str(), s.as_str(), e.as_str(), "--sample", "seed", "--annotator", "annotator"];
    args.extend(truth);
    args.extend(["--versus", "repeats_steady", "--rank-by", "emotional_validation"]);
    let repeated = findings(&args);
    assert!(!repeated["instability"].as_array().unwrap().is_empty());
    assert_eq!(errors(&v, &repeated), Vec::<String>::new(), "repeated samples with --versus and --rank-by");
    let files = [
        "conditions_human",
        "conditions_base",
        "conditions_prompt",
        "conditions_finetune",
        "conditions_steer",
    ]
    .map(shipped);
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.extend(truth);
    args.extend(["--versus", "conditions_base", "--versus-only", "--rank-by", "fnr"]);
    let conditions = findings(&args);
    assert!(conditions["versus"]["comparisons"].as_array().is_some_and(|c| !c.is_empty()));
    assert_eq!(errors(&v, &conditions), Vec::<String>::new(), "conditions with --versus-only and a ranking");
}

#[test]
fn broken_documents_are_rejected() {
    let v = validator();
    let text = std::fs::read_to_string(root().join("reports/example/findings.json")).expect("example");
    let good: Value = serde_json::from_str(&text).expect("JSON");
    type Damage = fn(&mut Value);
    let broken: [(&str, Damage); 5] = [
        ("wrong schema id", |d| d["schema"] = json!("amplify.findings/9")),
        ("p-value above 1", |d| d["comparisons"][0]["p_value"] = json!(1.5)),
        ("rate of 750%", |d| d["comparisons"][0]["model_rate"] = json!(7.5)),
        ("unknown field", |d| d["comparisons"][0]["surprise"] = json!(1)),
        ("negative count", |d| d["comparisons"][0]["n"] = json!(-3)),
    ];
    for (what, damage) in broken {
        let mut doc = good.clone();
        damage(&mut doc);
        assert!(!v.is_valid(&doc), "{what} passed the schema");
    }
}
