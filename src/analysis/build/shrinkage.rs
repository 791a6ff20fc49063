//! Groupings with many levels: the heterogeneity of the amplification across levels and each
//! level's amplification shrunk toward their mean (`stats::shrinkage`), beside the raw rows.

use crate::analysis::findings::{GroupRow, HeterogeneityRow};
use crate::stats::shrinkage::{heterogeneity, shrink};

/// Levels (besides the reference) a grouping needs before its levels are shrunk.
pub(crate) const MIN_LEVELS: usize = 8;

/// Fills `shrunken` on the rows of every grouping, measure, metric and model with at least
/// [`MIN_LEVELS`] levels that have an amplification and a positive standard error; returns the
/// heterogeneity of each such set.
pub(crate) fn shrink_groups(rows: &mut [GroupRow], confidence: f64) -> Vec<HeterogeneityRow> {
    let mut keys: Vec<(String, String, String, String)> = Vec::new();
    for r in rows.iter() {
        let key = (r.group_by.clone(), r.measure.clone(), r.metric.clone(), r.model.clone());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let mut out = Vec::new();
    for (group_by, measure, metric, model) in keys {
        let members: Vec<usize> = (0..rows.len())
            .filter(|&i| {
                let r = &rows[i];
                r.group_by == group_by
                    && r.measure == measure
                    && r.metric == metric
                    && r.model == model
                    && r.level != r.reference
                    && r.amplification.is_some()
                    && r.amplification_se.is_some_and(|s| s > 0.0)
            })
            .collect();
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
