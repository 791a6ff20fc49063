//! The terminal view: the run's [`Document`] as text tables (`compare`'s default output), and the
//! one-table documents of `amplify agree` and `amplify power`, and any list of sections (`amplify
//! words`).

use super::content::Section;
use super::document::{document, Block, Document, TableBlock};
use crate::analysis::Findings;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};
use std::fmt::Write;

/// Renders the findings as text tables.
pub(super) fn render(f: &Findings) -> String {
    render_document(&document(f))
}

fn render_document(d: &Document) -> String {
    let mut out = String::new();
    for block in d.view(true) {
        match block {
            Block::Table(t) => out.push_str(&table_block(t)),
            Block::Lines(text) => out.push_str(&crate::escape::lines(text)),
            Block::Title { .. } | Block::Charts(_) | Block::Methods | Block::Footer(_) => {}
        }
    }
    out
}

/// A table with its heading line and, if asked, a blank line after it.
fn table_block(t: &TableBlock) -> String {
    let s = &t.section;
    let heading = t.terminal_heading.clone().unwrap_or_else(|| format!("{}: {}", s.title, s.intro));
    let mut out = if heading.is_empty() { String::new() } else { crate::escape::line(&heading) + "\n" };
    let _ = writeln!(out, "{}", table(s, t.right_aligned.as_deref()));
    if t.gap {
        out.push('\n');
    }
    out
}

/// A section as a comfy table; numeric columns right-aligned (the given ones, or those whose
/// every cell starts like a number).
fn table(s: &Section, right_aligned: Option<&[usize]>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    let shown = |cells: &[String]| cells.iter().map(|c| crate::escape::line(c)).collect::<Vec<_>>();
    t.set_header(shown(&s.headers));
    for row in &s.rows {
        t.add_row(shown(row));
    }
    let numeric: Vec<usize> = match right_aligned {
        Some(columns) => columns.to_vec(),
        None => (0..s.headers.len())
            .filter(|&i| {
                s.rows.iter().all(|r| r[i].starts_with(|c: char| c.is_ascii_digit() || "+-–[<".contains(c)))
            })
            .collect(),
    };
    for i in numeric {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

/// Sections as "title: intro", the table and a blank line each.
pub(crate) fn sections(sections: &[Section]) -> String {
    let heading = |s: &Section| crate::escape::line(&format!("{}: {}", s.title, s.intro));
    sections.iter().map(|s| format!("{}\n{}\n\n", heading(s), table(s, None))).collect()
}

/// The agreement document of `amplify agree` as terminal tables.
pub(crate) fn agreement(
    rows: &[crate::analysis::AgreementRow],
    differential: &[crate::analysis::DifferentialError],
) -> String {
    let mut all = vec![super::audit::agreement(rows)];
    if !differential.is_empty() {
        all.push(super::audit::differential(differential));
    }
    sections(&all)
}

/// The `amplify power` document as a terminal table.
pub(crate) fn power(r: &crate::analysis::PowerReport) -> String {
    let mut text = sections(&[super::audit::power(r)]);
    text.pop();
    text
}
