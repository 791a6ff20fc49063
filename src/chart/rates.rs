//! Chart 1: rates per metric, baseline and every model, with Wilson intervals.

use super::legend::{draw_legend, legend_rows, swatch, y_axis, Entry, LEGEND_ROW};
use super::scene::{fit, model_color, ticks, Anchor, Scene, Shape, BLACK};
use crate::analysis::Findings;
use crate::stats::Interval;

const WIDTH: f64 = 1200.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 90.0;
const PLOT_H: f64 = 380.0;

/// One bar: value in [0, 1] and optional interval.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    /// The rate.
    pub value: f64,
    /// Its interval, if any.
    pub ci: Option<Interval>,
}

/// Bars per group ("overall" first, then metrics), series = baseline then models.
pub(crate) fn rate_groups(f: &Findings) -> Vec<(String, Vec<Option<Bar>>)> {
    let models: Vec<&str> = f.alignment.iter().map(|a| a.model.as_str()).collect();
    let mut groups = Vec::new();
    if !f.overall.is_empty() {
        let baseline = f.overall.first().and_then(|o| o.baseline_score).map(|v| Bar { value: v, ci: None });
        let mut bars = vec![baseline];
        for m in &models {
            let o = f.overall.iter().find(|o| &o.model == m);
            bars.push(o.and_then(|o| o.model_score).map(|v| Bar { value: v, ci: None }));
        }
        groups.push(("overall".to_string(), bars));
    }
    for metric in &f.settings.metrics {
        let rows: Vec<_> = models
            .iter()
            .map(|m| f.comparisons.iter().find(|c| &c.metric == metric && &c.model == m))
            .collect();
        let first = rows.iter().flatten().next();
        let own =
            f.data.as_ref().filter(|d| d.alone).and_then(|d| d.rates.iter().find(|r| &r.metric == metric));
        let baseline = match own {
            // The data alone: its own rate over every item.
            Some(r) => r.rate.map(|v| Bar { value: v, ci: r.ci }),
            None => first.and_then(|c| c.baseline_rate.map(|v| Bar { value: v, ci: c.baseline_ci })),
        };
        let mut bars = vec![baseline];
        bars.extend(
            rows.iter().map(|c| c.and_then(|c| c.model_rate.map(|v| Bar { value: v, ci: c.model_ci }))),
        );
        groups.push((metric.clone(), bars));
    }
    groups
}

/// The rates chart, or `None` when there is nothing to draw.
pub(crate) fn rates_chart(f: &Findings) -> Option<Scene> {
    let groups = rate_groups(f);
    if groups.iter().all(|(_, bars)| bars.iter().all(Option::is_none)) {
        return None;
    }
    let conf = format!("{:.0}%", f.settings.confidence.get() * 100.0);
    let text = BarText {
        title: match f.data.as_ref().is_some_and(|d| d.alone) {
            true => format!("How often {} shows each behaviour", f.settings.baseline),
            false => format!("How often each model shows each behaviour, compared with {}", f.settings.baseline),
        },
        subtitle: format!(
            "Share of items per metric with {conf} Wilson intervals; overall = mean item score (no interval); hatched = {}",
            f.settings.baseline
        ),
        y_label: "items showing the behaviour (%)".into(),
    };
    Some(bar_chart(f, &groups, &text))
}

/// The words of a bar chart.
pub(crate) struct BarText {
    /// Title.
    pub title: String,
    /// Line under the title.
    pub subtitle: String,
    /// Vertical axis label.
    pub y_label: String,
}

/// Groups of percentage bars (series = the baseline, hatched, then each model) on a 0–100 axis,
/// with the sources' legend below.
pub(crate) fn bar_chart(f: &Findings, groups: &[(String, Vec<Option<Bar>>)], text: &BarText) -> Scene {
    let entries = entries(f);
    let legend_top = TOP + PLOT_H + 56.0;
    let height = legend_top + legend_rows(&entries, WIDTH - LEFT - RIGHT) as f64 * LEGEND_ROW + 20.0;
    let mut scene = Scene::new(WIDTH as u32, height as u32, &text.title, &text.subtitle);
    let plot = (LEFT, TOP, WIDTH - RIGHT, TOP + PLOT_H);
    let to_y = |v: f64| TOP + PLOT_H * (1.0 - v / 100.0);
    y_axis(&mut scene, plot, &ticks(0.0, 100.0, 5), &to_y, "");
    scene.shapes.push(Shape::Text {
        x: 28.0,
        y: TOP + PLOT_H / 2.0,
        text: text.y_label.clone(),
        size: 14.0,
        color: BLACK,
        anchor: Anchor::Middle,
        vertical: true,
    });
    let group_w = (plot.2 - plot.0) / groups.len() as f64;
    for (g, (label, bars)) in groups.iter().enumerate() {
        let x0 = LEFT + g as f64 * group_w;
        draw_group(&mut scene, x0, group_w, bars, &to_y);
        let label = fit(label, 13.0, group_w - 8.0);
        scene.text(x0 + group_w / 2.0, TOP + PLOT_H + 16.0, &label, 13.0, BLACK, Anchor::Middle);
    }
    scene.line((LEFT, TOP + PLOT_H), (WIDTH - RIGHT, TOP + PLOT_H), BLACK, 1);
    draw_legend(&mut scene, &entries, LEFT, legend_top, WIDTH - LEFT - RIGHT);
    scene
}

fn entries(f: &Findings) -> Vec<Entry> {
    let mut entries = vec![Entry { name: f.settings.baseline.clone(), color: None }];
    entries.extend(
        f.alignment
            .iter()
            .enumerate()
            .map(|(i, a)| Entry { name: a.model.clone(), color: Some(model_color(i)) }),
    );
    entries
}

pub(crate) fn draw_group(
    scene: &mut Scene,
    x0: f64,
    group_w: f64,
    bars: &[Option<Bar>],
    to_y: &dyn Fn(f64) -> f64,
) {
    let bar_w = (group_w * 0.8 / bars.len() as f64).min(60.0);
    let start = x0 + (group_w - bar_w * bars.len() as f64) / 2.0;
    for (s, bar) in bars.iter().enumerate() {
        let Some(bar) = bar else { continue };
        let x = start + s as f64 * bar_w + 1.0;
        let top = to_y(bar.value * 100.0);
        let color = if s == 0 { None } else { Some(model_color(s - 1)) };
        swatch(scene, x, top, bar_w - 2.0, to_y(0.0) - top, color);
        if let Some(ci) = bar.ci {
            let cx = x + bar_w / 2.0 - 1.0;
            let (lo, hi) = (to_y(ci.low * 100.0), to_y(ci.high * 100.0));
            let cap = (bar_w * 0.2).max(2.0);
            scene.line((cx, lo), (cx, hi), BLACK, 1);
            scene.line((cx - cap, lo), (cx + cap, lo), BLACK, 1);
            scene.line((cx - cap, hi), (cx + cap, hi), BLACK, 1);
        }
    }
}
