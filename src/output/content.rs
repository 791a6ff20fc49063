//! Findings as titled rows of text, shared by the terminal sections and the HTML and Markdown
//! reports, so every view presents exactly the same numbers.

use crate::analysis::Findings;
use crate::output::format_p;
use crate::stats::Interval;

/// A titled table of text cells.
pub(crate) struct Section {
    /// Heading.
    pub title: String,
    /// Sentence under the heading.
    pub intro: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

/// Percentage with one decimal, "–" when missing.
pub(crate) fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}", v * 100.0)).unwrap_or_else(|| "–".into())
}

/// Interval in percent, "–" when missing.
pub(crate) fn pct_ci(ci: Option<Interval>, signed: bool) -> String {
    match ci {
        Some(c) if signed => format!("[{:+.1}, {:+.1}]", c.low * 100.0, c.high * 100.0),
        Some(c) => format!("[{:.1}, {:.1}]", c.low * 100.0, c.high * 100.0),
        None => "–".into(),
    }
}

/// A percentage with its interval, "12.3 [10.1, 14.6]" (signed: "+12.3 [+10.1, +14.6]"); the
/// bare percentage without an interval, "–" when missing.
pub(crate) fn with_ci(x: Option<f64>, ci: Option<Interval>, signed: bool) -> String {
    match (x, ci) {
        (Some(v), Some(ci)) if signed => {
            format!("{:+.1} [{:+.1}, {:+.1}]", v * 100.0, ci.low * 100.0, ci.high * 100.0)
        }
        (Some(v), Some(ci)) => format!("{:.1} [{:.1}, {:.1}]", v * 100.0, ci.low * 100.0, ci.high * 100.0),
        (v, _) => pct(v),
    }
}

fn signed_pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:+.1}", v * 100.0)).unwrap_or_else(|| "–".into())
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "" }.to_string()
}

/// The comparisons table.
pub(crate) fn comparisons(f: &Findings) -> Section {
    let b = &f.settings.baseline;
    Section {
        title: "Comparisons".into(),
        intro: format!(
            "Per behaviour and model, over items labelled validly by both {b} and the model; detectable: the smallest |Δ| these n detect with 80% power at the run's per-test α{}.",
            f.detectable.map(|d| format!(" ({:.2e}, {} tests)", d.alpha, d.tests)).unwrap_or_default()
        ),
        headers: [
            "metric",
            "model",
            "n",
            &format!("{b} %"),
            "CI",
            "model %",
            "CI",
            "Δ pp",
            "CI",
            "p",
            "p adj",
            "significant",
            "detectable pp",
        ]
        .map(String::from)
        .to_vec(),
        rows: f
            .comparisons
            .iter()
            .map(|c| {
                vec![
                    c.metric.clone(),
                    c.model.clone(),
                    c.n.to_string(),
                    pct(c.baseline_rate),
                    pct_ci(c.baseline_ci, false),
                    pct(c.model_rate),
                    pct_ci(c.model_ci, false),
                    signed_pct(c.difference),
                    pct_ci(c.difference_ci, true),
                    format_p(c.p_value),
                    format_p(c.p_adjusted),
                    yes(c.significant),
                    c.mde.map(|m| format!("±{:.1}", m * 100.0)).unwrap_or_else(|| "–".into()),
                ]
            })
            .collect(),
    }
}

/// The overall-score table.
pub(crate) fn overall(f: &Findings) -> Section {
    let score = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "–".into());
    let ci = |c: Option<Interval>| {
        c.map(|c| format!("[{:+.3}, {:+.3}]", c.low, c.high)).unwrap_or_else(|| "–".into())
    };
    Section {
        title: "Overall score".into(),
        intro: format!("Mean item score, paired t-test; {}.", score_rule(f)),
        headers: ["model", "n", &f.settings.baseline, "model", "Δ", "CI", "p", "p adj"]
            .map(String::from)
            .to_vec(),
        rows: f
            .overall
            .iter()
            .map(|o| {
                let d = o.difference.map(|v| format!("{v:+.3}")).unwrap_or_else(|| "–".into());
                vec![
                    o.model.clone(),
                    o.n.to_string(),
                    score(o.baseline_score),
                    score(o.model_score),
                    d,
                    ci(o.difference_ci),
                    format_p(o.p_value),
                    format_p(o.p_adjusted),
                ]
            })
            .collect(),
    }
}

/// Each source against the ground truth.
pub(crate) fn truth(f: &Findings) -> Section {
    Section {
        title: "Against the ground truth".into(),
        intro: format!(
            "Labels against {} (at fault = positive); FNR is the sycophancy rate.",
            f.settings.truth.as_deref().unwrap_or("the truth")
        ),
        headers: [
            "source",
            "metric",
            "n",
            "tp",
            "fp",
            "tn",
            "fn",
            "FNR %",
            "CI",
            "FPR %",
            "CI",
            "accuracy %",
        ]
        .map(String::from)
        .to_vec(),
        rows: f
            .truth
            .iter()
            .map(|t| {
                // Item-level rows (repeated samples) have no confusion counts.
                let cell = |x: u64| if t.method.is_some() { "–".to_string() } else { x.to_string() };
                vec![
                    t.source.clone(),
                    t.metric.clone(),
                    t.n.to_string(),
                    cell(t.counts.tp),
                    cell(t.counts.fp),
                    cell(t.counts.tn),
                    cell(t.counts.fn_),
                    pct(t.rates.fnr),
                    pct_ci(t.rates.fnr_ci, false),
                    pct(t.rates.fpr),
                    pct_ci(t.rates.fpr_ci, false),
                    pct(t.rates.accuracy),
                ]
            })
            .collect(),
    }
}

/// One grouping's amplification rows (levels other than the reference).
pub(crate) fn grouping(f: &Findings, group_by: &str) -> Section {
    let b = &f.settings.baseline;
    let shrunk = f.groups.iter().any(|r| r.group_by == group_by && r.shrunken.is_some());
    let odds = f.groups.iter().any(|r| r.group_by == group_by && r.ror.is_some());
    let g = f.groupings.iter().find(|g| g.group_by == group_by);
    Section {
        title: format!("Grouping: {group_by}"),
        intro: g
            .map(|g| {
                format!(
                    "Reference level {}; {} items unassigned, {} ambiguous.",
                    g.reference, g.unassigned, g.ambiguous
                )
            })
            .unwrap_or_default(),
        headers: [
            "level",
            "measure",
            "metric",
            "model",
            "n",
            &format!("{b} %"),
            "model %",
            &format!("{b} gap pp"),
            "model gap pp",
            "amplification pp",
            "CI",
            "p adj",
            "direction",
        ]
        .map(String::from)
        .into_iter()
        .chain(odds.then(|| "ROR [CI]".to_string()))
        .chain(shrunk.then(|| "shrunken pp [CI]".to_string()))
        .collect(),
        rows: f
            .groups
            .iter()
            .filter(|r| r.group_by == group_by && r.level != r.reference)
            .map(|r| {
                let mut cells = vec![
                    r.level.clone(),
                    r.measure.clone(),
                    r.metric.clone(),
                    r.model.clone(),
                    r.n.to_string(),
                    pct(r.baseline_rate),
                    pct(r.model_rate),
                    signed_pct(r.baseline_gap),
                    signed_pct(r.model_gap),
                    signed_pct(r.amplification),
                    pct_ci(r.amplification_ci, true),
                    format_p(r.p_adjusted),
                    r.note.clone().unwrap_or_else(|| {
                        format!("{}{}", r.direction, if r.significant { " *" } else { "" })
                    }),
                ];
                if odds {
                    cells.push(ratio_with_ci(r.ror, r.ror_ci));
                }
                if shrunk {
                    cells.push(with_ci(r.shrunken, r.shrunken_ci, true));
                }
                cells
            })
            .collect(),
    }
}

/// A ratio with its interval, "2.41 [1.62, 3.59]", "–" when missing.
fn ratio_with_ci(x: Option<f64>, ci: Option<Interval>) -> String {
    match (x, ci) {
        (Some(v), Some(c)) => format!("{v:.2} [{:.2}, {:.2}]", c.low, c.high),
        (Some(v), None) => format!("{v:.2}"),
        _ => "–".into(),
    }
}

/// The heterogeneity of the amplification across a grouping's levels (8 or more), when computed.
pub(crate) fn heterogeneity(f: &Findings, group_by: &str) -> Option<Section> {
    let rows: Vec<_> = f.heterogeneity.iter().filter(|h| h.group_by == group_by).collect();
    if rows.is_empty() {
        return None;
    }
    Some(Section {
        title: format!("Heterogeneity across the levels of {group_by}"),
        intro: "Do the levels' amplifications differ beyond chance? Cochran's Q test, the \
                DerSimonian–Laird between-level SD τ and I²; the shrunken column above pulls each \
                level toward the mean by its noise (empirical Bayes)."
            .into(),
        headers: ["measure", "metric", "model", "levels", "Q", "p", "τ pp", "I² %", "mean pp"]
            .map(String::from)
            .to_vec(),
        rows: rows
            .iter()
            .map(|h| {
                vec![
                    h.measure.clone(),
                    h.metric.clone(),
                    h.model.clone(),
                    h.levels.to_string(),
                    format!("{:.1}", h.q),
                    format_p(Some(h.p_value)),
                    format!("{:.1}", 100.0 * h.tau2.sqrt()),
                    format!("{:.0}", 100.0 * h.i2),
                    signed_pct(Some(h.mean)),
                ]
            })
            .collect(),
    })
}

/// Alignment and invalid labels per model.
pub(crate) fn data_quality(f: &Findings) -> Section {
    let invalid = |model: &str| {
        f.comparisons
            .iter()
            .filter(|c| c.model == model)
            .map(|c| format!("{} {}+{}", c.metric, c.invalid_baseline, c.invalid_model))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Section {
        title: "Alignment and invalid labels".into(),
        intro: format!("Items matched by id; invalid labels ({}+model) are excluded from a metric's pairs and counted here.", f.settings.baseline),
        headers: ["model", "matched", &format!("only in {}", f.settings.baseline), "only in model", "invalid labels per metric"].map(String::from).to_vec(),
        rows: f
            .alignment
            .iter()
            .map(|a| vec![a.model.clone(), a.matched.to_string(), a.baseline_only.to_string(), a.model_only.to_string(), invalid(&a.model)])
            .collect(),
    }
}

/// Inputs with their hashes.
pub(crate) fn inputs(f: &Findings) -> Section {
    Section {
        title: "Inputs".into(),
        intro: String::new(),
        headers: ["role", "name", "path", "rows", "sha256"].map(String::from).to_vec(),
        rows: f
            .inputs
            .iter()
            .map(|i| {
                vec![i.role.clone(), i.name.clone(), i.path.clone(), i.rows.to_string(), i.sha256.clone()]
            })
            .collect(),
    }
}

/// Settings that determine the numbers.
pub(crate) fn settings(f: &Findings) -> Section {
    let s = &f.settings;
    let mut rows = vec![
        vec!["amplify version".into(), f.amplify_version.clone()],
        vec!["confidence".into(), s.confidence.to_string()],
        vec!["correction".into(), format!("{:?}", s.correction).to_lowercase()],
        vec!["test".into(), format!("{:?}", s.test).to_lowercase()],
        vec!["seed".into(), s.seed.to_string()],
        vec!["baseline".into(), s.baseline.clone()],
        vec!["metrics".into(), s.metrics.join(", ")],
        vec!["layout".into(), format!("{:?}", s.layout).to_lowercase()],
        vec!["truth".into(), s.truth.clone().unwrap_or_default()],
        vec!["min group / bootstrap".into(), format!("{} / {}", s.min_group, s.bootstrap)],
    ];
    if let Some(classes) = &s.verdict_classes {
        let test = s.homogeneity_test.label();
        rows.push(vec!["verdict classes".into(), format!("{} ({test})", classes.join(", "))]);
    }
    Section {
        title: "Settings".into(),
        intro: String::new(),
        headers: vec!["setting".into(), "value".into()],
        rows,
    }
}

/// How the overall score is built, in one sentence (shown under every overall-score table).
pub(crate) fn score_rule(f: &Findings) -> String {
    let base = "share of the compared metrics an item shows, 1 = face-preserving";
    match f.settings.score_inverted.as_slice() {
        [] => base.to_string(),
        inverted => {
            format!("{base}; {} (1 = at fault) counted inverted, not at fault = 1", inverted.join(", "))
        }
    }
}

/// The report's title: "amplify report: MODELS vs BASELINE".
pub(crate) fn report_title(f: &Findings) -> String {
    if f.data.as_ref().is_some_and(|d| d.alone) {
        return format!("amplify report: the data ({})", f.settings.baseline);
    }
    let models: Vec<&str> = f.alignment.iter().map(|a| a.model.as_str()).collect();
    format!("amplify report: {} vs {}", models.join(", "), f.settings.baseline)
}

/// The report's last line: the tool version and the findings schema.
pub(crate) fn report_footer(f: &Findings) -> String {
    format!("Generated by amplify {} from findings schema {}.", f.amplify_version, f.schema)
}
