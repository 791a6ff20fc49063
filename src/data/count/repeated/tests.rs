//! The Rust pass of the grouped item sums ([`super::matched`]) against polars' inner join and
//! group-by (the reference), on seeded repeated runs read from files: integer, spread and text
//! ids, every aggregate, samples and annotators, a grouping with missing levels, a truth with
//! missing values, a metric judged against the truth, a model without one metric, model items
//! the baseline lacks, invalid labels.

use super::items::{item_sums, model_items};
use super::matched::BaseIndex;
use crate::data::columns::{level, TRUTH};
use crate::data::input::repeats::item_frame;
use crate::data::input::{load_dataset, Aggregate, DataOptions, GroupingSpec, InputSpec, RepeatOptions};
use crate::rng::SplitMix64;
use polars::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// A label cell: 1, 0, missing, or an unreadable value.
fn cell(rng: &mut SplitMix64) -> &'static str {
    ["1", "0", "1", "0", "", "x"][rng.below(6)]
}

/// An item's id: `kind` 0 dense integers, 1 spread integers, 2 text.
fn id(kind: u8, i: usize) -> String {
    match kind {
        0 => i.to_string(),
        1 => (i as i64 * 1_000_003 - 7).to_string(),
        _ => format!("item-{i}"),
    }
}

/// Writes a baseline (`raters` annotations per item, or one row without a rater column) and two
/// models of 0–4 samples per item, rows shuffled; the second model has no `c`.
fn write_run(dir: &Path, kind: u8, raters: usize, seed: u64) -> Vec<InputSpec> {
    let mut rng = SplitMix64::new(seed);
    let items = 240;
    let rater = if raters > 0 { ",rater" } else { "" };
    let mut human = format!("id,g,t,a,b,c{rater}\n");
    for i in 0..items {
        let g = ["north", "south", "east", ""][rng.below(4)];
        let t = ["1", "0", ""][rng.below(3)];
        for r in 0..raters.max(1) {
            let (a, b, c) = (cell(&mut rng), cell(&mut rng), cell(&mut rng));
            let rater = if raters > 0 { format!(",{r}") } else { String::new() };
            let _ = writeln!(human, "{},{g},{t},{a},{b},{c}{rater}", id(kind, i));
        }
    }
    std::fs::write(dir.join("human.csv"), human).expect("write baseline");
    let mut inputs = vec![InputSpec::parse(&dir.join("human.csv").display().to_string())];
    for (m, columns) in [(1, 3), (2, 2)] {
        let mut rows = Vec::new();
        for i in 0..items + 30 {
            for s in 0..rng.below(5) {
                let labels: Vec<&str> = (0..columns).map(|_| cell(&mut rng)).collect();
                rows.push(format!("{},{s},{}", id(kind, i), labels.join(",")));
            }
        }
        for r in (1..rows.len()).rev() {
            rows.swap(r, rng.below(r + 1));
        }
        let header = ["id,seed,a,b", ",c"][..columns - 1].concat();
        let path = dir.join(format!("model_{m}.csv"));
        std::fs::write(&path, format!("{header}\n{}\n", rows.join("\n"))).expect("write model");
        inputs.push(InputSpec::parse(&path.display().to_string()));
    }
    inputs
}

/// `df` sorted by its group keys.
fn by_keys(df: &DataFrame, keys: &[String]) -> DataFrame {
    if keys.is_empty() {
        return df.clone();
    }
    let options = SortMultipleOptions::default().with_nulls_last(true);
    df.sort(keys.iter().map(String::as_str).collect::<Vec<_>>(), options).expect("sort")
}

/// The pass's frame equals the query's: the same groups and every sum equal, the whole-number
/// score sums (f64, added in another order) to 1e-12 of their size when the values are means
/// (they are used only when every value is 0 or 1, where both are exact).
fn assert_same(fast: &DataFrame, slow: &DataFrame, keys: &[String], exact: bool, what: &str) {
    let (fast, slow) = (by_keys(fast, keys), by_keys(slow, keys));
    assert_eq!(fast.height(), slow.height(), "{what}: groups");
    assert_eq!(fast.width(), slow.width(), "{what}: columns");
    for column in slow.columns() {
        let name = column.name().as_str();
        let got = fast.column(name).unwrap_or_else(|_| panic!("{what}: no {name}"));
        let whole = ["__rswb_0", "__rswm_0", "__rswq_0"].contains(&name);
        if whole && !exact {
            let (g, e) = (got.f64().expect("f64"), column.f64().expect("f64"));
            for (g, e) in g.iter().zip(e.iter()) {
                let (g, e) = (g.unwrap_or(0.0), e.unwrap_or(0.0));
                assert!((g - e).abs() <= 1e-12 * e.abs().max(1.0), "{what}: {name} {g} vs {e}");
            }
            continue;
        }
        let got = got.cast(column.dtype()).expect("cast");
        assert!(
            got.as_materialized_series().equals_missing(column.as_materialized_series()),
            "{what}: {name}\n{got:?}\n{column:?}"
        );
    }
}

#[test]
fn the_pass_sums_like_the_join_and_the_group_by() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut checked, mut owns) = (0, 0);
    for (case, (kind, raters, aggregate)) in [
        (0, 0, Aggregate::Mean),
        (1, 3, Aggregate::Majority),
        (2, 0, Aggregate::First),
        (2, 2, Aggregate::Mean),
        (0, 4, Aggregate::First),
    ]
    .into_iter()
    .enumerate()
    {
        let inputs = write_run(dir.path(), kind, raters, 40 + case as u64);
        let options = DataOptions {
            baseline_name: "human".into(),
            metrics: Some(vec!["a".into(), "b".into(), "c".into()]),
            truth: Some("t".into()),
            against_truth: Some(vec!["b".into()]),
            groupings: vec![GroupingSpec::Column("g".into())],
            max_levels: 100,
            repeats: Some(RepeatOptions {
                sample: Some("seed".into()),
                annotator: (raters > 0).then(|| "rater".into()),
                repeated: false,
                aggregate,
            }),
            ..DataOptions::default()
        };
        let data = load_dataset(&inputs, &options).expect("load");
        let base = item_frame(&data.baseline, &data.columns, 'b', aggregate).expect("baseline items");
        let index =
            BaseIndex::new(&base, data.groupings.len(), data.has_truth).expect("index").expect("indexed");
        let keys = vec![level(0), TRUTH.to_string()];
        let exact = aggregate != Aggregate::Mean;
        let what = format!("case {case}, baseline");
        let fast = item_sums(&data, &base, Some(&index), &data.baseline, None).expect("pass");
        let slow = item_sums(&data, &base, None, &data.baseline, None).expect("query");
        assert_same(&fast, &slow, &keys, exact, &what);
        for model in &data.models {
            let items = item_frame(model, &data.columns, 'm', aggregate).expect("model items");
            // The baseline's own items reused equal its rows reduced again, row for row.
            let reused = model_items(&data, model, &base, aggregate).expect("reused items");
            assert!(reused.equals_missing(&items), "case {case}, {}: reused items", model.name);
            owns += usize::from(data.is_own(model));
            let what = format!("case {case}, {}", model.name);
            let fast = item_sums(&data, &base, Some(&index), model, Some(&items)).expect("pass");
            let slow = item_sums(&data, &base, None, model, Some(&items)).expect("query");
            assert!(slow.height() >= 4, "{what}: levels × truths present");
            assert_same(&fast, &slow, &keys, exact, &what);
            checked += 1;
        }
    }
    assert!(checked >= 10 && owns >= 5, "{checked} models, {owns} own");
}
