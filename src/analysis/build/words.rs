//! The words document from word counts: the vocabulary and its prior, every source's log-odds
//! per level against the reference, the models' amplification over the baseline, the top words.

use crate::analysis::findings::{
    AmplifiedWord, CorpusRow, InputRecord, MarkedWord, WordSide, WordsReport, WordsSettings, WordsSummary,
    WORDS_SCHEMA,
};
use crate::counts::WordCounts;
use crate::error::{AmplifyError, Result};
use crate::stats::marked_words::{log_odds, per_thousand, Corpus, LogOdds, WordCount};

/// |z| above which a word's amplification counts in [`WordsSummary::amplified_words`].
const Z_CRITICAL: f64 = 1.959_963_984_540_054;

/// Builds the words document. `items` are the baseline's items per level.
pub fn build_words(
    counts: &WordCounts,
    items: &[(String, u64)],
    settings: WordsSettings,
    inputs: Vec<InputRecord>,
) -> Result<WordsReport> {
    let vocabulary = Vocabulary::new(counts, settings.min_count, settings.prior_scale)?;
    let mut report = WordsReport {
        schema: WORDS_SCHEMA.into(),
        amplify_version: env!("CARGO_PKG_VERSION").into(),
        corpus: corpus(counts, items, &vocabulary),
        vocabulary: vocabulary.words.len() as u64,
        marked: Vec::new(),
        amplified: Vec::new(),
        summary: Vec::new(),
        notes: Vec::new(),
        settings,
        inputs,
    };
    let reference = report.settings.reference.clone();
    let baseline = report.settings.baseline.clone();
    let top = report.settings.top;
    for level in counts.levels.iter().filter(|l| **l != reference) {
        let sides: Vec<(String, Option<Vec<Option<WordSide>>>)> = counts
            .sources
            .iter()
            .map(|s| (s.clone(), vocabulary.sides(counts, s, level, &reference)))
            .collect();
        for (source, sides) in &sides {
            match sides {
                Some(sides) => report.marked.extend(marked(source, level, sides, &vocabulary.words, top)),
                None => report
                    .notes
                    .push(format!("{source}, {level} vs {reference}: no words on one side; not compared")),
            }
        }
        let Some((_, Some(human))) = sides.iter().find(|(s, _)| *s == baseline) else { continue };
        for (model, sides) in sides.iter().filter(|(s, _)| *s != baseline) {
            let Some(model_sides) = sides else { continue };
            let rows = amplified(model, level, human, model_sides, &vocabulary.words);
            report.summary.push(summary(model, level, human, model_sides, &rows, top));
            report.amplified.extend(top_both_ways(rows, top, |r| r.z, |r, rank| r.rank = rank));
        }
    }
    Ok(report)
}

/// The kept words (pooled count ≥ min_count, sorted) and their prior.
struct Vocabulary {
    words: Vec<String>,
    alpha: Vec<f64>,
    alpha0: f64,
}

impl Vocabulary {
    fn new(counts: &WordCounts, min_count: u64, scale: f64) -> Result<Self> {
        let pooled = counts.pooled();
        let mut kept: Vec<(&str, u64)> = pooled.into_iter().filter(|(_, n)| *n >= min_count.max(1)).collect();
        kept.sort_unstable();
        if kept.len() < 2 {
            return Err(AmplifyError::Data(format!(
                "{} word(s) occur at least {min_count} time(s) over all texts (after --mask and --stopwords); the log-odds need at least 2: lower --min-count, or check --response names the text columns",
                kept.len()
            )));
        }
        let alpha: Vec<f64> = kept.iter().map(|(_, n)| scale * *n as f64).collect();
        let alpha0 = alpha.iter().sum();
        Ok(Self { words: kept.into_iter().map(|(w, _)| w.to_string()).collect(), alpha, alpha0 })
    }

    /// Tokens of the vocabulary in a table.
    fn tokens(&self, counts: &WordCounts, source: &str, level: &str) -> u64 {
        counts.table(source, level).map_or(0, |t| self.words.iter().filter_map(|w| t.counts.get(w)).sum())
    }

    /// Every word's side in one source, level vs reference; `None` when a side has no tokens.
    fn sides(
        &self,
        counts: &WordCounts,
        source: &str,
        level: &str,
        reference: &str,
    ) -> Option<Vec<Option<WordSide>>> {
        let (l, r) = (counts.table(source, level)?, counts.table(source, reference)?);
        let corpus = Corpus {
            level_tokens: self.tokens(counts, source, level),
            reference_tokens: self.tokens(counts, source, reference),
            alpha0: self.alpha0,
        };
        if corpus.level_tokens == 0 || corpus.reference_tokens == 0 {
            return None;
        }
        let sides = self.words.iter().zip(&self.alpha).map(|(w, &alpha)| {
            let y = WordCount {
                level: l.counts.get(w).copied().unwrap_or(0),
                reference: r.counts.get(w).copied().unwrap_or(0),
            };
            log_odds(y, alpha, corpus).map(|lo| side(y, lo, corpus))
        });
        Some(sides.collect())
    }
}

fn side(y: WordCount, lo: LogOdds, c: Corpus) -> WordSide {
    WordSide {
        count: y.level,
        reference_count: y.reference,
        per_thousand: per_thousand(y.level, c.level_tokens),
        reference_per_thousand: per_thousand(y.reference, c.reference_tokens),
        delta: lo.delta,
        se: lo.variance.sqrt(),
        z: lo.z(),
    }
}

fn corpus(counts: &WordCounts, items: &[(String, u64)], vocabulary: &Vocabulary) -> Vec<CorpusRow> {
    let mut rows = Vec::new();
    for source in &counts.sources {
        for (level, n) in items {
            let t = counts.table(source, level);
            rows.push(CorpusRow {
                source: source.clone(),
                level: level.clone(),
                items: *n,
                documents: t.map_or(0, |t| t.documents),
                missing: t.map_or(0, |t| t.missing),
                tokens: t.map_or(0, |t| t.tokens()),
                vocabulary_tokens: vocabulary.tokens(counts, source, level),
            });
        }
    }
    rows
}

fn marked(
    source: &str,
    level: &str,
    sides: &[Option<WordSide>],
    words: &[String],
    top: usize,
) -> Vec<MarkedWord> {
    let rows = words.iter().zip(sides).filter_map(|(w, s)| {
        let side = s.clone()?;
        Some(MarkedWord { source: source.into(), level: level.into(), rank: 0, word: w.clone(), side })
    });
    top_both_ways(rows.collect(), top, |r| r.side.z, |r, rank| r.rank = rank)
}

fn amplified(
    model: &str,
    level: &str,
    human: &[Option<WordSide>],
    sides: &[Option<WordSide>],
    words: &[String],
) -> Vec<AmplifiedWord> {
    let lo = |s: &WordSide| LogOdds { delta: s.delta, variance: s.se * s.se };
    words
        .iter()
        .zip(human.iter().zip(sides))
        .filter_map(|(w, (h, m))| {
            let (h, m) = (h.as_ref()?, m.as_ref()?);
            let a = lo(m).minus(lo(h));
            Some(AmplifiedWord {
                model: model.into(),
                level: level.into(),
                rank: 0,
                word: w.clone(),
                amplification: a.delta,
                se: a.variance.sqrt(),
                z: a.z(),
                baseline: h.clone(),
                model_side: m.clone(),
            })
        })
        .collect()
}

fn summary(
    model: &str,
    level: &str,
    human: &[Option<WordSide>],
    sides: &[Option<WordSide>],
    rows: &[AmplifiedWord],
    top: usize,
) -> WordsSummary {
    let mut pairs: Vec<(&WordSide, &WordSide)> =
        human.iter().zip(sides).filter_map(|(h, m)| Some((h.as_ref()?, m.as_ref()?))).collect();
    pairs.sort_by(|a, b| b.0.z.abs().total_cmp(&a.0.z.abs()));
    let k = if top == 0 { pairs.len() } else { top.min(pairs.len()) };
    let head = &pairs[..k];
    let same = head.iter().filter(|(h, m)| h.delta * m.delta > 0.0).count() as u64;
    let stronger =
        head.iter().filter(|(h, m)| h.delta * m.delta > 0.0 && m.delta.abs() > h.delta.abs()).count();
    WordsSummary {
        model: model.into(),
        level: level.into(),
        words: rows.len() as u64,
        baseline_marked: k as u64,
        same_direction: same,
        stronger: stronger as u64,
        share_stronger: (k > 0).then(|| stronger as f64 / k as f64),
        amplified_words: rows.iter().filter(|r| r.z.abs() > Z_CRITICAL).count() as u64,
    }
}

/// The `top` rows with the largest z and the `top` with the smallest (negative) z, each ranked
/// from 1 by |z| (ties by word order); every row when `top` is 0.
fn top_both_ways<T>(
    rows: Vec<T>,
    top: usize,
    z: impl Fn(&T) -> f64,
    mut rank: impl FnMut(&mut T, u64),
) -> Vec<T> {
    let (mut up, rest): (Vec<T>, Vec<T>) = rows.into_iter().partition(|r| z(r) > 0.0);
    let mut down: Vec<T> = rest.into_iter().filter(|r| z(r) < 0.0).collect();
    up.sort_by(|a, b| z(b).total_cmp(&z(a)));
    down.sort_by(|a, b| z(a).total_cmp(&z(b)));
    for part in [&mut up, &mut down] {
        if top > 0 {
            part.truncate(top);
        }
        for (i, r) in part.iter_mut().enumerate() {
            rank(r, i as u64 + 1);
        }
    }
    up.extend(down);
    up
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counts::WordTable;
    use crate::rng::SplitMix64;

    const WORDS: usize = 300;
    const PLANTED: usize = 50;

    /// A corpus of `docs` × 40 tokens (800 × 40 per source and level in the simulation) from Zipf-like weights 1/(k + 5); the planted word's
    /// weight multiplied by `boost`.
    fn corpus(source: &str, level: &str, boost: f64, docs: usize, rng: &mut SplitMix64) -> WordTable {
        let weights: Vec<f64> =
            (0..WORDS).map(|k| if k == PLANTED { boost } else { 1.0 } / (k as f64 + 5.0)).collect();
        let total: f64 = weights.iter().sum();
        let cumulative: Vec<f64> =
            weights.iter().scan(0.0, |s, w| Some(*s + w / total).inspect(|v| *s = *v)).collect();
        let mut t = WordTable::new(source, level);
        t.documents = docs as u64;
        for _ in 0..docs * 40 {
            let u = rng.uniform();
            let k = cumulative.partition_point(|c| *c < u).min(WORDS - 1);
            t.add_word(&format!("w{k:03}"));
        }
        t
    }

    fn settings(scale: f64) -> WordsSettings {
        WordsSettings {
            baseline: "human".into(),
            responses: Vec::new(),
            grouping: "g".into(),
            reference: "R".into(),
            tokenizer: String::new(),
            mask: None,
            stopwords: None,
            min_count: 10,
            prior_scale: scale,
            top: 0,
        }
    }

    /// Null words' amplification z and the planted word's, over seeded replicates.
    fn simulate(scale: f64, replicates: u64) -> (Vec<f64>, Vec<f64>) {
        let (mut null, mut planted) = (Vec::new(), Vec::new());
        for seed in 0..replicates {
            let mut rng = SplitMix64::new(1000 + seed);
            let mut counts = WordCounts::default();
            for (source, level, boost) in
                [("human", "L", 1.0), ("human", "R", 1.0), ("model", "L", 3.0), ("model", "R", 1.0)]
            {
                counts.add(corpus(source, level, boost, 800, &mut rng));
            }
            let items = [("L".to_string(), 800), ("R".to_string(), 800)];
            let report = build_words(&counts, &items, settings(scale), Vec::new()).expect("built");
            for a in &report.amplified {
                if a.word == format!("w{PLANTED:03}") {
                    planted.push(a.z);
                } else {
                    null.push(a.z);
                }
            }
        }
        (null, planted)
    }

    fn sd(z: &[f64]) -> f64 {
        let mean = z.iter().sum::<f64>() / z.len() as f64;
        (z.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (z.len() - 1) as f64).sqrt()
    }

    /// METHODS ("Marked words") quotes these numbers: with the pooled prior the null z is shrunk
    /// (sd well below 1) and |z| > 1.96 is rare; a prior scale of 0.01 brings the sd near 1; a
    /// word three times as frequent in the model's level-L text is found with z > 3 either way.
    #[test]
    fn null_words_stay_below_the_critical_value_and_the_planted_word_is_found() {
        let (null, planted) = simulate(1.0, 6);
        let exceed = null.iter().filter(|z| z.abs() > Z_CRITICAL).count() as f64 / null.len() as f64;
        let s = sd(&null);
        eprintln!(
            "pooled prior: null sd {s:.3}, |z| > 1.96 in {:.4} of {} null words; planted z {planted:?}",
            exceed,
            null.len()
        );
        assert!(exceed <= 0.05, "{exceed}");
        assert!(s < 0.8, "the pooled prior shrinks z: sd {s}");
        assert!(planted.iter().all(|z| *z > 3.0), "{planted:?}");
        let (null, planted) = simulate(0.01, 6);
        let s = sd(&null);
        let exceed = null.iter().filter(|z| z.abs() > Z_CRITICAL).count() as f64 / null.len() as f64;
        eprintln!("prior × 0.01: null sd {s:.3}, |z| > 1.96 in {exceed:.4}; planted z {planted:?}");
        assert!((0.85..1.15).contains(&s), "sd {s}");
        assert!(exceed <= 0.08, "{exceed}");
        assert!(planted.iter().all(|z| *z > 3.0), "{planted:?}");
    }

    #[test]
    fn ranks_run_from_one_in_each_direction() {
        let rows = vec![(-1.0, 0), (3.0, 0), (2.0, 0), (0.0, 0), (-4.0, 0)];
        let top = top_both_ways(rows, 1, |r: &(f64, u64)| r.0, |r, k| r.1 = k);
        assert_eq!(top, [(3.0, 1), (-4.0, 1)]);
    }
}
