//! The self-contained HTML report: inline SVG charts and CSS, no external resource or script.
//! The markup is well-formed XML (XHTML syntax) so tests can parse it strictly.

use super::methods::methods;
use crate::analysis::Findings;
use crate::chart::Skipped;
use crate::output::content::Section;
use crate::output::document::{Anchor, Block, Document};
use std::fmt::Write;

pub(super) const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:0;color:#111;background:#fff}\
main{max-width:1240px;margin:0 auto;padding:24px}h1{font-size:26px}h2{margin-top:36px;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;font-size:13px;margin:8px 0 16px}th,td{border:1px solid #ddd;padding:3px 7px;text-align:right}\
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}figure{margin:12px 0}\
svg{max-width:100%;height:auto}figcaption{color:#555;font-size:13px}.lead{font-size:16px}.note{color:#555}";

/// Escapes text for HTML/XML.
pub(super) fn esc(text: &str) -> String {
    crate::escape::lines(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A drawn chart for the HTML report: its place, file stem, caption and SVG text.
pub(super) struct Figure {
    /// Where the document places it.
    pub anchor: Anchor,
    /// File stem (`charts/<name>.svg`).
    pub name: String,
    /// Caption.
    pub caption: String,
    /// The SVG document.
    pub svg: String,
}

/// Renders the report from the run's document; `skipped` are the charts not drawn.
pub(super) fn render(f: &Findings, doc: &Document, figures: &[Figure], skipped: &[Skipped]) -> String {
    let mut h = String::new();
    for block in doc.view(false) {
        match block {
            Block::Title { title, lead } => {
                let _ = write!(h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
                let _ = write!(h, "<meta name=\"viewport\" content=\"width=device-width\"/><title>{}</title><style>{CSS}</style></head>\n<body><main>\n", esc(title));
                let _ = writeln!(h, "<h1>{}</h1>\n<p class=\"lead\">{}</p>", esc(title), esc(lead));
            }
            Block::Charts(anchor) => {
                for c in doc.charts_at(anchor, figures, |c| &c.anchor) {
                    let _ = writeln!(
                        h,
                        "<figure id=\"chart-{}\">{}<figcaption>{}</figcaption></figure>",
                        esc(&c.name),
                        strip_prolog(&c.svg),
                        esc(&c.caption)
                    );
                }
                for s in doc.charts_at(anchor, skipped, |s| &s.anchor) {
                    let _ = writeln!(h, "<p class=\"note\">Chart not drawn: {}</p>", esc(&s.note));
                }
            }
            Block::Table(t) => section(&mut h, &t.section),
            Block::Methods => methods_section(&mut h, f),
            Block::Footer(text) => {
                let _ = writeln!(h, "<footer class=\"note\">{}</footer>", esc(text));
            }
            Block::Lines(_) => {}
        }
    }
    h.push_str("</main></body></html>\n");
    h
}

/// A section as a heading, its sentence and an HTML table.
pub(super) fn section(h: &mut String, s: &Section) {
    let _ = writeln!(h, "<section><h2>{}</h2>", esc(&s.title));
    if !s.intro.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", esc(&s.intro));
    }
    h.push_str("<table><thead><tr>");
    for c in &s.headers {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr></thead><tbody>\n");
    for row in &s.rows {
        h.push_str("<tr>");
        for c in row {
            let _ = write!(h, "<td>{}</td>", esc(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></section>\n");
}

fn methods_section(h: &mut String, f: &Findings) {
    h.push_str("<section id=\"methods\"><h2>Methods</h2><table><thead><tr><th>quantity</th><th>method</th><th>source</th></tr></thead><tbody>\n");
    for (q, m, c) in methods(f) {
        let _ = writeln!(h, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", esc(&q), esc(&m), esc(&c));
    }
    h.push_str("</tbody></table></section>\n");
}

/// Drops an XML declaration from an SVG document so it can be inlined.
pub(super) fn strip_prolog(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}
