//! Judge-error-corrected comparisons (`compare --audit`): every rate and paired difference of the
//! run next to its prediction-powered estimate (Angelopoulos et al. 2023), which uses the judge
//! labels of all items and the judge − gold rectifier of the audited ones, and, for rates, the
//! Rogan–Gladen estimate from the audit's sensitivity and specificity.

use super::audit::{agreement_counts, items};
use crate::analysis::findings::Comparison;
use crate::analysis::findings::{CorrectedGroup, CorrectedRow};
use crate::data::files::audit::AuditRows;
use crate::stats::agreement::independent_proportions;
use crate::stats::ppi::{ppi_mean, ppi_paired_difference, rogan_gladen, Rectifier};
use crate::stats::Interval;

/// What one side's audit says about one metric.
#[derive(Debug, Clone, Copy, Default)]
struct SideAudit {
    rectifier: Rectifier,
    /// (true positives, gold positives).
    sensitivity: (u64, u64),
    /// (true negatives, gold negatives).
    specificity: (u64, u64),
    /// Judge-positive audited items (for the randomness check).
    judge_positive: u64,
}

fn side_audit(rows: &AuditRows, metric: &str) -> Option<SideAudit> {
    let m = rows.metrics.iter().position(|x| x == metric)?;
    let items = items(rows, m);
    let (t, _) = agreement_counts(items.iter().map(|i| (i.judge, i.gold.as_slice())));
    Some(SideAudit {
        rectifier: Rectifier::from_agreement(&t),
        sensitivity: (t.both, t.both + t.gold_only),
        specificity: (t.neither, t.neither + t.judge_only),
        judge_positive: t.both + t.judge_only,
    })
}

/// The corrected rows of every comparison, given each source's audit rows (baseline first).
pub(crate) fn corrected_rows(
    comparisons: &[Comparison],
    baseline: &str,
    audits: &[(String, AuditRows)],
    confidence: f64,
) -> Vec<CorrectedRow> {
    let audit_of = |source: &str, metric: &str| {
        audits
            .iter()
            .find(|(s, _)| s == source)
            .and_then(|(_, rows)| side_audit(rows, metric))
            .unwrap_or_default()
    };
    comparisons
        .iter()
        .map(|c| {
            let (b, m) = (audit_of(baseline, &c.metric), audit_of(&c.model, &c.metric));
            corrected(c, &b, &m, confidence)
        })
        .collect()
}

fn corrected(c: &Comparison, b: &SideAudit, m: &SideAudit, confidence: f64) -> CorrectedRow {
    let n = c.n;
    let (xb, xm) = (c.both + c.baseline_only, c.both + c.model_only);
    let rate = |x: u64, side: &SideAudit| ppi_mean(n, x as f64, x as f64, &side.rectifier, confidence);
    let (rb, rm) = (rate(xb, b), rate(xm, m));
    let sum_d = c.model_only as f64 - c.baseline_only as f64;
    let sum_sq_d = (c.model_only + c.baseline_only) as f64;
    let d = ppi_paired_difference(n, sum_d, sum_sq_d, &m.rectifier, &b.rectifier, confidence);
    let rg = |x: u64, side: &SideAudit| rogan_gladen(x, n, side.sensitivity, side.specificity, confidence);
    CorrectedRow {
        metric: c.metric.clone(),
        model: c.model.clone(),
        n,
        audited_baseline: b.rectifier.n,
        audited_model: m.rectifier.n,
        naive_baseline_rate: c.baseline_rate,
        naive_model_rate: c.model_rate,
        naive_difference: c.difference,
        baseline_rate: rb.map(|e| e.estimate),
        baseline_ci: rb.map(|e| e.interval),
        model_rate: rm.map(|e| e.estimate),
        model_ci: rm.map(|e| e.interval),
        difference: d.map(|e| e.estimate),
        difference_ci: d.map(|e| e.interval),
        baseline_rate_rg: rg(xb, b).map(|e| e.estimate),
        model_rate_rg: rg(xm, m).map(|e| e.estimate),
        note: note(c, b, m, xb, xm, confidence),
    }
}

/// Why a correction is missing, or whether an audit looks unlike a random subset: its judge
/// positive rate differs from that of all items (Fisher's exact test, p < 0.01).
fn note(c: &Comparison, b: &SideAudit, m: &SideAudit, xb: u64, xm: u64, confidence: f64) -> Option<String> {
    let mut notes = Vec::new();
    for (name, side, x) in [("baseline", b, xb), (c.model.as_str(), m, xm)] {
        if side.rectifier.n < 2 {
            notes.push(format!("fewer than 2 audited items of {name}: not corrected"));
            continue;
        }
        let audited = independent_proportions(side.judge_positive, side.rectifier.n, x, c.n, confidence);
        if audited.and_then(|t| t.p_value).is_some_and(|p| p < 0.01) {
            notes.push(format!(
                "the audited items of {name} differ from the rest (judge positive {:.0}% vs {:.0}%): is the audit a random subset?",
                100.0 * side.judge_positive as f64 / side.rectifier.n as f64,
                100.0 * x as f64 / c.n.max(1) as f64
            ));
        }
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// The rectifier of one side for the audited items of one level (majority gold per item).
fn level_rectifier(rows: &AuditRows, metric: &str, grouping: &str, level: &str) -> Rectifier {
    let Some((_, levels)) = rows.levels.iter().find(|(g, _)| g == grouping) else {
        return Rectifier::default();
    };
    let keep: Vec<bool> = levels.iter().map(|l| l.as_deref() == Some(level)).collect();
    let pick = |v: &[String]| -> Vec<String> {
        v.iter().zip(&keep).filter(|(_, k)| **k).map(|(x, _)| x.clone()).collect()
    };
    let pick_codes = |c: &Vec<Option<u8>>| -> Vec<Option<u8>> {
        c.iter().zip(&keep).filter(|(_, k)| **k).map(|(x, _)| *x).collect()
    };
    // Every per-row column is filtered alike (items() reads them by row).
    let subset = AuditRows {
        item: pick(&rows.item),
        auditor: pick(&rows.auditor),
        text_source: pick(&rows.text_source),
        judge: rows.judge.iter().map(pick_codes).collect(),
        gold: rows.gold.iter().map(pick_codes).collect(),
        metrics: rows.metrics.clone(),
        levels: Vec::new(),
    };
    side_audit(&subset, metric).map(|s| s.rectifier).unwrap_or_default()
}

/// Corrected amplification of every rate row of `groups` whose level and reference the audit
/// covers on both sides; other rows say which level it does not cover.
pub(crate) fn corrected_groups(
    groups: &[crate::analysis::findings::GroupRow],
    counts: &crate::counts::CountsTable,
    baseline: &str,
    audits: &[(String, AuditRows)],
    confidence: f64,
) -> Vec<CorrectedGroup> {
    let rows_of = |source: &str| audits.iter().find(|(s, _)| s == source).map(|(_, r)| r);
    let z = crate::stats::z_critical(confidence);
    groups
        .iter()
        .filter(|g| g.measure == "rate" && g.level != g.reference)
        .map(|g| {
            let delta = |level: &str| -> Result<crate::stats::ppi::Corrected, String> {
                let slice = crate::counts::Slice::level(&g.group_by, level);
                let pairs = counts
                    .metrics
                    .iter()
                    .find(|m| m.model == g.model && m.metric == g.metric && m.slice == slice)
                    .map(|m| m.pairs)
                    .ok_or_else(|| format!("no counts for level {level}"))?;
                let rect = |source: &str| rows_of(source).map(|r| level_rectifier(r, &g.metric, &g.group_by, level)).unwrap_or_default();
                let (rm, rb) = (rect(&g.model), rect(baseline));
                let sum_d = pairs.model_only as f64 - pairs.baseline_only as f64;
                let sum_sq = (pairs.model_only + pairs.baseline_only) as f64;
                ppi_paired_difference(pairs.n(), sum_d, sum_sq, &rm, &rb, confidence).ok_or_else(|| {
                    format!("the audit has {} + {} items of level {level} ({baseline} + {}); at least 2 each are needed", rb.n, rm.n, g.model)
                })
            };
            let (amplification, ci, note) = match (delta(&g.level), delta(&g.reference), z) {
                (Ok(l), Ok(r), Some(z)) => {
                    let (a, se) = (l.estimate - r.estimate, (l.se * l.se + r.se * r.se).sqrt());
                    (Some(a), Some(Interval::new(a - z * se, a + z * se)), None)
                }
                (Err(e), _, _) | (_, Err(e), _) => (None, None, Some(format!("not corrected: {e}"))),
                _ => (None, None, Some("not corrected".into())),
            };
            CorrectedGroup {
                group_by: g.group_by.clone(),
                level: g.level.clone(),
                reference: g.reference.clone(),
                metric: g.metric.clone(),
                model: g.model.clone(),
                naive_amplification: g.amplification,
                amplification,
                amplification_ci: ci,
                note,
            }
        })
        .collect()
}
