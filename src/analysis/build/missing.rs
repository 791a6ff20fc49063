//! The `missing` section from the counts: Manski bounds and tipping points for the comparisons
//! with many invalid labels, and tests of whether the invalid labels depend on the truth or a
//! group level (see `stats::missing_bounds`).

use crate::analysis::findings::{
    Comparison, Findings, GroupRow, InvalidLevel, InvalidityTest, MissingGap, MissingLabels, MissingPair,
    MissingRow, PairTest, Settings,
};
use crate::counts::{units, CountsTable, MetricCounts};
use crate::stats::binomial::mcnemar_p;
use crate::stats::counterfactual::pair_value;
use crate::stats::homogeneity::homogeneity;
use crate::stats::missing_bounds::{
    manski_bounds, manski_bounds_of_means, pair_bounds, pair_tipping_point, tipping_point, Conclusion,
    ManskiBounds, TippingPoint, ValueSums,
};
use crate::stats::ttest::paired_t_p;
use crate::stats::Interval;

/// Share of matched items with an invalid label above which a comparison is bounded.
pub(crate) const THRESHOLD: f64 = 0.05;

/// The section, or `None` when no comparison has more than [`THRESHOLD`] of its items invalid.
pub(crate) fn section(counts: &CountsTable, f: &Findings) -> Option<MissingLabels> {
    let (mut rows, mut unknown) = (Vec::new(), 0);
    if !f.settings.versus_only {
        unknown += bound_rows(counts, &f.comparisons, None, &f.settings, &mut rows);
    }
    if let Some(v) = &f.versus {
        if let Some(t) = counts.versus.iter().find(|t| t.base == v.base) {
            unknown += bound_rows(&t.table, &v.comparisons, Some(&v.base), &f.settings, &mut rows);
        }
    }
    let gaps = if f.settings.versus_only { Vec::new() } else { gap_rows(counts, &f.groups) };
    let pairs = pair_rows(counts, &f.pair_tests, &f.settings);
    if rows.is_empty() && gaps.is_empty() && pairs.is_empty() && unknown == 0 {
        return None;
    }
    // Against the baseline first; each comparison's rows together: all items, truth 1, truth 0.
    let place = |r: &MissingRow| {
        let model = f.alignment.iter().position(|a| a.model == r.model);
        let metric = f.settings.metrics.iter().position(|m| *m == r.metric);
        (r.versus.is_some(), model, metric, r.truth.map(|t| !t))
    };
    rows.sort_by_key(place);
    let mut bounded: Vec<(&str, &str)> =
        rows.iter().filter(|r| r.versus.is_none()).map(|r| (r.model.as_str(), r.metric.as_str())).collect();
    bounded.dedup();
    let invalidity =
        bounded.iter().flat_map(|&(model, metric)| tests(counts, model, metric, &f.settings)).collect();
    let note = (unknown > 0).then(|| {
        format!("{unknown} comparison(s) over the threshold have no bounds: their counts do not say where the invalid labels fall (counts files written before these columns)")
    });
    Some(MissingLabels { threshold: THRESHOLD, rows, gaps, pairs, invalidity, note })
}

/// Adds the rows of one counts table's comparisons (all items and per truth value) over the
/// threshold; returns how many of them have no invalid cells to bound them with.
fn bound_rows(
    counts: &CountsTable,
    comparisons: &[Comparison],
    versus: Option<&str>,
    settings: &Settings,
    rows: &mut Vec<MissingRow>,
) -> usize {
    let over = |m: &&MetricCounts| invalid_share(m) > THRESHOLD;
    let candidates: Vec<&MetricCounts> =
        counts.metrics.iter().filter(|m| m.slice.group.is_none()).filter(over).collect();
    rows.extend(candidates.iter().filter_map(|m| row(m, comparisons, settings)).map(|mut r| {
        r.versus = versus.map(str::to_string);
        r
    }));
    candidates.iter().filter(|m| m.invalid_cells.is_none()).count()
}

/// The pair tests over all pairs whose pairs miss a label more than [`THRESHOLD`] of the time:
/// their difference's bounds over every assignment of the missing labels, and the tipping point
/// of an unclustered test's conclusion.
fn pair_rows(counts: &CountsTable, tests: &[PairTest], settings: &Settings) -> Vec<MissingPair> {
    let mut out = Vec::new();
    for t in tests.iter().filter(|t| t.group_by.is_none()) {
        let found = counts
            .pairs
            .iter()
            .find(|p| p.versus == t.versus && p.model == t.model && p.metric == t.metric && p.slice.is_all());
        let Some(cells) = found else { continue };
        let pairs = cells.total();
        let incomplete = pairs - cells.joint().n();
        let share = incomplete as f64 / pairs.max(1) as f64;
        if share <= THRESHOLD {
            continue;
        }
        let Some(bounds) = pair_bounds(&cells.cells, |c| pair_value(&t.measure, c)) else { continue };
        let tipping = pair_tipping(t, &cells.cells, settings);
        out.push(MissingPair {
            versus: t.versus.clone(),
            model: t.model.clone(),
            metric: t.metric.clone(),
            measure: t.measure.clone(),
            pairs,
            incomplete,
            share,
            difference: t.difference,
            bounds,
            significant: t.significant,
            conclusion: tipping.map(|t| t.conclusion),
            tipping_pairs: tipping.and_then(|t| t.items),
            tipping_share: tipping.and_then(|t| t.items).map(|k| k as f64 / incomplete as f64),
            robust: tipping.map(|t| t.items.is_none()),
        });
    }
    out
}

/// The tipping point of an unclustered pair test: its own test (a paired t on the asymmetry
/// values; McNemar's on the both-sides indicators' +1 and −1 values) re-run on the sums.
fn pair_tipping(t: &PairTest, cells: &[u64], settings: &Settings) -> Option<TippingPoint> {
    if t.method.is_some() {
        return None; // clustered: where the incomplete pairs' clusters are is not counted
    }
    let alpha = effective_alpha(t.p_value, t.p_adjusted, settings)?;
    let verdict = |p: f64, higher: bool| match p < alpha {
        true if higher => Conclusion::Higher,
        true => Conclusion::Lower,
        false => Conclusion::NoDifference,
    };
    let asymmetry = t.measure == "asymmetry";
    let decide = |s: ValueSums| match asymmetry {
        true => paired_t_p(s.n, s.sum, s.sum_sq)
            .map_or(Conclusion::NoDifference, |(mean, p)| verdict(p, mean > 0.0)),
        // Values in {−1, 0, 1}: b = #(+1) = (Σv² + Σv)/2, c = #(−1) = (Σv² − Σv)/2.
        false => {
            let (b, c) =
                (((s.sum_sq + s.sum) / 2.0).round() as u64, ((s.sum_sq - s.sum) / 2.0).round() as u64);
            verdict(mcnemar_p(b, c, settings.test), b > c)
        }
    };
    // McNemar's verdict changes at most once along a run of equal values (bisected there).
    pair_tipping_point(cells, |c| pair_value(&t.measure, c), decide, !asymmetry)
}

/// The gap amplification of each tested group level (the behaviour's rate) whose items or the
/// reference's are over the threshold: the level's difference bounds minus the reference's.
fn gap_rows(counts: &CountsTable, groups: &[GroupRow]) -> Vec<MissingGap> {
    let find = |g: &GroupRow, level: &str| {
        counts.metrics.iter().find(|m| {
            m.model == g.model
                && m.metric == g.metric
                && m.slice.truth.is_none()
                && m.slice.group.as_ref().is_some_and(|x| x.grouping == g.group_by && x.level == level)
        })
    };
    let bounds = |m: &MetricCounts| Some((row_bounds(m)?, m.invalid_items()?));
    groups
        .iter()
        .filter(|g| g.measure == "rate" && g.level != g.reference)
        .filter_map(|g| {
            let ((l, l_invalid), (r, r_invalid)) =
                (bounds(find(g, &g.level)?)?, bounds(find(g, &g.reference)?)?);
            let share = (l_invalid + r_invalid) as f64 / (l.items + r.items) as f64;
            (share > THRESHOLD).then(|| MissingGap {
                model: g.model.clone(),
                metric: g.metric.clone(),
                group_by: g.group_by.clone(),
                level: g.level.clone(),
                reference: g.reference.clone(),
                share,
                amplification: g.amplification,
                bounds: Interval::new(
                    l.difference.low - r.difference.high,
                    l.difference.high - r.difference.low,
                ),
                significant: g.significant,
            })
        })
        .collect()
}

/// A row's bounds: of its 2×2 table, or of its item means (repeated samples).
fn row_bounds(m: &MetricCounts) -> Option<ManskiBounds> {
    match &m.moments {
        None => manski_bounds(&m.pairs, &m.invalid_cells?),
        Some(moments) => manski_bounds_of_means(moments, &m.invalid_cells?),
    }
}

/// The share of a row's matched items with an invalid label on either side (without the
/// cells: the larger side's share, a lower bound of it).
fn invalid_share(m: &MetricCounts) -> f64 {
    let invalid = m.invalid_items().unwrap_or(m.invalid_baseline.max(m.invalid_model));
    let items = m.n() + invalid;
    if items == 0 {
        0.0
    } else {
        invalid as f64 / items as f64
    }
}

/// One comparison's row: bounds, and (all items) the tipping point of its conclusion.
fn row(m: &MetricCounts, comparisons: &[Comparison], settings: &Settings) -> Option<MissingRow> {
    let bounds = row_bounds(m)?;
    let invalid_items = m.invalid_items()?;
    let moments = m.item_moments();
    let n = moments.n;
    let difference = (n > 0).then(|| (units(moments.sum_model) - units(moments.sum_baseline)) / n as f64);
    let comparison = comparisons.iter().find(|c| c.model == m.model && c.metric == m.metric);
    // The tipping point re-runs the McNemar verdict on the 2×2 table; a clustered comparison's
    // verdict is another test (and where the invalid items' clusters are is not counted), and a
    // comparison of item means would need each item's value (the counts keep sums): none.
    let mcnemar = |c: &&Comparison| c.method.is_none() && m.moments.is_none();
    let cells = m.invalid_cells?;
    let tipping = comparison.filter(|_| m.slice.is_all()).filter(mcnemar).and_then(|c| {
        let alpha = effective_alpha(c.p_value, c.p_adjusted, settings)?;
        let decide = |b: u64, c: u64| match mcnemar_p(b, c, settings.test) < alpha {
            true if b > c => Conclusion::Higher,
            true => Conclusion::Lower,
            false => Conclusion::NoDifference,
        };
        Some(tipping_point(&m.pairs, &cells, decide))
    });
    let share_of = |k: u64| k as f64 / invalid_items as f64;
    Some(MissingRow {
        versus: None,
        model: m.model.clone(),
        metric: m.metric.clone(),
        truth: m.slice.truth,
        items: bounds.items,
        invalid_baseline: m.invalid_baseline,
        invalid_model: m.invalid_model,
        invalid_both: cells.both / m.invalid_unit(),
        share: invalid_items as f64 / bounds.items as f64,
        baseline_rate: bounds.baseline_rate,
        model_rate: bounds.model_rate,
        difference,
        difference_bounds: bounds.difference,
        conclusion: tipping.map(|t| t.conclusion),
        tipping_items: tipping.and_then(|t| t.items),
        tipping_share: tipping.and_then(|t| t.items).map(share_of),
        robust: tipping.map(|t| t.items.is_none()),
    })
}

/// The per-test level that reproduces the row's adjusted verdict: α·p/p_adjusted (the run's
/// multiplicity factor for this row, held fixed as the labels change); α without a correction.
fn effective_alpha(p: Option<f64>, adjusted: Option<f64>, settings: &Settings) -> Option<f64> {
    let alpha = 1.0 - settings.confidence.get();
    let (p, adjusted) = (p?, adjusted.unwrap_or(p?));
    Some(if p > 0.0 && adjusted > p { alpha * p / adjusted } else { alpha })
}

/// Whether the model's invalid labels depend on the truth, and on each grouping's level.
fn tests(counts: &CountsTable, model: &str, metric: &str, settings: &Settings) -> Vec<InvalidityTest> {
    let rows = || counts.metrics.iter().filter(|m| m.model == model && m.metric == metric);
    let level = |m: &MetricCounts, name: String| {
        Some(InvalidLevel { level: name, invalid: m.invalid_model, items: m.n() + m.invalid_items()? })
    };
    let truth: Vec<InvalidLevel> = rows()
        .filter(|m| m.slice.group.is_none())
        .filter_map(|m| level(m, m.slice.truth.map(|t| if t { "1" } else { "0" }.to_string())?))
        .collect();
    let mut by: Vec<(String, Vec<InvalidLevel>)> = vec![("truth".into(), truth)];
    for m in rows().filter(|m| m.slice.truth.is_none()) {
        let Some(g) = &m.slice.group else { continue };
        let Some(l) = level(m, g.level.clone()) else { continue };
        match by.iter_mut().find(|(name, _)| *name == g.grouping) {
            Some((_, levels)) => levels.push(l),
            None => by.push((g.grouping.clone(), vec![l])),
        }
    }
    by.into_iter()
        .filter_map(|(by, levels)| {
            let table: Vec<(u64, u64)> = levels.iter().map(|l| (l.invalid, l.items)).collect();
            let h = homogeneity(&table, settings.seed)?;
            Some(InvalidityTest {
                model: model.into(),
                metric: metric.into(),
                by,
                levels,
                statistic: h.statistic,
                df: h.df,
                p_value: h.p_value,
                exact: h.exact,
            })
        })
        .collect()
}
