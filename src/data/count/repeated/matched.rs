//! The grouped item sums of a repeated run by one pass in Rust. The baseline's items are indexed
//! once (id → row by the run's id index, row → its group of levels and truth); each model item
//! is then matched by id
//! and its sums added to its group's row. The frame equals the inner join + group-by of
//! [`super::items`] (kept as the tests' reference) column for column, up to the order of its
//! rows: the same f64 operations in the same order, the same rounding to units. That query took
//! 0.6–0.8 s per model on 2M items × 5 columns (a 2M-row join, then 80 aggregates), this pass
//! 0.19–0.25 s by timers before its vectors were built in parallel (BENCHMARKS.md, "Repeated
//! samples").

use crate::counts::UNIT;
use crate::data::columns::{item_value, level, repeat_sum, ID, TRUTH};
use crate::data::count::index::id_index::{BatchIds, IdIndex, ABSENT};
use crate::data::input::item_sums::{appearance_codes, MISSING};
use hashbrown::HashMap;
use polars::prelude::*;
use polars_arrow::array::{Array, PrimitiveArray};

/// The sums one group row holds for a compared column, in this order (names of [`repeat_sum`]).
const PAIRED: [&str; 11] = ["n", "m", "h", "mm", "hh", "mh", "ib", "im", "vm", "vb", "ibm"];
/// The integer score sums, then the whole-number ones.
const SCORE: [&str; 4] = ["scn", "scb", "scm", "scq"];
const WHOLE: [&str; 3] = ["swb", "swm", "swq"];
/// The sums of a truth column.
const TRUTHS: [&str; 4] = ["tn", "ts", "tss", "tim"];

/// What to sum: the compared columns (index, scored as 1 − value: judged against the truth) and
/// the truth columns of the side summed for the truth (`side`: `b` baseline, `m` model).
pub(super) struct SumPlan {
    pub(super) compared: Vec<(usize, bool)>,
    pub(super) truth: Vec<usize>,
    pub(super) side: char,
}

/// The baseline's items indexed: each id's row, each row's group and each group's first row.
pub(super) struct BaseIndex<'a> {
    base: &'a DataFrame,
    ids: BaseIds,
    group_of: Vec<u32>,
    first_rows: Vec<IdxSize>,
    /// The group keys' columns (levels, then the truth); without any, one row even for no item.
    keys: Vec<String>,
}

/// The baseline's ids in the run's id index ([`IdIndex`]) and each slot's row.
struct BaseIds {
    index: IdIndex,
    row_of_slot: Vec<u32>,
    dtype: DataType,
}

impl<'a> BaseIndex<'a> {
    /// Indexes `base` (one row per item) with the group keys `groupings` levels and, with
    /// `truth`, the truth; `None` for ids or keys of another type, or a repeated id (the caller
    /// joins with polars then).
    pub(super) fn new(base: &'a DataFrame, groupings: usize, truth: bool) -> PolarsResult<Option<Self>> {
        let Some(ids) = BaseIds::new(base.column(ID)?)? else { return Ok(None) };
        let mut keys: Vec<String> = (0..groupings).map(level).collect();
        if truth {
            keys.push(TRUTH.into());
        }
        let mut codes = vec![0u64; base.height()];
        for name in &keys {
            // Mixed radix: 0 for a missing key, its code + 1 otherwise.
            let Some((column, count)) = appearance_codes(base.column(name)?)? else { return Ok(None) };
            for (code, c) in codes.iter_mut().zip(column) {
                let Some(next) = code.checked_mul(count as u64 + 1) else { return Ok(None) };
                *code = next + if c == MISSING { 0 } else { u64::from(c) + 1 };
            }
        }
        let mut groups: HashMap<u64, u32> = HashMap::new();
        let mut first_rows = Vec::new();
        let group_of = codes
            .iter()
            .enumerate()
            .map(|(r, code)| {
                *groups.entry(*code).or_insert_with(|| {
                    first_rows.push(r as IdxSize);
                    first_rows.len() as u32 - 1
                })
            })
            .collect();
        Ok(Some(Self { base, ids, group_of, first_rows, keys }))
    }

    /// The grouped sums of the model items `items` matched with the baseline's (`None`: the
    /// baseline's own truth sums over all its items); `None` when the model's ids are of
    /// another type than the baseline's.
    pub(super) fn sums(&self, items: Option<&DataFrame>, plan: &SumPlan) -> PolarsResult<Option<DataFrame>> {
        let rows: Vec<u32> = match items {
            Some(items) => match self.ids.rows_of(items.column(ID)?)? {
                Some(rows) => rows,
                None => return Ok(None),
            },
            None => (0..self.base.height() as u32).collect(),
        };
        let side_frame = items.unwrap_or(self.base);
        // Each item's group and the values it is summed from, in the model's item order (the
        // baseline's gathered by row): reads in order below, a missing value as NaN.
        let groups: Vec<u32> =
            rows.iter().map(|&b| if b == ABSENT { ABSENT } else { self.group_of[b as usize] }).collect();
        let coded =
            |frame: &DataFrame, side: char, i: usize, at: Option<&[u32]>| -> PolarsResult<Option<Vec<f64>>> {
                let column = frame.column(&item_value(side, i))?.f64()?.rechunk();
                let coded = column.downcast_iter().next().and_then(|a| nan_coded(a, at));
                Ok(coded)
            };
        // The vectors over the cores: per compared column the baseline's (gathered) and the
        // model's, then the truth side's.
        let mut jobs: Vec<(&DataFrame, char, usize, Option<&[u32]>)> = Vec::new();
        for &(i, _) in &plan.compared {
            jobs.extend([(self.base, 'b', i, Some(rows.as_slice())), (side_frame, 'm', i, None)]);
        }
        jobs.extend(plan.truth.iter().map(|&i| (side_frame, plan.side, i, None)));
        let mut vectors = Vec::with_capacity(jobs.len());
        for done in crate::parallel::map(jobs.len(), |j| coded(jobs[j].0, jobs[j].1, jobs[j].2, jobs[j].3)) {
            let Some(vector) = done? else { return Ok(None) };
            vectors.push(vector);
        }
        let truth = vectors.split_off(2 * plan.compared.len());
        let (mut base, mut model) = (Vec::new(), Vec::new());
        for (j, vector) in vectors.into_iter().enumerate() {
            if j % 2 == 0 {
                base.push(vector)
            } else {
                model.push(vector)
            }
        }
        let values = Values { base, model, truth };
        self.frame(plan, self.summed(&groups, &values, plan)).map(Some)
    }

    /// Every group's sums of the items of `groups` (an item's group, [`ABSENT`] for an unmatched
    /// one), the items split in ranges over the cores, the ranges' sums added (integers, and
    /// whole-number sums that are exact when they are used).
    fn summed(&self, groups: &[u32], values: &Values, plan: &SumPlan) -> Sums {
        let threads = std::thread::available_parallelism().map_or(1, |c| c.get()).clamp(1, 16);
        let size = groups.len().div_ceil(threads).max(1);
        let parts = crate::parallel::map(groups.len().div_ceil(size), |t| {
            let mut sums = Sums::new(self.first_rows.len(), plan);
            let range = t * size..((t + 1) * size).min(groups.len());
            for r in range.filter(|&r| groups[r] != ABSENT) {
                sums.add(groups[r] as usize, values, r, plan);
            }
            sums
        });
        let mut total = Sums::new(self.first_rows.len(), plan);
        parts.iter().for_each(|part| total.merge(part));
        total
    }

    /// The grouped frame: the groups' keys (from their first rows), `len`, and every sum.
    fn frame(&self, plan: &SumPlan, sums: Sums) -> PolarsResult<DataFrame> {
        let keyed = !self.keys.is_empty();
        let kept: Vec<usize> = (0..self.first_rows.len()).filter(|&g| !keyed || sums.len[g] > 0).collect();
        let at = IdxCa::from_vec("at".into(), kept.iter().map(|&g| self.first_rows[g]).collect());
        let mut out: Vec<Column> = Vec::new();
        for name in &self.keys {
            out.push(self.base.column(name)?.take(&at)?);
        }
        let ints = |name: String, at: usize| {
            Column::new(
                name.into(),
                kept.iter().map(|&g| sums.ints[g * sums.width + at]).collect::<Vec<i64>>(),
            )
        };
        out.push(Column::new(
            repeat_sum("len", 0).into(),
            kept.iter().map(|&g| sums.len[g]).collect::<Vec<i64>>(),
        ));
        for (name, at) in names(plan) {
            out.push(ints(name, at));
        }
        if !plan.compared.is_empty() {
            for (k, stat) in WHOLE.iter().enumerate() {
                let values: Vec<f64> = kept.iter().map(|&g| sums.whole[g][k]).collect();
                out.push(Column::new(repeat_sum(stat, 0).into(), values));
            }
        }
        DataFrame::new(kept.len(), out)
    }
}

/// The integer sums' names and their places in a group's row.
fn names(plan: &SumPlan) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for &(i, _) in &plan.compared {
        out.extend(PAIRED.iter().map(|s| repeat_sum(s, i)));
    }
    if !plan.compared.is_empty() {
        out.extend(SCORE.iter().map(|s| repeat_sum(s, 0)));
    }
    for &i in &plan.truth {
        out.extend(TRUTHS.iter().map(|s| repeat_sum(s, i)));
    }
    out.into_iter().enumerate().map(|(at, n)| (n, at)).collect()
}

/// The values summed, one vector per column in the model's item order, a missing value as NaN:
/// the baseline's and the model's of each compared column, and the truth side's.
struct Values {
    base: Vec<Vec<f64>>,
    model: Vec<Vec<f64>>,
    truth: Vec<Vec<f64>>,
}

/// Column `c` of `columns` at item `r`.
fn get(columns: &[Vec<f64>], c: usize, r: usize) -> Option<f64> {
    let v = columns[c][r];
    (!v.is_nan()).then_some(v)
}

/// An item value array as a vector with NaN for a missing value, gathered by the rows `at`
/// when given ([`ABSENT`]: missing); `None` if the array holds a NaN value (polars would keep it
/// apart from a missing one).
fn nan_coded(a: &PrimitiveArray<f64>, at: Option<&[u32]>) -> Option<Vec<f64>> {
    if a.iter().any(|v| v.is_some_and(|v| v.is_nan())) {
        return None;
    }
    let value = |r: usize| if a.is_valid(r) { a.value(r) } else { f64::NAN };
    Some(match at {
        Some(rows) => rows.iter().map(|&b| if b == ABSENT { f64::NAN } else { value(b as usize) }).collect(),
        None => (0..a.len()).map(value).collect(),
    })
}

/// A value in whole units, as [`fixed`](super::query::fixed) rounds it.
fn units(v: f64) -> i64 {
    (v * UNIT + 0.5) as i64
}

/// Every group's sums: rows of `width` integers, the items (`len`) and the whole-number sums.
struct Sums {
    width: usize,
    ints: Vec<i64>,
    len: Vec<i64>,
    whole: Vec<[f64; 3]>,
}

impl Sums {
    fn new(groups: usize, plan: &SumPlan) -> Self {
        let width = names(plan).len();
        Self { width, ints: vec![0; groups * width], len: vec![0; groups], whole: vec![[0.0; 3]; groups] }
    }

    /// Adds `other`'s sums.
    fn merge(&mut self, other: &Sums) {
        self.ints.iter_mut().zip(&other.ints).for_each(|(a, b)| *a += b);
        self.len.iter_mut().zip(&other.len).for_each(|(a, b)| *a += b);
        for (a, b) in self.whole.iter_mut().zip(&other.whole) {
            (0..3).for_each(|k| a[k] += b[k]);
        }
    }

    /// Adds one matched item to group `g`, as the query's expressions compute it.
    fn add(&mut self, g: usize, values: &Values, r: usize, plan: &SumPlan) {
        self.len[g] += 1;
        let sums = &mut self.ints[g * self.width..(g + 1) * self.width];
        let mut at = 0;
        for c in 0..plan.compared.len() {
            let (b, m) = (get(&values.base, c, r), get(&values.model, c, r));
            let s = &mut sums[at..at + PAIRED.len()];
            if let (Some(b), Some(m)) = (b, m) {
                s[0] += 1;
                s[1] += units(m);
                s[2] += units(b);
                s[3] += units(m * m);
                s[4] += units(b * b);
                s[5] += units(m * b);
            }
            match (b, m) {
                (None, None) => {
                    s[6] += 1;
                    s[7] += 1;
                    s[10] += 1;
                }
                (None, Some(m)) => {
                    s[6] += 1;
                    s[8] += units(m);
                }
                (Some(b), None) => {
                    s[7] += 1;
                    s[9] += units(b);
                }
                (Some(_), Some(_)) => {}
            }
            at += PAIRED.len();
        }
        if !plan.compared.is_empty() {
            self.add_score(g, values, r, plan, at);
            at += SCORE.len();
        }
        let sums = &mut self.ints[g * self.width..(g + 1) * self.width];
        for t in 0..plan.truth.len() {
            let s = &mut sums[at..at + TRUTHS.len()];
            match get(&values.truth, t, r) {
                Some(v) => {
                    s[0] += 1;
                    s[1] += units(v);
                    s[2] += units(v * v);
                }
                None => s[3] += 1,
            }
            at += TRUTHS.len();
        }
    }

    /// The overall score of an item valid in every compared column on both sides: the item sums
    /// over the columns (in column order; 1 − value for a column judged against the truth),
    /// their means, and the squared differences.
    fn add_score(&mut self, g: usize, values: &Values, r: usize, plan: &SumPlan, at: usize) {
        let mut pairs = plan.compared.iter().enumerate().map(|(c, &(_, flip))| {
            let scored = |v: f64| if flip { 1.0 - v } else { v };
            Some((scored(get(&values.base, c, r)?), scored(get(&values.model, c, r)?)))
        });
        let Some(Some(first)) = pairs.next() else { return };
        let Some((b, m)) = pairs.try_fold(first, |(b, m), p| p.map(|(pb, pm)| (b + pb, m + pm))) else {
            return;
        };
        let k = plan.compared.len() as f64;
        let (b_score, m_score) = (b / k, m / k);
        let diff = m_score - b_score;
        let s = &mut self.ints[g * self.width + at..g * self.width + at + SCORE.len()];
        s[0] += 1;
        s[1] += units(b_score);
        s[2] += units(m_score);
        s[3] += units(diff * diff);
        let whole = &mut self.whole[g];
        whole[0] += b;
        whole[1] += m;
        whole[2] += (m - b) * (m - b);
    }
}

impl BaseIds {
    /// The index of the baseline's ids (`None`: a missing or repeated id).
    fn new(id: &Column) -> PolarsResult<Option<Self>> {
        let Some(ids) = BatchIds::read(id)? else { return Ok(None) };
        let (range, strings) = match &ids {
            BatchIds::Ints(v) => (v.iter().min().copied().zip(v.iter().max().copied()), false),
            BatchIds::Strs(_) => (None, true),
        };
        let mut index = IdIndex::new(ids.len(), range, strings);
        let mut slots = Vec::new();
        if index.insert(&ids, &mut slots).is_err() {
            return Ok(None);
        }
        let mut row_of_slot = vec![ABSENT; index.slots()];
        slots.iter().enumerate().for_each(|(r, &slot)| row_of_slot[slot as usize] = r as u32);
        Ok(Some(Self { index, row_of_slot, dtype: id.dtype().clone() }))
    }

    /// The baseline's row of each id in `id` ([`ABSENT`] without one); `None` for ids of
    /// another type (polars' join decides about those) or a missing id.
    fn rows_of(&self, id: &Column) -> PolarsResult<Option<Vec<u32>>> {
        if id.dtype() != &self.dtype {
            return Ok(None);
        }
        let Some(ids) = BatchIds::read(id)? else { return Ok(None) };
        let mut slots = Vec::new();
        self.index.probe(&ids, &mut slots);
        Ok(Some(
            slots.iter().map(|&s| if s == ABSENT { ABSENT } else { self.row_of_slot[s as usize] }).collect(),
        ))
    }
}
