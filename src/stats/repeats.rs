//! How unstable a source's labels are across repeated samples of the same item (or how much its
//! annotators disagree), from mergeable sums ([`RepeatSums`]).
//!
//! With item i holding k_i valid binary samples of which s_i are 1, over n items and N = Σk_i
//! samples:
//! - **disagreement**: the share of items with k_i ≥ 2 whose samples are not all equal;
//! - **within-item variance**: the mean over those items of the unbiased variance
//!   s_i(k_i − s_i)/(k_i(k_i − 1));
//! - **ICC(1)**, the intra-item correlation of the one-way random-effects ANOVA for unbalanced
//!   groups (Fisher 1925; Shrout & Fleiss 1979, *Psychol Bull* 86:420–428, ICC(1); the
//!   unbalanced k₀ of Snedecor & Cochran 1989, §13.7): SSB = Σs_i²/k_i − (Σs_i)²/N,
//!   SSW = Σs_i − Σs_i²/k_i, MSB = SSB/(n − 1), MSW = SSW/(N − n), k₀ = (N − Σk_i²/N)/(n − 1),
//!   ICC = (MSB − MSW)/(MSB + (k₀ − 1)·MSW);
//! - **design effect** 1 + (k* − 1)·max(ICC, 0) with k* = Σk_i²/N, the size-weighted mean number
//!   of samples (Kish 1965, *Survey Sampling* §5.4; k* = k̄ when every item has k samples; a
//!   negative ICC is taken as 0, so the effective number of samples N/deff never exceeds N);
//! - **Fleiss' κ** among the samples (annotators) of the items with k_i ≥ 2, for a varying number
//!   of raters per item (Fleiss & Cuzick 1979, *Appl Psychol Meas* 3:537–542; Fleiss, Levin & Paik
//!   2003, §18.3): with n' such items, k̄' their mean number of samples and p̄ = Σs_i/Σk_i over
//!   them, κ = 1 − Σ s_i(k_i − s_i)/k_i / [n'(k̄' − 1)p̄(1 − p̄)]. With the same k on every item it
//!   is Fleiss' (1971) κ, as statsmodels' `fleiss_kappa` computes it. Σ s_i(k_i − s_i)/k_i over
//!   those items is Σs_i − Σs_i²/k_i over all items (items with one sample add 0).

use crate::counts::{to_units, units, RepeatSums};

/// Instability measures of one (source, metric); `None` where the data cannot support one.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Instability {
    /// Mean valid samples per item, k̄ = N/n.
    pub mean_samples: f64,
    /// Share of items with ≥ 2 samples whose samples disagree.
    pub share_disagree: Option<f64>,
    /// Mean within-item variance over items with ≥ 2 samples.
    pub within_variance: Option<f64>,
    /// ICC(1); `None` with fewer than 2 items, no within-item degrees of freedom, or no variance.
    pub icc: Option<f64>,
    /// 1 + (k* − 1)·max(ICC, 0), k* = Σk²/N.
    pub design_effect: Option<f64>,
    /// N / design effect: the number of independent samples the N samples are worth.
    pub effective_n: Option<f64>,
    /// Fleiss' κ among the samples of items with ≥ 2 samples; `None` when every sample is equal.
    pub fleiss_kappa: Option<f64>,
}

/// The instability measures of [`RepeatSums`] (see the module documentation for the formulas).
pub fn instability(s: &RepeatSums) -> Instability {
    let (n, total) = (s.items as f64, s.samples as f64);
    let per_repeated = |x: f64| (s.repeated > 0).then(|| x / s.repeated as f64);
    let icc = icc1(s);
    let mean_samples = if s.items > 0 { total / n } else { 0.0 };
    let weighted = if s.samples > 0 { s.sum_k_sq as f64 / total } else { 0.0 };
    let design_effect = icc.map(|icc| 1.0 + (weighted - 1.0) * icc.max(0.0));
    Instability {
        mean_samples,
        share_disagree: per_repeated(s.disagree as f64),
        within_variance: per_repeated(units(s.sum_within)),
        icc,
        design_effect,
        effective_n: design_effect.filter(|d| *d > 0.0).map(|d| total / d),
        fleiss_kappa: fleiss_kappa_varying(s),
    }
}

/// ICC(1) of the one-way random-effects ANOVA with unbalanced groups.
fn icc1(s: &RepeatSums) -> Option<f64> {
    let (n, total) = (s.items as f64, s.samples as f64);
    if s.items < 2 || s.samples <= s.items {
        return None;
    }
    let sum = s.positives as f64;
    let s_sq_over_k = units(s.sum_s_sq_over_k);
    let ssb = (s_sq_over_k - sum * sum / total).max(0.0);
    let ssw = (sum - s_sq_over_k).max(0.0);
    let (msb, msw) = (ssb / (n - 1.0), ssw / (total - n));
    let k0 = (total - s.sum_k_sq as f64 / total) / (n - 1.0);
    let denominator = msb + (k0 - 1.0) * msw;
    (denominator > 0.0).then(|| (msb - msw) / denominator)
}

/// Fleiss–Cuzick κ (a varying number of raters per item), over the items with ≥ 2 samples.
fn fleiss_kappa_varying(s: &RepeatSums) -> Option<f64> {
    if s.repeated == 0 || s.repeated_samples <= s.repeated {
        return None;
    }
    let (n, k) = (s.repeated as f64, s.repeated_samples as f64 / s.repeated as f64);
    let p = s.repeated_positives as f64 / s.repeated_samples as f64;
    let disagreement = (s.positives as f64 - units(s.sum_s_sq_over_k)).max(0.0);
    let denominator = n * (k - 1.0) * p * (1.0 - p);
    (denominator > 0.0).then(|| 1.0 - disagreement / denominator)
}

/// The repeat sums of items given as (k_i, s_i, first label), as the counting of a repeated run
/// computes them (tested against polars aggregates there). An item's terms in units depend on
/// (k, s) alone, so they are computed once per pair for k below 64 (a few samples per item):
/// the same numbers without six divisions per item.
pub fn repeat_sums<T: std::borrow::Borrow<(u64, u64, u64)>>(
    items: impl IntoIterator<Item = T>,
) -> RepeatSums {
    const SMALL: u64 = 64;
    let mut r = RepeatSums::default();
    let mut known: Vec<Option<ItemTerms>> = vec![None; (SMALL * (SMALL + 1)) as usize];
    for (k, s, first) in items.into_iter().map(|t| *t.borrow()).filter(|(k, _, _)| *k > 0) {
        let terms = match (k < SMALL && s <= k).then(|| (k * (SMALL + 1) + s) as usize) {
            Some(at) => *known[at].get_or_insert_with(|| ItemTerms::of(k, s)),
            None => ItemTerms::of(k, s),
        };
        r.items += 1;
        r.samples += k;
        r.sum_k_sq += k * k;
        r.positives += s;
        r.sum_s_sq_over_k += terms.s_sq_over_k;
        r.sum_mean += terms.mean;
        r.sum_mean_sq += terms.mean_sq;
        r.first_positive += first;
        if k >= 2 {
            r.repeated += 1;
            r.repeated_samples += k;
            r.repeated_positives += s;
            r.disagree += u64::from(s > 0 && s < k);
            r.sum_within += terms.within;
            r.sum_agreement += terms.agreement;
        }
    }
    r
}

/// One item's terms of the repeat sums in units, from its valid samples k and ones s.
#[derive(Clone, Copy)]
struct ItemTerms {
    s_sq_over_k: u64,
    mean: u64,
    mean_sq: u64,
    /// The within-item variance and agreement terms (k ≥ 2; 0 otherwise).
    within: u64,
    agreement: u64,
}

impl ItemTerms {
    fn of(k: u64, s: u64) -> Self {
        let (kf, sf) = (k as f64, s as f64);
        let repeated = k >= 2;
        Self {
            s_sq_over_k: to_units(sf * sf / kf),
            mean: to_units(sf / kf),
            mean_sq: to_units((sf / kf) * (sf / kf)),
            within: if repeated { to_units(sf * (kf - sf) / (kf * (kf - 1.0))) } else { 0 },
            agreement: if repeated {
                to_units((sf * (sf - 1.0) + (kf - sf) * (kf - sf - 1.0)) / (kf * (kf - 1.0)))
            } else {
                0
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::agreement::fleiss_kappa;

    /// Eight items of four samples: s_i ones each.
    const BALANCED: [u64; 8] = [4, 0, 2, 3, 1, 4, 0, 3];

    fn balanced() -> RepeatSums {
        repeat_sums(BALANCED.map(|s| (4, s, u64::from(s > 1))))
    }

    #[test]
    fn fleiss_matches_statsmodels_and_the_equal_raters_version() {
        // statsmodels 0.15.0: fleiss_kappa([[4-s, s] for s in BALANCED]) = 0.4562091503267973
        // Fractional sums are held in units of 2^-32 (each item's term rounded by < 1.2e-10), so
        // values agree to about 1e-10, not to the last bit.
        let got = instability(&balanced()).fleiss_kappa.unwrap();
        assert!((got - 0.4562091503267973).abs() < 1e-9, "{got}");
        let table: Vec<(u64, u64)> = BALANCED.iter().map(|&s| (4 - s, s)).collect();
        assert!((got - fleiss_kappa(&table).unwrap()).abs() < 1e-9);
    }

    #[test]
    fn icc_matches_the_statsmodels_anova_on_balanced_data() {
        // statsmodels 0.15.0: anova_lm(ols("y ~ C(item)", long data)): MSB = 0.674107142857 (df 7),
        // MSW = 0.135416666667 (df 24); ICC(1) = (MSB - MSW)/(MSB + 3 MSW) = 0.49862258953168054.
        let got = instability(&balanced());
        let icc = 0.49862258953168054;
        assert!((got.icc.unwrap() - icc).abs() < 1e-9, "{got:?} (sums in units of 2^-32)");
        assert!((got.design_effect.unwrap() - (1.0 + 3.0 * icc)).abs() < 1e-9, "k* = 16·8/32 = 4");
        assert!((got.effective_n.unwrap() - 32.0 / (1.0 + 3.0 * icc)).abs() < 1e-9);
        assert_eq!(got.share_disagree, Some(4.0 / 8.0));
    }

    #[test]
    fn unbalanced_icc_matches_the_anova_by_hand() {
        // statsmodels 0.15.0: anova_lm(ols("y ~ C(item)", data)) on items with
        // (k, s) = (5,1),(3,3),(2,0),(4,2),(1,1),(6,5): MSB = 0.5019047619047617 (df 5),
        // MSW = 0.17555555555555558 (df 15), k0 = (21 - 91/21)/5 = 3.3333333333333335;
        // ICC = (MSB - MSW)/(MSB + (k0 - 1) MSW) = 0.3580218249361503
        let r = repeat_sums([(5, 1, 0), (3, 3, 1), (2, 0, 0), (4, 2, 1), (1, 1, 1), (6, 5, 1)]);
        let got = instability(&r).icc.unwrap();
        assert!((got - 0.3580218249361503).abs() < 1e-9, "{got} (sums in units of 2^-32)");
        // Fleiss & Cuzick (1979) over the items with k ≥ 2, computed from the items in numpy:
        // 1 − Σ s(k − s)/k / (n'(k̄' − 1)p̄q̄) = 0.29068462401795725.
        let kappa = instability(&r).fleiss_kappa.unwrap();
        assert!((kappa - 0.29068462401795725).abs() < 1e-9, "{kappa}");
    }

    #[test]
    fn degenerate_sums() {
        let singletons = repeat_sums([(1, 1, 1), (1, 0, 0), (1, 1, 1)]);
        let got = instability(&singletons);
        assert_eq!((got.icc, got.fleiss_kappa, got.share_disagree), (None, None, None));
        assert_eq!(got.mean_samples, 1.0);
        let all_ones = repeat_sums([(3, 3, 1), (2, 2, 1)]);
        let got = instability(&all_ones);
        assert_eq!((got.icc, got.fleiss_kappa), (None, None), "no variance at all");
        assert_eq!(got.share_disagree, Some(0.0));
        assert_eq!(instability(&RepeatSums::default()).mean_samples, 0.0);
        // Every item split 1/1: ICC = −1; the design effect stays 1, the effective n at N.
        let split = instability(&repeat_sums([(2, 1, 1), (2, 1, 0), (2, 1, 1)]));
        assert!((split.icc.unwrap() + 1.0).abs() < 1e-9, "{split:?}");
        assert_eq!((split.design_effect, split.effective_n), (Some(1.0), Some(6.0)));
    }

    #[test]
    fn sums_of_shards_add_up() {
        let items = [(5, 1, 0), (3, 3, 1), (2, 0, 0), (4, 2, 1), (1, 1, 1), (6, 5, 1)];
        let (a, b) = items.split_at(2);
        assert_eq!(repeat_sums(a) + repeat_sums(b), repeat_sums(items), "exact in units");
    }
}
