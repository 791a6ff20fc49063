//! `amplify words`'s chart, one per model and level: for the words the model marks most more and
//! most less than the baseline, the baseline's δ (hatched) and the model's (coloured) as
//! diverging bars around 0, the amplification's z at the right.

use super::legend::{draw_legend, swatch, Entry};
use super::scene::{fit, model_color, ticks, Anchor, Scene, BLACK, GRID, MUTED};
use super::{slug, Chart};
use crate::analysis::{AmplifiedWord, WordsReport};
use crate::output::document::Anchor as Place;

/// Height of one word's row (two bars).
const ROW: f64 = 30.0;

/// One chart per model and level with amplified words.
pub(crate) fn words_charts(r: &WordsReport) -> Vec<Chart> {
    let mut charts = Vec::new();
    for (i, s) in r.summary.iter().enumerate() {
        let rows: Vec<&AmplifiedWord> =
            r.amplified.iter().filter(|a| a.model == s.model && a.level == s.level).collect();
        if rows.is_empty() {
            continue;
        }
        charts.push(Chart {
            name: format!("words-{}-{}", slug(&s.model), slug(&s.level)),
            caption: format!(
                "Words {} marks for {} (vs {}) more and less than {}",
                s.model, s.level, r.settings.reference, r.settings.baseline
            ),
            scene: scene(r, &rows, i),
            anchor: Place::Other,
        });
    }
    charts
}

fn scene(r: &WordsReport, rows: &[&AmplifiedWord], index: usize) -> Scene {
    let (model, level, reference) = (&rows[0].model, &rows[0].level, &r.settings.reference);
    let baseline = &r.settings.baseline;
    let top = 110.0;
    let bottom = top + rows.len() as f64 * ROW;
    let mut scene = Scene::new(
        1200,
        (bottom + 60.0) as u32,
        &format!("Words {model} marks for {level} vs {reference}, against {baseline}"),
        &format!(
            "Log-odds δ with the informative Dirichlet prior (Monroe et al. 2008); rows: the largest amplification z (δ_{model} − δ_{baseline}), either way"
        ),
    );
    let color = model_color(index);
    let legend =
        [Entry { name: baseline.clone(), color: None }, Entry { name: model.clone(), color: Some(color) }];
    draw_legend(&mut scene, &legend, 24.0, 70.0, 900.0);
    let panel = (240.0, top, 1040.0, bottom);
    let (lo, hi) = range(rows);
    let x = axis(&mut scene, panel, lo, hi);
    for (k, a) in rows.iter().enumerate() {
        let y = top + k as f64 * ROW;
        let word = fit(&a.word, 13.0, 200.0);
        scene.text(panel.0 - 12.0, y + ROW / 2.0, &word, 13.0, BLACK, Anchor::End);
        for (j, (delta, fill)) in
            [(a.baseline.delta, None), (a.model_side.delta, Some(color))].into_iter().enumerate()
        {
            let (x0, x1) = (x(0.0), x(delta));
            let bar_y = y + 4.0 + j as f64 * 11.0;
            swatch(&mut scene, x0.min(x1), bar_y, (x1 - x0).abs().max(1.0), 10.0, fill);
        }
        scene.text(panel.2 + 12.0, y + ROW / 2.0, &format!("z {:+.1}", a.z), 12.0, MUTED, Anchor::Start);
    }
    scene.text(
        (panel.0 + panel.2) / 2.0,
        bottom + 40.0,
        &format!("δ: log-odds of the word for {level} vs {reference} (> 0: more for {level})"),
        14.0,
        BLACK,
        Anchor::Middle,
    );
    scene
}

/// Grid lines and tick labels (as many decimals as the step needs) over round ticks covering
/// [lo, hi], a bold zero line; returns the value-to-pixel mapping.
fn axis(scene: &mut Scene, panel: (f64, f64, f64, f64), lo: f64, hi: f64) -> impl Fn(f64) -> f64 {
    let t = ticks(lo, hi, 8);
    let (lo, hi) = (lo.min(t[0]), hi.max(*t.last().unwrap_or(&hi)));
    let (left, top, right, bottom) = panel;
    let x = move |v: f64| left + (v - lo) / (hi - lo) * (right - left);
    let step = if t.len() > 1 { t[1] - t[0] } else { 1.0 };
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    for &v in &t {
        scene.line((x(v), top), (x(v), bottom), GRID, 1);
        let label = if v.abs() < step / 2.0 { "0".to_string() } else { format!("{v:+.decimals$}") };
        scene.text(x(v), bottom + 14.0, &label, 12.0, MUTED, Anchor::Middle);
    }
    scene.line((x(0.0), top), (x(0.0), bottom), BLACK, 2);
    x
}

/// The δ range of the rows, always including 0, padded.
fn range(rows: &[&AmplifiedWord]) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for a in rows {
        for d in [a.baseline.delta, a.model_side.delta] {
            lo = lo.min(d);
            hi = hi.max(d);
        }
    }
    let pad = ((hi - lo) * 0.05).max(0.01);
    (lo - pad, hi + pad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{WordSide, WordsSettings, WordsSummary};
    use crate::chart::scene::Shape;

    fn side(delta: f64) -> WordSide {
        WordSide {
            count: 1,
            reference_count: 1,
            per_thousand: None,
            reference_per_thousand: None,
            delta,
            se: 0.1,
            z: delta / 0.1,
        }
    }

    #[test]
    fn bars_start_at_zero_and_point_the_way_of_delta() {
        let word = |w: &str, h: f64, m: f64| AmplifiedWord {
            model: "m".into(),
            level: "f".into(),
            rank: 1,
            word: w.into(),
            amplification: m - h,
            se: 0.1,
            z: (m - h) / 0.1,
            baseline: side(h),
            model_side: side(m),
        };
        let report = WordsReport {
            schema: String::new(),
            amplify_version: String::new(),
            settings: WordsSettings {
                baseline: "human".into(),
                responses: Vec::new(),
                grouping: "g".into(),
                reference: "r".into(),
                tokenizer: String::new(),
                mask: None,
                stopwords: None,
                min_count: 1,
                prior_scale: 1.0,
                top: 10,
            },
            inputs: Vec::new(),
            corpus: Vec::new(),
            vocabulary: 2,
            marked: Vec::new(),
            amplified: vec![word("up", 0.1, 0.5), word("down", 0.0, -0.4)],
            summary: vec![WordsSummary {
                model: "m".into(),
                level: "f".into(),
                words: 2,
                baseline_marked: 2,
                same_direction: 1,
                stronger: 1,
                share_stronger: Some(0.5),
                amplified_words: 2,
            }],
            notes: Vec::new(),
        };
        let charts = words_charts(&report);
        assert_eq!(charts.len(), 1);
        assert_eq!(charts[0].name, "words-m-f");
        let filled: Vec<(f64, f64)> = charts[0]
            .scene
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Rect { x, w, fill: Some(c), h, .. } if *c == model_color(0) && *h == 10.0 => {
                    Some((*x, *w))
                }
                _ => None,
            })
            .collect();
        assert_eq!(filled.len(), 2, "one model bar per word");
        let zero = filled[0].0; // "up" starts at 0 and goes right
        assert!((filled[1].0 + filled[1].1 - zero).abs() < 1e-9, "\"down\" ends at 0: {filled:?}");
        assert!(filled[0].1 > filled[1].1, "|0.5| > |−0.4|");
    }
}
