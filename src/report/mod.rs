//! `amplify report`: a folder with a self-contained HTML report, a Markdown report, the findings
//! document, the tables (CSV and Parquet) and every chart (PNG and SVG). It reads only
//! [`Findings`], so `--from findings.json` re-renders the same report without the data.
//! `amplify words --report` and `amplify leakage --report` write folders of the same kind from
//! their own documents ([`words`], [`leakage`]).

mod folder;
mod html;
mod leakage;
mod markdown;
mod methods;
mod page;
mod words;

pub(crate) use folder::check_folder;
pub(crate) use leakage::{headline as leakage_headline, write_leakage_report};
pub(crate) use words::{headline as words_headline, write_words_report};

use crate::analysis::{Findings, FINDINGS_SCHEMA};
use crate::chart;
use crate::error::{AmplifyError, Result};
use crate::output::document::document;
use crate::output::plain_tables;
use std::path::{Path, PathBuf};

pub use crate::output::headline::headline;

/// Reads a findings document, checking its schema.
pub fn load_findings(path: &Path) -> Result<Findings> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => AmplifyError::FileNotFound { path: path.to_path_buf() },
        _ => AmplifyError::Data(format!("--from {}: {e}", path.display())),
    })?;
    parse_findings(&text, &format!("--from {}", path.display()))
}

/// Parses a findings document (`origin` names it in errors), checking its schema and that its
/// numbers are ones amplify writes.
pub fn parse_findings(text: &str, origin: &str) -> Result<Findings> {
    let bad = |reason: String| AmplifyError::Data(format!("{origin}: {reason}"));
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| bad(format!("not JSON ({e}); give a findings.json written by amplify")))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        None => return Err(bad("not a findings document (no \"schema\" field)".into())),
        // Version 2 added the pair sections, version 3 repeats, conditions and the ranking,
        // version 4 the data's own section; an older document reads as one without them.
        Some(s)
            if ![FINDINGS_SCHEMA, "amplify.findings/3", "amplify.findings/2", "amplify.findings/1"]
                .contains(&s) =>
        {
            return Err(bad(format!(
                "schema '{s}' is not supported; this amplify reads {FINDINGS_SCHEMA} (and /3, /2, /1)"
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
    Ok(skipped.into_iter().map(|s| s.note).collect())
}

/// Writes the charts of `amplify words` into `out` (same rules as [`write_charts_only`]).
pub(crate) fn write_words_chart(r: &crate::analysis::WordsReport, out: &Path) -> Result<usize> {
    check_folder(out, "--charts", &[])?;
    let charts = chart::words::words_charts(r);
    folder::replace_folder(out, |dir| chart::write_charts(&charts, dir).map(|_| ()))?;
    Ok(charts.len())
}

fn fill(f: &Findings, dir: &Path) -> Result<()> {
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| AmplifyError::Write { path, source })
    };
    let (charts, skipped) = chart::build_charts(f);
    let svgs = chart::write_charts(&charts, &dir.join("charts"))?;
    let doc = document(f);
    let figures: Vec<html::Figure> = charts
        .iter()
        .zip(svgs)
        .map(|(c, (_, svg))| html::Figure {
            anchor: c.anchor.clone(),
            name: c.name.clone(),
            caption: c.caption.clone(),
            svg,
        })
        .collect();
    write("index.html", html::render(f, &doc, &figures, &skipped).as_bytes())?;
    let linked: Vec<_> =
        charts.iter().map(|c| (c.anchor.clone(), c.name.clone(), c.caption.clone())).collect();
    write("report.md", markdown::render(f, &doc, &linked, &skipped).as_bytes())?;
    let json = serde_json::to_string_pretty(f).map_err(AmplifyError::Serialise)? + "\n";
    write("findings.json", json.as_bytes())?;
    let alone = f.data.as_ref().is_some_and(|d| d.alone);
    let mut tables = Vec::new();
    if f.data.is_some() {
        tables.push(plain_tables::data_rates(f));
    }
    if f.data.as_ref().is_some_and(|d| !d.gaps.is_empty()) {
        tables.push(plain_tables::data_gaps(f));
    }
    if !alone {
        tables.push(plain_tables::comparisons(f));
    }
    if !f.groups.is_empty() {
        tables.push(plain_tables::groups(f));
    }
    if !f.truth.is_empty() {
        tables.push(plain_tables::truth(f));
    }
    if f.pairing.is_some() {
        tables.push(plain_tables::pairs(f));
        if !alone {
            tables.push(plain_tables::pair_tests(f));
        }
    }
    for t in &tables {
        write(&format!("{}.csv", t.name), t.to_csv().as_bytes())?;
        crate::data::files::plain_tables::write_parquet(t, &dir.join(format!("{}.parquet", t.name)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::Skipped;
    use crate::output::document::Anchor;
    use crate::test_support::example_findings as example;

    #[test]
    fn markdown_report() {
        let f = example();
        let charts = vec![(Anchor::Comparisons, "rates".to_string(), "Rates".to_string())];
        let skipped = [Skipped {
            note: "groups-partner: nothing to draw".into(),
            anchor: Anchor::Grouping("partner".into()),
        }];
        insta::assert_snapshot!(markdown::render(&f, &document(&f), &charts, &skipped));
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
