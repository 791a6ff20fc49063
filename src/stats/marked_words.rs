//! Marked words: the log-odds ratio of a word between two groups of text with an informative
//! Dirichlet prior ("Fightin' Words"; Monroe, Colaresi & Quinn 2008, *Political Analysis* 16(4),
//! eq. 22 and its variance; used for Marked Personas by Cheng, Durmus & Jurafsky 2023), and its
//! amplification: one source's log-odds minus another's on the same groups.

/// A log-odds ratio and its approximate variance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogOdds {
    /// δ: log-odds of the word in the level minus in the reference level.
    pub delta: f64,
    /// σ²(δ).
    pub variance: f64,
}

impl LogOdds {
    /// δ / σ.
    pub fn z(self) -> f64 {
        self.delta / self.variance.sqrt()
    }

    /// `self − other` for independent estimates: δ₁ − δ₂, σ₁² + σ₂².
    pub fn minus(self, other: LogOdds) -> LogOdds {
        LogOdds { delta: self.delta - other.delta, variance: self.variance + other.variance }
    }
}

/// One word's counts in the two groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordCount {
    /// Occurrences in the level.
    pub level: u64,
    /// Occurrences in the reference level.
    pub reference: u64,
}

/// The prior and group sizes shared by every word of one comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Corpus {
    /// Tokens in the level (over the vocabulary).
    pub level_tokens: u64,
    /// Tokens in the reference level.
    pub reference_tokens: u64,
    /// α₀ = Σ_w α_w.
    pub alpha0: f64,
}

/// Monroe et al. (2008) eq. 22 with prior α_w (> 0):
/// δ = log((y_L + α)/(n_L + α₀ − y_L − α)) − log((y_R + α)/(n_R + α₀ − y_R − α)),
/// σ² = 1/(y_L + α) + 1/(y_R + α). `None` when an odds is undefined: the word is the whole
/// vocabulary (α₀ = α and n = y) or α is not positive.
pub fn log_odds(y: WordCount, alpha: f64, corpus: Corpus) -> Option<LogOdds> {
    if !(alpha > 0.0 && alpha.is_finite()) {
        return None;
    }
    let odds = |count: u64, tokens: u64| {
        let (y, n) = (count as f64, tokens as f64);
        let rest = n + corpus.alpha0 - y - alpha;
        (rest > 0.0 && y <= n).then(|| ((y + alpha) / rest).ln())
    };
    let delta = odds(y.level, corpus.level_tokens)? - odds(y.reference, corpus.reference_tokens)?;
    let variance = 1.0 / (y.level as f64 + alpha) + 1.0 / (y.reference as f64 + alpha);
    Some(LogOdds { delta, variance })
}

/// Occurrences per 1,000 tokens (`None` without tokens).
pub fn per_thousand(count: u64, tokens: u64) -> Option<f64> {
    (tokens > 0).then(|| 1000.0 * count as f64 / tokens as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values computed with numpy 2.x by hand from eq. 22 (Monroe et al. 2008), in a
    /// script independent of this code:
    ///   a = 3 + 5 = 8 (pooled count of the word), a0 = 40; yL, nL, yR, nR = 5, 20, 3, 20
    ///   d = log((5+8)/(20+40-5-8)) - log((3+8)/(20+40-3-8)); v = 1/13 + 1/11
    ///   → d = 0.2087267810637341, v = 0.16783216783216784, z = 0.509495759143767
    #[test]
    fn eq22_matches_numpy_by_hand() {
        let c = Corpus { level_tokens: 20, reference_tokens: 20, alpha0: 40.0 };
        let r = log_odds(WordCount { level: 5, reference: 3 }, 8.0, c).expect("defined");
        assert!((r.delta - 0.208_726_781_063_734_1).abs() < 1e-13, "{r:?}");
        assert!((r.variance - 0.167_832_167_832_167_84).abs() < 1e-15);
        assert!((r.z() - 0.509_495_759_143_767).abs() < 1e-13);
    }

    #[test]
    fn symmetric_and_zero_when_the_groups_agree() {
        let c = Corpus { level_tokens: 100, reference_tokens: 100, alpha0: 50.0 };
        let a = log_odds(WordCount { level: 9, reference: 4 }, 2.0, c).expect("defined");
        let b = log_odds(WordCount { level: 4, reference: 9 }, 2.0, c).expect("defined");
        assert!((a.delta + b.delta).abs() < 1e-15 && a.variance == b.variance);
        let same = log_odds(WordCount { level: 7, reference: 7 }, 2.0, c).expect("defined");
        assert_eq!(same.delta, 0.0);
        let d = a.minus(b);
        assert!((d.delta - 2.0 * a.delta).abs() < 1e-15 && (d.variance - 2.0 * a.variance).abs() < 1e-15);
    }

    #[test]
    fn undefined_odds_are_none() {
        let whole = Corpus { level_tokens: 5, reference_tokens: 5, alpha0: 10.0 };
        assert!(log_odds(WordCount { level: 5, reference: 5 }, 10.0, whole).is_none(), "one-word vocabulary");
        let c = Corpus { level_tokens: 5, reference_tokens: 5, alpha0: 10.0 };
        assert!(log_odds(WordCount { level: 1, reference: 1 }, 0.0, c).is_none(), "no prior");
        assert!(log_odds(WordCount { level: 9, reference: 1 }, 1.0, c).is_none(), "more than the tokens");
        assert_eq!(per_thousand(3, 0), None);
        assert_eq!(per_thousand(3, 1500), Some(2.0));
    }
}
