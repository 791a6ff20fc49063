//! Minimum detectable effects: for every tested comparison, the smallest true effect the run had
//! 80% power to detect ("with these n you could have detected ±X pp"). The run's multiplicity
//! correction is approximated by its Bonferroni bound: each test at α/m for m tests in the family
//! (conservative for Holm and Benjamini–Hochberg).

use crate::analysis::findings::Findings;
use crate::analysis::findings::{ClusteredRow, Detectable};
use crate::counts::{CountsTable, MetricCounts, Slice};
use crate::stats::power::mcnemar_mde;
use crate::stats::z_critical;

/// Power of every minimum detectable effect.
pub(crate) const POWER: f64 = 0.8;

/// Fills the `mde` fields of the comparisons, truth tests and group rows.
pub(crate) fn fill(f: &mut Findings, counts: &CountsTable) {
    let tests = f.comparisons.iter().filter(|r| r.p_value.is_some()).count()
        + f.overall.iter().filter(|r| r.p_value.is_some()).count()
        + f.truth_tests.iter().filter(|r| r.p_value.is_some()).count()
        + f.groups.iter().filter(|r| r.p_value.is_some()).count()
        + f.differential.iter().filter(|r| r.p_value.is_some()).count()
        + f.versus.as_ref().map_or(0, |v| {
            v.comparisons.iter().filter(|r| r.p_value.is_some()).count()
                + v.overall.iter().filter(|r| r.p_value.is_some()).count()
                + v.truth_tests.iter().filter(|r| r.p_value.is_some()).count()
                + v.groups.iter().filter(|r| r.p_value.is_some()).count()
                + v.unpaired.iter().filter(|r| r.p_value.is_some()).count()
        });
    if tests == 0 {
        return;
    }
    let alpha = (1.0 - f.settings.confidence.get()) / tests as f64;
    f.detectable = Some(Detectable { power: POWER, alpha, tests: tests as u64 });
    for c in &mut f.comparisons {
        let row = find(counts, &c.model, &c.metric, &Slice::all());
        // Clustered items: the detectable effect grows with the square root of the design
        // effect (Kish 1965: the effective n is n / deff).
        let deff = f.clustering.as_ref().and_then(|k| {
            let of_c = |r: &&ClusteredRow| {
                r.measure == "rate" && r.versus.is_none() && r.model == c.model && r.metric == c.metric
            };
            k.rows.iter().find(of_c)?.design_effect
        });
        c.mde = row.and_then(|m| mde(m, alpha)).map(|x| x * deff.unwrap_or(1.0).max(0.0).sqrt());
    }
    for t in &mut f.truth_tests {
        let slice = Slice { truth: Some(t.rate == "fnr"), ..Slice::all() };
        t.mde = find(counts, &t.model, &t.metric, &slice).and_then(|m| mde(m, alpha));
    }
    for g in &mut f.groups {
        g.mde = g.amplification_se.and_then(|se| normal_mde(se, alpha, POWER));
    }
}

fn find<'a>(counts: &'a CountsTable, model: &str, metric: &str, slice: &Slice) -> Option<&'a MetricCounts> {
    counts.metrics.iter().find(|m| m.model == model && m.metric == metric && &m.slice == slice)
}

/// The paired difference's minimum detectable effect: McNemar's from the discordant share of a
/// 2×2 table, or the normal bound from the standard error of the item-level mean difference.
fn mde(m: &MetricCounts, alpha: f64) -> Option<f64> {
    match &m.moments {
        None => {
            let n = m.pairs.n();
            let psi = (m.pairs.model_only + m.pairs.baseline_only) as f64 / n.max(1) as f64;
            (n > 0).then(|| mcnemar_mde(n, psi, alpha, POWER)).flatten()
        }
        Some(x) if x.n >= 2 => {
            let (sum_d, sum_d2) = x.difference_sums();
            let n = x.n as f64;
            let variance = ((sum_d2 - sum_d * sum_d / n) / (n - 1.0)).max(0.0);
            normal_mde((variance / n).sqrt(), alpha, POWER)
        }
        Some(_) => None,
    }
}

/// (z_{1−α/2} + z_power)·se: the effect a two-sided z test with standard error `se` detects with
/// the given power (normal approximation of Welch's test at large n).
fn normal_mde(se: f64, alpha: f64, power: f64) -> Option<f64> {
    let z_alpha = z_critical(1.0 - alpha)?;
    let z_power = z_critical(2.0 * power - 1.0)?;
    (se.is_finite() && se > 0.0).then_some((z_alpha + z_power) * se)
}
