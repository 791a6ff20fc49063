//! `amplify words --report DIR`: a folder with a self-contained HTML page (the tables, each
//! model's chart inline, the method with its sources, the inputs), `words.json`, the amplified
//! words as CSV and Parquet, and the charts as PNG and SVG. It reads only the [`WordsReport`].

use super::html::{esc, section, strip_prolog, CSS};
use crate::analysis::WordsReport;
use crate::chart;
use crate::error::{AmplifyError, Result};
use crate::output::words::signed;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Writes the words report folder at `out` (the rules of [`super::write_report`]).
pub(crate) fn write_words_report(r: &WordsReport, out: &Path, inputs: &[PathBuf]) -> Result<PathBuf> {
    super::check_folder(out, "--report", inputs)?;
    super::folder::replace_folder(out, |dir| fill(r, dir))
}

fn fill(r: &WordsReport, dir: &Path) -> Result<()> {
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| AmplifyError::Write { path, source })
    };
    let charts = chart::words::words_charts(r);
    let svgs = chart::write_charts(&charts, &dir.join("charts"))?;
    write("index.html", html(r, &charts, &svgs).as_bytes())?;
    write(
        "words.json",
        (serde_json::to_string_pretty(r).map_err(AmplifyError::Serialise)? + "\n").as_bytes(),
    )?;
    let table = crate::output::words::table(r);
    write("amplified_words.csv", table.to_csv().as_bytes())?;
    crate::data::files::plain_tables::write_parquet(&table, &dir.join("amplified_words.parquet"))
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

fn html(r: &WordsReport, charts: &[chart::Chart], svgs: &[(String, String)]) -> String {
    let title = format!("Marked words by {}: models against {}", r.settings.grouping, r.settings.baseline);
    let mut h = String::new();
    let _ = write!(h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
    let _ = write!(h, "<meta name=\"viewport\" content=\"width=device-width\"/><title>{}</title><style>{CSS}</style></head>\n<body><main>\n", esc(&title));
    let _ = writeln!(h, "<h1>{}</h1>\n<p class=\"lead\">{}</p>", esc(&title), esc(&headline(r)));
    let sections = crate::output::words::sections(r);
    for (i, s) in sections.iter().enumerate() {
        // Sections after the corpus follow the summaries in order, as the charts do.
        let chart = i.checked_sub(1).and_then(|k| r.summary.get(k)).and_then(|s| {
            let name = format!("words-{}-{}", chart::slug(&s.model), chart::slug(&s.level));
            charts.iter().zip(svgs).find(|(c, _)| c.name == name)
        });
        if let Some((c, (_, svg))) = chart {
            let _ = writeln!(
                h,
                "<figure id=\"chart-{}\">{}<figcaption>{}</figcaption></figure>",
                esc(&c.name),
                strip_prolog(svg),
                esc(&c.caption)
            );
        }
        section(&mut h, s);
    }
    for note in &r.notes {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(note));
    }
    let _ = writeln!(h, "<section id=\"methods\"><h2>Methods</h2><p>{}</p></section>", esc(&method(r)));
    let inputs: Vec<String> = r
        .inputs
        .iter()
        .map(|i| format!("{} {} ({} rows, sha256 {})", i.role, i.path, i.rows, i.sha256))
        .collect();
    let _ = writeln!(
        h,
        "<footer class=\"note\">amplify {}; inputs: {}</footer>\n</main></body></html>",
        esc(&r.amplify_version),
        esc(&inputs.join("; "))
    );
    h
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
