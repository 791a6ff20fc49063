//! Conditions versus a base model (`--versus`, `--versus-only`), unpaired comparisons and the
//! ranking (`--rank-by`) end to end: the versus rows equal a run with the base model as the
//! baseline (the tested path), unpaired rows match scipy/statsmodels, the ranking's Holm step, the
//! counts round trip, repeated samples, and the errors.

use crate::common::{amplify, assert_user_error, findings, write};
use crate::schema::{errors, validator};
use serde_json::Value;
use std::path::Path;

/// 60 items: humans with the truth, a base model and a condition (generated once by a seeded
/// script; only ids and labels).
pub(crate) const HUMAN: &str = "id,x,verdict,crowd\n1,1,YTA,YTA\n2,0,YTA,YTA\n3,0,NTA,NTA\n4,1,YTA,YTA\n5,0,YTA,YTA\n6,1,NTA,NTA\n7,1,YTA,YTA\n8,0,YTA,YTA\n9,0,NTA,NTA\n10,1,NTA,NTA\n11,0,NTA,YTA\n12,1,NTA,NTA\n13,1,NTA,NTA\n14,1,YTA,YTA\n15,1,NTA,YTA\n16,0,YTA,NTA\n17,0,NTA,NTA\n18,0,NTA,NTA\n19,1,NTA,NTA\n20,0,NTA,NTA\n21,1,NTA,NTA\n22,0,YTA,YTA\n23,0,NTA,NTA\n24,0,YTA,YTA\n25,0,YTA,YTA\n26,0,NTA,NTA\n27,0,YTA,YTA\n28,1,NTA,NTA\n29,1,NTA,NTA\n30,0,YTA,YTA\n31,1,YTA,YTA\n32,0,YTA,YTA\n33,0,YTA,YTA\n34,0,NTA,NTA\n35,0,YTA,YTA\n36,0,YTA,YTA\n37,0,NTA,NTA\n38,0,YTA,YTA\n39,1,NTA,NTA\n40,0,YTA,YTA\n41,1,YTA,YTA\n42,0,YTA,YTA\n43,0,YTA,YTA\n44,0,YTA,YTA\n45,0,NTA,NTA\n46,1,NTA,NTA\n47,0,YTA,YTA\n48,1,NTA,YTA\n49,0,YTA,YTA\n50,1,NTA,NTA\n51,1,YTA,YTA\n52,0,NTA,NTA\n53,1,YTA,YTA\n54,0,YTA,YTA\n55,0,NTA,NTA\n56,1,NTA,NTA\n57,0,NTA,YTA\n58,1,YTA,YTA\n59,0,YTA,YTA\n60,1,YTA,YTA\n";
pub(crate) const BASE: &str = "id,x,verdict\n1,1,YTA\n2,0,YTA\n3,1,NTA\n4,1,NTA\n5,0,NTA\n6,1,NTA\n7,0,YTA\n8,1,YTA\n9,0,NTA\n10,1,NTA\n11,1,YTA\n12,1,NTA\n13,1,NTA\n14,0,YTA\n15,0,NTA\n16,0,NTA\n17,1,NTA\n18,0,NTA\n19,1,NTA\n20,0,NTA\n21,1,NTA\n22,1,NTA\n23,1,NTA\n24,1,YTA\n25,1,NTA\n26,0,NTA\n27,1,NTA\n28,1,NTA\n29,1,NTA\n30,1,YTA\n31,1,YTA\n32,1,YTA\n33,1,NTA\n34,0,NTA\n35,1,NTA\n36,1,YTA\n37,1,NTA\n38,1,NTA\n39,0,NTA\n40,1,YTA\n41,0,YTA\n42,1,NTA\n43,1,YTA\n44,1,YTA\n45,1,NTA\n46,0,NTA\n47,1,YTA\n48,1,YTA\n49,1,YTA\n50,0,NTA\n51,0,YTA\n52,1,NTA\n53,1,NTA\n54,0,NTA\n55,0,NTA\n56,1,NTA\n57,1,YTA\n58,1,YTA\n59,1,YTA\n60,1,YTA\n";
pub(crate) const COND: &str = "id,x,verdict\n1,1,YTA\n2,1,YTA\n3,1,NTA\n4,1,YTA\n5,0,YTA\n6,1,NTA\n7,0,NTA\n8,1,YTA\n9,0,NTA\n10,1,NTA\n11,1,NTA\n12,0,NTA\n13,1,NTA\n14,0,YTA\n15,0,YTA\n16,0,NTA\n17,1,NTA\n18,0,NTA\n19,1,NTA\n20,0,NTA\n21,1,YTA\n22,1,YTA\n23,1,NTA\n24,1,YTA\n25,1,NTA\n26,0,NTA\n27,1,YTA\n28,1,NTA\n29,1,NTA\n30,1,YTA\n31,1,YTA\n32,0,YTA\n33,1,YTA\n34,0,YTA\n35,1,YTA\n36,1,YTA\n37,0,NTA\n38,0,NTA\n39,1,NTA\n40,1,YTA\n41,0,YTA\n42,1,YTA\n43,1,YTA\n44,1,YTA\n45,1,YTA\n46,1,NTA\n47,1,YTA\n48,1,YTA\n49,1,YTA\n50,0,NTA\n51,0,YTA\n52,1,YTA\n53,1,YTA\n54,0,YTA\n55,0,NTA\n56,1,NTA\n57,1,YTA\n58,1,YTA\n59,1,YTA\n60,1,YTA\n";
const OPTIONS: [&str; 4] = ["--truth", "crowd", "--verdict", "verdict"];

pub(crate) fn paths(dir: &Path) -> [String; 3] {
    [("human.csv", HUMAN), ("base.csv", BASE), ("cond.csv", COND)]
        .map(|(n, c)| write(dir, n, c).display().to_string())
}

pub(crate) fn run(files: &[&str], extra: &[&str]) -> Value {
    let args: Vec<&str> = files.iter().copied().chain(OPTIONS).chain(extra.iter().copied()).collect();
    findings(&args)
}

/// Rows without the fields that depend on the run's family (adjusted p, significance, mde).
fn unadjusted(rows: &Value) -> Vec<Value> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            for k in ["p_adjusted", "significant", "mde"] {
                r.as_object_mut().unwrap().remove(k);
            }
            r
        })
        .collect()
}

#[test]
fn versus_rows_equal_a_run_with_the_base_model_as_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let [h, b, c] = paths(dir.path());
    let f = run(&[&h, &b, &c], &["--versus", "base"]);
    // The base model with the crowd's truth beside it, as a baseline file.
    let with_truth: String = BASE
        .lines()
        .zip(HUMAN.lines())
        .map(|(b, h)| format!("{b},{}\n", h.rsplit(',').next().unwrap()))
        .collect();
    let bt = write(dir.path(), "base_truth.csv", &with_truth).display().to_string();
    let direct = run(&[&bt, &c], &["--baseline-name", "base"]);
    let v = &f["versus"];
    assert_eq!(v["base"], "base");
    for section in ["comparisons", "truth_tests", "overall"] {
        assert_eq!(unadjusted(&v[section]), unadjusted(&direct[section]), "{section}");
    }
    // In the run's family: 2 comparisons + overall + 2 truth tests vs human per model (2 models),
    // and 2 + 1 + 2 against the base: Holm over all of them.
    let p = v["comparisons"][0]["p_value"].as_f64().unwrap();
    assert!(v["comparisons"][0]["p_adjusted"].as_f64().unwrap() >= p);
}

#[test]
fn versus_only_leaves_the_human_comparisons_out_of_the_family() {
    let dir = tempfile::tempdir().unwrap();
    let [h, b, c] = paths(dir.path());
    let f = run(&[&h, &b, &c], &["--versus", "base", "--versus-only"]);
    assert!(f["comparisons"].as_array().unwrap().is_empty());
    assert!(f["truth_tests"].as_array().unwrap().is_empty());
    assert!(!f["truth"].as_array().unwrap().is_empty(), "each source against the truth stays");
    let both = run(&[&h, &b, &c], &["--versus", "base"]);
    assert!(f["overall"].as_array().unwrap().is_empty() && f["groups"].as_array().unwrap().is_empty());
    let (only, all) = (&f["versus"]["comparisons"][0], &both["versus"]["comparisons"][0]);
    assert_eq!(only["p_value"], all["p_value"]);
    let (only, all) = (only["p_adjusted"].as_f64().unwrap(), all["p_adjusted"].as_f64().unwrap());
    assert!(only <= all, "a smaller family: {only} vs {all}");
    // --rank-by with --versus-only still tests against the best.
    let ranked = run(&[&h, &b, &c], &["--versus", "base", "--versus-only", "--rank-by", "x"]);
    assert!(ranked["ranking"]["rows"][1]["p_value"].is_number(), "{}", ranked["ranking"]);
}

#[test]
fn models_without_shared_items_are_compared_unpaired() {
    let dir = tempfile::tempdir().unwrap();
    let human: String = std::iter::once("id,x\n".to_string())
        .chain((1..=40).map(|i| format!("{i},{}\n", u8::from(i % 3 == 0))))
        .collect();
    let base: String = std::iter::once("id,x\n".to_string())
        .chain((1..=20).map(|i| format!("{i},{}\n", u8::from(i % 2 == 0))))
        .collect();
    let other: String = std::iter::once("id,x\n".to_string())
        .chain((21..=40).map(|i| format!("{i},{}\n", u8::from(i % 4 != 0))))
        .collect();
    let [h, b, o] = [("h.csv", human), ("b.csv", base), ("o.csv", other)]
        .map(|(n, c)| write(dir.path(), n, &c).display().to_string());
    let f = findings(&[&h, &b, &o, "--versus", "b"]);
    let u = &f["versus"]["unpaired"][0];
    assert_eq!((u["model"].as_str(), u["n"].as_u64(), u["n_base"].as_u64()), (Some("o"), Some(20), Some(20)));
    // scipy 1.17.1 fisher_exact([[15, 5], [10, 10]]).pvalue = 0.19079257232761124; statsmodels
    // 0.15.0 confint_proportions_2indep(15, 20, 10, 20, method="newcomb") =
    // (-0.046835583083318644, 0.4936462169851808).
    assert!((u["p_value"].as_f64().unwrap() - 0.19079257232761124).abs() < 1e-9, "{u}");
    let ci = &u["difference_ci"];
    assert!((ci[0].as_f64().unwrap() - -0.046835583083318644).abs() < 1e-9, "{u}");
    assert!((ci[1].as_f64().unwrap() - 0.4936462169851808).abs() < 1e-9, "{u}");
    assert!(u["method"].as_str().unwrap().starts_with("unpaired"));
    assert!(f["versus"]["comparisons"].as_array().unwrap().is_empty(), "never a paired test");
}

#[test]
fn unpaired_rows_are_clustered_as_statsmodels_does() {
    // 40 items in clusters author = c(i mod 7), item 5 without one (so clusters hold items of
    // both models); BASE labels items 1–20, x = [i even]; the other model items 21–40, x = [i mod
    // 4 ≠ 0 and i mod 5 ≠ 0]. statsmodels 0.15.0 OLS(x, [1, is_model]) on the 40 stacked items,
    // .fit(cov_type="cluster", cov_kwds={"groups": author, item 5 alone}, use_t=True) (the
    // session's /tmp/fx/unpaired.py; G 8): params[1] 0.10000000000000003, bse
    // 0.10528157733580834, conf_int [-0.14895137101419356, 0.3489513710141936], pvalues
    // 0.3738292624134709; OLS bse 0.16059101370939327.
    let dir = tempfile::tempdir().unwrap();
    let author = |i: u32| if i == 5 { String::new() } else { format!("c{}", i % 7) };
    let human: String = std::iter::once("id,x,author,t\n".to_string())
        .chain(
            (1..=40)
                .map(|i| format!("{i},{},{},{}\n", u8::from(i % 3 == 0), author(i), u8::from(i % 3 != 1))),
        )
        .collect();
    let base: String = std::iter::once("id,x\n".to_string())
        .chain((1..=20).map(|i| format!("{i},{}\n", u8::from(i % 2 == 0))))
        .collect();
    let other: String = std::iter::once("id,x\n".to_string())
        .chain((21..=40).map(|i| format!("{i},{}\n", u8::from(i % 4 != 0 && i % 5 != 0))))
        .collect();
    let [h, b, o] = [("h.csv", human), ("b.csv", base), ("o.csv", other)]
        .map(|(n, c)| write(dir.path(), n, &c).display().to_string());
    let f = findings(&[&h, &b, &o, "--versus", "b", "--cluster", "author"]);
    let u = &f["versus"]["unpaired"][0];
    let near = |v: &serde_json::Value, want: f64| (v.as_f64().unwrap() - want).abs() < 1e-12;
    assert!(near(&u["difference"], 0.10000000000000003), "{u}");
    assert!(near(&u["difference_ci"][0], -0.14895137101419356), "{u}");
    assert!(near(&u["difference_ci"][1], 0.3489513710141936), "{u}");
    assert!((u["p_value"].as_f64().unwrap() - 0.3738292624134709).abs() < 1e-10, "{u}");
    assert_eq!(u["method"], "unpaired, clustered by author: CR1, t with 7 df");
    let rows = f["clustering"]["rows"].as_array().unwrap();
    let r = rows.iter().find(|r| r["measure"] == "unpaired rate").expect("an unpaired row");
    assert_eq!(
        (r["versus"].as_str(), r["clusters"].as_u64(), r["items"].as_u64()),
        (Some("b"), Some(8), Some(40))
    );
    assert!(near(&r["se"], 0.10528157733580834) && near(&r["se_independent"], 0.16059101370939327), "{r}");
    assert_eq!(errors(&validator(), &f), Vec::<String>::new());
    // The terminal: the clustered unpaired row and its line; no empty paired table for b.
    let out = amplify()
        .arg("compare")
        .args([&h, &b, &o, "--versus", "b", "--cluster", "author"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("unpaired, clustered by author: CR1, t with 7 df"), "{text}");
    assert!(
        text.contains("clustered by author o x (unpaired) vs b: G = 8, SE 10.53 pp vs 16.06 pp independent"),
        "{text}"
    );
    assert!(!text.contains("Conditions versus b"), "{text}");
    // FNR with truth t = [i mod 3 ≠ 1]: the misses 1 − x on each model's truth-positive items,
    // the same OLS (26 items, G 8): params[1] -0.07692307692307679, conf_int
    // [-0.3534088019735405, 0.19956264812738692], pvalues 0.531646794220351.
    let f = findings(&[
        &h,
        &b,
        &o,
        "--versus",
        "b",
        "--cluster",
        "author",
        "--truth",
        "t",
        "--against-truth",
        "x",
    ]);
    let u = f["versus"]["unpaired"].as_array().unwrap().iter().find(|u| u["measure"] == "fnr").expect("fnr");
    assert!(near(&u["difference"], -0.07692307692307679), "{u}");
    assert!(near(&u["difference_ci"][0], -0.3534088019735405), "{u}");
    assert!(near(&u["difference_ci"][1], 0.19956264812738692), "{u}");
    assert!((u["p_value"].as_f64().unwrap() - 0.531646794220351).abs() < 1e-10, "{u}");
}

/// The shipped conditions set: humans, the base model and three mitigations.
pub(crate) fn conditions() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    ["conditions_human", "conditions_base", "conditions_prompt", "conditions_finetune", "conditions_steer"]
        .iter()
        .map(|n| root.join(format!("{n}.parquet")).display().to_string())
        .collect()
}

#[test]
fn ranking_holm_adjusts_the_tests_against_the_best() {
    // Four conditions: three tests against the best, Holm over them, checked by hand.
    let files = conditions();
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.extend(["--truth", "crowd_verdict", "--verdict", "verdict", "--rank-by", "emotional_validation"]);
    let f = findings(&args);
    let rows = f["ranking"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let mut ps: Vec<(usize, f64)> =
        rows.iter().enumerate().skip(1).map(|(i, r)| (i, r["p_value"].as_f64().unwrap())).collect();
    ps.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap());
    let mut running: f64 = 0.0;
    for (rank, (i, p)) in ps.iter().enumerate() {
        running = running.max((p * (3 - rank) as f64).min(1.0));
        let got = rows[*i]["p_adjusted"].as_f64().unwrap();
        assert!((got - running).abs() <= 1e-12 * running.max(1e-300), "row {i}: {got} vs Holm {running}");
    }
    assert_eq!(rows[0]["tied_with_best"], Value::Bool(true));
    assert!(rows.windows(2).all(|w| w[0]["value"].as_f64() <= w[1]["value"].as_f64()), "ascending");
}

#[test]
fn ranking_tests_each_model_against_the_best_with_holm() {
    let dir = tempfile::tempdir().unwrap();
    let [h, b, c] = paths(dir.path());
    let f = run(&[&h, &b, &c], &["--rank-by", "fnr"]);
    let r = &f["ranking"];
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["model"], r["best"]);
    assert!(rows[0]["value"].as_f64() <= rows[1]["value"].as_f64());
    // One test against the best: Holm leaves it as it is; it equals the FNR test of --versus BEST.
    assert_eq!(rows[1]["p_adjusted"], rows[1]["p_value"]);
    let best = r["best"].as_str().unwrap();
    let v = run(&[&h, &b, &c], &["--versus", best]);
    let fnr =
        v["versus"]["truth_tests"].as_array().unwrap().iter().find(|t| t["rate"] == "fnr").unwrap().clone();
    assert_eq!(rows[1]["p_value"], fnr["p_value"]);
    assert_eq!(rows[1]["tied_with_best"], Value::Bool(fnr["p_value"].as_f64().unwrap() >= 0.05));
}

#[test]
fn counts_carry_the_versus_tables_and_give_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let [h, b, c] = paths(dir.path());
    let extra = ["--versus", "base"];
    let raw = run(&[&h, &b, &c], &extra);
    let counts = dir.path().join("c.csv");
    let args: Vec<&str> =
        [h.as_str(), b.as_str(), c.as_str()].into_iter().chain(OPTIONS).chain(extra).collect();
    amplify().arg("count").args(&args).arg("-o").arg(&counts).assert().success();
    let from = findings(&["--counts", counts.to_str().unwrap(), "--truth", "crowd", "--versus", "base"]);
    for section in ["comparisons", "truth_tests", "versus"] {
        assert_eq!(raw[section], from[section], "{section}");
    }
}

#[test]
fn versus_with_repeated_samples_is_item_level() {
    let dir = tempfile::tempdir().unwrap();
    let human = write(dir.path(), "h.csv", "id,x\n1,1\n2,0\n3,1\n4,0\n5,1\n").display().to_string();
    let base = write(
        dir.path(),
        "b.csv",
        "id,s,x\n1,1,1\n1,2,0\n2,1,0\n2,2,0\n3,1,1\n3,2,1\n4,1,1\n4,2,0\n5,1,0\n5,2,0\n",
    );
    let cond = write(
        dir.path(),
        "c.csv",
        "id,s,x\n1,1,1\n1,2,1\n2,1,0\n2,2,1\n3,1,1\n3,2,1\n4,1,1\n4,2,1\n5,1,0\n5,2,1\n",
    );
    let f =
        findings(&[&human, base.to_str().unwrap(), cond.to_str().unwrap(), "--sample", "s", "--versus", "b"]);
    let row = &f["versus"]["comparisons"][0];
    assert!(row["method"].as_str().unwrap().contains("item-level"));
    // Item means: base (0.5, 0, 1, 0.5, 0), condition (1, 0.5, 1, 1, 0.5): Δ = 0.4; scipy 1.17.1
    // ttest_rel(condition, base): p 0.016130089900092546, CI (0.12235548948022068,
    // 0.6776445105197794). A row-level McNemar on the 10 sample pairs would differ.
    assert!((row["difference"].as_f64().unwrap() - 0.4).abs() < 1e-9, "{row}");
    assert!((row["p_value"].as_f64().unwrap() - 0.016130089900092546).abs() < 1e-9, "{row}");
    assert!((row["difference_ci"][0].as_f64().unwrap() - 0.12235548948022068).abs() < 1e-9, "{row}");
    assert!((row["difference_ci"][1].as_f64().unwrap() - 0.6776445105197794).abs() < 1e-9, "{row}");
    // The versus table has no repeat rows of its own; its counts read back.
    let counts = dir.path().join("counts.csv");
    amplify()
        .args([
            "count",
            &human,
            base.to_str().unwrap(),
            cond.to_str().unwrap(),
            "--sample",
            "s",
            "--versus",
            "b",
            "-o",
        ])
        .arg(&counts)
        .assert()
        .success();
    let from = findings(&["--counts", counts.to_str().unwrap(), "--versus", "b"]);
    assert_eq!(from["versus"], f["versus"]);
    assert_eq!(from["instability"], f["instability"]);
}

#[test]
fn bad_conditions_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let [h, b, c] = paths(dir.path());
    assert_user_error(
        amplify().args(["compare", &h, &b, &c, "--versus", "nope"]),
        &["--versus nope", "base, cond"],
    );
    assert_user_error(amplify().args(["compare", &h, &b, &c, "--rank-by", "nope"]), &["--rank-by nope", "x"]);
    assert_user_error(amplify().args(["compare", &h, &b, &c, "--rank-by", "fnr"]), &["--truth"]);
    assert_user_error(amplify().args(["compare", &h, &b, "--versus", "base"]), &["only model"]);
    // Counts without a table against the asked base; count --rank-by (its best depends on shards).
    let counts = dir.path().join("c.csv");
    amplify().args(["count", &h, &b, &c, "-o"]).arg(&counts).assert().success();
    assert_user_error(
        amplify().args(["compare", "--counts", counts.to_str().unwrap(), "--versus", "base"]),
        &["--versus base", "amplify count"],
    );
    assert_user_error(
        amplify().args(["count", &h, &b, &c, "--rank-by", "x", "-o", "d.csv"]),
        &["count --rank-by"],
    );
    // One model: --rank-by ranks it alone, no error.
    let single = findings(&[&h, &b, "--rank-by", "x"]);
    assert_eq!(single["ranking"]["rows"].as_array().unwrap().len(), 1);
    let out = amplify().args(["compare", &h, &b, &c, "--versus-only"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "clap: --versus-only requires --versus");
}

#[test]
fn report_draws_the_heatmap_and_the_trade_off() {
    let files = conditions();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    amplify()
        .arg("report")
        .args(&files)
        .args(OPTIONS.map(|o| if o == "crowd" { "crowd_verdict" } else { o }))
        .args(["--versus", "conditions_base", "--rank-by", "fnr", "--out"])
        .arg(&out)
        .assert()
        .success();
    let heatmap = std::fs::read_to_string(out.join("charts/conditions-heatmap.svg")).unwrap();
    // The fine-tune's cells: FNR −22.9 pp and FPR +20.9 pp against the base, both significant.
    assert!(heatmap.contains("-22.9 *") && heatmap.contains("+20.9 *"), "heatmap cells");
    let tradeoff = std::fs::read_to_string(out.join("charts/conditions-tradeoff.svg")).unwrap();
    assert!(tradeoff.contains("conditions_finetune") && tradeoff.contains("conditions_base"));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("Conditions versus conditions_base") && html.contains("Ranking by FNR"));
}
