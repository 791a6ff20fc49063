//! Counting a repeated run (`--sample`, `--repeated`, `--annotator`): every source reduced to one
//! row per item ([`item_frame`]), then per model one inner join with the baseline's items and one
//! group-by over (truth, group levels) whose rows hold the item-level sums (moments, truth
//! moments, score sums, where the invalid items fall); the few grouped rows are folded into
//! slices (`slices`) and written as counts rows (`rows`). Each source that may repeat also gets
//! its [`RepeatSums`](crate::counts::RepeatSums) per column. Values that are all 0 or 1 become
//! the ordinary 2×2 tables, so a run with one sample per item counts exactly as an ordinary one.

use crate::counts::{CountsTable, Slice};
use crate::data::columns::{first_sample, item_value, level, positives, repeat_sum, samples, ID, TRUTH};
use crate::data::columns::{SAMPLE_DISTINCT, SAMPLE_NULLS, SAMPLE_ROWS};
use crate::data::count::encode::decode::no_overlap;
use crate::data::count::grouping_counts::grouping_counts;
use crate::data::count::repeated::matched::{BaseIndex, SumPlan};
use crate::data::count::repeated::query::{collect, fixed};
use crate::data::count::repeated::rows::{push_model, score_rows, truth_rows};
use crate::data::count::repeated::slices::fold;
use crate::data::count::repeated::sums::{check_item_columns, check_samples, column_u64, repeat_rows};
use crate::data::engine::EngineContext;
use crate::data::input::repeats::item_frame;
use crate::data::input::Aggregate;
use crate::data::input::{ids, Dataset, SourceFrame};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

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
    let index =
        BaseIndex::new(&base, data.groupings.len(), data.has_truth).engine(|| "indexing the items".into())?;
    if data.has_truth {
        let grouped = item_sums(data, &base, index.as_ref(), &data.baseline, None)?;
        let folded = fold(data, &data.baseline, &grouped, false)?;
        table.truth.extend(truth_rows(data, &data.baseline, &folded));
    }
    for model in &data.models {
        let items = model_items(data, model, &base, aggregate)?;
        check_samples(data, model, &items, false)?;
        if model.repeats {
            table.repeats.extend(repeat_rows(&data.columns, model, &items)?);
        }
        let grouped = item_sums(data, &base, index.as_ref(), model, Some(&items))?;
        let folded = fold(data, model, &grouped, true)?;
        let matched = folded.get(&Slice::all()).map_or(0, |s| s.items);
        if matched == 0 {
            return Err(no_overlap(data, model));
        }
        push_model(data, model, &folded, &mut table)?;
        let (row, scores) = score_rows(data, model, &folded, matched, (base.height(), items.height()));
        table.models.push(row);
        table.scores.extend(scores);
    }
    Ok(table)
}

/// A model's item frame; the baseline read as its own model (the same file, columns and coding)
/// takes the baseline's items, renamed, instead of reducing the same rows again.
pub(super) fn model_items(
    data: &Dataset,
    model: &SourceFrame,
    base: &DataFrame,
    aggregate: Aggregate,
) -> Result<DataFrame> {
    let b = &data.baseline;
    let same = data.is_own(model)
        && (model.file, model.rows, model.repeats) == (b.file, b.rows, b.repeats)
        && (&model.present, &model.inverted) == (&b.present, &b.inverted);
    if !same {
        return item_frame(model, &data.columns, 'm', aggregate);
    }
    let mut keep = vec![col(ID)];
    for i in (0..data.columns.len()).filter(|&i| model.present[i]) {
        keep.push(col(item_value('b', i)).alias(item_value('m', i)));
        keep.extend([samples(i), positives(i), first_sample(i)].map(|c| col(c.as_str())));
    }
    let names = base.get_column_names();
    let checks = [SAMPLE_ROWS, SAMPLE_DISTINCT, SAMPLE_NULLS];
    keep.extend(checks.into_iter().filter(|c| names.iter().any(|n| n.as_str() == *c)).map(col));
    collect(base.clone().lazy().select(keep), "the baseline's own items")
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

/// The grouped sums of a model's items matched with the baseline's (`items`; `None`: the
/// baseline's own truth sums), by the Rust pass where `index` applies, else by polars' inner
/// join and group-by (the tests' reference).
pub(super) fn item_sums(
    data: &Dataset,
    base: &DataFrame,
    index: Option<&BaseIndex>,
    source: &SourceFrame,
    items: Option<&DataFrame>,
) -> Result<DataFrame> {
    if let Some(index) = index {
        let plan = sum_plan(data, source, items.is_some());
        if let Some(sums) = index.sums(items, &plan).engine(|| "counting item sums".into())? {
            return Ok(sums);
        }
    }
    let Some(items) = items else {
        return grouped(data, base.clone().lazy(), &truth_exprs(data, source, 'b'));
    };
    let joined =
        base.clone().lazy().join(items.clone().lazy(), [col(ID)], [col(ID)], JoinArgs::new(JoinType::Inner));
    let mut exprs = paired_exprs(data, source);
    if data.has_truth {
        exprs.extend(truth_exprs(data, source, 'm'));
    }
    grouped(data, joined, &exprs)
}

/// What [`item_sums`] sums for `source`: its compared columns when `paired` (a model), and its
/// truth columns.
fn sum_plan(data: &Dataset, source: &SourceFrame, paired: bool) -> SumPlan {
    let judged = |i: usize| data.truth_metrics.contains(&data.columns[i]);
    let compared = match paired {
        true => (0..data.metrics.len()).filter(|&i| source.present[i]).map(|i| (i, judged(i))).collect(),
        false => Vec::new(),
    };
    let truth = match data.has_truth {
        true => (0..data.columns.len()).filter(|&i| source.present[i] && judged(i)).collect(),
        false => Vec::new(),
    };
    SumPlan { compared, truth, side: if paired { 'm' } else { 'b' } }
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
