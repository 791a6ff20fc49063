//! `amplify power`: before a study, the items needed to detect a target effect with 80% and 90%
//! power, or the effect detectable with the items available, for the three designs amplify
//! tests: a paired behaviour difference (exact McNemar; Connor 1987's normal approximation), a
//! group amplification (Welch on item differences between two levels; normal approximation) and
//! an FNR difference (McNemar on the items the truth calls at fault).

use crate::analysis::findings::{PowerQuestion, PowerReport, PowerRow, POWER_SCHEMA};
use crate::analysis::Findings;
use crate::stats::power::{mcnemar_mde, mcnemar_sample_size, two_sample_mde, two_sample_size};

/// Items needed for (effect, power).
type ItemsNeeded<'a> = Box<dyn Fn(f64, f64) -> Option<u64> + 'a>;

/// Effect detectable with (items, power).
type Detectable<'a> = Box<dyn Fn(u64, f64) -> Option<f64> + 'a>;

fn rows_for(q: &PowerQuestion, label: &str) -> Vec<PowerRow> {
    let (psi, alpha) = (q.discordant, q.alpha);
    // Item differences d ∈ {−1, 0, 1}: variance ψ − δ², taken at δ = 0 (conservative near 0).
    let var = psi;
    let ratio = (1.0 - q.level_share) / q.level_share;
    let split = |n: u64| {
        let small = ((n as f64) * q.level_share).round() as u64;
        (small, n.saturating_sub(small))
    };
    let positives = |n: u64| ((n as f64) * q.positives).round() as u64;
    let per_positive = |n: u64| (n as f64 / q.positives).ceil() as u64;
    let designs: [(&str, ItemsNeeded, Detectable); 3] = [
        (
            "paired difference",
            Box::new(|d, p| mcnemar_sample_size(psi, d, alpha, p)),
            Box::new(|n, p| mcnemar_mde(n, psi, alpha, p)),
        ),
        (
            "group amplification",
            Box::new(|d, p| two_sample_size(d, var, var, ratio, alpha, p).map(|(a, b)| a + b)),
            Box::new(|n, p| {
                let (a, b) = split(n);
                two_sample_mde(a, var, b, var, alpha, p)
            }),
        ),
        (
            "fnr difference",
            Box::new(|d, p| mcnemar_sample_size(psi, d, alpha, p).map(per_positive)),
            Box::new(|n, p| mcnemar_mde(positives(n), psi, alpha, p)),
        ),
    ];
    designs
        .iter()
        .map(|(design, size, mde)| PowerRow {
            design: design.to_string(),
            label: label.to_string(),
            discordant: psi,
            items_80: q.effect.and_then(|d| size(d, 0.8)),
            items_90: q.effect.and_then(|d| size(d, 0.9)),
            items: q.items,
            mde_80: q.items.and_then(|n| mde(n, 0.8)),
            mde_90: q.items.and_then(|n| mde(n, 0.9)),
        })
        .collect()
}

/// The planner's answer: for the question as asked, and with a pilot's findings, per pilot
/// comparison (its discordance, and its n when no item count is given).
pub(crate) fn power_report(q: PowerQuestion, pilot: Option<&Findings>) -> PowerReport {
    let mut rows = Vec::new();
    match pilot {
        None => rows.extend(rows_for(&q, "planned")),
        Some(f) => {
            for c in f.comparisons.iter().filter(|c| c.n > 0) {
                let psi = (c.model_only + c.baseline_only) as f64 / c.n as f64;
                let pilot_q = PowerQuestion { discordant: psi, items: q.items.or(Some(c.n)), ..q };
                rows.extend(rows_for(&pilot_q, &format!("{}/{}", c.model, c.metric)));
            }
        }
    }
    PowerReport {
        schema: POWER_SCHEMA.into(),
        amplify_version: env!("CARGO_PKG_VERSION").into(),
        question: q,
        rows,
    }
}
