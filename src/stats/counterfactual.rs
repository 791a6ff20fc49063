//! Counterfactual pairs: two items that differ in one thing (the narrator's gender, the side of
//! the conflict telling the story), each labelled 0/1 by a source.
//!
//! For one source, the pair table (n11, n10, n01, n00; first index side A, the reference) gives
//! - the **both-sides rate** n11/n and the **neither rate** n00/n (for verdicts, where 1 = at
//!   fault, "affirms both sides" = not at fault on both = n00/n: ELEPHANT's double-sided
//!   sycophancy, Cheng et al. 2025), each with a Wilson (1927) interval;
//! - the **flip rate** (n10 + n01)/n, Wilson;
//! - the **asymmetry** P(y_B = 1) − P(y_A = 1) = (n01 − n10)/n, a paired difference of
//!   proportions: McNemar's (1947) exact test (or mid-p) on n01 vs n10 and Tango's (1998) score
//!   interval, as for any paired comparison (Fagerland et al. 2013).
//!
//! Against a second source on the same pairs ([`JointPairs`], the 16 cells of the four labels):
//! - **amplification of the asymmetry**: per pair e = (y_B − y_A)_model − (y_B − y_A)_versus ∈
//!   {−2, …, 2}; Student's paired t interval and test over pairs (the e are independent across
//!   pairs; the t is the usual large-sample procedure for a bounded mean);
//! - **both-sides rate difference**: the pair-level indicators (both 1, or for verdicts both 0)
//!   of the two sources form a paired 2×2 table: exact McNemar and Tango, as above.
//!
//! Counterfactual probes of this kind: Kusner et al. (2017), counterfactual fairness; Garg et
//! al. (2019), counterfactual token fairness.

pub use crate::counts::{JointPairs, PairTable};
use crate::stats::binomial::{mcnemar_p, McNemarVariant};
use crate::stats::paired_difference::tango_interval;
use crate::stats::ttest::{paired_t, TEstimate};
use crate::stats::wilson::wilson_interval;
use crate::stats::Interval;
use serde::{Deserialize, Serialize};

/// A rate with its Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// x / n.
    pub rate: f64,
    /// Wilson score interval.
    pub ci: Option<Interval>,
}

/// One source's pair measures; `None` throughout when no pair is valid on both sides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairMeasures {
    /// n11 / n.
    pub both: Rate,
    /// n00 / n.
    pub neither: Rate,
    /// (n10 + n01) / n.
    pub flip: Rate,
    /// (n01 − n10) / n.
    pub asymmetry: f64,
    /// Tango's score interval of the asymmetry.
    pub asymmetry_ci: Option<Interval>,
    /// McNemar's test of n01 vs n10.
    pub p_value: f64,
}

/// The rate x/n with its Wilson interval (`None` for n = 0).
pub fn rate(x: u64, n: u64, confidence: f64) -> Option<Rate> {
    (n > 0).then(|| Rate { rate: x as f64 / n as f64, ci: wilson_interval(x, n, confidence) })
}

/// Both-sides, neither, flip rates and the asymmetry with its test (see the module docs).
pub fn pair_measures(t: &PairTable, confidence: f64, test: McNemarVariant) -> Option<PairMeasures> {
    let n = t.n();
    Some(PairMeasures {
        both: rate(t.n11, n, confidence)?,
        neither: rate(t.n00, n, confidence)?,
        flip: rate(t.n10 + t.n01, n, confidence)?,
        asymmetry: (t.n01 as f64 - t.n10 as f64) / n as f64,
        asymmetry_ci: tango_interval(&t.as_paired(), confidence),
        p_value: mcnemar_p(t.n01, t.n10, test),
    })
}

impl JointPairs {
    /// Amplification of the asymmetry: paired t over e = (y_B − y_A)_model − (y_B − y_A)_versus.
    pub fn asymmetry_amplification(&self, confidence: f64) -> Option<TEstimate> {
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for ([va, vb, ma, mb], n) in self.cells() {
            let e = ((mb - ma) - (vb - va)) as f64;
            sum += e * n as f64;
            sum_sq += e * e * n as f64;
        }
        paired_t(self.n(), sum, sum_sq, confidence)
    }
}

/// The pair-level value whose mean a model-vs-source pair test estimates, from the labels
/// [versus A, versus B, model A, model B]: for `asymmetry` the model's asymmetry minus the versus
/// source's, (m_B − m_A) − (v_B − v_A) ∈ [−2, 2]; for `both_sides` (`affirms_both`) the
/// difference of the indicators "1 (0) on both sides", [m_A = m_B = 1] − [v_A = v_B = 1].
pub fn pair_value(measure: &str, [va, vb, ma, mb]: [i64; 4]) -> f64 {
    let both = |v: i64| f64::from(u8::from(ma == v && mb == v)) - f64::from(u8::from(va == v && vb == v));
    match measure {
        "both_sides" => both(1),
        "affirms_both" => both(0),
        _ => ((mb - ma) - (vb - va)) as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counts::PairedCounts;
    use crate::rng::SplitMix64;
    use crate::stats::paired_difference::paired_difference;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    /// Reference values from scipy 1.17.1 / statsmodels 0.15.0 for the pair table n11 = 30,
    /// n10 = 8, n01 = 20, n00 = 42: `proportion_confint(x, 100, method="wilson")`,
    /// `mcnemar([[30, 8], [20, 42]], exact=True).pvalue`, and the mid-p
    /// `2·binom.cdf(8, 28, .5) − binom.pmf(8, 28, .5)`.
    #[test]
    fn pair_measures_match_scipy_and_statsmodels() {
        let t = PairTable { n11: 30, n10: 8, n01: 20, n00: 42 };
        let m = pair_measures(&t, 0.95, McNemarVariant::Exact).expect("pairs");
        let wilson = [
            (m.both, 0.3, 0.21894885294932756, 0.39584854633346667),
            (m.neither, 0.42, 0.3279838267435473, 0.5179351329695703),
            (m.flip, 0.28, 0.20139685211186215, 0.3748802870992117),
        ];
        for (rate, value, low, high) in wilson {
            let ci = rate.ci.expect("interval");
            assert!(close(rate.rate, value, 1e-12) && close(ci.low, low, 1e-9) && close(ci.high, high, 1e-9));
        }
        assert!(close(m.asymmetry, 0.12, 1e-12));
        assert!(close(m.p_value, 0.03569813817739487, 1e-12), "{}", m.p_value);
        let mid = pair_measures(&t, 0.95, McNemarVariant::MidP).expect("pairs");
        assert!(close(mid.p_value, 0.02411954477429389, 1e-12), "{}", mid.p_value);
        // The asymmetry interval is Tango's for P(B) − P(A): side B plays the "model".
        let tango = tango_interval(&t.as_paired(), 0.95).expect("interval");
        assert_eq!(m.asymmetry_ci, Some(tango));
        assert!(tango.contains(0.12) && !tango.contains(0.0));
    }

    /// Joint cells 5, 3, 2, 6, 4, 1, 7, 2, 3, 8, 2, 5, 6, 2, 9, 10 (index versus A + 2·versus B +
    /// 4·model A + 8·model B), expanded to the 75 per-pair e values: scipy
    /// `ttest_1samp(e, 0)` gives mean −0.02666…, p 0.8346566335683714, 95% CI
    /// (−0.28032775738421706, 0.22699442405088371); the both-sides indicators have 17 pairs
    /// model-only and 13 versus-only, statsmodels exact McNemar p 0.5846647117286922.
    #[test]
    fn joint_pairs_match_scipy_and_statsmodels() {
        let joint = JointPairs([5, 3, 2, 6, 4, 1, 7, 2, 3, 8, 2, 5, 6, 2, 9, 10]);
        let t = joint.asymmetry_amplification(0.95).expect("t");
        assert!(close(t.estimate, -0.02666666666666667, 1e-12));
        assert!(close(t.p_value, 0.8346566335683714, 1e-9), "{}", t.p_value);
        assert!(
            close(t.interval.low, -0.28032775738421706, 1e-9)
                && close(t.interval.high, 0.22699442405088371, 1e-9)
        );
        let both = joint.both_sides(1);
        assert_eq!((both.model_only, both.baseline_only, both.n()), (17, 13, 75));
        let (d, _, p) = paired_difference(&both, 0.95, McNemarVariant::Exact).expect("pairs");
        assert!(close(d, 0.05333333333333334, 1e-12) && close(p, 0.5846647117286922, 1e-12));
        let (versus, model) = joint.tables();
        assert_eq!((versus.n(), model.n()), (75, 75));
        // Amplification = model asymmetry − versus asymmetry.
        let asym = |t: PairTable| (t.n01 as f64 - t.n10 as f64) / 75.0;
        assert!(close(asym(model) - asym(versus), t.estimate, 1e-12));
    }

    #[test]
    fn no_pair_means_no_estimate() {
        assert!(pair_measures(&PairTable::default(), 0.95, McNemarVariant::Exact).is_none());
        assert!(JointPairs::default().asymmetry_amplification(0.95).is_none());
        assert!(paired_difference(&PairedCounts::default(), 0.95, McNemarVariant::Exact).is_none());
        // Every pair identical: no variance, the amplification is exactly 0 with p = 1.
        let mut cells = [0; 16];
        cells[15] = 40;
        let t = JointPairs(cells).asymmetry_amplification(0.95).expect("t");
        assert_eq!((t.estimate, t.p_value), (0.0, 1.0));
    }

    /// Draws `n` pairs of two sources: side probabilities (pa, pb) per source, with a shared
    /// story effect (one uniform drives both sides with probability `shared`).
    fn draw(rng: &mut SplitMix64, n: usize, versus: (f64, f64), model: (f64, f64)) -> JointPairs {
        let mut cells = [0u64; 16];
        let sides = |rng: &mut SplitMix64, (pa, pb): (f64, f64)| {
            let u = rng.uniform();
            let v = if rng.bernoulli(0.6) { u } else { rng.uniform() };
            (usize::from(u < pa), usize::from(v < pb))
        };
        for _ in 0..n {
            let (va, vb) = sides(rng, versus);
            let (ma, mb) = sides(rng, model);
            cells[va + 2 * vb + 4 * ma + 8 * mb] += 1;
        }
        JointPairs(cells)
    }

    /// Seeded simulation: the asymmetry's Tango interval and the amplification's t interval
    /// cover the true values 93–97% of the time at 95% (2,000 replicates of 200 pairs; Monte
    /// Carlo SE 0.5 pp).
    #[test]
    fn asymmetry_and_amplification_intervals_cover() {
        let mut rng = SplitMix64::new(20261201);
        let (versus, model) = ((0.30, 0.34), (0.55, 0.70));
        let true_asym = 0.70 - 0.55;
        let true_amp = true_asym - 0.04;
        let (mut asym_hits, mut amp_hits, reps) = (0, 0, 2000);
        for _ in 0..reps {
            let joint = draw(&mut rng, 200, versus, model);
            let (_, model_table) = joint.tables();
            let m = pair_measures(&model_table, 0.95, McNemarVariant::Exact).expect("pairs");
            asym_hits += usize::from(m.asymmetry_ci.is_some_and(|c| c.contains(true_asym)));
            let t = joint.asymmetry_amplification(0.95).expect("t");
            amp_hits += usize::from(t.interval.contains(true_amp));
        }
        for (name, hits) in [("asymmetry", asym_hits), ("amplification", amp_hits)] {
            let coverage = hits as f64 / reps as f64;
            assert!((0.93..=0.97).contains(&coverage), "{name} coverage {coverage}");
        }
    }

    /// Seeded simulation under no asymmetry: the exact McNemar test rejects at most α = 5% of the
    /// time (it is conservative; 4,000 replicates of 150 pairs).
    #[test]
    fn exact_mcnemar_keeps_its_level() {
        let mut rng = SplitMix64::new(7);
        let (mut rejections, reps) = (0, 4000);
        for _ in 0..reps {
            let (_, model) = draw(&mut rng, 150, (0.5, 0.5), (0.4, 0.4)).tables();
            let m = pair_measures(&model, 0.95, McNemarVariant::Exact).expect("pairs");
            rejections += usize::from(m.p_value < 0.05);
        }
        let rate = rejections as f64 / reps as f64;
        assert!(rate <= 0.05, "type I error {rate}");
        assert!(rate > 0.01, "implausibly conservative: {rate}");
    }
}
