//! The data's own section as tables: the bias already in the data, before any model (the first
//! section of every report, and of the terminal output of a run without models).

use super::content::{pct, pct_ci, Section};
use crate::analysis::Findings;
use crate::output::format_p;

fn signed_pp(x: Option<f64>) -> String {
    x.map(|v| format!("{:+.1}", v * 100.0)).unwrap_or_else(|| "–".into())
}

fn mark(significant: bool) -> String {
    if significant { "yes" } else { "" }.to_string()
}

/// The data's tables: rates, gaps per level, tests across levels (the last two only with
/// groupings); empty without a data section.
pub(crate) fn sections(f: &Findings) -> Vec<Section> {
    let Some(d) = &f.data else { return Vec::new() };
    let source = &d.source;
    let mut out = vec![Section {
        title: "Bias in the data: rates".into(),
        intro: format!(
            "{source}'s own labels over every item it has, before any model: the share labelled 1 per behaviour (Wilson interval; with repeated labels the mean of the item means, t interval)."
        ),
        headers: ["metric", "n", "invalid", &format!("{source} %"), "CI"].map(String::from).to_vec(),
        rows: d
            .rates
            .iter()
            .map(|r| vec![r.metric.clone(), r.n.to_string(), r.invalid.to_string(), pct(r.rate), pct_ci(r.ci, false)])
            .collect(),
    }];
    if !d.gaps.is_empty() {
        out.push(Section {
            title: "Bias in the data: group gaps".into(),
            intro: format!(
                "Each level's rate minus the reference level's, in {source}'s own labels (Newcombe interval, Fisher's exact test; adjusted over this section's tests)."
            ),
            headers: ["grouping", "level", "reference", "metric", "n", "n ref", "level %", "ref %", "gap pp", "CI", "p", "p adj", "significant", "note"]
                .map(String::from)
                .to_vec(),
            rows: d
                .gaps
                .iter()
                .map(|g| {
                    vec![
                        g.group_by.clone(),
                        g.level.clone(),
                        g.reference.clone(),
                        g.metric.clone(),
                        g.n.to_string(),
                        g.n_reference.to_string(),
                        pct(g.rate),
                        pct(g.reference_rate),
                        signed_pp(g.gap),
                        pct_ci(g.gap_ci, true),
                        format_p(g.p_value),
                        format_p(g.p_adjusted),
                        mark(g.significant),
                        g.note.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        });
    }
    if !d.level_tests.is_empty() {
        out.push(Section {
            title: "Bias in the data: across all levels".into(),
            intro: "Whether the rate differs across a grouping's levels at all (Pearson's χ²; a seeded Monte Carlo exact p-value when an expected count is below 5).".into(),
            headers: ["grouping", "metric", "levels", "n", "X²", "df", "method", "p", "p adj", "significant", "note"]
                .map(String::from)
                .to_vec(),
            rows: d
                .level_tests
                .iter()
                .map(|t| {
                    vec![
                        t.group_by.clone(),
                        t.metric.clone(),
                        t.levels.to_string(),
                        t.n.to_string(),
                        t.statistic.map(|x| format!("{x:.2}")).unwrap_or_else(|| "–".into()),
                        t.df.map(|x| x.to_string()).unwrap_or_else(|| "–".into()),
                        t.method.clone().unwrap_or_default(),
                        format_p(t.p_value),
                        format_p(t.p_adjusted),
                        mark(t.significant),
                        t.note.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        });
    }
    out
}
