//! Group findings: each level's gap to the reference in the baseline and in the model, their
//! difference (amplification) with Welch's test, and BiasAmp→ per grouping.

use crate::analysis::findings::{BiasAmplification, GroupRow, GroupingSummary, LevelSize, Settings};
use crate::counts::PairedCounts;
use crate::counts::{CountsTable, MetricCounts, Moments};
use crate::error::{AmplifyError, Result};
use crate::stats::biasamp::{bias_amp, bias_amp_bootstrap};
use crate::stats::odds_ratio::{moments_logit_difference, ratio_of_logit_differences, ratio_of_odds_ratios};
use crate::stats::welch::{welch_t, SampleSums};
use crate::stats::Interval;
use std::collections::BTreeMap;

/// Per grouping: its levels with sizes, and the reference level (requested or the largest).
pub(crate) fn summaries(counts: &CountsTable, settings: &Settings) -> Result<Vec<GroupingSummary>> {
    let requested: BTreeMap<String, String> =
        settings.reference.iter().map(|r| (r.grouping.clone(), r.level.clone())).collect();
    let mut out = Vec::new();
    for g in &counts.groupings {
        let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
        for m in counts.metrics.iter().filter(|m| m.slice.truth.is_none()) {
            let Some(level) = m.slice.group.as_ref().filter(|l| l.grouping == g.group_by) else { continue };
            let n = sizes.entry(level.level.clone()).or_default();
            *n = (*n).max(m.n());
        }
        let mut levels: Vec<LevelSize> = sizes.into_iter().map(|(level, n)| LevelSize { level, n }).collect();
        levels.sort_by(|a, b| b.n.cmp(&a.n).then(a.level.cmp(&b.level)));
        let reference = match requested.get(&g.group_by) {
            Some(level) if levels.iter().any(|l| &l.level == level) => level.clone(),
            Some(level) => {
                let names: Vec<&str> = levels.iter().map(|l| l.level.as_str()).collect();
                return Err(AmplifyError::Usage(format!(
                    "--reference {}={level}: no such level; levels are: {}",
                    g.group_by,
                    names.join(", ")
                )));
            }
            None => levels.first().map(|l| l.level.clone()).unwrap_or_default(),
        };
        out.push(GroupingSummary {
            group_by: g.group_by.clone(),
            reference,
            levels,
            unassigned: g.unassigned,
            ambiguous: g.ambiguous,
        });
    }
    if let Some(unknown) = requested.keys().find(|k| !out.iter().any(|s| &s.group_by == *k)) {
        let names: Vec<&str> = out.iter().map(|s| s.group_by.as_str()).collect();
        return Err(AmplifyError::Usage(format!(
            "--reference {unknown}=...: no grouping named '{unknown}'; groupings are: {}",
            if names.is_empty() { "(none)".to_string() } else { names.join(", ") }
        )));
    }
    Ok(out)
}

/// Gap-amplification rows for every grouping, level, measure, metric and model.
pub(crate) fn group_rows(
    counts: &CountsTable,
    summaries: &[GroupingSummary],
    settings: &Settings,
) -> Vec<GroupRow> {
    let mut out = Vec::new();
    let measures: &[(&str, Option<bool>)] = &[("rate", None), ("fnr", Some(true)), ("fpr", Some(false))];
    for s in summaries {
        for &(measure, truth) in measures {
            let find = |model: &str, metric: &str, level: &str| {
                counts.metrics.iter().find(|m| {
                    m.model == model
                        && m.metric == metric
                        && m.slice.truth == truth
                        && m.slice
                            .group
                            .as_ref()
                            .is_some_and(|g| g.grouping == s.group_by && g.level == level)
                })
            };
            for all in counts.metrics.iter().filter(|m| m.slice.is_all()) {
                if measure != "rate" && !counts.truth.iter().any(|t| t.metric == all.metric) {
                    continue;
                }
                let Some(reference) = find(&all.model, &all.metric, &s.reference) else { continue };
                for level in &s.levels {
                    if let Some(row) = find(&all.model, &all.metric, &level.level) {
                        out.push(group_row(s, measure, row, reference, settings));
                    }
                }
            }
        }
    }
    out
}

/// Baseline and model rates of a measure, and the sums of d = model − baseline per item (for
/// FNR, misses: d = (1 − m) − (1 − h)); from the 2×2 table or the item-level moments alike.
fn measure(m: &Moments, measure: &str) -> (Option<f64>, Option<f64>, SampleSums) {
    let n = m.n;
    let share = |x: f64| (n > 0).then(|| x / n as f64);
    let (sum_d, sum_sq) = m.difference_sums();
    if measure == "fnr" {
        let sums = SampleSums { n, sum: -sum_d, sum_sq };
        (share(n as f64 - m.baseline()), share(n as f64 - m.model()), sums)
    } else {
        let sums = SampleSums { n, sum: sum_d, sum_sq };
        (share(m.baseline()), share(m.model()), sums)
    }
}

fn group_row(
    s: &GroupingSummary,
    kind: &str,
    row: &MetricCounts,
    reference: &MetricCounts,
    settings: &Settings,
) -> GroupRow {
    let (b_l, m_l, d_l) = measure(&row.item_moments(), kind);
    let (b_r, m_r, d_r) = measure(&reference.item_moments(), kind);
    let gap = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| x - y);
    let (baseline_gap, model_gap) = (gap(b_l, b_r), gap(m_l, m_r));
    let level = row.slice.group.as_ref().map_or("", |g| g.level.as_str());
    let is_reference = level == s.reference;
    let big_enough = d_l.n >= settings.min_group && d_r.n >= settings.min_group;
    let test = (!is_reference && big_enough).then(|| welch_t(d_l, d_r, settings.confidence.get())).flatten();
    let note = if is_reference {
        Some("reference level".to_string())
    } else if !big_enough {
        Some(format!("fewer than {} items in the level or the reference: not tested", settings.min_group))
    } else if test.is_none() {
        Some("too few items for Welch's test".to_string())
    } else {
        None
    };
    let ror = (!is_reference).then(|| odds_scale(kind, row, reference, settings.confidence.get())).flatten();
    GroupRow {
        group_by: s.group_by.clone(),
        level: level.to_string(),
        reference: s.reference.clone(),
        measure: kind.to_string(),
        metric: row.metric.clone(),
        model: row.model.clone(),
        n: d_l.n,
        n_reference: d_r.n,
        baseline_rate: b_l,
        model_rate: m_l,
        baseline_gap,
        model_gap,
        amplification: gap(model_gap, baseline_gap).filter(|_| !is_reference),
        amplification_ci: test.map(|t| t.interval),
        relative: baseline_gap.zip(model_gap).filter(|(b, _)| *b != 0.0).map(|(b, m)| m / b),
        direction: if is_reference { "reference".into() } else { direction(baseline_gap, model_gap) },
        p_value: test.map(|t| t.p_value),
        p_adjusted: None,
        significant: false,
        note,
        amplification_se: (!is_reference).then(|| amplification_se(&d_l, &d_r)).flatten(),
        mde: None,
        shrunken: None,
        shrunken_ci: None,
        ror: ror.map(|r| r.0),
        ror_ci: ror.map(|r| r.1),
        ror_p_value: ror.map(|r| r.2),
    }
}

/// The ratio of odds ratios of a level against the reference: from their 2×2 tables (on the
/// misses for FNR, on the labels for a rate or FPR), or from the item-level moments when the
/// item values are fractions (repeated samples; a miss's logit is minus the label's).
fn odds_scale(
    kind: &str,
    row: &MetricCounts,
    reference: &MetricCounts,
    confidence: f64,
) -> Option<(f64, Interval, f64)> {
    if row.moments.is_some() || reference.moments.is_some() {
        let sign = if kind == "fnr" { -1.0 } else { 1.0 };
        let side = |m: &MetricCounts| moments_logit_difference(&m.item_moments()).map(|(d, v)| (sign * d, v));
        return ratio_of_logit_differences(side(row)?, side(reference)?, confidence);
    }
    let side = |p: PairedCounts| {
        if kind == "fnr" {
            PairedCounts {
                both: p.neither,
                model_only: p.baseline_only,
                baseline_only: p.model_only,
                neither: p.both,
            }
        } else {
            p
        }
    };
    ratio_of_odds_ratios(&side(row.pairs), &side(reference.pairs), confidence)
}

/// Standard error of the difference of the two levels' mean item differences (Welch), from
/// sample variances; `None` below 2 items on either side.
fn amplification_se(l: &SampleSums, r: &SampleSums) -> Option<f64> {
    let var = |s: &SampleSums| {
        (s.n >= 2)
            .then(|| ((s.sum_sq - s.sum * s.sum / s.n as f64) / (s.n as f64 - 1.0)).max(0.0) / s.n as f64)
    };
    Some((var(l)? + var(r)?).sqrt())
}

/// Plain-language comparison of the model's gap with the baseline's.
fn direction(baseline_gap: Option<f64>, model_gap: Option<f64>) -> String {
    let (Some(b), Some(m)) = (baseline_gap, model_gap) else { return "unknown".into() };
    match (b == 0.0, m == 0.0) {
        (true, true) => "unchanged",
        (true, false) => "creates",
        (false, true) => "removes",
        _ if b.signum() != m.signum() => "reverses",
        _ if m.abs() > b.abs() => "amplifies",
        _ if m.abs() < b.abs() => "attenuates",
        _ => "unchanged",
    }
    .into()
}

/// BiasAmp→ per grouping, metric and model, with a bootstrap seeded from the run's seed and the
/// row's key (FNV-1a), so rows are independent and every run is reproducible.
pub(crate) fn bias_rows(
    counts: &CountsTable,
    summaries: &[GroupingSummary],
    settings: &Settings,
) -> Vec<BiasAmplification> {
    let mut out = Vec::new();
    for s in summaries {
        for all in counts.metrics.iter().filter(|m| m.slice.is_all()) {
            let levels = bias_levels(counts, &s.group_by, &all.model, &all.metric);
            // BiasAmp→ counts items per level; item means of repeated samples have no such counts.
            if levels.iter().any(|m| m.moments.is_some()) {
                continue;
            }
            let tables: Vec<PairedCounts> = levels.iter().map(|m| m.pairs).collect();
            let seed = bias_seed(settings, &s.group_by, &all.metric, &all.model);
            out.push(BiasAmplification {
                group_by: s.group_by.clone(),
                metric: all.metric.clone(),
                model: all.model.clone(),
                value: bias_amp(&tables),
                ci: bias_amp_bootstrap(&tables, settings.bootstrap, seed, settings.confidence.get()),
                method: None,
            });
        }
    }
    out
}

/// A grouping's level rows of one (model, metric) for BiasAmp→, in slice order whatever the order
/// of the rows (a counts file, merged shards): the bootstrap draws level by level from one
/// seeded stream.
pub(crate) fn bias_levels<'a>(
    counts: &'a CountsTable,
    group_by: &str,
    model: &str,
    metric: &str,
) -> Vec<&'a MetricCounts> {
    let mut levels: Vec<&MetricCounts> = counts
        .metrics
        .iter()
        .filter(|m| {
            m.model == model
                && m.metric == metric
                && m.slice.truth.is_none()
                && m.slice.grouping() == Some(group_by)
        })
        .collect();
    levels.sort_by(|a, b| a.slice.cmp(&b.slice));
    levels
}

/// The seed of one BiasAmp→ bootstrap: the run's seed and the (grouping, metric, model).
pub(crate) fn bias_seed(settings: &Settings, group_by: &str, metric: &str, model: &str) -> u64 {
    settings.seed ^ fnv1a(&format!("{group_by}|{metric}|{model}"))
}

/// FNV-1a 64-bit hash (Fowler, Noll & Vo), stable across versions and platforms.
pub(crate) fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions() {
        assert_eq!(direction(Some(-0.06), Some(-0.20)), "amplifies");
        assert_eq!(direction(Some(0.10), Some(0.04)), "attenuates");
        assert_eq!(direction(Some(0.10), Some(-0.04)), "reverses");
        assert_eq!(direction(Some(0.0), Some(0.02)), "creates");
        assert_eq!(direction(Some(0.03), Some(0.0)), "removes");
        assert_eq!(direction(None, Some(0.1)), "unknown");
    }

    #[test]
    fn fnr_measure_counts_misses() {
        // On at-fault items: model misses = baseline_only + neither, baseline misses = model_only + neither.
        let p = PairedCounts { both: 5, model_only: 1, baseline_only: 3, neither: 1 };
        let (b, m, d) = measure(&Moments::of_pairs(&p), "fnr");
        assert_eq!((b, m), (Some(0.2), Some(0.4)));
        assert_eq!((d.sum, d.sum_sq), (2.0, 4.0));
    }
}
