//! Counterfactual pairs in the findings: how the items formed pairs, each source's pair measures
//! per metric (and per group level of side A), each model against the baseline and against the
//! first model on the same pairs, and with a truth the verdicts on pairs whose side A is not at
//! fault. Methods: `stats::counterfactual`.

use crate::analysis::findings::Settings;
use crate::analysis::findings::{PairRow, PairTest, PairTruthRow, PairingSummary};
use crate::counts::{CountsTable, PairCells, Slice};
use crate::stats::counterfactual::{pair_measures, rate, JointPairs, PairTable};
use crate::stats::paired_difference::paired_difference;

/// The pair sections of the findings.
pub(crate) struct PairSections {
    pub summary: Option<PairingSummary>,
    pub rows: Vec<PairRow>,
    pub tests: Vec<PairTest>,
    pub truth: Vec<PairTruthRow>,
}

impl PairSections {
    /// Only the baseline's own rows (the data's pairs in a run without models): its pair rows and
    /// its verdicts on pairs the truth clears; no tests against a model.
    pub(crate) fn baseline_only(mut self) -> Self {
        self.rows.retain(|r| r.role == "baseline");
        self.tests.clear();
        let mut seen = Vec::new();
        self.truth.retain(|t| {
            let key = (t.metric.clone(), t.source.clone());
            let first = !seen.contains(&key);
            seen.push(key);
            first
        });
        self
    }
}

/// Builds the pair sections from the counts (empty without pairs).
pub(crate) fn pair_sections(counts: &CountsTable, settings: &Settings) -> PairSections {
    let Some(pairing) = &counts.pairing else {
        return PairSections { summary: None, rows: Vec::new(), tests: Vec::new(), truth: Vec::new() };
    };
    let summary = PairingSummary {
        variants: pairing.variants.clone(),
        complete: pairing.complete,
        missing_side: pairing.missing_side,
        duplicate_side: pairing.duplicate_side,
    };
    let verdict =
        |metric: &str| settings.verdicts.iter().chain(&settings.score_inverted).any(|m| m == metric);
    let mut rows = Vec::new();
    let mut tests = Vec::new();
    let mut truth = Vec::new();
    let baseline = &settings.baseline;
    for cells in counts.pairs.iter().filter(|c| c.slice.truth.is_none()) {
        let is_verdict = verdict(&cells.metric);
        if &cells.versus == baseline {
            if first_model_row(counts, cells) {
                rows.push(pair_row(cells, baseline, "baseline", cells.versus_table(), is_verdict, settings));
            }
            rows.push(pair_row(cells, &cells.model, "model", cells.model_table(), is_verdict, settings));
        }
        tests.extend(pair_tests(cells, is_verdict, baseline, settings));
    }
    for cells in counts.pairs.iter().filter(|c| c.slice.truth == Some(false) && c.slice.group.is_none()) {
        if &cells.versus == baseline && verdict(&cells.metric) {
            if first_model_row(counts, cells) {
                truth.push(truth_row(&cells.metric, baseline, cells.versus_table(), settings));
            }
            truth.push(truth_row(&cells.metric, &cells.model, cells.model_table(), settings));
        }
    }
    PairSections { summary: Some(summary), rows, tests, truth }
}

/// Whether `cells` is the baseline's table with the first model that has this metric (the one
/// the baseline's own pair rows are read from).
fn first_model_row(counts: &CountsTable, cells: &PairCells) -> bool {
    let first = counts
        .pairs
        .iter()
        .find(|c| c.versus == cells.versus && c.metric == cells.metric && c.slice == cells.slice);
    first.is_some_and(|c| c.model == cells.model)
}

fn slice_keys(slice: &Slice) -> (Option<String>, Option<String>) {
    slice.group.as_ref().map_or((None, None), |g| (Some(g.grouping.clone()), Some(g.level.clone())))
}

fn pair_row(
    cells: &PairCells,
    source: &str,
    role: &str,
    t: PairTable,
    verdict: bool,
    s: &Settings,
) -> PairRow {
    let (group_by, level) = slice_keys(&cells.slice);
    let measures = pair_measures(&t, s.confidence.get(), s.test);
    PairRow {
        metric: cells.metric.clone(),
        source: source.to_string(),
        role: role.to_string(),
        group_by,
        level,
        n: t.n(),
        incomplete: cells.total() - t.n(),
        both: measures.map(|m| m.both),
        neither: measures.map(|m| m.neither),
        affirms_both: measures.filter(|_| verdict).map(|m| m.neither),
        flip: measures.map(|m| m.flip),
        asymmetry: measures.map(|m| m.asymmetry),
        asymmetry_ci: measures.and_then(|m| m.asymmetry_ci),
        p_value: measures.map(|m| m.p_value),
        p_adjusted: None,
        significant: false,
        note: measures.is_none().then(|| match role {
            "baseline" => {
                "no pair has a baseline label on both sides: no human baseline for pairs".to_string()
            }
            _ => "no pair has a valid label on both sides".to_string(),
        }),
        method: None,
    }
}

/// The model against the versus source: amplification of the asymmetry, and the both-sides
/// (or, for verdicts, affirms-both) rate difference.
fn pair_tests(cells: &PairCells, verdict: bool, baseline: &str, s: &Settings) -> Vec<PairTest> {
    let joint: JointPairs = cells.joint();
    let n = joint.n();
    let (group_by, level) = slice_keys(&cells.slice);
    let note = (n == 0).then(|| match cells.versus == baseline {
        true => "no human baseline: no pair has baseline labels on both sides and model labels on both"
            .to_string(),
        false => "no pair has both models' labels on both sides".to_string(),
    });
    let row = |measure: &str| PairTest {
        metric: cells.metric.clone(),
        model: cells.model.clone(),
        versus: cells.versus.clone(),
        group_by: group_by.clone(),
        level: level.clone(),
        measure: measure.to_string(),
        n,
        versus_value: None,
        model_value: None,
        difference: None,
        difference_ci: None,
        p_value: None,
        p_adjusted: None,
        significant: false,
        note: note.clone(),
        method: None,
    };
    let confidence = s.confidence.get();
    let mut asymmetry = row("asymmetry");
    let (versus_table, model_table) = joint.tables();
    let asym = |t: PairTable| (n > 0).then(|| (t.n01 as f64 - t.n10 as f64) / n as f64);
    asymmetry.versus_value = asym(versus_table);
    asymmetry.model_value = asym(model_table);
    if let Some(t) = joint.asymmetry_amplification(confidence) {
        (asymmetry.difference, asymmetry.difference_ci, asymmetry.p_value) =
            (Some(t.estimate), Some(t.interval), Some(t.p_value));
    } else if n > 0 {
        asymmetry.difference = asymmetry.model_value.zip(asymmetry.versus_value).map(|(m, v)| m - v);
        asymmetry.note = Some("fewer than 2 pairs: no interval or test".into());
    }
    let (measure, value) = if verdict { ("affirms_both", 0) } else { ("both_sides", 1) };
    let mut both = row(measure);
    let table = joint.both_sides(value);
    both.versus_value = (n > 0).then(|| table.baseline_positive() as f64 / n as f64);
    both.model_value = (n > 0).then(|| table.model_positive() as f64 / n as f64);
    if let Some((d, ci, p)) = paired_difference(&table, confidence, s.test) {
        (both.difference, both.difference_ci, both.p_value) = (Some(d), ci, Some(p));
    }
    vec![asymmetry, both]
}

fn truth_row(metric: &str, source: &str, t: PairTable, s: &Settings) -> PairTruthRow {
    let n = t.n();
    PairTruthRow {
        metric: metric.to_string(),
        source: source.to_string(),
        n,
        b_not_at_fault: rate(t.n10 + t.n00, n, s.confidence.get()),
        both_not_at_fault: rate(t.n00, n, s.confidence.get()),
    }
}
