//! The missing-labels sections: each bounded comparison under every assignment of its invalid
//! labels, the tests of whether the invalid labels depend on the truth or a level (reports), and
//! one terminal line per comparison a reader should look at twice.

use super::content::{pct, pct_ci, Section};
use crate::analysis::findings::{MissingLabels, MissingPair, MissingRow};
use crate::analysis::Findings;
use crate::output::format_p;
use crate::stats::missing_bounds::Conclusion;
use std::fmt::Write;

/// A tipping point below this share of the invalid items gets a terminal line.
const FRAGILE: f64 = 0.5;

/// The model, with the base model of a `--versus` comparison.
fn model_of(r: &MissingRow) -> String {
    match &r.versus {
        Some(base) => format!("{} (vs {base})", r.model),
        None => r.model.clone(),
    }
}

fn items_of(r: &MissingRow) -> String {
    match r.truth {
        None => "all items".into(),
        Some(true) => "truth 1".into(),
        Some(false) => "truth 0".into(),
    }
}

fn conclusion(c: Option<Conclusion>) -> &'static str {
    match c {
        Some(Conclusion::Higher) => "higher",
        Some(Conclusion::Lower) => "lower",
        Some(Conclusion::NoDifference) => "no difference",
        None => "–",
    }
}

fn tipping(r: &MissingRow) -> String {
    tipping_of(r.conclusion, r.tipping_items, r.tipping_share)
}

/// "k (s%)", "robust", or "–" without a conclusion.
fn tipping_of(conclusion: Option<Conclusion>, items: Option<u64>, share: Option<f64>) -> String {
    match (conclusion, items, share) {
        (None, _, _) => "–".into(),
        (Some(_), Some(k), Some(s)) => format!("{k} ({:.0}%)", s * 100.0),
        _ => "robust".into(),
    }
}

/// The bounds table and the invalidity tests (none without the section).
pub(crate) fn sections(f: &Findings) -> Vec<Section> {
    let Some(m) = &f.missing else { return Vec::new() };
    let b = &f.settings.baseline;
    let rows = m
        .rows
        .iter()
        .map(|r| {
            vec![
                model_of(r),
                r.metric.clone(),
                items_of(r),
                r.items.to_string(),
                format!("{} / {}", r.invalid_baseline, r.invalid_model),
                pct(Some(r.share)),
                pct_ci(Some(r.baseline_rate), false),
                pct_ci(Some(r.model_rate), false),
                r.difference.map_or("–".into(), |d| format!("{:+.1}", d * 100.0)),
                pct_ci(Some(r.difference_bounds), true),
                conclusion(r.conclusion).into(),
                tipping(r),
            ]
        })
        .collect();
    let mut out = vec![Section {
        title: "Missing labels".into(),
        intro: format!(
            "Comparisons with more than {:.0}% of their matched items invalid on a side: the rates and the difference over every matched item at their lowest and highest, whatever the invalid labels are (Manski bounds), and the tipping point: the fewest items with an invalid label that, labelled least favourably, change the conclusion (\"robust\": none does; \"–\": none computed, for a clustered comparison or one of item means, where an item is invalid on a side when it has no valid value: no valid sample, or a tie under --aggregate majority).{}",
            m.threshold * 100.0,
            m.note.as_ref().map(|n| format!(" Note: {n}.")).unwrap_or_default()
        ),
        headers: [
            "model", "metric", "which items", "matched", &format!("invalid {b} / model"), "invalid %",
            &format!("{b} % bounds"), "model % bounds", "Δ pp (valid)", "Δ pp bounds", "conclusion", "tipping point",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }];
    // Only pair tests over the threshold (and no note): no empty comparisons table.
    out.retain(|s| !s.rows.is_empty() || m.note.is_some());
    if !m.gaps.is_empty() {
        out.push(gaps(m));
    }
    if !m.pairs.is_empty() {
        out.push(pairs(m));
    }
    if !m.invalidity.is_empty() {
        out.push(invalidity(m));
    }
    out
}

fn pairs(m: &MissingLabels) -> Section {
    let rows = m
        .pairs
        .iter()
        .map(|p| {
            vec![
                p.model.clone(),
                p.versus.clone(),
                p.metric.clone(),
                p.measure.replace('_', " "),
                p.pairs.to_string(),
                pct(Some(p.share)),
                p.difference.map_or("–".into(), |d| format!("{:+.1}", d * 100.0)),
                pct_ci(Some(p.bounds), true),
                if p.significant { "yes" } else { "" }.into(),
                conclusion(p.conclusion).into(),
                tipping_of(p.conclusion, p.tipping_pairs, p.tipping_share),
            ]
        })
        .collect();
    Section {
        title: "Counterfactual pairs under missing labels".into(),
        intro: "Pair tests whose pairs miss a label (invalid, or a source without the item) more than the threshold: the difference over the pairs with all four labels, and its lowest and highest value over every assignment of the missing labels (Manski bounds over every counted pair); and the tipping point: the fewest incomplete pairs that, each completed least favourably and added most adverse first, change the test's conclusion (\"robust\": none does; none for a clustered test).".into(),
        headers: ["model", "versus", "metric", "measure", "pairs", "incomplete %", "Δ pp (complete)", "bounds pp", "significant", "conclusion", "tipping point"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}

fn gaps(m: &MissingLabels) -> Section {
    let rows = m
        .gaps
        .iter()
        .map(|g| {
            vec![
                g.model.clone(),
                g.metric.clone(),
                format!("{}: {} vs {}", g.group_by, g.level, g.reference),
                pct(Some(g.share)),
                g.amplification.map_or("–".into(), |a| format!("{:+.1}", a * 100.0)),
                pct_ci(Some(g.bounds), true),
                if g.significant { "yes" } else { "" }.into(),
            ]
        })
        .collect();
    Section {
        title: "Gap amplification under missing labels".into(),
        intro: "Levels whose items, with the reference's, are more than the threshold invalid: the amplification (model gap − baseline gap) over the valid pairs, and its lowest and highest value over every assignment of the invalid labels of both levels.".into(),
        headers: ["model", "metric", "level", "invalid %", "amplification pp (valid)", "bounds pp", "significant"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}

fn invalidity(m: &MissingLabels) -> Section {
    let rows = m
        .invalidity
        .iter()
        .map(|t| {
            let levels: Vec<String> = t
                .levels
                .iter()
                .map(|l| {
                    format!(
                        "{} {}/{} ({})",
                        l.level,
                        l.invalid,
                        l.items,
                        pct(Some(l.invalid as f64 / l.items.max(1) as f64))
                    )
                })
                .collect();
            vec![
                t.model.clone(),
                t.metric.clone(),
                t.by.clone(),
                levels.join("; "),
                format!("{:.2}", t.statistic),
                t.df.to_string(),
                format_p(Some(t.p_value)) + if t.exact { " (MC exact)" } else { "" },
            ]
        })
        .collect();
    Section {
        title: "Invalid model labels by truth and level".into(),
        intro: "Whether the model's invalid labels depend on the truth or a group level (Pearson's χ²; Monte Carlo exact with small expected counts): a model that refuses more often where it would be wrong is itself a finding. Not in the run's family.".into(),
        headers: ["model", "metric", "by", "invalid / items per level", "X²", "df", "p"].map(String::from).to_vec(),
        rows,
    }
}

/// One terminal line per all-items comparison whose difference bounds include 0 or whose
/// conclusion tips with fewer than half of its invalid items, and per invalidity test with
/// p < 0.05; a one-line summary otherwise.
pub(crate) fn lines(f: &Findings) -> String {
    let Some(m) = &f.missing else { return String::new() };
    let mut out = String::new();
    let all: Vec<&MissingRow> = m.rows.iter().filter(|r| r.truth.is_none()).collect();
    for r in &all {
        let spans_zero = r.difference_bounds.low <= 0.0 && r.difference_bounds.high >= 0.0;
        let fragile = r.tipping_share.is_some_and(|s| s < FRAGILE);
        if !(spans_zero || fragile) {
            continue;
        }
        let _ = writeln!(
            out,
            "missing labels {} {}: {} of {} items invalid; Δ {} pp over the valid pairs, {} pp over every assignment; {}: tipping point {}",
            model_of(r),
            r.metric,
            r.invalid_baseline + r.invalid_model - r.invalid_both,
            r.items,
            r.difference.map_or("–".into(), |d| format!("{:+.1}", d * 100.0)),
            pct_ci(Some(r.difference_bounds), true),
            conclusion(r.conclusion),
            tipping(r)
        );
    }
    for g in m.gaps.iter().filter(|g| g.significant && g.bounds.low <= 0.0 && g.bounds.high >= 0.0) {
        let _ = writeln!(
            out,
            "missing labels {} {} {}={} vs {}: the significant amplification {} pp spans {} pp over every assignment",
            g.model,
            g.metric,
            g.group_by,
            g.level,
            g.reference,
            g.amplification.map_or("–".into(), |a| format!("{:+.1}", a * 100.0)),
            pct_ci(Some(g.bounds), true)
        );
    }
    let pair_lines = |p: &&MissingPair| {
        let spans_zero = p.bounds.low <= 0.0 && p.bounds.high >= 0.0;
        (p.significant && spans_zero) || p.tipping_share.is_some_and(|s| s < FRAGILE)
    };
    for p in m.pairs.iter().filter(pair_lines) {
        let _ = writeln!(
            out,
            "missing labels {} vs {} {} pairs {}: Δ {} pp over the complete pairs, {} pp over every assignment of the labels {} of {} pairs miss; {}: tipping point {}",
            p.model,
            p.versus,
            p.metric,
            p.measure.replace('_', " "),
            p.difference.map_or("–".into(), |d| format!("{:+.1}", d * 100.0)),
            pct_ci(Some(p.bounds), true),
            p.incomplete,
            p.pairs,
            conclusion(p.conclusion),
            tipping_of(p.conclusion, p.tipping_pairs, p.tipping_share)
        );
    }
    for t in m.invalidity.iter().filter(|t| t.p_value < 0.05) {
        let share =
            |l: &crate::analysis::findings::InvalidLevel| pct(Some(l.invalid as f64 / l.items.max(1) as f64));
        let levels: Vec<String> =
            t.levels.iter().map(|l| format!("{} {}: {}%", t.by, l.level, share(l))).collect();
        let _ = writeln!(
            out,
            "invalid labels of {} on {} depend on {}: {} invalid (χ² p {})",
            t.model,
            t.metric,
            t.by,
            levels.join(", "),
            format_p(Some(t.p_value))
        );
    }
    if out.is_empty() && !all.is_empty() {
        let _ = writeln!(
            out,
            "missing labels: {} comparison(s) with more than {:.0}% invalid; every bound keeps the sign and no tipping point is below half the invalid items",
            all.len(),
            m.threshold * 100.0
        );
    }
    out
}
