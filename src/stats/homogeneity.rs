//! Whether a rate differs across the levels of a grouping at all: Pearson's χ² test of
//! homogeneity on the L×2 table of (label 1, label 0) per level, with a seeded Monte Carlo exact
//! p-value when expected counts are small.

use crate::rng::SplitMix64;
use rand_distr::{Distribution, Hypergeometric};
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// Draws of the Monte Carlo exact test.
pub const MONTE_CARLO_DRAWS: u32 = 10_000;

/// Smallest expected count for which the χ² approximation is used (Cochran 1954).
const MIN_EXPECTED: f64 = 5.0;

/// The test across all levels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Homogeneity {
    /// Pearson's X² statistic.
    pub statistic: f64,
    /// Degrees of freedom, levels − 1.
    pub df: u64,
    /// The p-value: from the χ² distribution, or the Monte Carlo exact p-value.
    pub p_value: f64,
    /// Whether the p-value is the Monte Carlo exact one (some expected count below 5).
    pub exact: bool,
}

/// Pearson's X² = Σ (O − E)²/E over the L×2 table of `(ones, n)` per level, E from the margins
/// (Pearson 1900; `scipy.stats.chi2_contingency(table, correction=False)`), df = L − 1.
///
/// When some expected count is below 5 (Cochran 1954), the p-value is the Monte Carlo exact
/// one instead (Hope 1968, *J R Stat Soc B* 30:582–598; R's `chisq.test(simulate.p.value =
/// TRUE)`): with both margins fixed, the ones are dealt to the levels at random (a sequential
/// hypergeometric draw per level) [`MONTE_CARLO_DRAWS`] times, p = (1 + #{X²* ≥ X²})/(1 + B),
/// seeded by `seed`.
///
/// Edge cases: `None` with fewer than two levels of at least one item, or when every item has
/// the same label (no variation to test).
pub fn homogeneity(levels: &[(u64, u64)], seed: u64) -> Option<Homogeneity> {
    let levels: Vec<(u64, u64)> = levels.iter().copied().filter(|&(_, n)| n > 0).collect();
    let n: u64 = levels.iter().map(|l| l.1).sum();
    let ones: u64 = levels.iter().map(|l| l.0).sum();
    if levels.len() < 2 || ones == 0 || ones == n || levels.iter().any(|&(x, m)| x > m) {
        return None;
    }
    let statistic = pearson(&levels, ones, n);
    let df = levels.len() as u64 - 1;
    let share = ones as f64 / n as f64;
    let smallest =
        levels.iter().map(|&(_, m)| m as f64 * share.min(1.0 - share)).fold(f64::INFINITY, f64::min);
    if smallest >= MIN_EXPECTED {
        let p_value = ChiSquared::new(df as f64).map(|d| d.sf(statistic)).ok()?;
        return Some(Homogeneity { statistic, df, p_value, exact: false });
    }
    let mut rng = SplitMix64::new(seed);
    let mut drawn = levels.clone();
    let mut at_least = 0u32;
    for _ in 0..MONTE_CARLO_DRAWS {
        deal(&mut drawn, ones, n, &mut rng)?;
        // A tolerance keeps ties with the observed table counted as ties despite rounding.
        if pearson(&drawn, ones, n) >= statistic * (1.0 - 1e-12) {
            at_least += 1;
        }
    }
    let p_value = f64::from(at_least + 1) / f64::from(MONTE_CARLO_DRAWS + 1);
    Some(Homogeneity { statistic, df, p_value, exact: true })
}

/// X² of an L×2 table with `ones` of `n` items labelled 1.
fn pearson(levels: &[(u64, u64)], ones: u64, n: u64) -> f64 {
    let share = ones as f64 / n as f64;
    levels
        .iter()
        .map(|&(x, m)| {
            let (e1, e0) = (m as f64 * share, m as f64 * (1.0 - share));
            let (o1, o0) = (x as f64, (m - x) as f64);
            (o1 - e1).powi(2) / e1 + (o0 - e0).powi(2) / e0
        })
        .sum()
}

/// Deals `ones` of `n` items labelled 1 to the levels (sizes kept) uniformly at random.
fn deal(levels: &mut [(u64, u64)], ones: u64, n: u64, rng: &mut SplitMix64) -> Option<()> {
    let (mut left, mut pool) = (ones, n);
    for level in levels.iter_mut() {
        let x = match left {
            0 => 0,
            _ => Hypergeometric::new(pool, left, level.1).ok()?.sample(rng),
        };
        level.0 = x;
        left -= x;
        pool -= level.1;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy_chi2_contingency() {
        // scipy 1.17.1 `chi2_contingency([[30, 70], [45, 55], [60, 40]], correction=False)`:
        // statistic 18.18181818181818, dof 2, p 0.00011268558050780092.
        let h = homogeneity(&[(30, 100), (45, 100), (60, 100)], 1).expect("test");
        assert!((h.statistic - 18.18181818181818).abs() < 1e-9, "{h:?}");
        assert_eq!((h.df, h.exact), (2, false));
        assert!((h.p_value - 0.00011268558050780092).abs() < 1e-12, "{h:?}");
        // scipy 1.17.1 `chi2_contingency([[20, 80], [35, 65]], correction=False)`:
        // statistic 5.642633228840125, dof 1, p 0.017528861260372782.
        let h = homogeneity(&[(20, 100), (35, 100)], 1).expect("test");
        assert!((h.statistic - 5.642633228840125).abs() < 1e-9, "{h:?}");
        assert!((h.p_value - 0.017528861260372782).abs() < 1e-12, "{h:?}");
    }

    #[test]
    fn small_tables_use_a_seeded_monte_carlo_p_close_to_fishers() {
        // [[1, 9], [6, 4]]: scipy 1.17.1 `fisher_exact` two-sided p = 0.057275541795665644; the Monte
        // Carlo p of X² (equivalent ordering for a 2×2 table) estimates it, se ≈ 0.0023.
        let a = homogeneity(&[(1, 10), (6, 10)], 7).expect("test");
        let b = homogeneity(&[(1, 10), (6, 10)], 7).expect("test");
        assert!(a.exact);
        assert_eq!(a, b, "same seed, same p");
        assert!((a.p_value - 0.057275541795665644).abs() < 0.01, "{a:?}");
    }

    #[test]
    fn degenerate_tables_are_not_tested() {
        assert_eq!(homogeneity(&[(5, 10)], 1), None);
        assert_eq!(homogeneity(&[(0, 10), (0, 20)], 1), None);
        assert_eq!(homogeneity(&[(10, 10), (20, 20)], 1), None);
        assert_eq!(homogeneity(&[(3, 10), (0, 0)], 1), None);
    }
}
