//! Multiplicity corrections over one family of p-values.

use serde::{Deserialize, Serialize};

/// How p-values of one run are adjusted for multiple comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Correction {
    /// Holm's step-down procedure (Holm 1979): controls the family-wise error rate.
    Holm,
    /// Benjamini–Hochberg step-up procedure (Benjamini & Hochberg 1995): controls the FDR.
    Bh,
    /// No adjustment: adjusted p-values equal the raw ones.
    None,
}

/// Adjusts a family of p-values; `None` entries (untested rows) are skipped and stay `None`.
///
/// Holm (1979, *Scand J Stat* 6:65–70): with p₍₁₎ ≤ … ≤ p₍ₘ₎, adjusted
/// p₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎).
/// Benjamini & Hochberg (1995, *JRSS B* 57:289–300): adjusted p₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎/j).
/// Both equal statsmodels' `multipletests(method="holm" | "fdr_bh")`. Ties keep their input order.
pub fn adjust(p_values: &[Option<f64>], method: Correction) -> Vec<Option<f64>> {
    let mut order: Vec<usize> = (0..p_values.len()).filter(|&i| p_values[i].is_some()).collect();
    order.sort_by(|&i, &j| p_values[i].partial_cmp(&p_values[j]).unwrap_or(std::cmp::Ordering::Equal));
    let sorted: Vec<f64> = order.iter().filter_map(|&i| p_values[i]).collect();
    let adjusted = match method {
        Correction::Holm => holm_sorted(&sorted),
        Correction::Bh => bh_sorted(&sorted),
        Correction::None => sorted.clone(),
    };
    let mut out = vec![None; p_values.len()];
    for (rank, &index) in order.iter().enumerate() {
        out[index] = Some(adjusted[rank]);
    }
    out
}

fn holm_sorted(p: &[f64]) -> Vec<f64> {
    let m = p.len() as f64;
    let mut running = 0.0_f64;
    p.iter()
        .enumerate()
        .map(|(i, &pi)| {
            running = running.max(((m - i as f64) * pi).min(1.0));
            running
        })
        .collect()
}

fn bh_sorted(p: &[f64]) -> Vec<f64> {
    let m = p.len() as f64;
    let mut out = vec![0.0; p.len()];
    let mut running = 1.0_f64;
    for i in (0..p.len()).rev() {
        running = running.min((m * p[i] / (i as f64 + 1.0)).min(1.0));
        out[i] = running;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: [f64; 6] = [0.01, 0.04, 0.03, 0.005, 0.5, 0.04];

    fn run(method: Correction) -> Vec<f64> {
        let input: Vec<Option<f64>> = RAW.iter().map(|&p| Some(p)).collect();
        adjust(&input, method).into_iter().map(Option::unwrap).collect()
    }

    fn assert_all_close(got: &[f64], want: &[f64]) {
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn holm_matches_statsmodels() {
        // statsmodels 0.15.0 multipletests(RAW, method="holm")[1]
        assert_all_close(&run(Correction::Holm), &HOLM_REF);
    }

    #[test]
    fn bh_matches_statsmodels() {
        // statsmodels 0.15.0 multipletests(RAW, method="fdr_bh")[1]
        assert_all_close(&run(Correction::Bh), &BH_REF);
    }

    #[test]
    fn untested_entries_stay_untested_and_do_not_count() {
        let input = [Some(0.01), None, Some(0.04)];
        let out = adjust(&input, Correction::Holm);
        assert_eq!(out[1], None);
        assert!((out[0].unwrap() - 0.02).abs() < 1e-15);
        assert!((out[2].unwrap() - 0.04).abs() < 1e-15);
    }

    #[test]
    fn none_is_identity_and_empty_is_empty() {
        assert_all_close(&run(Correction::None), &RAW);
        assert!(adjust(&[], Correction::Bh).is_empty());
    }

    const HOLM_REF: [f64; 6] = [0.05, 0.12, 0.12, 0.03, 0.5, 0.12];
    const BH_REF: [f64; 6] = [0.030000000000000002, 0.048, 0.048, 0.030000000000000002, 0.5, 0.048];
}
