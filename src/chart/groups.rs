//! Chart 3: per grouping, each level's baseline gap and model gap to the reference (dumbbell) and
//! the amplification with its interval. Chart 4b: FNR and FPR by group.

use super::forest::{correction_name, draw_rows, ForestRow, ROW};
use super::legend::{difference_axis, x_axis};
use super::scene::{fit, model_color, ticks, Anchor, Scene, Shape, BLACK, GRID, MUTED};
use crate::analysis::{Findings, GroupRow};

/// The rows of one grouping's chart (every measure, levels other than the reference); with
/// shrunken estimates (8 or more levels), each measure, metric and model's levels by their
/// shrunken amplification, largest first, so that noise does not decide the order.
pub(crate) fn amplification_rows<'a>(f: &'a Findings, group_by: &str) -> Vec<&'a GroupRow> {
    let mut rows: Vec<&GroupRow> = f
        .groups
        .iter()
        .filter(|g| g.group_by == group_by && g.level != g.reference && g.amplification.is_some())
        .collect();
    if rows.iter().any(|r| r.shrunken.is_some()) {
        // Each set's place (its first row's), then the shrunken value, largest first.
        let mut sets: Vec<(&str, &str, &str)> = Vec::new();
        let mut keyed: Vec<(usize, f64, &GroupRow)> = rows
            .iter()
            .map(|r| {
                let set = (r.measure.as_str(), r.metric.as_str(), r.model.as_str());
                let place = sets.iter().position(|s| *s == set).unwrap_or_else(|| {
                    sets.push(set);
                    sets.len() - 1
                });
                (place, -r.shrunken.unwrap_or(f64::NEG_INFINITY), *r)
            })
            .collect();
        keyed.sort_by(|a, b| (a.0, a.1).partial_cmp(&(b.0, b.1)).unwrap_or(std::cmp::Ordering::Equal));
        rows = keyed.into_iter().map(|(_, _, r)| r).collect();
    }
    rows
}

/// One amplification chart per grouping that has rows (others are skipped).
pub(crate) fn amplification_charts(f: &Findings) -> Vec<(String, Scene)> {
    f.groupings
        .iter()
        .filter_map(|g| amplification_chart(f, &g.group_by).map(|s| (g.group_by.clone(), s)))
        .collect()
}

fn amplification_chart(f: &Findings, group_by: &str) -> Option<Scene> {
    let rows = amplification_rows(f, group_by);
    let reference = rows.first()?.reference.clone();
    let index = |m: &str| f.alignment.iter().position(|a| a.model == m).unwrap_or(0);
    let top = 110.0;
    let height = top + rows.len() as f64 * ROW + 70.0;
    let mut scene = Scene::new(
        1200,
        height as u32,
        &format!("Does the model widen the {group_by} gap? (reference: {reference})"),
        &format!(
            "Left: gap to {reference} in {} (hollow) and in the model (filled), pp. Right: amplification = model gap − {} gap, Welch {:.0}% CI; * = significant ({}){}",
            f.settings.baseline,
            f.settings.baseline,
            f.settings.confidence.get() * 100.0,
            correction_name(f),
            if rows.iter().any(|r| r.shrunken.is_some()) { "; levels by shrunken value" } else { "" }
        ),
    );
    let left = (420.0, top, 770.0, top + rows.len() as f64 * ROW);
    let right = (820.0, top, 1150.0, top + rows.len() as f64 * ROW);
    dumbbells(&mut scene, &rows, left, &index);
    let amp: Vec<ForestRow> = rows
        .iter()
        .map(|r| ForestRow {
            label: String::new(),
            estimate: r.amplification.unwrap_or(0.0) * 100.0,
            ci: r.amplification_ci.map(|c| c.scaled(100.0)),
            significant: r.significant,
            color: model_color(index(&r.model)),
        })
        .collect();
    draw_rows(&mut scene, &amp, right, 0.0);
    scene.text((left.0 + left.2) / 2.0, top - 16.0, "gap to reference (pp)", 13.0, BLACK, Anchor::Middle);
    scene.text((right.0 + right.2) / 2.0, top - 16.0, "amplification (pp)", 13.0, BLACK, Anchor::Middle);
    Some(scene)
}

fn dumbbells(
    scene: &mut Scene,
    rows: &[&GroupRow],
    panel: (f64, f64, f64, f64),
    index: &dyn Fn(&str) -> usize,
) {
    let values: Vec<f64> =
        rows.iter().flat_map(|r| [r.baseline_gap, r.model_gap]).flatten().map(|v| v * 100.0).collect();
    let lo = values.iter().copied().fold(0.0f64, f64::min) - 2.0;
    let hi = values.iter().copied().fold(0.0f64, f64::max) + 2.0;
    let scale = difference_axis(scene, panel, lo, hi, 6);
    let to_x = |v: f64| scale.x(v);
    for (i, r) in rows.iter().enumerate() {
        let y = panel.1 + (i as f64 + 0.5) * ROW;
        let label = format!("{} · {} · {} · {}", r.level, r.measure, r.metric, r.model);
        scene.text(
            panel.0 - 12.0,
            y,
            &fit(&label, 12.0, 396.0),
            12.0,
            if r.significant { BLACK } else { MUTED },
            Anchor::End,
        );
        let (Some(b), Some(m)) = (r.baseline_gap, r.model_gap) else { continue };
        scene.line((to_x(b * 100.0), y), (to_x(m * 100.0), y), GRID, 3);
        scene.shapes.push(Shape::Circle { x: to_x(b * 100.0), y, r: 5.0, color: BLACK, filled: false });
        scene.shapes.push(Shape::Circle {
            x: to_x(m * 100.0),
            y,
            r: 5.0,
            color: model_color(index(&r.model)),
            filled: true,
        });
    }
}

/// FNR and FPR per level and source for every grouping with error-rate rows.
pub(crate) fn error_rate_charts(f: &Findings) -> Vec<(String, Scene)> {
    f.groupings
        .iter()
        .filter_map(|g| error_rate_chart(f, &g.group_by).map(|s| (g.group_by.clone(), s)))
        .collect()
}

fn error_rate_chart(f: &Findings, group_by: &str) -> Option<Scene> {
    let rows = error_rows(f, group_by);
    if rows.is_empty() {
        return None;
    }
    let top = 90.0;
    let height = top + rows.len() as f64 * ROW + 70.0;
    let mut scene = Scene::new(
        1200,
        height as u32,
        &format!("Error rates against {} by {group_by}", f.settings.truth.as_deref().unwrap_or("the truth")),
        "Filled: FNR (at-fault posts judged not at fault: sycophancy); hollow: FPR; percent of items",
    );
    let panel = (380.0, top, 1150.0, top + rows.len() as f64 * ROW);
    let to_x = |v: f64| panel.0 + v / 100.0 * (panel.2 - panel.0);
    let tick_values = ticks(0.0, 100.0, 10);
    x_axis(&mut scene, panel, &tick_values, &to_x, false);
    for (i, (label, color, fnr, fpr)) in rows.iter().enumerate() {
        let y = panel.1 + (i as f64 + 0.5) * ROW;
        scene.text(panel.0 - 12.0, y, &fit(label, 13.0, 340.0), 13.0, BLACK, Anchor::End);
        if let Some(v) = fnr {
            scene.shapes.push(Shape::Circle { x: to_x(v * 100.0), y, r: 5.0, color: *color, filled: true });
        }
        if let Some(v) = fpr {
            scene.shapes.push(Shape::Circle { x: to_x(v * 100.0), y, r: 5.0, color: *color, filled: false });
        }
    }
    scene.text((panel.0 + panel.2) / 2.0, panel.3 + 40.0, "error rate (%)", 14.0, BLACK, Anchor::Middle);
    Some(scene)
}

type ErrorRow = (String, super::scene::Rgb, Option<f64>, Option<f64>);

fn error_rows(f: &Findings, group_by: &str) -> Vec<ErrorRow> {
    let find = |measure: &str, level: &str, model: &str| {
        f.groups
            .iter()
            .find(|g| g.group_by == group_by && g.measure == measure && g.level == level && g.model == model)
    };
    let mut out = Vec::new();
    let Some(grouping) = f.groupings.iter().find(|g| g.group_by == group_by) else { return out };
    for level in &grouping.levels {
        let Some(first) = f.alignment.first() else { break };
        let (fnr, fpr) = (find("fnr", &level.level, &first.model), find("fpr", &level.level, &first.model));
        if fnr.is_none() && fpr.is_none() {
            continue;
        }
        let label = format!("{} · {}", level.level, f.settings.baseline);
        out.push((label, BLACK, fnr.and_then(|r| r.baseline_rate), fpr.and_then(|r| r.baseline_rate)));
        for (i, a) in f.alignment.iter().enumerate() {
            let (fnr, fpr) = (find("fnr", &level.level, &a.model), find("fpr", &level.level, &a.model));
            out.push((
                format!("{} · {}", level.level, a.model),
                model_color(i),
                fnr.and_then(|r| r.model_rate),
                fpr.and_then(|r| r.model_rate),
            ));
        }
    }
    out
}
