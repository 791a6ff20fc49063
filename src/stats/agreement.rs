//! Agreement of judge labels with gold labels: rates with Wilson intervals, Cohen's and Fleiss'
//! kappa, and the difference of two independent proportions (Newcombe interval, Fisher's test).

use super::wilson::wilson_interval;
use super::{z_critical, Interval};
use serde::{Deserialize, Serialize};
use statrs::function::gamma::ln_gamma;

/// Judge label × gold label counts of one metric.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AgreementCounts {
    /// Judge 1, gold 1.
    pub both: u64,
    /// Judge 1, gold 0.
    pub judge_only: u64,
    /// Judge 0, gold 1.
    pub gold_only: u64,
    /// Judge 0, gold 0.
    pub neither: u64,
}

impl AgreementCounts {
    /// Items labelled by both the judge and the gold standard.
    pub fn n(&self) -> u64 {
        self.both + self.judge_only + self.gold_only + self.neither
    }
}

/// Agreement of a judge with the gold labels (see [`agreement`]); each value is `None` when its
/// denominator is 0 or no estimate exists.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AgreementStats {
    /// Items labelled by both.
    pub n: u64,
    /// Share of items the judge labels 1.
    pub judge_rate: Option<f64>,
    /// Share of items the gold standard labels 1.
    pub gold_rate: Option<f64>,
    /// (both + neither) / n.
    pub accuracy: Option<f64>,
    /// Wilson interval of the accuracy.
    pub accuracy_ci: Option<Interval>,
    /// both / (both + gold_only): the judge's true-positive rate.
    pub sensitivity: Option<f64>,
    /// Wilson interval of the sensitivity.
    pub sensitivity_ci: Option<Interval>,
    /// neither / (neither + judge_only): the judge's true-negative rate.
    pub specificity: Option<f64>,
    /// Wilson interval of the specificity.
    pub specificity_ci: Option<Interval>,
    /// Cohen's kappa.
    pub kappa: Option<f64>,
    /// kappa ± z·SE, clipped to [−1, 1].
    pub kappa_ci: Option<Interval>,
}

/// Agreement of judge and gold labels: the two label rates, accuracy, sensitivity and specificity
/// (gold = 1 is the positive class) with Wilson (1927, *JASA* 22:209–212) score intervals, and
/// Cohen's kappa (see [`cohen_kappa`]) with the Wald interval kappa ± z·SE of Fleiss, Cohen &
/// Everitt (1969), as statsmodels' `cohens_kappa` reports it (`kappa_low`, `kappa_upp`), clipped
/// to [−1, 1].
///
/// Edge cases: a rate and its interval are `None` when their denominator is 0 (no items, no gold
/// positives, no gold negatives); the kappa fields are `None` when [`cohen_kappa`] is; every
/// interval is `None` when the confidence is outside (0, 1).
pub fn agreement(t: &AgreementCounts, confidence: f64) -> AgreementStats {
    let n = t.n();
    let ratio = |num: u64, den: u64| (den > 0).then(|| num as f64 / den as f64);
    let (gold_pos, gold_neg) = (t.both + t.gold_only, t.judge_only + t.neither);
    let kappa = cohen_kappa(t);
    let kappa_ci = match (kappa, z_critical(confidence)) {
        (Some((k, se)), Some(z)) => Some(Interval::new((k - z * se).max(-1.0), (k + z * se).min(1.0))),
        _ => None,
    };
    AgreementStats {
        n,
        judge_rate: ratio(t.both + t.judge_only, n),
        gold_rate: ratio(gold_pos, n),
        accuracy: ratio(t.both + t.neither, n),
        accuracy_ci: wilson_interval(t.both + t.neither, n, confidence),
        sensitivity: ratio(t.both, gold_pos),
        sensitivity_ci: wilson_interval(t.both, gold_pos, confidence),
        specificity: ratio(t.neither, gold_neg),
        specificity_ci: wilson_interval(t.neither, gold_neg, confidence),
        kappa: kappa.map(|(k, _)| k),
        kappa_ci,
    }
}

/// Cohen's kappa (Cohen 1960, *Educ Psychol Meas* 20:37–46) and its large-sample standard error
/// (Fleiss, Cohen & Everitt 1969, *Psychol Bull* 72:323–327), as `(kappa, se)`.
///
/// With cell proportions p_ij (i = judge, j = gold), margins p_i· and p_·j, p_o = Σ p_ii and
/// p_e = Σ p_i·p_·i: κ = (p_o − p_e)/(1 − p_e) and
/// Var(κ) = [Σ_i p_ii(1 − (p_i· + p_·i)(1 − κ))² + (1 − κ)² Σ_{i≠j} p_ij(p_·i + p_j·)²
/// − (κ − p_e(1 − κ))²] / ((1 − p_e)² n), the `std_kappa` of statsmodels' `cohens_kappa`
/// (not the null-hypothesis `std_kappa0`).
///
/// Edge cases: `None` when n = 0 or p_e = 1 (judge and gold both put every item in the same
/// category: kappa is 0/0). Perfect agreement gives κ = 1 with SE 0; a constant judge gives κ = 0.
/// The variance is clamped at 0 against rounding.
pub fn cohen_kappa(t: &AgreementCounts) -> Option<(f64, f64)> {
    let n = t.n();
    let (judge_pos, gold_pos) = (t.both + t.judge_only, t.both + t.gold_only);
    if n == 0 || (judge_pos == n && gold_pos == n) || (judge_pos == 0 && gold_pos == 0) {
        return None;
    }
    let n_f = n as f64;
    let cell = |c: u64| c as f64 / n_f;
    // Index 0 is label 1, index 1 is label 0.
    let p = [[cell(t.both), cell(t.judge_only)], [cell(t.gold_only), cell(t.neither)]];
    let row = [p[0][0] + p[0][1], p[1][0] + p[1][1]];
    let col = [p[0][0] + p[1][0], p[0][1] + p[1][1]];
    let p_o = p[0][0] + p[1][1];
    let p_e = row[0] * col[0] + row[1] * col[1];
    let kappa = (p_o - p_e) / (1.0 - p_e);
    let term_a: f64 = (0..2).map(|i| p[i][i] * (1.0 - (row[i] + col[i]) * (1.0 - kappa)).powi(2)).sum();
    let off = p[0][1] * (col[0] + row[1]).powi(2) + p[1][0] * (col[1] + row[0]).powi(2);
    let term_b = (1.0 - kappa).powi(2) * off;
    let term_c = (kappa - p_e * (1.0 - kappa)).powi(2);
    let variance = ((term_a + term_b - term_c) / ((1.0 - p_e).powi(2) * n_f)).max(0.0);
    Some((kappa, variance.sqrt()))
}

/// Fleiss' kappa for several raters and two categories (Fleiss 1971, *Psychol Bull* 76:378–382);
/// each item is `(raters saying 0, raters saying 1)`. Matches
/// `statsmodels.stats.inter_rater.fleiss_kappa(table, method="fleiss")`.
///
/// With m raters per item, P_i = (n_i0² + n_i1² − m)/(m(m − 1)) the agreement on item i,
/// P̄ its mean, p_1 the share of all ratings that are 1 and P̄_e = p_1² + (1 − p_1)²:
/// κ = (P̄ − P̄_e)/(1 − P̄_e).
///
/// Edge cases: `None` for no items, fewer than 2 raters, items with different numbers of raters,
/// or P̄_e = 1 (every rating in the same category).
pub fn fleiss_kappa(items: &[(u64, u64)]) -> Option<f64> {
    let &(zeros, ones) = items.first()?;
    let m = zeros + ones;
    if m < 2 || items.iter().any(|&(a, b)| a + b != m) {
        return None;
    }
    let m_f = m as f64;
    let mut total_ones = 0.0;
    let mut agreement = 0.0;
    for &(a, b) in items {
        let (a, b) = (a as f64, b as f64);
        total_ones += b;
        agreement += (a * a + b * b - m_f) / (m_f * (m_f - 1.0));
    }
    let k = items.len() as f64;
    let p1 = total_ones / (k * m_f);
    if p1 <= 0.0 || p1 >= 1.0 {
        return None;
    }
    let p_exp = p1 * p1 + (1.0 - p1) * (1.0 - p1);
    Some((agreement / k - p_exp) / (1.0 - p_exp))
}

/// Difference p₁ − p₂ of two independent proportions with its interval and test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProportionDifference {
    /// x₁/n₁ − x₂/n₂.
    pub difference: f64,
    /// Newcombe's hybrid score interval; `None` when the confidence is outside (0, 1).
    pub interval: Option<Interval>,
    /// Fisher's exact two-sided p-value (always present for valid counts).
    pub p_value: Option<f64>,
}

/// p₁ − p₂ for x₁ of n₁ and x₂ of n₂, with Newcombe's hybrid score interval (Newcombe 1998,
/// *Stat Med* 17:873–890, method 10; statsmodels `confint_proportions_2indep(method="newcomb")`)
/// and Fisher's exact two-sided p-value (Fisher 1935, *J R Stat Soc* 98:39–82; `scipy.stats.fisher_exact`).
///
/// Interval: with Wilson intervals (l_k, u_k) of each proportion, d = p₁ − p₂,
/// low = d − √((p₁ − l₁)² + (u₂ − p₂)²), high = d + √((u₁ − p₁)² + (p₂ − l₂)²).
/// Test: x₁ given the margins is hypergeometric; the p-value sums the probabilities of all tables
/// no more likely than the observed one (relative tolerance 1e-7 for ties, as R's `fisher.test`).
///
/// Edge cases: `None` when n₁ or n₂ is 0 or a count exceeds its total. All successes or all
/// failures on both sides give p = 1; 0/n₁ vs 0/n₂ gives an interval around 0.
pub fn independent_proportions(
    x1: u64,
    n1: u64,
    x2: u64,
    n2: u64,
    confidence: f64,
) -> Option<ProportionDifference> {
    if n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2 {
        return None;
    }
    let (p1, p2) = (x1 as f64 / n1 as f64, x2 as f64 / n2 as f64);
    let interval = match (wilson_interval(x1, n1, confidence), wilson_interval(x2, n2, confidence)) {
        (Some(w1), Some(w2)) => {
            let d = p1 - p2;
            let low = d - ((p1 - w1.low).powi(2) + (w2.high - p2).powi(2)).sqrt();
            let high = d + ((w1.high - p1).powi(2) + (p2 - w2.low).powi(2)).sqrt();
            Some(Interval::new(low.max(-1.0), high.min(1.0)))
        }
        _ => None,
    };
    let p_value = Hypergeometric::new(x1 + x2, n1, n2).two_sided_p(x1);
    Some(ProportionDifference { difference: p1 - p2, interval, p_value: Some(p_value) })
}

/// Relative tolerance under which two table probabilities count as tied (R's `fisher.test`).
const TIE_TOLERANCE: f64 = 1e-7;

/// X = successes in the first row of a 2×2 table with row totals n₁, n₂ and `k` successes in all.
struct Hypergeometric {
    k: u64,
    n1: u64,
    n2: u64,
    lo: u64,
    hi: u64,
}

impl Hypergeometric {
    fn new(k: u64, n1: u64, n2: u64) -> Self {
        Self { k, n1, n2, lo: k.saturating_sub(n2), hi: n1.min(k) }
    }

    /// ln P(X = x) = ln[C(n₁, x)·C(n₂, k − x)/C(n₁ + n₂, k)].
    fn ln_pmf(&self, x: u64) -> f64 {
        let ln_choose = |n: u64, r: u64| {
            ln_gamma(n as f64 + 1.0) - ln_gamma(r as f64 + 1.0) - ln_gamma((n - r) as f64 + 1.0)
        };
        ln_choose(self.n1, x) + ln_choose(self.n2, self.k - x) - ln_choose(self.n1 + self.n2, self.k)
    }

    /// The mode ⌊(k + 1)(n₁ + 1)/(n₁ + n₂ + 2)⌋.
    fn mode(&self) -> u64 {
        let m = (self.k as u128 + 1) * (self.n1 as u128 + 1) / (self.n1 as u128 + self.n2 as u128 + 2);
        (m as u64).clamp(self.lo, self.hi)
    }

    /// Σ P(X = j)/P(X = x) over j from x outwards (upwards or downwards) to the end of the support,
    /// by the ratio of successive probabilities; stops once terms no longer change the sum.
    fn tail_ratio(&self, x: u64, upwards: bool) -> f64 {
        let (n1, n2, k) = (self.n1 as f64, self.n2 as f64, self.k as f64);
        let (mut sum, mut term, mut j) = (1.0, 1.0, x);
        while (upwards && j < self.hi) || (!upwards && j > self.lo) {
            let jf = j as f64;
            term *= if upwards {
                (n1 - jf) * (k - jf) / ((jf + 1.0) * (n2 - k + jf + 1.0))
            } else {
                jf * (n2 - k + jf) / ((n1 - jf + 1.0) * (k - jf + 1.0))
            };
            if term < sum * 1e-17 {
                break;
            }
            sum += term;
            j = if upwards { j + 1 } else { j - 1 };
        }
        sum
    }

    /// Two-sided p-value of Fisher's exact test for the observed x (see [`independent_proportions`]).
    fn two_sided_p(&self, x: u64) -> f64 {
        let mode = self.mode();
        let ln_obs = self.ln_pmf(x);
        let threshold = ln_obs + TIE_TOLERANCE.ln_1p();
        if self.ln_pmf(mode) <= threshold {
            return 1.0;
        }
        let upwards = x > mode;
        let mut total = self.tail_ratio(x, upwards);
        // On the other side of the mode the probabilities fall monotonically: find the first
        // value (nearest the mode) that is no more likely than the observed table.
        let (mut near, mut far) = if upwards { (mode, self.lo) } else { (mode, self.hi) };
        if self.ln_pmf(far) <= threshold {
            while near.abs_diff(far) > 1 {
                let mid = near.min(far) + near.abs_diff(far) / 2;
                if self.ln_pmf(mid) <= threshold {
                    far = mid;
                } else {
                    near = mid;
                }
            }
            total += (self.ln_pmf(far) - ln_obs).exp() * self.tail_ratio(far, !upwards);
        }
        (ln_obs.exp() * total).min(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(both: u64, judge_only: u64, gold_only: u64, neither: u64) -> AgreementCounts {
        AgreementCounts { both, judge_only, gold_only, neither }
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn kappa_matches_statsmodels_cohens_kappa() {
        // statsmodels 0.15.0: r = cohens_kappa(np.array([[both, judge_only], [gold_only, neither]]));
        // (r.kappa, r.std_kappa, r.kappa_low, r.kappa_upp)
        let cases = [
            (45, 15, 25, 115, 0.5454545454545456, 0.0629190751664977, 0.4221354241876416, 0.6687736667214497),
            (20, 5, 10, 15, 0.3999999999999999, 0.12699606293110033, 0.151092290476661, 0.6489077095233389),
            (3, 7, 9, 1, -0.6, 0.17527121840165352, -0.9435252755936949, -0.25647472440630503),
            (1, 0, 0, 1, 1.0, 0.0, 1.0, 1.0),
        ];
        for (a, b, c, d, kappa, se, lo, hi) in cases {
            let (k, s) = cohen_kappa(&table(a, b, c, d)).unwrap();
            assert!(close(k, kappa, 1e-12) && close(s, se, 1e-12), "{a} {b} {c} {d}: {k} {s}");
            let ci = agreement(&table(a, b, c, d), 0.95).kappa_ci.unwrap();
            assert!(close(ci.low, lo, 1e-9) && close(ci.high, hi, 1e-9), "{ci:?}");
        }
    }

    #[test]
    fn kappa_edge_cases() {
        // statsmodels 0.15.0 on [[0, 4], [3, 0]]: kappa -0.9599999999999996, std_kappa
        // 0.20529939113402157, kappa_low -1.3623794126706836 (clipped here to -1).
        let t = table(0, 4, 3, 0);
        let (k, s) = cohen_kappa(&t).unwrap();
        assert!(close(k, -0.9599999999999996, 1e-12) && close(s, 0.20529939113402157, 1e-12));
        let ci = agreement(&t, 0.95).kappa_ci.unwrap();
        assert_eq!(ci.low, -1.0);
        assert!(close(ci.high, -0.5576205873293156, 1e-9), "{ci:?}");
        // A judge that always says 1: kappa 0 and (exactly) zero SE; statsmodels prints 3.8e-8
        // from rounding.
        let (k, s) = cohen_kappa(&table(12, 1, 0, 0)).unwrap();
        assert!(close(k, 0.0, 1e-12) && s < 1e-6, "{k} {s}");
        assert!(cohen_kappa(&AgreementCounts::default()).is_none());
        assert!(cohen_kappa(&table(5, 0, 0, 0)).is_none(), "expected agreement 1");
        assert!(cohen_kappa(&table(0, 0, 0, 5)).is_none(), "expected agreement 1");
    }

    #[test]
    fn agreement_rates_and_wilson_intervals() {
        // statsmodels 0.15.0: proportion_confint(x, n, alpha=0.05, method="wilson") for
        // accuracy 160/200, sensitivity 45/70, specificity 115/130.
        let s = agreement(&table(45, 15, 25, 115), 0.95);
        assert_eq!((s.n, s.judge_rate, s.gold_rate, s.accuracy), (200, Some(0.3), Some(0.35), Some(0.8)));
        assert!(close(s.sensitivity.unwrap(), 45.0 / 70.0, 1e-15));
        assert!(close(s.specificity.unwrap(), 115.0 / 130.0, 1e-15));
        let check = |ci: Option<Interval>, lo: f64, hi: f64| {
            let ci = ci.unwrap();
            assert!(close(ci.low, lo, 1e-9) && close(ci.high, hi, 1e-9), "{ci:?}");
        };
        check(s.accuracy_ci, 0.7391448134346212, 0.8495479907390189);
        check(s.sensitivity_ci, 0.5258839463134151, 0.7449666072836516);
        check(s.specificity_ci, 0.8183363179804783, 0.9288163272545744);
    }

    #[test]
    fn agreement_without_gold_positives_or_items() {
        let s = agreement(&table(0, 3, 0, 7), 0.95);
        assert_eq!((s.sensitivity, s.sensitivity_ci), (None, None));
        assert_eq!(s.specificity, Some(0.7));
        // Gold constant but the judge not: p_e = 0.7 < 1 and kappa = (0.7 − 0.7)/0.3 = 0.
        assert!(close(s.kappa.unwrap(), 0.0, 1e-12), "{s:?}");
        let empty = agreement(&AgreementCounts::default(), 0.95);
        assert_eq!((empty.n, empty.accuracy, empty.accuracy_ci, empty.kappa), (0, None, None, None));
        assert!(agreement(&table(4, 1, 1, 4), 1.5).kappa_ci.is_none());
    }

    #[test]
    fn fleiss_kappa_matches_statsmodels() {
        // statsmodels 0.15.0: fleiss_kappa(np.array(items), method="fleiss")
        let three = [(0, 3), (1, 2), (3, 0), (2, 1), (0, 3), (1, 2), (3, 0), (3, 0), (2, 1), (0, 3)];
        assert!(close(fleiss_kappa(&three).unwrap(), 0.46666666666666656, 1e-12));
        let five = [(5, 0), (4, 1), (2, 3), (0, 5), (1, 4), (3, 2), (5, 0), (0, 5)];
        assert!(close(fleiss_kappa(&five).unwrap(), 0.5, 1e-12));
        assert!(close(fleiss_kappa(&[(1, 1), (2, 0), (0, 2), (1, 1)]).unwrap(), 0.0, 1e-12));
        let negative = [(2, 1), (1, 2), (2, 1), (1, 2)];
        assert!(close(fleiss_kappa(&negative).unwrap(), -0.33333333333333337, 1e-12));
        assert!(fleiss_kappa(&[]).is_none());
        assert!(fleiss_kappa(&[(1, 0), (0, 1)]).is_none(), "one rater");
        assert!(fleiss_kappa(&[(1, 1), (2, 1)]).is_none(), "unequal raters");
        assert!(fleiss_kappa(&[(3, 0), (3, 0)]).is_none(), "all ratings 0");
        assert!(fleiss_kappa(&[(0, 2), (0, 2)]).is_none(), "all ratings 1");
    }

    #[test]
    fn newcombe_and_fisher_match_statsmodels_and_scipy() {
        // statsmodels 0.15.0: confint_proportions_2indep(x1, n1, x2, n2, method="newcomb",
        // compare="diff", alpha=0.05); scipy 1.17.1: fisher_exact([[x1, n1-x1], [x2, n2-x2]]).pvalue.
        // The first six are Newcombe (1998) Table II, method 10 (e.g. 56/70 − 48/80: 0.0524, 0.3339).
        let cases = [
            ((56, 70, 48, 80), 0.05243147240236498, 0.33387265403690614, 0.012521129749209154),
            ((9, 10, 3, 10), 0.1705227239345029, 0.809017973535488, 0.019766611097880443),
            ((6, 7, 2, 7), 0.05822792748231209, 0.8062496375242278, 0.10256410256410256),
            ((5, 56, 0, 29), -0.038137147903536936, 0.19256001385511165, 0.1606214432094711),
            ((0, 10, 0, 20), -0.1611251580528194, 0.27753279986288926, 1.0),
            ((10, 10, 0, 20), 0.6790860371419145, 1.0, 3.328339160423118e-08),
            ((1200, 5000, 1100, 5000), 0.0035030533877113343, 0.036484171786207095, 0.018636901083216084),
            ((3, 10, 3, 10), -0.359009315676308, 0.359009315676308, 1.0),
            ((7, 20, 3, 25), -0.016449292519579217, 0.46084224160529086, 0.08294153047414535),
            ((2, 40, 9, 35), -0.37464693387891074, -0.04411808270255152, 0.019356819645188133),
        ];
        for ((x1, n1, x2, n2), lo, hi, p) in cases {
            let r = independent_proportions(x1, n1, x2, n2, 0.95).unwrap();
            let ci = r.interval.unwrap();
            assert!(close(ci.low, lo, 1e-9) && close(ci.high, hi, 1e-9), "{x1}/{n1} {x2}/{n2}: {ci:?}");
            let got = r.p_value.unwrap();
            assert!(close(got, p, 1e-9 * p.max(1e-6)), "{x1}/{n1} {x2}/{n2}: p {got} vs {p}");
        }
        // Large counts, same calls: 120000/1e6 − 119000/1e6 (ln-gamma rounding: p within 1e-8).
        let r = independent_proportions(120_000, 1_000_000, 119_000, 1_000_000, 0.95).unwrap();
        let (ci, p) = (r.interval.unwrap(), r.p_value.unwrap());
        assert!(close(ci.low, 0.00010089135425856192, 1e-12) && close(ci.high, 0.001899110688262887, 1e-12));
        assert!(close(p, 0.029426792467455085, 1e-7 * 0.0294), "{p}");
        // statsmodels 0.15.0, same call with alpha=0.10: (0.022834777063342665, 0.4267480452020423)
        let ci = independent_proportions(7, 20, 3, 25, 0.90).unwrap().interval.unwrap();
        assert!(close(ci.low, 0.022834777063342665, 1e-9) && close(ci.high, 0.4267480452020423, 1e-9));
        let p = |x1, n1, x2, n2| independent_proportions(x1, n1, x2, n2, 0.95).unwrap().p_value.unwrap();
        assert_eq!(p(7, 20, 3, 25), p(3, 25, 7, 20));
        assert_eq!(p(0, 4, 0, 9), 1.0);
        assert_eq!(p(4, 4, 9, 9), 1.0);
        assert_eq!(independent_proportions(7, 20, 3, 25, 0.95).unwrap().difference, 0.35 - 0.12);
        assert!(independent_proportions(0, 0, 1, 2, 0.95).is_none());
        assert!(independent_proportions(3, 2, 1, 2, 0.95).is_none());
        assert!(independent_proportions(1, 2, 1, 2, 0.0).unwrap().interval.is_none());
    }
}
