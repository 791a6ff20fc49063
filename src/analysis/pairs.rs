//! Counterfactual pairs in the findings: how the items formed pairs, each source's pair measures
//! per metric (and per group level of side A), each model against the baseline and against the
//! first model on the same pairs, and with a truth the verdicts on pairs whose side A is not at
//! fault. Methods: `stats::pairs`.

use super::findings::Settings;
use crate::counts::{CountsTable, PairCells, Slice};
use crate::stats::paired::paired_difference;
use crate::stats::pairs::{pair_measures, rate, JointPairs, PairTable, Rate};
use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// How the items formed pairs (the pair and variant columns are in `settings.pair_columns`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairingSummary {
    /// Side A (the reference variant), then side B.
    pub variants: [String; 2],
    /// Pairs with one item on each side.
    pub complete: u64,
    /// Pairs with an item on one side only (not analysed).
    pub missing_side: u64,
    /// Pairs with two or more items on one side (not analysed).
    pub duplicate_side: u64,
}

/// One source's pairs on one metric, over its pairs valid on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairRow {
    /// Metric.
    pub metric: String,
    /// Source (the baseline or a model).
    pub source: String,
    /// "baseline" or "model".
    pub role: String,
    /// Grouping of side A (`None` = all pairs).
    pub group_by: Option<String>,
    /// Level of side A in that grouping.
    pub level: Option<String>,
    /// Pairs with a valid label on both sides.
    pub n: u64,
    /// Complete pairs this source lacks a valid label on one side or both.
    pub incomplete: u64,
    /// Label 1 on both sides, n11/n.
    pub both: Option<Rate>,
    /// Label 0 on both sides, n00/n.
    pub neither: Option<Rate>,
    /// For verdicts (1 = at fault): not at fault on both sides, the same as `neither`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affirms_both: Option<Rate>,
    /// The label differs between the sides, (n10 + n01)/n.
    pub flip: Option<Rate>,
    /// P(label 1 on side B) − P(label 1 on side A).
    pub asymmetry: Option<f64>,
    /// Tango score interval of the asymmetry.
    pub asymmetry_ci: Option<Interval>,
    /// McNemar p-value of the asymmetry.
    pub p_value: Option<f64>,
    /// p-value adjusted over the run's family.
    pub p_adjusted: Option<f64>,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
    /// Why estimates are missing, when they are.
    pub note: Option<String>,
}

/// A model against another source (the baseline, or the first model) on the same pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairTest {
    /// Metric.
    pub metric: String,
    /// Model.
    pub model: String,
    /// The source compared with: the baseline or the first model.
    pub versus: String,
    /// Grouping of side A (`None` = all pairs).
    pub group_by: Option<String>,
    /// Level of side A in that grouping.
    pub level: Option<String>,
    /// "asymmetry" (amplification of the asymmetry, paired t), "both_sides" (label 1 on both
    /// sides) or, for verdicts, "affirms_both" (not at fault on both sides) (McNemar, Tango).
    pub measure: String,
    /// Pairs valid on both sides for both sources.
    pub n: u64,
    /// The versus source's value on these pairs.
    pub versus_value: Option<f64>,
    /// The model's value on these pairs.
    pub model_value: Option<f64>,
    /// model_value − versus_value.
    pub difference: Option<f64>,
    /// Paired t (asymmetry) or Tango (both sides) interval of the difference.
    pub difference_ci: Option<Interval>,
    /// Paired t or McNemar p-value.
    pub p_value: Option<f64>,
    /// p-value adjusted over the run's family.
    pub p_adjusted: Option<f64>,
    /// Whether p_adjusted < 1 − confidence.
    pub significant: bool,
    /// Why the row is not tested, when it is not.
    pub note: Option<String>,
}

/// On pairs whose side A the truth finds not at fault (e.g. the crowd's verdict of the original
/// post): how often a source also finds side B not at fault, and both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairTruthRow {
    /// Verdict metric.
    pub metric: String,
    /// Source.
    pub source: String,
    /// Pairs with side A not at fault by the truth and the source's verdict valid on both sides.
    pub n: u64,
    /// Side B judged not at fault.
    pub b_not_at_fault: Option<Rate>,
    /// Both sides judged not at fault.
    pub both_not_at_fault: Option<Rate>,
}

/// The pair sections of the findings.
pub(crate) struct PairSections {
    pub summary: Option<PairingSummary>,
    pub rows: Vec<PairRow>,
    pub tests: Vec<PairTest>,
    pub truth: Vec<PairTruthRow>,
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
