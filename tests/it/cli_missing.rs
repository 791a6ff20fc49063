//! Bounds for missing labels (`missing` section) end to end: on a fixture whose model refuses
//! one group's items, against hand-worked bounds and scipy's tests; the same section from
//! counts files and merged shards; counts files without the cross-classified columns.

use crate::common::{amplify, assert_user_error, findings, write};
use crate::schema::{errors, validator};
use std::path::{Path, PathBuf};

/// 200 items, metric `a` (1 on every 4th item), grouping `g` (x: 1–100, y: 101–200). The model
/// copies the baseline on items 1–140 but says 1 on 15 of its 0s (i ≡ 1 mod 7), and has no
/// label on items 141–200 (all in level y): 30% of the items, 15 of them baseline 1s.
fn fixture(dir: &Path, ids: std::ops::RangeInclusive<u32>) -> [PathBuf; 2] {
    let (mut human, mut model) = ("id,a,g\n".to_string(), "id,a\n".to_string());
    for i in ids {
        let h = u8::from(i % 4 == 0);
        human += &format!("{i},{h},{}\n", if i <= 100 { "x" } else { "y" });
        model += &match i {
            ..=140 => format!("{i},{}\n", if h == 0 && i % 7 == 1 { 1 } else { h }),
            _ => format!("{i},\n"),
        };
    }
    [write(dir, "human.csv", &human), write(dir, "model.csv", &model)]
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn close(v: &serde_json::Value, want: f64) -> bool {
    (v.as_f64().expect("number") - want).abs() < 1e-12
}

#[test]
fn bounds_tipping_point_and_invalidity_match_hand_and_scipy_values() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path(), 1..=200);
    let f = findings(&[s(&h), s(&m), "--group", "g"]);
    let section = &f["missing"];
    assert!(close(&section["threshold"], 0.05));
    let rows = section["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{section}");
    let r = &rows[0];
    assert_eq!(
        (r["items"].as_u64(), r["invalid_model"].as_u64(), r["invalid_baseline"].as_u64()),
        (Some(200), Some(60), Some(0))
    );
    // By hand: B₁ = 35 + 15 = 50 valid baseline ones, M₁ = 35 + 15 = 50 valid model ones,
    // I_m = 60 over N = 200: model rate [50, 110]/200, difference [50 − 50, 50 + 60 − 50]/200.
    assert!(close(&r["model_rate"][0], 0.25) && close(&r["model_rate"][1], 0.55), "{r}");
    assert!(close(&r["baseline_rate"][0], 0.25) && close(&r["baseline_rate"][1], 0.25), "{r}");
    assert!(close(&r["difference_bounds"][0], 0.0) && close(&r["difference_bounds"][1], 0.3), "{r}");
    assert!(close(&r["difference"], 15.0 / 140.0), "{r}");
    // b = 15, c = 0; Holm over the run's three tests gives this row's p three times its own, so
    // the conclusion holds while p < 0.05/3. scipy.stats.binomtest(3, 18).pvalue = 0.00754 and
    // binomtest(4, 19).pvalue = 0.01921: the 4th baseline-only pair tips it (4 of 60 = 6.7%).
    assert_eq!(r["conclusion"], "higher");
    assert_eq!(r["tipping_items"].as_u64(), Some(4), "{r}");
    assert_eq!(r["robust"], false);
    // scipy.stats.chi2_contingency([[0, 100], [60, 40]], correction=False): X² = 85.714285714,
    // p = 2.0790548718607e-20.
    let t = &section["invalidity"][0];
    assert_eq!((t["by"].as_str(), t["df"].as_u64(), t["exact"].as_bool()), (Some("g"), Some(1), Some(false)));
    assert!((t["statistic"].as_f64().unwrap() - 85.71428571428572).abs() < 1e-9, "{t}");
    assert!((t["p_value"].as_f64().unwrap() / 2.0790548718607197e-20 - 1.0).abs() < 1e-6, "{t}");
    assert_eq!(t["levels"][1]["invalid"].as_u64(), Some(60));
    // Level y against x. By hand: x has 11 model-only pairs of 100, no invalid label (Δ = 0.11
    // exactly); y has 4 model-only pairs of 40 valid, 14 valid model ones, 25 baseline ones, 60
    // invalid model labels over 100 items: Δ ∈ [14 − 25, 14 + 60 − 25]/100 = [−0.11, 0.49].
    let g = &section["gaps"][0];
    assert_eq!((g["level"].as_str(), g["reference"].as_str()), (Some("y"), Some("x")), "{g}");
    assert!(close(&g["amplification"], 0.1 - 0.11) && close(&g["share"], 0.3), "{g}");
    assert!(close(&g["bounds"][0], -0.11 - 0.11) && close(&g["bounds"][1], 0.49 - 0.11), "{g}");
}

#[test]
fn versus_comparisons_are_bounded_with_the_base_in_the_baselines_place() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path(), 1..=200);
    // A second model that copies the baseline: against BASE = model, BASE's 60 labels are missing.
    let copy: String = std::fs::read_to_string(&h)
        .unwrap()
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    let other = write(dir.path(), "other.csv", &copy);
    let f = findings(&[s(&h), s(&m), s(&other), "--versus", "model"]);
    let rows = f["missing"]["rows"].as_array().expect("rows");
    let r = rows.iter().find(|r| r["versus"] == "model").expect("a versus row");
    assert_eq!(
        (r["model"].as_str(), r["invalid_baseline"].as_u64(), r["invalid_model"].as_u64()),
        (Some("other"), Some(60), Some(0))
    );
    // other − model over 200 items: other's 50 ones; model's 50 valid ones + [0, 60].
    assert!(close(&r["difference_bounds"][0], (50.0 - 50.0 - 60.0) / 200.0), "{r}");
    assert!(close(&r["difference_bounds"][1], 0.0), "{r}");
    // The rows against the baseline come first.
    assert!(rows[0].get("versus").is_none(), "{}", rows[0]);
}

#[test]
fn the_terminal_names_a_fragile_comparison_and_a_dependent_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path(), 1..=200);
    let out = amplify().args(["compare", s(&h), s(&m), "--group", "g"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("missing labels model a: 60 of 200 items invalid"), "{text}");
    assert!(text.contains("[+0.0, +30.0] pp over every assignment; higher: tipping point 4 (7%)"), "{text}");
    assert!(
        text.contains("invalid labels of model on a depend on g: g x: 0.0%, g y: 60.0% invalid"),
        "{text}"
    );
}

#[test]
fn counts_files_and_shards_give_the_same_section() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path(), 1..=200);
    let direct = findings(&[s(&h), s(&m), "--group", "g"]);
    let counts = dir.path().join("counts.parquet");
    amplify().args(["count", s(&h), s(&m), "--group", "g", "-o", s(&counts)]).assert().success();
    assert_eq!(findings(&["--counts", s(&counts)])["missing"], direct["missing"]);
    // Two shards of the items (same file names, so the same source names), counted apart and
    // merged by summation.
    let mut shards = Vec::new();
    for (tag, ids) in [("one", 1..=90), ("two", 91..=200)] {
        let shard = dir.path().join(tag);
        std::fs::create_dir(&shard).unwrap();
        let [h, m] = fixture(&shard, ids);
        let out = dir.path().join(format!("counts_{tag}.csv"));
        amplify().args(["count", s(&h), s(&m), "--group", "g", "-o", s(&out)]).assert().success();
        shards.push(out);
    }
    let merged = findings(&["--counts", s(&shards[0]), "--counts", s(&shards[1])]);
    assert_eq!(merged["missing"], direct["missing"]);
}

#[test]
fn counts_without_the_cells_say_so_and_half_of_them_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path(), 1..=200);
    let counts = dir.path().join("counts.csv");
    amplify().args(["count", s(&h), s(&m), "-o", s(&counts)]).assert().success();
    let text = std::fs::read_to_string(&counts).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let keep = |n: usize| -> String {
        text.lines().map(|l| l.split(',').take(n).collect::<Vec<_>>().join(",") + "\n").collect()
    };
    let first = header.iter().position(|c| *c == "invalid_baseline_model_1").expect("columns written");
    let old = write(dir.path(), "old.csv", &keep(first));
    let f = findings(&["--counts", s(&old)]);
    assert_eq!(f["missing"]["rows"].as_array().map(Vec::len), Some(0), "{}", f["missing"]);
    assert!(f["missing"]["note"].as_str().unwrap().contains("do not say where the invalid labels fall"));
    // A hand edit that breaks the sums (one more item invalid on both sides) is refused.
    let edited: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| match l.starts_with("metric,model,a,") {
            true if i > 0 => l
                .rsplit_once(',')
                .map(|(head, both)| format!("{head},{}\n", both.parse::<u64>().unwrap() + 1))
                .unwrap(),
            _ => format!("{l}\n"),
        })
        .collect();
    let bad = write(dir.path(), "bad.csv", &edited);
    assert_user_error(amplify().args(["compare", "--counts", s(&bad)]), &["bad.csv", "invalid cells add up"]);
    let half = write(dir.path(), "half.csv", &keep(first + 2));
    assert_user_error(
        amplify().args(["compare", "--counts", s(&half)]),
        &["half.csv", "invalid_baseline_model_1", "but not all of"],
    );
}

#[test]
fn a_clustered_comparison_gets_bounds_but_no_mcnemar_tipping_point() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path(), 1..=200);
    let plain = findings(&[s(&h), s(&m)]);
    let clustered = findings(&[s(&h), s(&m), "--cluster", "g"]);
    let (p, c) = (&plain["missing"]["rows"][0], &clustered["missing"]["rows"][0]);
    assert_eq!(c["difference_bounds"], p["difference_bounds"]);
    assert!(
        p["tipping_items"].is_u64() && c["tipping_items"].is_null() && c.get("conclusion").is_none(),
        "{c}"
    );
}

#[test]
fn few_invalid_labels_leave_the_section_out() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path(), 1..=140);
    assert!(findings(&[s(&h), s(&m)]).get("missing").is_none());
}

#[test]
fn the_report_shows_the_section_with_names_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = fixture(dir.path(), 1..=200);
    let hostile = dir.path().join("m<i>x.csv");
    std::fs::rename(&m, &hostile).unwrap();
    let out = dir.path().join("report");
    amplify().args(["report", s(&h), s(&hostile), "--group", "g", "--out", s(&out)]).assert().success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let start = html.find("<h2>Missing labels</h2>").expect("section shown");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(section.contains("<td>m&lt;i&gt;x</td>") && !section.contains("<i>"), "{section}");
    assert!(section.contains("<td>[+0.0, +30.0]</td>") && section.contains("<td>4 (7%)</td>"), "{section}");
    let invalidity =
        &html[html.find("<h2>Invalid model labels by truth and level</h2>").expect("tests shown")..];
    assert!(invalidity.contains("x 0/100 (0.0); y 60/100 (60.0)"), "{invalidity}");
}

#[test]
fn pair_tests_are_bounded_over_every_assignment_of_missing_labels() {
    // 20 pairs: human x on side A = i mod 2, side B = ⌊i/2⌋ mod 2; the model's A = [i mod 3 = 0],
    // B = [i mod 4 < 2], except B invalid ("n/a") for i = 1, 6, 11, 16 and no A item for i = 19.
    // Python by hand (itertools over each incomplete pair's completions, the session's
    // /tmp/fx/pairs_missing.py): asymmetry over the 15 complete pairs 0.13333333333333333,
    // bounds [0.0, 0.25]; both sides 0.0, bounds [-0.1, -0.05].
    let dir = tempfile::tempdir().unwrap();
    let (mut human, mut model) = ("id,pair,side,x\n".to_string(), "id,x\n".to_string());
    for i in 0..20u32 {
        human += &format!("a{i},p{i},A,{}\nb{i},p{i},B,{}\n", i % 2, (i / 2) % 2);
        if i != 19 {
            model += &format!("a{i},{}\n", u8::from(i % 3 == 0));
        }
        let b = if [1, 6, 11, 16].contains(&i) { "n/a".to_string() } else { u8::from(i % 4 < 2).to_string() };
        model += &format!("b{i},{b}\n");
    }
    let h = write(dir.path(), "human.csv", &human).display().to_string();
    let m = write(dir.path(), "model.csv", &model).display().to_string();
    let pairs = ["--pair", "pair", "--variant", "side", "--variants", "A,B"];
    let f = findings(&[&[h.as_str(), m.as_str()][..], &pairs].concat());
    let rows = f["missing"]["pairs"].as_array().expect("pair rows");
    let get = |measure: &str| rows.iter().find(|r| r["measure"] == measure).expect(measure);
    let a = get("asymmetry");
    assert_eq!((a["pairs"].as_u64(), a["incomplete"].as_u64()), (Some(20), Some(5)));
    assert!((a["difference"].as_f64().unwrap() - 0.13333333333333333).abs() < 1e-12, "{a}");
    assert_eq!((a["bounds"][0].as_f64(), a["bounds"][1].as_f64()), (Some(0.0), Some(0.25)));
    let b = get("both_sides");
    assert!((b["bounds"][0].as_f64().unwrap() - -0.1).abs() < 1e-12, "{b}");
    assert!((b["bounds"][1].as_f64().unwrap() - -0.05).abs() < 1e-12, "{b}");
    assert_eq!(errors(&validator(), &f), Vec::<String>::new());
    // The report's table, as a person sees it (checked in a headless Chromium screenshot).
    let out = dir.path().join("report");
    amplify().arg("report").args([&h, &m]).args(pairs).args(["--out", s(&out)]).assert().success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let start = html.find("<h2>Counterfactual pairs under missing labels</h2>").expect("section shown");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(
        section.contains("<td>asymmetry</td><td>20</td><td>25.0</td><td>+13.3</td><td>[+0.0, +25.0]</td>"),
        "{section}"
    );
}

#[test]
fn pair_tests_tip_where_brute_force_over_every_completion_says() {
    // 24 complete pairs: human A = B = i mod 2; the model's A = 0, B = 1 for i < 12, else A = B
    // = i mod 2; 10 incomplete pairs with human A = B = 1, the model's A = 1 and B invalid.
    // scipy 1.17.1 by brute force over every subset of the incomplete pairs and every completion
    // (ttest_1samp for the asymmetry, binomtest for both sides, α = 0.05; the session's
    // /tmp/fx/pair_tipping.py): asymmetry "higher", tipped by 5 of the 10; both sides "lower",
    // robust (the incomplete pairs can only add concordant or baseline-only pairs).
    let dir = tempfile::tempdir().unwrap();
    let (mut human, mut model) = ("id,pair,side,x\n".to_string(), "id,x\n".to_string());
    for i in 0..34u32 {
        let h = if i < 24 { i % 2 } else { 1 };
        human += &format!("a{i},p{i},A,{h}\nb{i},p{i},B,{h}\n");
        let (a, b) = match i {
            0..=11 => ("0".to_string(), "1".to_string()),
            12..=23 => ((i % 2).to_string(), (i % 2).to_string()),
            _ => ("1".to_string(), "n/a".to_string()),
        };
        model += &format!("a{i},{a}\nb{i},{b}\n");
    }
    let h = write(dir.path(), "human.csv", &human).display().to_string();
    let m = write(dir.path(), "model.csv", &model).display().to_string();
    let args = ["--pair", "pair", "--variant", "side", "--variants", "A,B", "--correction", "none"];
    let f = findings(&[&[h.as_str(), m.as_str()][..], &args].concat());
    let rows = f["missing"]["pairs"].as_array().expect("pair rows");
    let get = |measure: &str| rows.iter().find(|r| r["measure"] == measure).expect(measure);
    let a = get("asymmetry");
    assert_eq!((a["conclusion"].as_str(), a["tipping_pairs"].as_u64()), (Some("higher"), Some(5)), "{a}");
    assert_eq!((a["tipping_share"].as_f64(), a["robust"].as_bool()), (Some(0.5), Some(false)), "{a}");
    let b = get("both_sides");
    assert_eq!((b["conclusion"].as_str(), b["robust"].as_bool()), (Some("lower"), Some(true)), "{b}");
    assert!(b["tipping_pairs"].is_null(), "{b}");
    assert_eq!(errors(&validator(), &f), Vec::<String>::new());
    // Under --cluster the tests are clustered: no tipping point, said by a null conclusion.
    let clustered = findings(&[&[h.as_str(), m.as_str()][..], &args, &["--cluster", "id"]].concat());
    let rows = clustered["missing"]["pairs"].as_array().expect("pair rows");
    assert!(rows.iter().all(|r| r.get("conclusion").is_none() && r["robust"].is_null()), "{rows:?}");
    // The report's table and the terminal, as a person sees them.
    let out = dir.path().join("report");
    amplify().arg("report").args([&h, &m]).args(args).args(["--out", s(&out)]).assert().success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let start = html.find("<h2>Counterfactual pairs under missing labels</h2>").expect("section shown");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(section.contains("<td>higher</td><td>5 (50%)</td>"), "{section}");
    assert!(section.contains("<td>lower</td><td>robust</td>"), "{section}");
}
