//! The leakage document from the documents: TF-IDF in one space, per source the cross-fitted
//! attackers and their out-of-fold measures, the bootstrap and permutations, the leaking words.

use crate::analysis::findings::{
    InputRecord, LeakageAmplification, LeakageReport, LeakageSettings, LeakingWord, LevelCount,
    SourceLeakage, LEAKAGE_SCHEMA,
};
use crate::counts::Documents;
use crate::error::{AmplifyError, Result};
use crate::stats::leakage::{
    bootstrap, chance, measure, normal_interval, permutation_p, stratified_folds, tfidf, Attack, CrossFit,
    Draws, Measure,
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
    let draws = bootstrap(&attack, &pairs, (settings.bootstrap as usize, settings.seed));
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
        notes: Vec::new(),
        settings,
        inputs,
    };
    let ones = vec![1u32; docs.items.len()];
    let value = |s: usize, m: Measure| measure(m, &fits[s].probs, &docs.level, classes, &ones);
    let conf = report.settings.confidence;
    let (c, top) = (report.settings.c, report.settings.top);
    let kept = &kept;
    let words: Vec<Vec<LeakingWord>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (docs.sources.iter().zip(&x))
            .map(|((name, _), x)| scope.spawn(move || top_words(name, x, docs, kept, c, top)))
            .collect();
        handles.into_iter().map(|h| h.join().expect("a source's attacker panicked")).collect()
    });
    report.top_words = words.into_iter().flatten().collect();
    for (s, (name, _)) in docs.sources.iter().enumerate() {
        for (j, m) in Measure::ALL.into_iter().enumerate() {
            report.sources.push(SourceLeakage {
                source: name.clone(),
                measure: m.name().into(),
                value: value(s, m),
                ci: value(s, m).and_then(|v| interval(&draws, |d| d[s][j], v, 0.0, conf)),
                chance: chance(m, &docs.level, classes),
            });
        }
    }
    let permutations = (report.settings.permutations as usize, report.settings.seed);
    for (s, (model, _)) in docs.sources.iter().enumerate().skip(1) {
        let p = permutation_p(&attack, pairs[0], pairs[s], permutations);
        for (j, m) in Measure::ALL.into_iter().enumerate() {
            let (b, v) = (value(0, m), value(s, m));
            report.amplification.push(LeakageAmplification {
                model: model.clone(),
                measure: m.name().into(),
                model_value: v,
                baseline_value: b,
                difference: b.zip(v).map(|(b, v)| v - b),
                ci: b
                    .zip(v)
                    .and_then(|(b, v)| interval(&draws, |d| Some(d[s][j]? - d[0][j]?), v - b, -1.0, conf)),
                p_value: p[j],
            });
        }
    }
    Ok(report)
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
