//! `--verdict-classes`: the k×k tables, class rates, marginal homogeneity and the named
//! movements, checked by hand on a ten-item fixture and against statsmodels; the same section
//! from the tidy, wide and long layouts and from counts files (whole and in shards); the inputs
//! it refuses.

use crate::common::{amplify, assert_user_error, findings, write};
use serde_json::Value;
use std::path::Path;

/// One fixture row: id, truth, human, model.
type Item = (u32, &'static str, &'static str, &'static str);

/// Ten posts: the truth (crowd), the human top comment and the model, by hand.
const ITEMS: [Item; 10] = [
    (1, "YTA", "YTA", "ESH"),
    (2, "YTA", "YTA", "NTA"),
    (3, "YTA", "ESH", "ESH"),
    (4, "NTA", "NTA", "ESH"),
    (5, "NTA", "NAH", "INFO"),
    (6, "YTA", "YTA", "YTA"),
    (7, "NTA", "NTA", "nta "),
    (8, "ESH", "ESH", "maybe"),
    (9, "INFO", "INFO", "YTA"),
    (10, "NTA", "NTA", "NAH"),
];

fn tidy(dir: &Path) -> [String; 2] {
    let human: String = ITEMS.iter().map(|(i, t, h, _)| format!("{i},{t},{h}\n")).collect();
    let model: String = ITEMS.iter().map(|(i, _, _, m)| format!("{i},{m}\n")).collect();
    let h = write(dir, "human.csv", &format!("id,crowd,verdict\n{human}"));
    let m = write(dir, "model.csv", &format!("id,verdict\n{model}"));
    [h, m].map(|p| p.to_str().unwrap().to_string())
}

const OPTIONS: [&str; 5] = ["--truth", "crowd", "--verdict", "verdict", "--verdict-classes"];

fn classes(f: &Value) -> &Value {
    &f["verdict_classes"]
}

fn movement<'a>(v: &'a Value, source: &str, reference: &str, name: &str) -> &'a Value {
    v["movements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["source"] == source && m["reference"] == reference && m["movement"] == name)
        .unwrap_or_else(|| panic!("no {name} of {source} against {reference}"))
}

fn table<'a>(v: &'a Value, source: &str, reference: &str) -> &'a Value {
    v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["source"] == source && t["reference"] == reference)
        .unwrap()
}

#[test]
fn tables_and_movements_match_the_hand_count() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = tidy(dir.path());
    let f =
        findings(&[&h, &format!("model={m}"), OPTIONS[0], OPTIONS[1], OPTIONS[2], OPTIONS[3], OPTIONS[4]]);
    let v = classes(&f);
    assert_eq!(v["classes"], serde_json::json!(["YTA", "NTA", "ESH", "NAH", "INFO"]));
    // Rows human, columns model; item 8 ("maybe") has no class.
    let t = table(v, "model", "human");
    let expected = serde_json::json!([
        [1, 1, 1, 0, 0],
        [0, 1, 1, 1, 0],
        [0, 0, 1, 0, 0],
        [0, 0, 0, 0, 1],
        [1, 0, 0, 0, 0]
    ]);
    assert_eq!(t["counts"], expected);
    assert_eq!(t["outside"], 1);
    // Against the human: softening 2 of the 3 human-YTA items, both-blame 2 of 6, abstention 1 of
    // the 8 items the human judged (item 9 is INFO → YTA, item 8 has no model class).
    for (name, n, moved) in [("softening", 3, 2), ("both-blame", 6, 2), ("abstention", 8, 1)] {
        let row = movement(v, "model", "human", name);
        assert_eq!((row["n"].as_u64(), row["moved"].as_u64()), (Some(n), Some(moved)), "{row}");
        assert!(row.get("difference").is_none(), "no paired difference against the baseline: {row}");
    }
    // Against the truth: the model softens 3 of the 4 truth-YTA items, the human 1 (item 3),
    // on the same items: Δ = (2 − 0)/4.
    let soft = movement(v, "model", "truth", "softening");
    assert_eq!((soft["n"].as_u64(), soft["moved"].as_u64()), (Some(4), Some(3)));
    assert_eq!(soft["baseline_rate"].as_f64(), Some(0.25));
    assert_eq!(soft["difference"].as_f64(), Some(0.5));
    let own = movement(v, "human", "truth", "softening");
    assert_eq!((own["n"].as_u64(), own["moved"].as_u64()), (Some(4), Some(1)));
    // Class rates over the 9 items both gave a class: YTA 3/9 (human) vs 2/9 (model).
    let yta = v["rates"].as_array().unwrap().iter().find(|r| r["class"] == "YTA").unwrap();
    assert_eq!(yta["n"], 9);
    assert!((yta["difference"].as_f64().unwrap() + 1.0 / 9.0).abs() < 1e-12, "{yta}");
    // statsmodels 0.15.0 SquareTable(t).homogeneity(): 2.0, df 4; scipy chi2.sf(2, 4).
    let hm = &v["homogeneity"][0];
    assert!((hm["statistic"].as_f64().unwrap() - 2.0).abs() < 1e-12, "{hm}");
    assert_eq!(hm["df"], 4);
    assert!((hm["p_value"].as_f64().unwrap() - 0.7357588823428847).abs() < 1e-12, "{hm}");
    // The binary comparison is what it was: at fault = YTA/ESH, other words invalid.
    assert_eq!(f["settings"]["verdict_classes"], v["classes"]);
}

#[test]
fn bhapkar_and_custom_classes_are_options() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = tidy(dir.path());
    let f = findings(&[&h, &m, "--verdict", "verdict", "--verdict-classes", "--homogeneity-test", "bhapkar"]);
    // statsmodels 0.15.0 SquareTable(t).homogeneity("bhapkar"): 2.5714285714285707, df 4.
    let hm = &classes(&f)["homogeneity"][0];
    assert!((hm["statistic"].as_f64().unwrap() - 2.5714285714285707).abs() < 1e-12, "{hm}");
    assert_eq!(classes(&f)["test"], "Bhapkar");
    // Three classes: ESH, NAH and INFO answers have no class; no movement names a missing class.
    let f = findings(&[&h, &m, "--verdict", "verdict", "--verdict-classes=yta, NTA,esh"]);
    let v = classes(&f);
    assert_eq!(v["classes"], serde_json::json!(["YTA", "NTA", "ESH"]));
    let names: Vec<&str> =
        v["movements"].as_array().unwrap().iter().map(|m| m["movement"].as_str().unwrap()).collect();
    assert_eq!(names, ["both-blame"]);
}

/// The section of a run, without the parts that name the files.
fn section(args: &[&str]) -> Value {
    classes(&findings(args)).clone()
}

#[test]
fn wide_long_and_counts_inputs_give_the_same_section() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = tidy(dir.path());
    let tidy_run = section(&[&h, &m, "--truth", "crowd", "--verdict", "verdict", "--verdict-classes"]);
    let wide: String = ITEMS.iter().map(|(i, t, h, m)| format!("{i},{t},{h},{m}\n")).collect();
    let wide = write(dir.path(), "wide.csv", &format!("id,crowd,verdict_human,verdict_model\n{wide}"));
    let wide_run =
        section(&[wide.to_str().unwrap(), "--truth", "crowd", "--verdict", "verdict", "--verdict-classes"]);
    assert_eq!(wide_run, tidy_run);
    let mut long = String::from("id,source,crowd,verdict\n");
    for (i, t, h, m) in ITEMS.iter().rev() {
        long += &format!("{i},model,,{m}\n{i},human,{t},{h}\n");
    }
    let long = write(dir.path(), "long.csv", &long);
    let long_args =
        [long.to_str().unwrap(), "--source-column", "source", "--truth", "crowd", "--verdict", "verdict"];
    let long_run = section(&[&long_args[..], &["--verdict-classes"]].concat());
    assert_eq!(long_run, tidy_run);
    // Counts: whole, and two shards of items merged (no --verdict-classes needed to read them).
    let counts = dir.path().join("c.parquet");
    amplify()
        .args(["count", &h, &m, "--truth", "crowd", "--verdict", "verdict", "--verdict-classes", "-o"])
        .arg(&counts)
        .assert()
        .success();
    assert_eq!(section(&["--counts", counts.to_str().unwrap(), "--verdict", "verdict"]), tidy_run);
    let shard = |name: &str, keep: fn(u32) -> bool| {
        let rows =
            |f: &dyn Fn(&Item) -> String| -> String { ITEMS.iter().filter(|x| keep(x.0)).map(f).collect() };
        let h = write(
            dir.path(),
            &format!("{name}_h.csv"),
            &format!("id,crowd,verdict\n{}", rows(&|(i, t, h, _)| format!("{i},{t},{h}\n"))),
        );
        let m = write(
            dir.path(),
            &format!("{name}_m.csv"),
            &format!("id,verdict\n{}", rows(&|(i, _, _, m)| format!("{i},{m}\n"))),
        );
        let out = dir.path().join(format!("{name}.csv"));
        amplify()
            .args(["count", h.to_str().unwrap(), &format!("model={}", m.display())])
            .args(["--truth", "crowd", "--verdict", "verdict", "--verdict-classes", "-o"])
            .arg(&out)
            .assert()
            .success();
        out.to_str().unwrap().to_string()
    };
    let (a, b) = (shard("odd", |i| i % 2 == 1), shard("even", |i| i % 2 == 0));
    assert_eq!(section(&["--counts", &a, "--counts", &b, "--verdict", "verdict"]), tidy_run);
}

#[test]
fn counts_with_unused_default_classes_read_back_the_same() {
    // Only YTA/NTA/ESH used: without --verdict-classes on the counts run, the section still has
    // the five default classes, so the same rows and the same family.
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "h.csv", "id,verdict\n1,YTA\n2,YTA\n3,NTA\n4,NTA\n5,YTA\n6,NTA\n");
    let m = write(dir.path(), "m.csv", "id,verdict\n1,ESH\n2,YTA\n3,NTA\n4,ESH\n5,NTA\n6,NTA\n");
    let (h, m) = (h.to_str().unwrap(), m.to_str().unwrap());
    let direct = findings(&[h, m, "--verdict", "verdict", "--verdict-classes"]);
    let counts = dir.path().join("c.csv");
    amplify()
        .args(["count", h, m, "--verdict", "verdict", "--verdict-classes", "-o"])
        .arg(&counts)
        .assert()
        .success();
    let back = findings(&["--counts", counts.to_str().unwrap(), "--verdict", "verdict"]);
    assert_eq!(classes(&back), classes(&direct));
    assert_eq!(back["settings"]["verdict_classes"], direct["settings"]["verdict_classes"]);
    let names: Vec<&str> = classes(&back)["movements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["movement"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["softening", "both-blame", "abstention"]);
}

#[test]
fn the_sample_matches_statsmodels_and_shows_model_a_softening() {
    let s = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let p = |n: &str| s.join(format!("{n}.parquet")).to_str().unwrap().to_string();
    let f = findings(&[
        &p("human"),
        &p("model_a"),
        &p("model_b"),
        "--truth",
        "crowd_verdict",
        "--verdict",
        "verdict",
        "--verdict-classes",
    ]);
    let v = classes(&f);
    let t = table(v, "model_a", "human");
    let n: u64 = t["counts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|x| x.as_u64().unwrap())
        .sum();
    assert_eq!(n + t["outside"].as_u64().unwrap(), 3000, "every matched item once");
    // statsmodels 0.15.0 SquareTable(table).homogeneity() on this table: 432.47461774299177.
    // Its df is 4 because it drops the last class (INFO, unused), solving a singular system;
    // with INFO unused the free margins are 3 (df 3 here).
    let hm = v["homogeneity"].as_array().unwrap().iter().find(|h| h["model"] == "model_a").unwrap();
    assert!((hm["statistic"].as_f64().unwrap() - 432.47461774299177).abs() < 1e-8, "{hm}");
    assert_eq!(hm["df"], 3);
    let a = movement(v, "model_a", "truth", "softening");
    let b = movement(v, "model_b", "truth", "softening");
    assert!(a["difference"].as_f64().unwrap() > b["difference"].as_f64().unwrap(), "{a} {b}");
    assert_eq!(a["significant"], true);
    // The README's reading: 62.3% of the crowd's YTA softened, humans 9.6%, +52.7 pp.
    let pp = |x: &Value| (x.as_f64().unwrap() * 1000.0).round() / 10.0;
    assert_eq!((pp(&a["rate"]), pp(&a["baseline_rate"]), pp(&a["difference"])), (62.3, 9.6, 52.7));
    // Without --verdict-classes nothing changes: no section, the same comparisons.
    let plain = findings(&[
        &p("human"),
        &p("model_a"),
        &p("model_b"),
        "--truth",
        "crowd_verdict",
        "--verdict",
        "verdict",
    ]);
    assert!(plain.get("verdict_classes").is_none());
    assert_eq!(plain["comparisons"], f["comparisons"]);
}

#[test]
fn what_it_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = tidy(dir.path());
    let run = |extra: &[&str]| {
        let mut cmd = amplify();
        cmd.args(["compare", &h, &m]).args(extra);
        cmd
    };
    assert_user_error(&mut run(&["--verdict-classes"]), &["--verdict-classes", "--verdict METRIC"]);
    assert_user_error(
        &mut run(&["--verdict", "verdict", "--verdict-classes=YTA"]),
        &["at least two classes"],
    );
    assert_user_error(
        &mut run(&["--verdict", "verdict", "--verdict-classes=YTA,N/A"]),
        &["'N/A'", "letters"],
    );
    let samples = write(dir.path(), "s.csv", "id,seed,verdict\n1,1,YTA\n1,2,NTA\n");
    let mut cmd = amplify();
    cmd.args([
        "compare",
        &h,
        samples.to_str().unwrap(),
        "--sample",
        "seed",
        "--verdict",
        "verdict",
        "--verdict-classes",
    ]);
    assert_user_error(&mut cmd, &["one verdict per item"]);
    // A counts file whose class rows do not add up to the matched items, or name a bad cell.
    let counts = dir.path().join("c.csv");
    amplify()
        .args(["count", &h, &m, "--verdict", "verdict", "--verdict-classes", "-o"])
        .arg(&counts)
        .assert()
        .success();
    let text = std::fs::read_to_string(&counts).unwrap();
    let class_row = text.lines().find(|l| l.starts_with("class,model,")).unwrap().to_string();
    let more = text.replacen(&class_row, &class_row.replacen(",1,0,0", ",7,0,0", 1), 1);
    assert_ne!(more, text, "the class row's count was edited");
    let bad = write(dir.path(), "more.csv", &more);
    let mut cmd = amplify();
    cmd.args(["compare", "--counts", bad.to_str().unwrap()]);
    assert_user_error(&mut cmd, &["class rows of 'model'", "matched items"]);
    let cell = class_row.split(',').nth(7).unwrap().to_string();
    let broken = write(dir.path(), "cell.csv", &text.replacen(&cell, "YTA>>ESH", 1));
    let mut cmd = amplify();
    cmd.args(["compare", "--counts", broken.to_str().unwrap()]);
    assert_user_error(&mut cmd, &["TRUTH>BASELINE>MODEL"]);
}

#[test]
fn the_report_shows_the_heatmap_above_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let [h, m] = tidy(dir.path());
    let out = dir.path().join("r");
    amplify().args(["report", &h, &m]).args(OPTIONS).arg("--out").arg(&out).assert().success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("{needle} missing"));
    let figure = at("Verdict classes: each reference class");
    assert!(
        figure < at("<h2>Verdict classes</h2>")
            && at("<h2>Verdict classes</h2>") < at("<h2>Verdict movements</h2>")
    );
    assert!(at("<h2>Verdict movements</h2>") < at("<h2>verdict: human × model</h2>"));
    assert!(html.contains("Stuart A (1955)"), "the methods cite the test");
    let svg = std::fs::read_to_string(out.join("charts/verdict-classes.svg")).unwrap();
    // Three panels (human × model, truth × human, truth × model) of 5 × 5 cells.
    assert_eq!(svg.matches("verdict · ").count(), 3, "{svg}");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| human \\ model | YTA | NTA | ESH | NAH | INFO | n |"), "{md}");
}

/// The flair (or phrase) a code may be written as in a published file.
fn in_words(code: &str) -> &str {
    match code {
        "YTA" => "You're the Asshole",
        "NTA" => " not the a-hole",
        "ESH" => "Everyone Sucks",
        "NAH" => "No A-holes here",
        "INFO" => "Not enough info",
        other => other,
    }
}

#[test]
fn verdicts_in_words_read_as_their_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let [h, m] = tidy(d);
    let coded = findings(&[&[h.as_str(), m.as_str()][..], &OPTIONS[..]].concat());
    // The same ten posts with the model's and the truth's verdicts in words; each line is split
    // on its first two commas only, so a phrase needs no quoting.
    let human: String = ITEMS.iter().map(|(i, t, h, _)| format!("{i},{},{h}\n", in_words(t))).collect();
    let model: String = ITEMS.iter().map(|(i, _, _, m)| format!("{i},{}\n", in_words(m))).collect();
    let hw = write(d, "human_words.csv", &format!("id,crowd,verdict\n{human}"));
    let mw = write(d, "model_words.csv", &format!("id,verdict\n{model}"));
    let words = findings(&[&[hw.to_str().unwrap(), mw.to_str().unwrap()][..], &OPTIONS[..]].concat());
    for block in ["comparisons", "truth", "verdict_classes"] {
        assert_eq!(words[block].to_string().replace("_words", ""), coded[block].to_string(), "{block}");
    }
    // inspect counts the words as their classes.
    let out = amplify().arg("inspect").arg(&mw).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("verdicts in verdict: YTA 2, NTA 2, ESH 3, NAH 1, INFO 1"), "{text}");
}
