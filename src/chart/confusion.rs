//! Chart 4: a confusion heatmap per source and metric judged against the truth.

use super::scene::{fit, Anchor, Rgb, Scene, Shape, BLACK, WHITE};
use crate::analysis::{Findings, TruthRow};

const PANEL_W: f64 = 270.0;
const PANEL_H: f64 = 230.0;
const PER_ROW: usize = 4;

/// The heatmaps, or `None` without truth rows.
pub(crate) fn confusion_chart(f: &Findings) -> Option<Scene> {
    let rows: Vec<&TruthRow> = f.truth.iter().filter(|t| t.n > 0).collect();
    if rows.is_empty() {
        return None;
    }
    let lines = rows.len().div_ceil(PER_ROW);
    let height = 90.0 + lines as f64 * (PANEL_H + 20.0) + 20.0;
    let truth = f.settings.truth.as_deref().unwrap_or("truth");
    let mut scene = Scene::new(
        1200,
        height as u32,
        &format!("Judgements against {truth}"),
        "Rows: truth; columns: judgement. Cells: count and share of the row (darker = larger share)",
    );
    for (i, row) in rows.iter().enumerate() {
        let x = 40.0 + (i % PER_ROW) as f64 * (PANEL_W + 20.0);
        let y = 90.0 + (i / PER_ROW) as f64 * (PANEL_H + 20.0);
        panel(&mut scene, row, x, y);
    }
    Some(scene)
}

/// Cell fill: white to Okabe–Ito blue by share.
pub(crate) fn shade(share: f64) -> Rgb {
    let t = share.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    Rgb(mix(255, 0), mix(255, 114), mix(255, 178))
}

fn panel(scene: &mut Scene, row: &TruthRow, x: f64, y: f64) {
    let title = fit(&format!("{} · {}", row.source, row.metric), 14.0, PANEL_W);
    scene.text(x, y + 8.0, &title, 14.0, BLACK, Anchor::Start);
    let (gx, gy, cell) = (x + 90.0, y + 46.0, 85.0);
    scene.text(gx + cell, y + 32.0, "judged at fault · not", 12.0, BLACK, Anchor::Middle);
    let cells = [[row.counts.tp, row.counts.fn_], [row.counts.fp, row.counts.tn]];
    for (r, (label, counts)) in ["at fault", "not at fault"].iter().zip(cells).enumerate() {
        let total = (counts[0] + counts[1]).max(1) as f64;
        scene.text(gx - 8.0, gy + (r as f64 + 0.5) * cell, label, 12.0, BLACK, Anchor::End);
        for (c, count) in counts.iter().enumerate() {
            let share = *count as f64 / total;
            let (cx, cy) = (gx + c as f64 * cell, gy + r as f64 * cell);
            scene.shapes.push(Shape::Rect {
                x: cx,
                y: cy,
                w: cell,
                h: cell,
                fill: Some(shade(share)),
                stroke: Some(BLACK),
            });
            let ink = if share > 0.55 { WHITE } else { BLACK };
            scene.text(cx + cell / 2.0, cy + cell / 2.0 - 9.0, &count.to_string(), 15.0, ink, Anchor::Middle);
            scene.text(
                cx + cell / 2.0,
                cy + cell / 2.0 + 11.0,
                &format!("{:.1}%", share * 100.0),
                12.0,
                ink,
                Anchor::Middle,
            );
        }
    }
}
