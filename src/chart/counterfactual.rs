//! Counterfactual-pair charts: the both-sides rate per metric (for verdicts, affirms both sides)
//! per source with Wilson whiskers, the baseline's bar first; and the asymmetry forest plot
//! (baseline hollow and grey, models in their colours, filled when significant) with a second
//! panel for each model's amplification of the baseline's asymmetry.

use crate::analysis::{Findings, PairRow};
use crate::chart::forest::{draw_rows, ForestRow, ROW};
use crate::chart::rates::{bar_chart, Bar, BarText};
use crate::chart::scene::{model_color, Anchor, Scene, BLACK, MUTED};

/// The rate a pair row is drawn by: affirms both sides for verdicts, else 1 on both sides.
fn headline(r: &PairRow) -> Option<Bar> {
    r.affirms_both.or(r.both).map(|x| Bar { value: x.rate, ci: x.ci })
}

/// Bars per metric over all pairs: the baseline, then each model.
pub(crate) fn both_sides_groups(f: &Findings) -> Vec<(String, Vec<Option<Bar>>)> {
    let all = |r: &&PairRow| r.group_by.is_none();
    let mut groups = Vec::new();
    for metric in &f.settings.metrics {
        let rows: Vec<&PairRow> = f.pairs.iter().filter(all).filter(|r| &r.metric == metric).collect();
        if rows.iter().all(|r| headline(r).is_none()) {
            continue;
        }
        let find = |source: &str| rows.iter().find(|r| r.source == source).and_then(|r| headline(r));
        let mut bars = vec![find(&f.settings.baseline)];
        bars.extend(f.alignment.iter().map(|a| find(&a.model)));
        let verdict = rows.iter().any(|r| r.affirms_both.is_some());
        groups.push((if verdict { format!("{metric} (affirms both)") } else { metric.clone() }, bars));
    }
    groups
}

/// The both-sides chart, or `None` without a pair rate.
pub(crate) fn both_sides_chart(f: &Findings) -> Option<Scene> {
    let groups = both_sides_groups(f);
    if groups.is_empty() {
        return None;
    }
    let conf = format!("{:.0}%", f.settings.confidence.get() * 100.0);
    let text = BarText {
        title: "How often each source gives the same answer to both sides of a pair".into(),
        subtitle: format!(
            "Share of pairs with the behaviour on both sides (verdicts: not at fault on both = affirms both sides), {conf} Wilson intervals; hatched = {}",
            f.settings.baseline
        ),
        y_label: "pairs (%)".into(),
    };
    Some(bar_chart(f, &groups, &text))
}

/// Asymmetry rows (percentage points): per metric the baseline (hollow, grey), then each model.
pub(crate) fn asymmetry_rows(f: &Findings) -> Vec<ForestRow> {
    let index = |m: &str| f.alignment.iter().position(|a| a.model == m);
    f.pairs
        .iter()
        .filter(|r| r.group_by.is_none())
        .filter_map(|r| {
            Some(ForestRow {
                label: format!("{} · {}", r.metric, r.source),
                estimate: r.asymmetry? * 100.0,
                ci: r.asymmetry_ci.map(|i| i.scaled(100.0)),
                significant: r.role == "model" && r.significant,
                color: index(&r.source).map_or(MUTED, model_color),
            })
        })
        .collect()
}

/// Amplification rows: each model's asymmetry minus the baseline's, on the same pairs.
pub(crate) fn amplification_rows(f: &Findings) -> Vec<ForestRow> {
    let index = |m: &str| f.alignment.iter().position(|a| a.model == m).unwrap_or(0);
    f.pair_tests
        .iter()
        .filter(|t| t.group_by.is_none() && t.measure == "asymmetry" && t.versus == f.settings.baseline)
        .filter_map(|t| {
            Some(ForestRow {
                label: format!("{} · {}", t.metric, t.model),
                estimate: t.difference? * 100.0,
                ci: t.difference_ci.map(|i| i.scaled(100.0)),
                significant: t.significant,
                color: model_color(index(&t.model)),
            })
        })
        .collect()
}

/// The asymmetry forest plot (and the amplification panel when the baseline labelled both
/// sides), or `None` without an asymmetry.
pub(crate) fn asymmetry_chart(f: &Findings) -> Option<Scene> {
    let rows = asymmetry_rows(f);
    if rows.is_empty() {
        return None;
    }
    let amplification = amplification_rows(f);
    let [a, b] = f.pairing.as_ref().map(|p| p.variants.clone())?;
    let top = 90.0;
    let second = top + rows.len() as f64 * ROW + 80.0;
    let height =
        second + amplification.len() as f64 * ROW + if amplification.is_empty() { 0.0 } else { 70.0 };
    let mut scene = Scene::new(
        1200,
        height as u32,
        &format!("Asymmetry between the sides: P({b}) − P({a})"),
        &format!(
            "Percentage points; {} hollow grey (Tango intervals); models filled when significant; below: model − {} asymmetry on the same pairs (paired t)",
            f.settings.baseline, f.settings.baseline
        ),
    );
    let panel = (380.0, top, 1080.0, top + rows.len() as f64 * ROW);
    draw_rows(&mut scene, &rows, panel, 360.0);
    scene.text(
        690.0 + 40.0,
        panel.3 + 40.0,
        &format!("{b} − {a} (percentage points)"),
        14.0,
        BLACK,
        Anchor::Middle,
    );
    if !amplification.is_empty() {
        let panel = (380.0, second, 1080.0, second + amplification.len() as f64 * ROW);
        draw_rows(&mut scene, &amplification, panel, 360.0);
        scene.text(
            730.0,
            panel.3 + 40.0,
            &format!("amplification: model − {} asymmetry (pp)", f.settings.baseline),
            14.0,
            BLACK,
            Anchor::Middle,
        );
    }
    Some(scene)
}
