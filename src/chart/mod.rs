//! Charts (the only module that imports plotters): chart builders compute a [`scene::Scene`]
//! from [`Findings`] (pure, unit-tested geometry) and [`render`] draws it as SVG and PNG;
//! [`words`] and [`leakage`] draw the documents of `amplify words` and `amplify leakage`.

pub(crate) mod confusion;
pub(crate) mod counterfactual;
pub(crate) mod forest;
pub(crate) mod groups;
pub(crate) mod leakage;
pub(crate) mod legend;
pub(crate) mod rates;
pub(crate) mod render;
pub(crate) mod scene;
pub(crate) mod transitions;
pub(crate) mod versus;
pub(crate) mod words;

use crate::analysis::Findings;
use crate::error::{AmplifyError, Result};
use crate::output::document::Anchor;
use scene::Scene;
use std::path::{Path, PathBuf};

/// A chart ready to render: a file stem, a caption and its scene.
pub(crate) struct Chart {
    /// File stem (`rates`, `differences`, `groups-<grouping>`, ...).
    pub name: String,
    /// One-line caption for reports.
    pub caption: String,
    /// What to draw.
    pub scene: Scene,
    /// Where reports place it.
    pub anchor: Anchor,
}

/// A chart the findings could not support: where it would have been, and why not.
pub(crate) struct Skipped {
    /// "name: reason".
    pub note: String,
    /// Where reports say so.
    pub anchor: Anchor,
}

/// The tallest chart drawn, in pixels (about 800 rows); a taller one is skipped with a note
/// rather than rendered as a bitmap of hundreds of megabytes.
const MAX_HEIGHT: u32 = 20_000;

/// Every chart the findings support, plus a note for each chart skipped for lack of data or for
/// too many rows.
pub(crate) fn build_charts(f: &Findings) -> (Vec<Chart>, Vec<Skipped>) {
    let mut charts = Vec::new();
    let mut skipped = Vec::new();
    let mut anchor = Anchor::Comparisons;
    let mut push = |name: String, caption: String, scene: Option<Scene>, why: &str, at: &Anchor| {
        match scene {
        Some(scene) if scene.height > MAX_HEIGHT => skipped.push(Skipped {
            note: format!(
                "{name}: too many rows to draw ({} px tall, at most {MAX_HEIGHT}); the tables have every number",
                scene.height
            ),
            anchor: at.clone(),
        }),
        Some(scene) => charts.push(Chart { name, caption, scene, anchor: at.clone() }),
        None => skipped.push(Skipped { note: format!("{name}: {why}"), anchor: at.clone() }),
    }
    };
    push(
        "rates".into(),
        "Rates per behaviour with Wilson intervals".into(),
        rates::rates_chart(f),
        "no rate to draw",
        &anchor,
    );
    let alone = f.data.as_ref().is_some_and(|d| d.alone);
    if !alone {
        push(
            "differences".into(),
            "Model − baseline differences (Tango intervals)".into(),
            forest::differences_chart(f),
            "no difference with an estimate",
            &anchor,
        );
    }
    if !f.truth.is_empty() {
        anchor = Anchor::Truth;
        push(
            "confusion".into(),
            "Judgements against the ground truth".into(),
            confusion::confusion_chart(f),
            "no item with a valid truth",
            &anchor,
        );
    }
    if f.verdict_classes.is_some() {
        anchor = Anchor::Classes;
        push(
            "verdict-classes".into(),
            "Verdict classes: each reference class's verdicts by the source".into(),
            transitions::transitions_chart(f),
            "no table with an item",
            &anchor,
        );
    }
    // Without a model there is no gap amplification to draw (the data's gaps are in its tables).
    for g in f.groupings.iter().filter(|_| !alone) {
        anchor = Anchor::Grouping(g.group_by.clone());
        let amp = groups::amplification_charts(f).into_iter().find(|(n, _)| n == &g.group_by).map(|(_, s)| s);
        push(
            format!("groups-{}", slug(&g.group_by)),
            format!("Gap amplification by {}", g.group_by),
            amp,
            "no level with an amplification estimate",
            &anchor,
        );
        if !f.truth.is_empty() {
            let err =
                groups::error_rate_charts(f).into_iter().find(|(n, _)| n == &g.group_by).map(|(_, s)| s);
            push(
                format!("error-rates-{}", slug(&g.group_by)),
                format!("FNR and FPR by {}", g.group_by),
                err,
                "no error rate by level",
                &anchor,
            );
        }
    }
    if f.pairing.is_some() {
        anchor = Anchor::Pairs;
        push(
            "pairs-both-sides".into(),
            "Counterfactual pairs: the same answer on both sides (Wilson intervals)".into(),
            counterfactual::both_sides_chart(f),
            "no source has a pair valid on both sides",
            &anchor,
        );
        push(
            "pairs-asymmetry".into(),
            "Counterfactual pairs: asymmetry between the sides and its amplification".into(),
            counterfactual::asymmetry_chart(f),
            "no asymmetry with an estimate",
            &anchor,
        );
    }
    if f.versus.is_some() {
        anchor = Anchor::Conditions;
        push(
            "conditions-heatmap".into(),
            "Conditions against the base model: Δ per measure (blue = better, vermillion = worse)".into(),
            versus::heatmap(f),
            "no condition with a difference",
            &anchor,
        );
        if !f.truth.is_empty() {
            push(
                "conditions-tradeoff".into(),
                "FNR against FPR per model: the trade-off of each condition".into(),
                versus::tradeoff(f),
                "fewer than two models with FNR and FPR",
                &anchor,
            );
        }
    }
    (charts, skipped)
}

/// A file-name-safe, unique version of a name: the name itself when it is made of ASCII letters,
/// digits, `-` and `_` only; else those characters (others folded into `-`) plus 8 hex digits of
/// the name's SHA-256, so that `a b` and `a/b`, or `é` and `ü`, get charts of their own.
pub(crate) fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    let s = s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if s == name {
        return s;
    }
    use sha2::Digest;
    let hash: String =
        sha2::Sha256::digest(name.as_bytes()).iter().take(4).map(|b| format!("{b:02x}")).collect();
    if s.is_empty() {
        hash
    } else {
        format!("{s}-{hash}")
    }
}

/// Renders every chart to `<dir>/<name>.svg` and `<dir>/<name>.png`; returns the SVG texts by name.
pub(crate) fn write_charts(charts: &[Chart], dir: &Path) -> Result<Vec<(String, String)>> {
    let err = |path: PathBuf, reason: String| AmplifyError::Output { path, reason };
    let io = |path: PathBuf, source: std::io::Error| AmplifyError::Write { path, source };
    std::fs::create_dir_all(dir).map_err(|e| io(dir.to_path_buf(), e))?;
    let mut svgs = Vec::new();
    for chart in charts {
        let svg =
            render::to_svg(&chart.scene).map_err(|e| err(dir.join(format!("{}.svg", chart.name)), e))?;
        let svg_path = dir.join(format!("{}.svg", chart.name));
        std::fs::write(&svg_path, &svg).map_err(|e| io(svg_path.clone(), e))?;
        let png_path = dir.join(format!("{}.png", chart.name));
        render::to_png(&chart.scene, &png_path).map_err(|e| err(png_path.clone(), e))?;
        svgs.push((chart.name.clone(), svg));
    }
    Ok(svgs)
}

#[cfg(test)]
mod tests;
