//! Counting a repeated run (`--sample`, `--repeated`, `--annotator`): every source reduced to one
//! row per item ([`item_frame`]), then per model one inner join with the baseline's items and one
//! group-by over (truth, group levels) whose rows hold the item-level sums ([`Moments`],
//! [`TruthMoments`], score sums); the few grouped rows are folded into slices here. Each source
//! that may repeat also gets its [`RepeatSums`](crate::counts::RepeatSums) per column. Values that are all 0 or 1 become the
//! ordinary 2×2 tables, so a run with one sample per item counts exactly as an ordinary one.

use crate::counts::{
    CountsTable, MetricCounts, ModelCounts, Moments, ScoreMoments, Slice, TruthCounts, TruthMoments,
};
use crate::counts::{InvalidCells, PairedCounts, ScoreSums, UNIT};
use crate::data::columns::{item_value, level, repeat_sum, ID, TRUTH};
use crate::data::count::encode::decode::{check_valid, no_overlap};
use crate::data::count::grouping_counts::grouping_counts;
use crate::data::count::repeated::query::{collect, fixed};
use crate::data::count::repeated::sums::{
    check_item_columns, check_samples, column_u64, repeat_rows, Reader,
};
use crate::data::input::repeats::item_frame;
use crate::data::input::{ids, Dataset, SourceFrame};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use std::collections::BTreeMap;

/// Counts every model against the baseline at the item level.
pub(crate) fn count_repeated(data: &Dataset) -> Result<CountsTable> {
    let aggregate = data.repeats.as_ref().map(|r| r.aggregate).unwrap_or_default();
    for frame in std::iter::once(&data.baseline).chain(&data.models) {
        check_frame_ids(data, frame)?;
    }
    for frame in std::iter::once(&data.baseline).chain(&data.models) {
        if frame.rows >= 1 << 31 {
            return Err(AmplifyError::Data(format!(
                "{}: {} rows; exact item-level sums hold up to 2^31 rows per source: split the items into shards (`amplify count`) and merge the counts",
                data.files[frame.file].path.display(),
                frame.rows
            )));
        }
    }
    let base = item_frame(&data.baseline, &data.columns, 'b', aggregate)?;
    check_samples(data, &data.baseline, &base, true)?;
    check_item_columns(data, &data.baseline, &base)?;
    let groupings = grouping_counts(&base.clone().lazy(), &data.groupings, data.max_levels)?;
    let mut table = CountsTable { groupings, ..CountsTable::default() };
    if data.baseline.repeats {
        table.repeats.extend(repeat_rows(&data.columns, &data.baseline, &base)?);
    }
    if data.has_truth {
        let grouped = grouped(data, base.clone().lazy(), &truth_exprs(data, &data.baseline, 'b'))?;
        let folded = fold(data, &data.baseline, &grouped, false)?;
        table.truth.extend(truth_rows(data, &data.baseline, &folded));
    }
    for model in &data.models {
        let items = item_frame(model, &data.columns, 'm', aggregate)?;
        check_samples(data, model, &items, false)?;
        if model.repeats {
            table.repeats.extend(repeat_rows(&data.columns, model, &items)?);
        }
        let joined = base.clone().lazy().join(
            items.clone().lazy(),
            [col(ID)],
            [col(ID)],
            JoinArgs::new(JoinType::Inner),
        );
        let mut exprs = paired_exprs(data, model);
        if data.has_truth {
            exprs.extend(truth_exprs(data, model, 'm'));
        }
        let folded = fold(data, model, &grouped(data, joined, &exprs)?, true)?;
        let matched = folded.get(&Slice::all()).map_or(0, |s| s.items);
        if matched == 0 {
            return Err(no_overlap(data, model));
        }
        push_model(data, model, &folded, &mut table)?;
        table.models.push(model_row(data, model, &folded, matched, base.height(), items.height()));
    }
    Ok(table)
}

/// Sources that may repeat need ids on every row; the others also need them unique.
fn check_frame_ids(data: &Dataset, frame: &SourceFrame) -> Result<()> {
    let path = &data.files[frame.file].path;
    if !frame.repeats {
        return ids::check_ids(frame, path);
    }
    let df =
        collect(frame.lazy.clone().select([col(ID).null_count().cast(DataType::Int64)]), "checking ids")?;
    let nulls = column_u64(&df, ID)?[0];
    if nulls > 0 {
        return Err(AmplifyError::NullIds {
            path: path.clone(),
            column: frame.id_column.clone(),
            source_name: frame.name.clone(),
            count: nulls,
        });
    }
    Ok(())
}

/// The grouped sums: one row per (truth, level of each grouping) present in `lazy`.
fn grouped(data: &Dataset, lazy: LazyFrame, exprs: &[Expr]) -> Result<DataFrame> {
    let mut keys: Vec<Expr> = (0..data.groupings.len()).map(|j| col(level(j))).collect();
    if data.has_truth {
        keys.push(col(TRUTH));
    }
    let mut aggs = exprs.to_vec();
    aggs.push(len().cast(DataType::Int64).alias(repeat_sum("len", 0)));
    let query = if keys.is_empty() { lazy.select(aggs) } else { lazy.group_by(keys).agg(aggs) };
    collect(query, "item sums")
}

/// Sums over the items valid on both sides of each compared metric, the invalid labels per side,
/// and the overall-score sums.
fn paired_exprs(data: &Dataset, model: &SourceFrame) -> Vec<Expr> {
    let mut out = Vec::new();
    let compared: Vec<usize> = (0..data.metrics.len()).filter(|&i| model.present[i]).collect();
    for &i in &compared {
        let (b, m) = (col(item_value('b', i)), col(item_value('m', i)));
        let valid = b.clone().is_not_null().and(m.clone().is_not_null());
        let only = |e: Expr| when(valid.clone()).then(fixed(e)).otherwise(lit(NULL).cast(DataType::Int64));
        out.extend([
            valid.clone().cast(DataType::Int64).sum().alias(repeat_sum("n", i)),
            only(m.clone()).sum().alias(repeat_sum("m", i)),
            only(b.clone()).sum().alias(repeat_sum("h", i)),
            only(m.clone() * m.clone()).sum().alias(repeat_sum("mm", i)),
            only(b.clone() * b.clone()).sum().alias(repeat_sum("hh", i)),
            only(m.clone() * b.clone()).sum().alias(repeat_sum("mh", i)),
            b.clone().is_null().cast(DataType::Int64).sum().alias(repeat_sum("ib", i)),
            m.clone().is_null().cast(DataType::Int64).sum().alias(repeat_sum("im", i)),
            // Where the invalid items fall: the other side's values over each side's invalid
            // items (in units), and the items invalid on both sides.
            when(b.clone().is_null())
                .then(fixed(m.clone()))
                .otherwise(lit(0i64))
                .sum()
                .alias(repeat_sum("vm", i)),
            when(m.clone().is_null())
                .then(fixed(b.clone()))
                .otherwise(lit(0i64))
                .sum()
                .alias(repeat_sum("vb", i)),
            b.is_null().and(m.is_null()).cast(DataType::Int64).sum().alias(repeat_sum("ibm", i)),
        ]);
    }
    // The overall score: metrics judged against the truth enter as 1 − value.
    let scored = |side: char, i: usize| {
        let v = col(item_value(side, i));
        if data.truth_metrics.contains(&data.columns[i]) {
            lit(1.0) - v
        } else {
            v
        }
    };
    if let Some(&first) = compared.first() {
        let all_valid = compared
            .iter()
            .map(|&i| col(item_value('b', i)).is_not_null().and(col(item_value('m', i)).is_not_null()))
            .reduce(Expr::and)
            .unwrap_or(lit(true));
        // Item sums over the metrics, added in metric order; the scores are their means.
        let sum = |side| compared.iter().skip(1).fold(scored(side, first), |acc, &i| acc + scored(side, i));
        let k = lit(compared.len() as f64);
        let float = |e: Expr| when(all_valid.clone()).then(e).otherwise(lit(NULL).cast(DataType::Float64));
        let only =
            |e: Expr| when(all_valid.clone()).then(fixed(e)).otherwise(lit(NULL).cast(DataType::Int64));
        let (b_score, m_score) = (sum('b') / k.clone(), sum('m') / k);
        let diff = m_score.clone() - b_score.clone();
        let whole_diff = sum('m') - sum('b');
        out.extend([
            all_valid.clone().cast(DataType::Int64).sum().alias(repeat_sum("scn", 0)),
            only(b_score).sum().alias(repeat_sum("scb", 0)),
            only(m_score).sum().alias(repeat_sum("scm", 0)),
            only(diff.clone() * diff).sum().alias(repeat_sum("scq", 0)),
            // Whole numbers when every value is 0 or 1 (then the ordinary score sums).
            float(sum('b')).sum().alias(repeat_sum("swb", 0)),
            float(sum('m')).sum().alias(repeat_sum("swm", 0)),
            float(whole_diff.clone() * whole_diff).sum().alias(repeat_sum("swq", 0)),
        ]);
    }
    out
}

/// Per truth metric the source has: its valid item values, Σv, Σv², and its invalid labels.
fn truth_exprs(data: &Dataset, source: &SourceFrame, side: char) -> Vec<Expr> {
    let mut out = Vec::new();
    for (i, column) in data.columns.iter().enumerate() {
        if !source.present[i] || !data.truth_metrics.contains(column) {
            continue;
        }
        let v = col(item_value(side, i));
        out.extend([
            v.clone().is_not_null().cast(DataType::Int64).sum().alias(repeat_sum("tn", i)),
            fixed(v.clone()).sum().alias(repeat_sum("ts", i)),
            fixed(v.clone() * v.clone()).sum().alias(repeat_sum("tss", i)),
            v.is_null().cast(DataType::Int64).sum().alias(repeat_sum("tim", i)),
        ]);
    }
    out
}

/// The sums of one slice.
#[derive(Default)]
struct SliceSums {
    /// Items (matched items for a model, the baseline's items for the baseline).
    items: u64,
    /// Per column: moments, invalid labels (baseline, model) and where they fall.
    paired: BTreeMap<usize, (Moments, u64, u64, InvalidSums)>,
    /// Per truth column: moments, items with invalid truth, invalid labels.
    truth: BTreeMap<usize, (TruthMoments, u64, u64)>,
    /// Overall score: n, Σ b, Σ m, Σ (m − b)² of item scores (units), and the whole-number
    /// Σ B, Σ M, Σ (M − B)² of item sums (exact when every value is 0 or 1).
    score: (u64, [u64; 3], [f64; 3]),
}

/// Folds the grouped rows into slices: all items, each truth value, each level (and level ×
/// truth); truth sums only into slices without a truth value.
fn fold(
    data: &Dataset,
    source: &SourceFrame,
    df: &DataFrame,
    paired: bool,
) -> Result<BTreeMap<Slice, SliceSums>> {
    let reader = Reader { df };
    let lens = reader.u64s(&repeat_sum("len", 0))?;
    let truth: Vec<Option<i64>> = match data.has_truth {
        true => reader.i64s(TRUTH)?,
        false => vec![None; df.height()],
    };
    let levels: Vec<Vec<Option<String>>> =
        (0..data.groupings.len()).map(|j| reader.strings(&level(j))).collect::<Result<_>>()?;
    let row_sums = RowSums::read(data, source, &reader, paired)?;
    let mut out: BTreeMap<Slice, SliceSums> = BTreeMap::new();
    out.entry(Slice::all()).or_default();
    for r in 0..df.height() {
        let mut bases = vec![Slice::all()];
        for (j, spec) in data.groupings.iter().enumerate() {
            if let Some(l) = &levels[j][r] {
                bases.push(Slice::level(&spec.name(), l));
            }
        }
        for base in bases {
            let mut slices = vec![base.clone()];
            if let Some(t) = truth[r] {
                slices.push(base.with_truth(t == 1));
            }
            for slice in &slices {
                let s = out.entry(slice.clone()).or_default();
                s.items += lens[r];
                row_sums.add_paired(r, s, slice.is_all());
            }
            row_sums.add_truth(r, out.entry(base).or_default(), truth[r], lens[r]);
        }
    }
    Ok(out)
}

/// One column per grouped row, for each of several sums.
type Sums<const N: usize> = [Vec<u64>; N];

/// Over the items with an invalid label: the model's values (units) where the baseline has
/// none, the baseline's where the model has none, and the items with neither.
#[derive(Default, Clone, Copy)]
struct InvalidSums {
    model_values: u64,
    baseline_values: u64,
    both: u64,
}

/// The sums of every grouped row, read once: per compared column its six moment sums, two
/// invalid counts and three [`InvalidSums`], per truth column its three sums and invalid labels,
/// and the score sums.
struct RowSums {
    paired: Vec<(usize, Sums<6>, Sums<5>)>,
    truth: Vec<(usize, [Vec<u64>; 3], Vec<u64>)>,
    score: Option<(Vec<u64>, Sums<3>, [Vec<f64>; 3])>,
}

impl RowSums {
    /// Reads the sums of `source`'s columns (the paired ones only when `paired`: a model).
    fn read(data: &Dataset, source: &SourceFrame, reader: &Reader, paired: bool) -> Result<Self> {
        let f = |stat: &str, i: usize| reader.f64s(&repeat_sum(stat, i));
        let u = |stat: &str, i: usize| reader.u64s(&repeat_sum(stat, i));
        let mut out = Self { paired: Vec::new(), truth: Vec::new(), score: None };
        if paired {
            for i in (0..data.metrics.len()).filter(|&i| source.present[i]) {
                let sums = [u("n", i)?, u("m", i)?, u("h", i)?, u("mm", i)?, u("hh", i)?, u("mh", i)?];
                let invalid = [u("ib", i)?, u("im", i)?, u("vm", i)?, u("vb", i)?, u("ibm", i)?];
                out.paired.push((i, sums, invalid));
            }
            if !out.paired.is_empty() {
                let scores = [u("scb", 0)?, u("scm", 0)?, u("scq", 0)?];
                out.score = Some((u("scn", 0)?, scores, [f("swb", 0)?, f("swm", 0)?, f("swq", 0)?]));
            }
        }
        for (i, column) in data.columns.iter().enumerate() {
            if data.has_truth && source.present[i] && data.truth_metrics.contains(column) {
                out.truth.push((i, [u("tn", i)?, u("ts", i)?, u("tss", i)?], u("tim", i)?));
            }
        }
        Ok(out)
    }

    /// Adds grouped row `r`'s paired sums (and, for the slice of all items, its score sums).
    fn add_paired(&self, r: usize, s: &mut SliceSums, all: bool) {
        for (i, v, [ib, im, vm, vb, ibm]) in &self.paired {
            let add = Moments {
                n: v[0][r],
                sum_model: v[1][r],
                sum_baseline: v[2][r],
                sum_model_sq: v[3][r],
                sum_baseline_sq: v[4][r],
                sum_cross: v[5][r],
            };
            let e = s.paired.entry(*i).or_default();
            let cells = InvalidSums {
                model_values: e.3.model_values + vm[r],
                baseline_values: e.3.baseline_values + vb[r],
                both: e.3.both + ibm[r],
            };
            *e = (e.0 + add, e.1 + ib[r], e.2 + im[r], cells);
        }
        if let (true, Some((n, units, whole))) = (all, &self.score) {
            s.score.0 += n[r];
            for j in 0..3 {
                s.score.1[j] += units[j][r];
                s.score.2[j] += whole[j][r];
            }
        }
    }

    /// Adds grouped row `r`'s truth sums to the side of its truth value (or, without a valid
    /// truth, its `items` to the invalid truths).
    fn add_truth(&self, r: usize, s: &mut SliceSums, truth: Option<i64>, items: u64) {
        for (i, [n, sum, sq], invalid) in &self.truth {
            let e = s.truth.entry(*i).or_default();
            match truth {
                Some(1) => {
                    e.0.n_positive += n[r];
                    e.0.sum_positive += sum[r];
                    e.0.sum_sq_positive += sq[r];
                }
                Some(_) => {
                    e.0.n_negative += n[r];
                    e.0.sum_negative += sum[r];
                    e.0.sum_sq_negative += sq[r];
                }
                None => e.1 += items,
            }
            e.2 += invalid[r];
        }
    }
}

/// The metric and truth rows of one model.
fn push_model(
    data: &Dataset,
    model: &SourceFrame,
    folded: &BTreeMap<Slice, SliceSums>,
    table: &mut CountsTable,
) -> Result<()> {
    let matched = folded[&Slice::all()].items;
    for (slice, sums) in folded {
        for (&i, &(moments, invalid_baseline, invalid_model, sums)) in &sums.paired {
            let units = invalid_units(invalid_baseline, invalid_model, sums);
            let (pairs, moments, invalid_cells) = binary_or(moments, units);
            let row = MetricCounts {
                model: model.name.clone(),
                metric: data.columns[i].clone(),
                slice: slice.clone(),
                pairs,
                invalid_baseline,
                invalid_model,
                moments,
                invalid_cells: Some(invalid_cells),
            };
            if slice.is_all() {
                check_valid(data, model, &row, matched)?;
            }
            table.metrics.push(row);
        }
    }
    table.truth.extend(truth_rows(data, model, folded));
    Ok(())
}

/// The invalid cells in units of 2^-32 item values (see `MetricCounts::invalid_cells`).
fn invalid_units(invalid_baseline: u64, invalid_model: u64, s: InvalidSums) -> InvalidCells {
    let unit = UNIT as u64;
    InvalidCells {
        model_one: s.model_values,
        model_zero: (invalid_baseline - s.both) * unit - s.model_values,
        baseline_one: s.baseline_values,
        baseline_zero: (invalid_model - s.both) * unit - s.baseline_values,
        both: s.both * unit,
    }
}

/// The 2×2 table and the cells in items when every value, of the pairs and of the invalid
/// items' other side, is 0 or 1; else the moments and the cells in units.
fn binary_or(moments: Moments, units: InvalidCells) -> (PairedCounts, Option<Moments>, InvalidCells) {
    let unit = UNIT as u64;
    let cells = [units.model_one, units.model_zero, units.baseline_one, units.baseline_zero, units.both];
    match moments.as_binary() {
        Some(pairs) if cells.iter().all(|c| c % unit == 0) => {
            let items = InvalidCells {
                model_one: units.model_one / unit,
                model_zero: units.model_zero / unit,
                baseline_one: units.baseline_one / unit,
                baseline_zero: units.baseline_zero / unit,
                both: units.both / unit,
            };
            (pairs, None, items)
        }
        _ => (PairedCounts::default(), Some(moments), units),
    }
}

/// A source's truth rows per slice without a truth value (2×2 cells when its values are 0/1).
fn truth_rows(data: &Dataset, source: &SourceFrame, folded: &BTreeMap<Slice, SliceSums>) -> Vec<TruthCounts> {
    let mut out = Vec::new();
    for (slice, sums) in folded.iter().filter(|(s, _)| s.truth.is_none()) {
        for (&i, &(moments, invalid_truth, invalid_label)) in &sums.truth {
            let (pairs, moments) = match moments.as_binary() {
                Some(p) => (p, None),
                None => (PairedCounts::default(), Some(moments)),
            };
            out.push(TruthCounts {
                source: source.name.clone(),
                metric: data.columns[i].clone(),
                slice: slice.clone(),
                pairs,
                invalid_truth,
                invalid_label,
                moments,
            });
        }
    }
    out
}

/// The model row: alignment over items, and the overall-score sums (whole numbers when every
/// compared value is 0 or 1, else [`ScoreMoments`]).
fn model_row(
    data: &Dataset,
    model: &SourceFrame,
    folded: &BTreeMap<Slice, SliceSums>,
    matched: u64,
    baseline_items: usize,
    model_items: usize,
) -> ModelCounts {
    let all = &folded[&Slice::all()];
    let metrics = (0..data.metrics.len()).filter(|&i| model.present[i]).count() as u64;
    let (n, [b, m, q], [wb, wm, wq]) = all.score;
    let binary = all.paired.values().all(|&(moments, ib, im, sums)| {
        let units = invalid_units(ib, im, sums);
        binary_or(moments, units).1.is_none()
    });
    // The item-score sums in units always (a shard whose values are all 0 or 1 still merges with
    // one whose are not); the whole-number sums too when every value is 0 or 1 (exact in f64
    // below 2^53), which the overall score uses when no metric row of the model is fractional.
    let score = match binary {
        true => {
            ScoreSums { n, metrics, sum_baseline: wb as u64, sum_model: wm as u64, sum_sq_diff: wq as u64 }
        }
        false => ScoreSums { n, metrics, ..ScoreSums::default() },
    };
    let score_moments = Some(ScoreMoments { sum_baseline: b, sum_model: m, sum_sq_diff: q });
    ModelCounts {
        model: model.name.clone(),
        matched,
        baseline_only: baseline_items as u64 - matched,
        model_only: model_items as u64 - matched,
        score,
        score_moments,
    }
}
