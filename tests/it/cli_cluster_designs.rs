//! `--cluster` with repeated samples (item means) and with counterfactual pairs, end to end,
//! against statsmodels on fixtures the tests write.
//!
//! Reference values: statsmodels 0.15.0, `OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups":
//! g}, use_t=True)` (and `OLS(y, X).fit()` for the independent-items standard error), items
//! without a cluster value each a group of their own; the same fixtures rebuilt in numpy by the
//! session that wrote this test (its /tmp/fx/cluster_designs.py).

use crate::common::{amplify, findings, write};
use crate::schema::{errors, validator};
use serde_json::Value;
use std::path::Path;

/// Clusters `c0`…`c13` of (c mod 4) + 2 items, then 3 items with no cluster value (c = 14, 15,
/// 16, j = 0). Item j of cluster c: human x = [(5c + 3j) mod 7 < 3], group g = p for even c + j
/// else q; the model's samples s = 1, 2, 3: x = [(3c + 2j + cj + 5s) mod 7 < 3], rows written
/// in reverse.
fn repeated(dir: &Path) -> [String; 2] {
    let items: Vec<(u32, u32, String)> = (0..14)
        .flat_map(|c| (0..c % 4 + 2).map(move |j| (c, j, format!("c{c}"))))
        .chain((14..17).map(|c| (c, 0, String::new())))
        .collect();
    let (mut human, mut model) = ("id,x,author,g\n".to_string(), Vec::new());
    for (i, (c, j, author)) in items.iter().enumerate() {
        let g = if (c + j) % 2 == 0 { "p" } else { "q" };
        human += &format!("{i},{},{author},{g}\n", u8::from((5 * c + 3 * j) % 7 < 3));
        for s in 1..=3 {
            model.push(format!("{i},{s},{}\n", u8::from((3 * c + 2 * j + c * j + 5 * s) % 7 < 3)));
        }
    }
    model.reverse();
    let model = format!("id,seed,x\n{}", model.concat());
    [write(dir, "human.csv", &human), write(dir, "model.csv", &model)].map(|p| p.display().to_string())
}

/// Clusters `c0`…`c14` of (c mod 3) + 2 pairs, then 2 pairs with no cluster value (c = 15, 16,
/// j = 0); both items of a pair carry its author and topic t(c mod 2). Pair j of cluster c:
/// human x on side A = [(5c + 3j) mod 7 < 3], on side B = [(2c + j) mod 5 < 2]; the model's A =
/// [(3c + 2j + cj) mod 5 < 3], B = [(c + 4j) mod 3 = 0]; a third source, base: A = [(c + j) mod 2
/// = 0], B = [cj mod 3 = 1].
fn pairs(dir: &Path) -> [String; 3] {
    let pairs: Vec<(u32, u32, String)> = (0..15)
        .flat_map(|c| (0..c % 3 + 2).map(move |j| (c, j, format!("c{c}"))))
        .chain((15..17).map(|c| (c, 0, String::new())))
        .collect();
    let mut human = "id,pair,side,x,author,topic\n".to_string();
    let (mut model, mut base) = ("id,x\n".to_string(), "id,x\n".to_string());
    for (i, (c, j, author)) in pairs.iter().enumerate() {
        let (ha, hb) = (u8::from((5 * c + 3 * j) % 7 < 3), u8::from((2 * c + j) % 5 < 2));
        let (ma, mb) = (u8::from((3 * c + 2 * j + c * j) % 5 < 3), u8::from((c + 4 * j) % 3 == 0));
        let (ba, bb) = (u8::from((c + j) % 2 == 0), u8::from((c * j) % 3 == 1));
        let topic = c % 2;
        human += &format!("a{i},p{i},A,{ha},{author},t{topic}\nb{i},p{i},B,{hb},{author},t{topic}\n");
        model += &format!("a{i},{ma}\nb{i},{mb}\n");
        base += &format!("a{i},{ba}\nb{i},{bb}\n");
    }
    [write(dir, "human.csv", &human), write(dir, "model.csv", &model), write(dir, "base.csv", &base)]
        .map(|p| p.display().to_string())
}

fn near(v: &Value, want: f64, tol: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < tol, "{got} vs {want}");
}

fn row(rows: &Value, pick: impl Fn(&Value) -> bool) -> &Value {
    rows.as_array().and_then(|r| r.iter().find(|x| pick(x))).unwrap_or_else(|| panic!("no row in {rows}"))
}

#[test]
fn repeated_samples_cluster_their_item_means_as_statsmodels_does() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = repeated(dir.path());
    let f =
        findings(&[&h, &m, "--sample", "seed", "--cluster", "author", "--group", "g", "--min-group", "2"]);
    assert_eq!(errors(&validator(), &f), Vec::<String>::new());
    let c = &f["comparisons"][0];
    // y = model mean − human label (N = 50, G = 17): params 0.006666666666666621, bse
    // 0.0369493046093037, conf_int [-0.07166235997713662, 0.08499569331046987], pvalues
    // 0.8590825579818314, df 16; OLS bse 0.06767268161329722. y = model mean: conf_int
    // [0.3827814978628946, 0.47055183547043855]; y = human: [0.35460306894619625,
    // 0.4853969310538038].
    near(&c["difference"], 0.006666666666666621, 1e-9);
    near(&c["difference_ci"][0], -0.07166235997713662, 1e-9);
    near(&c["difference_ci"][1], 0.08499569331046987, 1e-9);
    near(&c["p_value"], 0.8590825579818314, 1e-8);
    near(&c["model_ci"][0], 0.3827814978628946, 1e-9);
    near(&c["model_ci"][1], 0.47055183547043855, 1e-9);
    near(&c["baseline_ci"][0], 0.35460306894619625, 1e-9);
    near(&c["baseline_ci"][1], 0.4853969310538038, 1e-9);
    assert_eq!(c["method"], "clustered by author: CR1, t with 16 df");
    let k = &f["clustering"];
    let r = row(&k["rows"], |r| r["measure"] == "rate");
    assert_eq!((r["clusters"].as_u64(), r["items"].as_u64()), (Some(17), Some(50)));
    near(&r["se"], 0.0369493046093037, 1e-9);
    near(&r["se_independent"], 0.06767268161329722, 1e-9);
    // The 3 items without a cluster are known only by their sums: no wild bootstrap, said so.
    assert!(r["wild_p"].is_null(), "{r}");
    assert!(r["note"].as_str().is_some_and(|n| n.contains("wild")), "{r}");
    // Gap amplification: OLS(d, [1, q]) slope 0.20129870129870137, bse 0.18413632538543676,
    // conf_int [-0.18905287066501525, 0.591650273262418], pvalues 0.29049060847293673; the
    // reference level is q (the larger), so level p's amplification is its negation.
    let g = row(&f["groups"], |g| g["measure"] == "rate" && g["level"] == "p" && g["reference"] == "q");
    near(&g["amplification"], -0.20129870129870137, 1e-9);
    near(&g["amplification_ci"][0], -0.591650273262418, 1e-9);
    near(&g["amplification_ci"][1], 0.18905287066501525, 1e-9);
    near(&g["p_value"], 0.29049060847293673, 1e-8);
    near(&g["amplification_se"], 0.18413632538543676, 1e-9);
    // Its ratio of odds ratios, clustered: statsmodels Logit on the stacked item values (human
    // label, model mean: fractional outcomes) on [1, g == p, side, (g == p)·side], clustered,
    // use_t=True (the session's /tmp/fx/ror2.py; 100 rows, G 17): ROR 0.4331436699857752,
    // exp(conf_int) [0.07991431064210178, 2.347682628321447], pvalues[3] 0.3095640825283684,
    // bse[3] 0.7972594489470236.
    near(&g["ror"], 0.4331436699857752, 1e-9);
    near(&g["ror_ci"][0], 0.07991431064210178, 1e-9);
    near(&g["ror_ci"][1], 2.347682628321447, 1e-8);
    near(&g["ror_p_value"], 0.3095640825283684, 1e-8);
    let r = row(&k["rows"], |r| r["measure"] == "log ror");
    near(&r["se"], 0.7972594489470236, 1e-9);
}

#[test]
fn pair_tests_cluster_by_side_a_as_statsmodels_does() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m, _] = pairs(dir.path());
    let f = findings(&[
        &h,
        &m,
        "--pair",
        "pair",
        "--variant",
        "side",
        "--variants",
        "A,B",
        "--cluster",
        "author",
        "--group",
        "topic",
        "--min-group",
        "2",
    ]);
    assert_eq!(errors(&validator(), &f), Vec::<String>::new());
    let test = |measure: &str| row(&f["pair_tests"], |t| t["measure"] == measure && t["group_by"].is_null());
    // Asymmetry amplification, y = (m_B − m_A) − (h_B − h_A) per pair (N = 47, G = 17): params
    // -0.1276595744680851, bse 0.12702168146854617, conf_int [-0.3969335101292504,
    // 0.14161436119308016], pvalues 0.32984458908807135; OLS bse 0.15090544262814756.
    let a = test("asymmetry");
    near(&a["difference"], -0.1276595744680851, 1e-12);
    near(&a["difference_ci"][0], -0.3969335101292504, 1e-12);
    near(&a["difference_ci"][1], 0.14161436119308016, 1e-12);
    near(&a["p_value"], 0.32984458908807135, 1e-10);
    assert_eq!(a["method"], "clustered by author: CR1, t with 16 df");
    // Both sides, y = [m_A = m_B = 1] − [h_A = h_B = 1]: params -0.042553191489361694, conf_int
    // [-0.15159005565024034, 0.06648367267151695], pvalues 0.4202223080066895.
    let b = test("both_sides");
    near(&b["difference"], -0.042553191489361694, 1e-12);
    near(&b["difference_ci"][0], -0.15159005565024034, 1e-12);
    near(&b["difference_ci"][1], 0.06648367267151695, 1e-12);
    near(&b["p_value"], 0.4202223080066895, 1e-10);
    let k = &f["clustering"]["rows"];
    let r = row(k, |r| r["measure"] == "pairs asymmetry");
    assert_eq!((r["clusters"].as_u64(), r["items"].as_u64()), (Some(17), Some(47)));
    near(&r["se"], 0.12702168146854617, 1e-12);
    near(&r["se_independent"], 0.15090544262814756, 1e-12);
    // The pair values are known (0/1 labels), so below 20 clusters the wild p is there.
    let wild = r["wild_p"].as_f64().expect("wild p");
    assert!(wild > 0.0 && wild <= 1.0, "{r}");

    // Each source's own asymmetry, y = B − A per pair: human params 0 (6.9e-18), conf_int
    // [-0.14702225239877686, 0.14702225239877686], pvalues 1.0; model params -0.12765957446808507,
    // bse 0.07285043626504263, conf_int [-0.2820956003569292, 0.026776451420759073], pvalues
    // 0.09885181952459253.
    let own = |source: &str| row(&f["pairs"], |r| r["source"] == source && r["group_by"].is_null());
    let (human, model) = (own("human"), own("model"));
    near(&human["asymmetry_ci"][1], 0.14702225239877686, 1e-12);
    near(&human["p_value"], 1.0, 1e-12);
    near(&model["asymmetry"], -0.12765957446808507, 1e-12);
    near(&model["asymmetry_ci"][0], -0.2820956003569292, 1e-12);
    near(&model["asymmetry_ci"][1], 0.026776451420759073, 1e-12);
    near(&model["p_value"], 0.09885181952459253, 1e-10);
    assert_eq!(model["method"], "clustered by author: CR1, t with 16 df");
    // Its rates over its pairs, y = [m_A = m_B = 1] and y = [m_A ≠ m_B]: both 0.1489361702127659,
    // conf_int [0.049208070870534734, 0.24866426955499704]; flip 0.5106382978723402, conf_int
    // [0.3513736201558696, 0.6699029755888107].
    near(&model["both"]["rate"], 0.1489361702127659, 1e-12);
    near(&model["both"]["ci"][0], 0.049208070870534734, 1e-12);
    near(&model["both"]["ci"][1], 0.24866426955499704, 1e-12);
    near(&model["flip"]["ci"][0], 0.3513736201558696, 1e-12);
    near(&model["flip"]["ci"][1], 0.6699029755888107, 1e-12);
    let r = row(k, |r| r["measure"] == "asymmetry" && r["model"] == "model");
    near(&r["se"], 0.07285043626504263, 1e-12);
    // On the pairs of one level of a grouping (side A's topic t0, N = 25, G = 9): the asymmetry
    // amplification params -0.15999999999999998, conf_int [-0.5325771995682418,
    // 0.21257719956824184], pvalues 0.3510336572149064 (df 8).
    let t0 = row(&f["pair_tests"], |t| t["measure"] == "asymmetry" && t["level"] == "t0");
    near(&t0["difference"], -0.15999999999999998, 1e-12);
    near(&t0["difference_ci"][0], -0.5325771995682418, 1e-12);
    near(&t0["difference_ci"][1], 0.21257719956824184, 1e-12);
    near(&t0["p_value"], 0.3510336572149064, 1e-10);
    assert_eq!(t0["method"], "clustered by author: CR1, t with 8 df");
    // The report says the pair tests are clustered, and lists each source's own asymmetry
    // (checked in a headless Chromium screenshot).
    let out = dir.path().join("report");
    let args = ["--pair", "pair", "--variant", "side", "--variants", "A,B", "--cluster", "author"];
    amplify()
        .arg("report")
        .args([&h, &m])
        .args(args)
        .args(["--out", &out.display().to_string()])
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        html.contains("Δ and p clustered by author (side A's cluster; CR1 standard errors"),
        "pair tests' intro"
    );
    let start = html.find("<h2>Clustered by author</h2>").expect("section shown");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(
        section.contains("<td>x own pair asymmetry</td><td>17</td><td>47</td><td>7.29</td>"),
        "{section}"
    );
}

#[test]
fn comparisons_against_a_base_model_are_clustered_too() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m, b] = pairs(dir.path());
    let f = findings(&[&h, &m, &b, "--versus", "base", "--cluster", "author"]);
    assert_eq!(errors(&validator(), &f), Vec::<String>::new());
    let c = row(&f["versus"]["comparisons"], |c| c["model"] == "model");
    // y = model − base per item (N = 94, G = 19: the 4 items of the 2 pairs without an author
    // are clusters of one): params 0.053191489361702135, bse 0.050658374394171875, conf_int
    // [-0.053237805925795814, 0.1596207846492001], pvalues 0.30761019338849194 (df 18).
    near(&c["difference"], 0.053191489361702135, 1e-12);
    near(&c["difference_ci"][0], -0.053237805925795814, 1e-12);
    near(&c["difference_ci"][1], 0.1596207846492001, 1e-12);
    near(&c["p_value"], 0.30761019338849194, 1e-10);
    assert_eq!(c["method"], "clustered by author: CR1, t with 18 df");
    let r = row(&f["clustering"]["rows"], |r| r["versus"] == "base" && r["model"] == "model");
    near(&r["se"], 0.050658374394171875, 1e-12);
    assert_eq!(r["clusters"].as_u64(), Some(19));
    // One metric: the overall score's item difference is the same y, so the same interval.
    let o = row(&f["versus"]["overall"], |o| o["model"] == "model");
    near(&o["difference_ci"][0], -0.053237805925795814, 1e-12);
    near(&o["difference_ci"][1], 0.1596207846492001, 1e-12);
    assert_eq!(o["method"], "clustered by author: CR1, t with 18 df");
}

/// Clusters `c0`…`c12` of (c mod 4) + 2 items, then 3 items with no cluster value (c = 13, 14,
/// 15, j = 0); item i, j-th of cluster c: human x = [(5c + 3j) mod 7 < 3], y = [(c + 2j) mod 3
/// = 0]; the model's x = [(3c + 2j + cj) mod 5 < 3], y = [(2c + 5j) mod 4 < 2], with y invalid
/// ("n/a") on items i ≡ 5 (mod 11).
fn two_metrics(dir: &Path) -> [String; 2] {
    let items: Vec<(u32, u32, String)> = (0..13)
        .flat_map(|c| (0..c % 4 + 2).map(move |j| (c, j, format!("c{c}"))))
        .chain((13..16).map(|c| (c, 0, String::new())))
        .collect();
    let (mut human, mut model) = ("id,x,y,author\n".to_string(), "id,x,y\n".to_string());
    for (i, (c, j, author)) in items.iter().enumerate() {
        let (hx, hy) = (u8::from((5 * c + 3 * j) % 7 < 3), u8::from((c + 2 * j) % 3 == 0));
        let (mx, my) = (u8::from((3 * c + 2 * j + c * j) % 5 < 3), u8::from((2 * c + 5 * j) % 4 < 2));
        human += &format!("{i},{hx},{hy},{author}\n");
        let my = if i % 11 == 5 { "n/a".to_string() } else { my.to_string() };
        model += &format!("{i},{mx},{my}\n");
    }
    [write(dir, "human.csv", &human), write(dir, "model.csv", &model)].map(|p| p.display().to_string())
}

#[test]
fn the_overall_score_is_clustered_too() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = two_metrics(dir.path());
    let f = findings(&[&h, &m, "--cluster", "author"]);
    assert_eq!(errors(&validator(), &f), Vec::<String>::new());
    // y = ((m_x + m_y) − (h_x + h_y))/2 on the 43 items scored on both metrics (G = 16):
    // params 0.10465116279069771, bse 0.05617446245907426, conf_int [-0.015081869689760816,
    // 0.22438419527115622], pvalues 0.08216690131030514, df 15 (the session's
    // /tmp/fx/overall.py).
    let o = &f["overall"][0];
    near(&o["difference"], 0.10465116279069771, 1e-12);
    near(&o["difference_ci"][0], -0.015081869689760816, 1e-12);
    near(&o["difference_ci"][1], 0.22438419527115622, 1e-12);
    near(&o["p_value"], 0.08216690131030514, 1e-10);
    assert_eq!(o["method"], "clustered by author: CR1, t with 15 df");
    let r = row(&f["clustering"]["rows"], |r| r["measure"] == "overall");
    assert_eq!((r["clusters"].as_u64(), r["items"].as_u64()), (Some(16), Some(43)));
    near(&r["se"], 0.05617446245907426, 1e-12);
    // Item scores of the 3 unclustered items are halves, known by their sums: no wild p.
    assert!(r["wild_p"].is_null() && r["note"].as_str().is_some_and(|n| n.contains("wild")), "{r}");
    // Counts files keep each cluster's score sums; two shards merged give the same.
    let counts = dir.path().join("counts.csv");
    let c = counts.display().to_string();
    amplify().args(["count", &h, &m, "--cluster", "author", "-o", &c]).assert().success();
    let again = findings(&["--counts", &c, "--cluster", "author"]);
    assert_eq!(again["overall"], f["overall"]);
}

#[test]
fn the_overall_score_of_item_means_clusters_as_statsmodels_does() {
    // Clusters c0…c11 of (c mod 3) + 2 items, then 2 items without a cluster (c = 12, 13,
    // j = 0). Item j of cluster c: human x = [(5c + 3j) mod 7 < 3], y = [(c + 2j) mod 4 < 2];
    // the model's samples s = 1, 2, 3: x = [(3c + 2j + cj + 5s) mod 7 < 3], y = [(c + j + 2s)
    // mod 5 < 2]. Item score = the mean over x, y of the item means; statsmodels on d = m − b
    // (the session's /tmp/fx/overall_repeated.py; N 38, G 14): params -0.05263157894736846, bse
    // 0.03180212467327521, conf_int [-0.1213358923004342, 0.016072734405697287], pvalues
    // 0.12185857854663085; OLS bse 0.04537450329370294.
    let dir = tempfile::tempdir().unwrap();
    let items: Vec<(u32, u32, String)> = (0..12)
        .flat_map(|c| (0..c % 3 + 2).map(move |j| (c, j, format!("c{c}"))))
        .chain((12..14).map(|c| (c, 0, String::new())))
        .collect();
    let (mut human, mut model) = ("id,x,y,author\n".to_string(), "id,seed,x,y\n".to_string());
    for (i, (c, j, author)) in items.iter().enumerate() {
        let (x, y) = (u8::from((5 * c + 3 * j) % 7 < 3), u8::from((c + 2 * j) % 4 < 2));
        human += &format!("{i},{x},{y},{author}\n");
        for s in 1..=3 {
            let x = u8::from((3 * c + 2 * j + c * j + 5 * s) % 7 < 3);
            model += &format!("{i},{s},{x},{}\n", u8::from((c + j + 2 * s) % 5 < 2));
        }
    }
    let h = write(dir.path(), "human.csv", &human).display().to_string();
    let m = write(dir.path(), "model.csv", &model).display().to_string();
    let f = findings(&[&h, &m, "--sample", "seed", "--cluster", "author"]);
    assert_eq!(errors(&validator(), &f), Vec::<String>::new());
    let o = &f["overall"][0];
    near(&o["difference"], -0.05263157894736846, 1e-9);
    near(&o["difference_ci"][0], -0.1213358923004342, 1e-9);
    near(&o["difference_ci"][1], 0.016072734405697287, 1e-9);
    near(&o["p_value"], 0.12185857854663085, 1e-8);
    assert_eq!(o["method"], "clustered by author: CR1, t with 13 df");
    let r = row(&f["clustering"]["rows"], |r| r["measure"] == "overall");
    assert_eq!((r["clusters"].as_u64(), r["items"].as_u64()), (Some(14), Some(38)));
    near(&r["se"], 0.03180212467327521, 1e-9);
    near(&r["se_independent"], 0.04537450329370294, 1e-9);
    // From two shards' counts (items split by parity), merged: the same interval.
    let mut counts = Vec::new();
    for shard in 0..2usize {
        let keep = |text: &str| {
            let mut lines = text.lines();
            let head = format!("{}\n", lines.next().unwrap());
            head + &lines
                .filter(|l| l.split(',').next().unwrap().parse::<usize>().unwrap() % 2 == shard)
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        };
        let folder = dir.path().join(format!("s{shard}"));
        std::fs::create_dir(&folder).unwrap();
        let hs = write(&folder, "human.csv", &keep(&human));
        let ms = write(&folder, "model.csv", &keep(&model));
        let out = folder.join("counts.csv");
        amplify()
            .arg("count")
            .args([&hs, &ms])
            .args(["--sample", "seed", "--cluster", "author", "--output"])
            .arg(&out)
            .assert()
            .success();
        counts.push(out.display().to_string());
    }
    let merged = findings(&["--counts", &counts[0], "--counts", &counts[1], "--cluster", "author"]);
    assert_eq!(merged["overall"], f["overall"]);
}
