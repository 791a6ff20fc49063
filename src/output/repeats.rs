//! The instability section of a run with repeated samples or annotators (`--sample`,
//! `--annotator`, `--repeated`), and a sentence on sources whose single samples would mislead.

use super::content::{pct, with_ci, Section};
use crate::analysis::Findings;

fn num(x: Option<f64>, digits: usize) -> String {
    x.map(|v| format!("{v:.digits$}")).unwrap_or_else(|| "–".into())
}

/// The instability section (none without repeat rows).
pub(crate) fn sections(f: &Findings) -> Vec<Section> {
    if f.instability.is_empty() {
        return Vec::new();
    }
    let misleading: Vec<String> = f
        .instability
        .iter()
        .filter(|r| r.one_sample_misleads)
        .map(|r| {
            format!(
                "{} {}: the first sample of each item gives {}%, outside the {}% interval of all samples",
                r.source,
                r.metric,
                pct(r.one_sample_rate),
                with_ci(r.rate, r.rate_ci, false)
            )
        })
        .collect();
    let warning = match misleading.is_empty() {
        true => String::new(),
        false => format!(" One sample per item can mislead: {}.", misleading.join("; ")),
    };
    vec![Section {
        title: "Instability across samples".into(),
        intro: format!(
            "Per source and metric over its items: how often an item's samples (annotators) disagree, the intra-item correlation ICC(1), the design effect 1 + (k* − 1)·max(ICC, 0) (k* = Σk²/N) and the samples it leaves effectively; Fleiss' κ among the samples of an item (Fleiss–Cuzick for varying numbers). Rate: mean of the item means, t interval over items (the unit of inference). Row-level CI: Wilson over all samples as if independent (too narrow when ICC > 0). One sample: the first sample of each item.{warning}"
        ),
        headers: [
            "source", "metric", "kind", "items", "samples/item", "disagree %", "ICC", "design effect",
            "effective n", "Fleiss κ", "rate % [item CI]", "row-level CI", "one sample % [CI]",
        ]
        .map(String::from)
        .to_vec(),
        rows: f
            .instability
            .iter()
            .map(|r| {
                vec![
                    r.source.clone(),
                    r.metric.clone(),
                    r.kind.clone(),
                    r.items.to_string(),
                    format!("{:.2}", r.measures.mean_samples),
                    pct(r.measures.share_disagree),
                    num(r.measures.icc, 3),
                    num(r.measures.design_effect, 2),
                    num(r.measures.effective_n, 0),
                    num(r.measures.fleiss_kappa, 3),
                    with_ci(r.rate, r.rate_ci, false),
                    super::content::pct_ci(r.naive_ci, false),
                    with_ci(r.one_sample_rate, r.one_sample_ci, false) + if r.one_sample_misleads { " !" } else { "" },
                ]
            })
            .collect(),
    }]
}
