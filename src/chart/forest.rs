//! Chart 2: forest plot of model − baseline differences (percentage points) with intervals, and
//! the shared machinery for interval rows used by the group chart.

use super::legend::difference_axis;
use super::scene::{fit, model_color, Anchor, Rgb, Scene, Shape, BLACK, MUTED};
use crate::analysis::Findings;
use crate::stats::Interval;

/// Row height in pixels.
pub(crate) const ROW: f64 = 24.0;

/// One row of a forest plot, in percentage points.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ForestRow {
    /// Row label (metric · model).
    pub label: String,
    /// Point estimate.
    pub estimate: f64,
    /// Interval.
    pub ci: Option<Interval>,
    /// Significant after correction.
    pub significant: bool,
    /// Marker colour.
    pub color: Rgb,
}

/// Rows of the differences chart: one per metric × model with an estimate.
pub(crate) fn difference_rows(f: &Findings) -> Vec<ForestRow> {
    let index = |m: &str| f.alignment.iter().position(|a| a.model == m).unwrap_or(0);
    f.comparisons
        .iter()
        .filter_map(|c| {
            Some(ForestRow {
                label: format!("{} · {}", c.metric, c.model),
                estimate: c.difference? * 100.0,
                ci: c.difference_ci.map(|i| i.scaled(100.0)),
                significant: c.significant,
                color: model_color(index(&c.model)),
            })
        })
        .collect()
}

/// The differences forest plot, or `None` when no row has an estimate.
pub(crate) fn differences_chart(f: &Findings) -> Option<Scene> {
    let rows = difference_rows(f);
    if rows.is_empty() {
        return None;
    }
    let conf = format!("{:.0}%", f.settings.confidence.get() * 100.0);
    let top = 90.0;
    let height = top + rows.len() as f64 * ROW + 70.0;
    let mut scene = Scene::new(
        1200,
        height as u32,
        &format!("Model − {} difference per behaviour", f.settings.baseline),
        &format!(
            "Percentage points with {conf} Tango score intervals; filled and starred = significant after {} correction",
            correction_name(f)
        ),
    );
    let panel = (380.0, top, 1080.0, top + rows.len() as f64 * ROW);
    draw_rows(&mut scene, &rows, panel, 360.0);
    scene.text(
        (panel.0 + panel.2) / 2.0,
        panel.3 + 40.0,
        &format!("model − {} (percentage points)", f.settings.baseline),
        14.0,
        BLACK,
        Anchor::Middle,
    );
    Some(scene)
}

/// The correction's display name.
pub(crate) fn correction_name(f: &Findings) -> &'static str {
    match f.settings.correction {
        crate::stats::multiplicity::Correction::Holm => "Holm",
        crate::stats::multiplicity::Correction::Bh => "Benjamini–Hochberg",
        crate::stats::multiplicity::Correction::None => "no",
    }
}

/// The x range of rows (estimates and interval bounds), always including 0, padded by 5%.
pub(crate) fn value_range(rows: &[ForestRow]) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for r in rows {
        lo = lo.min(r.estimate).min(r.ci.map_or(r.estimate, |c| c.low));
        hi = hi.max(r.estimate).max(r.ci.map_or(r.estimate, |c| c.high));
    }
    let pad = ((hi - lo) * 0.05).max(1.0);
    (lo - pad, hi + pad)
}

/// Draws labelled interval rows into `panel` = (left, top, right, bottom), labels in the
/// `label_width` pixels left of it (no labels when 0).
pub(crate) fn draw_rows(
    scene: &mut Scene,
    rows: &[ForestRow],
    panel: (f64, f64, f64, f64),
    label_width: f64,
) {
    let (lo, hi) = value_range(rows);
    let scale = difference_axis(scene, panel, lo, hi, 8);
    let to_x = |v: f64| scale.x(v);
    for (i, r) in rows.iter().enumerate() {
        let y = panel.1 + (i as f64 + 0.5) * ROW;
        if label_width > 0.0 {
            let label = fit(&r.label, 13.0, label_width - 16.0);
            let color = if r.significant { BLACK } else { MUTED };
            scene.text(panel.0 - 12.0, y, &label, 13.0, color, Anchor::End);
        }
        if let Some(ci) = r.ci {
            scene.line((to_x(ci.low), y), (to_x(ci.high), y), r.color, 2);
        }
        scene.shapes.push(Shape::Circle {
            x: to_x(r.estimate),
            y,
            r: 5.0,
            color: r.color,
            filled: r.significant,
        });
        if r.significant {
            scene.text(panel.2 + 10.0, y, "*", 16.0, BLACK, Anchor::Start);
        }
    }
}
