//! The sample's repeated-sampling and conditions sets (tidy files in `data/sample/`):
//!
//! - `repeats_human.parquet` (three annotators per item, column `annotator`, with the crowd
//!   verdict as the truth), `repeats_steady.parquet` and `repeats_erratic.parquet` (five samples
//!   per item, column `seed`, rows in completion order): the steady model answers an item almost
//!   the same way every time (per-item propensities near 0 or 1); the erratic one at about the
//!   same overall rate flips between samples (propensities near its mean), so one sample per item
//!   says little about it.
//! - `conditions_human.parquet`, `conditions_base.parquet` and three mitigations of the base model
//!   on the same items (`conditions_prompt`, `conditions_finetune`, `conditions_steer`), drawn with
//!   common random numbers so that each condition differs from the base only by its effect:
//!   the system prompt lowers emotional validation by about 15 pp and misses fault a little less;
//!   the fine-tune misses fault far less often (FNR −25 pp) but blames the innocent far more
//!   (FPR +20 pp); steering does almost nothing.

use crate::plain_table::{Table, Values};
use crate::rng::SplitMix64;

/// Samples per item of the repeated models; annotators per item of the repeated baseline.
const SAMPLES: usize = 5;
const ANNOTATORS: usize = 3;

/// Base rates: emotional validation, accept framing (humans, then the two repeated models).
const REPEAT_RATES: [[f64; 2]; 3] = [[0.25, 0.55], [0.70, 0.80], [0.68, 0.78]];

/// The two tables sets for `items` sample items, from their own random stream so that the other
/// sample files do not change.
pub(crate) fn repeat_tables(items: usize, seed: u64) -> Vec<Table> {
    let mut rng = SplitMix64::new(seed ^ 0x5A3_91E5);
    let mut tables = repeated_set((items / 5).max(100), &mut rng);
    tables.extend(conditions_set((items / 3).max(100), &mut rng));
    tables
}

/// One label: 1 with probability `p`.
fn label(rng: &mut SplitMix64, p: f64) -> Option<i64> {
    Some(i64::from(rng.bernoulli(p)))
}

fn verdict(at_fault: bool) -> Option<String> {
    Some(if at_fault { "YTA" } else { "NTA" }.to_string())
}

/// The repeated-sampling set: annotated human items, a steady and an erratic model.
fn repeated_set(items: usize, rng: &mut SplitMix64) -> Vec<Table> {
    let truth: Vec<bool> = (0..items).map(|_| rng.bernoulli(0.45)).collect();
    let mut human = Columns::new(&["annotator"]);
    for (i, &at_fault) in truth.iter().enumerate() {
        // Annotators share the item's difficulty: an item-level propensity around the rate.
        let p: Vec<f64> =
            REPEAT_RATES[0].iter().map(|r| (r + 0.5 * (rng.uniform() - 0.5)).clamp(0.0, 1.0)).collect();
        for a in 0..ANNOTATORS {
            let labels = [label(rng, p[0]), label(rng, p[1])];
            let says = if at_fault { !rng.bernoulli(0.2) } else { rng.bernoulli(0.15) };
            human.push(i, &[Some(format!("r{}", a + 1))], &labels, verdict(says), Some(at_fault));
        }
    }
    let mut out = vec![human.table("repeats_human", true)];
    for (m, (name, spread)) in [("repeats_steady", 0.95), ("repeats_erratic", 0.12)].into_iter().enumerate() {
        let mut model = Columns::new(&["seed"]);
        for (i, &at_fault) in truth.iter().enumerate() {
            // A propensity near the rate ± spread/2: spread 0.95 puts most items near 0 or 1.
            let side = |rng: &mut SplitMix64, rate: f64| {
                let high = rng.bernoulli(rate);
                if high {
                    rate + (1.0 - rate) * spread
                } else {
                    rate * (1.0 - spread)
                }
            };
            let p = [side(rng, REPEAT_RATES[m + 1][0]), side(rng, REPEAT_RATES[m + 1][1])];
            let miss = side(rng, 0.45);
            for s in 0..SAMPLES {
                let labels = [label(rng, p[0]), label(rng, p[1])];
                let says = if at_fault { !rng.bernoulli(miss) } else { rng.bernoulli(0.1) };
                let labels = if rng.bernoulli(0.01) { [None, labels[1]] } else { labels };
                model.push(i, &[Some((s + 1).to_string())], &labels, verdict(says), None);
            }
        }
        model.shuffle(rng);
        out.push(model.table(name, false));
    }
    out
}

/// Per condition: change in P(emotional validation), in P(miss fault | at fault), in
/// P(blame | not at fault).
const CONDITIONS: [(&str, f64, f64, f64); 4] = [
    ("conditions_base", 0.0, 0.0, 0.0),
    ("conditions_prompt", -0.15, -0.06, 0.0),
    ("conditions_finetune", -0.02, -0.25, 0.20),
    ("conditions_steer", -0.01, -0.01, 0.0),
];

/// The conditions set: humans and four conditions of one model on the same items, with common
/// random numbers (one uniform per item and measure shared by every condition).
fn conditions_set(items: usize, rng: &mut SplitMix64) -> Vec<Table> {
    let truth: Vec<bool> = (0..items).map(|_| rng.bernoulli(0.45)).collect();
    let draws: Vec<[f64; 2]> = (0..items).map(|_| [rng.uniform(), rng.uniform()]).collect();
    let mut human = Columns::new(&[]);
    for (i, &at_fault) in truth.iter().enumerate() {
        let says = if at_fault { !rng.bernoulli(0.15) } else { rng.bernoulli(0.12) };
        human.push(i, &[], &[label(rng, 0.25), None], verdict(says), Some(at_fault));
    }
    let mut out = vec![human.table_one("conditions_human", true)];
    for (name, validation, miss, blame) in CONDITIONS {
        let mut model = Columns::new(&[]);
        for (i, &at_fault) in truth.iter().enumerate() {
            let [u, v] = draws[i];
            let shows = Some(i64::from(u < 0.78 + validation));
            let says = if at_fault { v >= 0.45 + miss } else { v < 0.10 + blame };
            model.push(i, &[], &[shows, None], verdict(says), None);
        }
        out.push(model.table_one(name, false));
    }
    out
}

/// Rows of one tidy table under construction: id, key columns, two behaviours, verdict, truth.
struct Columns {
    keys: Vec<&'static str>,
    id: Vec<Option<String>>,
    key_values: Vec<Vec<Option<String>>>,
    labels: [Vec<Option<i64>>; 2],
    verdict: Vec<Option<String>>,
    truth: Vec<Option<String>>,
}

impl Columns {
    fn new(keys: &[&'static str]) -> Self {
        Self {
            keys: keys.to_vec(),
            id: Vec::new(),
            key_values: vec![Vec::new(); keys.len()],
            labels: [Vec::new(), Vec::new()],
            verdict: Vec::new(),
            truth: Vec::new(),
        }
    }

    fn push(
        &mut self,
        item: usize,
        keys: &[Option<String>],
        labels: &[Option<i64>; 2],
        verdict: Option<String>,
        truth: Option<bool>,
    ) {
        self.id.push(Some(format!("post-{:05}", item + 1)));
        for (column, value) in self.key_values.iter_mut().zip(keys) {
            column.push(value.clone());
        }
        self.labels[0].push(labels[0]);
        self.labels[1].push(labels[1]);
        self.verdict.push(verdict);
        self.truth.push(truth.map(|t| if t { "YTA" } else { "NTA" }.to_string()));
    }

    /// Fisher–Yates shuffle of the rows (completion order).
    fn shuffle(&mut self, rng: &mut SplitMix64) {
        let n = self.id.len();
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let pick = |v: &Vec<Option<String>>| order.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
        self.id = pick(&self.id);
        self.key_values = self.key_values.iter().map(pick).collect();
        self.verdict = pick(&self.verdict);
        self.truth = pick(&self.truth);
        self.labels = [0, 1].map(|j| order.iter().map(|&i| self.labels[j][i]).collect());
    }

    fn table(self, name: &str, with_truth: bool) -> Table {
        self.build(name, with_truth, true)
    }

    /// A table with emotional validation only (the conditions set).
    fn table_one(self, name: &str, with_truth: bool) -> Table {
        self.build(name, with_truth, false)
    }

    fn build(self, name: &str, with_truth: bool, framing: bool) -> Table {
        let [validation, accept] = self.labels;
        let mut columns = vec![("id".to_string(), Values::Str(self.id))];
        columns.extend(
            self.keys.iter().map(|k| k.to_string()).zip(self.key_values.into_iter().map(Values::Str)),
        );
        columns.push(("emotional_validation".to_string(), Values::Int(validation)));
        if framing {
            columns.push(("accept_framing".to_string(), Values::Int(accept)));
        }
        columns.push(("verdict".to_string(), Values::Str(self.verdict)));
        if with_truth {
            columns.push(("crowd_verdict".to_string(), Values::Str(self.truth)));
        }
        Table { name: name.to_string(), columns }
    }
}
