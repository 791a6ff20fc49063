//! `amplify report`, `--from`, `compare --charts` and the committed example report.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The sample files of the documented command that keeps reports/example current (see
/// reports/README.md); its options are [`crate::common::SAMPLE_OPTIONS`].
const EXAMPLE_FILES: [&str; 3] =
    ["data/sample/human.parquet", "data/sample/model_a.parquet", "data/sample/model_b.parquet"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn report(out: &Path) -> Value {
    amplify()
        .current_dir(root())
        .arg("report")
        .args(EXAMPLE_FILES)
        .args(crate::common::SAMPLE_OPTIONS)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap()
}

/// Parses a document strictly as XML; panics with the position on the first error.
pub(crate) fn parse_xml(text: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut texts = Vec::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Text(t)) => texts.push(t.xml10_content().into_owned()),
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
    texts
}

pub(crate) fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{} is not a PNG", path.display());
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

#[test]
fn report_folder_has_every_artifact_and_valid_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let f = report(&out);
    for file in [
        "index.html",
        "report.md",
        "findings.json",
        "comparisons.csv",
        "comparisons.parquet",
        "groups.csv",
        "groups.parquet",
        "truth.csv",
        "truth.parquet",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    for chart in ["rates", "differences", "confusion", "groups-partner", "error-rates-partner"] {
        let svg = std::fs::read_to_string(out.join(format!("charts/{chart}.svg"))).unwrap();
        let texts = parse_xml(&svg).join(" ");
        let (w, h) = png_size(&out.join(format!("charts/{chart}.png")));
        assert_eq!(w, 1200, "{chart} width");
        assert!(
            svg.contains(&format!("width=\"{w}\"")) && svg.contains(&format!("height=\"{h}\"")),
            "{chart}: SVG and PNG sizes agree"
        );
        for model in ["model_a", "model_b"] {
            assert!(texts.contains(model), "{chart} names {model}");
        }
        assert!(texts.contains("human"), "{chart} names the baseline");
    }
    let rates = parse_xml(&std::fs::read_to_string(out.join("charts/rates.svg")).unwrap()).join(" ");
    for label in [
        "How often each model shows each behaviour",
        "items showing the behaviour (%)",
        "overall",
        "emotional_validation",
    ] {
        assert!(rates.contains(label), "rates chart lacks '{label}'");
    }
    let diff = parse_xml(&std::fs::read_to_string(out.join("charts/differences.svg")).unwrap()).join(" ");
    assert!(diff.contains("percentage points") && diff.contains("*"), "axis title and significance marks");
    assert_eq!(f["schema"], "amplify.findings/4");
}

#[test]
fn html_is_self_contained_parses_and_shows_the_findings_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let f = report(&out);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let body = html.trim_start_matches("<!DOCTYPE html>\n");
    parse_xml(body);
    // Numbers are checked in the unescaped markup ("&lt; 1e-300" reads "< 1e-300").
    let text = html.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    for forbidden in ["<script", "<link", " src=", " href=", "url(", "@import"] {
        assert!(!html.contains(forbidden), "external resource or script: {forbidden}");
    }
    let urls: Vec<&str> =
        html.match_indices("http").map(|(i, _)| &html[i..(i + 30).min(html.len())]).collect();
    assert!(
        urls.iter().all(|u| u.starts_with("http://www.w3.org/")),
        "only XML namespaces may name a URL: {urls:?}"
    );
    let pct = |v: &Value| format!("{:.1}", v.as_f64().unwrap() * 100.0);
    for c in f["comparisons"].as_array().unwrap() {
        for cell in [c["n"].to_string(), pct(&c["baseline_rate"]), pct(&c["model_rate"])] {
            assert!(text.contains(&cell), "comparison {}/{}: {cell} missing", c["metric"], c["model"]);
        }
        let p = amplify::output::format_p(c["p_adjusted"].as_f64());
        assert!(text.contains(&p), "adjusted p {p} missing");
    }
    for t in f["truth"].as_array().unwrap() {
        for key in ["tp", "fp", "tn", "fn"] {
            assert!(text.contains(&t[key].to_string()), "truth {key}");
        }
        assert!(text.contains(&pct(&t["fnr"])));
    }
    for g in f["groups"].as_array().unwrap().iter().filter(|g| g["level"] != g["reference"]) {
        let amp = format!("{:+.1}", g["amplification"].as_f64().unwrap() * 100.0);
        assert!(text.contains(&amp), "amplification {amp} missing");
    }
    for i in f["inputs"].as_array().unwrap() {
        assert!(text.contains(i["sha256"].as_str().unwrap()), "input hash");
    }
    for method in ["Wilson", "Tango", "McNemar", "Holm", "Welch", "Wang"] {
        assert!(text.contains(method), "methods section cites {method}");
    }
    assert!(
        text.contains(&format!("{}", f["settings"]["seed"]))
            && text.contains(f["amplify_version"].as_str().unwrap())
    );
}

#[test]
fn from_findings_reproduces_the_report_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    report(&a);
    amplify()
        .arg("report")
        .arg("--from")
        .arg(a.join("findings.json"))
        .arg("--out")
        .arg(&b)
        .assert()
        .success();
    for file in [
        "index.html",
        "report.md",
        "findings.json",
        "comparisons.csv",
        "groups.csv",
        "truth.csv",
        "charts/rates.svg",
        "charts/rates.png",
        "charts/groups-partner.png",
    ] {
        assert!(
            std::fs::read(a.join(file)).unwrap() == std::fs::read(b.join(file)).unwrap(),
            "{file} differs"
        );
    }
}

#[test]
fn committed_example_report_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("example");
    report(&out);
    let committed = root().join("reports/example");
    for file in [
        "index.html",
        "report.md",
        "findings.json",
        "comparisons.csv",
        "groups.csv",
        "truth.csv",
        "data_rates.csv",
        "data_gaps.csv",
    ] {
        let fresh = std::fs::read(out.join(file)).unwrap();
        let kept = std::fs::read(committed.join(file)).unwrap_or_default();
        assert!(
            fresh == kept,
            "reports/example/{file} is stale: regenerate it with the command in reports/README.md"
        );
    }
}

#[test]
fn rerun_replaces_the_folder_and_a_failed_run_keeps_the_previous_one() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    let out = dir.path().join("rep");
    amplify()
        .args(["report", h.to_str().unwrap(), m.to_str().unwrap(), "--out"])
        .arg(&out)
        .assert()
        .success();
    std::fs::write(out.join("stale.txt"), "old").unwrap();
    amplify()
        .args(["report", h.to_str().unwrap(), m.to_str().unwrap(), "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(out.join("stale.txt")).unwrap(),
        "old",
        "a file amplify did not write stays"
    );
    let manifest = std::fs::read_to_string(out.join(".amplify-manifest")).unwrap();
    assert!(manifest.contains("index.html") && !manifest.contains("stale.txt"), "{manifest}");
    let before = std::fs::read(out.join("index.html")).unwrap();
    assert_user_error(
        amplify().args(["report", h.to_str().unwrap(), "missing.csv", "--out"]).arg(&out),
        &["missing.csv"],
    );
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), before, "previous report intact");
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".amplify-"))
        .count();
    assert_eq!(leftovers, 0, "no temporary folder left behind");
}

#[test]
fn bad_report_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    let file = write(dir.path(), "taken", "x");
    assert_user_error(
        amplify().args(["report", h.to_str().unwrap(), m.to_str().unwrap(), "--out"]).arg(&file),
        &["taken", "is a file"],
    );
    assert_user_error(
        amplify().args(["report", h.to_str().unwrap(), m.to_str().unwrap(), "--out", "/proc/amplify/r"]),
        &["/proc/amplify"],
    );
    let not_findings = write(dir.path(), "x.json", "{\"hello\": 1}");
    assert_user_error(
        amplify().args(["report", "--from", not_findings.to_str().unwrap()]),
        &["not a findings document"],
    );
    let other = write(dir.path(), "y.json", "{\"schema\": \"amplify.findings/9\"}");
    assert_user_error(
        amplify().args(["report", "--from", other.to_str().unwrap()]),
        &["schema 'amplify.findings/9'", "amplify.findings/4"],
    );
    let garbage = write(dir.path(), "z.json", "not json");
    assert_user_error(amplify().args(["report", "--from", garbage.to_str().unwrap()]), &["not JSON"]);
}

#[test]
#[ignore = "needs ../shared/data/elephant"]
fn charts_with_nothing_to_draw_are_skipped_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let elephant = root().join("../shared/data/elephant/AITA_responses_elephant_scored.csv");
    assert!(
        elephant.is_file(),
        "{} is absent: this test needs ../shared beside the clone",
        elephant.display()
    );
    let out = dir.path().join("r");
    amplify()
        .args(["report", elephant.to_str().unwrap(), "--truth", "is_asshole", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("Chart not drawn: rates: no rate to draw"), "skipped chart is reported");
    assert!(out.join("charts/confusion.svg").is_file(), "the truth chart is still drawn");
}

#[test]
fn compare_charts_writes_only_charts() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", HUMAN_CSV);
    let m = write(dir.path(), "gpt.csv", MODEL_CSV);
    let charts = dir.path().join("charts");
    amplify()
        .args(["compare", h.to_str().unwrap(), m.to_str().unwrap(), "--charts"])
        .arg(&charts)
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".amplify-manifest", "differences.png", "differences.svg", "rates.png", "rates.svg"]);
}

#[test]
fn notebooks_are_committed_without_outputs() {
    for entry in std::fs::read_dir(root().join("notebooks")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("ipynb") {
            continue;
        }
        let nb: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for cell in nb["cells"].as_array().unwrap().iter().filter(|c| c["cell_type"] == "code") {
            assert_eq!(cell["outputs"], serde_json::json!([]), "{} has outputs", path.display());
            assert!(cell["execution_count"].is_null(), "{} has execution counts", path.display());
        }
    }
}

/// The report of one documented sample run (README), into `out`.
fn sample_report(out: &Path, args: &[&str]) {
    amplify().current_dir(root()).arg("report").args(args).arg("--out").arg(out).assert().success();
}

/// Every design of the README: its arguments and how its headline starts.
const DESIGNS: [(&str, &[&str], &str); 4] = [
    (
        "pairs",
        &["data/sample/flip.parquet"],
        "1 of 2 asymmetry amplifications between original and flipped are significant; the largest: on verdict, model_b's asymmetry flipped − original differs from model_a's by +29.7 percentage points",
    ),
    (
        "conditions",
        &[
            "data/sample/conditions_human.parquet",
            "data/sample/conditions_base.parquet",
            "data/sample/conditions_prompt.parquet",
            "data/sample/conditions_finetune.parquet",
            "data/sample/conditions_steer.parquet",
            "--truth",
            "crowd_verdict",
            "--verdict",
            "verdict",
            "--versus",
            "conditions_base",
        ],
        "8 of 12 changes against conditions_base are significant; the largest: conditions_finetune changes verdict FNR by -22.9 percentage points against conditions_base",
    ),
    (
        "repeats",
        &[
            "data/sample/repeats_human.parquet",
            "data/sample/repeats_steady.parquet",
            "data/sample/repeats_erratic.parquet",
            "--sample",
            "seed",
            "--annotator",
            "annotator",
            "--truth",
            "crowd_verdict",
            "--verdict",
            "verdict",
        ],
        "6 of 6 comparisons differ significantly from human; the largest: repeats_erratic shows emotional_validation",
    ),
    ("plain", &EXAMPLE_FILES, "8 of 8 comparisons differ significantly from human; the largest: model_a shows"),
];

/// A design's arguments: the pair run takes the documented pair options.
fn design_args<'a>(name: &str, args: &[&'a str]) -> Vec<&'a str> {
    let extra: &[&'a str] = if name == "pairs" { &crate::common::FLIP_OPTIONS } else { &[] };
    args.iter().chain(extra).copied().collect()
}

#[test]
fn every_chart_written_appears_in_both_reports_and_the_headline_leads_with_the_design() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args, headline) in DESIGNS {
        let out = dir.path().join(name);
        sample_report(&out, &design_args(name, args));
        let html = std::fs::read_to_string(out.join("index.html")).unwrap();
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        let mut stems: Vec<String> = std::fs::read_dir(out.join("charts"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "svg"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        stems.sort();
        assert!(stems.len() >= 2, "{name}: {stems:?}");
        for stem in &stems {
            assert!(
                html.contains(&format!("<figure id=\"chart-{stem}\">")),
                "{name}: {stem} is not in index.html"
            );
            assert!(md.contains(&format!("(charts/{stem}.png)")), "{name}: {stem} is not in report.md");
        }
        assert!(
            html.contains(&format!("<p class=\"lead\">{headline}")),
            "{name}: the headline is not '{headline}…'"
        );
        assert!(md.contains(&format!("\n{headline}")), "{name}: report.md's headline");
    }
}

#[test]
fn pair_and_condition_charts_sit_beside_their_sections() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args, _) in &DESIGNS[..2] {
        let out = dir.path().join(name);
        sample_report(&out, &design_args(name, args));
        let html = std::fs::read_to_string(out.join("index.html")).unwrap();
        let (chart, section) = match *name {
            "pairs" => ("chart-pairs-both-sides", "<h2>Counterfactual pairs</h2>"),
            _ => ("chart-conditions-heatmap", "<h2>Conditions versus"),
        };
        let (c, s) = (html.find(chart).expect("chart"), html.find(section).expect("section"));
        let between = &html[c..s];
        assert!(c < s && !between.contains("<h2>"), "{name}: the chart is not just above its section");
    }
}

#[test]
fn a_chart_too_tall_to_draw_is_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let mut f: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("reports/example/findings.json")).unwrap())
            .unwrap();
    let first = f["comparisons"][0].clone();
    let many: Vec<Value> = (0..1000)
        .map(|i| {
            let mut c = first.clone();
            c["metric"] = Value::from(format!("m{i}"));
            c
        })
        .collect();
    f["comparisons"] = Value::from(many);
    let from = write(dir.path(), "many.json", &f.to_string());
    let out = dir.path().join("r");
    amplify().arg("report").arg("--from").arg(&from).arg("--out").arg(&out).assert().success();
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("Chart not drawn: differences: too many rows to draw"), "the note");
    assert!(!out.join("charts/differences.png").exists() && out.join("charts/rates.png").is_file());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 2, "no temporary folder left: {left:?}");
}

#[test]
fn names_from_the_data_cannot_drive_a_terminal_or_a_document_or_collide() {
    let dir = tempfile::tempdir().unwrap();
    let (img, esc) = ("<img src=x onerror=alert(1)>", "a\u{1b}]0;pwned\u{7}");
    let header = format!("id,{img},{esc},grp one,grp/one\n");
    let rows = ["1,1,0,x,p", "2,0,1,y,q", "3,1,1,x,p", "4,0,0,y,q", "5,1,0,x,q", "6,0,1,y,p"];
    let human = write(dir.path(), "human.csv", &(header.clone() + &rows.join("\n") + "\n"));
    let flipped: Vec<String> = rows.iter().map(|r| r.replacen(",0,", ",1,", 1)).collect();
    let model = write(dir.path(), "model.csv", &(header + &flipped.join("\n") + "\n"));
    let (h, m) = (human.to_str().unwrap(), model.to_str().unwrap());
    let out = amplify().args(["compare", h, m]).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(!stdout.contains('\u{1b}') && !stderr.contains('\u{1b}'), "raw ESC on the terminal");
    assert!(stdout.contains("a\\e]0;pwned\\x07"), "the name is shown escaped:\n{stdout}");
    let report = dir.path().join("r");
    amplify()
        .args(["report", h, m, "--group", "grp one", "--group", "grp/one", "--out"])
        .arg(&report)
        .assert()
        .success();
    let md = std::fs::read_to_string(report.join("report.md")).unwrap();
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    let escaped = md.matches("\\<img").count();
    assert!(escaped > 0 && md.matches("<img").count() == escaped, "raw HTML in report.md");
    assert!(!html.contains("<img") && html.contains("&lt;img"), "raw HTML in index.html");
    let groups: Vec<_> = std::fs::read_dir(report.join("charts"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("groups-") && n.ends_with(".svg"))
        .collect();
    assert_eq!(groups.len(), 2, "one chart per grouping: {groups:?}");
    // Every chart is well-formed XML (a raw ESC is not an XML character) and shows the name escaped.
    assert!(!html.contains('\u{1b}') && !md.contains('\u{1b}'), "raw ESC in index.html or report.md");
    for entry in std::fs::read_dir(report.join("charts")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".svg") {
            let svg = std::fs::read_to_string(entry.path()).unwrap();
            assert!(!svg.contains('\u{1b}'), "raw ESC in {name}");
            parse_xml(&svg);
        }
    }
    let rates = std::fs::read_to_string(report.join("charts/rates.svg")).unwrap();
    assert!(parse_xml(&rates).join(" ").contains("a\\e]0;pwned\\x07"), "the name escaped in the chart");
}
