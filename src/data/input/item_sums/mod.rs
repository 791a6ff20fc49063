//! The reduction of a repeated source's rows to one row per item without a polars group-by: each
//! row's item from its id (dense integer ids addressed directly, others hashed; items numbered as
//! they first appear), then per column the item's valid samples, ones and smallest order key in
//! one counter per item, the extras' first values and distinct counts, and the sample checks.
//! The result is the frame of [`super::repeats::item_frame`]'s group-by, column for column (a
//! test compares them); only the row order differs (first appearance here, hash order there). On
//! 10M sample rows of 2M items × 5 columns the group-by took about 2.7 s of a model's 4.6 s, this
//! pass 1.3–1.6 s (BENCHMARKS.md, "Repeated samples").

use super::model::Aggregate;
use crate::data::columns::{first_sample, item_value, positives, samples, ID, ORDER_KEY};
use crate::data::columns::{SAMPLE_DISTINCT, SAMPLE_NULLS, SAMPLE_ROWS};
use hashbrown::HashMap;
use polars::prelude::*;
use polars_arrow::array::Array;

/// A column of the rows: its index among the run's columns and the name of its normalised label.
pub(crate) type LabelColumn<'a> = (usize, &'a str);

/// What to reduce: the labels (0/1/null), the baseline's extra columns (truth, levels: each
/// item's first non-missing value, and with `extra_checks` its number of distinct ones), the
/// side and aggregate of the item values, and whether to add the sample checks.
pub(crate) struct ItemColumns<'a> {
    /// The label columns.
    pub labels: Vec<LabelColumn<'a>>,
    /// The extra columns, by name.
    pub extras: Vec<&'a str>,
    /// `b` (baseline) or `m` (model), for the item-value column names.
    pub side: char,
    /// How an item's samples make its value.
    pub aggregate: Aggregate,
    /// Rows, distinct sample values and rows without one per item ([`ORDER_KEY`] null).
    pub sample_checks: bool,
    /// Distinct values of each extra column per item.
    pub extra_checks: bool,
}

/// One row per item of `rows` (columns [`ID`], the labels and extras `what` names, and
/// [`ORDER_KEY`], the row's order, null where its sample value is missing), or `None` when the
/// ids are neither integers nor strings, there is no row, or a value is out of the pass's range
/// (the caller groups with polars then).
pub(crate) fn reduce(rows: &DataFrame, what: &ItemColumns) -> PolarsResult<Option<DataFrame>> {
    let id = rows.column(ID)?;
    if rows.height() == 0 {
        return Ok(None);
    }
    let Some((item_of, first_rows)) = number_items(id)? else { return Ok(None) };
    let items = first_rows.len();
    let order = rows.column(ORDER_KEY)?.i64()?.rechunk().into_owned();
    let values: Vec<Int64Chunked> = what
        .labels
        .iter()
        .map(|(_, name)| Ok(rows.column(name)?.i64()?.rechunk().into_owned()))
        .collect::<PolarsResult<_>>()?;
    let Some(sums) = LabelSums::add(&values, &order, &item_of, items) else { return Ok(None) };
    let mut out: Vec<Column> = vec![id.take(&IdxCa::from_vec(ID.into(), first_rows))?];
    for (counters, &(i, _)) in sums.by_column().iter().zip(&what.labels) {
        out.extend(columns(counters, i, what.side, what.aggregate));
    }
    let mut distinct_extras = Vec::new();
    for &name in &what.extras {
        let Some((first, distinct)) = extra(rows.column(name)?, &item_of, items)? else { return Ok(None) };
        out.push(first);
        distinct_extras.push(Column::new(crate::data::columns::distinct(name).into(), distinct));
    }
    if what.extra_checks {
        out.extend(distinct_extras);
    }
    if what.sample_checks {
        let codes = order.iter().map(|c| c.map(|c| c as u64));
        let (rows, nulls, distinct) = per_item(codes, order.max().map(|m| m as u64), &item_of, items);
        let distinct: Vec<i64> = distinct.iter().zip(&nulls).map(|(d, &n)| d + i64::from(n > 0)).collect();
        out.extend([
            Column::new(SAMPLE_ROWS.into(), rows),
            Column::new(SAMPLE_DISTINCT.into(), distinct),
            Column::new(SAMPLE_NULLS.into(), nulls),
        ]);
    }
    DataFrame::new(items, out).map(Some)
}

/// An extra column's first non-missing value per item (in row order) and its number of distinct
/// non-missing values per item; `None` when its values cannot be coded (the caller groups with
/// polars then).
fn extra(column: &Column, item_of: &[u32], items: usize) -> PolarsResult<Option<(Column, Vec<i64>)>> {
    fn code<K: std::hash::Hash + Eq>(values: impl Iterator<Item = Option<K>>) -> (Vec<Option<u64>>, usize) {
        let mut seen: HashMap<K, u64> = HashMap::new();
        let codes = values
            .map(|v| {
                let next = seen.len() as u64;
                v.map(|v| *seen.entry(v).or_insert(next))
            })
            .collect();
        (codes, seen.len())
    }
    let (codes, count) = match column.dtype() {
        t if t.is_integer() => code(column.cast(&DataType::Int64)?.i64()?.iter()),
        DataType::String => code(column.str()?.iter()),
        DataType::Boolean => code(column.bool()?.iter()),
        _ => return Ok(None),
    };
    let mut first = vec![IdxSize::MAX; items];
    for (r, (c, &item)) in codes.iter().zip(item_of).enumerate() {
        if c.is_some() && first[item as usize] == IdxSize::MAX {
            first[item as usize] = r as IdxSize;
        }
    }
    let at =
        IdxCa::from_iter_options("at".into(), first.into_iter().map(|f| (f != IdxSize::MAX).then_some(f)));
    let max = count.checked_sub(1).map(|m| m as u64);
    let (_, _, distinct) = per_item(codes.into_iter(), max, item_of, items);
    Ok(Some((column.take(&at)?, distinct)))
}

/// Each row's item (numbered in order of first appearance) and each item's first row: integer
/// ids spanning at most about twice as many values as rows are their own address, other ids go
/// through a hash table.
fn number_items(id: &Column) -> PolarsResult<Option<(Vec<u32>, Vec<IdxSize>)>> {
    let rows = id.len();
    let (mut item_of, mut first_rows) = (Vec::with_capacity(rows), Vec::new());
    let mut number = |r: usize, slot: &mut u32| {
        if *slot == u32::MAX {
            *slot = first_rows.len() as u32;
            first_rows.push(r as IdxSize);
        }
        item_of.push(*slot);
    };
    match id.dtype() {
        DataType::Int64 => {
            let ids = id.i64()?;
            let span = ids.min().zip(ids.max()).map(|(lo, hi)| (lo, hi.abs_diff(lo)));
            match span.filter(|&(_, s)| ids.null_count() == 0 && s <= 2 * rows as u64 + (1 << 16)) {
                Some((lo, span)) => {
                    let mut slots = vec![u32::MAX; span as usize + 1];
                    for (r, v) in ids.into_no_null_iter().enumerate() {
                        number(r, &mut slots[v.abs_diff(lo) as usize]);
                    }
                }
                None => {
                    let mut seen: HashMap<Option<i64>, u32> = HashMap::with_capacity(rows / 4);
                    ids.iter().enumerate().for_each(|(r, v)| number(r, seen.entry(v).or_insert(u32::MAX)));
                }
            }
        }
        DataType::String => {
            let mut seen: HashMap<Option<&str>, u32> = HashMap::with_capacity(rows / 4);
            id.str()?.iter().enumerate().for_each(|(r, v)| number(r, seen.entry(v).or_insert(u32::MAX)));
        }
        _ => return Ok(None),
    }
    Ok(Some((item_of, first_rows)))
}

/// One column's counters for one item.
#[derive(Debug, Clone, Copy)]
struct Counter {
    /// Valid samples.
    k: u32,
    /// Samples that are 1.
    s: u32,
    /// The smallest key 2·order + label over valid samples with an order (`u32::MAX`: none;
    /// below 2³² as a repeated source has fewer than 2³¹ rows).
    first: u32,
}

/// Every column's counters, item-major (item × column), so that a row touches one place.
struct LabelSums {
    columns: usize,
    counters: Vec<Counter>,
}

impl LabelSums {
    /// `None` when a label is not 0 or 1, or an order beyond 2³¹ − 2 (the caller groups with
    /// polars then).
    fn add(labels: &[Int64Chunked], order: &Int64Chunked, item_of: &[u32], items: usize) -> Option<Self> {
        let m = labels.len();
        let none = Counter { k: 0, s: 0, first: u32::MAX };
        let mut sums = Self { columns: m, counters: vec![none; items * m] };
        let arrays: Vec<_> = labels.iter().filter_map(|c| c.downcast_iter().next()).collect();
        let order = order.downcast_iter().next()?;
        for (r, &item) in item_of.iter().enumerate() {
            let at = item as usize * m;
            let key = match order.is_valid(r).then(|| order.value(r)) {
                Some(o) if !(0..(1 << 31) - 1).contains(&o) => return None,
                o => o.map(|o| 2 * o as u32),
            };
            for (a, c) in arrays.iter().zip(&mut sums.counters[at..at + m]) {
                if a.is_valid(r) {
                    let v = a.value(r);
                    if v != 0 && v != 1 {
                        return None;
                    }
                    c.k += 1;
                    c.s += v as u32;
                    if let Some(k) = key {
                        c.first = c.first.min(k + v as u32);
                    }
                }
            }
        }
        Some(sums)
    }

    /// The counters column by column (one pass: reading them item by item per column would
    /// stream the whole table once per output column).
    fn by_column(&self) -> Vec<Vec<Counter>> {
        let m = self.columns.max(1);
        let mut out: Vec<Vec<Counter>> =
            (0..m).map(|_| Vec::with_capacity(self.counters.len() / m)).collect();
        for item in self.counters.chunks_exact(m) {
            out.iter_mut().zip(item).for_each(|(o, c)| o.push(*c));
        }
        out
    }
}

/// A column's (the run's column `i`) item value, valid samples, ones and first sample, as the
/// group-by names them.
fn columns(counters: &[Counter], i: usize, side: char, aggregate: Aggregate) -> [Column; 4] {
    let first = |c: &Counter| (c.first != u32::MAX).then_some(c.first % 2);
    let value = |c: &Counter| {
        let (k, s) = (f64::from(c.k), f64::from(c.s));
        match aggregate {
            Aggregate::First => first(c).map(f64::from),
            _ if c.k == 0 => None,
            Aggregate::Mean => Some(s / k),
            Aggregate::Majority if s * 2.0 > k => Some(1.0),
            Aggregate::Majority if s * 2.0 < k => Some(0.0),
            Aggregate::Majority => None,
        }
    };
    let ints = |name: String, f: fn(&Counter) -> i64| {
        Int64Chunked::from_vec(name.into(), counters.iter().map(f).collect()).into_column()
    };
    [
        Float64Chunked::from_iter_options(item_value(side, i).into(), counters.iter().map(value))
            .into_column(),
        ints(samples(i), |c| i64::from(c.k)),
        ints(positives(i), |c| i64::from(c.s)),
        Int64Chunked::from_iter_options(
            first_sample(i).into(),
            counters.iter().map(|c| first(c).map(i64::from)),
        )
        .into_column(),
    ]
}

/// Per item: its rows, its rows without a code, and its distinct codes (`max`: the largest
/// code): a bit per code when there are at most 64 codes, else the sorted (item, code) pairs.
fn per_item(
    codes: impl Iterator<Item = Option<u64>>,
    max: Option<u64>,
    item_of: &[u32],
    items: usize,
) -> (Vec<i64>, Vec<i64>, Vec<i64>) {
    let (mut rows, mut nulls) = (vec![0i64; items], vec![0i64; items]);
    let mut distinct: Vec<i64> = vec![0; items];
    if max.is_none_or(|m| m < 64) {
        let mut seen = vec![0u64; items];
        for (code, &item) in codes.zip(item_of) {
            rows[item as usize] += 1;
            match code {
                Some(c) => seen[item as usize] |= 1 << c,
                None => nulls[item as usize] += 1,
            }
        }
        distinct.iter_mut().zip(&seen).for_each(|(d, s)| *d = i64::from(s.count_ones()));
    } else {
        let mut pairs: Vec<(u32, u64)> = Vec::with_capacity(item_of.len());
        for (code, &item) in codes.zip(item_of) {
            rows[item as usize] += 1;
            match code {
                Some(c) => pairs.push((item, c)),
                None => nulls[item as usize] += 1,
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs.iter().for_each(|&(item, _)| distinct[item as usize] += 1);
    }
    (rows, nulls, distinct)
}
