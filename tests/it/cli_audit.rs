//! Trust in the numbers, end to end: `compare --audit` on the shipped sample (whose audit file has
//! a judge with known differential error), `amplify agree` with several auditors and text
//! sources, `amplify power` against Connor's formula, and their bad inputs.

use crate::common::{amplify, assert_user_error, findings, write};
use std::path::{Path, PathBuf};

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample").join(name).display().to_string()
}

#[test]
fn compare_with_an_audit_reports_agreement_differential_error_and_corrected_estimates() {
    let f = findings(&[
        &sample("human.parquet"),
        &sample("model_a.parquet"),
        &sample("model_b.parquet"),
        "--audit",
        &sample("audit.parquet"),
    ]);
    let agreement = f["agreement"].as_array().expect("agreement rows");
    let sources: Vec<&str> = agreement.iter().map(|a| a["source"].as_str().unwrap()).collect();
    assert!(sources.contains(&"human") && sources.contains(&"model_a") && !sources.contains(&"model_b"));
    for a in agreement {
        assert!(a["n"].as_u64().unwrap() >= 250, "about 10% of 3,000 items audited per source: {a}");
        let kappa = a["kappa"].as_f64().unwrap();
        assert!((0.3..0.95).contains(&kappa), "a judge with sensitivity 0.85-0.95 is imperfect: {a}");
    }
    // The sample's judge is built with specificity 0.90 on human texts and 0.80 on model_a's.
    let spec = f["differential"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["metric"] == "emotional_validation" && d["measure"] == "specificity")
        .expect("specificity test");
    assert!(spec["difference"].as_f64().unwrap() < 0.0 && spec["p_adjusted"].as_f64().is_some());
    let corrected = f["corrected"].as_array().unwrap();
    let ev =
        corrected.iter().find(|c| c["metric"] == "emotional_validation" && c["model"] == "model_a").unwrap();
    let (naive, ppi) = (ev["naive_baseline_rate"].as_f64().unwrap(), ev["baseline_rate"].as_f64().unwrap());
    assert!(ppi < naive, "the human side's false positives inflate its naive rate: {naive} -> {ppi}");
    let ci = ev["difference_ci"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() < ev["difference"].as_f64().unwrap());
    let unaudited = corrected.iter().find(|c| c["model"] == "model_b").unwrap();
    assert!(
        unaudited["difference"].is_null() && unaudited["note"].as_str().unwrap().contains("not corrected")
    );
    assert!(f["inputs"].as_array().unwrap().iter().any(|i| i["role"] == "audit"));
}

fn auditors(dir: &Path) -> (PathBuf, PathBuf) {
    // 8 items, 3 auditors; the judge errs on item 4 (texts by a model) and items 7–8.
    let judged = write(dir, "judged.csv", "id,writer,ev\n1,human,1\n2,human,0\n3,human,1\n4,model,1\n5,model,0\n6,model,1\n7,model,1\n8,human,0\n");
    let mut audit = String::from("id,auditor,ev\n");
    for (id, gold) in [
        (1, [1, 1, 1]),
        (2, [0, 0, 1]),
        (3, [1, 1, 0]),
        (4, [0, 0, 0]),
        (5, [0, 0, 0]),
        (6, [1, 1, 1]),
        (7, [0, 1, 0]),
        (8, [1, 1, 0]),
    ] {
        for (a, g) in ["ann", "bob", "cy"].iter().zip(gold) {
            audit.push_str(&format!("{id},{a},{g}\n"));
        }
    }
    (judged, write(dir, "audit.csv", &audit))
}

#[test]
fn agree_with_several_auditors_and_text_sources() {
    let dir = tempfile::tempdir().unwrap();
    let (judged, audit) = auditors(dir.path());
    let out = amplify()
        .args(["agree", "--auditor", "auditor", "--text-source", "writer", "--format", "json"])
        .arg(&judged)
        .arg(&audit)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["schema"], "amplify.agreement/1");
    let all = &r["agreement"][0];
    // Majority gold: 1,0,1,0,0,1,0,1; judge: 1,0,1,1,0,1,1,0 -> both 3, judge_only 2, gold_only 1, neither 2.
    assert_eq!((all["source"].as_str(), all["n"].as_u64()), (Some(""), Some(8)));
    assert_eq!(all["accuracy"].as_f64(), Some(5.0 / 8.0));
    assert_eq!(all["sensitivity"].as_f64(), Some(0.75));
    assert_eq!(all["specificity"].as_f64(), Some(0.5));
    // Cohen's kappa: po = 5/8, pe = (5/8)(4/8) + (3/8)(4/8) = 0.5 -> kappa = 0.25.
    assert!((all["kappa"].as_f64().unwrap() - 0.25).abs() < 1e-12);
    // Fleiss' kappa of the 3 auditors on the 8 items (statsmodels 0.15.0 fleiss_kappa of the counts
    // table [[0,3],[2,1],[1,2],[3,0],[3,0],[0,3],[2,1],[1,2]] = 0.33333333333333326; cohens_kappa of
    // [[3,2],[1,2]] = 0.25).
    assert!((all["fleiss_kappa"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9, "{all}");
    assert_eq!(all["auditors"], 3);
    let sources: Vec<&str> =
        r["agreement"].as_array().unwrap().iter().map(|a| a["source"].as_str().unwrap()).collect();
    assert_eq!(sources, ["", "human", "model"]);
    assert_eq!(r["differential"].as_array().unwrap().len(), 2, "sensitivity and specificity");
}

#[test]
fn power_matches_connors_formula() {
    let out = amplify()
        .args(["power", "--discordant", "0.3", "--effect", "0.05", "--items", "2000", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paired = &r["rows"][0];
    // Connor (1987): n = [z(.975)·sqrt(ψ) + z(.8)·sqrt(ψ − δ²)]² / δ² with ψ = 0.3, δ = 0.05:
    // [1.959964·0.547723 + 0.841621·0.545436]² / 0.0025 = 939.4 -> 940; with z(.9) = 1.281552: 1256.8 -> 1257.
    assert_eq!((paired["items_80"].as_u64(), paired["items_90"].as_u64()), (Some(940), Some(1257)));
    // Two groups of 1,884 (var ψ each, equal sizes): (1.959964 + 0.841621)²·0.6/0.0025 = 1883.6.
    assert_eq!(r["rows"][1]["items_80"].as_u64(), Some(3768));
    let mde = paired["mde_80"].as_f64().unwrap();
    assert!((0.03..0.04).contains(&mde), "between the effects 2,000 and 940 items detect: {mde}");
}

#[test]
fn bad_audit_agree_and_power_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let (judged, audit) = auditors(dir.path());
    assert_user_error(
        amplify().arg("agree").arg(&judged).arg(&audit).args(["--auditor", "who"]),
        &["who", "--auditor"],
    );
    assert_user_error(
        amplify().arg("agree").arg(&judged).arg(&audit).args(["--metrics", "zz"]),
        &["zz", "--metrics"],
    );
    // Several auditors per item, but no --auditor: refused instead of paired blindly.
    assert_user_error(amplify().arg("agree").arg(&judged).arg(&audit), &["more than one row", "--auditor"]);
    let other = write(dir.path(), "other.csv", "id,ev\n91,1\n92,0\n");
    assert_user_error(amplify().arg("agree").arg(&judged).arg(&other), &["no audited id"]);
    assert_user_error(amplify().args(["power", "--effect", "0.05"]), &["--discordant"]);
    assert_user_error(
        amplify().args(["power", "--discordant", "1.5", "--effect", "0.05"]),
        &["--discordant 1.5", "(0, 1)"],
    );
    assert_user_error(amplify().args(["power", "--discordant", "0.3"]), &["--effect", "--items"]);
    let counts = dir.path().join("c.parquet");
    let h = write(dir.path(), "h.csv", "id,ev\n1,1\n2,0\n3,1\n");
    let m = write(dir.path(), "m.csv", "id,ev\n1,1\n2,1\n3,1\n");
    amplify().arg("count").arg(&h).arg(&m).arg("-o").arg(&counts).assert().success();
    assert_user_error(
        amplify().args(["compare", "--counts"]).arg(&counts).arg("--audit").arg(&audit),
        &["--audit", "--counts"],
    );
    assert_user_error(
        amplify().arg("compare").arg(&h).arg(&m).arg("--audit").arg(&audit),
        &["--audit-source"],
    );
}

#[test]
fn group_amplification_is_corrected_where_the_audit_covers_the_levels() {
    let mut args = vec![sample("human.parquet"), sample("model_a.parquet"), sample("model_b.parquet")];
    args.extend(["--audit".to_string(), sample("audit.parquet")]);
    args.extend(crate::common::SAMPLE_OPTIONS.iter().map(|s| s.to_string()));
    let f = findings(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let rows = f["corrected_groups"].as_array().expect("corrected group rows");
    assert_eq!(rows.len(), 10, "5 metrics x 2 models, rate rows, level female vs reference male");
    for r in rows {
        // The audit covers model_a's texts and the four behaviours (not the verdict).
        match (r["model"].as_str().unwrap(), r["metric"].as_str().unwrap()) {
            ("model_a", m) if m != "verdict" => {
                assert!(r["amplification_ci"].is_array() && r["note"].is_null(), "{r}")
            }
            _ => assert!(
                r["amplification"].is_null() && r["note"].as_str().unwrap().contains("items of level female"),
                "{r}"
            ),
        }
    }
}

#[test]
fn an_effect_larger_than_the_discordant_share_says_why_there_is_no_size() {
    let out = amplify().args(["power", "--discordant", "0.01", "--effect", "0.5"]).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--effect 0.5 exceeds --discordant 0.01"), "{stderr}");
    let ok = amplify().args(["power", "--discordant", "0.2", "--effect", "0.05"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&ok.stderr).contains("exceeds"), "no note when the effect can happen");
}

#[test]
fn audits_naming_unknown_sources_repeated_rows_or_unknown_ids_are_not_silent() {
    let dir = tempfile::tempdir().unwrap();
    let h = write(dir.path(), "human.csv", "id,ev\n1,1\n2,0\n3,1\n4,0\n");
    let m = write(dir.path(), "m.csv", "id,ev\n1,1\n2,1\n3,1\n4,0\n");
    let run = |audit: &Path| {
        let mut cmd = amplify();
        cmd.arg("compare").arg(&h).arg(&m).arg("--audit").arg(audit);
        cmd
    };
    let typo = write(dir.path(), "typo.csv", "id,source,ev\n1,human,1\n2,modle,1\n");
    assert_user_error(&mut run(&typo), &["'modle'", "not compared", "human, m"]);
    let twice = write(dir.path(), "twice.csv", "id,source,ev\n1,human,1\n1,human,1\n2,m,1\n");
    assert_user_error(&mut run(&twice), &["more than one row", "--auditor"]);
    let stray =
        write(dir.path(), "stray.csv", "id,source,ev\n1,human,1\n2,human,0\n99,human,1\n1,m,1\n2,m,1\n");
    let out = run(&stray).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("1 of the 3 audit rows of 'human'") && stderr.contains("left out"), "{stderr}");
    assert!(!stderr.contains("audit rows of 'm'"), "every row of m matched: {stderr}");
}
