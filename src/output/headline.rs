//! The report's one-sentence headline. It leads with the run's design: with counterfactual pairs
//! the largest amplification of the asymmetry between the sides; with conditions the largest
//! change against the base model; with groupings the largest change of a group gap (model gap
//! minus baseline gap: amplified, attenuated, reversed, ...); else the largest
//! difference from the baseline. Only significant rows (after the run's correction) are named;
//! when a design has none, the sentence says so and goes on with the comparisons.

use crate::analysis::Findings;
use crate::stats::Interval;

/// A significant candidate for the headline: |value| ranks them.
struct Candidate {
    value: f64,
    sentence: String,
}

/// One sentence summarising the run's largest significant effect.
pub fn headline(f: &Findings) -> String {
    if let Some(d) = f.data.as_ref().filter(|d| d.alone) {
        return data_alone(f, d);
    }
    let design = if f.pairing.is_some() {
        pairs(f)
    } else if f.versus.is_some() {
        conditions(f)
    } else if !f.groups.is_empty() {
        groups(f)
    } else {
        None
    };
    let plain = comparisons(f);
    match design {
        Some(Ok(sentence)) => sentence,
        Some(Err(none)) => format!("{none} {plain}"),
        None => plain,
    }
}

/// " (95% CI +1.0 to +2.0)" in percentage points, or nothing.
fn ci_text(f: &Findings, ci: Option<Interval>) -> String {
    ci.map(|c| {
        format!(
            " ({:.0}% CI {:+.1} to {:+.1})",
            f.settings.confidence.get() * 100.0,
            c.low * 100.0,
            c.high * 100.0
        )
    })
    .unwrap_or_default()
}

/// The largest candidate, with how many of `tested` were significant.
fn largest(candidates: Vec<Candidate>) -> Option<(usize, Candidate)> {
    let k = candidates.len();
    // The first of equally large ones, in the findings' order.
    let top = candidates.into_iter().reduce(|best, c| {
        if c.value.abs().total_cmp(&best.value.abs()).is_gt() {
            c
        } else {
            best
        }
    });
    top.map(|c| (k, c))
}

/// The data alone: the largest significant group gap in its own labels (its pairs' asymmetry
/// leads when it has pairs), else its rates.
fn data_alone(f: &Findings, d: &crate::analysis::DataBias) -> String {
    let source = &d.source;
    if let Some(p) = &f.pairing {
        let [a, b] = &p.variants;
        let rows = f.pairs.iter().filter(|r| r.significant && r.group_by.is_none());
        let candidates = rows
            .filter_map(|r| {
                let x = r.asymmetry?;
                let sentence = format!(
                    "in {source}'s own labels, {} is {:+.1} percentage points more often 1 on {b} than on {a}{}.",
                    r.metric,
                    x * 100.0,
                    ci_text(f, r.asymmetry_ci)
                );
                Some(Candidate { value: x, sentence })
            })
            .collect();
        if let Some((k, top)) = largest(candidates) {
            return format!(
                "{k} of the data's pair asymmetries are significant; the largest: {}",
                top.sentence
            );
        }
    }
    let candidates = d
        .gaps
        .iter()
        .filter(|g| g.significant)
        .filter_map(|g| {
            let gap = g.gap?;
            let sentence = format!(
                "in {source}'s own labels, {} is {:+.1} percentage points for {}={} against {}{}.",
                g.metric,
                gap * 100.0,
                g.group_by,
                g.level,
                g.reference,
                ci_text(f, g.gap_ci)
            );
            Some(Candidate { value: gap, sentence })
        })
        .collect();
    match largest(candidates) {
        Some((k, top)) => format!(
            "{k} of {} group gaps in the data are significant; the largest: {}",
            d.gaps.len(),
            top.sentence
        ),
        None if !d.gaps.is_empty() => format!(
            "No group gap in {source}'s own labels is significant after correction ({} tests).",
            d.gaps.len()
        ),
        None => {
            let rates: Vec<String> = d
                .rates
                .iter()
                .filter_map(|r| Some(format!("{} {:.1}%", r.metric, r.rate? * 100.0)))
                .collect();
            format!("{source}'s own rates: {}.", rates.join(", "))
        }
    }
}

/// The largest significant difference of a model from the baseline.
fn comparisons(f: &Findings) -> String {
    let b = &f.settings.baseline;
    let candidates = f
        .comparisons
        .iter()
        .filter(|c| c.significant)
        .filter_map(|c| {
            let d = c.difference?;
            let more = if d >= 0.0 { "more" } else { "less" };
            let sentence = format!(
                "{} shows {} {:+.1} percentage points {more} often{}.",
                c.model,
                c.metric,
                d * 100.0,
                ci_text(f, c.difference_ci)
            );
            Some(Candidate { value: d, sentence })
        })
        .collect();
    match largest(candidates) {
        None => format!("No behaviour differs significantly from {b} after correction."),
        Some((k, top)) => format!(
            "{k} of {} comparisons differ significantly from {b}; the largest: {}",
            f.comparisons.len(),
            top.sentence
        ),
    }
}

/// Pairs: the largest amplification of the asymmetry B − A over all pairs (against the baseline
/// where it has pairs, else against the first model).
fn pairs(f: &Findings) -> Option<Result<String, String>> {
    let p = f.pairing.as_ref()?;
    let [a, b] = &p.variants;
    let tests: Vec<_> = f
        .pair_tests
        .iter()
        .filter(|t| t.measure == "asymmetry" && t.group_by.is_none() && t.difference.is_some())
        .collect();
    let against_baseline = tests.iter().any(|t| t.versus == f.settings.baseline);
    let tests: Vec<_> =
        tests.into_iter().filter(|t| !against_baseline || t.versus == f.settings.baseline).collect();
    if tests.is_empty() {
        return None;
    }
    let candidates = tests
        .iter()
        .filter(|t| t.significant)
        .filter_map(|t| {
            let d = t.difference?;
            let sentence = format!(
                "on {}, {}'s asymmetry {b} − {a} differs from {}'s by {:+.1} percentage points{}.",
                t.metric,
                t.model,
                t.versus,
                d * 100.0,
                ci_text(f, t.difference_ci)
            );
            Some(Candidate { value: d, sentence })
        })
        .collect();
    Some(match largest(candidates) {
        None => Err(format!(
            "No model amplifies the asymmetry between {a} and {b} significantly after correction ({} tests).",
            tests.len()
        )),
        Some((k, top)) => Ok(format!(
            "{k} of {} asymmetry amplifications between {a} and {b} are significant; the largest: {}",
            tests.len(),
            top.sentence
        )),
    })
}

/// Conditions: the largest change of a model against the base model (rates, FNR and FPR).
fn conditions(f: &Findings) -> Option<Result<String, String>> {
    let v = f.versus.as_ref()?;
    let base = &v.base;
    let rates = v
        .comparisons
        .iter()
        .map(|c| (c.significant, c.difference, c.difference_ci, &c.model, c.metric.clone()));
    let errors = v.truth_tests.iter().map(|t| {
        (
            t.significant,
            t.difference,
            t.difference_ci,
            &t.model,
            format!("{} {}", t.metric, t.rate.to_uppercase()),
        )
    });
    let all: Vec<_> = rates.chain(errors).collect();
    if all.is_empty() {
        return None;
    }
    let candidates = all
        .iter()
        .filter(|(significant, ..)| *significant)
        .filter_map(|(_, d, ci, model, what)| {
            let d = (*d)?;
            let sentence = format!(
                "{model} changes {what} by {:+.1} percentage points against {base}{}.",
                d * 100.0,
                ci_text(f, *ci)
            );
            Some(Candidate { value: d, sentence })
        })
        .collect();
    Some(match largest(candidates) {
        None => Err(format!("No condition differs significantly from {base} after correction.")),
        Some((k, top)) => Ok(format!(
            "{k} of {} changes against {base} are significant; the largest: {}",
            all.len(),
            top.sentence
        )),
    })
}

/// Groupings: the largest gap amplification (model gap − baseline gap) of a level.
fn groups(f: &Findings) -> Option<Result<String, String>> {
    let b = &f.settings.baseline;
    let rows: Vec<_> =
        f.groups.iter().filter(|r| r.level != r.reference && r.amplification.is_some()).collect();
    if rows.is_empty() {
        return None;
    }
    let pp = |x: Option<f64>| x.map(|v| format!("{:+.1}", v * 100.0)).unwrap_or_else(|| "–".into());
    let candidates = rows
        .iter()
        .filter(|r| r.significant)
        .filter_map(|r| {
            let d = r.amplification?;
            let what = if r.measure == "rate" {
                r.metric.clone()
            } else {
                format!("{} {}", r.metric, r.measure.to_uppercase())
            };
            let sentence = format!(
                "{} {} {b}'s {what} gap between {}={} and {} ({} pp → {} pp; {:+.1} percentage points{}).",
                r.model,
                r.direction,
                r.group_by,
                r.level,
                r.reference,
                pp(r.baseline_gap),
                pp(r.model_gap),
                d * 100.0,
                ci_text(f, r.amplification_ci).replace(" (", ", ").replace(')', "")
            );
            Some(Candidate { value: d, sentence })
        })
        .collect();
    Some(match largest(candidates) {
        None => Err(format!("No group gap changes significantly from {b} to a model after correction.")),
        Some((k, top)) => Ok(format!(
            "{k} of {} group gaps change significantly from {b} to a model; the largest: {}",
            rows.len(),
            top.sentence
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::example_findings as example;

    /// The committed example's headline before the design-led headline (a run with groupings,
    /// read as a plain comparison).
    const PLAIN: &str = "10 of 10 comparisons differ significantly from human; the largest: model_a shows indirect_language +52.2 percentage points more often (95% CI +50.2 to +54.2).";

    #[test]
    fn without_a_design_the_largest_difference_leads() {
        let mut f = example();
        f.groups.clear();
        assert_eq!(headline(&f), PLAIN);
    }

    #[test]
    fn groupings_lead_with_the_largest_significant_gap_change() {
        let mut f = example();
        let text = headline(&f);
        assert!(text.starts_with("5 of 14 group gaps change significantly from human to a model;"), "{text}");
        assert!(
            text.contains("model_a reverses human's verdict FNR gap between partner=female and male"),
            "{text}"
        );
        // No significant row: said, then the comparisons.
        f.groups.iter_mut().for_each(|r| r.significant = false);
        assert_eq!(
            headline(&f),
            format!("No group gap changes significantly from human to a model after correction. {PLAIN}")
        );
    }

    #[test]
    fn ties_keep_the_first_row_in_the_findings_order() {
        let mut f = example();
        f.groups.clear();
        for c in &mut f.comparisons {
            (c.difference, c.significant) = (Some(-0.1), true);
        }
        let first = &f.comparisons[0];
        let text = headline(&f);
        assert!(text.contains(&format!("{} shows {} -10.0", first.model, first.metric)), "{text}");
    }
}
