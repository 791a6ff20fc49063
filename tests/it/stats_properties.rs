//! Property tests (invariants over many inputs) and coverage checks by seeded simulation.

use amplify::rng::SplitMix64;
use amplify::stats::binomial::{mcnemar_p, McNemarVariant};
use amplify::stats::multiplicity::{adjust, Correction};
use amplify::stats::paired_difference::tango_interval;
use amplify::stats::ttest::paired_t;
use amplify::stats::wilson::wilson_interval;
use amplify::stats::PairedCounts;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config() -> Config {
    Config { cases: 512, rng_seed: RngSeed::Fixed(20261128), failure_persistence: None, ..Config::default() }
}

fn table() -> impl Strategy<Value = PairedCounts> {
    (0u64..2000, 0u64..2000, 0u64..2000, 0u64..2000)
        .prop_filter("n > 0", |(a, b, c, d)| a + b + c + d > 0)
        .prop_map(|(both, model_only, baseline_only, neither)| PairedCounts {
            both,
            model_only,
            baseline_only,
            neither,
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn wilson_contains_estimate_stays_in_unit_interval_and_shrinks(n in 1u64..100_000, frac in 0.0f64..=1.0) {
        let x = ((n as f64) * frac).round() as u64;
        let ci = wilson_interval(x, n, 0.95).unwrap();
        let p = x as f64 / n as f64;
        prop_assert!(0.0 <= ci.low && ci.low <= p + 1e-12 && p <= ci.high + 1e-12 && ci.high <= 1.0, "{ci:?} {p}");
        let bigger = wilson_interval(4 * x, 4 * n, 0.95).unwrap();
        prop_assert!(bigger.high - bigger.low < ci.high - ci.low);
        let wider = wilson_interval(x, n, 0.99).unwrap();
        prop_assert!(wider.low <= ci.low + 1e-12 && wider.high >= ci.high - 1e-12);
    }

    #[test]
    fn tango_contains_estimate_stays_in_range_and_shrinks(t in table()) {
        let ci = tango_interval(&t, 0.95).unwrap();
        let est = (t.model_only as f64 - t.baseline_only as f64) / t.n() as f64;
        prop_assert!(-1.0 <= ci.low && ci.low <= est + 1e-9 && est <= ci.high + 1e-9 && ci.high <= 1.0, "{ci:?} {est}");
        let scaled = PairedCounts { both: 4 * t.both, model_only: 4 * t.model_only, baseline_only: 4 * t.baseline_only, neither: 4 * t.neither };
        let narrow = tango_interval(&scaled, 0.95).unwrap();
        prop_assert!(narrow.high - narrow.low <= ci.high - ci.low + 1e-9, "{narrow:?} vs {ci:?}");
    }

    #[test]
    fn mcnemar_p_is_a_probability_symmetric_and_mid_p_is_smaller(b in 0u64..5000, c in 0u64..5000) {
        let exact = mcnemar_p(b, c, McNemarVariant::Exact);
        let mid = mcnemar_p(b, c, McNemarVariant::MidP);
        prop_assert!((0.0..=1.0).contains(&exact) && (0.0..=1.0).contains(&mid));
        prop_assert!(mid <= exact);
        prop_assert_eq!(exact, mcnemar_p(c, b, McNemarVariant::Exact));
    }

    #[test]
    fn corrections_bound_and_preserve_order(raw in proptest::collection::vec(0.0f64..=1.0, 1..40)) {
        let input: Vec<Option<f64>> = raw.iter().map(|&p| Some(p)).collect();
        let holm: Vec<f64> = adjust(&input, Correction::Holm).into_iter().flatten().collect();
        let bh: Vec<f64> = adjust(&input, Correction::Bh).into_iter().flatten().collect();
        for i in 0..raw.len() {
            prop_assert!(raw[i] <= bh[i] + 1e-15 && bh[i] <= holm[i] + 1e-15 && holm[i] <= 1.0);
            for j in 0..raw.len() {
                if raw[i] < raw[j] {
                    prop_assert!(holm[i] <= holm[j] && bh[i] <= bh[j]);
                }
            }
        }
    }
}

/// Share of `reps` simulated intervals that contain the truth.
fn coverage(reps: usize, mut covered: impl FnMut() -> bool) -> f64 {
    (0..reps).filter(|_| covered()).count() as f64 / reps as f64
}

#[test]
fn wilson_coverage_is_near_nominal() {
    let mut rng = SplitMix64::new(1);
    for (p, n) in [(0.3, 50u64), (0.5, 200), (0.3, 200)] {
        let cov = coverage(4000, || {
            let x = (0..n).filter(|_| rng.bernoulli(p)).count() as u64;
            wilson_interval(x, n, 0.95).unwrap().contains(p)
        });
        assert!((0.93..=0.97).contains(&cov), "Wilson coverage {cov} at p={p}, n={n}");
    }
}

#[test]
fn tango_coverage_is_near_nominal() {
    let mut rng = SplitMix64::new(2);
    let (p_both, p_model, p_base) = (0.2, 0.25, 0.1);
    let truth = p_model - p_base;
    for n in [60usize, 300] {
        let cov = coverage(3000, || {
            let mut t = PairedCounts::default();
            for _ in 0..n {
                match rng.uniform() {
                    u if u < p_both => t.both += 1,
                    u if u < p_both + p_model => t.model_only += 1,
                    u if u < p_both + p_model + p_base => t.baseline_only += 1,
                    _ => t.neither += 1,
                }
            }
            tango_interval(&t, 0.95).unwrap().contains(truth)
        });
        assert!((0.93..=0.97).contains(&cov), "Tango coverage {cov} at n={n}");
    }
}

#[test]
fn exact_mcnemar_holds_its_level_under_the_null() {
    let mut rng = SplitMix64::new(3);
    let reps = 3000;
    let rejections = (0..reps)
        .filter(|_| {
            let (mut b, mut c) = (0, 0);
            for _ in 0..100 {
                match rng.uniform() {
                    u if u < 0.15 => b += 1,
                    u if u < 0.30 => c += 1,
                    _ => {}
                }
            }
            mcnemar_p(b, c, McNemarVariant::Exact) < 0.05
        })
        .count();
    let rate = rejections as f64 / reps as f64;
    assert!(rate <= 0.06, "type I error {rate}");
    assert!(rate >= 0.01, "implausibly conservative: {rate}");
}

#[test]
fn paired_t_coverage_is_near_nominal() {
    let mut rng = SplitMix64::new(4);
    let truth = 0.6 - 0.35; // E[d] = E[model share] − E[baseline share]
    let cov = coverage(3000, || {
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..200 {
            let base: u32 = (0..4).map(|_| rng.bernoulli(0.35) as u32).sum();
            let model: u32 = (0..4).map(|_| rng.bernoulli(0.6) as u32).sum();
            let d = (model as f64 - base as f64) / 4.0;
            s += d;
            s2 += d * d;
        }
        paired_t(200, s, s2, 0.95).unwrap().interval.contains(truth)
    });
    assert!((0.93..=0.97).contains(&cov), "paired t coverage {cov}");
}

/// Repeated samples (`--sample`): 5 samples per item whose propensities differ between items so
/// that the intra-item correlation is 0.3 (propensity 0.5 ± 0.274 with equal chance: ICC =
/// var(p)/(μ(1 − μ)) = 0.075/0.25). The item-level t interval (the unit of inference) covers the
/// true rate near the nominal 95%; a row-level Wilson interval over the 500 samples, as if they
/// were independent, under-covers (its variance is too small by the design effect 1 + 4·0.3).
#[test]
fn item_level_intervals_cover_with_correlated_samples_and_row_level_ones_do_not() {
    let mut rng = SplitMix64::new(5);
    let (items, k, spread) = (100u64, 5u32, (0.3f64 * 0.25).sqrt());
    let (mut item_level, mut row_level, mut difference) = (0, 0, 0);
    let reps = 2000;
    for _ in 0..reps {
        let (mut s, mut s2, mut ones, mut d, mut d2) = (0.0, 0.0, 0u64, 0.0, 0.0);
        for _ in 0..items {
            let p = if rng.bernoulli(0.5) { 0.5 + spread } else { 0.5 - spread };
            let positives: u32 = (0..k).map(|_| rng.bernoulli(p) as u32).sum();
            let mean = positives as f64 / k as f64;
            (s, s2, ones) = (s + mean, s2 + mean * mean, ones + positives as u64);
            // A human label per item at rate 0.3: the paired difference has truth 0.5 − 0.3.
            let diff = mean - f64::from(u8::from(rng.bernoulli(0.3)));
            (d, d2) = (d + diff, d2 + diff * diff);
        }
        item_level += usize::from(paired_t(items, s, s2, 0.95).unwrap().interval.contains(0.5));
        row_level += usize::from(wilson_interval(ones, items * k as u64, 0.95).unwrap().contains(0.5));
        difference += usize::from(paired_t(items, d, d2, 0.95).unwrap().interval.contains(0.2));
    }
    let share = |x: usize| x as f64 / reps as f64;
    let (item_level, row_level, difference) = (share(item_level), share(row_level), share(difference));
    eprintln!("coverage at ICC 0.3: item-level {item_level}, row-level {row_level}, difference {difference}");
    assert!((0.93..=0.97).contains(&item_level), "item-level coverage {item_level}");
    assert!((0.93..=0.97).contains(&difference), "item-level difference coverage {difference}");
    assert!(row_level < 0.88, "row-level coverage {row_level} should fall well short of 95%");
}
