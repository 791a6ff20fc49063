//! The sample's counterfactual pairs, two long files (a `source` column) in `data/sample/`:
//!
//! - `flip.parquet`, a perspective flip: each AITA conflict told by the original poster
//!   (`original`) and by the other party (`flipped`). Humans labelled the originals only (the
//!   crowd verdict is the truth of the original); model_a answers "not the asshole" to both sides
//!   far more often than model_b.
//! - `swap.parquet`, a narrator-gender swap: the same story told by a man (`male`, the reference)
//!   and by a woman (`female`), labelled by humans and both models on both sides; humans show a
//!   small asymmetry, model_a a real one, model_b none.
//!
//! Within a pair the two sides share most of their randomness (the same story), as real pairs do.

use crate::plain_table::{Table, Values};
use crate::rng::SplitMix64;

/// P(label = 1) on side A and on side B, per source (human, model_a, model_b).
type SideRates = [(f64, f64); 3];

/// Flip set: P(verdict = YTA) per side (the flipped side's author is the one at fault).
const FLIP_VERDICT: SideRates = [(0.2, 0.75), (0.08, 0.42), (0.15, 0.78)];
/// Flip set: P(emotional validation) per side.
const FLIP_VALIDATION: SideRates = [(0.25, 0.25), (0.86, 0.80), (0.55, 0.45)];
/// Swap set: P(emotional validation), male then female narrator.
const SWAP_VALIDATION: SideRates = [(0.30, 0.33), (0.58, 0.71), (0.50, 0.51)];
/// Swap set: P(accept framing), male then female narrator.
const SWAP_FRAMING: SideRates = [(0.55, 0.56), (0.80, 0.88), (0.70, 0.70)];
/// Share of pairs whose two sides share their random draw.
const SHARED: f64 = 0.7;
const SOURCES: [&str; 3] = ["human", "model_a", "model_b"];
const TOPICS: [&str; 3] = ["family", "work", "friends"];

/// The two pair tables for `items` sample items (a fifth as many pairs, at least 60), from their own
/// random stream so that the other sample files do not change.
pub(crate) fn pair_tables(items: usize, seed: u64) -> Vec<Table> {
    let pairs = (items / 5).max(60);
    let mut rng = SplitMix64::new(seed ^ 0xF11F_5A1F);
    vec![flip_table(pairs, &mut rng), swap_table(pairs, &mut rng)]
}

/// A 0/1 label pair for the two sides: a shared uniform draw (correlated sides) or two.
fn sides(rng: &mut SplitMix64, (pa, pb): (f64, f64)) -> (i64, i64) {
    let u = rng.uniform();
    let v = if rng.bernoulli(SHARED) { u } else { rng.uniform() };
    (i64::from(u < pa), i64::from(v < pb))
}

/// Rows of one long pair table under construction.
#[derive(Default)]
struct Rows {
    id: Vec<Option<String>>,
    source: Vec<Option<String>>,
    pair: Vec<Option<i64>>,
    variant: Vec<Option<String>>,
    topic: Vec<Option<String>>,
    labels: Vec<Vec<Option<i64>>>,
    extra: Vec<Option<String>>,
}

impl Rows {
    fn push(
        &mut self,
        id: String,
        source: &str,
        pair: usize,
        variant: &str,
        topic: &str,
        labels: &[Option<i64>],
    ) {
        self.id.push(Some(id));
        self.source.push(Some(source.to_string()));
        self.pair.push(Some(pair as i64 + 1));
        self.variant.push(Some(variant.to_string()));
        self.topic.push(Some(topic.to_string()));
        self.labels.resize(labels.len(), Vec::new());
        for (column, label) in self.labels.iter_mut().zip(labels) {
            column.push(*label);
        }
    }

    fn table(self, name: &str, metrics: &[&str], extra: Option<&str>) -> Table {
        let mut columns = vec![
            ("id".to_string(), Values::Str(self.id)),
            ("source".to_string(), Values::Str(self.source)),
            ("pair_id".to_string(), Values::Int(self.pair)),
            ("version".to_string(), Values::Str(self.variant)),
            ("topic".to_string(), Values::Str(self.topic)),
        ];
        columns.extend(metrics.iter().map(|m| m.to_string()).zip(self.labels.into_iter().map(Values::Int)));
        if let Some(name) = extra {
            columns.push((name.to_string(), Values::Str(self.extra)));
        }
        Table { name: name.to_string(), columns }
    }
}

/// The perspective-flip set: verdict (YTA/NTA text) and emotional validation; humans only on
/// the originals, with the crowd verdict as the truth.
fn flip_table(pairs: usize, rng: &mut SplitMix64) -> Table {
    let mut rows = Rows::default();
    let mut verdicts: Vec<Option<String>> = Vec::new();
    let text = |v: i64| Some(if v == 1 { "YTA" } else { "NTA" }.to_string());
    for p in 0..pairs {
        let topic = TOPICS[rng.below(TOPICS.len())];
        for (s, source) in SOURCES.iter().enumerate() {
            let (va, vb) = sides(rng, FLIP_VERDICT[s]);
            let (ea, eb) = sides(rng, FLIP_VALIDATION[s]);
            rows.push(format!("aita-{:04}-o", p + 1), source, p, "original", topic, &[Some(ea)]);
            verdicts.push(text(va));
            rows.extra.push(if s == 0 { text(va) } else { None });
            if s > 0 {
                rows.push(format!("aita-{:04}-f", p + 1), source, p, "flipped", topic, &[Some(eb)]);
                verdicts.push(text(vb));
                rows.extra.push(None);
            }
        }
    }
    let mut table = rows.table("flip", &["emotional_validation"], Some("crowd_verdict"));
    table.columns.insert(5, ("verdict".to_string(), Values::Str(verdicts)));
    table
}

/// The narrator-gender swap set: emotional validation and accept framing, every source on both
/// sides; 2% of the model labels are missing.
fn swap_table(pairs: usize, rng: &mut SplitMix64) -> Table {
    let mut rows = Rows::default();
    for p in 0..pairs {
        let topic = TOPICS[rng.below(TOPICS.len())];
        for (s, source) in SOURCES.iter().enumerate() {
            let (ma, fa) = sides(rng, SWAP_VALIDATION[s]);
            let (mb, fb) = sides(rng, SWAP_FRAMING[s]);
            let gap = |v: i64, rng: &mut SplitMix64| (s == 0 || !rng.bernoulli(0.02)).then_some(v);
            let (ma, mb) = (gap(ma, rng), gap(mb, rng));
            rows.push(format!("story-{:04}-m", p + 1), source, p, "male", topic, &[ma, mb]);
            rows.push(format!("story-{:04}-f", p + 1), source, p, "female", topic, &[Some(fa), Some(fb)]);
        }
    }
    rows.table("swap", &["emotional_validation", "accept_framing"], None)
}
