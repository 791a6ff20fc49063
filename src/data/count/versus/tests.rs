//! The versus tables from the kept keys equal those of the joined path (BASE joined with the
//! baseline's items and the other models counted again), on generated files with invalid labels,
//! a metric BASE lacks, missing, extra and shuffled model rows, a model that shares no item with
//! BASE, a column grouping with unplaced items, a derived grouping with ambiguous items, their
//! intersection, and a ground truth; for every pairing strategy that keeps keys.

use super::count_versus;
use crate::data::count::{count_keeping, count_within, Strategy as Pairing};
use crate::data::input::{load_dataset, DataOptions, GroupingSpec, InputSpec};
use proptest::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// One generated model: its labels per baseline item (None: it lacks the item), model-only
/// items, a row order (sort keys) and whether it lacks the last metric's column.
#[derive(Debug, Clone)]
struct Model {
    labels: Vec<Option<Vec<Option<u8>>>>,
    extra: usize,
    order: Vec<u32>,
    lacks_last: bool,
}

/// A generated run: the baseline's labels, group, text and truth per item, three models.
#[derive(Debug, Clone)]
struct Case {
    k: usize,
    baseline: Vec<Vec<Option<u8>>>,
    group: Vec<Option<u8>>,
    text: Vec<u8>,
    truth: Vec<Option<u8>>,
    models: Vec<Model>,
    ids: u8,
    /// Model c answers only items model b lacks (it shares none with b).
    disjoint: bool,
}

fn label() -> impl Strategy<Value = Option<u8>> + Clone {
    prop_oneof![4 => (0u8..2).prop_map(Some), 1 => Just(None)]
}

fn model(n: usize, k: usize) -> impl Strategy<Value = Model> {
    let labels = prop::collection::vec(prop::option::weighted(0.8, prop::collection::vec(label(), k)), n);
    (labels, 0usize..3, prop::collection::vec(any::<u32>(), n + 3), prop::bool::weighted(0.3)).prop_map(
        move |(mut labels, extra, order, lacks_last)| {
            // Item 1 is valid everywhere, so no compared metric is all invalid.
            labels[0] = Some(vec![Some(0); k]);
            Model { labels, extra, order, lacks_last: lacks_last && k > 1 }
        },
    )
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..4, 1usize..40).prop_flat_map(|(k, n)| {
        let labels = prop::collection::vec(label(), k);
        (
            prop::collection::vec(labels, n),
            prop::collection::vec(prop::option::weighted(0.8, 0u8..2), n),
            prop::collection::vec(0u8..4, n),
            prop::collection::vec(prop::option::weighted(0.8, 0u8..2), n),
            prop::collection::vec(model(n, k), 3),
            0u8..3,
            prop::bool::weighted(0.2),
        )
            .prop_map(
                move |(mut baseline, mut group, mut text, mut truth, mut models, ids, disjoint)| {
                    baseline[0] = vec![Some(1); k];
                    // Only b (the base of most comparisons) may lack the last metric.
                    models[0].lacks_last = false;
                    models[2].lacks_last = false;
                    // Disjoint: b lacks the last item, c's only item (besides those b lacks), valid.
                    let disjoint = disjoint && n > 1;
                    if disjoint {
                        models[1].labels[n - 1] = None;
                        models[2].labels[n - 1] = Some(vec![Some(1); k]);
                        baseline[n - 1] = vec![Some(0); k];
                    }
                    (group[0], text[0], truth[0]) = (Some(0), 0, Some(1));
                    Case { k, baseline, group, text, truth, models, ids, disjoint }
                },
            )
    })
}

fn item_id(style: u8, i: usize) -> String {
    match style {
        0 => (i + 1).to_string(),
        1 => ((i as i64 + 1) * 1_000_003 - 4_000_000_000_000).to_string(),
        _ => format!("item-{:03}", i + 1),
    }
}

fn cell(value: Option<u8>) -> String {
    value.map_or_else(|| "x".to_string(), |v| v.to_string())
}

/// Writes the baseline and the three models' CSV files.
fn write_case(case: &Case, dir: &Path) -> Vec<InputSpec> {
    let header: Vec<String> = (0..case.k).map(|i| format!("m{i}")).collect();
    let mut human = format!("id,{},g,txt,t\n", header.join(","));
    for (i, labels) in case.baseline.iter().enumerate() {
        let labels: Vec<String> = labels.iter().map(|&l| cell(l)).collect();
        let group = case.group[i].map_or(String::new(), |g| ["a", "b"][g as usize].to_string());
        let text = ["he said", "she said", "he and she", "they"][case.text[i] as usize];
        let truth = case.truth[i].map_or(String::new(), |t| t.to_string());
        let _ = writeln!(human, "{},{},{group},{text},{truth}", item_id(case.ids, i), labels.join(","));
    }
    std::fs::write(dir.join("human.csv"), human).expect("write baseline");
    let mut specs = vec![InputSpec::parse(&dir.join("human.csv").display().to_string())];
    let b_has = |i: usize| case.models[1].labels[i].is_some();
    for (name, m) in ["a", "b", "c"].iter().zip(&case.models) {
        let kept = if m.lacks_last { case.k - 1 } else { case.k };
        let only = |i: usize| *name != "c" || !case.disjoint || !b_has(i);
        let mut rows: Vec<(u32, String)> = m
            .labels
            .iter()
            .enumerate()
            .filter(|(i, l)| l.is_some() && only(*i))
            .map(|(i, l)| (i, l.as_ref().map_or_else(Vec::new, |l| l[..kept].to_vec())))
            .chain((0..m.extra).map(|e| (case.baseline.len() + e, vec![Some(1); kept])))
            .map(|(i, l)| {
                let labels: Vec<String> = l.iter().map(|&x| cell(x)).collect();
                (m.order[i], format!("{},{}", item_id(case.ids, i), labels.join(",")))
            })
            .collect();
        rows.sort_by_key(|(key, _)| *key);
        let body: Vec<String> = rows.into_iter().map(|(_, r)| r).collect();
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, format!("id,{}\n{}\n", header[..kept].join(","), body.join("\n")))
            .expect("write");
        specs.push(InputSpec::parse(&path.display().to_string()));
    }
    specs
}

fn options(k: usize) -> DataOptions {
    let derived = GroupingSpec::Derived {
        name: "gender".into(),
        levels: vec![("m".into(), r"\bhe\b".into()), ("f".into(), r"\bshe\b".into())],
    };
    let groupings = vec![
        GroupingSpec::Column("g".into()),
        derived.clone(),
        GroupingSpec::Intersect(vec![GroupingSpec::Column("g".into()), derived]),
    ];
    DataOptions {
        baseline_name: "human".into(),
        metrics: Some((0..k).map(|i| format!("m{i}")).collect()),
        truth: Some("t".into()),
        against_truth: Some(vec!["m0".into()]),
        text: Some("txt".into()),
        groupings,
        max_levels: 1000,
        ..DataOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn kept_keys_count_like_the_joined_path(case in case()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let inputs = write_case(&case, dir.path());
        let data = load_dataset(&inputs, &options(case.k)).expect("dataset");
        for strategy in [Pairing::Auto, Pairing::Join, Pairing::Position] {
            let (_, items) = match count_keeping(&data, strategy, true) {
                Ok(counted) => counted,
                Err(e) => {
                    prop_assert_eq!(strategy, Pairing::Position, "only position may refuse: {}", e);
                    continue;
                }
            };
            prop_assert!(items.is_some(), "{:?} keeps the keys", strategy);
            for base in ["a", "b", "c"] {
                let kept = count_versus(&data, base, strategy, items.as_ref()).map_err(|e| e.to_string());
                let joined = count_versus(&data, base, strategy, None).map_err(|e| e.to_string());
                prop_assert_eq!(kept, joined, "{:?} against {}", strategy, base);
            }
        }
        let (_, none) = count_keeping(&data, Pairing::GroupBy, true).expect("group-by");
        prop_assert!(none.is_none(), "the group-by path keeps no keys");
        // Past the memory budget nothing is kept (the joined path counts instead).
        let needed = super::item_keys::bytes(&data);
        let (_, over) = count_within(&data, Pairing::Join, true, needed - 1).expect("over budget");
        prop_assert!(over.is_none(), "{} bytes over a budget of {}", needed, needed - 1);
        let (_, within) = count_within(&data, Pairing::Join, true, needed).expect("within budget");
        prop_assert!(within.is_some());
    }
}
