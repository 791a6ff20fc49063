//! The Markdown report: the same sections as the HTML report, with the PNG charts linked.

use super::methods::methods;
use crate::analysis::Findings;
use crate::chart::Skipped;
use crate::output::content::Section;
use crate::output::document::{Anchor, Block, Document};
use std::fmt::Write;

/// Text from the findings made inert in Markdown: no raw HTML (a `<` that could open a tag, a
/// comment or an autolink is escaped), no link or image (`](` escaped), no table break (`|`
/// escaped, newlines folded), no hidden character (escaped as on the terminal).
fn text(text: &str) -> String {
    let shown = crate::escape::lines(text);
    let mut out = String::with_capacity(shown.len());
    let mut chars = shown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' if chars.peek().is_some_and(|n| n.is_alphabetic() || "/!?".contains(*n)) => {
                out.push_str("\\<")
            }
            ']' if chars.peek() == Some(&'(') => out.push_str("\\]"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A table cell: [`text`], with `|` escaped.
fn cell(s: &str) -> String {
    text(s).replace('|', "\\|")
}

fn section(md: &mut String, s: &Section) {
    let _ = writeln!(md, "## {}\n", text(&s.title));
    if !s.intro.is_empty() {
        let _ = writeln!(md, "{}\n", text(&s.intro));
    }
    let _ = writeln!(md, "| {} |", s.headers.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(s.headers.len()));
    for row in &s.rows {
        let _ = writeln!(md, "| {} |", row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
    }
    md.push('\n');
}

/// Renders the Markdown report from the run's document; `charts` are (anchor, file stem,
/// caption) of the drawn charts, linked as PNG; `skipped` the charts not drawn.
pub(super) fn render(
    f: &Findings,
    doc: &Document,
    charts: &[(Anchor, String, String)],
    skipped: &[Skipped],
) -> String {
    let mut md = String::new();
    for block in doc.view(false) {
        match block {
            Block::Title { title, lead } => {
                let _ = writeln!(md, "# {}\n\n{}\n", text(title), text(lead));
            }
            Block::Charts(anchor) => {
                for (_, name, caption) in doc.charts_at(anchor, charts, |c| &c.0) {
                    let _ = writeln!(md, "![{}](charts/{name}.png)\n", text(caption).replace(['[', ']'], ""));
                }
                for s in doc.charts_at(anchor, skipped, |s| &s.anchor) {
                    let _ = writeln!(md, "_Chart not drawn: {}_\n", text(&s.note));
                }
            }
            Block::Table(t) => section(&mut md, &t.section),
            Block::Methods => {
                md.push_str("## Methods\n\n| quantity | method | source |\n|---|---|---|\n");
                for (q, m, c) in methods(f) {
                    let _ = writeln!(md, "| {} | {} | {} |", cell(&q), cell(&m), cell(&c));
                }
                md.push('\n');
            }
            Block::Lines(_) | Block::Footer(_) => {}
        }
    }
    md
}
