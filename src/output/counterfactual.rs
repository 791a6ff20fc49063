//! Sections of a run with counterfactual pairs (`--pair`): each source's pair measures, each
//! model against the baseline and the first model on the same pairs, verdicts against the truth
//! of side A, and a one-sentence reading of the largest effect.

use crate::analysis::{Findings, PairTest};
use crate::output::content::{pct, with_ci, Section};
use crate::output::format_p;
use crate::stats::counterfactual::Rate;

fn rate(r: Option<Rate>) -> String {
    with_ci(r.map(|r| r.rate), r.and_then(|r| r.ci), false)
}

fn slice(group_by: &Option<String>, level: &Option<String>) -> String {
    match (group_by, level) {
        (Some(g), Some(l)) => format!("{g}={l}"),
        _ => "all".into(),
    }
}

/// What a measure of a pair test is called in tables.
pub(crate) fn measure_name(measure: &str) -> &'static str {
    match measure {
        "asymmetry" => "asymmetry B − A",
        "affirms_both" => "affirms both sides",
        _ => "1 on both sides",
    }
}

/// Every pair section of the findings (none without pairs).
pub(crate) fn sections(f: &Findings) -> Vec<Section> {
    let Some(p) = &f.pairing else { return Vec::new() };
    let [a, b] = &p.variants;
    let reading = reading(f).map(|r| r + " ").unwrap_or_default();
    let mut out = vec![Section {
        title: "Counterfactual pairs".into(),
        intro: format!(
            "{reading}{} complete pairs ({a} = side A, the reference; {b} = side B); {} with a side missing and {} with a side given twice are not analysed. Per source over its pairs valid on both sides: Wilson intervals for rates; asymmetry P(B) − P(A) with Tango's interval and McNemar's test. For verdicts (1 = at fault), affirms both sides = not at fault on both.",
            p.complete, p.missing_side, p.duplicate_side
        ),
        headers: ["metric", "source", "pairs", "n", "1 on both %", "0 on both % (verdicts: affirms both)", "flip %", "asymmetry pp", "p", "p adj"]
            .map(String::from)
            .to_vec(),
        rows: f
            .pairs
            .iter()
            .filter(|r| r.n > 0)
            .map(|r| {
                vec![
                    r.metric.clone(),
                    r.source.clone(),
                    slice(&r.group_by, &r.level),
                    r.n.to_string(),
                    rate(r.both),
                    rate(r.neither),
                    rate(r.flip),
                    with_ci(r.asymmetry, r.asymmetry_ci, true),
                    format_p(r.p_value),
                    format_p(r.p_adjusted),
                ]
            })
            .collect(),
    }];
    if let Some(c) = f.clustering.as_ref().filter(|_| f.pairs.iter().any(|r| r.method.is_some())) {
        let clustered = format!("clustered by {} (side A's cluster; CR1, t with clusters − 1 df)", c.column);
        out[0].intro = out[0]
            .intro
            .replace(
                "with Tango's interval and McNemar's test",
                &format!("with its interval and p {clustered}"),
            )
            .replace("Wilson intervals for rates", &format!("rates' intervals {clustered}"));
    }
    let unlabelled = without_baseline(f);
    if !unlabelled.is_empty() {
        out[0].intro.push_str(&format!(
            " No {} baseline (no pair with {} labels on both sides) for: {}.",
            f.settings.baseline,
            f.settings.baseline,
            unlabelled.join(", ")
        ));
    }
    if f.pair_tests.iter().any(|t| t.n > 0) {
        out.push(tests(f));
    }
    if !f.pair_truth.is_empty() {
        out.push(truth(f));
    }
    out
}

/// Metrics (and level slices) whose baseline has no pair labelled on both sides.
fn without_baseline(f: &Findings) -> Vec<String> {
    f.pairs
        .iter()
        .filter(|r| r.role == "baseline" && r.n == 0)
        .map(|r| match &r.level {
            Some(_) => format!("{} ({})", r.metric, slice(&r.group_by, &r.level)),
            None => r.metric.clone(),
        })
        .collect()
}

fn tests(f: &Findings) -> Section {
    Section {
        title: "Counterfactual pairs: model against another source".into(),
        intro: match f.clustering.as_ref().filter(|_| f.pair_tests.iter().any(|t| t.method.is_some())) {
            // --cluster: every tested row's interval and p are the clustered ones.
            Some(c) => format!("On the pairs both sources labelled on both sides. Asymmetry: amplification = model asymmetry − other asymmetry; both sides: the difference of the pair-level indicators. Δ and p clustered by {} (side A's cluster; CR1 standard errors, t with clusters − 1 df), not the paired t or McNemar. Adjusted in the run's family.", c.column),
            None => "On the pairs both sources labelled on both sides. Asymmetry: amplification = model asymmetry − other asymmetry, paired t over pairs; both-sides rates: exact McNemar and Tango on the pair-level indicators. Adjusted in the run's family.".into(),
        },
        headers: ["metric", "model", "versus", "pairs", "measure", "n", "versus %", "model %", "Δ pp", "p", "p adj"]
            .map(String::from)
            .to_vec(),
        rows: f
            .pair_tests
            .iter()
            .filter(|t| t.n > 0)
            .map(|t| {
                vec![
                    t.metric.clone(),
                    t.model.clone(),
                    t.versus.clone(),
                    slice(&t.group_by, &t.level),
                    measure_name(&t.measure).into(),
                    t.n.to_string(),
                    pct(t.versus_value),
                    pct(t.model_value),
                    with_ci(t.difference, t.difference_ci, true),
                    format_p(t.p_value),
                    format_p(t.p_adjusted),
                ]
            })
            .collect(),
    }
}

fn truth(f: &Findings) -> Section {
    let [a, b] = f.pairing.as_ref().map(|p| p.variants.clone()).unwrap_or_default();
    Section {
        title: "Counterfactual pairs: verdicts where the truth clears side A".into(),
        intro: format!("On pairs whose {a} side the truth finds not at fault: how often each source also finds the {b} side not at fault, and both sides (Wilson intervals)."),
        headers: ["metric", "source", "n", &format!("{b} not at fault %"), "both not at fault %"].map(String::from).to_vec(),
        rows: f
            .pair_truth
            .iter()
            .filter(|r| r.n > 0)
            .map(|r| vec![r.metric.clone(), r.source.clone(), r.n.to_string(), rate(r.b_not_at_fault), rate(r.both_not_at_fault)])
            .collect(),
    }
}

/// One sentence on the largest significant model-vs-source difference over all pairs (else the
/// largest model asymmetry), for the report.
pub(crate) fn reading(f: &Findings) -> Option<String> {
    let conf = format!("{:.0}% CI", f.settings.confidence.get() * 100.0);
    let largest = |t: &&PairTest| t.difference.map_or(0.0, f64::abs);
    let best = f
        .pair_tests
        .iter()
        .filter(|t| t.group_by.is_none() && t.significant)
        .max_by(|x, y| largest(x).total_cmp(&largest(y)));
    if let Some(t) = best {
        let (d, ci) = (t.difference?, t.difference_ci?);
        return Some(format!(
            "{} differs most from {} on {} ({}): {:.1}% vs {:.1}% of pairs, {:+.1} pp ({conf} {:+.1} to {:+.1}, adjusted p {}).",
            t.model,
            t.versus,
            t.metric,
            measure_name(&t.measure),
            t.model_value? * 100.0,
            t.versus_value? * 100.0,
            d * 100.0,
            ci.low * 100.0,
            ci.high * 100.0,
            format_p(t.p_adjusted)
        ));
    }
    let row = f
        .pairs
        .iter()
        .filter(|r| r.group_by.is_none() && r.role == "model")
        .max_by(|x, y| x.asymmetry.map_or(0.0, f64::abs).total_cmp(&y.asymmetry.map_or(0.0, f64::abs)))?;
    Some(format!(
        "No model differs significantly from another source on the pairs; the largest asymmetry is {}'s on {}: {:+.1} pp (adjusted p {}).",
        row.source,
        row.metric,
        row.asymmetry? * 100.0,
        format_p(row.p_adjusted)
    ))
}
