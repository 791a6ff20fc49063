//! Ranking the models by one measure (`--rank-by METRIC|fnr|overall`, lower is better: less of a
//! sycophantic behaviour, fewer missed faults, a lower face-preservation score), with each
//! model's interval and the set not significantly different from the best: every other model is
//! tested against the best on the same items (the tests of `--versus BEST`; unpaired where they
//! share none), Holm-adjusted over those tests (Holm 1979), a selection family of its own. The
//! best is chosen from the same data, so the set "not significantly different from the best" is
//! a screening, not a confidence set for the best (for that: Hsu's multiple comparisons with the
//! best, 1996).

use super::versus::versus;
use crate::analysis::findings::{Findings, Settings};
use crate::analysis::findings::{RankRow, Ranking};
use crate::counts::CountsTable;
use crate::error::{AmplifyError, Result};
use crate::stats::interval::Interval;
use crate::stats::multiplicity::{adjust, Correction};

/// A model's measure: (model, value, interval).
type Value = (String, Option<f64>, Option<Interval>);

/// The measure of every model, from the findings; an error for an unknown measure.
fn values(f: &Findings, measure: &str) -> Result<Vec<Value>> {
    let models: Vec<&str> = f.alignment.iter().map(|a| a.model.as_str()).collect();
    let truth_metric = f.truth.iter().map(|t| t.metric.as_str()).next();
    let out = match measure {
        "overall" => models
            .iter()
            .map(|m| {
                let o = f.overall.iter().find(|o| o.model == *m);
                (m.to_string(), o.and_then(|o| o.model_score), None)
            })
            .collect(),
        "fnr" => {
            let Some(metric) = truth_metric else {
                return Err(AmplifyError::Usage(
                    "--rank-by fnr needs --truth and a metric judged against it".into(),
                ));
            };
            models
                .iter()
                .map(|m| {
                    let t = f.truth.iter().find(|t| t.source == *m && t.metric == metric);
                    (m.to_string(), t.and_then(|t| t.rates.fnr), t.and_then(|t| t.rates.fnr_ci))
                })
                .collect()
        }
        metric if f.settings.metrics.iter().any(|x| x == metric) => models
            .iter()
            .map(|m| {
                let c = f.comparisons.iter().find(|c| c.model == *m && c.metric == metric);
                (m.to_string(), c.and_then(|c| c.model_rate), c.and_then(|c| c.model_ci))
            })
            .collect(),
        other => {
            return Err(AmplifyError::Usage(format!(
                "--rank-by {other}: not a compared metric ({}), fnr or overall",
                f.settings.metrics.join(", ")
            )))
        }
    };
    Ok(out)
}

/// The best model by `measure` (lowest value), from the findings; an error for an unknown measure.
pub(crate) fn best_model(f: &Findings, measure: &str) -> Result<Option<String>> {
    let mut v = values(f, measure)?;
    v.retain(|(_, x, _)| x.is_some());
    v.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal));
    Ok(v.first().map(|(m, _, _)| m.clone()))
}

/// A model's test against the best: difference, interval, p-value (all `None` when untested).
type Test = (Option<f64>, Option<Interval>, Option<f64>);

/// The ranking asked for by `settings.rank_by`, testing against the best with the counts of the
/// models against it (`counts.versus` with base = best).
pub(crate) fn ranking(f: &Findings, counts: &CountsTable, settings: &Settings) -> Result<Option<Ranking>> {
    let Some(measure) = &settings.rank_by else { return Ok(None) };
    let mut rows = values(f, measure)?;
    // Lowest first; models without a value last.
    rows.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        (x, y) => y.is_some().cmp(&x.is_some()),
    });
    let Some(best) = rows.first().filter(|r| r.1.is_some()).map(|r| r.0.clone()) else { return Ok(None) };
    let table = counts.versus.iter().find(|v| v.base == best);
    let tests = table.map(|v| versus(v, counts, settings, f)).transpose()?;
    let metric =
        if measure == "fnr" { f.truth.first().map(|t| t.metric.clone()) } else { Some(measure.clone()) };
    let tested: Vec<Test> = rows
        .iter()
        .map(|(m, _, _)| match &tests {
            Some(v) if *m != best => against_best(v, measure, metric.as_deref(), m),
            _ => (None, None, None),
        })
        .collect();
    let adjusted = adjust(&tested.iter().map(|t| t.2).collect::<Vec<_>>(), Correction::Holm);
    let alpha = 1.0 - settings.confidence.get();
    let untested: Vec<&str> = rows
        .iter()
        .zip(&tested)
        .filter(|(r, t)| r.0 != best && t.2.is_none())
        .map(|(r, _)| r.0.as_str())
        .collect();
    let note = match (table.is_some(), untested.is_empty()) {
        (_, true) => None,
        (false, _) => Some(format!("no counts of the models against {best}: count with --versus {best}")),
        (true, false) => Some(format!("not tested against {best}: {}", untested.join(", "))),
    };
    let rows = rows
        .into_iter()
        .zip(tested)
        .zip(adjusted)
        .enumerate()
        .map(|(i, (((model, value, ci), (difference, difference_ci, p_value)), p_adjusted))| RankRow {
            rank: i as u32 + 1,
            tied_with_best: if model == best { Some(true) } else { p_adjusted.map(|p| p >= alpha) },
            model,
            value,
            ci,
            difference,
            difference_ci,
            p_value,
            p_adjusted,
        })
        .collect();
    Ok(Some(Ranking { measure: measure.clone(), best, rows, note }))
}

/// `model` against the best on the measure: the paired row of the versus section, else its
/// unpaired row (rates and FNR only; the overall score has no unpaired test).
fn against_best(
    v: &crate::analysis::findings::Versus,
    measure: &str,
    metric: Option<&str>,
    model: &str,
) -> Test {
    let found = match measure {
        "overall" => {
            v.overall.iter().find(|o| o.model == model).map(|o| (o.difference, o.difference_ci, o.p_value))
        }
        "fnr" => v
            .truth_tests
            .iter()
            .find(|t| t.model == model && t.rate == "fnr" && Some(t.metric.as_str()) == metric)
            .map(|t| (t.difference, t.difference_ci, t.p_value)),
        _ => v
            .comparisons
            .iter()
            .find(|c| c.model == model && Some(c.metric.as_str()) == metric)
            .map(|c| (c.difference, c.difference_ci, c.p_value)),
    };
    let unpaired = if measure == "fnr" { "fnr" } else { "rate" };
    found
        .or_else(|| {
            v.unpaired
                .iter()
                .filter(|_| measure != "overall")
                .find(|u| u.model == model && u.measure == unpaired && Some(u.metric.as_str()) == metric)
                .map(|u| (u.difference, u.difference_ci, u.p_value))
        })
        .unwrap_or((None, None, None))
}
