//! `amplify leakage`'s outputs: terminal tables (each source's leakage, the models'
//! amplification, the leaking words), the JSON document, and the amplification as CSV.

use super::content::{pct, Section};
use super::Format;
use crate::analysis::{LeakageReport, LeakageSettings};
use crate::error::{AmplifyError, Result};
use crate::plain_table::{Table, Values};
use crate::stats::Interval;

/// Renders the leakage document in the chosen format.
pub(crate) fn render(r: &LeakageReport, format: Format) -> Result<String> {
    match format {
        Format::Table => Ok(super::terminal::sections(&sections(r))),
        Format::Json => serde_json::to_string_pretty(r).map(|s| s + "\n").map_err(AmplifyError::Serialise),
        Format::Csv => Ok(table(r).to_csv()),
    }
}

fn ci(i: Option<Interval>) -> String {
    i.map_or_else(|| "–".into(), |i| format!("[{}, {}]", pct(Some(i.low)), pct(Some(i.high))))
}

fn signed_ci(i: Option<Interval>) -> String {
    let s = |v: f64| format!("{:+.1}", v * 100.0);
    i.map_or_else(|| "–".into(), |i| format!("[{}, {}]", s(i.low), s(i.high)))
}

/// The terminal's and the report's sections.
pub(crate) fn sections(r: &LeakageReport) -> Vec<Section> {
    let s = &r.settings;
    let levels: Vec<String> = r.levels.iter().map(|l| format!("{} ({})", l.level, l.items)).collect();
    let conf = format!("{:.0}%", s.confidence * 100.0);
    let mut out = vec![Section {
        title: "Leakage".into(),
        intro: format!(
            "how well a TF-IDF logistic attacker (C = {}, {}-fold cross-fitting) reads {} from each source's text, on {} items: {}; {} words; {conf} {}, %",
            s.c, s.folds, s.grouping, r.items, levels.join(", "), r.features, interval_words(s)
        ),
        headers: ["source", "measure", "value %", &format!("{conf} CI"), "chance %"].map(String::from).to_vec(),
        rows: r
            .sources
            .iter()
            .map(|x| vec![x.source.clone(), x.measure.clone(), pct(x.value), ci(x.ci), pct(Some(x.chance))])
            .collect(),
    }];
    if !r.amplification.is_empty() {
        out.push(Section {
            title: format!("Leakage amplification (model − {})", s.baseline),
            intro: format!("the same items; percentage points; p: {}", p_words(s)),
            headers: [
                "model",
                "measure",
                &format!("{} %", s.baseline),
                "model %",
                "Δ pp",
                &format!("{conf} CI"),
                "p",
            ]
            .map(String::from)
            .to_vec(),
            rows: r
                .amplification
                .iter()
                .map(|a| {
                    vec![
                        a.model.clone(),
                        a.measure.clone(),
                        pct(a.baseline_value),
                        pct(a.model_value),
                        a.difference.map_or_else(|| "–".into(), |d| format!("{:+.1}", d * 100.0)),
                        signed_ci(a.ci),
                        super::format_p(a.p_value),
                    ]
                })
                .collect(),
        });
    }
    out.push(Section {
        title: "Leaking words".into(),
        intro:
            "per source and level, the words the attacker fitted on every item weighs most toward the level"
                .into(),
        headers: ["source", "level", "words (weight)"].map(String::from).to_vec(),
        rows: word_rows(r),
    });
    out
}

/// What the intervals are, from the settings.
pub(crate) fn interval_words(s: &LeakageSettings) -> String {
    if s.bootstrap > 0 {
        format!("bootstrap intervals ({} replicates, attackers re-fitted)", s.bootstrap)
    } else {
        "intervals of LIC from its influence function (no re-fit; balanced accuracy: --bootstrap N)".into()
    }
}

/// What the p-values are, from the settings.
pub(crate) fn p_words(s: &LeakageSettings) -> String {
    if s.permutations > 0 {
        format!("permutation test, texts swapped within items ({} replicates)", s.permutations)
    } else {
        "t-test of LIC's influence-function SE (balanced accuracy: --permutations N)".into()
    }
}

fn word_rows(r: &LeakageReport) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for w in &r.top_words {
        let cell = format!("{} ({:.2})", w.word, w.weight);
        match rows.last_mut().filter(|row| row[0] == w.source && row[1] == w.level) {
            Some(row) => row[2] = format!("{}, {cell}", row[2]),
            None => rows.push(vec![w.source.clone(), w.level.clone(), cell]),
        }
    }
    rows
}

/// The amplification rows as one plain table (CSV and Parquet).
pub(crate) fn table(r: &LeakageReport) -> Table {
    let a = &r.amplification;
    let text = |f: &dyn Fn(usize) -> String| Values::Str((0..a.len()).map(|i| Some(f(i))).collect());
    let float = |f: &dyn Fn(usize) -> Option<f64>| Values::Float((0..a.len()).map(f).collect());
    Table {
        name: "leakage_amplification".into(),
        columns: vec![
            ("model".into(), text(&|i| a[i].model.clone())),
            ("measure".into(), text(&|i| a[i].measure.clone())),
            ("baseline_value".into(), float(&|i| a[i].baseline_value)),
            ("model_value".into(), float(&|i| a[i].model_value)),
            ("difference".into(), float(&|i| a[i].difference)),
            ("ci_low".into(), float(&|i| a[i].ci.map(|c| c.low))),
            ("ci_high".into(), float(&|i| a[i].ci.map(|c| c.high))),
            ("ci_method".into(), Values::Str(a.iter().map(|x| x.ci_method.clone()).collect())),
            ("p_value".into(), float(&|i| a[i].p_value)),
            ("p_method".into(), Values::Str(a.iter().map(|x| x.p_method.clone()).collect())),
        ],
    }
}
