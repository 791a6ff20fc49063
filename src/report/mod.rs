//! `amplify report`: a folder with a self-contained HTML report, a Markdown report, the findings
//! document, the tables (CSV and Parquet) and every chart (PNG and SVG). It reads only
//! [`Findings`], so `--from findings.json` re-renders the same report without the data.

mod folder;
mod html;
mod markdown;
mod methods;

pub(crate) use folder::check_folder;

use crate::analysis::{Findings, FINDINGS_SCHEMA};
use crate::chart;
use crate::error::{AmplifyError, Result};
use crate::output::tables;
use std::path::{Path, PathBuf};

/// One sentence summarising the largest significant differences.
pub fn headline(f: &Findings) -> String {
    let mut sig: Vec<_> = f.comparisons.iter().filter(|c| c.significant && c.difference.is_some()).collect();
    sig.sort_by(|a, b| b.difference.unwrap_or(0.0).abs().total_cmp(&a.difference.unwrap_or(0.0).abs()));
    let Some(top) = sig.first() else {
        return format!("No behaviour differs significantly from {} after correction.", f.settings.baseline);
    };
    let d = top.difference.unwrap_or(0.0) * 100.0;
    let ci = top
        .difference_ci
        .map(|c| {
            format!(
                " ({:.0}% CI {:+.1} to {:+.1})",
                f.settings.confidence.get() * 100.0,
                c.low * 100.0,
                c.high * 100.0
            )
        })
        .unwrap_or_default();
    format!(
        "{} of {} comparisons differ significantly from {}; the largest: {} shows {} {:+.1} percentage points {} often{ci}.",
        sig.len(),
        f.comparisons.len(),
        f.settings.baseline,
        top.model,
        top.metric,
        d,
        if d >= 0.0 { "more" } else { "less" }
    )
}

/// Reads a findings document, checking its schema.
pub fn load_findings(path: &Path) -> Result<Findings> {
    let bad = |reason: String| AmplifyError::Data(format!("--from {}: {reason}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => AmplifyError::FileNotFound { path: path.to_path_buf() },
        _ => bad(e.to_string()),
    })?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| bad(format!("not JSON ({e}); give a findings.json written by amplify")))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        None => return Err(bad("not a findings document (no \"schema\" field)".into())),
        // Version 2 added the pair sections, version 3 repeats, conditions and the ranking; an
        // older document reads as one without them.
        Some(s) if ![FINDINGS_SCHEMA, "amplify.findings/2", "amplify.findings/1"].contains(&s) => {
            return Err(bad(format!(
                "schema '{s}' is not supported; this amplify reads {FINDINGS_SCHEMA} (and /2, /1)"
            )))
        }
        Some(_) => {}
    }
    let findings: Findings = serde_json::from_value(value)
        .map_err(|e| bad(format!("malformed {FINDINGS_SCHEMA} document: {e}")))?;
    match crate::analysis::problems(&findings).first() {
        Some(problem) => {
            Err(bad(format!("{problem}; amplify never writes that: the file is damaged or edited")))
        }
        None => Ok(findings),
    }
}

/// Writes the whole report folder at `out`: a new or empty folder, or one amplify wrote before
/// (whose other files stay); anything else is refused (see `folder`).
pub fn write_report(f: &Findings, out: &Path) -> Result<PathBuf> {
    check_folder(out, "--out", &[])?;
    folder::replace_folder(out, |dir| fill(f, dir))
}

/// Writes just the charts into `out` (same rules as [`write_report`]); returns the notes of
/// skipped charts.
pub fn write_charts_only(f: &Findings, out: &Path) -> Result<Vec<String>> {
    check_folder(out, "--charts", &[])?;
    let (charts, skipped) = chart::build_charts(f);
    folder::replace_folder(out, |dir| chart::write_charts(&charts, dir).map(|_| ()))?;
    Ok(skipped)
}

fn fill(f: &Findings, dir: &Path) -> Result<()> {
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| AmplifyError::Write { path, source })
    };
    let (charts, skipped) = chart::build_charts(f);
    let svgs = chart::write_charts(&charts, &dir.join("charts"))?;
    let with_captions: Vec<(String, String, String)> =
        charts.iter().zip(svgs).map(|(c, (_, svg))| (c.name.clone(), c.caption.clone(), svg)).collect();
    write("index.html", html::render(f, &with_captions, &skipped).as_bytes())?;
    let names: Vec<(String, String)> = charts.iter().map(|c| (c.name.clone(), c.caption.clone())).collect();
    write("report.md", markdown::render(f, &names, &skipped).as_bytes())?;
    let json = serde_json::to_string_pretty(f).map_err(AmplifyError::Serialise)? + "\n";
    write("findings.json", json.as_bytes())?;
    let mut tables = vec![tables::comparisons(f)];
    if !f.groups.is_empty() {
        tables.push(tables::groups(f));
    }
    if !f.truth.is_empty() {
        tables.push(tables::truth(f));
    }
    if f.pairing.is_some() {
        tables.extend([tables::pairs(f), tables::pair_tests(f)]);
    }
    for t in &tables {
        write(&format!("{}.csv", t.name), t.to_csv().as_bytes())?;
        crate::data::files::tables::write_parquet(t, &dir.join(format!("{}.parquet", t.name)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::example_findings as example;

    #[test]
    fn markdown_report() {
        let charts = vec![("Rates".to_string(), "charts/rates.svg".to_string())];
        insta::assert_snapshot!(markdown::render(&example(), &charts, &["groups: nothing to draw".into()]));
    }

    #[test]
    fn headline_names_the_largest_effect() {
        insta::assert_snapshot!(headline(&example()));
    }

    #[test]
    fn methods_cite_every_statistic_used() {
        let rows = methods::methods(&example());
        let text: Vec<String> = rows.iter().map(|(a, b, c)| format!("{a} | {b} | {c}")).collect();
        insta::assert_snapshot!(text.join("\n"));
    }
}
