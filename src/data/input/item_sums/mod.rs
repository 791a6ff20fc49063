//! The reduction of a repeated source's rows to one row per item without a polars group-by: each
//! row's item from its id (dense integer ids addressed directly, others hashed; items numbered as
//! they first appear), then per column the item's valid samples, ones and smallest order key in
//! one counter per item, the extras' first values and distinct counts, and the sample checks.
//! The result is the frame of [`super::repeats::item_frame`]'s group-by, column for column (a
//! test compares them); only the row order differs (first appearance here, hash order there). On
//! 10M sample rows of 2M items × 5 columns the group-by took about 2.7 s of a model's 4.6 s, this
//! pass about 0.55 s (timers, 2026-12-07: numbering 0.1, counters 0.25, columns 0.17;
//! BENCHMARKS.md, "Repeated samples").

mod label_sums;

use super::model::Aggregate;
use crate::data::columns::{first_sample, item_value, positives, samples, ID, ORDER_KEY};
use crate::data::columns::{SAMPLE_DISTINCT, SAMPLE_NULLS, SAMPLE_ROWS};
use hashbrown::HashMap;
use label_sums::{Counter, LabelSums, Split};
use polars::prelude::*;
use polars_arrow::bitmap::MutableBitmap;

/// A column of the rows: its index among the run's columns and the name of its normalised label.
pub(crate) type LabelColumn<'a> = (usize, &'a str);

/// What to reduce: the labels (Int8 codes 0, 1 or 2 for invalid), the baseline's extra columns (truth, levels: each
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
/// [`ORDER_KEY`], the row's order, null where its sample value is missing), the rows' items
/// numbered by [`number_items`]; `None` when there is no row, the numbering is not of these
/// rows, or a value is out of the pass's range (the caller groups with polars then).
pub(crate) fn reduce(
    rows: &DataFrame,
    what: &ItemColumns,
    (item_of, first_rows): Numbered,
) -> PolarsResult<Option<DataFrame>> {
    let id = rows.column(ID)?;
    if rows.height() == 0 || item_of.len() != rows.height() {
        return Ok(None);
    }
    let items = first_rows.len();
    let order = rows.column(ORDER_KEY)?.i64()?.rechunk().into_owned();
    let values: Vec<Int8Chunked> = what
        .labels
        .iter()
        .map(|(_, name)| Ok(rows.column(name)?.i8()?.rechunk().into_owned()))
        .collect::<PolarsResult<_>>()?;
    // Sample checks by a bit per order value when every order is below 64, in the same pass.
    let bits = what.sample_checks && order.max().is_none_or(|m| m < 64);
    let split = Split::for_items(values.len(), bits);
    let Some(mut sums) = LabelSums::add(&values, &order, &item_of, items, bits, split) else {
        return Ok(None);
    };
    let mut out: Vec<Column> = vec![id.take(&IdxCa::from_vec(ID.into(), first_rows))?];
    out.extend(all_columns(&sums, what));
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
        let (rows, nulls, distinct) = match sums.samples.take() {
            Some(s) => (s.rows, s.nulls, s.seen.iter().map(|b| i64::from(b.count_ones())).collect()),
            None => {
                let codes = order.iter().map(|c| c.map(|c| c as u64));
                per_item(codes, order.max().map(|m| m as u64), &item_of, items)
            }
        };
        let distinct: Vec<i64> = distinct.iter().zip(&nulls).map(|(d, &n)| d + i64::from(n > 0)).collect();
        out.extend([
            Column::new(SAMPLE_ROWS.into(), rows),
            Column::new(SAMPLE_DISTINCT.into(), distinct),
            Column::new(SAMPLE_NULLS.into(), nulls),
        ]);
    }
    DataFrame::new(items, out).map(Some)
}

/// Each row's order key from its sample value: the value's rank among the column's distinct
/// values in ascending order, counting a missing value first when there is one (as the sorted
/// unique values the group-by's order keys come from; a missing value's own key is missing).
/// Integers (up to 64-bit signed) and strings; `None` for other types (the caller joins the
/// ranks with polars then). A sort of the few distinct values instead of a 10M-row join.
pub(crate) fn order_keys(column: &Column) -> PolarsResult<Option<Column>> {
    fn ranks<K: Ord + std::hash::Hash + Copy>(values: impl Iterator<Item = Option<K>>) -> Int64Chunked {
        // Each value coded by first appearance (one hash per row; u32::MAX for missing), then
        // the codes ranked; the ranks written straight into the column.
        let mut seen: HashMap<K, u32> = HashMap::new();
        let mut distinct: Vec<K> = Vec::new();
        let codes: Vec<u32> = values
            .map(|v| match v {
                Some(v) => *seen.entry(v).or_insert_with(|| {
                    distinct.push(v);
                    distinct.len() as u32 - 1
                }),
                None => u32::MAX,
            })
            .collect();
        let nulls = i64::from(codes.contains(&u32::MAX));
        let mut by_value: Vec<u32> = (0..distinct.len() as u32).collect();
        by_value.sort_unstable_by_key(|&c| distinct[c as usize]);
        let mut rank = vec![0i64; distinct.len()];
        by_value.iter().enumerate().for_each(|(r, &c)| rank[c as usize] = r as i64 + nulls);
        let keys = codes.iter().map(|&c| (c != u32::MAX).then(|| rank[c as usize]));
        Int64Chunked::from_iter_options(ORDER_KEY.into(), keys)
    }
    let keys = match column.dtype() {
        DataType::UInt64 => return Ok(None),
        DataType::Int32 => match dense_ranks(column.i32()?) {
            Some(keys) => keys,
            None => ranks(column.i32()?.iter()),
        },
        t if t.is_integer() => {
            let values = column.cast(&DataType::Int64)?;
            let values = values.i64()?;
            match dense_ranks(values) {
                Some(keys) => keys,
                None => ranks(values.iter()),
            }
        }
        DataType::String => ranks(column.str()?.iter()),
        _ => return Ok(None),
    };
    Ok(Some(keys.into_column()))
}

/// [`order_keys`] of integers spanning at most 2^20 values (seeds, epochs, annotators), by a
/// table of the span rather than a hash per row; `None` for a wider span or no value.
fn dense_ranks<T>(values: &ChunkedArray<T>) -> Option<Int64Chunked>
where
    T: PolarsIntegerType,
    T::Native: Into<i64>,
{
    let present = || values.downcast_iter().flat_map(|a| a.iter().flatten()).map(|&v| v.into());
    let (lo, hi) = present()
        .fold(None, |m: Option<(i64, i64)>, v| Some(m.map_or((v, v), |(l, h)| (l.min(v), h.max(v)))))?;
    let span = usize::try_from(hi.abs_diff(lo)).ok().filter(|&s| s < 1 << 20)?;
    // The slot of a missing value holds some number, within the span or not: read it clamped.
    let slot = |v: T::Native| (v.into().clamp(lo, hi).abs_diff(lo)) as usize;
    let mut rank = vec![0i64; span + 1];
    present().for_each(|v: i64| rank[v.abs_diff(lo) as usize] = 1);
    // Ranks from 1 when a missing value counts first, else from 0.
    let first = i64::from(values.null_count() > 0);
    for (next, r) in (first..).zip(rank.iter_mut().filter(|r| **r == 1)) {
        *r = next;
    }
    let mut keys: Vec<i64> = Vec::with_capacity(values.len());
    let mut validity = MutableBitmap::with_capacity(values.len());
    for a in values.downcast_iter() {
        keys.extend(a.values().iter().map(|&v| rank[slot(v)]));
        match a.validity() {
            Some(valid) => validity.extend_from_bitmap(valid),
            None => validity.extend_constant(a.len(), true),
        }
    }
    let validity = (values.null_count() > 0).then(|| validity.into());
    Some(Int64Chunked::from_vec_validity(ORDER_KEY.into(), keys, validity))
}

/// An extra column's first non-missing value per item (in row order) and its number of distinct
/// non-missing values per item; `None` when its values cannot be coded (the caller groups with
/// polars then).
fn extra(column: &Column, item_of: &[u32], items: usize) -> PolarsResult<Option<(Column, Vec<i64>)>> {
    if items == item_of.len() && is_codable(column.dtype()) {
        // One row per item (items are numbered in row order): each item's value is its row's.
        let distinct = column.is_not_null().iter().map(|v| i64::from(v == Some(true))).collect();
        return Ok(Some((column.clone(), distinct)));
    }
    let Some((codes, count)) = appearance_codes(column)? else { return Ok(None) };
    let mut first = vec![IdxSize::MAX; items];
    for (r, (&c, &item)) in codes.iter().zip(item_of).enumerate() {
        if c != MISSING && first[item as usize] == IdxSize::MAX {
            first[item as usize] = r as IdxSize;
        }
    }
    let at =
        IdxCa::from_iter_options("at".into(), first.into_iter().map(|f| (f != IdxSize::MAX).then_some(f)));
    let max = count.checked_sub(1).map(|m| m as u64);
    let codes = codes.into_iter().map(|c| (c != MISSING).then_some(u64::from(c)));
    let (_, _, distinct) = per_item(codes, max, item_of, items);
    Ok(Some((column.take(&at)?, distinct)))
}

/// The code [`appearance_codes`] gives a missing value.
pub(crate) const MISSING: u32 = u32::MAX;

/// Whether [`appearance_codes`] codes a column of this type: integers, text and booleans.
fn is_codable(dtype: &DataType) -> bool {
    dtype.is_integer() || dtype.is_string() || dtype.is_bool()
}

/// A column's values coded in order of first appearance (one hash per row), from 0, [`MISSING`]
/// for a missing value, and the number of distinct values; `None` for a type [`is_codable`]
/// refuses. The extras' values here; the group keys of the matched pass
/// (`data/count/repeated/matched.rs`).
pub(crate) fn appearance_codes(column: &Column) -> PolarsResult<Option<(Vec<u32>, usize)>> {
    fn code<K: std::hash::Hash + Eq>(values: impl Iterator<Item = Option<K>>) -> (Vec<u32>, usize) {
        let mut seen: HashMap<K, u32> = HashMap::new();
        let codes = values
            .map(|v| match v {
                Some(v) => {
                    let next = seen.len() as u32;
                    *seen.entry(v).or_insert(next)
                }
                None => MISSING,
            })
            .collect();
        (codes, seen.len())
    }
    Ok(Some(match column.dtype() {
        t if t.is_integer() => code(column.cast(&DataType::Int64)?.i64()?.iter()),
        DataType::String => code(column.str()?.iter()),
        DataType::Boolean => code(column.bool()?.iter()),
        _ => return Ok(None),
    }))
}

/// Each row's item (numbered in order of first appearance) and each item's first row.
pub(crate) type Numbered = (Vec<u32>, Vec<IdxSize>);

/// The rows' [`Numbered`] items: integer ids spanning at most about twice as many values as rows
/// are their own address, other ids go through a hash table; `None` for ids of another type.
pub(crate) fn number_items(id: &Column) -> PolarsResult<Option<Numbered>> {
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

/// Every label column's [`columns`], the columns built in parallel, each read from the
/// item-major counters in place (a copy column by column cost 0.07 s and 120 MB per model).
fn all_columns(sums: &LabelSums, what: &ItemColumns) -> Vec<Column> {
    let built = crate::parallel::map(what.labels.len(), |j| {
        columns(sums.column(j), what.labels[j].0, what.side, what.aggregate)
    });
    built.into_iter().flatten().collect()
}

/// A column's (the run's column `i`) item value, valid samples, ones and first sample, as the
/// group-by names them: one pass over the counters into plain vectors and validity masks.
fn columns<'a>(
    counters: impl ExactSizeIterator<Item = &'a Counter>,
    i: usize,
    side: char,
    aggregate: Aggregate,
) -> [Column; 4] {
    let n = counters.len();
    let (mut value, mut valued) = (Vec::with_capacity(n), MutableBitmap::with_capacity(n));
    let (mut first, mut firsted) = (Vec::with_capacity(n), MutableBitmap::with_capacity(n));
    let (mut k, mut s) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for c in counters {
        let head = (c.first != u32::MAX).then_some(c.first % 2);
        let (ck, cs) = (f64::from(c.k), f64::from(c.s));
        let v = match aggregate {
            Aggregate::First => head.map(f64::from),
            _ if c.k == 0 => None,
            Aggregate::Mean => Some(cs / ck),
            Aggregate::Majority if cs * 2.0 > ck => Some(1.0),
            Aggregate::Majority if cs * 2.0 < ck => Some(0.0),
            Aggregate::Majority => None,
        };
        value.push(v.unwrap_or(0.0));
        valued.push(v.is_some());
        first.push(head.map_or(0, i64::from));
        firsted.push(head.is_some());
        k.push(i64::from(c.k));
        s.push(i64::from(c.s));
    }
    [
        Float64Chunked::from_vec_validity(item_value(side, i).into(), value, Some(valued.into()))
            .into_column(),
        Int64Chunked::from_vec(samples(i).into(), k).into_column(),
        Int64Chunked::from_vec(positives(i).into(), s).into_column(),
        Int64Chunked::from_vec_validity(first_sample(i).into(), first, Some(firsted.into())).into_column(),
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
