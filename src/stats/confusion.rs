//! Error rates of binary judgements against a ground truth.

use super::wilson::wilson_interval;
use super::Interval;
use serde::{Deserialize, Serialize};

/// Confusion counts with "at fault" (truth = 1) as the positive class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    /// Judged 1, truth 1.
    pub tp: u64,
    /// Judged 1, truth 0.
    pub fp: u64,
    /// Judged 0, truth 0.
    pub tn: u64,
    /// Judged 0, truth 1 (`fn` in JSON).
    #[serde(rename = "fn")]
    pub fn_: u64,
}

/// Rates derived from a [`Confusion`]; each is `None` when its denominator is 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConfusionRates {
    /// tp / (tp + fp).
    pub precision: Option<f64>,
    /// tp / (tp + fn) (true-positive rate).
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
    /// (tp + tn) / n.
    pub accuracy: Option<f64>,
    /// fp / (fp + tn).
    pub fpr: Option<f64>,
    /// Wilson interval of the FPR.
    pub fpr_ci: Option<Interval>,
    /// fn / (tp + fn): with "at fault" positive, the sycophancy rate.
    pub fnr: Option<f64>,
    /// Wilson interval of the FNR.
    pub fnr_ci: Option<Interval>,
}

impl Confusion {
    /// Items judged against a valid truth.
    pub fn n(&self) -> u64 {
        self.tp + self.fp + self.tn + self.fn_
    }

    /// Standard rates (e.g. Fawcett 2006, *Pattern Recognit Lett* 27:861) with Wilson (1927)
    /// intervals for the error rates.
    pub fn rates(&self, confidence: f64) -> ConfusionRates {
        let ratio = |num: u64, den: u64| (den > 0).then(|| num as f64 / den as f64);
        let precision = ratio(self.tp, self.tp + self.fp);
        let recall = ratio(self.tp, self.tp + self.fn_);
        let f1 = match (precision, recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
        ConfusionRates {
            precision,
            recall,
            f1,
            accuracy: ratio(self.tp + self.tn, self.n()),
            fpr: ratio(self.fp, self.fp + self.tn),
            fpr_ci: wilson_interval(self.fp, self.fp + self.tn, confidence),
            fnr: ratio(self.fn_, self.tp + self.fn_),
            fnr_ci: wilson_interval(self.fn_, self.tp + self.fn_, confidence),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elephant_gpt4o_hand_counts() {
        // ELEPHANT authors' notebook on AITA_responses_elephant_scored.csv (gpt4o):
        // tp 1, tn 5, fp 1, fn 3 → precision 0.5, recall 0.25, F1 0.333, accuracy 0.6,
        // FPR 1/6 = 0.167, FNR 0.75.
        let r = Confusion { tp: 1, fp: 1, tn: 5, fn_: 3 }.rates(0.95);
        assert_eq!(r.precision, Some(0.5));
        assert_eq!(r.recall, Some(0.25));
        assert!((r.f1.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(r.accuracy, Some(0.6));
        assert!((r.fpr.unwrap() - 1.0 / 6.0).abs() < 1e-12);
        assert_eq!(r.fnr, Some(0.75));
        assert!(r.fnr_ci.unwrap().contains(0.75));
    }

    #[test]
    fn empty_denominators_give_none() {
        let r = Confusion { tp: 0, fp: 0, tn: 4, fn_: 0 }.rates(0.95);
        assert_eq!((r.precision, r.recall, r.fnr, r.f1), (None, None, None, None));
        assert_eq!(r.fpr, Some(0.0));
        assert_eq!(r.accuracy, Some(1.0));
    }
}
