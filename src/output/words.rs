//! `amplify words`'s outputs: terminal tables (the corpus, then per model and level the words it
//! marks more and less than the baseline), the JSON document, and the amplified words as CSV.

use super::content::Section;
use super::Format;
use crate::analysis::{AmplifiedWord, WordSide, WordsReport};
use crate::error::{AmplifyError, Result};
use crate::plain_table::{Table, Values};

/// Renders the words document in the chosen format.
pub(crate) fn render(r: &WordsReport, format: Format) -> Result<String> {
    match format {
        Format::Table => Ok(super::terminal::sections(&sections(r))),
        Format::Json => serde_json::to_string_pretty(r).map(|s| s + "\n").map_err(AmplifyError::Serialise),
        Format::Csv => Ok(table(r).to_csv()),
    }
}

/// The terminal's sections: the corpus, then one table per model and level.
pub(crate) fn sections(r: &WordsReport) -> Vec<Section> {
    let mut out = vec![corpus(r)];
    for s in &r.summary {
        let rows: Vec<&AmplifiedWord> =
            r.amplified.iter().filter(|a| a.model == s.model && a.level == s.level).collect();
        let (b, m) = (&r.settings.baseline, &s.model);
        let intro = format!(
            "words for {} (vs {}), z > 0: {m} marks the word for {} more than {b} does. Of {b}'s {} most marked words, {m} marks {} the same way and {} more strongly ({}); {} of {} words have |z| > 1.96",
            s.level,
            r.settings.reference,
            s.level,
            s.baseline_marked,
            s.same_direction,
            s.stronger,
            share(s.share_stronger),
            s.amplified_words,
            s.words
        );
        out.push(Section {
            title: format!("{m} vs {b}"),
            intro,
            headers: [
                "word",
                "z",
                "amplification",
                &format!("{b} δ"),
                &format!("{m} δ"),
                &format!("{b} per 1,000"),
                &format!("{m} per 1,000"),
            ]
            .map(String::from)
            .to_vec(),
            rows: rows.iter().map(|a| amplified_row(a)).collect(),
        });
    }
    out
}

fn corpus(r: &WordsReport) -> Section {
    let s = &r.settings;
    let prior = if s.prior_scale == 1.0 { String::new() } else { format!(" × {}", s.prior_scale) };
    Section {
        title: "Responses".into(),
        intro: format!(
            "grouping {}, reference {}; {} words occur {}+ times (prior: pooled counts{prior})",
            s.grouping, s.reference, r.vocabulary, s.min_count
        ),
        headers: ["source", "level", "items", "responses", "missing", "words", "kept words"]
            .map(String::from)
            .to_vec(),
        rows: r
            .corpus
            .iter()
            .map(|c| {
                vec![
                    c.source.clone(),
                    c.level.clone(),
                    c.items.to_string(),
                    c.documents.to_string(),
                    c.missing.to_string(),
                    c.tokens.to_string(),
                    c.vocabulary_tokens.to_string(),
                ]
            })
            .collect(),
    }
}

fn amplified_row(a: &AmplifiedWord) -> Vec<String> {
    let delta = |s: &WordSide| format!("{} (z {})", signed(s.delta, 2), signed(s.z, 1));
    let rates = |s: &WordSide| format!("{} / {}", rate(s.per_thousand), rate(s.reference_per_thousand));
    vec![
        a.word.clone(),
        signed(a.z, 2),
        signed(a.amplification, 2),
        delta(&a.baseline),
        delta(&a.model_side),
        rates(&a.baseline),
        rates(&a.model_side),
    ]
}

/// A signed number with `decimals`, without a sign when it rounds to zero ("0.00", not "-0.00").
pub(crate) fn signed(v: f64, decimals: usize) -> String {
    let text = format!("{v:+.decimals$}");
    if text[1..].chars().all(|c| c == '0' || c == '.') {
        format!("{:.decimals$}", 0.0)
    } else {
        text
    }
}

fn rate(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{v:.2}"))
}

fn share(x: Option<f64>) -> String {
    x.map_or_else(|| "–".into(), |v| format!("{:.0}%", 100.0 * v))
}

/// The amplified words as one plain table (CSV; one row per model, level and word listed).
pub(crate) fn table(r: &WordsReport) -> Table {
    let rows = &r.amplified;
    let text = |f: &dyn Fn(&AmplifiedWord) -> String| Values::Str(rows.iter().map(|a| Some(f(a))).collect());
    let int =
        |f: &dyn Fn(&AmplifiedWord) -> u64| Values::Int(rows.iter().map(|a| Some(f(a) as i64)).collect());
    let float = |f: &dyn Fn(&AmplifiedWord) -> Option<f64>| Values::Float(rows.iter().map(f).collect());
    let mut columns = vec![
        ("model".to_string(), text(&|a| a.model.clone())),
        ("level".into(), text(&|a| a.level.clone())),
        ("reference".into(), text(&|_| r.settings.reference.clone())),
        ("direction".into(), text(&|a| if a.z > 0.0 { "more" } else { "less" }.into())),
        ("rank".into(), int(&|a| a.rank)),
        ("word".into(), text(&|a| a.word.clone())),
        ("amplification".into(), float(&|a| Some(a.amplification))),
        ("se".into(), float(&|a| Some(a.se))),
        ("z".into(), float(&|a| Some(a.z))),
    ];
    for (prefix, pick) in [("baseline", true), ("model", false)] {
        let side = move |a: &AmplifiedWord| if pick { a.baseline.clone() } else { a.model_side.clone() };
        columns.extend([
            (format!("{prefix}_count"), int(&|a| side(a).count)),
            (format!("{prefix}_reference_count"), int(&|a| side(a).reference_count)),
            (format!("{prefix}_per_thousand"), float(&|a| side(a).per_thousand)),
            (format!("{prefix}_reference_per_thousand"), float(&|a| side(a).reference_per_thousand)),
            (format!("{prefix}_delta"), float(&|a| Some(side(a).delta))),
            (format!("{prefix}_se"), float(&|a| Some(side(a).se))),
            (format!("{prefix}_z"), float(&|a| Some(side(a).z))),
        ]);
    }
    Table { name: "amplified_words".into(), columns }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signed_numbers_drop_the_sign_of_zero() {
        assert_eq!(super::signed(-0.001, 2), "0.00");
        assert_eq!(super::signed(0.004, 2), "0.00");
        assert_eq!(super::signed(-0.005_1, 2), "-0.01");
        assert_eq!(super::signed(1.25, 1), "+1.2");
    }
}
