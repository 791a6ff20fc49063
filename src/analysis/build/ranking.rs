//! Ranking the models by one measure (`--rank-by METRIC|fnr|fpr|overall`, lower is better), with
//! each model's interval and the set not significantly different from the best: every other model is
//! tested against the best on the same items (the tests of `--versus BEST`; unpaired where they
//! share none), Holm-adjusted over those tests (Holm 1979), a selection family of its own. The
//! best is chosen from the same data, so the set "not significantly different from the best" is
//! a screening, not a confidence set for the best (for that: Hsu's multiple comparisons with the
//! best, 1996). With a truth, each row carries both error rates and the FNR–FPR Pareto front, and a
//! ranking by one error rate warns when its best pays with the other (`trade_off`).

use super::versus::versus;
use crate::analysis::findings::{Findings, Settings};
use crate::analysis::findings::{RankRow, Ranking};
use crate::counts::CountsTable;
use crate::error::{AmplifyError, Result};
use crate::stats::balanced_error::{ber_interval, moments_ber_difference, paired_ber_difference};
use crate::stats::confusion::ConfusionRates;
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
        "fnr" | "fpr" | BALANCED | YOUDEN => {
            let Some(metric) = truth_metric else {
                return Err(AmplifyError::Usage(format!(
                    "--rank-by {measure} needs --truth and a metric judged against it"
                )));
            };
            models
                .iter()
                .map(|m| {
                    let t = f.truth.iter().find(|t| t.source == *m && t.metric == metric);
                    let (rate, ci) = t.map(|t| error_measure(&t.rates, measure)).unwrap_or((None, None));
                    (m.to_string(), rate, ci)
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
                "--rank-by {other}: not a compared metric ({}), fnr, fpr, balanced-error, youden or overall",
                f.settings.metrics.join(", ")
            )))
        }
    };
    Ok(out)
}

/// `--rank-by balanced-error`: (FNR + FPR)/2, lower is better.
const BALANCED: &str = "balanced-error";
/// `--rank-by youden`: Youden's J = 1 − FNR − FPR, higher is better.
const YOUDEN: &str = "youden";

/// Whether a higher value of `measure` is better (Youden's J); lower is better for the others.
pub(crate) fn higher_is_better(measure: &str) -> bool {
    measure == YOUDEN
}

/// An error-rate measure of one truth row and its interval: FNR or FPR (Wilson), the balanced
/// error rate (MOVER from both Wilson intervals) or Youden's J = 1 − 2·BER.
fn error_measure(r: &ConfusionRates, measure: &str) -> (Option<f64>, Option<Interval>) {
    match measure {
        "fnr" => (r.fnr, r.fnr_ci),
        "fpr" => (r.fpr, r.fpr_ci),
        _ => {
            let (Some(fnr), Some(fpr)) = (r.fnr, r.fpr) else { return (None, None) };
            let ber = (fnr + fpr) / 2.0;
            let ci = r.fnr_ci.zip(r.fpr_ci).map(|(a, b)| ber_interval(fnr, a, fpr, b));
            if measure == YOUDEN {
                (Some(1.0 - 2.0 * ber), ci.map(|c| Interval::new(1.0 - 2.0 * c.high, 1.0 - 2.0 * c.low)))
            } else {
                (Some(ber), ci)
            }
        }
    }
}

/// Values in ranking order: best first, models without a value last.
fn by_rank(measure: &str) -> impl Fn(&Value, &Value) -> std::cmp::Ordering {
    let flip = higher_is_better(measure);
    move |a: &Value, b: &Value| match (a.1, b.1) {
        (Some(x), Some(y)) => {
            let order = x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal);
            if flip {
                order.reverse()
            } else {
                order
            }
        }
        (x, y) => y.is_some().cmp(&x.is_some()),
    }
}

/// The best model by `measure`, from the findings; an error for an unknown measure.
pub(crate) fn best_model(f: &Findings, measure: &str) -> Result<Option<String>> {
    let mut v = values(f, measure)?;
    v.retain(|(_, x, _)| x.is_some());
    v.sort_by(by_rank(measure));
    Ok(v.first().map(|(m, _, _)| m.clone()))
}

/// A model's test against the best: difference, interval, p-value (all `None` when untested).
type Test = (Option<f64>, Option<Interval>, Option<f64>);

/// The ranking asked for by `settings.rank_by`, testing against the best with the counts of the
/// models against it (`counts.versus` with base = best).
pub(crate) fn ranking(f: &Findings, counts: &CountsTable, settings: &Settings) -> Result<Option<Ranking>> {
    let Some(measure) = &settings.rank_by else { return Ok(None) };
    let mut rows = values(f, measure)?;
    rows.sort_by(by_rank(measure));
    let Some(best) = rows.first().filter(|r| r.1.is_some()).map(|r| r.0.clone()) else { return Ok(None) };
    let table = counts.versus.iter().find(|v| v.base == best);
    // The balanced-error tests read the counts directly; the others the versus section's rows.
    let balanced = measure == BALANCED || measure == YOUDEN;
    let tests = table.filter(|_| !balanced).map(|v| versus(v, counts, settings, f)).transpose()?;
    let by_error = ["fnr", "fpr", BALANCED, YOUDEN].contains(&measure.as_str());
    let metric = if by_error { f.truth.first().map(|t| t.metric.clone()) } else { Some(measure.clone()) };
    let tested: Vec<Test> = rows
        .iter()
        .map(|(m, _, _)| match (&tests, table) {
            _ if *m == best => (None, None, None),
            (_, Some(t)) if balanced => {
                ber_against_best(t, measure, metric.as_deref(), m, settings.confidence.get())
            }
            (Some(v), _) => against_best(v, measure, metric.as_deref(), m),
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
            fnr: None,
            fpr: None,
            pareto: None,
        })
        .collect();
    Ok(Some(Ranking { measure: measure.clone(), best, rows, note, warning: None }))
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
        "fnr" | "fpr" => v
            .truth_tests
            .iter()
            .find(|t| t.model == model && t.rate == measure && Some(t.metric.as_str()) == metric)
            .map(|t| (t.difference, t.difference_ci, t.p_value)),
        _ => v
            .comparisons
            .iter()
            .find(|c| c.model == model && Some(c.metric.as_str()) == metric)
            .map(|c| (c.difference, c.difference_ci, c.p_value)),
    };
    let unpaired = if measure == "fnr" || measure == "fpr" { measure } else { "rate" };
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

/// `model` against the best in balanced error rate (or Youden's J = 1 − 2·BER), paired on the
/// items both answered: the Wald test of `stats::balanced_error` on the 2×2 tables of the
/// truth-positive and truth-negative items, or on their item-level sums with repeated samples.
/// Untested for models that share no item with the best.
fn ber_against_best(
    table: &crate::counts::VersusTable,
    measure: &str,
    metric: Option<&str>,
    model: &str,
    confidence: f64,
) -> Test {
    let pairs = |positive: bool| {
        table.table.metrics.iter().find(|m| {
            m.model == model
                && Some(m.metric.as_str()) == metric
                && m.slice.group.is_none()
                && m.slice.truth == Some(positive)
        })
    };
    let tested =
        pairs(true).zip(pairs(false)).and_then(|(p, n)| match p.moments.is_some() || n.moments.is_some() {
            true => moments_ber_difference(&p.item_moments(), &n.item_moments(), confidence),
            false => paired_ber_difference(&p.pairs, &n.pairs, confidence),
        });
    match tested {
        Some((d, ci, p)) if measure == YOUDEN => {
            (Some(-2.0 * d), Some(Interval::new(-2.0 * ci.high, -2.0 * ci.low)), Some(p))
        }
        Some((d, ci, p)) => (Some(d), Some(ci), Some(p)),
        None => (None, None, None),
    }
}

/// With a truth: each row's FNR and FPR on the truth metric and its place on the Pareto front;
/// with `--rank-by fnr|fpr`, a warning when the best model's other rate is worse than the
/// baseline's by more than 10 pp, or significantly (the run's adjusted model-vs-baseline test, so
/// call this after the family is adjusted).
pub(crate) fn trade_off(f: &mut Findings) {
    let Some(mut ranking) = f.ranking.take() else { return };
    if let Some(metric) = f.truth.first().map(|t| t.metric.clone()) {
        for row in &mut ranking.rows {
            let t = f.truth.iter().find(|t| t.source == row.model && t.metric == metric);
            row.fnr = t.and_then(|t| t.rates.fnr);
            row.fpr = t.and_then(|t| t.rates.fpr);
        }
        let points: Vec<Option<(f64, f64)>> = ranking.rows.iter().map(|r| r.fnr.zip(r.fpr)).collect();
        for (row, on_front) in ranking.rows.iter_mut().zip(pareto_front(&points)) {
            row.pareto = on_front;
        }
        ranking.warning = warning(&ranking, f, &metric);
    }
    f.ranking = Some(ranking);
}

/// The warning of a ranking by one error rate whose best model is worse on the other.
fn warning(ranking: &Ranking, f: &Findings, metric: &str) -> Option<String> {
    let other = match ranking.measure.as_str() {
        "fnr" => "fpr",
        "fpr" => "fnr",
        _ => return None,
    };
    let best = &ranking.best;
    let t = f.truth_tests.iter().find(|t| t.model == *best && t.metric == metric && t.rate == other)?;
    let d = t.difference?;
    if d <= 0.10 && !(t.significant && d > 0.0) {
        return None;
    }
    let pct = |x: Option<f64>| x.map(|x| format!("{:.1}%", 100.0 * x)).unwrap_or_else(|| "–".into());
    let ci = t.difference_ci.map(|c| format!(" [{:+.1}, {:+.1}]", 100.0 * c.low, 100.0 * c.high));
    Some(format!(
        "{best} ranks first by {} but its {} is {} against {} for {} ({:+.1} pp{}{}): it trades one \
         error for the other; read both rates and the Pareto front",
        ranking.measure.to_uppercase(),
        other.to_uppercase(),
        pct(t.model_rate),
        pct(t.baseline_rate),
        f.settings.baseline,
        100.0 * d,
        ci.unwrap_or_default(),
        if t.significant { ", significant" } else { "" },
    ))
}

/// Which points are on the Pareto front of two rates, lower being better on both: not dominated
/// by another point (lower or equal on both, lower on one). `None` for a missing point.
pub(crate) fn pareto_front(points: &[Option<(f64, f64)>]) -> Vec<Option<bool>> {
    let dominated =
        |(a, b): (f64, f64)| points.iter().flatten().any(|&(x, y)| x <= a && y <= b && (x < a || y < b));
    points.iter().map(|p| p.map(|p| !dominated(p))).collect()
}

#[cfg(test)]
mod tests {
    use super::pareto_front;

    #[test]
    fn the_pareto_front_keeps_points_no_other_beats_on_both() {
        let points = [
            Some((0.0, 0.98)),
            Some((0.3, 0.1)),
            Some((0.35, 0.1)),
            Some((0.2, 0.2)),
            None,
            Some((0.3, 0.1)),
        ];
        // (0.35, 0.1) is dominated by (0.3, 0.1); equal points do not dominate each other.
        let expected = [Some(true), Some(true), Some(false), Some(true), None, Some(true)];
        assert_eq!(pareto_front(&points), expected);
        assert_eq!(pareto_front(&[]), Vec::<Option<bool>>::new());
        assert_eq!(pareto_front(&[Some((0.5, 0.5))]), vec![Some(true)]);
    }
}
