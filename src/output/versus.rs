//! Sections of a run with conditions (`--versus BASE`) and a ranking (`--rank-by`): every model
//! against the base model, unpaired comparisons, gap amplification relative to the base, and the
//! models in order with the set not significantly different from the best.

use super::content::{pct, with_ci, Section};
use super::format_p;
use crate::analysis::{Findings, Ranking, Versus};

fn yes(b: bool) -> String {
    if b { "yes" } else { "" }.to_string()
}

/// Every conditions and ranking section of the findings (none without them).
pub(crate) fn sections(f: &Findings) -> Vec<Section> {
    let mut out = Vec::new();
    if let Some(v) = &f.versus {
        // No paired row when every other model shares no item with BASE (unpaired only).
        let clustered = f.clustering.as_ref().map(|c| c.column.as_str());
        out.extend(Some(against_base(v, clustered)).filter(|s| !s.rows.is_empty()));
        if !v.unpaired.is_empty() {
            out.push(unpaired(v));
        }
        if !v.groups.is_empty() {
            out.push(groups(v));
        }
    }
    if let Some(r) = &f.ranking {
        out.push(ranking(r));
    }
    out
}

/// Rates, error rates and the overall score of each condition against the base model.
fn against_base(v: &Versus, clustered: Option<&str>) -> Section {
    let b = &v.base;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for c in &v.comparisons {
        let cells = [
            c.n.to_string(),
            pct(c.baseline_rate),
            pct(c.model_rate),
            with_ci(c.difference, c.difference_ci, true),
        ];
        rows.push(row(&c.model, &c.metric, "rate", cells, (c.p_value, c.p_adjusted, c.significant)));
    }
    for t in &v.truth_tests {
        let cells = [
            t.n.to_string(),
            pct(t.baseline_rate),
            pct(t.model_rate),
            with_ci(t.difference, t.difference_ci, true),
        ];
        rows.push(row(
            &t.model,
            &t.metric,
            &t.rate.to_uppercase(),
            cells,
            (t.p_value, t.p_adjusted, t.significant),
        ));
    }
    for o in &v.overall {
        let score = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "–".into());
        let d = o.difference.map(|d| format!("{d:+.3}")).unwrap_or_else(|| "–".into());
        let ci = o.difference_ci.map(|c| format!(" [{:+.3}, {:+.3}]", c.low, c.high)).unwrap_or_default();
        let cells = [o.n.to_string(), score(o.baseline_score), score(o.model_score), format!("{d}{ci}")];
        rows.push(row(&o.model, "overall score", "score", cells, (o.p_value, o.p_adjusted, o.significant)));
    }
    let tests = match clustered {
        Some(column) => format!("Rates, FNR/FPR (on the truth-positive/negative items) and the overall score: clustered by {column} (CR1 standard errors, t with clusters − 1 df) unless the clustering section says otherwise"),
        None => "Rates: exact McNemar and Tango (item-level paired t with repeated samples); FNR/FPR paired on the truth-positive/negative items; overall score: paired t".to_string(),
    };
    Section {
        title: format!("Conditions versus {b}"),
        intro: format!(
            "Each model against the base model {b} on the items both answered (lower is better for the behaviours and the error rates; for verdicts read FNR and FPR). {tests}. In the run's family."
        ),
        headers: ["condition", "metric", "measure", "n", &format!("{b} %"), "condition %", "Δ pp [CI]", "p", "p adj", "significant"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}

/// One row of the conditions table: who, what, the four value cells and the test.
fn row(
    model: &str,
    metric: &str,
    measure: &str,
    cells: [String; 4],
    (p, adjusted, significant): (Option<f64>, Option<f64>, bool),
) -> Vec<String> {
    let mut out = vec![model.to_string(), metric.to_string(), measure.to_string()];
    out.extend(cells);
    out.extend([format_p(p), format_p(adjusted), yes(significant)]);
    out
}

fn unpaired(v: &Versus) -> Section {
    Section {
        title: format!("Unpaired versus {}", v.base),
        intro: "Models that answered none of the base model's items: each side on its own items, never a paired test.".into(),
        headers: ["condition", "metric", "measure", "n", "n base", "base %", "condition %", "Δ pp [CI]", "p adj", "method"]
            .map(String::from)
            .to_vec(),
        rows: v
            .unpaired
            .iter()
            .map(|u| {
                vec![
                    u.model.clone(),
                    u.metric.clone(),
                    u.measure.clone(),
                    u.n.to_string(),
                    u.n_base.to_string(),
                    pct(u.base_rate),
                    pct(u.model_rate),
                    with_ci(u.difference, u.difference_ci, true),
                    format_p(u.p_adjusted),
                    u.method.clone(),
                ]
            })
            .collect(),
    }
}

fn groups(v: &Versus) -> Section {
    Section {
        title: format!("Gap amplification versus {}", v.base),
        intro: format!(
            "Per grouping level: the condition's gap to the reference level minus {}'s gap, Welch's test on the item differences.",
            v.base
        ),
        headers: ["level", "measure", "metric", "condition", "n", "base gap pp", "condition gap pp", "amplification pp [CI]", "p adj", "direction"]
            .map(String::from)
            .to_vec(),
        rows: v
            .groups
            .iter()
            .filter(|g| g.level != g.reference)
            .map(|g| {
                let signed = |x: Option<f64>| x.map(|v| format!("{:+.1}", v * 100.0)).unwrap_or_else(|| "–".into());
                vec![
                    format!("{}={}", g.group_by, g.level),
                    g.measure.clone(),
                    g.metric.clone(),
                    g.model.clone(),
                    g.n.to_string(),
                    signed(g.baseline_gap),
                    signed(g.model_gap),
                    with_ci(g.amplification, g.amplification_ci, true),
                    format_p(g.p_adjusted),
                    g.direction.clone(),
                ]
            })
            .collect(),
    }
}

fn ranking(r: &Ranking) -> Section {
    let measure = match r.measure.as_str() {
        "fnr" => "FNR (missed faults)".to_string(),
        "fpr" => "FPR (false alarms)".to_string(),
        "balanced-error" => "the balanced error rate ((FNR + FPR) / 2)".to_string(),
        "youden" => "Youden's J (1 − FNR − FPR)".to_string(),
        "overall" => "the overall score".to_string(),
        m => format!("the {m} rate"),
    };
    let tied: Vec<&str> =
        r.rows.iter().filter(|x| x.tied_with_best == Some(true)).map(|x| x.model.as_str()).collect();
    let higher = r.measure == "youden";
    let value = |v: Option<f64>, ci: Option<crate::stats::interval::Interval>| match (r.measure.as_str(), v) {
        ("overall", _) | (_, None) => v.map(|v| format!("{v:.3}")).unwrap_or_else(|| "–".into()),
        ("youden", Some(v)) => {
            ci.map(|c| format!("{v:.3} [{:.3}, {:.3}]", c.low, c.high)).unwrap_or_else(|| format!("{v:.3}"))
        }
        _ => with_ci(v, ci, false),
    };
    // With a truth: both error rates and the Pareto front beside any measure.
    let errors = r.rows.iter().any(|x| x.pareto.is_some());
    let delta = if matches!(r.measure.as_str(), "overall" | "youden") {
        "Δ vs best [CI]"
    } else {
        "Δ vs best pp [CI]"
    };
    let mut headers = vec!["rank", "model", "value [CI]", delta, "p", "p adj (Holm)", "tied with best"];
    if errors {
        headers.extend(["FNR %", "FPR %", "Pareto front"]);
    }
    Section {
        title: format!("Ranking by {measure}"),
        intro: format!(
            "{} is better. Best: {}; not significantly different from it (Holm over the tests against the best): {}.{}{}{}",
            if higher { "Higher" } else { "Lower" },
            r.best,
            tied.join(", "),
            r.note.as_ref().map(|n| format!(" {n}.")).unwrap_or_default(),
            if errors { " Pareto front: no other model has a lower FNR without a higher FPR, or the reverse." } else { "" },
            r.warning.as_ref().map(|w| format!(" Warning: {w}.")).unwrap_or_default(),
        ),
        headers: headers.into_iter().map(String::from).collect(),
        rows: r.rows.iter().map(|x| ranking_row(r, x, errors, &value)).collect(),
    }
}

/// One model's cells of the ranking table.
fn ranking_row(
    r: &Ranking,
    x: &crate::analysis::RankRow,
    errors: bool,
    value: &dyn Fn(Option<f64>, Option<crate::stats::interval::Interval>) -> String,
) -> Vec<String> {
    let mut cells = vec![
        x.rank.to_string(),
        x.model.clone(),
        value(x.value, x.ci),
        if r.measure == "overall" || r.measure == "youden" {
            match (x.difference, x.difference_ci) {
                (Some(d), Some(c)) => format!("{d:+.3} [{:+.3}, {:+.3}]", c.low, c.high),
                (Some(d), None) => format!("{d:+.3}"),
                _ => "–".into(),
            }
        } else {
            with_ci(x.difference, x.difference_ci, true)
        },
        format_p(x.p_value),
        format_p(x.p_adjusted),
        match (x.tied_with_best, x.difference) {
            (Some(true), _) => "yes".into(),
            // Significantly better than the best on the items both answered.
            (Some(false), Some(d)) if d < 0.0 && r.measure != "youden" => "no (lower)".into(),
            (Some(false), Some(d)) if d > 0.0 && r.measure == "youden" => "no (higher)".into(),
            (Some(false), _) => "no".into(),
            (None, _) => "–".into(),
        },
    ];
    if errors {
        cells.extend([
            pct(x.fnr),
            pct(x.fpr),
            x.pareto.map(|p| if p { "yes" } else { "no" }.to_string()).unwrap_or_else(|| "–".into()),
        ]);
    }
    cells
}
