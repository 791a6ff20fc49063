//! `amplify words --report DIR`: a folder with a self-contained HTML page (the tables, each
//! model's chart inline, the method with its sources, the inputs), `words.json`, the amplified
//! words as CSV and Parquet, and the charts as PNG and SVG. It reads only the [`WordsReport`].

use super::page::{Page, Part};
use crate::analysis::WordsReport;
use crate::chart;
use crate::error::{AmplifyError, Result};
use crate::output::words::signed;
use std::path::{Path, PathBuf};

/// Writes the words report folder at `out` (the rules of [`super::write_report`]).
pub(crate) fn write_words_report(r: &WordsReport, out: &Path, inputs: &[PathBuf]) -> Result<PathBuf> {
    super::check_folder(out, "--report", inputs)?;
    super::folder::replace_folder(out, |dir| fill(r, dir))
}

fn fill(r: &WordsReport, dir: &Path) -> Result<()> {
    let charts = chart::words::words_charts(r);
    let sections = crate::output::words::sections(r);
    let mut parts = Vec::new();
    for (i, section) in sections.iter().enumerate() {
        // The sections after the corpus follow the summaries in order, as the charts do.
        if let Some(s) = i.checked_sub(1).and_then(|k| r.summary.get(k)) {
            parts.push(Part::Chart(format!("words-{}-{}", chart::slug(&s.model), chart::slug(&s.level))));
        }
        parts.push(Part::Table(section));
    }
    let page = Page {
        title: format!("Marked words by {}: models against {}", r.settings.grouping, r.settings.baseline),
        lead: headline(r),
        parts,
        notes: &r.notes,
        method: method(r),
        footer: (r.amplify_version.clone(), None, &r.inputs),
    };
    let json = serde_json::to_string_pretty(r).map_err(AmplifyError::Serialise)? + "\n";
    super::page::fill(dir, &page, &charts, ("words.json", json), &crate::output::words::table(r))
}

/// The one-sentence headline: each model's most amplified word per level.
pub(crate) fn headline(r: &WordsReport) -> String {
    let mut parts = Vec::new();
    for s in &r.summary {
        let top =
            r.amplified.iter().find(|a| a.model == s.model && a.level == s.level && a.rank == 1 && a.z > 0.0);
        if let Some(a) = top {
            parts.push(format!(
                "{} marks \"{}\" for {} (vs {}) more than {} does (δ {} vs {}, z {:.1}); {} of {}'s {} most marked words more strongly",
                s.model, a.word, s.level, r.settings.reference, r.settings.baseline, signed(a.model_side.delta, 2),
                signed(a.baseline.delta, 2), a.z, s.stronger, r.settings.baseline, s.baseline_marked
            ));
        }
    }
    if parts.is_empty() {
        return format!("No model marks a word more than {} does.", r.settings.baseline);
    }
    parts.join(". ") + "."
}

/// The method in one paragraph, with its sources and settings.
pub(crate) fn method(r: &WordsReport) -> String {
    let s = &r.settings;
    format!(
        "Each text is split into words (Unicode word boundaries, UAX #29; lower case; letters with inner apostrophes){}{}; words occurring fewer than {} times over all texts are left out ({} kept). For every source and level, each word's log-odds ratio against {} (δ) uses the informative Dirichlet prior of Monroe, Colaresi & Quinn (2008, eq. 22), α_w = {} × the word's pooled count over all sources and levels, with σ² = 1/(y_level + α) + 1/(y_reference + α) and z = δ/σ (as in Cheng, Durmus & Jurafsky 2023). A model's amplification of a word is δ_model − δ_{}, with variance σ²_model + σ²_{}. The pooled prior shrinks z: under no difference its standard deviation is well below 1 (about 0.45 in amplify's simulation), so |z| > 1.96 is conservative; --prior-scale 0.01 brings it near 1.",
        s.mask.as_ref().map(|m| format!("; the mask /{m}/ removed first")).unwrap_or_default(),
        s.stopwords.as_ref().map(|w| format!("; {} stop words left out", w.rows)).unwrap_or_default(),
        s.min_count,
        r.vocabulary,
        s.reference,
        s.prior_scale,
        s.baseline,
        s.baseline
    )
}
