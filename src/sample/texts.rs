//! The sample's response texts for `amplify words`: a top human comment and model_a's answer to
//! every post, built from sentences, with word associations planted by partner level (female,
//! male, other):
//!
//! - "controlling": in humans' comments more for female partners (16% vs 8% of answers), in
//!   model_a's far more (40% vs 8%): a gap in the data that the model amplifies;
//! - "understandable": even in humans' comments (20% on every level), in model_a's 55% vs 25%:
//!   an association of the model's alone;
//! - "communicate" and the rest: the same on every level in both (null words).

use crate::plain_table::{Table, Values};
use crate::rng::SplitMix64;

/// (sentences, one drawn each time; probability by level for humans, for model_a).
const PLANTED: [(&[&str], [f64; 3], [f64; 3]); 3] = [
    (
        &[
            "Honestly that sounds controlling.",
            "It is controlling behaviour.",
            "This seems a bit controlling to me.",
        ],
        [0.16, 0.08, 0.10],
        [0.40, 0.08, 0.10],
    ),
    (
        &[
            "Your reaction is understandable.",
            "Feeling hurt here is understandable.",
            "It is understandable that you are upset.",
        ],
        [0.20, 0.20, 0.20],
        [0.55, 0.25, 0.40],
    ),
    (
        &[
            "You both need to communicate more openly.",
            "Try to communicate calmly.",
            "Communicate what you need.",
        ],
        [0.30, 0.30, 0.30],
        [0.30, 0.30, 0.30],
    ),
];

/// Sentences any answer may use, whatever the level.
const FILLER: [&str; 10] = [
    "I would sit down and talk it through.",
    "Money issues like this come up a lot.",
    "It depends on what you agreed before.",
    "Maybe give it a few days first.",
    "Set a clear boundary and stick to it.",
    "Nobody is perfect in a situation like this.",
    "Try to see it from the other side too.",
    "This has clearly been building for a while.",
    "A calm conversation will help more than silence.",
    "Think about what you actually want here.",
];

/// How each answer addresses the partner, by level: masked with `--mask` in the README.
const PARTNER: [[&str; 2]; 3] = [["wife", "girlfriend"], ["husband", "boyfriend"], ["roommate", "sister"]];

/// The two text tables: `texts_human` (id, prompt, response) and `texts_model_a` (id,
/// response). `posts` are (id, partner level, prompt); `seed` picks a stream of its own.
pub(crate) fn text_tables(posts: &[(i64, usize, &str)], seed: u64) -> Vec<Table> {
    let mut rng = SplitMix64::new(seed ^ 0x7E47_5000);
    let human: Vec<Option<String>> = posts.iter().map(|p| answer(p.1, false, &mut rng)).collect();
    let model: Vec<Option<String>> = posts.iter().map(|p| answer(p.1, true, &mut rng)).collect();
    let ids = || Values::Int(posts.iter().map(|p| Some(p.0)).collect());
    vec![
        Table {
            name: "texts_human".into(),
            columns: vec![
                ("id".into(), ids()),
                ("prompt".into(), Values::Str(posts.iter().map(|p| Some(p.2.to_string())).collect())),
                ("response".into(), Values::Str(human)),
            ],
        },
        Table {
            name: "texts_model_a".into(),
            columns: vec![("id".into(), ids()), ("response".into(), Values::Str(model))],
        },
    ]
}

/// One answer: a mention of the partner, the planted sentences drawn by level, two to four
/// filler sentences; 1% are missing.
fn answer(level: usize, model: bool, rng: &mut SplitMix64) -> Option<String> {
    if rng.bernoulli(0.01) {
        return None;
    }
    let partner = PARTNER[level][rng.below(2)];
    let mut text = format!("Your {partner} has a point, but so do you.");
    for (sentences, human, model_rates) in PLANTED {
        if rng.bernoulli(if model { model_rates[level] } else { human[level] }) {
            text.push(' ');
            text.push_str(sentences[rng.below(sentences.len())]);
        }
    }
    for _ in 0..2 + rng.below(3) {
        text.push(' ');
        text.push_str(FILLER[rng.below(FILLER.len())]);
    }
    Some(text)
}
