//! Repeated samples and annotators (`--sample`, `--annotator`, `--repeated`, `--aggregate`) end
//! to end: every item-level estimate against scipy/statsmodels on a fixture (16 items, 3 samples
//! each, one invalid sample, rows shuffled), one sample per item giving today's findings exactly,
//! the aggregation rules, annotators, and the errors.
//!
//! Reference values: scipy 1.17.1 and statsmodels 0.15.0 on the item means of this fixture
//! (pandas `groupby("id").mean()` of the valid samples), computed by /tmp/fx/gen.py of the session
//! that wrote this test; the calls are named beside each value.

use crate::common::{amplify, assert_user_error, findings, write};
use serde_json::Value;
use std::path::Path;

const HUMAN: &str = "id,x,verdict,crowd,g\n1,1,YTA,YTA,a\n2,0,NTA,YTA,b\n3,0,NTA,NTA,a\n4,1,NTA,NTA,b\n5,1,YTA,YTA,a\n6,0,YTA,NTA,b\n7,0,YTA,YTA,a\n8,0,NTA,NTA,b\n9,1,NTA,YTA,a\n10,0,YTA,YTA,b\n11,1,NTA,NTA,a\n12,0,NTA,NTA,b\n13,0,YTA,YTA,a\n14,0,NTA,NTA,b\n15,1,YTA,YTA,a\n16,0,YTA,NTA,b\n";
const MODEL: &str = "id,seed,x,verdict\n8,2,1,YTA\n5,3,0,YTA\n15,3,1,YTA\n6,1,0,NTA\n12,2,1,NTA\n15,1,0,YTA\n16,1,0,YTA\n5,1,0,YTA\n5,2,0,YTA\n1,3,0,YTA\n1,2,1,NTA\n4,3,0,NTA\n6,2,1,YTA\n11,3,0,YTA\n9,1,0,YTA\n15,2,0,NTA\n10,2,1,YTA\n10,3,1,NTA\n1,1,1,NTA\n9,3,1,YTA\n12,3,1,NTA\n13,2,0,NTA\n7,1,1,YTA\n13,3,1,YTA\n4,1,0,NTA\n2,1,1,YTA\n3,3,1,NTA\n2,3,1,YTA\n14,3,1,NTA\n2,2,n/a,NTA\n11,2,0,YTA\n10,1,0,NTA\n7,2,1,YTA\n9,2,0,YTA\n13,1,0,NTA\n8,3,0,NTA\n14,2,0,NTA\n11,1,0,YTA\n12,1,1,NTA\n3,1,1,YTA\n16,2,1,YTA\n4,2,0,YTA\n7,3,1,YTA\n8,1,1,NTA\n3,2,1,YTA\n16,3,0,YTA\n6,3,0,NTA\n14,1,1,NTA\n";
const OPTIONS: [&str; 8] = ["--truth", "crowd", "--verdict", "verdict", "--group", "g", "--min-group", "2"];

fn files(dir: &Path) -> [String; 2] {
    [write(dir, "human.csv", HUMAN), write(dir, "model.csv", MODEL)].map(|p| p.display().to_string())
}

fn run(extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = files(dir.path());
    let args: Vec<&str> =
        [h.as_str(), m.as_str()].into_iter().chain(OPTIONS).chain(extra.iter().copied()).collect();
    findings(&args)
}

fn close(got: &Value, want: f64) {
    let got = got.as_f64().unwrap_or_else(|| panic!("not a number: {got}"));
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
}

fn interval(got: &Value, low: f64, high: f64) {
    close(&got[0], low);
    close(&got[1], high);
}

fn row<'a>(rows: &'a Value, key: &str, value: &str) -> &'a Value {
    rows.as_array().unwrap().iter().find(|r| r[key] == value).unwrap_or_else(|| panic!("no {key} = {value}"))
}

#[test]
fn item_level_comparisons_match_scipy_ttest_rel() {
    let f = run(&["--sample", "seed"]);
    let x = row(&f["comparisons"], "metric", "x");
    // ttest_rel(item means of x, human x): mean 0.14583333333333331, p 0.47085092047091603,
    // confidence_interval(0.95) = (-0.27433778456344465, 0.5660044512301112)
    assert_eq!(x["n"], 16);
    close(&x["difference"], 0.14583333333333331);
    close(&x["p_value"], 0.47085092047091603);
    interval(&x["difference_ci"], -0.27433778456344465, 0.5660044512301112);
    // ttest_1samp(item means of x, 0).confidence_interval(0.95)
    close(&x["model_rate"], 0.5208333333333333);
    interval(&x["model_ci"], 0.32659759615261463, 0.7150690705140519);
    assert!(x["method"].as_str().unwrap().contains("item-level"));
    let v = row(&f["comparisons"], "metric", "verdict");
    close(&v["p_value"], 0.6692274972949902);
    interval(&v["difference_ci"], -0.24321939410392943, 0.36821939410392934);
    // Overall: item score = mean(x, 1 − verdict); ttest_rel(model scores, human scores).
    let o = &f["overall"][0];
    close(&o["difference"], 0.041666666666666685);
    close(&o["p_value"], 0.7537997873835413);
    interval(&o["difference_ci"], -0.2363538543448238, 0.3196871876781572);
}

#[test]
fn error_rates_against_the_truth_are_item_level_means() {
    let f = run(&["--sample", "seed"]);
    let fnr = row(&f["truth_tests"], "rate", "fnr");
    // ttest_rel(1 − model verdict means, 1 − human verdicts) on the 8 truth-positive items.
    assert_eq!(fnr["n"], 8);
    close(&fnr["difference"], 0.08333333333333336);
    close(&fnr["p_value"], 0.7219817683699319);
    interval(&fnr["difference_ci"], -0.4485507097903727, 0.6152173764570394);
    let fpr = row(&f["truth_tests"], "rate", "fpr");
    close(&fpr["p_value"], 0.2788371382102004);
    let model = row(&f["truth"], "source", "model");
    // ttest_1samp(1 − model verdict means on truth-positive items, 0).confidence_interval(0.95)
    close(&model["fnr"], 0.33333333333333337);
    interval(&model["fnr_ci"], 0.07533167564161347, 0.5913349910250533);
    assert!(model["precision"].is_null(), "no 2×2 table, no precision");
}

#[test]
fn group_amplification_is_welch_on_item_differences() {
    let f = run(&["--sample", "seed"]);
    let b = f["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["level"] == "b" && g["measure"] == "rate" && g["metric"] == "x")
        .expect("level b");
    // ttest_ind(d_a, d_b, equal_var=False) with d = item mean − human label: mean(d_a) − mean(d_b)
    // = -0.625, p 0.11688954696473998, CI (-1.4286714134742402, 0.1786714134742401); level b
    // against the reference a is the negation.
    close(&b["amplification"], 0.625);
    close(&b["p_value"], 0.11688954696473998);
    interval(&b["amplification_ci"], -0.1786714134742401, 1.4286714134742402);
    assert!(f["bias_amplification"].as_array().unwrap().iter().all(|r| r["metric"] != "x"));
}

#[test]
fn instability_matches_statsmodels() {
    let f = run(&["--sample", "seed"]);
    let v = row(&f["instability"], "metric", "verdict");
    // fleiss_kappa([[k − s, s] per item]) = 0.23809523809523808; ICC(1) from
    // anova_lm(ols("v ~ C(id)")): (MSB − MSW)/(MSB + 2 MSW) = 0.26229508196721313.
    close(&v["fleiss_kappa"], 0.23809523809523808);
    close(&v["icc"], 0.26229508196721313);
    close(&v["design_effect"], 1.0 + 2.0 * 0.26229508196721313);
    // The first sample by seed (not file order): mean 0.5.
    close(&v["one_sample_rate"], 0.5);
    assert_eq!(v["samples"], 48);
    let x = row(&f["instability"], "metric", "x");
    assert_eq!(
        (x["samples"].as_u64(), x["kind"].as_str()),
        (Some(47), Some("samples")),
        "one invalid sample"
    );
}

#[test]
fn one_sample_per_item_gives_todays_findings_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN).display().to_string();
    let single: String = MODEL
        .lines()
        .filter(|l| l.starts_with("id") || l.split(',').nth(1) == Some("1"))
        .map(|l| l.to_string() + "\n")
        .collect();
    let m = write(dir.path(), "model.csv", &single).display().to_string();
    let args: Vec<&str> = [h.as_str(), m.as_str()].into_iter().chain(OPTIONS).collect();
    let plain = findings(&args);
    let mut repeated = findings(&[args.clone(), vec!["--sample", "seed"]].concat());
    assert!(repeated["instability"].as_array().is_some_and(|r| !r.is_empty()));
    repeated.as_object_mut().unwrap().remove("instability");
    repeated["settings"].as_object_mut().unwrap().remove("repeats");
    assert_eq!(plain, repeated, "singletons must give the exact 2×2 findings");
    assert!(plain["comparisons"][0].get("method").is_none());
}

#[test]
fn majority_and_first_give_binary_items_and_exact_tests() {
    let majority = run(&["--sample", "seed", "--aggregate", "majority"]);
    let x = row(&majority["comparisons"], "metric", "x");
    assert!(x.get("method").is_none(), "majority values are 0/1: exact McNemar");
    // Item 2 has samples 1, 1 and an invalid one: majority 1; no x item ties among 3 valid.
    assert_eq!(x["n"], 16);
    // A tie (one 1, one 0) is an invalid item under majority.
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "h.csv", "id,x\n1,1\n2,0\n3,1\n").display().to_string();
    let m = write(dir.path(), "m.csv", "id,s,x\n1,1,1\n1,2,0\n2,1,0\n2,2,0\n3,1,1\n3,2,1\n")
        .display()
        .to_string();
    let tie = findings(&[&h, &m, "--sample", "s", "--aggregate", "majority"]);
    assert_eq!(
        (tie["comparisons"][0]["n"].as_u64(), tie["comparisons"][0]["invalid_model"].as_u64()),
        (Some(2), Some(1))
    );
    let first = run(&["--sample", "seed", "--aggregate", "first"]);
    let x = row(&first["comparisons"], "metric", "x");
    // First valid x by seed per item (pandas sort_values(["id", "seed"]).groupby("id").first()
    // of the valid samples): 7 of 16 are 1.
    close(&x["model_rate"], 7.0 / 16.0);
}

#[test]
fn annotators_on_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let human = "id,rater,x\n1,a,1\n1,b,1\n2,a,0\n2,b,1\n3,a,0\n3,b,0\n4,a,1\n4,b,1\n5,a,0\n5,b,0\n";
    let model = "id,x\n1,1\n2,1\n3,0\n4,0\n5,1\n";
    let h = write(dir.path(), "h.csv", human).display().to_string();
    let m = write(dir.path(), "m.csv", model).display().to_string();
    let f = findings(&[&h, &m, "--annotator", "rater"]);
    let r = row(&f["instability"], "source", "human");
    assert_eq!(r["kind"], "annotators");
    // statsmodels 0.15.0 fleiss_kappa([[0,2],[1,1],[2,0],[0,2],[2,0]]) = 0.6000000000000001
    close(&r["fleiss_kappa"], 0.6000000000000001);
    let c = &f["comparisons"][0];
    // Human item means (1, 0.5, 0, 1, 0) vs model (1, 1, 0, 0, 1): Δ = 0.1.
    close(&c["difference"], 0.1);
}

#[test]
fn repeated_ids_without_the_flags_stay_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = files(dir.path());
    assert_user_error(amplify().args(["compare", &h, &m]), &["duplicate", "model.csv"]);
    assert_user_error(amplify().args(["compare", &h, &m, "--sample", "nope"]), &["nope", "--sample"]);
    assert_user_error(
        amplify().args(["compare", &h, &m, "--aggregate", "first"]),
        &["--aggregate", "--sample"],
    );
    assert_user_error(
        amplify().args(["compare", &h, &m, "--sample", "seed", "--pair", "g", "--variant", "x"]),
        &["--pair", "--sample"],
    );
    // Annotators allowed on the baseline only: the model's repeats are still refused.
    assert_user_error(amplify().args(["compare", &h, &m, "--annotator", "g"]), &["duplicate", "model.csv"]);
    // Annotators that disagree on an item's truth.
    let split = write(dir.path(), "split.csv", "id,r,x,crowd\n1,a,1,YTA\n1,b,0,NTA\n2,a,0,NTA\n")
        .display()
        .to_string();
    let one = write(dir.path(), "one.csv", "id,x\n1,1\n2,0\n").display().to_string();
    assert_user_error(
        amplify().args(["compare", &split, &one, "--annotator", "r", "--truth", "crowd"]),
        &["split.csv", "different truth", "id 1"],
    );
    // A sample given twice for one item, or a row without its sample.
    let twice = write(dir.path(), "twice.csv", "id,seed,x\n1,1,1\n1,1,0\n2,1,0\n").display().to_string();
    assert_user_error(
        amplify().args(["compare", &h, &twice, "--sample", "seed"]),
        &["twice.csv", "same seed", "id 1"],
    );
    let blank = write(dir.path(), "blank.csv", "id,seed,x\n1,,1\n1,2,0\n2,1,0\n").display().to_string();
    assert_user_error(
        amplify().args(["compare", &h, &blank, "--sample", "seed"]),
        &["blank.csv", "no seed value"],
    );
}

#[test]
fn binary_sides_keep_wilson_intervals() {
    // Every sample of the model is 1: item values are 0/1, the exact path; the instability rate of
    // 2 items at 100% has a Wilson interval, not a point.
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "h.csv", "id,x\n1,1\n2,0\n").display().to_string();
    let m = write(dir.path(), "m.csv", "id,s,x\n1,1,1\n1,2,1\n2,1,1\n2,2,1\n").display().to_string();
    let f = findings(&[&h, &m, "--sample", "s"]);
    let ci = &f["instability"][0]["rate_ci"];
    // Wilson(2, 2) at 95%: [0.3423802275066532, 1] (statsmodels proportion_confint(2, 2, method="wilson")).
    assert!((ci[0].as_f64().unwrap() - 0.3423802275066532).abs() < 1e-9, "{ci}");
}

#[test]
fn shards_of_items_sum_to_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let raw = run(&["--sample", "seed"]);
    // Items 1–8 and 9–16 in separate files (every sample of an item in one shard).
    let shard = |text: &str, low: bool| -> String {
        let mut lines = text.lines();
        let header = lines.next().unwrap().to_string() + "\n";
        let keep = |l: &&str| (l.split(',').next().unwrap().parse::<u32>().unwrap() <= 8) == low;
        header + &lines.filter(keep).map(|l| l.to_string() + "\n").collect::<String>()
    };
    let mut counts = Vec::new();
    for (k, low) in [(0, true), (1, false)] {
        let hs = format!("human={}", write(dir.path(), &format!("h{k}.csv"), &shard(HUMAN, low)).display());
        let ms = format!("model={}", write(dir.path(), &format!("m{k}.csv"), &shard(MODEL, low)).display());
        let out = dir.path().join(format!("c{k}.csv"));
        let args: Vec<&str> =
            [hs.as_str(), ms.as_str()].into_iter().chain(OPTIONS[..6].iter().copied()).collect();
        amplify().arg("count").args(&args).args(["--sample", "seed", "-o"]).arg(&out).assert().success();
        counts.push(out.display().to_string());
    }
    let merged =
        findings(&["--counts", &counts[0], "--counts", &counts[1], "--truth", "crowd", "--min-group", "2"]);
    for section in ["comparisons", "overall", "truth", "truth_tests", "groups", "instability"] {
        assert_eq!(raw[section], merged[section], "{section}: exact sums add up across shards");
    }
}

#[test]
fn a_shard_of_whole_items_merges_with_a_fractional_one() {
    // Items 1–20: the model's three samples agree (values 0/1); items 21–40: they disagree. Split
    // at 20, the first shard's values are all 0/1: its score must still add up with the second's.
    let dir = tempfile::tempdir().unwrap();
    let human: String = std::iter::once("id,x\n".to_string())
        .chain((1..=40).map(|i| format!("{i},{}\n", u8::from(i % 3 == 0))))
        .collect();
    let model: String = std::iter::once("id,s,x\n".to_string())
        .chain((1..=40u32).flat_map(|i| {
            (1..=3u32).map(move |s| {
                format!(
                    "{i},{s},{}\n",
                    if i <= 20 { u32::from(i % 2 == 0) } else { u32::from(s != i % 3 + 1) }
                )
            })
        }))
        .collect();
    let part = |text: &str, low: bool| -> String {
        let mut lines = text.lines();
        let header = lines.next().unwrap().to_string() + "\n";
        header
            + &lines
                .filter(|l| (l.split(',').next().unwrap().parse::<u32>().unwrap() <= 20) == low)
                .map(|l| l.to_string() + "\n")
                .collect::<String>()
    };
    let h = write(dir.path(), "h.csv", &human).display().to_string();
    let m = write(dir.path(), "m.csv", &model).display().to_string();
    let raw = findings(&[&format!("human={h}"), &format!("model={m}"), "--sample", "s"]);
    let mut counts = Vec::new();
    for (k, low) in [(0, true), (1, false)] {
        let hs = format!("human={}", write(dir.path(), &format!("h{k}.csv"), &part(&human, low)).display());
        let ms = format!("model={}", write(dir.path(), &format!("m{k}.csv"), &part(&model, low)).display());
        let out = dir.path().join(format!("c{k}.csv"));
        amplify().args(["count", &hs, &ms, "--sample", "s", "-o"]).arg(&out).assert().success();
        counts.push(out.display().to_string());
    }
    let merged = findings(&["--counts", &counts[0], "--counts", &counts[1]]);
    for section in ["comparisons", "overall", "instability"] {
        assert_eq!(raw[section], merged[section], "{section}");
    }
}
