//! Geometry tests: what the chart builders draw, without rendering.

use super::forest::{difference_rows, differences_chart, value_range};
use super::rates::{rate_groups, rates_chart};
use super::scene::{text_width, Anchor, Shape};
use crate::analysis::{Alignment, Comparison, Findings, Overall, Settings};
use crate::data::Layout;
use crate::stats::Interval;

/// Findings with `models` × `metrics` comparisons; model i has rate 0.3 + 0.05·i on every metric.
pub(super) fn findings(models: &[&str], metrics: &[&str]) -> Findings {
    let settings = Settings {
        id_column: Some("id".into()),
        bootstrap: 100,
        ..Settings::new("human", metrics.iter().map(|m| m.to_string()).collect(), Layout::Tidy)
    };
    let mut comparisons = Vec::new();
    for (i, model) in models.iter().enumerate() {
        for metric in metrics {
            let rate = 0.3 + 0.05 * i as f64;
            comparisons.push(Comparison {
                metric: metric.to_string(),
                model: model.to_string(),
                n: 100,
                baseline_rate: Some(0.2),
                baseline_ci: Some(Interval::new(0.13, 0.29)),
                model_rate: Some(rate),
                model_ci: Some(Interval::new(rate - 0.08, rate + 0.09)),
                difference: Some(rate - 0.2),
                difference_ci: Some(Interval::new(rate - 0.3, rate - 0.1)),
                both: 10,
                model_only: 20,
                baseline_only: 10,
                neither: 60,
                p_value: Some(0.01),
                p_adjusted: Some(0.02),
                cohens_h: Some(0.1),
                ratio: Some(1.5),
                invalid_baseline: 0,
                invalid_model: 0,
                significant: i % 2 == 0,
                note: None,
                mde: None,
                method: None,
            });
        }
    }
    Findings {
        schema: crate::analysis::FINDINGS_SCHEMA.into(),
        amplify_version: "test".into(),
        settings,
        inputs: vec![],
        data: None,
        alignment: models
            .iter()
            .map(|m| Alignment { model: m.to_string(), matched: 100, baseline_only: 0, model_only: 0 })
            .collect(),
        comparisons,
        overall: models
            .iter()
            .map(|m| Overall {
                model: m.to_string(),
                n: 100,
                baseline_score: Some(0.25),
                model_score: Some(0.5),
                difference: Some(0.25),
                difference_ci: None,
                p_value: None,
                p_adjusted: None,
                significant: false,
                method: None,
            })
            .collect(),
        truth: vec![],
        truth_tests: vec![],
        groupings: vec![],
        groups: vec![],
        bias_amplification: vec![],
        detectable: None,
        agreement: vec![],
        differential: vec![],
        corrected: vec![],
        corrected_groups: vec![],
        instability: vec![],
        versus: None,
        ranking: None,
        heterogeneity: Vec::new(),
        verdict_classes: None,
        clustering: None,
        missing: None,
        pairing: None,
        pairs: vec![],
        pair_tests: vec![],
        pair_truth: vec![],
    }
}

fn texts(shapes: &[Shape]) -> Vec<(f64, f64, String, f64, Anchor)> {
    shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Text { x, y, text, size, anchor, vertical: false, .. } => {
                Some((*x, *y, text.clone(), *size, *anchor))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn rate_groups_put_overall_first_and_the_baseline_first_in_each_group() {
    let f = findings(&["a", "b"], &["m1", "m2"]);
    let groups = rate_groups(&f);
    assert_eq!(groups.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(), ["overall", "m1", "m2"]);
    let m1 = &groups[1].1;
    assert_eq!(m1.len(), 3);
    assert_eq!(m1[0].as_ref().unwrap().value, 0.2, "baseline first");
    assert!((m1[2].as_ref().unwrap().value - 0.35).abs() < 1e-12);
}

#[test]
fn bar_heights_are_proportional_and_whiskers_span_the_interval() {
    let f = findings(&["a"], &["m1"]);
    let scene = rates_chart(&f).unwrap();
    let bars: Vec<(f64, f64)> = scene
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Rect { y, h, fill: Some(c), .. }
                if *c == super::scene::model_color(0) && (y + h - 470.0).abs() < 1e-9 =>
            {
                Some((*y, *h))
            }
            _ => None,
        })
        .collect();
    // overall 0.5 and m1 0.3 for model a: heights 190 and 114 px of a 380 px plot.
    assert_eq!(bars.len(), 2, "{bars:?}");
    assert!((bars[0].1 - 190.0).abs() < 1e-9 && (bars[1].1 - 114.0).abs() < 1e-9, "{bars:?}");
    // The model's whisker runs from its interval's low (0.22) to high (0.39) on the 0–100% axis.
    let to_y = |v: f64| 90.0 + 380.0 * (1.0 - v);
    let whisker = scene.shapes.iter().any(|s| match s {
        Shape::Line { points, .. } => {
            points.len() == 2
                && points[0].0 == points[1].0
                && (points[0].1 - to_y(0.22)).abs() < 1e-6
                && (points[1].1 - to_y(0.39)).abs() < 1e-6
        }
        _ => false,
    });
    assert!(whisker, "whisker spans the Wilson interval");
}

#[test]
fn many_models_and_long_names_do_not_overlap_and_keep_full_names_in_the_legend() {
    let long = "an-extremely-long-model-name-from-a-registry/v2-instruct-2026-11";
    let mut models: Vec<String> = (0..9).map(|i| format!("model_{i}")).collect();
    models.push(long.to_string());
    let refs: Vec<&str> = models.iter().map(String::as_str).collect();
    let f = findings(
        &refs,
        &[
            "emotional_validation",
            "indirect_language",
            "indirect_action",
            "accept_framing",
            "moral_endorsement",
        ],
    );
    let scene = rates_chart(&f).unwrap();
    let labels = texts(&scene.shapes);
    assert!(labels.iter().any(|t| t.2 == long), "full long name in the legend");
    // Axis labels under groups: centred, and no two overlap.
    let mut axis: Vec<_> =
        labels.iter().filter(|t| t.4 == Anchor::Middle && (t.1 - 486.0).abs() < 1.0).collect();
    axis.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(axis.len(), 6, "overall + 5 metrics");
    for w in axis.windows(2) {
        let right = w[0].0 + text_width(&w[0].2, w[0].3) / 2.0;
        let left = w[1].0 - text_width(&w[1].2, w[1].3) / 2.0;
        assert!(right <= left, "'{}' overlaps '{}'", w[0].2, w[1].2);
    }
    assert!(
        labels.iter().all(|t| t.0 <= scene.width as f64 && t.1 <= scene.height as f64),
        "inside the canvas"
    );
    // Legend rows fit the canvas width: each entry starts inside it.
    let forest = differences_chart(&f).unwrap();
    let rows = texts(&forest.shapes).into_iter().filter(|t| t.4 == Anchor::End && t.0 < 400.0).count();
    assert_eq!(rows, 50, "one labelled row per metric × model");
    assert!(
        texts(&forest.shapes).iter().any(|t| t.2.ends_with('…')),
        "the long name is truncated in row labels"
    );
}

#[test]
fn forest_rows_mark_significance_and_the_range_includes_zero() {
    let f = findings(&["a", "b"], &["m1"]);
    let rows = difference_rows(&f);
    assert_eq!(rows.len(), 2);
    assert!(rows[0].significant && !rows[1].significant);
    assert!((rows[0].estimate - 10.0).abs() < 1e-9, "percentage points");
    let (lo, hi) = value_range(&rows);
    assert!(lo <= 0.0 && hi >= rows[1].ci.unwrap().high);
    let scene = differences_chart(&f).unwrap();
    let stars = texts(&scene.shapes).iter().filter(|t| t.2 == "*").count();
    assert_eq!(stars, 1);
}

#[test]
fn nothing_to_draw_gives_no_chart() {
    let mut f = findings(&["a"], &["m1"]);
    f.comparisons.clear();
    f.overall.clear();
    f.settings.metrics.clear();
    assert!(rates_chart(&f).is_none());
    assert!(differences_chart(&f).is_none());
    let (charts, skipped) = super::build_charts(&f);
    assert!(charts.is_empty());
    assert_eq!(skipped.len(), 2);
}
