//! From counts to findings.

use super::audit::DifferentialError;
use super::findings::{
    Alignment, Comparison, Findings, GroupRow, InputRecord, Overall, Settings, TruthTest, FINDINGS_SCHEMA,
};
use super::pairs::{pair_sections, PairRow, PairTest};
use super::versus::UnpairedRow;
use super::{audit, corrected, detectable, groups, ranking, repeats, truth, versus};
use crate::counts::{units, CountsTable, MetricCounts, ModelCounts, UNIT};
use crate::data::files::audit::AuditRows;
use crate::error::Result;
use crate::stats::effect::{cohens_h, rate_ratio};
use crate::stats::multiplicity::adjust;
use crate::stats::paired::paired_difference;
use crate::stats::ttest::paired_t;
use crate::stats::wilson::wilson_interval;

/// Computes every estimate, interval and test of a run from its counts.
///
/// All p-values of the run (comparisons and overall scores) form one family for the correction.
pub fn build_findings(
    counts: &CountsTable,
    settings: Settings,
    inputs: Vec<InputRecord>,
) -> Result<Findings> {
    let mut settings = settings;
    settings.score_inverted = score_inverted(counts);
    let comparisons: Vec<Comparison> =
        counts.metrics.iter().filter(|m| m.slice.is_all()).map(|m| comparison(m, &settings)).collect();
    let overall: Vec<Overall> = counts
        .models
        .iter()
        .filter(|m| m.score.metrics > 0)
        .map(|m| overall_score(m, fractional(counts, &m.model), &settings))
        .collect();
    let groupings = groups::summaries(counts, &settings)?;
    let alignment = counts
        .models
        .iter()
        .map(|m| Alignment {
            model: m.model.clone(),
            matched: m.matched,
            baseline_only: m.baseline_only,
            model_only: m.model_only,
        })
        .collect();
    let pairs = pair_sections(counts, &settings);
    let settings_copy = settings.clone();
    let mut findings = Findings {
        schema: FINDINGS_SCHEMA.to_string(),
        amplify_version: env!("CARGO_PKG_VERSION").to_string(),
        truth: truth::truth_rows(counts, &settings),
        truth_tests: truth::truth_tests(counts, &settings),
        groups: groups::group_rows(counts, &groupings, &settings),
        bias_amplification: groups::bias_rows(counts, &groupings, &settings),
        groupings,
        settings,
        inputs,
        alignment,
        comparisons,
        overall,
        detectable: None,
        agreement: Vec::new(),
        differential: Vec::new(),
        corrected: Vec::new(),
        corrected_groups: Vec::new(),
        pairing: pairs.summary,
        pairs: pairs.rows,
        pair_tests: pairs.tests,
        pair_truth: pairs.truth,
        instability: repeats::instability_rows(counts, &settings_copy),
        versus: None,
        ranking: None,
    };
    findings.versus = versus::versus_section(counts, &settings_copy, &findings)?;
    findings.ranking = ranking::ranking(&findings, counts, &settings_copy)?;
    if settings_copy.versus_only {
        // Only the conditions against BASE: the comparisons with the baseline leave the family.
        findings.comparisons.clear();
        findings.overall.clear();
        findings.truth_tests.clear();
        findings.groups.clear();
        findings.bias_amplification.clear();
    }
    correct(&mut findings);
    detectable::fill(&mut findings, counts);
    Ok(findings)
}

/// Adds what an audit of the judge says (`compare --audit`): its agreement with the gold labels
/// per source, the differential-error tests (which join the run's family) and the corrected
/// rates and differences; then adjusts the family again and recomputes the detectable effects.
pub(crate) fn add_audit(f: &mut Findings, counts: &CountsTable, audits: &[(String, AuditRows)]) {
    let confidence = f.settings.confidence.get();
    for (source, rows) in audits {
        let (mut agreement, _) = audit::agreement_rows(rows, confidence);
        for row in &mut agreement {
            row.source = source.clone();
        }
        f.agreement.extend(agreement.into_iter().filter(|r| r.n > 0));
    }
    f.differential = audit::differential_between_sources(audits, confidence);
    f.corrected = corrected::corrected_rows(&f.comparisons, &f.settings.baseline, audits, confidence);
    f.corrected_groups =
        corrected::corrected_groups(&f.groups, counts, &f.settings.baseline, audits, confidence);
    correct(f);
    detectable::fill(f, counts);
}

/// A row with a p-value in the run's family.
trait Tested {
    fn p_value(&self) -> Option<f64>;
    fn set_adjusted(&mut self, p: Option<f64>, alpha: f64);
}

macro_rules! tested {
    ($($t:ty),*) => {$(
        impl Tested for $t {
            fn p_value(&self) -> Option<f64> {
                self.p_value
            }
            fn set_adjusted(&mut self, p: Option<f64>, alpha: f64) {
                self.p_adjusted = p;
                self.significant = p.is_some_and(|p| p < alpha);
            }
        }
    )*};
}

tested!(Comparison, Overall, TruthTest, GroupRow, DifferentialError, PairRow, PairTest, UnpairedRow);

/// Adjusts every p-value of the run as one family (comparisons, overall scores, truth tests,
/// group amplification, differential judge error, pair asymmetries and pair tests) and flags the
/// significant rows.
fn correct(f: &mut Findings) {
    let alpha = 1.0 - f.settings.confidence.get();
    let correction = f.settings.correction;
    let mut rows: Vec<&mut dyn Tested> = Vec::new();
    rows.extend(f.comparisons.iter_mut().map(|r| r as &mut dyn Tested));
    rows.extend(f.overall.iter_mut().map(|r| r as &mut dyn Tested));
    rows.extend(f.truth_tests.iter_mut().map(|r| r as &mut dyn Tested));
    rows.extend(f.groups.iter_mut().map(|r| r as &mut dyn Tested));
    rows.extend(f.differential.iter_mut().map(|r| r as &mut dyn Tested));
    rows.extend(f.pairs.iter_mut().map(|r| r as &mut dyn Tested));
    rows.extend(f.pair_tests.iter_mut().map(|r| r as &mut dyn Tested));
    if let Some(v) = &mut f.versus {
        rows.extend(v.comparisons.iter_mut().map(|r| r as &mut dyn Tested));
        rows.extend(v.overall.iter_mut().map(|r| r as &mut dyn Tested));
        rows.extend(v.truth_tests.iter_mut().map(|r| r as &mut dyn Tested));
        rows.extend(v.groups.iter_mut().map(|r| r as &mut dyn Tested));
        rows.extend(v.unpaired.iter_mut().map(|r| r as &mut dyn Tested));
    }
    let family: Vec<Option<f64>> = rows.iter().map(|r| r.p_value()).collect();
    for (row, p) in rows.into_iter().zip(adjust(&family, correction)) {
        row.set_adjusted(p, alpha);
    }
}

pub(super) fn comparison(m: &MetricCounts, settings: &Settings) -> Comparison {
    let p = m.pairs;
    let n = p.n();
    let mut row = Comparison {
        metric: m.metric.clone(),
        model: m.model.clone(),
        n,
        baseline_rate: None,
        baseline_ci: None,
        model_rate: None,
        model_ci: None,
        difference: None,
        difference_ci: None,
        both: p.both,
        model_only: p.model_only,
        baseline_only: p.baseline_only,
        neither: p.neither,
        p_value: None,
        p_adjusted: None,
        cohens_h: None,
        ratio: None,
        invalid_baseline: m.invalid_baseline,
        invalid_model: m.invalid_model,
        significant: false,
        note: None,
        mde: None,
        method: None,
    };
    if let Some(moments) = &m.moments {
        repeats::fill_comparison(&mut row, moments, settings);
        return row;
    }
    if n == 0 {
        row.note = Some("no item has a valid label on both sides".into());
        return row;
    }
    let (baseline_rate, model_rate) =
        (p.baseline_positive() as f64 / n as f64, p.model_positive() as f64 / n as f64);
    row.baseline_rate = Some(baseline_rate);
    row.model_rate = Some(model_rate);
    row.baseline_ci = wilson_interval(p.baseline_positive(), n, settings.confidence.get());
    row.model_ci = wilson_interval(p.model_positive(), n, settings.confidence.get());
    if let Some((difference, ci, p_value)) = paired_difference(&p, settings.confidence.get(), settings.test) {
        (row.difference, row.difference_ci, row.p_value) = (Some(difference), ci, Some(p_value));
    }
    row.cohens_h = Some(cohens_h(model_rate, baseline_rate));
    row.ratio = rate_ratio(model_rate, baseline_rate);
    row
}

/// Whether a model's item values are fractional (a metric row of it has item-level sums): its
/// overall score then comes from the score sums in units, else from the whole-number sums.
pub(super) fn fractional(counts: &CountsTable, model: &str) -> bool {
    counts.metrics.iter().any(|m| m.model == model && m.slice.is_all() && m.moments.is_some())
}

pub(super) fn overall_score(m: &ModelCounts, fractional: bool, settings: &Settings) -> Overall {
    let s = m.score;
    let (sum_d, sum_d2, baseline_score, model_score) = match m.score_moments.filter(|_| fractional) {
        None => {
            let (sum_d, sum_d2) = s.difference_moments();
            (sum_d, sum_d2, s.baseline_score(), s.model_score())
        }
        Some(f) => {
            // Item scores already averaged over the metrics (see `ScoreMoments`).
            let mean = |x: u64| (s.n > 0 && s.metrics > 0).then(|| units(x) / s.n as f64);
            let sum_d = (f.sum_model as i128 - f.sum_baseline as i128) as f64 / UNIT;
            (sum_d, units(f.sum_sq_diff), mean(f.sum_baseline), mean(f.sum_model))
        }
    };
    let test = paired_t(s.n, sum_d, sum_d2, settings.confidence.get());
    let difference = (s.n > 0 && s.metrics > 0).then(|| sum_d / s.n as f64);
    Overall {
        model: m.model.clone(),
        n: s.n,
        baseline_score,
        model_score,
        difference,
        difference_ci: test.map(|t| t.interval),
        p_value: test.map(|t| t.p_value),
        p_adjusted: None,
        significant: false,
    }
}

/// The compared metrics judged against the truth (they have truth rows): the counting inverts
/// them in the overall score (see `data::count`, `sql/counts.sql`).
fn score_inverted(counts: &CountsTable) -> Vec<String> {
    let compared = counts.metric_names();
    compared.into_iter().filter(|m| counts.truth.iter().any(|t| &t.metric == m)).collect()
}
