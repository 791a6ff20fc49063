//! Rankings that show the trade-off (`--rank-by fnr|fpr|balanced-error|youden`): both error rates
//! and the Pareto front on every row, the warning of a ranking by one error rate, the ring on the
//! trade-off chart, and the balanced-error test against the best recomputed from the fixtures.

use crate::cli_versus::{conditions, paths, run, BASE, COND, HUMAN};
use crate::common::{amplify, findings, write};
use serde_json::Value;

/// The rows of the ranking with both error rates from the run's truth rows, the Pareto front
/// recomputed by brute force, and the warning's condition from the run's truth tests.
fn check_trade_off(f: &Value) {
    let r = &f["ranking"];
    let rows = r["rows"].as_array().unwrap();
    let truth = f["truth"].as_array().unwrap();
    let rate = |model: &Value, which: &str| {
        truth.iter().find(|t| t["source"] == *model).map(|t| t[which].as_f64().unwrap()).unwrap()
    };
    let points: Vec<(f64, f64)> =
        rows.iter().map(|x| (rate(&x["model"], "fnr"), rate(&x["model"], "fpr"))).collect();
    for (x, &(fnr, fpr)) in rows.iter().zip(&points) {
        assert_eq!((x["fnr"].as_f64().unwrap(), x["fpr"].as_f64().unwrap()), (fnr, fpr), "{x}");
        let beaten = points.iter().any(|&(a, b)| a <= fnr && b <= fpr && (a < fnr || b < fpr));
        assert_eq!(x["pareto"], Value::Bool(!beaten), "{x}");
    }
    let other = if r["measure"] == "fnr" { "fpr" } else { "fnr" };
    let test = f["truth_tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["model"] == r["best"] && t["rate"] == other)
        .unwrap();
    let d = test["difference"].as_f64().unwrap();
    let expected = d > 0.10 || (test["significant"] == Value::Bool(true) && d > 0.0);
    assert_eq!(r["warning"].is_string(), expected, "{r}");
}

#[test]
fn a_ranking_by_one_error_rate_shows_the_other_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let [h, b, c] = paths(dir.path());
    // A model that blames every poster: no missed fault, every innocent poster blamed.
    let blame: String = std::iter::once("id,x,verdict\n".to_string())
        .chain((1..=60).map(|i| format!("{i},1,YTA\n")))
        .collect();
    let blame = write(dir.path(), "blame.csv", &blame).display().to_string();
    let f = run(&[&h, &b, &c, &blame], &["--rank-by", "fnr"]);
    let r = &f["ranking"];
    assert_eq!(r["best"], "blame");
    assert_eq!((r["rows"][0]["fnr"].as_f64(), r["rows"][0]["fpr"].as_f64()), (Some(0.0), Some(1.0)));
    assert_eq!(r["rows"][0]["pareto"], Value::Bool(true), "the lowest FNR is always on the front");
    let warning = r["warning"].as_str().expect("a warning");
    assert!(warning.starts_with("blame ranks first by FNR but its FPR is 100.0% against"), "{warning}");
    check_trade_off(&f);
    let terminal = amplify()
        .args(["compare", &h, &b, &c, &blame, "--truth", "crowd", "--verdict", "verdict", "--rank-by", "fnr"])
        .output()
        .unwrap();
    let text = String::from_utf8(terminal.stdout).unwrap();
    assert!(text.contains("Warning: blame ranks first by FNR") && text.contains("Pareto front"), "{text}");
    // By FPR the blamer is last, and the sample's conditions go both ways.
    let f = run(&[&h, &b, &c, &blame], &["--rank-by", "fpr"]);
    assert_eq!(f["ranking"]["rows"][2]["model"], "blame");
    check_trade_off(&f);
    for measure in ["fnr", "fpr"] {
        let files = conditions();
        let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
        args.extend(["--truth", "crowd_verdict", "--verdict", "verdict", "--rank-by", measure]);
        check_trade_off(&findings(&args));
    }
    // Without a truth: no error rates, no front, no warning.
    let plain = findings(&[&h, &b, &c, "--rank-by", "x"]);
    assert!(plain["ranking"]["rows"][0].get("pareto").is_none() && plain["ranking"].get("warning").is_none());
}

#[test]
fn the_trade_off_chart_rings_the_pareto_front() {
    let dir = tempfile::tempdir().unwrap();
    let files = conditions();
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.extend([
        "--truth",
        "crowd_verdict",
        "--verdict",
        "verdict",
        "--versus",
        "conditions_base",
        "--rank-by",
        "fnr",
    ]);
    let f = findings(&args);
    let front: Vec<&str> = f["ranking"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["pareto"] == Value::Bool(true))
        .map(|r| r["model"].as_str().unwrap())
        .collect();
    assert!(!front.is_empty() && front.len() < 4, "{front:?}");
    let charts = dir.path().join("charts");
    amplify().arg("compare").args(&args).arg("--charts").arg(&charts).assert().success();
    let svg = std::fs::read_to_string(charts.join("conditions-tradeoff.svg")).unwrap();
    // A ring is a coloured disc with a white core of radius 9; the markers are radius 6.
    let cores = svg.matches(r##"r="9" opacity="1" fill="#FFFFFF""##).count();
    assert_eq!(cores, front.len(), "one ring per model on the front");
    assert!(svg.contains("rings: the Pareto front"));
    // Without --rank-by there is no front to draw.
    let plain: Vec<&str> = args[..args.len() - 2].to_vec();
    let charts = dir.path().join("plain");
    amplify().arg("compare").args(&plain).arg("--charts").arg(&charts).assert().success();
    let svg = std::fs::read_to_string(charts.join("conditions-tradeoff.svg")).unwrap();
    assert!(!svg.contains(r##"r="9" opacity="1" fill="#FFFFFF""##) && !svg.contains("Pareto"));
}

/// Verdict labels (1 = YTA) by id from one of the CSV fixtures' `verdict` (or `crowd`) column.
fn labels(csv: &str, column: usize) -> Vec<bool> {
    csv.lines().skip(1).map(|l| l.split(',').nth(column).unwrap() == "YTA").collect()
}

#[test]
fn balanced_error_and_youden_rank_alike_and_test_against_the_best() {
    let dir = tempfile::tempdir().unwrap();
    let [h, b, c] = paths(dir.path());
    let ber = run(&[&h, &b, &c], &["--rank-by", "balanced-error"]);
    let youden = run(&[&h, &b, &c], &["--rank-by", "youden"]);
    let (r, y) = (&ber["ranking"], &youden["ranking"]);
    assert_eq!(r["best"], y["best"], "J = 1 − 2·BER orders the models the same way");
    let (rows, yrows) = (r["rows"].as_array().unwrap(), y["rows"].as_array().unwrap());
    for (x, j) in rows.iter().zip(yrows) {
        let (fnr, fpr) = (x["fnr"].as_f64().unwrap(), x["fpr"].as_f64().unwrap());
        assert!((x["value"].as_f64().unwrap() - (fnr + fpr) / 2.0).abs() < 1e-15);
        assert!((j["value"].as_f64().unwrap() - (1.0 - fnr - fpr)).abs() < 1e-12);
        assert_eq!(x["p_value"], j["p_value"]);
    }
    // The test against the best, recomputed from the fixtures: ΔBER = (ΔFNR + ΔFPR)/2 with the
    // Wald variance of each paired difference, two-sided normal p.
    let (best, other) = (r["best"].as_str().unwrap(), rows[1]["model"].as_str().unwrap());
    let csv = |name: &str| if name == "base" { BASE } else { COND };
    let (truth, mb, mo) = (labels(HUMAN, 3), labels(csv(best), 2), labels(csv(other), 2));
    let mut parts = Vec::new();
    for positive in [true, false] {
        let items: Vec<usize> = (0..60).filter(|&i| truth[i] == positive).collect();
        // An error is a 0 on a truth-positive item, a 1 on a truth-negative one.
        let err = |v: &[bool], i: usize| v[i] != positive;
        let worse = items.iter().filter(|&&i| err(&mo, i) && !err(&mb, i)).count() as f64;
        let better = items.iter().filter(|&&i| !err(&mo, i) && err(&mb, i)).count() as f64;
        let n = items.len() as f64;
        let d = (worse - better) / n;
        parts.push((d, ((worse + better) / n - d * d) / n));
    }
    let d = (parts[0].0 + parts[1].0) / 2.0;
    let se = ((parts[0].1 + parts[1].1) / 4.0).sqrt();
    assert!((rows[1]["difference"].as_f64().unwrap() - d).abs() < 1e-12);
    let ci = rows[1]["difference_ci"].as_array().unwrap();
    assert!((ci[1].as_f64().unwrap() - (d + 1.959963984540054 * se)).abs() < 1e-9);
    assert!((yrows[1]["difference"].as_f64().unwrap() + 2.0 * d).abs() < 1e-12);
    let text = amplify()
        .args(["compare", &h, &b, &c, "--truth", "crowd", "--verdict", "verdict", "--rank-by", "youden"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Ranking by Youden's J (1 − FNR − FPR): Higher is better."), "{text}");
}

#[test]
fn repeated_samples_are_ranked_by_balanced_error_with_a_paired_test() {
    let s = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let p = |n: &str| s.join(format!("{n}.parquet")).display().to_string();
    let (h, a, b) = (p("repeats_human"), p("repeats_steady"), p("repeats_erratic"));
    let f = findings(&[
        &h,
        &a,
        &b,
        "--sample",
        "seed",
        "--annotator",
        "annotator",
        "--truth",
        "crowd_verdict",
        "--verdict",
        "verdict",
        "--rank-by",
        "balanced-error",
    ]);
    let rows = f["ranking"]["rows"].as_array().unwrap();
    let second = &rows[1];
    // Both models answered every post: the paired ΔBER is the difference of the two BERs (means
    // of the item means), with a Wald interval around it and a p-value.
    let d = second["difference"].as_f64().expect("tested against the best");
    let values = (rows[0]["value"].as_f64().unwrap(), second["value"].as_f64().unwrap());
    assert!((d - (values.1 - values.0)).abs() < 1e-9, "{second}");
    let ci = second["difference_ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() < d && d < ci[1].as_f64().unwrap(), "{second}");
    assert!(second["p_value"].as_f64().is_some_and(|p| p > 0.0 && p <= 1.0), "{second}");
    assert!(f["ranking"].get("note").is_none_or(|n| n.is_null()), "{}", f["ranking"]);
}
