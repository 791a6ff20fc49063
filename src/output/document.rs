//! The document of a run: one ordered list of blocks (titled tables, chart places, notes and
//! terminal lines) built from [`Findings`]. The terminal, HTML and Markdown exporters render this
//! list and nothing else, so the order of the sections is written here once.
//!
//! A block is shown in every view, or only on the terminal (its compact tables and one-line
//! tests) or only in reports (charts, methods, settings, inputs). Charts are placed by
//! [`Anchor`]: each chart says where it belongs, and the renderer puts it at the chart place with
//! that anchor (a chart whose anchor has no place goes to a last "Other charts" place, so no
//! drawn chart is ever left out of a report).

use super::content::{self, Section};
use super::{compact, headline};
use crate::analysis::Findings;

/// Where a block is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// On the terminal and in reports.
    All,
    /// Only on the terminal.
    Terminal,
    /// Only in the HTML and Markdown reports.
    Report,
}

/// Where a chart belongs in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// Above the comparisons (rates and differences).
    Comparisons,
    /// Above the table against the ground truth.
    Truth,
    /// Above the table of one grouping (its name).
    Grouping(String),
    /// Above the verdict classes' sections.
    Classes,
    /// Above the counterfactual-pair sections.
    Pairs,
    /// Above the sections of conditions against a base model.
    Conditions,
    /// After everything else: charts without a place of their own.
    Other,
}

/// A table with how the terminal shows it.
pub(crate) struct TableBlock {
    /// The table.
    pub section: Section,
    /// The terminal's line above the table; `None`: "title: intro"; empty: no line.
    pub terminal_heading: Option<String>,
    /// Columns right-aligned on the terminal; `None`: the columns whose cells all look numeric.
    pub right_aligned: Option<Vec<usize>>,
    /// A blank line after the table on the terminal.
    pub gap: bool,
}

/// One block of the document.
pub(crate) enum Block {
    /// The report's title and its one-sentence headline.
    Title {
        /// The title.
        title: String,
        /// The headline.
        lead: String,
    },
    /// A table.
    Table(TableBlock),
    /// The place of the charts with this anchor (and the notes of those not drawn).
    Charts(Anchor),
    /// Lines of text, each ending in a newline (terminal only).
    Lines(String),
    /// The methods table with citations.
    Methods,
    /// The footer naming the tool version and the schema.
    Footer(String),
}

/// The document: blocks in order, each with the views that show it.
pub(crate) struct Document {
    /// The blocks.
    pub blocks: Vec<(View, Block)>,
}

impl Document {
    fn push(&mut self, view: View, block: Block) {
        self.blocks.push((view, block));
    }

    fn table(&mut self, view: View, section: Section) {
        self.push(
            view,
            Block::Table(TableBlock { section, terminal_heading: None, right_aligned: None, gap: true }),
        );
    }

    fn lines(&mut self, text: String) {
        if !text.is_empty() {
            self.push(View::Terminal, Block::Lines(text));
        }
    }

    /// The blocks a view shows, in order.
    pub(crate) fn view(&self, terminal: bool) -> impl Iterator<Item = &Block> {
        self.blocks
            .iter()
            .filter(move |(v, _)| *v == View::All || (*v == View::Terminal) == terminal)
            .map(|(_, b)| b)
    }
}

/// The document of a run, in the order every view shows it.
pub(crate) fn document(f: &Findings) -> Document {
    let mut d = Document { blocks: Vec::new() };
    d.push(View::Report, Block::Title { title: content::report_title(f), lead: headline::headline(f) });
    d.lines(compact::run_line(f));
    let alone = f.data.as_ref().is_some_and(|d| d.alone);
    // The bias already in the data comes first; the terminal shows it when there is no model.
    for s in super::data::sections(f) {
        d.table(if alone { View::All } else { View::Report }, s);
    }
    d.push(View::Report, Block::Charts(Anchor::Comparisons));
    if !alone {
        comparisons(f, &mut d);
    }
    for s in super::clustering::sections(f) {
        d.table(View::Report, s);
    }
    let clustered = super::clustering::lines(f);
    if !clustered.is_empty() {
        d.lines(clustered + "\n");
    }
    truth(f, &mut d);
    for s in super::missing::sections(f) {
        d.table(View::Report, s);
    }
    let missing = super::missing::lines(f);
    if !missing.is_empty() {
        d.lines(missing + "\n");
    }
    if f.verdict_classes.is_some() {
        d.push(View::Report, Block::Charts(Anchor::Classes));
        for s in super::verdict_classes::sections(f) {
            d.table(View::All, s);
        }
        for s in super::verdict_classes::tables(f) {
            d.table(View::Report, s);
        }
    }
    for g in f.groupings.iter().filter(|_| !alone) {
        d.push(View::Report, Block::Charts(Anchor::Grouping(g.group_by.clone())));
        let levels: Vec<String> = g.levels.iter().map(|l| format!("{} ({})", l.level, l.n)).collect();
        let section = content::grouping(f, &g.group_by);
        let heading = format!("{}: levels {}. {}", section.title, levels.join(", "), section.intro);
        let table = TableBlock { section, terminal_heading: Some(heading), right_aligned: None, gap: false };
        d.push(View::All, Block::Table(table));
        if let Some(h) = content::heterogeneity(f, &g.group_by) {
            d.table(View::All, h);
        }
        d.lines(compact::bias_amp_lines(f, &g.group_by) + "\n");
    }
    for s in super::audit::sections(f) {
        d.table(View::All, s);
    }
    if f.pairing.is_some() {
        d.push(View::Report, Block::Charts(Anchor::Pairs));
    }
    for s in super::counterfactual::sections(f).into_iter().chain(super::repeats::sections(f)) {
        d.table(View::All, s);
    }
    if f.versus.is_some() {
        d.push(View::Report, Block::Charts(Anchor::Conditions));
    }
    for s in super::versus::sections(f) {
        d.table(View::All, s);
    }
    d.lines(compact::footer(f));
    d.push(View::Report, Block::Charts(Anchor::Other));
    if !alone {
        d.table(View::Report, content::data_quality(f));
    }
    d.push(View::Report, Block::Methods);
    d.table(View::Report, content::settings(f));
    d.table(View::Report, content::inputs(f));
    d.push(View::Report, Block::Footer(content::report_footer(f)));
    d
}

/// The comparisons and the overall score: compact on the terminal, in full in reports.
fn comparisons(f: &Findings, d: &mut Document) {
    let compact = |section: Section, right: Vec<usize>| {
        Block::Table(TableBlock {
            section,
            terminal_heading: Some(String::new()),
            right_aligned: Some(right),
            gap: true,
        })
    };
    if !f.comparisons.is_empty() {
        d.push(View::Terminal, compact(compact::comparisons_compact(f), vec![2, 3, 4, 5, 6, 7]));
    }
    if !f.overall.is_empty() {
        d.push(View::Terminal, compact(compact::overall_compact(f), vec![1, 2, 3, 4, 5, 6]));
    }
    d.table(View::Report, content::comparisons(f));
    if !f.overall.is_empty() {
        d.table(View::Report, content::overall(f));
    }
}

/// Each source against the truth, then (terminal) the model-vs-baseline error-rate tests.
fn truth(f: &Findings, d: &mut Document) {
    if f.truth.is_empty() {
        return;
    }
    d.push(View::Report, Block::Charts(Anchor::Truth));
    d.table(View::All, content::truth(f));
    let tests = compact::truth_test_lines(f);
    if !tests.is_empty() {
        d.lines(tests + "\n");
    }
}

impl Document {
    /// The items (charts, or notes of charts not drawn) a report shows at the chart place
    /// `anchor`: those anchored there, and at [`Anchor::Other`] those whose anchor has no place
    /// in this document.
    pub(crate) fn charts_at<'a, T>(
        &self,
        anchor: &Anchor,
        items: &'a [T],
        of: impl Fn(&T) -> &Anchor,
    ) -> Vec<&'a T> {
        let placed = |a: &Anchor| self.view(false).any(|b| matches!(b, Block::Charts(x) if x == a));
        items.iter().filter(|i| of(i) == anchor || (*anchor == Anchor::Other && !placed(of(i)))).collect()
    }
}
