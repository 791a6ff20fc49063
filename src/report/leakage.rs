//! `amplify leakage --report DIR`: a self-contained HTML page (the tables, the chart inline, the
//! method with its sources, the inputs), `leakage.json`, the amplification as CSV and Parquet,
//! and the chart as PNG and SVG. It reads only the [`LeakageReport`].

use super::page::{Page, Part};
use crate::analysis::LeakageReport;
use crate::chart;
use crate::error::{AmplifyError, Result};
use std::path::{Path, PathBuf};

/// Writes the leakage report folder at `out` (the rules of [`super::write_report`]).
pub(crate) fn write_leakage_report(r: &LeakageReport, out: &Path, inputs: &[PathBuf]) -> Result<PathBuf> {
    super::check_folder(out, "--report", inputs)?;
    super::folder::replace_folder(out, |dir| fill(r, dir))
}

fn fill(r: &LeakageReport, dir: &Path) -> Result<()> {
    let charts: Vec<chart::Chart> = chart::leakage::leakage_chart(r).into_iter().collect();
    let sections = crate::output::leakage::sections(r);
    let mut parts: Vec<Part> = charts.iter().map(|c| Part::Chart(c.name.clone())).collect();
    parts.extend(sections.iter().map(Part::Table));
    let page = Page {
        title: format!("Leakage of {}: models against {}", r.settings.grouping, r.settings.baseline),
        lead: headline(r),
        parts,
        notes: &r.notes,
        method: method(r),
        footer: (r.amplify_version.clone(), Some(r.settings.seed), &r.inputs),
    };
    let json = serde_json::to_string_pretty(r).map_err(AmplifyError::Serialise)? + "\n";
    super::page::fill(dir, &page, &charts, ("leakage.json", json), &crate::output::leakage::table(r))
}

/// The headline: each model's LIC against the baseline's.
pub(crate) fn headline(r: &LeakageReport) -> String {
    let lines: Vec<String> = r
        .amplification
        .iter()
        .filter(|a| a.measure == "lic")
        .filter_map(|a| {
            let (d, ci) = (a.difference?, a.ci?);
            Some(format!(
                "{}'s text leaks {} {} than {}'s (LIC {:+.1} pp, {:.0}% CI {:+.1} to {:+.1})",
                a.model,
                r.settings.grouping,
                if d > 0.0 { "more" } else { "less" },
                r.settings.baseline,
                d * 100.0,
                r.settings.confidence * 100.0,
                ci.low * 100.0,
                ci.high * 100.0
            ))
        })
        .collect();
    if lines.is_empty() {
        return "No model to compare with the baseline.".into();
    }
    lines.join("; ") + "."
}

/// The method in one paragraph, with its sources and settings.
pub(crate) fn method(r: &LeakageReport) -> String {
    let s = &r.settings;
    format!(
        "Every source's texts are tokenised as in amplify words and weighted by TF-IDF in one space (scikit-learn's defaults; words in at least {} documents). Per source, an L2-regularised logistic regression (C = {}; one-vs-rest beyond two levels) is cross-fitted over {} folds stratified by level, so every item gets an out-of-fold prediction of its level (Wang et al. 2019). Leakage is the balanced accuracy of those predictions and LIC, the mean predicted probability of the true level (Hirota et al. 2022). Amplification is the model's leakage minus the baseline's on the same items. {} {} Seed {}.",
        s.min_df, s.c, s.folds, interval_method(s), p_method(s), s.seed
    )
}

fn interval_method(s: &crate::analysis::LeakageSettings) -> String {
    if s.bootstrap > 0 {
        format!("Intervals: a paired bootstrap over items ({} replicates) that re-draws the folds and re-fits every attacker on each resample (normal intervals, the estimate ± z × the standard deviation of the replicates; Efron & Tibshirani 1993).", s.bootstrap)
    } else {
        "Intervals (LIC only): the estimate ± t (n − 1 degrees of freedom) × its influence-function standard error, the delta method over the cross-fit (each item's effect on its own out-of-fold probability and, through the Hessian, on every attacker it trained; Hampel et al. 1986), paired over items for a difference; no attacker is re-fitted. Balanced accuracy has no such derivative: its interval needs --bootstrap N.".into()
    }
}

fn p_method(s: &crate::analysis::LeakageSettings) -> String {
    if s.permutations > 0 {
        format!(
            "p-values: a permutation test that swaps the two texts of each item and re-fits ({} replicates).",
            s.permutations
        )
    } else {
        "p-values (LIC only): the two-sided t-test of the difference over its influence-function standard error; a permutation test that re-fits needs --permutations N.".into()
    }
}
