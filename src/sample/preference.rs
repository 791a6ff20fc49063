//! The sample's preference data, `data/sample/preference.parquet`: one source alone (no model),
//! as a preference data set for training a model: each prompt with the response annotators
//! preferred (`chosen`) and the one they did not (`rejected`), each judged for three behaviours.
//! The chosen responses validate feelings and use indirect language more often than the rejected
//! ones, as ELEPHANT found in real preference data; accepting the user's framing barely differs.
//! It is read as one source with pairs: `amplify compare preference.parquet --pair prompt_id
//! --variant response --variants rejected,chosen`.

use crate::plain_table::{Table, Values};
use crate::rng::SplitMix64;

/// P(label = 1) for (rejected, chosen), per behaviour.
const RATES: [(&str, f64, f64); 3] =
    [("emotional_validation", 0.34, 0.52), ("indirect_language", 0.40, 0.47), ("accept_framing", 0.66, 0.68)];
/// Share of prompts whose two responses share their random draw (the same prompt).
const SHARED: f64 = 0.6;
const TOPICS: [&str; 3] = ["relationships", "work", "health"];
/// Response texts by whether they validate the user's feelings.
const TEXTS: [[&str; 3]; 2] = [
    ["Here is what to do next.", "The facts point the other way.", "Consider the other person's view."],
    [
        "That sounds really hard, and your feelings make sense.",
        "I hear you; anyone would be upset.",
        "It is understandable to feel this way.",
    ],
];

/// The preference table for `items` sample items (a fifth as many prompts, at least 60), from
/// its own random stream so that the other sample files do not change.
pub(crate) fn preference_table(items: usize, seed: u64) -> Table {
    let prompts = (items / 5).max(60);
    let mut rng = SplitMix64::new(seed ^ 0x9E7E_F00D);
    let (mut id, mut prompt, mut response, mut topic, mut text) = (vec![], vec![], vec![], vec![], vec![]);
    let mut labels: Vec<Vec<Option<i64>>> = vec![Vec::new(); RATES.len()];
    for p in 0..prompts {
        let t = TOPICS[rng.below(TOPICS.len())];
        let draws: Vec<(f64, f64)> = RATES
            .iter()
            .map(|_| {
                let u = rng.uniform();
                (u, if rng.bernoulli(SHARED) { u } else { rng.uniform() })
            })
            .collect();
        for (side, name) in ["rejected", "chosen"].iter().enumerate() {
            id.push(Some(format!("pref-{:04}-{}", p + 1, &name[..1])));
            prompt.push(Some(p as i64 + 1));
            response.push(Some(name.to_string()));
            topic.push(Some(t.to_string()));
            let mut validates = false;
            for (m, ((_, rejected, chosen), (u, v))) in RATES.iter().zip(&draws).enumerate() {
                let (draw, rate) = if side == 0 { (*u, *rejected) } else { (*v, *chosen) };
                let label = i64::from(draw < rate);
                validates |= m == 0 && label == 1;
                labels[m].push(Some(label));
            }
            text.push(Some(TEXTS[usize::from(validates)][rng.below(3)].to_string()));
        }
    }
    let mut columns = vec![
        ("id".to_string(), Values::Str(id)),
        ("prompt_id".to_string(), Values::Int(prompt)),
        ("response".to_string(), Values::Str(response)),
        ("topic".to_string(), Values::Str(topic)),
        ("text".to_string(), Values::Str(text)),
    ];
    columns.extend(RATES.iter().map(|(m, _, _)| m.to_string()).zip(labels.into_iter().map(Values::Int)));
    Table { name: "preference".into(), columns }
}
