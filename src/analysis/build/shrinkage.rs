//! Groupings with many levels: the heterogeneity of the amplification across levels and each
//! level's amplification shrunk toward their mean (`stats::shrinkage`), beside the raw rows.

use crate::analysis::findings::{GroupRow, HeterogeneityRow};
use crate::stats::shrinkage::{heterogeneity, shrink};
use std::collections::BTreeMap;

/// Levels (besides the reference) a grouping needs before its levels are shrunk.
pub(crate) const MIN_LEVELS: usize = 8;

/// Fills `shrunken` on the rows of every grouping, measure, metric and model with at least
/// [`MIN_LEVELS`] levels that have an amplification and a positive standard error; returns the
/// heterogeneity of each such set.
pub(crate) fn shrink_groups(rows: &mut [GroupRow], confidence: f64) -> Vec<HeterogeneityRow> {
    // The rows of each grouping, measure, metric and model that have an estimate, in one pass.
    let mut sets: BTreeMap<(String, String, String, String), Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if r.level != r.reference && r.amplification.is_some() && r.amplification_se.is_some_and(|s| s > 0.0)
        {
            let key = (r.group_by.clone(), r.measure.clone(), r.metric.clone(), r.model.clone());
            sets.entry(key).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for ((group_by, measure, metric, model), members) in sets {
        if members.len() < MIN_LEVELS {
            continue;
        }
        let estimates: Vec<(f64, f64)> = members
            .iter()
            .map(|&i| (rows[i].amplification.unwrap_or(0.0), rows[i].amplification_se.unwrap_or(0.0)))
            .collect();
        let Some(h) = heterogeneity(&estimates) else { continue };
        let Some(shrunk) = shrink(&estimates, &h, confidence) else { continue };
        for (&i, (value, ci)) in members.iter().zip(shrunk) {
            rows[i].shrunken = Some(value);
            rows[i].shrunken_ci = Some(ci);
        }
        out.push(HeterogeneityRow {
            group_by,
            measure,
            metric,
            model,
            levels: h.k as u64,
            q: h.q,
            p_value: h.p_value,
            tau2: h.tau2,
            i2: h.i2,
            mean: h.mean,
        });
    }
    out
}
