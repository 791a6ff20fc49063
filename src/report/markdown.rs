//! The Markdown report: the same sections as the HTML report, with the PNG charts linked.

use super::methods::methods;
use crate::analysis::Findings;
use crate::output::content::{self, Section};
use std::fmt::Write;

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn section(md: &mut String, s: &Section) {
    let _ = writeln!(md, "## {}\n", s.title);
    if !s.intro.is_empty() {
        let _ = writeln!(md, "{}\n", s.intro);
    }
    let _ = writeln!(md, "| {} |", s.headers.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(s.headers.len()));
    for row in &s.rows {
        let _ = writeln!(md, "| {} |", row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
    }
    md.push('\n');
}

/// Renders the Markdown report; `charts` are (name, caption) in order.
pub(super) fn render(f: &Findings, charts: &[(String, String)], skipped: &[String]) -> String {
    let mut md = String::new();
    let models: Vec<&str> = f.alignment.iter().map(|a| a.model.as_str()).collect();
    let _ = writeln!(
        md,
        "# amplify report: {} vs {}\n\n{}\n",
        models.join(", "),
        f.settings.baseline,
        super::headline(f)
    );
    for (name, caption) in charts {
        let _ = writeln!(md, "![{caption}](charts/{name}.png)\n");
    }
    for note in skipped {
        let _ = writeln!(md, "_Chart not drawn: {note}_\n");
    }
    section(&mut md, &content::comparisons(f));
    if !f.overall.is_empty() {
        section(&mut md, &content::overall(f));
    }
    if !f.truth.is_empty() {
        section(&mut md, &content::truth(f));
    }
    for g in &f.groupings {
        section(&mut md, &content::grouping(f, &g.group_by));
    }
    for s in crate::output::audit::sections(f) {
        section(&mut md, &s);
    }
    for s in crate::output::pairs::sections(f)
        .into_iter()
        .chain(crate::output::repeats::sections(f))
        .chain(crate::output::versus::sections(f))
    {
        section(&mut md, &s);
    }
    section(&mut md, &content::data_quality(f));
    md.push_str("## Methods\n\n| quantity | method | source |\n|---|---|---|\n");
    for (q, m, c) in methods(f) {
        let _ = writeln!(md, "| {} | {} | {} |", cell(&q), cell(&m), cell(&c));
    }
    md.push('\n');
    section(&mut md, &content::settings(f));
    section(&mut md, &content::inputs(f));
    md
}
