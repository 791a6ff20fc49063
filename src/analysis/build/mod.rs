//! From counts to findings: [`build_findings`] computes every estimate, interval and test of a
//! run from its counts, one file per part of the findings, and adjusts all p-values as one family.

mod audit;
mod clustering;
mod comparisons;
mod corrected;
mod counterfactual;
mod data;
mod detectable;
mod groups;
mod leakage;
mod missing;
mod power;
mod ranking;
mod repeats;
mod shrinkage;
mod truth;
mod verdict_classes;
mod versus;
mod words;

pub(crate) use audit::agreement_report;
pub use leakage::build_leakage;
pub(crate) use power::power_report;
pub(crate) use ranking::best_model;
pub use words::build_words;

use self::comparisons::{comparison, fractional, overall_score};
use self::counterfactual::pair_sections;
use crate::analysis::findings::DifferentialError;
use crate::analysis::findings::UnpairedRow;
use crate::analysis::findings::{
    Alignment, Comparison, Findings, GroupRow, InputRecord, Overall, Settings, TruthTest, FINDINGS_SCHEMA,
};
use crate::analysis::findings::{PairRow, PairTest};

use crate::counts::CountsTable;
use crate::data::files::audit::AuditRows;
use crate::error::Result;
use crate::stats::multiplicity::adjust;
use std::borrow::Cow;

/// Computes every estimate, interval and test of a run from its counts.
///
/// All p-values of the run (comparisons and overall scores) form one family for the correction.
pub fn build_findings(
    counts: &CountsTable,
    settings: Settings,
    inputs: Vec<InputRecord>,
) -> Result<Findings> {
    let mut settings = settings;
    let classes = verdict_classes::section(counts, &settings);
    if let Some(v) = &classes {
        // Counts read back without --verdict-classes: record the classes the section used.
        settings.verdict_classes.get_or_insert_with(|| v.classes.clone());
    }
    // Without --cluster the table is used as it is (no copy).
    let (clusters, unclustered) = match &settings.cluster {
        Some(column) => {
            let (c, rest) = clustering::split(counts, column)?;
            (Some(c), Cow::Owned(rest))
        }
        None => (None, Cow::Borrowed(counts)),
    };
    let original = counts;
    let (own, rest) = unclustered.split_own(&settings.baseline);
    let alone = rest.models.is_empty() && !own.models.is_empty();
    let counts = &rest;
    settings.score_inverted = score_inverted(counts);
    let mut comparisons: Vec<Comparison> =
        counts.metrics.iter().filter(|m| m.slice.is_all()).map(|m| comparison(m, &settings)).collect();
    let mut truth_tests = truth::truth_tests(counts, &settings);
    let mut clustering = clusters
        .as_ref()
        .map(|c| clustering::apply(&mut comparisons, &mut truth_tests, c, counts, &settings));
    let mut overall: Vec<Overall> = counts
        .models
        .iter()
        .filter(|m| m.score.metrics > 0)
        .map(|m| overall_score(m, fractional(counts, &m.model), &settings))
        .collect();
    if let (Some(c), Some(k)) = (&clusters, &mut clustering) {
        k.rows.extend(clustering::apply_overall(&mut overall, c, counts, &settings));
    }
    let groupings = groups::summaries(if alone { &own } else { counts }, &settings)?;
    let data = data::data_section(&own, &groupings, alone, &settings);
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
    let pairs = match alone {
        // The data alone: its own pair rows (the baseline's, over every pair).
        true => pair_sections(&own, &settings).baseline_only(),
        false => pair_sections(counts, &settings),
    };
    let settings_copy = settings.clone();
    let mut findings = Findings {
        schema: FINDINGS_SCHEMA.to_string(),
        amplify_version: env!("CARGO_PKG_VERSION").to_string(),
        truth: truth::truth_rows(counts, &settings),
        truth_tests,
        groups: groups::group_rows(counts, &groupings, &settings),
        bias_amplification: groups::bias_rows(counts, &groupings, &settings),
        groupings,
        settings,
        inputs,
        data,
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
        heterogeneity: Vec::new(),
        verdict_classes: classes,
        clustering,
        missing: None,
    };
    if let (Some(c), Some(k)) = (&clusters, &mut findings.clustering) {
        let gaps = clustering::apply_groups(&mut findings.groups, c, counts, &settings_copy);
        k.rows.extend(gaps);
        clustering::apply_biasamp(&mut findings.bias_amplification, c, counts, &settings_copy);
        k.rows.extend(clustering::apply_pair_rows(&mut findings.pairs, c, counts, &settings_copy));
        k.rows.extend(clustering::apply_pairs(&mut findings.pair_tests, c, counts, &settings_copy));
    }
    findings.heterogeneity = shrinkage::shrink_groups(&mut findings.groups, settings_copy.confidence.get());
    findings.versus = versus::versus_section(counts, &settings_copy, &findings)?;
    if let (Some(column), Some(v), Some(k)) =
        (&settings_copy.cluster, &mut findings.versus, &mut findings.clustering)
    {
        k.rows.extend(clustering::apply_versus(v, original, column, &settings_copy)?);
    }
    if let (Some(c), Some(v), Some(k)) = (&clusters, &mut findings.versus, &mut findings.clustering) {
        k.rows.extend(clustering::apply_unpaired(&mut v.unpaired, &v.base, c, counts, &settings_copy));
    }
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
    ranking::trade_off(&mut findings);
    detectable::fill(&mut findings, counts);
    findings.missing = missing::section(counts, &findings);
    Ok(findings)
}

/// Adds what an audit of the judge says (`compare --audit`): its agreement with the gold labels
/// per source, the differential-error tests (which join the run's family) and the corrected
/// rates and differences; then adjusts the family again and recomputes the detectable effects.
pub(crate) fn add_audit(f: &mut Findings, counts: &CountsTable, audits: &[(String, AuditRows)]) {
    let unclustered = match &f.settings.cluster {
        Some(column) => Cow::Owned(clustering::without(counts, column)),
        None => Cow::Borrowed(counts),
    };
    let (_, rest) = unclustered.split_own(&f.settings.baseline);
    let counts = &rest;
    let confidence = f.settings.confidence.get();
    for (source, rows) in audits {
        let (mut agreement, _) = audit::agreement_rows(rows, confidence);
        for row in &mut agreement {
            row.source = source.clone();
        }
        f.agreement.extend(agreement.into_iter().filter(|r| r.agreement.n > 0));
    }
    f.differential = audit::differential_between_sources(audits, confidence);
    f.corrected = corrected::corrected_rows(&f.comparisons, &f.settings.baseline, audits, confidence);
    f.corrected_groups =
        corrected::corrected_groups(&f.groups, counts, &f.settings.baseline, audits, confidence);
    correct(f);
    ranking::trade_off(f);
    detectable::fill(f, counts);
    // The family grew: the conclusions the tipping points start from may have changed.
    f.missing = missing::section(counts, f);
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

/// The compared metrics judged against the truth (they have truth rows): the counting inverts
/// them in the overall score (see `data::count`, `sql/counts.sql`).
fn score_inverted(counts: &CountsTable) -> Vec<String> {
    let compared = counts.metric_names();
    compared.into_iter().filter(|m| counts.truth.iter().any(|t| &t.metric == m)).collect()
}
