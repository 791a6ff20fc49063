//! `amplify words`: the log-odds against values computed by hand, the planted words of the
//! sample found, layouts and formats agreeing, and hostile texts refused or read.

use crate::common::{amplify, assert_user_error, write};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Six human comments (three per level) and six model answers to the same items.
const HUMAN: &str = "id,group,response\n1,a,cat cat dog\n2,a,Cat bird\n3,a,dog\n4,b,dog dog bird\n5,b,cat dog\n6,b,bird bird\n";
const MODEL: &str = "id,response\n1,cat cat cat\n2,cat dog\n3,CAT bird\n4,dog dog\n5,dog bird\n6,bird dog\n";

fn fixture(dir: &Path) -> [PathBuf; 2] {
    [write(dir, "human.csv", HUMAN), write(dir, "model.csv", MODEL)]
}

fn words_json(args: &[&str]) -> Value {
    let out = amplify().arg("words").args(args).args(["--format", "json"]).output().expect("run");
    assert!(out.status.success(), "words failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn row<'a>(rows: &'a Value, key: &str, value: &str, word: &str) -> &'a Value {
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| r[key] == value && r["word"] == word)
        .unwrap_or_else(|| panic!("no row {key}={value} word={word} in {rows}"))
}

fn close(v: &Value, expected: f64) {
    let got = v.as_f64().expect("a number");
    assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
}

/// Reference values: numpy 2.4 by hand from Monroe et al. (2008) eq. 22, independent of amplify:
///   alpha = pooled counts (bird 7, cat 9, dog 10), a0 = 26; human a: bird 1 cat 3 dog 2 (n 6),
///   human b: 3 1 3 (n 7); model a: 1 5 1 (n 7), model b: 2 0 4 (n 6)
///   d = log((ya+alpha)/(na+a0-ya-alpha)) - log((yb+alpha)/(nb+a0-yb-alpha)); v = 1/(ya+alpha) + 1/(yb+alpha)
///   amplification = d_model - d_human, z = amplification / sqrt(v_model + v_human)
#[test]
fn log_odds_and_amplification_match_numpy_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let [h, m] = fixture(dir.path());
    let f = words_json(&[
        h.to_str().unwrap(),
        m.to_str().unwrap(),
        "--group",
        "group",
        "--reference",
        "b",
        "--min-count",
        "1",
        "--top",
        "0",
    ]);
    assert_eq!(f["schema"], "amplify.words/1");
    assert_eq!(f["vocabulary"], 3);
    let expected = [
        (
            "bird",
            -0.2657031657330058,
            -0.5601514568223338,
            -0.2011646445954346,
            0.06453852113757119,
            0.09504214207407954,
        ),
        (
            "cat",
            0.3220834991691133,
            0.7522249921050103,
            0.6328879890417483,
            0.310804489872635,
            0.5138331197766082,
        ),
        (
            "dog",
            -0.0800427076735365,
            -0.19994661968304941,
            -0.44183275227903923,
            -0.36179004460550274,
            -0.6369838486724007,
        ),
    ];
    for (word, human_delta, human_z, model_delta, amplification, z) in expected {
        let a = row(&f["amplified"], "model", "model", word);
        close(&a["baseline"]["delta"], human_delta);
        close(&a["baseline"]["z"], human_z);
        close(&a["model_side"]["delta"], model_delta);
        close(&a["amplification"], amplification);
        close(&a["z"], z);
        close(&row(&f["marked"], "source", "human", word)["delta"], human_delta);
    }
    let cat = row(&f["amplified"], "model", "model", "cat");
    assert_eq!(
        (cat["model_side"]["count"].as_u64(), cat["model_side"]["reference_count"].as_u64()),
        (Some(5), Some(0))
    );
    close(&cat["model_side"]["per_thousand"], 5000.0 / 7.0);
    let corpus = f["corpus"].as_array().expect("corpus");
    assert_eq!(corpus.len(), 4, "two sources × two levels");
    assert!(corpus.iter().all(|c| c["items"] == 3 && c["documents"] == 3 && c["missing"] == 0));
    let summary = &f["summary"][0];
    assert_eq!((summary["words"].as_u64(), summary["baseline_marked"].as_u64()), (Some(3), Some(3)));
    // Same direction: all three; stronger: cat (0.63 > 0.32) and dog (|−0.44| > |−0.08|), not bird.
    assert_eq!((summary["same_direction"].as_u64(), summary["stronger"].as_u64()), (Some(3), Some(2)));
}

fn sample_args(dir: &Path) -> Vec<String> {
    amplify().args(["sample", "--items", "3000", "--out"]).arg(dir).assert().success();
    let p = |n: &str| dir.join(n).display().to_string();
    vec![
        p("texts_human.parquet"),
        format!("model_a={}", p("texts_model_a.parquet")),
        "--derive".into(),
        r"partner=female:\b(wife|girlfriend)\b".into(),
        "--derive".into(),
        r"partner=male:\b(husband|boyfriend)\b".into(),
        "--mask".into(),
        r"\b(wife|girlfriend|husband|boyfriend)\b".into(),
    ]
}

/// The sample plants "controlling" (a human gap the model widens) and "understandable" (the
/// model's alone) for female-partner posts: both lead model_a's amplified words; the masked
/// partner words are nowhere; the humans' own marking of "controlling" is positive.
#[test]
fn planted_words_of_the_sample_lead_the_amplified_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = sample_args(dir.path());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let f = words_json(&args);
    assert_eq!(f["settings"]["reference"], "male", "the larger level by default");
    let more: Vec<&Value> = f["amplified"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|a| a["model"] == "model_a" && a["z"].as_f64().unwrap() > 0.0)
        .collect();
    let top2: Vec<&str> = more[..2].iter().map(|a| a["word"].as_str().unwrap()).collect();
    assert!(top2.contains(&"controlling") && top2.contains(&"understandable"), "{top2:?}");
    assert!(more[..2].iter().all(|a| a["z"].as_f64().unwrap() > 1.96));
    let text = serde_json::to_string(&f).unwrap();
    for masked in ["\"wife\"", "\"husband\"", "\"girlfriend\"", "\"boyfriend\""] {
        assert!(!text.contains(masked), "{masked} should be masked");
    }
    assert!(row(&f["marked"], "source", "human", "controlling")["z"].as_f64().unwrap() > 0.0);
    let csv = amplify().arg("words").args(&args).args(["--format", "csv"]).output().expect("run");
    let csv = String::from_utf8(csv.stdout).expect("utf-8");
    assert!(csv.starts_with("model,level,reference,direction,rank,word,amplification,se,z,"), "{csv}");
    assert_eq!(csv.lines().count() - 1, f["amplified"].as_array().unwrap().len());
}

/// One wide file (a text column per source) reads as the two tidy files do.
#[test]
fn wide_layout_equals_tidy_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let [h, m] = fixture(dir.path());
    let wide = "id,group,top_comment,gpt\n1,a,cat cat dog,cat cat cat\n2,a,Cat bird,cat dog\n3,a,dog,CAT bird\n4,b,dog dog bird,dog dog\n5,b,cat dog,dog bird\n6,b,bird bird,bird dog\n";
    let w = write(dir.path(), "wide.csv", wide);
    let common = ["--group", "group", "--min-count", "1", "--top", "0"];
    let tidy =
        words_json(&[&[h.to_str().unwrap(), &format!("gpt={}", m.display())][..], &common[..]].concat());
    let wide = words_json(
        &[
            &[w.to_str().unwrap(), "--response", "human=top_comment", "--response", "gpt=gpt"][..],
            &common[..],
        ]
        .concat(),
    );
    for key in ["corpus", "marked", "amplified", "summary", "vocabulary"] {
        assert_eq!(tidy[key], wide[key], "{key}");
    }
    assert_eq!(wide["settings"]["responses"][0]["column"], "top_comment");
}

/// Missing, empty and huge texts are read; a level without words is left out with a note.
#[test]
fn missing_empty_and_huge_texts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut human = String::from("id,group,response\n");
    let mut model = String::from("id,response\n");
    for i in 0..40 {
        let g = if i % 2 == 0 { "a" } else { "b" };
        human.push_str(&format!("{i},{g},the cat sat on the mat\n"));
        let text = match i {
            0 => String::new(),                // empty
            1 => "\"!!! 42 ...\"".into(),      // no word
            2 => "the cat ".repeat(1_400_000), // a 11 MB response
            _ => "the dog sat on the mat".into(),
        };
        model.push_str(&format!("{i},{text}\n"));
    }
    human.push_str("40,c,only level c has text\n");
    model.push_str("41,orphan\n");
    let h = write(dir.path(), "human.csv", &human);
    let m = write(dir.path(), "model.csv", &model);
    let out = amplify()
        .arg("words")
        .args([h.to_str().unwrap(), m.to_str().unwrap(), "--group", "group", "--reference", "a"])
        .args(["--format", "json", "--min-count", "1"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("model: 1 of 41 row(s) are not baseline items"), "{stderr}");
    assert!(stderr.contains("model, c vs a: no words on one side"), "{stderr}");
    let f: Value = serde_json::from_slice(&out.stdout).expect("json");
    let corpus = f["corpus"].as_array().unwrap();
    let model_a = corpus.iter().find(|c| c["source"] == "model" && c["level"] == "a").unwrap();
    // An empty CSV field reads as missing; "!!! 42 ..." is a document without a word.
    assert_eq!((model_a["documents"].as_u64(), model_a["missing"].as_u64()), (Some(19), Some(1)));
    assert!(model_a["tokens"].as_u64().unwrap() >= 2_800_000, "the 11 MB response is counted");
    let empty = corpus.iter().find(|c| c["source"] == "model" && c["level"] == "b").unwrap();
    assert_eq!(empty["documents"], 20);
}

#[test]
fn hostile_inputs_are_refused_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let [h, m] = fixture(dir.path());
    let (h, m) = (h.to_str().unwrap(), m.to_str().unwrap());
    let run = |extra: &[&str]| {
        let mut c = amplify();
        c.arg("words").args([h, m]).args(extra);
        c
    };
    assert_user_error(&mut run(&[]), &["--group COL", "--derive"]);
    assert_user_error(&mut run(&["--group", "group", "--group", "id"]), &["one grouping", "got 2"]);
    assert_user_error(
        &mut run(&["--group", "group", "--reference", "zz"]),
        &["--reference zz", "a (3), b (3)"],
    );
    assert_user_error(&mut run(&["--group", "group", "--response", "gtp=x"]), &["no source is named 'gtp'"]);
    assert_user_error(&mut run(&["--group", "group", "--response", "nope"]), &["no column 'nope'"]);
    assert_user_error(&mut run(&["--group", "group", "--response", "id"]), &["holds i64, not text"]);
    assert_user_error(
        &mut run(&["--group", "group", "--mask", "(unclosed"]),
        &["--mask", "does not compile"],
    );
    assert_user_error(&mut run(&["--group", "group", "--mask", r"\w+"]), &["0 word(s) occur"]);
    assert_user_error(&mut run(&["--group", "group", "--prior-scale", "0"]), &["--prior-scale 0"]);
    assert_user_error(&mut run(&["--group", "group", "-o", m]), &["input"]);
    let stop = write(dir.path(), "stop.txt", "cat\ndog\nbird\n");
    assert_user_error(
        &mut run(&["--group", "group", "--min-count", "1", "--stopwords", stop.to_str().unwrap()]),
        &["0 word(s) occur"],
    );
    let one = write(dir.path(), "one.csv", "id,group,response\n1,a,x\n2,a,y\n");
    assert_user_error(
        amplify().args(["words", one.to_str().unwrap(), m, "--group", "group"]),
        &["1 level(s)"],
    );
    let dup = write(dir.path(), "dup.csv", "id,group,response\n1,a,x\n1,b,y\n");
    assert_user_error(amplify().args(["words", dup.to_str().unwrap(), m, "--group", "group"]), &["repeated"]);
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, b"id,response\n1,caf\xe9 \xff\n").expect("write");
    assert_user_error(
        amplify().args(["words", h, bad.to_str().unwrap(), "--group", "group"]),
        &["bad.csv", "UTF-8"],
    );
    assert_user_error(amplify().args(["words", h, "--group", "group"]), &["--response SOURCE=COL"]);
    let md5 = std::fs::read(m).expect("read");
    assert_eq!(md5, MODEL.as_bytes(), "inputs are never touched");
}

/// Names from the data are escaped on the terminal.
#[test]
fn names_are_escaped_on_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let [h, m] = fixture(dir.path());
    let out = amplify()
        .arg("words")
        .arg(h)
        .arg(format!("evil\x1b[31m={}", m.display()))
        .args(["--group", "group", "--min-count", "1"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(!text.contains('\x1b') && text.contains("evil"), "{text}");
}

/// `--report DIR`: the HTML parses as XML and shows the planted word, names from the data are
/// escaped, words.json equals the JSON output and validates against docs/words.schema.json, the
/// CSV and Parquet tables and the charts are there; a folder of someone else's is refused.
#[test]
fn report_folder_and_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = sample_args(dir.path());
    args[1] = args[1].replacen("model_a=", "<m&a>=", 1);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = dir.path().join("words-report");
    amplify().arg("words").args(&args).arg("--report").arg(&out).assert().success();
    let html = std::fs::read_to_string(out.join("index.html")).expect("html");
    let texts = crate::report::parse_xml(&html).join(" ");
    assert!(texts.contains("understandable") && html.contains("&lt;m&amp;a&gt; vs human"), "{texts}");
    assert!(!html.contains("<m&a>") && html.contains("&lt;m&amp;a&gt;"), "escaped");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("words.json")).unwrap()).unwrap();
    assert_eq!(json, words_json(&args));
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/words.schema.json"))
        .unwrap();
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    assert_eq!(crate::schema::errors(&validator, &json), Vec::<String>::new());
    let mut broken = json.clone();
    broken["amplified"][0]["se"] = Value::from(-1.0);
    assert!(!crate::schema::errors(&validator, &broken).is_empty(), "a negative se is invalid");
    let csv = std::fs::read_to_string(out.join("amplified_words.csv")).expect("csv");
    assert_eq!(csv.lines().count() - 1, json["amplified"].as_array().unwrap().len());
    assert!(std::fs::read(out.join("amplified_words.parquet")).unwrap().starts_with(b"PAR1"));
    let charts: Vec<_> =
        std::fs::read_dir(out.join("charts")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(charts.len(), 2, "{charts:?}");
    let png = charts.iter().find(|n| n.to_string_lossy().ends_with(".png")).unwrap();
    assert_eq!(crate::report::png_size(&out.join("charts").join(png)).0, 1200);
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("notes.txt"), "mine").unwrap();
    assert_user_error(amplify().arg("words").args(&args).arg("--report").arg(&theirs), &["did not write"]);
    assert_eq!(std::fs::read_to_string(theirs.join("notes.txt")).unwrap(), "mine");
}

/// One long file (a row per item and source) reads as the tidy files do.
#[test]
fn long_layout_equals_tidy_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let [h, m] = fixture(dir.path());
    let mut long = String::from("id,source,group,response\n");
    for (line_h, line_m) in HUMAN.lines().skip(1).zip(MODEL.lines().skip(1)) {
        let (id, rest) = line_h.split_once(',').unwrap();
        let (group, text) = rest.split_once(',').unwrap();
        long.push_str(&format!("{id},human,{group},{text}\n"));
        long.push_str(&format!("{id},gpt,,{}\n", line_m.split_once(',').unwrap().1));
    }
    let l = write(dir.path(), "long.csv", &long);
    let common = ["--group", "group", "--min-count", "1", "--top", "0"];
    let tidy =
        words_json(&[&[h.to_str().unwrap(), &format!("gpt={}", m.display())][..], &common[..]].concat());
    let long = words_json(&[&[l.to_str().unwrap(), "--source-column", "source"][..], &common[..]].concat());
    for key in ["corpus", "marked", "amplified", "summary", "vocabulary"] {
        assert_eq!(tidy[key], long[key], "{key}");
    }
    assert_user_error(
        amplify().args([
            "words",
            l.to_str().unwrap(),
            "--source-column",
            "source",
            "--group",
            "group",
            "--baseline-name",
            "people",
        ]),
        &["no row has source = 'people'"],
    );
}

/// An Inspect log's answers are read from each sample's output (a string, or content parts): the
/// log as the model gives the same words as its answers in a CSV, scored or not; lm-eval samples
/// are refused.
#[test]
fn inspect_log_outputs_are_the_model_texts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let [h, m] = fixture(dir.path());
    let samples: Vec<Value> = MODEL
        .lines()
        .skip(1)
        .map(|line| {
            let (id, text) = line.split_once(',').unwrap();
            let id: i64 = id.parse().unwrap();
            let content = if id % 2 == 0 {
                serde_json::json!(text)
            } else {
                let (a, b) = text.split_once(' ').unwrap();
                serde_json::json!([{"type": "reasoning", "reasoning": "hidden"}, {"type": "text", "text": a}, {"type": "text", "text": b}])
            };
            serde_json::json!({"id": id, "epoch": 1, "output": {"choices": [{"message": {"role": "assistant", "content": content}}]}, "scores": {"v": {"value": "C"}}})
        })
        .collect();
    let log = dir.path().join("run.eval");
    crate::cli_logs::eval_log(&log, Some(&crate::cli_logs::header("gpt")), &samples);
    let common = ["--group", "group", "--min-count", "1", "--top", "0"];
    let csv =
        words_json(&[&[h.to_str().unwrap(), &format!("gpt={}", m.display())][..], &common[..]].concat());
    let from_log = words_json(&[&[h.to_str().unwrap(), log.to_str().unwrap()][..], &common[..]].concat());
    // A log nobody scored yet: its answers are read all the same (its labels are refused).
    let unscored: Vec<Value> = samples
        .iter()
        .cloned()
        .map(|mut s| {
            s["scores"] = serde_json::json!({});
            s
        })
        .collect();
    let bare = dir.path().join("unscored.eval");
    crate::cli_logs::eval_log(&bare, Some(&crate::cli_logs::header("gpt")), &unscored);
    let from_bare = words_json(&[&[h.to_str().unwrap(), bare.to_str().unwrap()][..], &common[..]].concat());
    for key in ["corpus", "marked", "amplified", "summary", "vocabulary"] {
        assert_eq!(csv[key], from_log[key], "{key}");
        assert_eq!(csv[key], from_bare[key], "{key}, unscored log");
    }
    assert_eq!(
        from_log["settings"]["responses"][1],
        serde_json::json!({"source": "gpt", "column": "output"})
    );
    let jsonl = write(
        dir.path(),
        "samples_t_2025.jsonl",
        "{\"doc_id\": 1, \"filter\": \"none\", \"metrics\": [\"acc\"], \"acc\": 1}\n",
    );
    assert_user_error(
        amplify().args(["words", h.to_str().unwrap(), jsonl.to_str().unwrap(), "--group", "group"]),
        &["lm-eval samples hold scores"],
    );
}
