//! The standalone report folders of `amplify words` and `amplify leakage`: one HTML page (title,
//! headline, figures and tables in order, notes, the method, the inputs), the document as JSON,
//! one table as CSV and Parquet, the charts. Each command's module says what goes in.

use super::html::{esc, section, strip_prolog, CSS};
use crate::analysis::InputRecord;
use crate::chart::Chart;
use crate::error::{AmplifyError, Result};
use crate::output::content::Section;
use crate::plain_table::Table;
use std::fmt::Write;
use std::path::Path;

/// One part of the page, in order.
pub(super) enum Part<'a> {
    /// A chart by its name (drawn when it was).
    Chart(String),
    /// A table.
    Table(&'a Section),
}

/// What a standalone report holds.
pub(super) struct Page<'a> {
    /// Title and headline.
    pub title: String,
    /// The one sentence under the title.
    pub lead: String,
    /// Figures and tables in order.
    pub parts: Vec<Part<'a>>,
    /// Notes after them.
    pub notes: &'a [String],
    /// The method paragraph.
    pub method: String,
    /// amplify's version, the seed if any, the inputs.
    pub footer: (String, Option<u64>, &'a [InputRecord]),
}

/// Writes `dir`: the charts, `index.html`, `json_name` (the document), `table` as CSV and Parquet.
pub(super) fn fill(
    dir: &Path,
    page: &Page,
    charts: &[Chart],
    (json_name, json): (&str, String),
    table: &Table,
) -> Result<()> {
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| AmplifyError::Write { path, source })
    };
    let svgs = crate::chart::write_charts(charts, &dir.join("charts"))?;
    write("index.html", html(page, charts, &svgs).as_bytes())?;
    write(json_name, json.as_bytes())?;
    write(&format!("{}.csv", table.name), table.to_csv().as_bytes())?;
    crate::data::files::plain_tables::write_parquet(table, &dir.join(format!("{}.parquet", table.name)))
}

fn html(page: &Page, charts: &[Chart], svgs: &[(String, String)]) -> String {
    let mut h = String::new();
    let title = esc(&page.title);
    let _ = write!(h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
    let _ = write!(h, "<meta name=\"viewport\" content=\"width=device-width\"/><title>{title}</title><style>{CSS}</style></head>\n<body><main>\n");
    let _ = writeln!(h, "<h1>{title}</h1>\n<p class=\"lead\">{}</p>", esc(&page.lead));
    for part in &page.parts {
        match part {
            Part::Table(s) => section(&mut h, s),
            Part::Chart(name) => {
                if let Some((c, (_, svg))) = charts.iter().zip(svgs).find(|(c, _)| c.name == *name) {
                    let _ = writeln!(
                        h,
                        "<figure id=\"chart-{}\">{}<figcaption>{}</figcaption></figure>",
                        esc(&c.name),
                        strip_prolog(svg),
                        esc(&c.caption)
                    );
                }
            }
        }
    }
    for note in page.notes {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(note));
    }
    let _ = writeln!(h, "<section id=\"methods\"><h2>Methods</h2><p>{}</p></section>", esc(&page.method));
    let (version, seed, inputs) = &page.footer;
    let inputs: Vec<String> = inputs
        .iter()
        .map(|i| format!("{} {} ({} rows, sha256 {})", i.role, i.path, i.rows, i.sha256))
        .collect();
    let seed = seed.map(|s| format!("; seed {s}")).unwrap_or_default();
    let _ = writeln!(
        h,
        "<footer class=\"note\">amplify {}{seed}; inputs: {}</footer>\n</main></body></html>",
        esc(version),
        esc(&inputs.join("; "))
    );
    h
}
