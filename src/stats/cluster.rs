//! Cluster-robust inference for the mean of item values (a rate, or the paired difference of
//! two rates) when items come in clusters: several posts by one author, several prompts from one
//! scenario. Treating them as independent understates the standard error.

use super::ttest::{t_estimate, TEstimate};
use crate::rng::SplitMix64;

/// One cluster (or `copies` identical ones): its items and the sum of their values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterSum {
    /// Items in the cluster.
    pub n: u64,
    /// Σ of the items' values.
    pub sum: f64,
    /// How many clusters have exactly these sums (items without a cluster are singletons, and
    /// the singletons of one value are one entry).
    pub copies: u64,
}

impl ClusterSum {
    /// One cluster.
    pub fn one(n: u64, sum: f64) -> Self {
        Self { n, sum, copies: 1 }
    }
}

/// Items that are clusters of their own (no cluster value), known only by their count k, Σy and
/// Σy², as cluster entries that give every CR1 variance exactly: each singleton adds
/// (y_i − ȳ)² (or, in a level difference, (y_i − ȳ_L)²/N_L²) to the sandwich's middle, and the
/// sum of those over the singletons is k·ȳ² − 2ȳ·Σy + Σy² whatever the individual values. So
/// any k values with the same Σy and Σy² give the same variances: here k − 1 copies of u and one
/// v, the real solution of (k − 1)u + v = Σy, (k − 1)u² + v² = Σy² (it exists because
/// kΣy² ≥ (Σy)², Cauchy–Schwarz). They are not the items' values, so the wild cluster bootstrap
/// (which flips each cluster's sign) must not use them; callers that know the values (0/1
/// labels) give those instead.
pub fn singletons_from_sums(k: u64, sum: f64, sum_sq: f64) -> Vec<ClusterSum> {
    match k {
        0 => Vec::new(),
        1 => vec![ClusterSum::one(1, sum)],
        _ => {
            let (kf, m) = (k as f64, (k - 1) as f64);
            let root = (m * (kf * sum_sq - sum * sum)).max(0.0).sqrt();
            let u = (sum * m + root) / (kf * m);
            vec![ClusterSum { n: 1, sum: u, copies: k - 1 }, ClusterSum::one(1, sum - m * u)]
        }
    }
}

/// A mean with its clustered and its independent-items standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clustered {
    /// Estimate, interval and p-value from the clustered standard error, t with G − 1 df.
    pub test: TEstimate,
    /// The clustered (CR1) standard error.
    pub se: f64,
    /// The standard error if the items were independent, √(s²/N).
    pub se_independent: f64,
    /// Clusters with at least one item, G.
    pub clusters: u64,
    /// Items, N.
    pub items: u64,
}

impl Clustered {
    /// Clustered over independent variance (Kish 1965's design effect); `None` when the
    /// independent variance is 0.
    pub fn design_effect(&self) -> Option<f64> {
        (self.se_independent > 0.0).then(|| (self.se / self.se_independent).powi(2))
    }
}

/// The mean of N item values in G clusters with the CR1 cluster-robust standard error and a t
/// interval with G − 1 degrees of freedom (Cameron & Miller 2015, *J Hum Resour* 50:317–372,
/// §II.C and §VI.C): the OLS of the values on an intercept, with residual sums
/// e_g = S_g − n_g·ȳ per cluster, V = G/(G − 1) · (N − 1)/(N − K) · Σ_g e_g² / N² (K = 1, so the
/// second factor is 1). This is statsmodels' `OLS(y, 1).fit(cov_type="cluster",
/// cov_kwds={"groups": g}, use_t=True)`. For 0/1 values the mean is the ratio estimator of a rate
/// and V its linearised variance.
///
/// `sum_sq` is Σ y² over all items (for the independent standard error √(s²/N), s² the sample
/// variance). Edge cases: `None` with fewer than two clusters (no variance between clusters);
/// a zero clustered variance gives the degenerate interval of [`t_estimate`].
pub fn cr1_mean(clusters: &[ClusterSum], sum_sq: f64, confidence: f64) -> Option<Clustered> {
    let used: Vec<ClusterSum> = clusters.iter().copied().filter(|c| c.n > 0 && c.copies > 0).collect();
    let g: u64 = used.iter().map(|c| c.copies).sum();
    let items: u64 = used.iter().map(|c| c.n * c.copies).sum();
    if g < 2 {
        return None;
    }
    let n = items as f64;
    let mean = total(&used) / n;
    let se = cr1_se(&used, mean, n);
    let variance = if items > 1 { ((sum_sq - n * mean * mean) / (n - 1.0)).max(0.0) } else { 0.0 };
    let test = t_estimate(mean, se, (g - 1) as f64, confidence)?;
    Some(Clustered { test, se, se_independent: (variance / n).sqrt(), clusters: g, items })
}

/// Σ of the values over every cluster.
fn total(clusters: &[ClusterSum]) -> f64 {
    clusters.iter().map(|c| c.sum * c.copies as f64).sum()
}

fn cr1_se(clusters: &[ClusterSum], mean: f64, n: f64) -> f64 {
    let g = clusters.iter().map(|c| c.copies).sum::<u64>() as f64;
    let meat: f64 = clusters.iter().map(|c| c.copies as f64 * (c.sum - c.n as f64 * mean).powi(2)).sum();
    (g / (g - 1.0) * meat / (n * n)).sqrt()
}

/// The t statistic of the mean with the CR1 standard error (0 for a zero mean; ±∞ for a
/// non-zero mean with no variance).
fn t_statistic(clusters: &[ClusterSum], n: f64) -> f64 {
    let mean = total(clusters) / n;
    let se = cr1_se(clusters, mean, n);
    match (mean == 0.0, se > 0.0) {
        (true, _) => 0.0,
        (false, true) => mean / se,
        (false, false) => mean.signum() * f64::INFINITY,
    }
}

/// One cluster's (or `copies` identical ones') residual sums in a level and in the reference
/// level: Σ (y_i − ȳ_level) over its items in each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelResiduals {
    /// Σ of the residuals of its items in the level.
    pub level: f64,
    /// Σ of the residuals of its items in the reference level.
    pub reference: f64,
    /// Identical clusters given once.
    pub copies: u64,
}

/// The difference of two level means, ȳ_L − ȳ_R, as the slope of the OLS of y on an intercept
/// and the level's indicator over the items of both levels, with the CR1 cluster-robust variance
/// (clusters may span the two levels; Cameron & Miller 2015): the slope's row of (X'X)⁻¹ X_g'e_g
/// is e_{L,g}/N_L − e_{R,g}/N_R, so V = G/(G − 1) · (N − 1)/(N − 2) · Σ_g (e_{L,g}/N_L −
/// e_{R,g}/N_R)², with a t interval and test on G − 1 df (statsmodels' `cov_type="cluster"`,
/// `use_t=True`). The independent-items standard error is the OLS one, √(s²(1/N_L + 1/N_R)) with
/// s² = Σe²/(N − 2) (`sum_sq_residuals` = Σe² over both levels).
///
/// Edge cases: `None` with fewer than two clusters, an empty level, or fewer than 3 items.
pub fn cr1_level_difference(
    means: (f64, f64),
    items: (u64, u64),
    clusters: &[LevelResiduals],
    sum_sq_residuals: f64,
    confidence: f64,
) -> Option<Clustered> {
    let (n_l, n_r) = (items.0 as f64, items.1 as f64);
    let n = n_l + n_r;
    let g: u64 = clusters.iter().map(|c| c.copies).sum();
    if g < 2 || items.0 == 0 || items.1 == 0 || items.0 + items.1 < 3 {
        return None;
    }
    let gf = g as f64;
    let meat: f64 =
        clusters.iter().map(|c| c.copies as f64 * (c.level / n_l - c.reference / n_r).powi(2)).sum();
    let se = (gf / (gf - 1.0) * (n - 1.0) / (n - 2.0) * meat).sqrt();
    let se_independent = (sum_sq_residuals.max(0.0) / (n - 2.0) * (1.0 / n_l + 1.0 / n_r)).sqrt();
    let test = t_estimate(means.0 - means.1, se, gf - 1.0, confidence)?;
    Some(Clustered { test, se, se_independent, clusters: g, items: items.0 + items.1 })
}

/// Most clusters whose sign vectors are enumerated in full (2^12 = 4,096 of them).
pub const ENUMERATE_UP_TO: usize = 12;

/// Draws of the wild bootstrap when the sign vectors are not enumerated.
pub const WILD_DRAWS: u32 = 9_999;

/// The wild cluster bootstrap p-value of H0: mean = 0, restricted (WCR), Rademacher weights
/// (Cameron, Gelbach & Miller 2008, *Rev Econ Stat* 90:414–427; MacKinnon & Webb 2018, *Econom J*
/// 21:114–135): under H0 the restricted residuals are the values themselves, so each bootstrap
/// sample multiplies every cluster's sum by a random sign w_g and recomputes the CR1 t
/// statistic; p = share of |t*| ≥ |t|. With at most [`ENUMERATE_UP_TO`] clusters every one of
/// the 2^G sign vectors is used (the exact randomisation distribution, the observed one
/// included); else [`WILD_DRAWS`] seeded draws, p = (1 + #{|t*| ≥ |t|})/(1 + B).
///
/// Returns (p, number of sign vectors used); `None` with fewer than two clusters. Clusters
/// given with `copies` are expanded, one sign each.
pub fn wild_cluster_p(clusters: &[ClusterSum], seed: u64) -> Option<(f64, u64)> {
    let used: Vec<ClusterSum> = clusters
        .iter()
        .filter(|c| c.n > 0)
        .flat_map(|c| std::iter::repeat_n(ClusterSum { copies: 1, ..*c }, c.copies as usize))
        .collect();
    if used.len() < 2 {
        return None;
    }
    let n = used.iter().map(|c| c.n).sum::<u64>() as f64;
    let observed = t_statistic(&used, n).abs();
    let exceeds = |signs: &dyn Fn(usize) -> bool| {
        let flipped: Vec<ClusterSum> = used
            .iter()
            .enumerate()
            .map(|(i, c)| ClusterSum { sum: if signs(i) { -c.sum } else { c.sum }, ..*c })
            .collect();
        // A relative tolerance keeps ties (sign vectors giving the same |t|) counted as ties.
        t_statistic(&flipped, n).abs() >= observed * (1.0 - 1e-12)
    };
    if used.len() <= ENUMERATE_UP_TO {
        let total = 1u64 << used.len();
        let hits = (0..total).filter(|mask| exceeds(&|i| mask >> i & 1 == 1)).count() as u64;
        return Some((hits as f64 / total as f64, total));
    }
    let mut rng = SplitMix64::new(seed);
    let mut hits = 0u64;
    for _ in 0..WILD_DRAWS {
        let signs: Vec<bool> = (0..used.len()).map(|_| rng.bernoulli(0.5)).collect();
        hits += u64::from(exceeds(&|i| signs[i]));
    }
    Some(((1 + hits) as f64 / (1 + u64::from(WILD_DRAWS)) as f64, u64::from(WILD_DRAWS)))
}

#[cfg(test)]
#[path = "cluster_tests.rs"]
mod tests;
