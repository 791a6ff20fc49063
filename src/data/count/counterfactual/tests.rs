//! The passes count counterfactual pairs exactly as the query path does ([`super::tables`]), on
//! generated files: pairs lacking a side or with a side twice, every pair id style, the baseline
//! alone naming the pairs (the positional pass and the id index's) or every file naming them
//! (the id index's passes: model rows in any order, items only the models have, places only a
//! model gives, and files that disagree, which both paths refuse with the same error).

use crate::data::count::tests::{case, item_id, options, write_case, Case};
use crate::data::count::{count, Strategy as Pairing};
use crate::data::input::{load_dataset, InputSpec, PairOptions};
use proptest::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// A generated case with the baseline naming pairs: item i is in pair `sides[i].0` on side
/// `sides[i].1` ("A", "B"; empty = in no pair), so some pairs lack a side or have one twice; and
/// how pair ids are written ([`pair_id`]).
fn pair_case() -> impl Strategy<Value = (Case, Vec<(u8, u8)>, u8)> {
    case().prop_flat_map(|mut case| {
        // Aligned (every source lists the same ids in the same order): the positional pass runs.
        (case.extra, case.reversed) = (0, false);
        for labels in &mut case.model {
            labels.get_or_insert_with(|| vec![None; case.k]);
        }
        let n = case.baseline.len();
        let sides = prop::collection::vec((0u8..7, 0u8..3), n);
        (Just(case), sides, 0u8..3)
    })
}

/// Pair `pair`'s id as written: text (`p3`), small integers, or integers a billion apart (read
/// by address near the first one seen, else hashed); pair 6 has no id (its items are in no pair).
fn pair_id(style: u8, pair: u8) -> String {
    match (pair, style) {
        (6, _) => String::new(),
        (_, 0) => format!("p{pair}"),
        (_, 1) => pair.to_string(),
        _ => (i64::from(pair) * 1_000_000_000 - 2_500_000_000).to_string(),
    }
}

/// The baseline file of a case plus the pair and side columns.
fn write_pairs(case: &Case, sides: &[(u8, u8)], style: u8, dir: &Path) -> [InputSpec; 2] {
    let inputs = write_case(case, dir);
    let human = std::fs::read_to_string(dir.join("human.csv")).expect("read");
    let mut lines = human.lines();
    let mut out = format!("{},pair,side\n", lines.next().unwrap_or_default());
    for (line, (pair, side)) in lines.zip(sides) {
        let side = ["A", "B", ""][*side as usize];
        let _ = writeln!(out, "{line},{},{side}", pair_id(style, *pair));
    }
    std::fs::write(dir.join("human.csv"), out).expect("write");
    inputs
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The positional pass counts the baseline's pairs (the aligned fast path) exactly as the
    /// query of `tables.rs` does (the group-by strategy's path), and so do the id index's passes.
    #[test]
    fn the_pass_counts_pairs_like_the_query((case, sides, style) in pair_case()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let inputs = write_pairs(&case, &sides, style, dir.path());
        let mut options = options(case.k);
        options.pairs = Some(crate::data::input::PairOptions {
            pair: "pair".into(),
            variant: "side".into(),
            variants: Some(["A".into(), "B".into()]),
        });
        let data = load_dataset(&inputs, &options).expect("load");
        prop_assert!(data.pairs.as_ref().is_some_and(|m| m.in_baseline));
        let by_query = count(&data, Pairing::GroupBy).expect("group-by");
        let by_pass = count(&data, Pairing::Position).expect("pass");
        prop_assert_eq!(&by_pass.pairing, &by_query.pairing);
        prop_assert_eq!(&by_pass.pairs, &by_query.pairs);
        // The id index's passes too (places by slot, only the baseline's).
        let by_slot = count(&data, Pairing::Join).expect("join");
        prop_assert_eq!((&by_slot.pairing, &by_slot.pairs), (&by_query.pairing, &by_query.pairs));
        // How the pairs formed, by one loop over the items.
        let mut per_pair = std::collections::HashMap::<u8, [u32; 2]>::new();
        for &(pair, side) in sides.iter().filter(|s| s.1 < 2 && s.0 < 6) {
            per_pair.entry(pair).or_default()[side as usize] += 1;
        }
        let complete = per_pair.values().filter(|n| n == &&[1, 1]).count() as u64;
        let duplicate = per_pair.values().filter(|n| n[0] > 1 || n[1] > 1).count() as u64;
        let pairing = by_query.pairing.expect("pairing");
        prop_assert_eq!((pairing.complete, pairing.duplicate_side), (complete, duplicate));
        prop_assert_eq!(pairing.missing_side, per_pair.len() as u64 - complete - duplicate);
    }
}

/// Pair options for the generated files: columns `pair` and `side`, variants A and B.
fn pair_options(k: usize) -> crate::data::input::DataOptions {
    let mut options = options(k);
    options.pairs = Some(PairOptions {
        pair: "pair".into(),
        variant: "side".into(),
        variants: Some(["A".into(), "B".into()]),
    });
    options
}

/// A case with every file naming pairs: the baseline's places (as in [`pair_case`]), how the
/// model gives each baseline item's place (`modes`: 0–5 as the baseline, 6 blank, 7 only the
/// model), the places of the model-only items, and a second model file with the same items
/// (rows reversed). `moved`: one item the model places in another pair, and whether the second
/// model places the first model-only item elsewhere (files that disagree).
#[derive(Debug, Clone)]
struct Named {
    case: Case,
    sides: Vec<(u8, u8)>,
    modes: Vec<u8>,
    extra: Vec<(u8, u8)>,
    moved: Option<usize>,
    moved_extra: bool,
    style: u8,
}

fn named_case() -> impl Strategy<Value = Named> {
    case().prop_flat_map(|case| {
        let n = case.baseline.len();
        (
            prop::collection::vec((0u8..7, 0u8..3), n),
            prop::collection::vec(0u8..8, n),
            prop::collection::vec((0u8..7, 0u8..3), case.extra),
            prop::option::weighted(0.2, 0..n),
            prop::bool::weighted(0.2),
            0u8..3,
            Just(case),
        )
            .prop_map(|(sides, modes, extra, moved, moved_extra, style, case)| Named {
                case,
                sides,
                modes,
                extra,
                moved,
                moved_extra,
                style,
            })
    })
}

/// A place as written: the pair id and the side (blank for side 2).
fn place(style: u8, (pair, side): (u8, u8)) -> String {
    format!("{},{}", pair_id(style, pair), ["A", "B", ""][side as usize])
}

/// Rewrites a written file with each row's place appended (`of`: the row's item → its place).
fn add_places(path: &Path, reversed: bool, of: impl Fn(&str) -> String) {
    let text = std::fs::read_to_string(path).expect("read");
    let mut lines = text.lines();
    let mut out = format!("{},pair,side\n", lines.next().unwrap_or_default());
    let mut rows: Vec<&str> = lines.collect();
    if reversed {
        rows.reverse();
    }
    for line in rows {
        let _ = writeln!(out, "{line},{}", of(line.split(',').next().unwrap_or_default()));
    }
    std::fs::write(path, out).expect("write");
}

/// The files of a [`Named`] case: human, model and model2, each with its places.
fn write_named(named: &Named, dir: &Path) -> [InputSpec; 3] {
    let Named { case, sides, modes, extra, moved, moved_extra, style } = named;
    let inputs = write_case(case, dir);
    let n = case.baseline.len();
    let item: HashMap<String, usize> = (0..n + case.extra).map(|i| (item_id(case.ids, i), i)).collect();
    let blank = (6, 2);
    add_places(&dir.join("human.csv"), false, |id| {
        let i = item[id];
        place(*style, if modes[i] == 7 { blank } else { sides[i] })
    });
    std::fs::copy(dir.join("model.csv"), dir.join("model2.csv")).expect("copy");
    let model_place = |i: usize, second: bool| match (i.checked_sub(n), modes.get(i)) {
        (Some(0), _) if second && *moved_extra => ((extra[0].0 + 1) % 6, extra[0].1),
        (Some(e), _) => extra[e],
        (None, _) if *moved == Some(i) => ((sides[i].0 + 1) % 6, sides[i].1),
        (None, Some(6)) => blank,
        (None, _) => sides[i],
    };
    add_places(&dir.join("model.csv"), false, |id| place(*style, model_place(item[id], false)));
    add_places(&dir.join("model2.csv"), true, |id| place(*style, model_place(item[id], true)));
    let model2 = InputSpec::parse(&dir.join("model2.csv").display().to_string());
    [inputs[0].clone(), inputs[1].clone(), model2]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Every file naming the pairs: the id index's passes (the default) count them exactly as the
    /// query does, or refuse the files with the query's error.
    #[test]
    fn the_index_passes_count_pairs_every_file_names_like_the_query(named in named_case()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let inputs = write_named(&named, dir.path());
        let data = load_dataset(&inputs, &pair_options(named.case.k)).expect("load");
        prop_assert!(data.pairs.as_ref().is_some_and(|m| !m.in_baseline));
        let pairs = |strategy| {
            count(&data, strategy).map(|t| (t.pairing, t.pairs)).map_err(|e| e.to_string())
        };
        let by_query = pairs(Pairing::GroupBy);
        prop_assert_eq!(&pairs(Pairing::Join), &by_query);
        prop_assert_eq!(&pairs(Pairing::Auto), &by_query);
        // Files that disagree are refused; others are not.
        let moved = named.moved.is_some_and(|i| {
            let (pair, side) = named.sides[i];
            pair < 6 && side < 2 && named.modes[i] != 7 && named.case.model[i].is_some()
        });
        let moved_extra = named.moved_extra && named.extra.first().is_some_and(|&(p, s)| p < 6 && s < 2);
        let refused = |e: &String| e.contains("an item must be on the same side");
        match &by_query {
            Ok((pairing, _)) => prop_assert!(!moved && !moved_extra && pairing.is_some()),
            Err(e) => prop_assert!((moved || moved_extra) && refused(e), "{}", e),
        }
    }
}
