//! The verdict classes' transition heatmaps (`--verdict-classes`): one k×k panel per table, the
//! reference's class down the side, the source's across; cells shaded by their share of the row.

use super::confusion::shade;
use super::scene::{fit, Anchor, Scene, Shape, BLACK, WHITE};
use crate::analysis::findings::{ClassTable, VerdictClasses};
use crate::analysis::Findings;

const WIDTH: f64 = 1200.0;
const CELL: f64 = 62.0;

/// The heatmaps, or `None` without a table holding an item.
pub(crate) fn transitions_chart(f: &Findings) -> Option<Scene> {
    let v = f.verdict_classes.as_ref()?;
    let tables: Vec<&ClassTable> =
        v.tables.iter().filter(|t| t.counts.iter().flatten().any(|n| *n > 0)).collect();
    if tables.is_empty() {
        return None;
    }
    let k = v.classes.len() as f64;
    let (panel_w, panel_h) = (110.0 + k * CELL, 80.0 + k * CELL);
    // As many panels side by side as fit in the chart's width (at least one; many classes widen it).
    let per_row = (((WIDTH - 40.0) / (panel_w + 40.0)) as usize).max(1);
    let lines = tables.len().div_ceil(per_row);
    let width = WIDTH.max(80.0 + panel_w);
    let height = 90.0 + lines as f64 * (panel_h + 30.0);
    let mut scene = Scene::new(
        width as u32,
        height as u32,
        "Verdict classes: where each verdict goes",
        "Rows: the reference's class; columns: the source's. Cells: count and share of the row (darker = larger share)",
    );
    for (i, t) in tables.iter().enumerate() {
        let x = 40.0 + (i % per_row) as f64 * (panel_w + 40.0);
        let y = 90.0 + (i / per_row) as f64 * (panel_h + 30.0);
        panel(&mut scene, v, t, x, y, panel_w);
    }
    Some(scene)
}

fn panel(scene: &mut Scene, v: &VerdictClasses, t: &ClassTable, x: f64, y: f64, width: f64) {
    let title = fit(&format!("{} · {} (rows) → {}", t.metric, t.reference, t.source), 14.0, width);
    scene.text(x, y + 8.0, &title, 14.0, BLACK, Anchor::Start);
    let (gx, gy) = (x + 60.0, y + 46.0);
    for (c, class) in v.classes.iter().enumerate() {
        let label = fit(class, 12.0, CELL - 4.0);
        scene.text(gx + (c as f64 + 0.5) * CELL, y + 34.0, &label, 12.0, BLACK, Anchor::Middle);
    }
    for (r, (class, row)) in v.classes.iter().zip(&t.counts).enumerate() {
        let total = row.iter().sum::<u64>().max(1) as f64;
        let cy = gy + r as f64 * CELL;
        scene.text(gx - 6.0, cy + CELL / 2.0 + 4.0, &fit(class, 12.0, 54.0), 12.0, BLACK, Anchor::End);
        for (c, count) in row.iter().enumerate() {
            let share = *count as f64 / total;
            let cx = gx + c as f64 * CELL;
            let fill = Some(shade(share));
            scene.shapes.push(Shape::Rect { x: cx, y: cy, w: CELL, h: CELL, fill, stroke: Some(BLACK) });
            let ink = if share > 0.55 { WHITE } else { BLACK };
            scene.text(cx + CELL / 2.0, cy + CELL / 2.0 - 4.0, &count.to_string(), 13.0, ink, Anchor::Middle);
            let percent = format!("{:.0}%", share * 100.0);
            scene.text(cx + CELL / 2.0, cy + CELL / 2.0 + 13.0, &percent, 11.0, ink, Anchor::Middle);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::scene::Shape;

    fn findings_with(tables: Vec<ClassTable>) -> Findings {
        let mut f = crate::chart::tests::findings(&["m"], &["verdict"]);
        f.verdict_classes = Some(VerdictClasses {
            classes: vec!["YTA".into(), "NTA".into(), "ESH".into()],
            test: "Stuart–Maxwell".into(),
            tables,
            rates: Vec::new(),
            homogeneity: Vec::new(),
            movements: Vec::new(),
        });
        f
    }

    fn table(counts: Vec<Vec<u64>>) -> ClassTable {
        ClassTable {
            metric: "verdict".into(),
            source: "m".into(),
            reference: "human".into(),
            counts,
            outside: 0,
        }
    }

    #[test]
    fn one_cell_per_class_pair_shaded_by_its_share_of_the_row() {
        let f = findings_with(vec![table(vec![vec![6, 3, 1], vec![0, 10, 0], vec![0, 0, 0]])]);
        let scene = transitions_chart(&f).expect("a chart");
        let cells: Vec<_> = scene
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Rect { w, fill: Some(fill), .. } if *w == CELL => Some(*fill),
                _ => None,
            })
            .collect();
        assert_eq!(cells.len(), 9);
        assert_eq!(cells[0], shade(0.6));
        assert_eq!(cells[4], shade(1.0));
        assert_eq!(cells[8], shade(0.0), "an empty row stays white");
        let texts: Vec<&str> = scene
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(texts.contains(&"60%") && texts.contains(&"30%"), "{texts:?}");
    }

    #[test]
    fn no_item_no_chart() {
        assert!(transitions_chart(&findings_with(vec![table(vec![vec![0; 3]; 3])])).is_none());
        assert!(transitions_chart(&crate::chart::tests::findings(&["m"], &["verdict"])).is_none());
    }
}
