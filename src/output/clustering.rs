//! The clustering section (`--cluster`): per comparison the clusters, the clustered and the
//! independent-items standard errors, the design effect and (few clusters) the wild cluster
//! bootstrap p-value; on the terminal, one line per comparison.

use super::content::Section;
use crate::analysis::Findings;
use crate::output::format_p;
use std::fmt::Write;

/// The metric, with the error rate of a paired error-rate test ("verdict FNR").
fn what(r: &crate::analysis::findings::ClusteredRow) -> String {
    let what = match r.measure.as_str() {
        "rate" => r.metric.clone(),
        "overall" => "overall score".into(),
        "gap" => format!("{} gap {}", r.metric, r.level.as_deref().unwrap_or("")),
        "fnr gap" | "fpr gap" => {
            format!("{} {} gap {}", r.metric, r.measure[..3].to_uppercase(), r.level.as_deref().unwrap_or(""))
        }
        m if m.ends_with("log ror") => {
            let rate = m.strip_suffix("log ror").unwrap_or("").trim().to_uppercase();
            let rate = if rate.is_empty() { String::new() } else { format!("{rate} ") };
            format!("{} {rate}ratio of odds ratios {}", r.metric, r.level.as_deref().unwrap_or(""))
        }
        m if m.starts_with("unpaired ") => {
            let rate = m.strip_prefix("unpaired ").unwrap_or(m);
            let rate = if rate == "rate" { String::new() } else { format!("{} ", rate.to_uppercase()) };
            format!("{} {rate}(unpaired)", r.metric)
        }
        "asymmetry" => match &r.level {
            Some(level) => format!("{} own pair asymmetry ({level})", r.metric),
            None => format!("{} own pair asymmetry", r.metric),
        },
        m if m.starts_with("pairs ") => match &r.level {
            Some(level) => format!("{} {m} ({level})", r.metric),
            None => format!("{} {m}", r.metric),
        },
        m => format!("{} {}", r.metric, m.to_uppercase()),
    };
    match &r.versus {
        Some(v) => format!("{what} vs {v}"),
        None => what,
    }
}

fn num(x: Option<f64>, digits: usize) -> String {
    x.map_or("–".into(), |v| format!("{v:.digits$}"))
}

/// A standard error with its unit, for the terminal.
fn with_unit(r: &crate::analysis::findings::ClusteredRow, x: Option<f64>) -> String {
    match r.measure.ends_with("log ror") {
        true => x.map_or("–".into(), |v| format!("{v:.3} log-odds")),
        false => format!("{} pp", num(x.map(|x| x * 100.0), 2)),
    }
}

/// A standard error as shown: in pp, or on the log-odds scale for a ratio of odds ratios.
fn se(r: &crate::analysis::findings::ClusteredRow, x: Option<f64>) -> String {
    match r.measure.ends_with("log ror") {
        true => x.map_or("–".into(), |v| format!("{v:.3} (log)")),
        false => num(x.map(|x| x * 100.0), 2),
    }
}

/// The report's table (none without `--cluster`).
pub(crate) fn sections(f: &Findings) -> Vec<Section> {
    let Some(c) = &f.clustering else { return Vec::new() };
    let rows = c
        .rows
        .iter()
        .map(|r| {
            vec![
                r.model.clone(),
                what(r),
                r.clusters.to_string(),
                r.items.to_string(),
                se(r, r.se),
                se(r, r.se_independent),
                num(r.design_effect, 2),
                num(r.df, 0),
                r.wild_p.map_or("–".into(), |p| format_p(Some(p))),
            ]
        })
        .collect();
    vec![Section {
        title: format!("Clustered by {}", c.column),
        intro: format!(
            "{} clusters{}. The comparisons' rates, Δ and p-values are cluster-robust (CR1 standard error, t with G − 1 df), and their detectable effects grow by √(design effect); design effect = clustered / independent-items variance of Δ. Standard errors in pp (a ratio of odds ratios: on the log-odds scale). {}.",
            c.clusters,
            match c.singletons {
                0 => String::new(),
                1 => " and 1 item without a value, its own cluster".into(),
                n => format!(" and {n} items without a value, each its own cluster"),
            },
            c.notes.join(". ")
        ),
        headers: ["model", "metric", "clusters G", "items", "SE clustered", "SE independent", "design effect", "df", "wild bootstrap p"]
            .map(String::from)
            .to_vec(),
        rows,
    }]
}

/// One line per comparison, and the section's notes.
pub(crate) fn lines(f: &Findings) -> String {
    let Some(c) = &f.clustering else { return String::new() };
    let mut out = String::new();
    for r in &c.rows {
        if r.df.is_none() {
            let why = r.note.as_deref().unwrap_or("no clustered estimate");
            let _ = writeln!(out, "clustered by {} {} {}: {why}", c.column, r.model, what(r));
            continue;
        }
        let wild =
            r.wild_p.map(|p| format!(", wild cluster bootstrap p {}", format_p(Some(p)))).unwrap_or_default();
        let _ = writeln!(
            out,
            "clustered by {} {} {}: G = {}, SE {} vs {} independent, design effect {}{wild}",
            c.column,
            r.model,
            what(r),
            r.clusters,
            with_unit(r, r.se),
            with_unit(r, r.se_independent),
            num(r.design_effect, 2)
        );
    }
    for n in &c.notes {
        let _ = writeln!(out, "{n}");
    }
    out
}
