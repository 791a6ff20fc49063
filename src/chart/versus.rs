//! Conditions charts (`--versus BASE`): the mitigation heatmap (conditions × measures, cell = Δ
//! against the base model on a diverging scale centred at 0, significant cells marked) and the
//! FNR–FPR trade-off (every model at its FPR and FNR with interval crosses, a line from the base
//! model to each condition), so a "fix" that buys a lower FNR with a higher FPR shows at a glance.

use super::scene::{fit, model_color, ticks, Anchor, Rgb, Scene, Shape, BLACK, MUTED, WHITE};
use crate::analysis::{Findings, TruthRow, Versus};

/// Better than the base: Okabe–Ito blue; worse: Okabe–Ito vermillion.
const BETTER: Rgb = Rgb(0, 114, 178);
const WORSE: Rgb = Rgb(213, 94, 0);

/// Whether a lower value of a measure is better. Every measure amplify compares conditions on is
/// a behaviour (sycophantic when shown: flip its polarity with `--invert` otherwise) or an error
/// rate, so lower is better for all; a measure where higher is better would return false here.
pub(crate) fn lower_is_better(_measure: &str) -> bool {
    true
}

/// One cell: Δ (model − base, proportion) and whether it is significant after adjustment.
pub(crate) type Cell = Option<(f64, bool)>;

/// The heatmap's measures (columns) and conditions (rows) with their cells.
pub(crate) fn heatmap_cells(f: &Findings, v: &Versus) -> (Vec<String>, Vec<(String, Vec<Cell>)>) {
    let judged: Vec<&str> = f.truth.iter().map(|t| t.metric.as_str()).collect();
    let mut measures: Vec<(String, String, &str)> = f
        .settings
        .metrics
        .iter()
        .filter(|m| !judged.contains(&m.as_str()))
        .map(|m| (m.clone(), m.clone(), "rate"))
        .collect();
    for metric in f.settings.metrics.iter().filter(|m| judged.contains(&m.as_str())) {
        measures.push((format!("FNR ({metric})"), metric.clone(), "fnr"));
        measures.push((format!("FPR ({metric})"), metric.clone(), "fpr"));
    }
    let mut conditions: Vec<String> = Vec::new();
    for m in v.comparisons.iter().map(|c| &c.model).chain(v.truth_tests.iter().map(|t| &t.model)) {
        if !conditions.contains(m) {
            conditions.push(m.clone());
        }
    }
    let rows = conditions
        .into_iter()
        .map(|model| {
            let cells = measures
                .iter()
                .map(|(_, metric, kind)| match *kind {
                    "rate" => v
                        .comparisons
                        .iter()
                        .find(|c| c.model == model && &c.metric == metric)
                        .and_then(|c| c.difference.map(|d| (d, c.significant))),
                    _ => v
                        .truth_tests
                        .iter()
                        .find(|t| t.model == model && &t.metric == metric && t.rate == *kind)
                        .and_then(|t| t.difference.map(|d| (d, t.significant))),
                })
                .collect();
            (model, cells)
        })
        .collect();
    (measures.into_iter().map(|m| m.0).collect(), rows)
}

/// The fill of a cell: white at 0, towards blue when better than the base, vermillion when worse,
/// saturating at `max` (the largest |Δ| of the chart).
pub(crate) fn diverging(delta: f64, max: f64, lower_better: bool) -> Rgb {
    let t = (delta.abs() / max.max(1e-9)).clamp(0.0, 1.0);
    let better = (delta < 0.0) == lower_better;
    let to = if better { BETTER } else { WORSE };
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    Rgb(mix(255, to.0), mix(255, to.1), mix(255, to.2))
}

/// The mitigation heatmap, or `None` without a versus section.
pub(crate) fn heatmap(f: &Findings) -> Option<Scene> {
    let v = f.versus.as_ref()?;
    let (measures, rows) = heatmap_cells(f, v);
    if rows.is_empty() || measures.is_empty() {
        return None;
    }
    let (label_w, cell_w, cell_h) = (220.0, 150.0, 48.0);
    let width = (40.0 + label_w + cell_w * measures.len() as f64 + 40.0).max(700.0);
    let height = 130.0 + cell_h * rows.len() as f64 + 50.0;
    let mut scene = Scene::new(
        width as u32,
        height as u32,
        &format!("Conditions against {}", v.base),
        "Cell: condition − base in pp; blue = lower than the base (better), vermillion = higher (worse); * = significant (adjusted)",
    );
    let max = rows.iter().flat_map(|(_, c)| c.iter().flatten().map(|(d, _)| d.abs())).fold(0.0, f64::max);
    let (left, top) = (40.0 + label_w, 110.0);
    for (j, m) in measures.iter().enumerate() {
        let x = left + (j as f64 + 0.5) * cell_w;
        scene.text(x, top - 14.0, &fit(m, 12.0, cell_w - 6.0), 12.0, BLACK, Anchor::Middle);
    }
    for (i, (model, cells)) in rows.iter().enumerate() {
        let y = top + i as f64 * cell_h;
        scene.text(
            left - 10.0,
            y + cell_h / 2.0,
            &fit(model, 13.0, label_w - 10.0),
            13.0,
            BLACK,
            Anchor::End,
        );
        for (j, cell) in cells.iter().enumerate() {
            let rect = (left + j as f64 * cell_w, y, cell_w, cell_h);
            draw_cell(&mut scene, rect, *cell, max, lower_is_better(&measures[j]));
        }
    }
    Some(scene)
}

/// The trade-off chart's axes: grid and ticks (percent), and both axis titles.
fn axes(scene: &mut Scene, plot: (f64, f64, f64, f64), (xt, x_hi): (&[f64], f64), (yt, y_hi): (&[f64], f64)) {
    super::legend::y_axis(scene, plot, yt, &|t| plot.3 - t / y_hi * (plot.3 - plot.1), "%");
    super::legend::x_axis(scene, plot, xt, &|t| plot.0 + t / x_hi * (plot.2 - plot.0), false);
    let middle = (plot.0 + plot.2) / 2.0;
    scene.text(
        middle,
        plot.3 + 40.0,
        "FPR: not-at-fault posts judged at fault (%)",
        13.0,
        MUTED,
        Anchor::Middle,
    );
    scene.shapes.push(Shape::Text {
        x: 30.0,
        y: (plot.1 + plot.3) / 2.0,
        text: "FNR: missed faults (%)".into(),
        size: 13.0,
        color: MUTED,
        anchor: Anchor::Middle,
        vertical: true,
    });
}

/// One heatmap cell at (x, y, w, h): its fill on the diverging scale, Δ in pp and `*` when
/// significant; "–" on white without an estimate.
fn draw_cell(
    scene: &mut Scene,
    (x, y, w, h): (f64, f64, f64, f64),
    cell: Cell,
    max: f64,
    lower_better: bool,
) {
    let fill = cell.map(|(d, _)| diverging(d, max, lower_better)).unwrap_or(WHITE);
    scene.shapes.push(Shape::Rect { x, y, w, h, fill: Some(fill), stroke: Some(MUTED) });
    let text = match cell {
        Some((d, sig)) => format!("{:+.1}{}", d * 100.0, if sig { " *" } else { "" }),
        None => "–".into(),
    };
    let dark = cell.is_some_and(|(d, _)| d.abs() / max.max(1e-9) > 0.6);
    scene.text(x + w / 2.0, y + h / 2.0, &text, 14.0, if dark { WHITE } else { BLACK }, Anchor::Middle);
}

/// Each model's truth row of the first metric judged against the truth (the base first).
fn tradeoff_rows<'a>(f: &'a Findings, v: &Versus) -> Vec<&'a TruthRow> {
    let Some(metric) = f.truth.first().map(|t| t.metric.as_str()) else { return Vec::new() };
    let mut models = vec![v.base.as_str()];
    models.extend(f.alignment.iter().map(|a| a.model.as_str()).filter(|m| *m != v.base));
    models
        .iter()
        .filter_map(|m| {
            f.truth.iter().find(|t| {
                t.source == *m && t.metric == metric && t.rates.fnr.is_some() && t.rates.fpr.is_some()
            })
        })
        .collect()
}

/// The FNR–FPR trade-off chart, or `None` without a versus section and a truth.
pub(crate) fn tradeoff(f: &Findings) -> Option<Scene> {
    let v = f.versus.as_ref()?;
    let rows = tradeoff_rows(f, v);
    // The first row is drawn as the base: without the base's own row there is nothing to anchor.
    if rows.len() < 2 || rows[0].source != v.base {
        return None;
    }
    // The ranking's Pareto front (with --rank-by and a truth), ringed.
    let on_front = |model: &str| {
        f.ranking.as_ref().is_some_and(|r| r.rows.iter().any(|x| x.model == model && x.pareto == Some(true)))
    };
    let rings = rows.iter().any(|r| on_front(&r.source));
    let mut scene = Scene::new(
        900,
        680,
        "Missed faults against false blame",
        &format!(
            "FNR (at-fault posts judged not at fault) against FPR, {:.0}% interval crosses; lines from {}{}",
            f.settings.confidence.get() * 100.0,
            v.base,
            if rings { "; rings: the Pareto front" } else { "" }
        ),
    );
    let hi = |get: &dyn Fn(&TruthRow) -> f64| rows.iter().map(|r| get(r)).fold(0.0, f64::max) * 100.0;
    let x_max = hi(&|r| r.rates.fpr_ci.map_or(r.rates.fpr.unwrap_or(0.0), |c| c.high));
    let y_max = hi(&|r| r.rates.fnr_ci.map_or(r.rates.fnr.unwrap_or(0.0), |c| c.high));
    let (xt, yt) = (ticks(0.0, x_max.max(5.0), 6), ticks(0.0, y_max.max(5.0), 6));
    let (x_hi, y_hi) = (*xt.last().unwrap_or(&100.0), *yt.last().unwrap_or(&100.0));
    let plot = (90.0, 90.0, 860.0, 610.0);
    let to_x = |p: f64| plot.0 + p * 100.0 / x_hi * (plot.2 - plot.0);
    let to_y = |p: f64| plot.3 - p * 100.0 / y_hi * (plot.3 - plot.1);
    axes(&mut scene, plot, (&xt, x_hi), (&yt, y_hi));
    let base = (to_x(rows[0].rates.fpr.unwrap_or(0.0)), to_y(rows[0].rates.fnr.unwrap_or(0.0)));
    for (i, r) in rows.iter().enumerate() {
        let color = if i == 0 { BLACK } else { model_color(i - 1) };
        let (x, y) = (to_x(r.rates.fpr.unwrap_or(0.0)), to_y(r.rates.fnr.unwrap_or(0.0)));
        if on_front(&r.source) {
            // Drawn first: a ring's white core would hide the lines and the marker under it.
            scene.shapes.push(Shape::Circle { x, y, r: 11.0, color, filled: false });
        }
        if i > 0 {
            scene.line(base, (x, y), MUTED, 1);
        }
        if let Some(c) = r.rates.fpr_ci {
            scene.line((to_x(c.low), y), (to_x(c.high), y), color, 2);
        }
        if let Some(c) = r.rates.fnr_ci {
            scene.line((x, to_y(c.low)), (x, to_y(c.high)), color, 2);
        }
        scene.shapes.push(Shape::Circle { x, y, r: 6.0, color, filled: true });
        let dy = if i % 2 == 0 { -12.0 } else { 14.0 };
        scene.text(x + 10.0, y + dy, &fit(&r.source, 12.0, 220.0), 12.0, color, Anchor::Start);
    }
    Some(scene)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diverging_scale_is_white_at_zero_and_saturates() {
        assert_eq!(diverging(0.0, 0.2, true), Rgb(255, 255, 255));
        assert_eq!(diverging(-0.2, 0.2, true), BETTER);
        assert_eq!(diverging(0.5, 0.2, true), WORSE);
        assert_eq!(diverging(-0.2, 0.2, false), WORSE, "higher-is-better measures flip");
    }
}
