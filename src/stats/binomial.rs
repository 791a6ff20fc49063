//! Exact McNemar test from the binomial distribution of the discordant pairs.

use statrs::function::gamma::ln_gamma;

/// Which variant of McNemar's test to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum McNemarVariant {
    /// Exact conditional test: p = min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½).
    Exact,
    /// Mid-p variant: p = 2·[P(X ≤ k) − ½·P(X = k)] (Fagerland, Lydersen & Laake 2013).
    MidP,
}

/// Two-sided McNemar p-value from the discordant counts b and c.
///
/// Exact conditional test (McNemar 1947; exact form as in Fagerland, Lydersen & Laake 2013,
/// *BMC Med Res Methodol* 13:91): under H0 each discordant pair is equally likely to go either way,
/// so X = min(b, c) ~ Binomial(b + c, ½). The mid-p variant subtracts half the probability of the
/// observed value and is less conservative with similar type I error (Fagerland et al. 2013).
///
/// Edge case: b + c = 0 (no discordant pair) gives p = 1 for both variants.
pub fn mcnemar_p(b: u64, c: u64, variant: McNemarVariant) -> f64 {
    let m = b + c;
    if m == 0 {
        return 1.0;
    }
    let k = b.min(c);
    let p = match variant {
        McNemarVariant::Exact => 2.0 * lower_tail_half(k, m),
        McNemarVariant::MidP => 2.0 * (lower_tail_half(k, m) - 0.5 * pmf_half(k, m)),
    };
    p.clamp(0.0, 1.0)
}

/// P(X = k) for X ~ Binomial(m, ½), from log-gamma.
fn pmf_half(k: u64, m: u64) -> f64 {
    ln_pmf_half(k, m).exp()
}

fn ln_pmf_half(k: u64, m: u64) -> f64 {
    let (k_f, m_f) = (k as f64, m as f64);
    ln_gamma(m_f + 1.0) - ln_gamma(k_f + 1.0) - ln_gamma(m_f - k_f + 1.0) - m_f * std::f64::consts::LN_2
}

/// P(X ≤ k) for X ~ Binomial(m, ½) and k ≤ m/2, summed from k downwards in log space.
///
/// The terms fall geometrically (ratio i/(m − i + 1) < 1) away from k, so the sum stops once a term
/// no longer changes it; at most k + 1 terms are visited.
fn lower_tail_half(k: u64, m: u64) -> f64 {
    if 2 * k >= m {
        // With k = min(b, c) this only happens when b = c; the tail is then ≥ ½ and the
        // two-sided p-value is capped at 1 by the caller.
        return 0.5 + 0.5 * pmf_half(k, m);
    }
    let top = ln_pmf_half(k, m);
    let mut rel_sum = 1.0; // Σ term_i / term_k
    let mut rel_term = 1.0;
    let mut i = k;
    while i > 0 {
        rel_term *= i as f64 / (m - i + 1) as f64;
        if rel_term < rel_sum * 1e-17 {
            break;
        }
        rel_sum += rel_term;
        i -= 1;
    }
    (top + rel_sum.ln()).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel_close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn exact_matches_scipy_binomtest() {
        // scipy 1.17.1: binomtest(min(b,c), b + c, 0.5).pvalue (two-sided, equal tails here)
        let cases = [
            (1u64, 7u64, 0.0703125),
            (7, 1, 0.0703125),
            (0, 5, 0.0625),
            (10, 30, 0.0022214337732293643),
            (40, 400, 8.428859502918451e-76),
            (0, 1, 1.0),
        ];
        for (b, c, want) in cases {
            let p = mcnemar_p(b, c, McNemarVariant::Exact);
            assert!(rel_close(p, want, 1e-9), "b={b} c={c}: {p} vs {want}");
        }
    }

    #[test]
    fn mid_p_matches_fagerland_formula_via_scipy() {
        // 2*(binom.cdf(k, m, .5) - .5*binom.pmf(k, m, .5)) with scipy 1.17.1
        let cases = [(1u64, 7u64, 0.039062500000000014), (10, 30, 0.0014504910141113232), (3, 3, 1.0)];
        for (b, c, want) in cases {
            let p = mcnemar_p(b, c, McNemarVariant::MidP);
            assert!(rel_close(p, want, 1e-9), "b={b} c={c}: {p} vs {want}");
        }
    }

    #[test]
    fn no_discordant_pairs_gives_one() {
        assert_eq!(mcnemar_p(0, 0, McNemarVariant::Exact), 1.0);
        assert_eq!(mcnemar_p(0, 0, McNemarVariant::MidP), 1.0);
        assert_eq!(mcnemar_p(4, 4, McNemarVariant::Exact), 1.0);
    }

    #[test]
    fn symmetric_in_b_and_c() {
        for (b, c) in [(2, 9), (13, 0), (100, 150)] {
            assert_eq!(mcnemar_p(b, c, McNemarVariant::Exact), mcnemar_p(c, b, McNemarVariant::Exact));
        }
    }
}
