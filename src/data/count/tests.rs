//! The counting strategies in-process: every strategy gives the counts of a naive counter (one
//! loop over the items) on generated files with invalid labels, missing and extra model items,
//! shuffled model rows, a grouping with unplaced items, and a ground truth.

use super::{count, Strategy as Pairing};
use crate::counts::{CountsTable, MetricCounts, ModelCounts, Slice};
use crate::counts::{PairedCounts, ScoreSums};
use crate::data::input::{load_dataset, DataOptions, GroupingSpec, InputSpec};
use proptest::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// A generated run: per item the baseline's labels (None = invalid), group level and truth, and
/// the model's labels when the model answered it.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) k: usize,
    pub(crate) baseline: Vec<Vec<Option<u8>>>,
    pub(crate) group: Vec<Option<u8>>,
    pub(crate) truth: Vec<Option<u8>>,
    pub(crate) model: Vec<Option<Vec<Option<u8>>>>,
    /// Model-only items (ids past the baseline's).
    pub(crate) extra: usize,
    /// Write the model's rows in reverse order.
    pub(crate) reversed: bool,
    /// How ids are written: 0 = 1, 2, 3, ...; 1 = sparse integers; 2 = strings.
    pub(crate) ids: u8,
}

/// The id of item i (0-based) in a case's id style: dense and sparse integers index the join
/// pairing directly and through a hash table, strings through a string table.
pub(crate) fn item_id(style: u8, i: usize) -> String {
    match style {
        0 => (i + 1).to_string(),
        1 => ((i as i64 + 1) * 1_000_003 - 4_000_000_000_000).to_string(),
        _ => format!("item-{:03}", i + 1),
    }
}

fn label() -> impl Strategy<Value = Option<u8>> + Clone {
    prop_oneof![4 => (0u8..2).prop_map(Some), 1 => Just(None)]
}

pub(crate) fn case() -> impl Strategy<Value = Case> {
    (1usize..4, 1usize..30).prop_flat_map(|(k, n)| {
        let labels = prop::collection::vec(label(), k);
        (
            prop::collection::vec(labels.clone(), n),
            prop::collection::vec(prop::option::weighted(0.8, 0u8..2), n),
            prop::collection::vec(prop::option::weighted(0.8, 0u8..2), n),
            prop::collection::vec(prop::option::weighted(0.85, labels), n),
            0usize..3,
            any::<bool>(),
            0u8..3,
        )
            .prop_map(
                move |(mut baseline, mut group, mut truth, mut model, extra, reversed, ids)| {
                    // Item 1 is valid everywhere, so no metric is all-invalid and every check passes.
                    baseline[0] = vec![Some(1); k];
                    model[0] = Some(vec![Some(0); k]);
                    (group[0], truth[0]) = (Some(0), Some(1));
                    Case { k, baseline, group, truth, model, extra, reversed, ids }
                },
            )
    })
}

fn cell(value: Option<u8>) -> String {
    value.map_or_else(|| "x".to_string(), |v| v.to_string())
}

/// Writes the baseline and model CSV files.
pub(crate) fn write_case(case: &Case, dir: &Path) -> [InputSpec; 2] {
    let header: Vec<String> = (0..case.k).map(|i| format!("m{i}")).collect();
    let mut human = format!("id,{},g,t\n", header.join(","));
    for (i, labels) in case.baseline.iter().enumerate() {
        let labels: Vec<String> = labels.iter().map(|&l| cell(l)).collect();
        let group = case.group[i].map_or(String::new(), |g| ["a", "b"][g as usize].to_string());
        let truth = case.truth[i].map_or(String::new(), |t| t.to_string());
        let _ = writeln!(human, "{},{},{group},{truth}", item_id(case.ids, i), labels.join(","));
    }
    let mut rows: Vec<String> = case
        .model
        .iter()
        .enumerate()
        .filter_map(|(i, labels)| {
            labels.as_ref().map(|l| (item_id(case.ids, i), l.iter().map(|&x| cell(x)).collect::<Vec<_>>()))
        })
        .chain(
            (0..case.extra)
                .map(|e| (item_id(case.ids, case.baseline.len() + e), vec!["1".to_string(); case.k])),
        )
        .map(|(id, labels)| format!("{id},{}", labels.join(",")))
        .collect();
    if case.reversed {
        rows.reverse();
    }
    let model = format!("id,{}\n{}\n", header.join(","), rows.join("\n"));
    std::fs::write(dir.join("human.csv"), human).expect("write baseline");
    std::fs::write(dir.join("model.csv"), model).expect("write model");
    [
        InputSpec::parse(&dir.join("human.csv").display().to_string()),
        InputSpec::parse(&dir.join("model.csv").display().to_string()),
    ]
}

/// The paired counts of one slice, by one loop over the items.
fn naive_metric(case: &Case, metric: usize, keep: impl Fn(usize) -> bool) -> (PairedCounts, u64, u64) {
    let (mut pairs, mut invalid_b, mut invalid_m) = (PairedCounts::default(), 0, 0);
    for (i, model) in case.model.iter().enumerate() {
        let Some(model) = model.as_ref().filter(|_| keep(i)) else { continue };
        match (case.baseline[i][metric], model[metric]) {
            (Some(b), Some(m)) => match (m, b) {
                (1, 1) => pairs.both += 1,
                (1, _) => pairs.model_only += 1,
                (_, 1) => pairs.baseline_only += 1,
                _ => pairs.neither += 1,
            },
            (b, m) => {
                invalid_b += u64::from(b.is_none());
                invalid_m += u64::from(m.is_none());
            }
        }
    }
    (pairs, invalid_b, invalid_m)
}

/// The baseline's own labels in one slice, by one loop over its items: (ones, zeros, invalid).
fn naive_own(case: &Case, metric: usize, keep: impl Fn(usize) -> bool) -> (u64, u64, u64) {
    let labels = case.baseline.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, b)| b[metric]);
    labels.fold((0, 0, 0), |(ones, zeros, invalid), label| match label {
        Some(1) => (ones + 1, zeros, invalid),
        Some(_) => (ones, zeros + 1, invalid),
        None => (ones, zeros, invalid + 1),
    })
}

/// The model row of the naive counter: alignment and overall-score sums.
fn naive_model(case: &Case) -> ModelCounts {
    let matched = case.model.iter().filter(|m| m.is_some()).count() as u64;
    let mut score = ScoreSums { metrics: case.k as u64, ..ScoreSums::default() };
    for (i, model) in case.model.iter().enumerate() {
        let Some(model) = model else { continue };
        let b: Option<Vec<u8>> = case.baseline[i].iter().copied().collect();
        let m: Option<Vec<u8>> = model.iter().copied().collect();
        if let (Some(b), Some(m)) = (b, m) {
            let (sb, sm) =
                (b.iter().map(|&x| u64::from(x)).sum::<u64>(), m.iter().map(|&x| u64::from(x)).sum::<u64>());
            score.n += 1;
            score.sum_baseline += sb;
            score.sum_model += sm;
            score.sum_sq_diff += sb.abs_diff(sm).pow(2);
        }
    }
    ModelCounts {
        model: "model".into(),
        matched,
        baseline_only: case.baseline.len() as u64 - matched,
        model_only: case.extra as u64,
        score,
        score_moments: None,
    }
}

pub(crate) fn options(k: usize) -> DataOptions {
    DataOptions {
        baseline_name: "human".into(),
        // Named: detection would skip a column whose few labels are mostly invalid.
        metrics: Some((0..k).map(|i| format!("m{i}")).collect()),
        truth: Some("t".into()),
        groupings: vec![GroupingSpec::Column("g".into())],
        max_levels: 1000,
        ..DataOptions::default()
    }
}

fn counted(inputs: &[InputSpec], k: usize, strategy: Pairing) -> Result<CountsTable, String> {
    let data = load_dataset(inputs, &options(k)).map_err(|e| e.to_string())?;
    count(&data, strategy).map_err(|e| e.to_string())
}

fn find<'a>(table: &'a CountsTable, metric: &str, slice: &Slice) -> Option<&'a MetricCounts> {
    table.metrics.iter().find(|m| m.metric == metric && &m.slice == slice)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn every_strategy_counts_like_a_naive_loop(case in case()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let inputs = write_case(&case, dir.path());
        let auto = counted(&inputs, case.k, Pairing::Auto).expect("auto");
        prop_assert_eq!(&counted(&inputs, case.k, Pairing::Join).expect("join"), &auto);
        prop_assert_eq!(&counted(&inputs, case.k, Pairing::GroupBy).expect("group-by"), &auto);
        let aligned = case.extra == 0 && !case.reversed && case.model.iter().all(Option::is_some);
        match counted(&inputs, case.k, Pairing::Position) {
            Ok(by_position) => prop_assert_eq!(&by_position, &auto),
            Err(e) => prop_assert!(!aligned && e.contains("--pairing position"), "{}", e),
        }
        // The baseline counted as its own model: every baseline item against itself.
        let (own, rest) = auto.split_own("human");
        prop_assert_eq!(&rest.models, &vec![naive_model(&case)]);
        prop_assert_eq!(own.models.iter().map(|m| m.matched).collect::<Vec<_>>(), vec![case.baseline.len() as u64]);
        for metric in 0..case.k {
            let name = format!("m{metric}");
            let level = |g: u8| Slice::level("g", ["a", "b"][g as usize]);
            // (slice, the group level it keeps; None = all items)
            let slices = [(Slice::all(), None), (level(0), Some(0)), (level(1), Some(1))];
            for (slice, only) in slices {
                let keep = |i: usize| only.is_none_or(|g| case.group[i] == Some(g));
                let (pairs, ib, im) = naive_metric(&case, metric, keep);
                match find(&rest, &name, &slice) {
                    Some(row) => prop_assert_eq!((&row.pairs, row.invalid_baseline, row.invalid_model), (&pairs, ib, im)),
                    None => prop_assert_eq!(pairs.n() + ib + im, 0, "slice {:?} missing", slice),
                }
                let (ones, zeros, invalid) = naive_own(&case, metric, keep);
                let own_pairs = PairedCounts { both: ones, neither: zeros, ..PairedCounts::default() };
                match find(&own, &name, &slice) {
                    Some(row) => prop_assert_eq!((&row.pairs, row.invalid_baseline, row.invalid_model), (&own_pairs, invalid, invalid)),
                    None => prop_assert_eq!(ones + zeros + invalid, 0, "own slice {:?} missing", slice),
                }
            }
        }
        let unplaced = case.group.iter().filter(|g| g.is_none()).count() as u64;
        prop_assert_eq!(auto.groupings[0].unassigned, unplaced);
    }
}

/// The join pairing finds a null or repeated id in either source, in every id style, and the
/// error names the source and the ids (an id twice among those the baseline lacks included).
#[test]
fn the_join_pairing_refuses_null_and_duplicate_ids() {
    for style in 0..3 {
        let id = |i: usize| item_id(style, i);
        let cases = [
            (vec![id(0), id(1), id(1)], vec![id(0)], "human.csv: column 'id' has 1 duplicate ids"),
            (vec![id(0), id(1)], vec![id(1), id(0), id(1)], "model.csv: column 'id' has 1 duplicate ids"),
            (vec![id(0), id(1)], vec![id(0), id(7), id(7)], "model.csv: column 'id' has 1 duplicate ids"),
            (vec![id(0), String::new()], vec![id(0)], "human.csv: column 'id' is empty on 1 rows"),
            (vec![id(0), id(1)], vec![id(1), String::new()], "model.csv: column 'id' is empty on 1 rows"),
        ];
        for (human, model, expected) in cases {
            let dir = tempfile::tempdir().expect("tempdir");
            let file = |name: &str, ids: &[String]| {
                let rows: Vec<String> = ids.iter().map(|i| format!("{i},1")).collect();
                std::fs::write(dir.path().join(name), format!("id,m0\n{}\n", rows.join("\n")))
                    .expect("write");
                InputSpec::parse(&dir.path().join(name).display().to_string())
            };
            let inputs = [file("human.csv", &human), file("model.csv", &model)];
            let options = DataOptions { metrics: Some(vec!["m0".into()]), ..options(1) };
            let options = DataOptions { truth: None, groupings: Vec::new(), ..options };
            let error = load_dataset(&inputs, &options)
                .and_then(|data| count(&data, Pairing::Join))
                .expect_err("bad ids are refused")
                .to_string();
            assert!(error.contains(expected), "style {style}: {error}");
        }
    }
}
