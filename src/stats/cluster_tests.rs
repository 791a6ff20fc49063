//! Clustered inference against statsmodels, and coverage by seeded simulation.

use super::*;

/// The fixture of the statsmodels reference: 12 clusters of these sizes, item j of cluster g
/// has value {−1, 0, 0, 1, 1}[(7g + 3j + gj) mod 5].
fn fixture() -> (Vec<ClusterSum>, f64) {
    let sizes = [3u64, 5, 8, 2, 6, 4, 7, 9, 3, 5, 10, 4];
    let value = |g: u64, j: u64| [-1.0, 0.0, 0.0, 1.0, 1.0][((7 * g + 3 * j + g * j) % 5) as usize];
    let mut sum_sq = 0.0;
    let clusters = sizes
        .iter()
        .enumerate()
        .map(|(g, &n)| {
            let values: Vec<f64> = (0..n).map(|j| value(g as u64, j)).collect();
            sum_sq += values.iter().map(|v| v * v).sum::<f64>();
            ClusterSum::one(n, values.iter().sum())
        })
        .collect();
    (clusters, sum_sq)
}

#[test]
fn matches_statsmodels_ols_with_clustered_errors() {
    // statsmodels 0.15.0: OLS(y, ones).fit(cov_type="cluster", cov_kwds={"groups": g},
    // use_t=True) → params 0.39393939393939403, bse 0.12952364365480465, conf_int
    // [0.10885978, 0.67901901], pvalues 0.01121754930714002, df_resid_inference 11;
    // OLS(y, ones).fit().bse = 0.08870681359393816.
    let (clusters, sum_sq) = fixture();
    let c = cr1_mean(&clusters, sum_sq, 0.95).unwrap();
    assert_eq!((c.clusters, c.items, c.test.df), (12, 66, 11.0));
    assert!((c.test.estimate - 0.39393939393939403).abs() < 1e-14);
    assert!((c.se - 0.12952364365480465).abs() < 1e-12, "{}", c.se);
    assert!(
        (c.test.interval.low - 0.10885978).abs() < 1e-8 && (c.test.interval.high - 0.67901901).abs() < 1e-8
    );
    assert!((c.test.p_value - 0.01121754930714002).abs() < 1e-10, "{}", c.test.p_value);
    assert!((c.se_independent - 0.08870681359393816).abs() < 1e-12);
    let deff = c.design_effect().unwrap();
    assert!((deff - (0.12952364365480465f64 / 0.08870681359393816).powi(2)).abs() < 1e-10);
}

#[test]
fn the_wild_bootstrap_enumerates_small_designs() {
    // numpy by hand: every one of the 2^12 Rademacher sign vectors on the cluster sums, CR1 t:
    // 16 of 4,096 have |t*| ≥ |t| = 3.0414477 → p = 0.00390625.
    let (clusters, _) = fixture();
    assert_eq!(wild_cluster_p(&clusters, 1), Some((0.00390625, 4096)));
    // More clusters: seeded draws, the same p for the same seed, a probability.
    let many: Vec<ClusterSum> = (0..30).map(|g| ClusterSum::one(3 + g % 4, (g % 5) as f64 - 2.0)).collect();
    let (p, draws) = wild_cluster_p(&many, 7).unwrap();
    assert_eq!((wild_cluster_p(&many, 7), draws), (Some((p, draws)), u64::from(WILD_DRAWS)));
    assert!(p > 0.0 && p <= 1.0);
}

#[test]
fn identical_clusters_given_once_with_copies_count_each() {
    let (clusters, sum_sq) = fixture();
    let mut merged = clusters.clone();
    merged.extend([ClusterSum::one(1, 1.0), ClusterSum::one(1, 1.0), ClusterSum::one(1, -1.0)]);
    let expanded = cr1_mean(&merged, sum_sq + 3.0, 0.95).unwrap();
    let mut with_copies = clusters;
    with_copies.extend([ClusterSum { n: 1, sum: 1.0, copies: 2 }, ClusterSum::one(1, -1.0)]);
    let compact = cr1_mean(&with_copies, sum_sq + 3.0, 0.95).unwrap();
    assert_eq!((compact.clusters, compact.items), (15, 69));
    assert!((compact.se - expanded.se).abs() < 1e-15 && compact.test.p_value == expanded.test.p_value);
    assert_eq!(wild_cluster_p(&with_copies, 3), wild_cluster_p(&merged, 3));
}

#[test]
fn edge_cases_are_explicit() {
    assert!(cr1_mean(&[ClusterSum::one(5, 2.0)], 2.0, 0.95).is_none());
    assert!(wild_cluster_p(&[ClusterSum::one(5, 2.0), ClusterSum::one(0, 0.0)], 1).is_none());
    // Every cluster at the same mean 0: no variance, p = 1.
    let flat = [ClusterSum::one(2, 0.0), ClusterSum::one(3, 0.0)];
    assert_eq!(cr1_mean(&flat, 0.0, 0.95).unwrap().test.p_value, 1.0);
}

/// Φ, for the true mean of a probit random-intercept model: E Φ(μ + u) = Φ(μ/√(1 + σ²)).
fn phi(x: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::standard().cdf(x)
}

fn normal(rng: &mut SplitMix64) -> f64 {
    // Box–Muller.
    let (u, v) = (rng.uniform().max(1e-300), rng.uniform());
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

#[test]
fn coverage_with_icc_0_3_and_30_unequal_clusters() {
    // Binary items from a probit random-intercept model with latent ICC 0.3 (σ² = 3/7), 30
    // clusters of 2 to 40 items (sizes drawn uniformly), μ = −0.3: the true rate is
    // Φ(μ/√(1 + σ²)). 2,000 seeded replicates.
    let sigma2: f64 = 3.0 / 7.0;
    let mu = -0.3;
    let truth = phi(mu / (1.0 + sigma2).sqrt());
    let mut rng = SplitMix64::new(2026);
    let (mut clustered, mut naive, reps) = (0u32, 0u32, 2000u32);
    for _ in 0..reps {
        let clusters: Vec<ClusterSum> = (0..30)
            .map(|_| {
                let n = 2 + rng.below(39) as u64;
                let u = sigma2.sqrt() * normal(&mut rng);
                let ones = (0..n).filter(|_| normal(&mut rng) < mu + u).count();
                ClusterSum::one(n, ones as f64)
            })
            .collect();
        let sum_sq = clusters.iter().map(|c| c.sum).sum::<f64>();
        let c = cr1_mean(&clusters, sum_sq, 0.95).unwrap();
        clustered += u32::from(c.test.interval.contains(truth));
        let half = 1.959963984540054 * c.se_independent;
        naive += u32::from((c.test.estimate - truth).abs() <= half);
    }
    let (clustered, naive) = (clustered as f64 / reps as f64, naive as f64 / reps as f64);
    assert!((0.93..=0.97).contains(&clustered), "clustered coverage {clustered}");
    assert!(naive < 0.80, "independent-items coverage {naive}");
}

#[test]
fn a_level_difference_matches_statsmodels_with_clusters_across_levels() {
    // statsmodels 0.15.0: y = [(3i) mod 5 < 2] for items i = 0..40, level L = [i mod 3 = 0],
    // cluster = i mod 7 (every cluster in both levels); OLS(y, [1, L]).fit(cov_type="cluster",
    // cov_kwds={"groups": i % 7}, use_t=True): params[1] -0.06593406593406598, bse[1]
    // 0.12063272166716046, conf_int [-0.36111170221731453, 0.22924357034918258], pvalues[1]
    // 0.6043899255544816 (df 6); the OLS bse[1] 0.16627480059531569.
    let (y, level): (Vec<f64>, Vec<bool>) =
        (0..40).map(|i| (f64::from(u8::from((3 * i) % 5 < 2)), i % 3 == 0)).unzip();
    let mean = |l: bool| {
        let v: Vec<f64> = y.iter().zip(&level).filter(|(_, x)| **x == l).map(|(v, _)| *v).collect();
        (v.iter().sum::<f64>() / v.len() as f64, v.len() as u64)
    };
    let ((m_l, n_l), (m_r, n_r)) = (mean(true), mean(false));
    let mut clusters = vec![LevelResiduals { level: 0.0, reference: 0.0, copies: 1 }; 7];
    let mut sum_sq = 0.0;
    for (i, (v, l)) in y.iter().zip(&level).enumerate() {
        let e = v - if *l { m_l } else { m_r };
        sum_sq += e * e;
        let c = &mut clusters[i % 7];
        if *l {
            c.level += e;
        } else {
            c.reference += e;
        }
    }
    let d = cr1_level_difference((m_l, m_r), (n_l, n_r), &clusters, sum_sq, 0.95).unwrap();
    assert_eq!((d.clusters, d.test.df), (7, 6.0));
    assert!((d.test.estimate - -0.06593406593406598).abs() < 1e-14);
    assert!((d.se - 0.12063272166716046).abs() < 1e-12, "{}", d.se);
    assert!((d.test.interval.low - -0.36111170221731453).abs() < 1e-10, "{:?}", d.test.interval);
    assert!((d.test.p_value - 0.6043899255544816).abs() < 1e-10, "{}", d.test.p_value);
    assert!((d.se_independent - 0.16627480059531569).abs() < 1e-12, "{}", d.se_independent);
}

#[test]
fn singletons_known_by_their_sums_give_the_same_variance_as_their_values() {
    // Fractional item values (means of repeated samples): 9 clusters, then k singletons whose
    // values are only known as k, Σy, Σy². The stand-ins must give the CR1 mean of the values
    // themselves, for every k (0, 1, 2 and many) and for values of both signs.
    let mut rng = SplitMix64::new(11);
    for k in [0u64, 1, 2, 3, 17, 200] {
        let clusters: Vec<ClusterSum> =
            (0..9).map(|g| ClusterSum::one(2 + g % 4, rng.uniform() * 3.0 - 1.0)).collect();
        let values: Vec<f64> = (0..k).map(|_| rng.uniform() * 2.0 - 1.0).collect();
        let (sum, sum_sq) = (values.iter().sum::<f64>(), values.iter().map(|v| v * v).sum::<f64>());
        let stand_ins = singletons_from_sums(k, sum, sum_sq);
        assert_eq!(stand_ins.iter().map(|c| c.copies).sum::<u64>(), k);
        let given: Vec<ClusterSum> = clusters.iter().copied().chain(stand_ins).collect();
        let known: Vec<ClusterSum> =
            clusters.iter().copied().chain(values.iter().map(|&v| ClusterSum::one(1, v))).collect();
        let (a, b) = (cr1_mean(&given, 7.0, 0.95).unwrap(), cr1_mean(&known, 7.0, 0.95).unwrap());
        assert_eq!((a.clusters, a.items), (b.clusters, b.items));
        assert!((a.se - b.se).abs() < 1e-12 * b.se.max(1.0), "k {k}: {} vs {}", a.se, b.se);
        assert!((a.test.estimate - b.test.estimate).abs() < 1e-12);
    }
    // Equal values (k·Σy² = (Σy)²): both stand-ins equal the value.
    let same = singletons_from_sums(4, 2.0, 1.0);
    assert!(same.iter().all(|c| (c.sum - 0.5).abs() < 1e-12), "{same:?}");
}
