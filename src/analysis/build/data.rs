//! The data's own section: the baseline counted as its own model (every baseline item, each
//! label against itself; see `CountsTable::split_own`) gives its rate per metric, each level's
//! gap to the reference and a test across the levels. Its tests are adjusted as a family of
//! their own, so that a run's model comparisons keep the adjusted p-values they had without it.

use super::comparisons::comparison;
use super::groups::fnv1a;
use crate::analysis::findings::{DataBias, DataGap, DataRate, GroupingSummary, LevelTest, Settings};
use crate::counts::{CountsTable, MetricCounts};
use crate::stats::agreement::independent_proportions;
use crate::stats::homogeneity::homogeneity;
use crate::stats::multiplicity::adjust;
use crate::stats::welch::{welch_t, SampleSums};
use crate::stats::Interval;

/// The data section from the data's own counts; `None` when the table has none (a counts file
/// written before them).
pub(crate) fn data_section(
    own: &CountsTable,
    summaries: &[GroupingSummary],
    alone: bool,
    settings: &Settings,
) -> Option<DataBias> {
    if own.models.is_empty() {
        return None;
    }
    let rates = own.metrics.iter().filter(|m| m.slice.is_all()).map(|m| rate(m, settings)).collect();
    let mut gaps = Vec::new();
    let mut level_tests = Vec::new();
    for s in summaries {
        for metric in own.metric_names() {
            let rows: Vec<&MetricCounts> = own
                .metrics
                .iter()
                .filter(|m| m.metric == metric && m.slice.truth.is_none())
                .filter(|m| m.slice.group.as_ref().is_some_and(|g| g.grouping == s.group_by))
                .collect();
            let level = |m: &MetricCounts| m.slice.group.as_ref().map_or(String::new(), |g| g.level.clone());
            let Some(reference) = rows.iter().find(|m| level(m) == s.reference) else { continue };
            for row in rows.iter().filter(|m| level(m) != s.reference) {
                gaps.push(gap(s, row, &level(row), reference, settings));
            }
            // With two levels the gap's test is the test across the levels.
            if rows.len() > 2 {
                level_tests.push(level_test(s, &metric, &rows, settings));
            }
        }
    }
    let mut section = DataBias { source: settings.baseline.clone(), alone, rates, gaps, level_tests };
    correct(&mut section, settings);
    Some(section)
}

/// One metric's rate over every item with a valid label (Wilson; item means with repeats).
fn rate(m: &MetricCounts, settings: &Settings) -> DataRate {
    let row = comparison(m, settings);
    DataRate {
        metric: m.metric.clone(),
        n: row.n,
        invalid: m.invalid_baseline,
        rate: row.baseline_rate,
        ci: row.baseline_ci,
    }
}

/// The source's item values in one slice: (n, Σv, Σv²) and, when every value is 0 or 1, the
/// count of ones.
fn values(m: &MetricCounts) -> (SampleSums, Option<u64>) {
    let moments = m.item_moments();
    let sums = SampleSums { n: moments.n, sum: moments.baseline(), sum_sq: moments.baseline_sq() };
    let ones = match &m.moments {
        None => Some(m.pairs.baseline_positive()),
        Some(item) => item.as_binary().map(|p| p.baseline_positive()),
    };
    (sums, ones)
}

fn gap(
    s: &GroupingSummary,
    row: &MetricCounts,
    level: &str,
    reference: &MetricCounts,
    settings: &Settings,
) -> DataGap {
    let confidence = settings.confidence.get();
    let ((l, ones_l), (r, ones_r)) = (values(row), values(reference));
    let share = |v: &SampleSums| (v.n > 0).then(|| v.sum / v.n as f64);
    let big_enough = l.n >= settings.min_group && r.n >= settings.min_group;
    let (gap_ci, p_value, note): (Option<Interval>, Option<f64>, Option<String>) = match (ones_l, ones_r) {
        _ if !big_enough => (
            None,
            None,
            Some(format!(
                "fewer than {} items in the level or the reference: not tested",
                settings.min_group
            )),
        ),
        (Some(x_l), Some(x_r)) => match independent_proportions(x_l, l.n, x_r, r.n, confidence) {
            Some(d) => (d.interval, d.p_value, None),
            None => (None, None, Some("no item with a valid label".into())),
        },
        _ => match welch_t(l, r, confidence) {
            Some(t) => (Some(t.interval), Some(t.p_value), None),
            None => (None, None, Some("too few items for Welch's test".into())),
        },
    };
    let (rate, reference_rate) = (share(&l), share(&r));
    DataGap {
        group_by: s.group_by.clone(),
        level: level.to_string(),
        reference: s.reference.clone(),
        metric: row.metric.clone(),
        n: l.n,
        n_reference: r.n,
        rate,
        reference_rate,
        gap: rate.zip(reference_rate).map(|(a, b)| a - b),
        gap_ci,
        p_value,
        p_adjusted: None,
        significant: false,
        note,
    }
}

/// Pearson's χ² (or its Monte Carlo exact p) across every level of one grouping and metric.
fn level_test(s: &GroupingSummary, metric: &str, rows: &[&MetricCounts], settings: &Settings) -> LevelTest {
    // Each level's item values once: (n, ones when every value is 0 or 1).
    let levels: Vec<(u64, Option<u64>)> =
        rows.iter().map(|m| values(m)).map(|(v, ones)| (v.n, ones)).collect();
    let binary: Option<Vec<(u64, u64)>> = levels.iter().map(|&(n, ones)| ones.map(|x| (x, n))).collect();
    let mut row = LevelTest {
        group_by: s.group_by.clone(),
        metric: metric.to_string(),
        levels: levels.iter().filter(|(n, _)| *n > 0).count() as u64,
        n: levels.iter().map(|(n, _)| n).sum(),
        statistic: None,
        df: None,
        method: None,
        p_value: None,
        p_adjusted: None,
        significant: false,
        note: None,
    };
    let Some(table) = binary else {
        row.note = Some("item values are means of repeated labels: no test across levels".into());
        return row;
    };
    let seed = settings.seed ^ fnv1a(&format!("{}\u{1f}{metric}", s.group_by));
    match homogeneity(&table, seed) {
        Some(h) => {
            row.statistic = Some(h.statistic);
            row.df = Some(h.df);
            row.method = Some(if h.exact { "monte carlo exact" } else { "chi-square" }.into());
            row.p_value = Some(h.p_value);
        }
        None => {
            row.note = Some("fewer than two levels with items, or every label the same: not tested".into())
        }
    }
    row
}

/// Adjusts the section's p-values (gaps and level tests) as one family.
fn correct(section: &mut DataBias, settings: &Settings) {
    let alpha = 1.0 - settings.confidence.get();
    let family: Vec<Option<f64>> =
        section.gaps.iter().map(|g| g.p_value).chain(section.level_tests.iter().map(|t| t.p_value)).collect();
    let adjusted = adjust(&family, settings.correction);
    let (gaps, tests) = adjusted.split_at(section.gaps.len());
    for (g, p) in section.gaps.iter_mut().zip(gaps) {
        (g.p_adjusted, g.significant) = (*p, p.is_some_and(|p| p < alpha));
    }
    for (t, p) in section.level_tests.iter_mut().zip(tests) {
        (t.p_adjusted, t.significant) = (*p, p.is_some_and(|p| p < alpha));
    }
}
