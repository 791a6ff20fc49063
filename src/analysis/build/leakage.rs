//! The leakage document from the documents: TF-IDF in one space, per source the cross-fitted
//! attackers and their out-of-fold measures, the bootstrap and permutations, the leaking words.

use crate::analysis::findings::{
    InputRecord, LeakageAmplification, LeakageReport, LeakageSettings, LeakingWord, LevelCount,
    SourceLeakage, LEAKAGE_SCHEMA,
};
use crate::counts::Documents;
use crate::error::{AmplifyError, Result};
use crate::stats::leakage::{
    bootstrap as bootstrap_draws, chance, influence_se, lic_influence, measure, normal_interval,
    permutation_p, stratified_folds, tfidf, Attack, CrossFit, Draws, Measure,
};
use crate::stats::logistic::SparseRows;
use crate::stats::Interval;

/// Builds the leakage document; refuses data a fold cannot be fitted on.
pub fn build_leakage(
    docs: &Documents,
    settings: LeakageSettings,
    inputs: Vec<InputRecord>,
) -> Result<LeakageReport> {
    let classes = docs.levels.len();
    let k = settings.folds as usize;
    check(docs, k)?;
    let sources: Vec<&crate::counts::TermCounts> = docs.sources.iter().map(|(_, d)| d).collect();
    let (x, kept) = tfidf(&sources, settings.min_df as usize);
    if kept.is_empty() {
        return Err(AmplifyError::Data(format!(
            "no word is in {} or more documents (after --mask and --stopwords); lower --min-df, or check --response names the text columns",
            settings.min_df
        )));
    }
    let folds = stratified_folds(&docs.level, classes, k, settings.seed);
    let attack = Attack { levels: &docs.level, classes, folds: &folds, k, c: settings.c };
    let fits: Vec<CrossFit> = x.iter().map(|x| attack.run(x)).collect();
    let pairs: Vec<(&SparseRows, &CrossFit)> = x.iter().zip(&fits).collect();
    let inference = Inference::new(&attack, &pairs, &settings);
    let mut report = LeakageReport {
        schema: LEAKAGE_SCHEMA.into(),
        amplify_version: env!("CARGO_PKG_VERSION").into(),
        items: docs.items.len() as u64,
        incomplete: docs.incomplete,
        levels: levels(docs),
        features: kept.len() as u64,
        sources: Vec::new(),
        amplification: Vec::new(),
        top_words: Vec::new(),
        notes: inference.notes(),
        settings,
        inputs,
    };
    let (c, top) = (report.settings.c, report.settings.top);
    let kept = &kept;
    let words: Vec<Vec<LeakingWord>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (docs.sources.iter().zip(&x))
            .map(|((name, _), x)| scope.spawn(move || top_words(name, x, docs, kept, c, top)))
            .collect();
        handles.into_iter().map(|h| h.join().expect("a source's attacker panicked")).collect()
    });
    report.top_words = words.into_iter().flatten().collect();
    let ones = vec![1u32; docs.items.len()];
    let value = |s: usize, m: Measure| measure(m, &fits[s].probs, &docs.level, classes, &ones);
    for (s, (name, _)) in docs.sources.iter().enumerate() {
        for (j, m) in Measure::ALL.into_iter().enumerate() {
            let (ci, ci_method) = value(s, m).map_or((None, None), |v| inference.source_ci(s, (j, m), v));
            report.sources.push(SourceLeakage {
                source: name.clone(),
                measure: m.name().into(),
                value: value(s, m),
                ci,
                ci_method,
                chance: chance(m, &docs.level, classes),
            });
        }
    }
    let permutations = (report.settings.permutations as usize, report.settings.seed);
    for (s, (model, _)) in docs.sources.iter().enumerate().skip(1) {
        let p = permutation_p(&attack, pairs[0], pairs[s], permutations);
        for (j, m) in Measure::ALL.into_iter().enumerate() {
            let (b, v) = (value(0, m), value(s, m));
            let difference = b.zip(v).map(|(b, v)| v - b);
            let tested = difference.map(|d| inference.difference(s, (j, m), d, p[j]));
            let ((ci, ci_method), (p_value, p_method)) = tested.unwrap_or_default();
            report.amplification.push(LeakageAmplification {
                model: model.clone(),
                measure: m.name().into(),
                model_value: v,
                baseline_value: b,
                difference,
                ci,
                ci_method,
                p_value,
                p_method,
            });
        }
    }
    Ok(report)
}

/// The intervals and p-values of one run: the re-fitting bootstrap's draws (`--bootstrap N`),
/// and each source's LIC influence values when the bootstrap or the permutations are off.
struct Inference {
    draws: Draws,
    influence: Vec<Vec<f64>>,
    bootstrap: bool,
    permutations: bool,
    confidence: f64,
}

/// An interval or p-value with how it was found.
type Found<T> = (Option<T>, Option<String>);

impl Inference {
    fn new(attack: &Attack, pairs: &[(&SparseRows, &CrossFit)], settings: &LeakageSettings) -> Self {
        let (bootstrap, permutations) = (settings.bootstrap > 0, settings.permutations > 0);
        let influence = if bootstrap && permutations {
            Vec::new()
        } else {
            pairs.iter().map(|(x, fit)| lic_influence(attack, x, fit)).collect()
        };
        Inference {
            draws: bootstrap_draws(attack, pairs, (settings.bootstrap as usize, settings.seed)),
            influence,
            bootstrap,
            permutations,
            confidence: settings.confidence,
        }
    }

    /// Source `s`'s interval of measure (index j, m) valued `v`.
    fn source_ci(&self, s: usize, (j, m): (usize, Measure), v: f64) -> Found<Interval> {
        if self.bootstrap {
            found(interval(&self.draws, |d| d[s][j], v, 0.0, self.confidence), BOOTSTRAP)
        } else if m == Measure::Lic {
            found(linearised(&self.influence[s], v, 0.0, self.confidence).0, INFLUENCE)
        } else {
            (None, None)
        }
    }

    /// Model `s` − the baseline (source 0) by measure (j, m), the difference `d` and its
    /// permutation p-value: the interval and the p-value.
    fn difference(
        &self,
        s: usize,
        (j, m): (usize, Measure),
        d: f64,
        permuted: Option<f64>,
    ) -> (Found<Interval>, Found<f64>) {
        let (ci, p) = match (m, self.influence.as_slice()) {
            (Measure::Lic, [baseline, ..]) => {
                let phi: Vec<f64> = self.influence[s].iter().zip(baseline).map(|(m, b)| m - b).collect();
                linearised(&phi, d, -1.0, self.confidence)
            }
            _ => (None, None),
        };
        let ci = if self.bootstrap {
            let pick = |r: &Vec<[Option<f64>; 2]>| Some(r[s][j]? - r[0][j]?);
            found(interval(&self.draws, pick, d, -1.0, self.confidence), BOOTSTRAP)
        } else {
            found(ci, INFLUENCE)
        };
        let p = if self.permutations { found(permuted, PERMUTATION) } else { found(p, INFLUENCE) };
        (ci, p)
    }

    /// What balanced accuracy lacks without re-fitting, as a note.
    fn notes(&self) -> Vec<String> {
        let (missing, instead) = match (self.bootstrap, self.permutations) {
            (false, false) => (
                "interval or p-value without --bootstrap N and --permutations N",
                "LIC's influence-function interval and t-test",
            ),
            (false, true) => ("interval without --bootstrap N", "LIC's influence-function interval"),
            (true, false) => ("p-value without --permutations N", "LIC's influence-function t-test"),
            (true, true) => return Vec::new(),
        };
        vec![format!(
            "balanced accuracy has no {missing} (attackers re-fitted): {instead} need no re-fit, but an argmax has no derivative"
        )]
    }
}

fn found<T>(value: Option<T>, method: &str) -> Found<T> {
    let method = value.is_some().then(|| method.to_string());
    (value, method)
}

/// How an interval or a p-value was found, as the document names it.
const BOOTSTRAP: &str = "bootstrap";
const PERMUTATION: &str = "permutation";
const INFLUENCE: &str = "influence";

/// The influence-function (delta-method) interval estimate ± t·SE with n − 1 degrees of freedom
/// (n the items; Student's t rather than the normal, which on a few items would be too sure), cut
/// to [floor, 1], and the two-sided t-test of 0 (1 when the estimate and its SE are both 0:
/// identical predictions).
fn linearised(phi: &[f64], estimate: f64, floor: f64, confidence: f64) -> (Option<Interval>, Option<f64>) {
    let Some(se) = influence_se(phi).filter(|se| se.is_finite()) else {
        return (None, None);
    };
    match crate::stats::ttest::t_estimate(estimate, se, phi.len() as f64 - 1.0, confidence) {
        Some(t) => {
            (Some(Interval::new(t.interval.low.max(floor), t.interval.high.min(1.0))), Some(t.p_value))
        }
        None => (None, None),
    }
}

/// Refuses what cannot be cross-fitted: fewer than two levels, or a level with fewer items than
/// folds (a fold without it could not be fitted or scored).
fn check(docs: &Documents, k: usize) -> Result<()> {
    if docs.levels.len() < 2 {
        return Err(AmplifyError::Data(format!(
            "{} level(s) among the {} items every source answered; the attacker needs two levels at least",
            docs.levels.len(),
            docs.items.len()
        )));
    }
    let counts = levels(docs);
    if let Some(small) = counts.iter().find(|c| (c.items as usize) < k) {
        return Err(AmplifyError::Data(format!(
            "level '{}' has {} item(s) that every source answered, fewer than the {k} folds; lower --folds or merge levels",
            crate::escape::printable(&small.level, 40),
            small.items
        )));
    }
    Ok(())
}

fn levels(docs: &Documents) -> Vec<LevelCount> {
    let mut n = vec![0u64; docs.levels.len()];
    docs.level.iter().for_each(|&l| n[l as usize] += 1);
    docs.levels.iter().zip(n).map(|(level, items)| LevelCount { level: level.clone(), items }).collect()
}

/// The normal bootstrap interval of one quantity from its defined draws, cut to [floor, 1] (a
/// leakage lies in [0, 1], a difference of two in [−1, 1]).
fn interval(
    draws: &Draws,
    pick: impl Fn(&Vec<[Option<f64>; 2]>) -> Option<f64>,
    estimate: f64,
    floor: f64,
    confidence: f64,
) -> Option<Interval> {
    let values: Vec<f64> = draws.iter().filter_map(pick).collect();
    normal_interval(&values, estimate, confidence).map(|(lo, hi)| Interval::new(lo.max(floor), hi.min(1.0)))
}

/// The attacker fitted on every item: per level, the words weighing most toward it.
fn top_words(
    source: &str,
    x: &SparseRows,
    docs: &Documents,
    kept: &[u32],
    c: f64,
    top: usize,
) -> Vec<LeakingWord> {
    let all: Vec<(usize, f64)> = (0..docs.items.len()).map(|i| (i, 1.0)).collect();
    let classes = docs.levels.len();
    let models = crate::stats::leakage::attackers(x, &docs.level, classes, &all, c, None);
    let mut out = Vec::new();
    for (l, level) in docs.levels.iter().enumerate() {
        // Two levels: one model of the second; its negative weights point to the first.
        let (weights, sign) = if classes == 2 {
            (&models[0].weights, if l == 1 { 1.0 } else { -1.0 })
        } else {
            (&models[l].weights, 1.0)
        };
        let mut ranked: Vec<(usize, f64)> =
            weights.iter().enumerate().map(|(j, w)| (j, sign * w)).filter(|(_, w)| *w > 0.0).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for (rank, (j, w)) in ranked.into_iter().take(if top == 0 { usize::MAX } else { top }).enumerate() {
            out.push(LeakingWord {
                source: source.into(),
                level: level.clone(),
                rank: rank as u64 + 1,
                word: docs.terms[kept[j] as usize].clone(),
                weight: w,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// scipy 1.17.1: φ = [1, 2, 3, 4], SE = sd/√4 = 0.6454972243679028; an estimate of 1 has the
    /// interval 1 ± t.ppf(0.975, 3)·SE, low 1 − 3.1824463052837078·SE = −1.0542602567605206 (cut to
    /// the floor −1), and p = 2·t.sf(1/SE, 3) = 0.2191020374170478 (the normal would give 0.121).
    #[test]
    fn linearised_uses_student_t_with_n_minus_1_df() {
        let (ci, p) = linearised(&[1.0, 2.0, 3.0, 4.0], 1.0, -2.0, 0.95);
        let ci = ci.expect("interval");
        assert!((ci.low + 1.054_260_256_760_520_6).abs() < 1e-9, "{ci:?}");
        assert!((ci.high - 1.0).abs() < 1e-12, "cut at 1: {ci:?}");
        assert!((p.expect("p") - 0.219_102_037_417_047_8).abs() < 1e-9);
        let (ci, _) = linearised(&[1.0, 2.0, 3.0, 4.0], 1.0, -1.0, 0.95);
        assert_eq!(ci.map(|c| c.low), Some(-1.0), "cut at the floor");
        let (ci, p) = linearised(&[0.0, 0.0, 0.0], 0.0, -1.0, 0.95);
        assert_eq!((ci.map(|c| (c.low, c.high)), p), (Some((0.0, 0.0)), Some(1.0)), "identical texts");
        assert_eq!(linearised(&[0.5], 0.5, -1.0, 0.95), (None, None), "one item: no variance");
        assert_eq!(linearised(&[f64::NAN, 1.0], 0.5, -1.0, 0.95), (None, None), "never a NaN interval");
    }
}
