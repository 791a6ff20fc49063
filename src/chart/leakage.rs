//! `amplify leakage`'s chart: per measure, each source's leakage with its interval
//! (the baseline hatched, models coloured) and the chance level as a dashed line.

use super::legend::{draw_legend, swatch, Entry};
use super::scene::{model_color, ticks, Anchor, Rgb, Scene, Shape, BLACK, GRID, MUTED};
use super::Chart;
use crate::analysis::LeakageReport;
use crate::output::document::Anchor as Place;

/// Row height per source.
const ROW: f64 = 28.0;

/// The one chart, or `None` without a value to draw.
pub(crate) fn leakage_chart(r: &LeakageReport) -> Option<Chart> {
    r.sources.iter().any(|s| s.value.is_some()).then(|| Chart {
        name: "leakage".into(),
        caption: format!("How well an attacker reads {} from each source's text", r.settings.grouping),
        scene: scene(r),
        anchor: Place::Other,
    })
}

fn scene(r: &LeakageReport) -> Scene {
    let names: Vec<&str> = {
        let mut n: Vec<&str> = Vec::new();
        for s in &r.sources {
            if !n.contains(&s.source.as_str()) {
                n.push(&s.source);
            }
        }
        n
    };
    let measures = ["balanced_accuracy", "lic"];
    let block = names.len() as f64 * ROW + 40.0;
    let top = 110.0;
    let bottom = top + measures.len() as f64 * block;
    let mut scene = Scene::new(
        1200,
        (bottom + 60.0) as u32,
        &format!("Leakage of {} from each source's text", r.settings.grouping),
        &format!(
            "Out-of-fold balanced accuracy and LIC of a TF-IDF logistic attacker ({}-fold), {:.0}% {}; dashed: chance",
            r.settings.folds,
            r.settings.confidence * 100.0,
            if r.settings.bootstrap > 0 { "bootstrap intervals" } else { "influence-function intervals (LIC)" }
        ),
    );
    let legend: Vec<Entry> = names
        .iter()
        .enumerate()
        .map(|(i, n)| Entry { name: n.to_string(), color: (i > 0).then(|| model_color(i - 1)) })
        .collect();
    draw_legend(&mut scene, &legend, 24.0, 70.0, 1100.0);
    let (left, right) = (300.0, 1100.0);
    let x = |v: f64| left + v * (right - left);
    for (b, m) in measures.iter().enumerate() {
        let y0 = top + b as f64 * block;
        scene.text(
            24.0,
            y0 + 12.0,
            if *m == "lic" { "LIC" } else { "balanced accuracy" },
            15.0,
            BLACK,
            Anchor::Start,
        );
        let y1 = y0 + 24.0 + names.len() as f64 * ROW;
        for t in ticks(0.0, 1.0, 10) {
            scene.line((x(t), y0 + 24.0), (x(t), y1), GRID, 1);
            scene.text(x(t), y1 + 12.0, &format!("{:.0}%", t * 100.0), 12.0, MUTED, Anchor::Middle);
        }
        for (i, name) in names.iter().enumerate() {
            let Some(s) = r.sources.iter().find(|s| s.source == *name && s.measure == *m) else { continue };
            let y = y0 + 24.0 + (i as f64 + 0.5) * ROW;
            scene.text(left - 12.0, y, &super::scene::fit(name, 13.0, 250.0), 13.0, BLACK, Anchor::End);
            let color: Option<Rgb> = (i > 0).then(|| model_color(i - 1));
            if let Some(ci) = s.ci {
                scene.line((x(ci.low), y), (x(ci.high), y), color.unwrap_or(BLACK), 2);
            }
            if let Some(v) = s.value {
                swatch(&mut scene, x(v) - 6.0, y - 6.0, 12.0, 12.0, color);
            }
            dashed(&mut scene, x(s.chance), y - ROW / 2.0 + 2.0, y + ROW / 2.0 - 2.0);
        }
    }
    scene
}

fn dashed(scene: &mut Scene, x: f64, from: f64, to: f64) {
    let mut y = from;
    while y < to {
        scene.shapes.push(Shape::Line {
            points: vec![(x, y), (x, (y + 4.0).min(to))],
            color: MUTED,
            width: 1,
        });
        y += 8.0;
    }
}
