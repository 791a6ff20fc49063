//! Counterfactual pairs reduced to their joint tables ([`PairCells`]).
//!
//! The pair map is grouped by pair (how many items on each side); the items of the pairs with one
//! item per side become rows (pair, side), and one polars query joins every source's labels to
//! them (one join per source), plus the baseline's truth and group levels. A tight kernel then
//! codes each source's labels (0, 1 or missing) into one code per pair and counts the pairs per
//! (versus, model, metric, slice) into 81 cells; the slices are side A's truth and levels.
//! It runs after the main counting, which has already refused duplicate ids, when no pass could
//! count the pairs: the group-by strategy, a forced positional pass with pairs named beyond the
//! baseline, or an item two files place differently (whose error it words).

use crate::counts::{GroupLevel, PairCells, PairingCounts, Slice, PAIR_CELLS};
use crate::data::columns::{
    self, ID, PAIR, PAIR_ROW, PAIR_SIDE, SIDE_A, SIDE_A_ITEMS, SIDE_B, SIDE_B_ITEMS, TRUTH, VARIANT,
};
use crate::data::engine::{cell_u64, collect_streaming, EngineContext};
use crate::data::input::counterfactual::one_row_per_item;
use crate::data::input::label_codes::add_codes;
use crate::data::input::{Dataset, PairMap, SourceFrame};
use crate::error::Result;
use polars::prelude::*;
use std::collections::HashMap;

/// Counts the pairs: how they formed, and the joint tables of every model against the baseline
/// and against the first model.
pub(crate) fn count_pairs(data: &Dataset, map: &PairMap) -> Result<(PairingCounts, Vec<PairCells>)> {
    // One row per pair, grouped once and read twice (how the pairs formed, and the complete ones).
    let items = one_row_per_item(map)?;
    let per_pair = per_pair(items, map).collect().engine(|| "grouping the items by pair".into())?.lazy();
    let pairing = pairing_counts(per_pair.clone(), map)?;
    let complete = col(SIDE_A_ITEMS).eq(lit(1i64)).and(col(SIDE_B_ITEMS).eq(lit(1i64)));
    let complete =
        per_pair.filter(complete).select([col(SIDE_A), col(SIDE_B)]).with_row_index(PAIR_ROW, None);
    // Every item of a complete pair as a row (pair row, side): one join per source, not two.
    let side = |id: &str, side: i32| {
        complete.clone().select([col(id).alias(ID), col(PAIR_ROW), lit(side).alias(PAIR_SIDE)])
    };
    let items = concat([side(SIDE_A, 0), side(SIDE_B, 1)], UnionArgs::default());
    let mut query = items.engine(|| "listing the items of the pairs".into())?;
    query = query.join(item_slices(data), [col(ID)], [col(ID)], JoinArgs::new(JoinType::Left));
    let sources: Vec<&SourceFrame> = std::iter::once(&data.baseline).chain(&data.models).collect();
    for (i, source) in sources.iter().enumerate() {
        let mut labels = vec![col(ID)];
        for (k, metric) in data.metrics.iter().enumerate().filter(|&(k, _)| source.present[k]) {
            labels.push(col(metric.as_str()).alias(columns::pair_label(i, k)));
        }
        let right = source.lazy.clone().select(labels);
        query = query.join(right, [col(ID)], [col(ID)], JoinArgs::new(JoinType::Left));
    }
    let frame = collect_streaming(query).engine(|| "joining the labels of both sides of each pair".into())?;
    let layout = ItemLayout::new(&frame, pairing.complete)?;
    let slices = PairSlices::new(&frame, data, &layout)?;
    let tables = pair_tables(data, &slices, |i, source, k| source_codes(&frame, &layout, source, i, k))?;
    Ok((pairing, tables))
}

/// The joint tables of every (versus, model) pair of sources and metric in every slice, from
/// `codes(i, source, k)`: source i's code per complete pair for metric k (label A + 3 · label B,
/// labels 0, 1 or 2 = missing), `None` when the source lacks the metric. Metrics are counted
/// over the cores, their tables kept in metric order.
pub(crate) fn pair_tables(
    data: &Dataset,
    slices: &PairSlices,
    codes: impl Fn(usize, &SourceFrame, usize) -> Result<Option<Vec<u8>>> + Sync,
) -> Result<Vec<PairCells>> {
    let sources: Vec<&SourceFrame> = std::iter::once(&data.baseline).chain(&data.models).collect();
    let per_metric = crate::parallel::map(data.metrics.len(), |k| -> Result<Vec<PairCells>> {
        let metric = data.metrics[k].as_str();
        let codes: Vec<Option<Vec<u8>>> =
            sources.iter().enumerate().map(|(i, s)| codes(i, s, k)).collect::<Result<_>>()?;
        let mut tables = Vec::new();
        for (v, m) in versus_pairs(sources.len()) {
            if let (Some(cv), Some(cm)) = (&codes[v], &codes[m]) {
                tables.extend(slices.tally(
                    cv,
                    cm,
                    (sources[v].name.as_str(), sources[m].name.as_str(), metric),
                ));
            }
        }
        Ok(tables)
    });
    Ok(per_metric.into_iter().collect::<Result<Vec<_>>>()?.into_iter().flatten().collect())
}

/// Per pair: the items on side A and on side B (`items`: one row per item), and the first id of
/// each side.
fn per_pair(items: LazyFrame, map: &PairMap) -> LazyFrame {
    let is_a = col(VARIANT).eq(lit(map.variants[0].as_str()));
    let is_b = col(VARIANT).eq(lit(map.variants[1].as_str()));
    items.group_by([col(PAIR)]).agg([
        is_a.clone().cast(DataType::Int64).sum().alias(SIDE_A_ITEMS),
        is_b.clone().cast(DataType::Int64).sum().alias(SIDE_B_ITEMS),
        col(ID).filter(is_a).first().alias(SIDE_A),
        col(ID).filter(is_b).first().alias(SIDE_B),
    ])
}

/// Pairs complete, with a side missing, and with a side given twice or more.
fn pairing_counts(per_pair: LazyFrame, map: &PairMap) -> Result<PairingCounts> {
    let (a, b) = (col(SIDE_A_ITEMS), col(SIDE_B_ITEMS));
    let duplicate = a.clone().gt(lit(1i64)).or(b.clone().gt(lit(1i64)));
    let complete = a.clone().eq(lit(1i64)).and(b.clone().eq(lit(1i64)));
    let count = |e: Expr, name: &str| e.cast(DataType::Int64).sum().alias(name);
    let df = per_pair
        .select([
            count(complete.clone(), "complete"),
            count(duplicate.clone(), "duplicate"),
            count(complete.not().and(duplicate.not()), "missing"),
        ])
        .collect()
        .engine(|| "counting the sides of each pair".into())?;
    Ok(PairingCounts {
        variants: map.variants.clone(),
        complete: cell_u64(&df, "complete")?,
        missing_side: cell_u64(&df, "missing")?,
        duplicate_side: cell_u64(&df, "duplicate")?,
    })
}

/// The baseline's truth and group levels per item (read for side A's items).
fn item_slices(data: &Dataset) -> LazyFrame {
    let mut exprs = vec![col(ID)];
    if data.has_truth {
        exprs.push(col(TRUTH));
    }
    exprs.extend((0..data.groupings.len()).map(|j| col(columns::level(j))));
    data.baseline.lazy.clone().select(exprs)
}

/// Where each row of the joined frame goes: its pair (row of the complete pairs) and side.
struct ItemLayout {
    /// Per row, the pair's index.
    pairs: Vec<usize>,
    /// Per row, whether it is side A.
    side_a: Vec<bool>,
    /// Complete pairs.
    count: usize,
}

impl ItemLayout {
    fn new(frame: &DataFrame, complete: u64) -> Result<Self> {
        let context = || "reading the pairs' rows".to_string();
        let rows = frame.column(PAIR_ROW).and_then(|c| c.cast(&DataType::UInt64)).engine(context)?;
        let sides = frame.column(PAIR_SIDE).and_then(|c| c.cast(&DataType::Int32)).engine(context)?;
        let pairs = rows.u64().engine(context)?.into_no_null_iter().map(|r| r as usize).collect();
        let side_a = sides.i32().engine(context)?.into_no_null_iter().map(|s| s == 0).collect();
        Ok(Self { pairs, side_a, count: complete as usize })
    }

    /// Per pair, `value(row)` of its side-A row.
    fn side_a<T: Clone>(&self, empty: T, value: impl Fn(usize) -> T) -> Vec<T> {
        let mut out = vec![empty; self.count];
        for (row, (&pair, &a)) in self.pairs.iter().zip(&self.side_a).enumerate() {
            if a {
                out[pair] = value(row);
            }
        }
        out
    }
}

/// Every (versus, model) pair of source indices: each model against the baseline (0), and each
/// later model against the first model (1).
fn versus_pairs(sources: usize) -> impl Iterator<Item = (usize, usize)> {
    let against_baseline = (1..sources).map(|m| (0, m));
    against_baseline.chain((2..sources).map(|m| (1, m)))
}

/// One source's code per pair for metric `k`: label A + 3 · label B (labels 0, 1 or 2 =
/// missing); `None` when the source lacks the metric.
fn source_codes(
    frame: &DataFrame,
    layout: &ItemLayout,
    source: &SourceFrame,
    i: usize,
    k: usize,
) -> Result<Option<Vec<u8>>> {
    if !source.present[k] {
        return Ok(None);
    }
    let mut labels = vec![0i64; frame.height()];
    let column = frame
        .column(&columns::pair_label(i, k))
        .engine(|| format!("reading the pair labels of {}", source.name))?;
    add_codes(column, source.inverted[k], 1, &mut labels)
        .engine(|| format!("coding the pair labels of {}", source.name))?;
    let mut codes = vec![0u8; layout.count];
    for ((&label, &pair), &a) in labels.iter().zip(&layout.pairs).zip(&layout.side_a) {
        codes[pair] += if a { label as u8 } else { 3 * label as u8 };
    }
    Ok(Some(codes))
}

/// Which slices each pair falls in: all pairs, side A's truth, side A's level of each grouping.
pub(crate) struct PairSlices {
    /// Per pair, side A's truth (0, 1) or `None`.
    pub truth: Option<Vec<Option<u8>>>,
    /// Per grouping: its name, its levels, and per pair the level index of side A.
    pub groupings: Vec<(String, Vec<String>, Vec<Option<u32>>)>,
}

impl PairSlices {
    fn new(frame: &DataFrame, data: &Dataset, layout: &ItemLayout) -> Result<Self> {
        let context = || "reading the slices of the pairs".to_string();
        let truth = match data.has_truth {
            true => {
                let t = frame.column(TRUTH).and_then(|c| c.cast(&DataType::Int32)).engine(context)?;
                let t = t.i32().engine(context)?;
                Some(
                    layout
                        .side_a(None, |row| t.get(row).and_then(|x| u8::try_from(x).ok()).filter(|&x| x < 2)),
                )
            }
            false => None,
        };
        let mut groupings = Vec::new();
        for (j, spec) in data.groupings.iter().enumerate() {
            let levels = frame.column(&columns::level(j)).engine(context)?;
            let levels = levels.str().engine(context)?;
            let mut names: Vec<String> = Vec::new();
            let mut index: HashMap<String, u32> = HashMap::new();
            // Only side A's levels name slices (a level seen on side B only has no pair).
            let codes: Vec<Option<u32>> = levels
                .iter()
                .zip(&layout.side_a)
                .map(|(l, &a)| {
                    l.filter(|_| a).map(|l| {
                        *index.entry(l.to_string()).or_insert_with(|| {
                            names.push(l.to_string());
                            names.len() as u32 - 1
                        })
                    })
                })
                .collect();
            groupings.push((spec.name(), names, layout.side_a(None, |row| codes[row])));
        }
        Ok(Self { truth, groupings })
    }

    /// The joint tables of one (versus, model, metric) in every slice with a pair.
    fn tally(&self, versus: &[u8], model: &[u8], key: (&str, &str, &str)) -> Vec<PairCells> {
        let cell = |p: usize| usize::from(versus[p]) + 9 * usize::from(model[p]);
        let mut all = vec![0u64; PAIR_CELLS];
        for p in 0..versus.len() {
            all[cell(p)] += 1;
        }
        let table =
            |slice: Slice, cells: Vec<u64>| PairCells { cells, ..PairCells::new(key.0, key.1, key.2, slice) };
        let mut out = vec![table(Slice::all(), all)];
        if let Some(truth) = &self.truth {
            let mut by_truth = vec![vec![0u64; PAIR_CELLS]; 2];
            for (p, t) in truth.iter().enumerate() {
                if let Some(t) = t {
                    by_truth[usize::from(*t)][cell(p)] += 1;
                }
            }
            for (t, cells) in by_truth.into_iter().enumerate() {
                out.push(table(Slice::all().with_truth(t == 1), cells));
            }
        }
        for (name, levels, per_pair) in &self.groupings {
            let mut by_level = vec![vec![0u64; PAIR_CELLS]; levels.len()];
            for (p, l) in per_pair.iter().enumerate() {
                if let Some(l) = l {
                    by_level[*l as usize][cell(p)] += 1;
                }
            }
            let mut rows: Vec<(&String, Vec<u64>)> = levels.iter().zip(by_level).collect();
            rows.sort_by(|a, b| a.0.cmp(b.0));
            for (level, cells) in rows {
                let group = Some(GroupLevel { grouping: name.clone(), level: level.clone() });
                out.push(table(Slice { group, truth: None }, cells));
            }
        }
        out
    }
}
