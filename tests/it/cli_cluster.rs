//! Cluster-robust comparisons (`--cluster COL`) end to end, against statsmodels on a fixture the
//! test writes; counts files keep the clusters; refusals.

use crate::common::{amplify, assert_user_error, findings, write};
use std::path::{Path, PathBuf};

/// 16 clusters `c0`…`c15` of (c mod 5)·3 + 2 items; item j of cluster c: baseline a =
/// [(5c + 3j) mod 7 < 3], model a = [(3c + 2j + cj) mod 5 < 3], truth t = [(c + 2j) mod 3 = 0],
/// group grp = p for even c + j, else q (so clusters span both levels). Item 1 has no cluster
/// value.
fn fixture(dir: &Path) -> [PathBuf; 2] {
    let (mut human, mut model, mut id) = ("id,a,author,t,grp\n".to_string(), "id,a\n".to_string(), 0);
    for c in 0..16u32 {
        for j in 0..(c % 5) * 3 + 2 {
            id += 1;
            let author = if id == 1 { String::new() } else { format!("c{c}") };
            let (a, t) = (u8::from((5 * c + 3 * j) % 7 < 3), u8::from((c + 2 * j) % 3 == 0));
            let grp = if (c + j) % 2 == 0 { "p" } else { "q" };
            human += &format!("{id},{a},{author},{t},{grp}\n");
            model += &format!("{id},{}\n", u8::from((3 * c + 2 * j + c * j) % 5 < 3));
        }
    }
    [write(dir, "human.csv", &human), write(dir, "model.csv", &model)]
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn near(v: &serde_json::Value, want: f64, tol: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < tol, "{got} vs {want}");
}

#[test]
fn comparisons_match_statsmodels_clustered_ols() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path());
    let f = findings(&[s(&h), s(&m), "--cluster", "author"]);
    let c = &f["comparisons"][0];
    // statsmodels 0.15.0, OLS(y, ones).fit(cov_type="cluster", cov_kwds={"groups": g},
    // use_t=True) with item 1 its own cluster (G = 17, N = 122): for y = model − baseline:
    // params 0.01639344262295082, conf_int [-0.16548796037713348, 0.1982748456230351],
    // pvalues 0.8508722917523585, df_resid_inference 16; y = model: conf_int
    // [0.2846335140117542, 0.6333992728734917]; y = baseline: [0.41593708562556614,
    // 0.469308816013778]; OLS(d, ones).fit().bse 0.061573556662037524, clustered bse
    // 0.08579694718764007.
    near(&c["difference"], 0.01639344262295082, 1e-15);
    near(&c["difference_ci"][0], -0.16548796037713348, 1e-12);
    near(&c["difference_ci"][1], 0.1982748456230351, 1e-12);
    near(&c["p_value"], 0.8508722917523585, 1e-10);
    near(&c["model_ci"][0], 0.2846335140117542, 1e-12);
    near(&c["model_ci"][1], 0.6333992728734917, 1e-12);
    near(&c["baseline_ci"][0], 0.41593708562556614, 1e-12);
    near(&c["baseline_ci"][1], 0.469308816013778, 1e-12);
    assert_eq!(c["method"], "clustered by author: CR1, t with 16 df");
    let k = &f["clustering"];
    assert_eq!(
        (k["column"].as_str(), k["clusters"].as_u64(), k["singletons"].as_u64()),
        (Some("author"), Some(16), Some(1))
    );
    let r = &k["rows"][0];
    assert_eq!((r["clusters"].as_u64(), r["items"].as_u64()), (Some(17), Some(122)));
    near(&r["se"], 0.08579694718764007, 1e-12);
    near(&r["se_independent"], 0.061573556662037524, 1e-12);
    near(&r["design_effect"], (0.08579694718764007f64 / 0.061573556662037524).powi(2), 1e-9);
    // Below 20 clusters the wild cluster bootstrap p-value is there, a probability.
    let wild = r["wild_p"].as_f64().expect("wild p");
    assert!(wild > 0.0 && wild <= 1.0 && r["wild_draws"].as_u64() == Some(9_999), "{r}");
    // The detectable effect grows by √(design effect) over the same run without clusters.
    let plain = findings(&[s(&h), s(&m)]);
    let ratio = c["mde"].as_f64().unwrap() / plain["comparisons"][0]["mde"].as_f64().unwrap();
    near(&serde_json::json!(ratio * ratio), r["design_effect"].as_f64().unwrap(), 1e-9);
    // The cluster column is not shown as a grouping.
    assert!(f["groups"].as_array().is_none_or(Vec::is_empty), "{}", f["groups"]);
}

#[test]
fn paired_error_rates_match_statsmodels_clustered_ols() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path());
    let f = findings(&[s(&h), s(&m), "--cluster", "author", "--truth", "t", "--against-truth", "a"]);
    // statsmodels 0.15.0 as above, on the truth-positive items with d = baseline − model (the
    // difference of misses; 41 items, 15 clusters): params -0.07317073170731708, conf_int
    // [-0.2965806590183103, 0.15023919560367616], pvalues 0.4939098997518232, df 14; on the
    // truth-negative items with d = model − baseline (81 items, 16 clusters): conf_int
    // [-0.19372311820521043, 0.16903176018051908], pvalues 0.8865793962814285, df 15.
    let tests = f["truth_tests"].as_array().expect("truth tests");
    let (fnr, fpr) = (&tests[0], &tests[1]);
    assert_eq!((fnr["rate"].as_str(), fpr["rate"].as_str()), (Some("fnr"), Some("fpr")));
    near(&fnr["difference"], -0.07317073170731708, 1e-15);
    near(&fnr["difference_ci"][0], -0.2965806590183103, 1e-12);
    near(&fnr["difference_ci"][1], 0.15023919560367616, 1e-12);
    near(&fnr["p_value"], 0.4939098997518232, 1e-10);
    near(&fpr["difference_ci"][0], -0.19372311820521043, 1e-12);
    near(&fpr["difference_ci"][1], 0.16903176018051908, 1e-12);
    near(&fpr["p_value"], 0.8865793962814285, 1e-10);
    assert_eq!(fpr["method"], "clustered by author: CR1, t with 15 df");
    let rows = f["clustering"]["rows"].as_array().unwrap();
    let measures: Vec<&str> = rows.iter().filter_map(|r| r["measure"].as_str()).collect();
    assert_eq!(measures, ["rate", "fnr", "fpr", "overall"]);
}

#[test]
fn gap_amplification_matches_statsmodels_with_clusters_across_levels() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path());
    let f = findings(&[s(&h), s(&m), "--cluster", "author", "--group", "grp", "--reference", "grp=q"]);
    // statsmodels 0.15.0: OLS(d, [1, grp == p]).fit(cov_type="cluster", cov_kwds={"groups":
    // author, item 1 alone}, use_t=True), d = model − baseline over all 122 items: params[1]
    // -0.2618279569892474, bse[1] 0.10155527123492306, conf_int [-0.4771155146440126,
    // -0.046540399334482146], pvalues[1] 0.020216306102433662, df 16; OLS bse[1]
    // 0.12134420711027584.
    let groups = f["groups"].as_array().expect("groups");
    let g = groups.iter().find(|g| g["level"] == "p").expect("level p");
    near(&g["amplification"], -0.2618279569892474, 1e-14);
    near(&g["amplification_ci"][0], -0.4771155146440126, 1e-12);
    near(&g["amplification_ci"][1], -0.046540399334482146, 1e-12);
    near(&g["p_value"], 0.020216306102433662, 1e-10);
    near(&g["amplification_se"], 0.10155527123492306, 1e-12);
    let rows = f["clustering"]["rows"].as_array().unwrap();
    let r = rows.iter().find(|r| r["measure"] == "gap").expect("a gap row");
    assert_eq!((r["level"].as_str(), r["clusters"].as_u64()), (Some("grp=p vs q"), Some(17)));
    near(&r["se_independent"], 0.12134420711027584, 1e-12);
    // The ratio of odds ratios, clustered: statsmodels 0.15.0 Logit on the stacked labels (two
    // rows per item: side 0 human, 1 model) on [1, grp == p, side, (grp == p)·side],
    // .fit(cov_type="cluster", cov_kwds={"groups": author, item 1 alone}, use_t=True)
    // (the session's /tmp/fx/ror.py; 244 rows, G 17): params[3] -1.1064631631438475 (ROR
    // 0.33072662104920203), bse[3] 0.44964578313626963, exp(conf_int) [0.12749608234177395,
    // 0.8579094813079147], pvalues[3] 0.02561567063577305, df 16.
    near(&g["ror"], 0.33072662104920203, 1e-12);
    near(&g["ror_ci"][0], 0.12749608234177395, 1e-10);
    near(&g["ror_ci"][1], 0.8579094813079147, 1e-10);
    near(&g["ror_p_value"], 0.02561567063577305, 1e-9);
    let r = rows.iter().find(|r| r["measure"] == "log ror").expect("a log ror row");
    assert_eq!((r["level"].as_str(), r["clusters"].as_u64()), (Some("grp=p vs q"), Some(17)));
    assert_eq!(r["df"].as_f64(), Some(16.0));
    near(&r["difference"], -1.1064631631438475, 1e-12);
    near(&r["se"], 0.44964578313626963, 1e-10);
    // The report's row, as a person sees it (checked in a headless Chromium screenshot).
    let out = dir.path().join("report");
    let args = ["--cluster", "author", "--group", "grp", "--reference", "grp=q", "--out", s(&out)];
    amplify().arg("report").args([s(&h), s(&m)]).args(args).assert().success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<td>a ratio of odds ratios grp=p vs q</td><td>17</td><td>122</td><td>0.450 (log)</td><td>0.514 (log)</td>"), "{html}");
    // BiasAmp→'s interval comes from resampling the 17 clusters (16 authors and item 1), not
    // the items: another interval than the run without --cluster, same estimate.
    let b = &f["bias_amplification"][0];
    assert_eq!(b["method"], "cluster bootstrap: 17 clusters of author resampled");
    let plain = findings(&[s(&h), s(&m), "--group", "grp", "--reference", "grp=q"]);
    let p = &plain["bias_amplification"][0];
    assert_eq!(b["value"], p["value"]);
    assert!(b["ci"].is_array() && b["ci"] != p["ci"] && p["method"].is_null(), "{b} {p}");
    // The crossed grouping (grp × author) is not shown.
    assert!(f["groupings"].as_array().unwrap().iter().all(|g| g["group_by"] == "grp"), "{}", f["groupings"]);
}

#[test]
fn counts_keep_the_clusters_and_compare_needs_them() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path());
    let direct = findings(&[s(&h), s(&m), "--cluster", "author"]);
    let counts = dir.path().join("counts.csv");
    amplify().args(["count", s(&h), s(&m), "--cluster", "author", "-o", s(&counts)]).assert().success();
    let counted = findings(&["--counts", s(&counts), "--cluster", "author"]);
    assert_eq!(counted["comparisons"], direct["comparisons"]);
    assert_eq!(counted["clustering"], direct["clustering"]);
    assert_eq!(counted["overall"], direct["overall"]);
    // Each cluster's overall-score sums are a model row with the cluster's level; hand edits
    // that make them impossible, or put other counts in them, are refused.
    let text = std::fs::read_to_string(&counts).unwrap();
    let row = "model,model,\"\",author,c1,\"\",0,0,0,0,0,0,0,0,0,5,2,3,1,";
    assert!(text.contains(row), "{text}");
    for (edit, needle) in [
        (
            "model,model,\"\",author,c1,\"\",0,0,0,0,0,0,0,0,0,500,2,3,1,",
            "more than the model's own score sums",
        ),
        ("model,model,\"\",author,c1,\"\",0,0,0,0,0,0,7,0,0,5,2,3,1,", "overall-score sums only"),
    ] {
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, text.replace(row, edit)).unwrap();
        assert_user_error(amplify().args(["compare", "--counts", s(&bad), "--cluster", "author"]), &[needle]);
    }
    let plain = dir.path().join("plain.csv");
    amplify().args(["count", s(&h), s(&m), "-o", s(&plain)]).assert().success();
    assert_user_error(
        amplify().args(["compare", "--counts", s(&plain), "--cluster", "author"]),
        &["--cluster author", "count with --cluster author"],
    );
}

#[test]
fn the_terminal_says_how_much_clustering_matters_and_refusals_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path());
    let out = amplify().args(["compare", s(&h), s(&m), "--cluster", "author"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("clustered by author model a: G = 17, SE 8.58 pp vs 6.16 pp independent, design effect 1.94, wild cluster bootstrap p"), "{text}");
    assert_user_error(
        amplify().args(["compare", s(&h), s(&m), "--cluster", "author", "--group", "author"]),
        &["--cluster author", "also a --group"],
    );
    assert_user_error(amplify().args(["compare", s(&h), s(&m), "--cluster", "nope"]), &["nope"]);
    // More clusters than --max-levels: the message says what to raise it to, and that works.
    let (mut many_h, mut many_m) = ("id,a,author\n".to_string(), "id,a\n".to_string());
    for i in 0..30 {
        many_h += &format!("{i},{},u{}\n", u8::from(i % 3 == 0), i / 2);
        many_m += &format!("{i},{}\n", u8::from(i % 4 == 0));
    }
    let (many_h, many_m) =
        (write(dir.path(), "many_h.csv", &many_h), write(dir.path(), "many_m.csv", &many_m));
    let many = |extra: &[&str]| {
        let mut c = amplify();
        c.args(["compare", s(&many_h), s(&many_m), "--cluster", "author"]).args(extra);
        c
    };
    assert_user_error(&mut many(&["--max-levels", "10"]), &["15 levels", "raise --max-levels to 15 or more"]);
    many(&["--max-levels", "15"]).assert().success();
    // One cluster: no clustered test, said so, and no p-value to mistake for one.
    let one = write(dir.path(), "one.csv", "id,a,author\n1,1,x\n2,0,x\n3,1,x\n4,0,x\n");
    let few = write(dir.path(), "few.csv", "id,a\n1,1\n2,1\n3,0\n4,1\n");
    let out = amplify().args(["compare", s(&one), s(&few), "--cluster", "author"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("clustered by author few a: fewer than 2 clusters of author: no clustered test"),
        "{text}"
    );
    let f = findings(&[s(&one), s(&few), "--cluster", "author"]);
    assert!(f["comparisons"][0]["p_value"].is_null() && f["comparisons"][0]["difference_ci"].is_null());
}

#[test]
fn error_rate_gaps_match_statsmodels() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path());
    let args = [
        "--cluster",
        "author",
        "--group",
        "grp",
        "--reference",
        "grp=q",
        "--truth",
        "t",
        "--against-truth",
        "a",
        "--min-group",
        "2",
    ];
    let f = findings(&[&[s(&h), s(&m)][..], &args].concat());
    // statsmodels 0.15.0 (the session's /tmp/fx/error_gaps.py): OLS(y, [1, grp == p]) with
    // clustered errors (item 1 alone), use_t=True. FNR gap, truth-positive items, y = baseline −
    // model (the model's misses minus the baseline's), N 41, G 15: params[1] 0.2404761904761904,
    // bse 0.22340771475769583, conf_int [-0.2386857021142535, 0.7196380830666342], pvalues
    // 0.2999480520084055, df 14. FPR gap, truth-negative items, y = model − baseline, N 81, G 16:
    // params[1] -0.2719512195121951, bse 0.08782347841205747, conf_int [-0.45914253266305377,
    // -0.0847599063613364], pvalues 0.00736873162287965, df 15.
    let groups = f["groups"].as_array().expect("groups");
    let gap =
        |measure: &str| groups.iter().find(|g| g["measure"] == measure && g["level"] == "p").expect(measure);
    let fnr = gap("fnr");
    near(&fnr["amplification"], 0.2404761904761904, 1e-14);
    near(&fnr["amplification_ci"][0], -0.2386857021142535, 1e-12);
    near(&fnr["amplification_ci"][1], 0.7196380830666342, 1e-12);
    near(&fnr["p_value"], 0.2999480520084055, 1e-10);
    near(&fnr["amplification_se"], 0.22340771475769583, 1e-12);
    let fpr = gap("fpr");
    near(&fpr["amplification"], -0.2719512195121951, 1e-14);
    near(&fpr["amplification_ci"][0], -0.45914253266305377, 1e-12);
    near(&fpr["amplification_ci"][1], -0.0847599063613364, 1e-12);
    near(&fpr["p_value"], 0.00736873162287965, 1e-10);
    let rows = f["clustering"]["rows"].as_array().unwrap();
    let r = rows.iter().find(|r| r["measure"] == "fnr gap").expect("an FNR gap row");
    assert_eq!(
        (r["clusters"].as_u64(), r["items"].as_u64(), r["df"].as_f64()),
        (Some(15), Some(41), Some(14.0))
    );
    assert!(rows.iter().any(|r| r["measure"] == "fpr gap" && r["clusters"] == 16));
    // FNR's ratio of odds ratios (on the misses), clustered: statsmodels Logit on the stacked
    // misses of the truth-positive items, as for the rate (the session's /tmp/fx/ror2.py; 82
    // rows, G 15): ROR 2.9333333333333362, exp(conf_int) [0.365376335822129,
    // 23.549539477108446], pvalues[3] 0.28650237363989556, bse[3] 0.9711766881419726.
    near(&fnr["ror"], 2.9333333333333362, 1e-10);
    near(&fnr["ror_ci"][0], 0.365376335822129, 1e-9);
    near(&fnr["ror_ci"][1], 23.549539477108446, 1e-8);
    near(&fnr["ror_p_value"], 0.28650237363989556, 1e-9);
    let r = rows.iter().find(|r| r["measure"] == "fnr log ror").expect("an FNR log ror row");
    near(&r["se"], 0.9711766881419726, 1e-10);
    assert_eq!(r["clusters"].as_u64(), Some(15));
}
