//! Several rows per item (`--sample COL`, `--repeated`, `--annotator COL`): each source's rows are
//! reduced to one row per item, holding per column the item's value (the `--aggregate` of its
//! valid samples), its number of valid samples, of samples that are 1, and its first valid
//! sample. The counting of a repeated run ([`crate::data::count`](mod@crate::data::count)) starts from these item frames.

use super::item_sums::{number_items, order_keys, reduce, ItemColumns};
use super::label_codes::{is_byte_label_type, label_bytes};
use super::labels::normalised;
use super::model::{Aggregate, DataOptions, RawSource, RepeatOptions, SourceFrame};
use super::source::ScannedFile;
use crate::data::columns::{
    distinct, first_sample, item_value, positives, samples, ID, ORDER_KEY, SAMPLE_DISTINCT, SAMPLE_NULLS,
    SAMPLE_ORDER, SAMPLE_ROWS,
};
use crate::data::engine::EngineContext;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// The sample and annotator columns are not metrics (a seed column of 0s and 1s would look like
/// one).
pub(crate) fn exclude_repeat_columns(raws: &mut [RawSource], options: &RepeatOptions) {
    let named: Vec<&str> =
        [&options.sample, &options.annotator].into_iter().flatten().map(String::as_str).collect();
    for raw in raws {
        raw.columns.retain(|(_, column, _)| !named.contains(&column.as_str()));
    }
}

/// The options with `--sample epoch` when a model's log holds several epochs (and
/// `--annotator epoch` when the baseline's does) and no repeated design was asked for (`None`:
/// the options stand as given).
pub(crate) fn implied_samples(files: &[ScannedFile], options: &DataOptions) -> Option<DataOptions> {
    let epochs = |f: &ScannedFile| f.log.as_ref().is_some_and(|l| l.epochs > 1);
    let sample = files.iter().skip(1).any(epochs).then(|| "epoch".to_string());
    let annotator = files.first().filter(|f| epochs(f)).map(|_| "epoch".to_string());
    let implied = sample.is_some() || annotator.is_some();
    (implied && options.repeats.is_none()).then(|| DataOptions {
        repeats: Some(RepeatOptions { sample, annotator, repeated: false, aggregate: Aggregate::Mean }),
        ..options.clone()
    })
}

/// The note for options [`implied_samples`] made: which flags the epochs stand for.
pub(crate) fn implied_note(options: &DataOptions) -> Option<String> {
    let r = options.repeats.as_ref()?;
    let flags: Vec<&str> = [(&r.sample, "--sample epoch"), (&r.annotator, "--annotator epoch")]
        .into_iter()
        .filter_map(|(c, flag)| c.as_ref().map(|_| flag))
        .collect();
    Some(format!(
        "a log holds several epochs or repeats: they are read as repeated samples ({})",
        flags.join(", ")
    ))
}

/// The source's order column as [`SAMPLE_ORDER`], when `--sample` (models) or `--annotator`
/// (baseline) names one; an error when the file lacks it.
pub(crate) fn order_extra(
    file: &ScannedFile,
    options: &RepeatOptions,
    baseline: bool,
) -> Result<Option<Expr>> {
    let Some(name) = options.order_column(baseline) else { return Ok(None) };
    if !file.has_column(name) {
        return Err(AmplifyError::MissingColumn {
            path: file.path.clone(),
            column: name.to_string(),
            purpose: if baseline { "--annotator" } else { "--sample" },
            available: file.column_list(),
        });
    }
    file.check_key(name, if baseline { "--annotator" } else { "--sample" })?;
    Ok(Some(col(name).alias(SAMPLE_ORDER)))
}

/// One row per item of a source: `__id`, and per column `j` the source has (of `columns`), its
/// item value ([`item_value`] with `side`), valid samples ([`samples`]), ones ([`positives`]) and
/// first valid sample ([`first_sample`]); the baseline's extra columns (truth, group levels) are
/// taken from the item's first row; with a sample column, the item's rows, distinct sample values
/// and rows without one ([`SAMPLE_ROWS`], [`SAMPLE_DISTINCT`], [`SAMPLE_NULLS`]) for the checks.
/// Labels are normalised to 1/0/null and inverted here.
///
/// The first valid sample is found without sorting within items: each row gets an order key (the
/// rank of its sample value among the distinct values, else its row number), and the item's
/// minimum of 2·key + label over its valid rows holds the first sample's label in its lowest bit.
/// The rows are reduced in one Rust pass ([`reduce`]) when their ids are integers or strings and
/// the extras integers, strings or booleans; else by a polars group-by.
pub(crate) fn item_frame(
    frame: &SourceFrame,
    columns: &[String],
    side: char,
    aggregate: Aggregate,
) -> Result<DataFrame> {
    reduced(frame, columns, side, aggregate, true)
}

/// [`item_frame`], by the Rust pass ([`reduce`]) where it applies when `fast`, else by polars'
/// group-by (the reference the tests compare the pass with).
fn reduced(
    frame: &SourceFrame,
    columns: &[String],
    side: char,
    aggregate: Aggregate,
    fast: bool,
) -> Result<DataFrame> {
    let schema = frame.lazy.clone().collect_schema().engine(|| format!("reading source '{}'", frame.name))?;
    let has_order = schema.contains(SAMPLE_ORDER);
    let (mut keep, mut aggs, mut values) = (vec![col(ID)], Vec::new(), vec![col(ID)]);
    let (mut fast_keep, mut raw) = (vec![col(ID)], Vec::new());
    for (i, name) in columns.iter().enumerate().filter(|(i, _)| frame.present[*i]) {
        let dtype = schema.get(name.as_str()).cloned().unwrap_or(DataType::Null);
        let label = normalised(name, &dtype, frame.inverted[i]).cast(DataType::Int64);
        let key = when(label.clone().is_not_null())
            .then(col(ORDER_KEY) * lit(2i64) + label.clone())
            .otherwise(lit(NULL).cast(DataType::Int64));
        keep.push(label.clone().alias(name.as_str()));
        // 0, 1 or 2 (invalid): a byte per label for the Rust pass (integers coded after
        // collecting).
        match is_byte_label_type(&dtype) {
            true => {
                fast_keep.push(col(name.as_str()));
                raw.push((name.as_str(), frame.inverted[i]));
            }
            false => fast_keep.push(label.fill_null(lit(2)).cast(DataType::Int8).alias(name.as_str())),
        }
        keep.push(key.alias(first_sample(i)));
        let label = col(name.as_str());
        aggs.push(label.clone().count().cast(DataType::Int64).alias(samples(i)));
        aggs.push(label.sum().alias(positives(i)));
        aggs.push((col(first_sample(i)).min() % lit(2i64)).alias(first_sample(i)));
        values.push(value(i, aggregate).alias(item_value(side, i)));
        values.extend([samples(i), positives(i), first_sample(i)].map(|c| col(c.as_str())));
    }
    let extras: Vec<String> = schema
        .iter_names()
        .filter(|n| n.starts_with("__") && ![ID, SAMPLE_ORDER].contains(&n.as_str()))
        .map(|n| n.to_string())
        .collect();
    keep.extend(extras.iter().map(|e| col(e.as_str())));
    // An item's truth and levels: its rows must agree (checked on the distinct values, nulls aside).
    aggs.extend(extras.iter().map(|e| col(e.as_str()).drop_nulls().first()));
    values.extend(extras.iter().map(|e| col(e.as_str())));
    if frame.repeats {
        for e in &extras {
            aggs.push(col(e.as_str()).drop_nulls().n_unique().cast(DataType::Int64).alias(distinct(e)));
            values.push(col(distinct(e)));
        }
    }
    if has_order {
        keep.push(col(SAMPLE_ORDER));
        aggs.push(len().cast(DataType::Int64).alias(SAMPLE_ROWS));
        aggs.push(col(SAMPLE_ORDER).n_unique().cast(DataType::Int64).alias(SAMPLE_DISTINCT));
        aggs.push(col(SAMPLE_ORDER).null_count().cast(DataType::Int64).alias(SAMPLE_NULLS));
        values.extend([SAMPLE_ROWS, SAMPLE_DISTINCT, SAMPLE_NULLS].map(col));
    }
    let rows = ordered_rows(frame, has_order);
    let what = || format!("counting the items of '{}'", frame.name);
    // One pass in Rust where it applies (integer or string ids; coded extras).
    if fast {
        let columns = ItemColumns {
            labels: columns
                .iter()
                .enumerate()
                .filter(|(i, _)| frame.present[*i])
                .map(|(i, n)| (i, n.as_str()))
                .collect(),
            extras: extras.iter().map(String::as_str).collect(),
            side,
            aggregate,
            sample_checks: has_order,
            extra_checks: frame.repeats,
        };
        fast_keep.extend(extras.iter().map(|e| col(e.as_str())));
        let first = match has_order {
            true => frame.lazy.clone().select(with(fast_keep.clone(), col(SAMPLE_ORDER))).collect(),
            false => rows.clone().select(with(fast_keep.clone(), col(ORDER_KEY))).collect(),
        }
        .engine(what)?;
        let ids = first.column(ID).engine(what)?.clone();
        // The items numbered (serially: by first appearance) beside the coding of the rows.
        let (numbered, coded) = std::thread::scope(|scope| {
            let numbering = scope.spawn(|| number_items(&ids));
            let coded = coded_rows(first, &raw, has_order, &rows, fast_keep);
            (numbering.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), coded)
        });
        let (collected, renumber) = coded.engine(what)?;
        let numbered = match renumber {
            true => number_items(collected.column(ID).engine(what)?).engine(what)?,
            false => numbered.engine(what)?,
        };
        if let Some(numbered) = numbered {
            if let Some(items) = reduce(&collected, &columns, numbered).engine(what)? {
                return Ok(items);
            }
        }
    }
    rows.select(keep).group_by([col(ID)]).agg(aggs).select(values).collect().engine(what)
}

/// `exprs` and one more.
fn with(mut exprs: Vec<Expr>, more: Expr) -> Vec<Expr> {
    exprs.push(more);
    exprs
}

/// The collected rows (`collected`) ready for the Rust pass: their [`ORDER_KEY`] ranked in Rust
/// from the sample values ([`order_keys`]) when `has_order`, and the integer labels `raw` coded
/// to bytes ([`label_bytes`], over the cores). Sample values of another type take their ranks
/// from [`ordered_rows`]' join (`rows`, re-collecting the columns `keep`): `true` then, as that
/// frame's rows need numbering again.
fn coded_rows(
    mut collected: DataFrame,
    raw: &[(&str, bool)],
    has_order: bool,
    rows: &LazyFrame,
    keep: Vec<Expr>,
) -> PolarsResult<(DataFrame, bool)> {
    let mut renumber = false;
    if has_order {
        match order_keys(collected.column(SAMPLE_ORDER)?)? {
            Some(keys) => {
                collected.with_column(keys)?;
                drop(collected.drop_in_place(SAMPLE_ORDER)?);
            }
            None => {
                collected = rows.clone().select(with(keep, col(ORDER_KEY))).collect()?;
                renumber = true;
            }
        }
    }
    let coded = crate::parallel::map(raw.len(), |j| label_bytes(collected.column(raw[j].0)?, raw[j].1));
    for column in coded {
        collected.with_column(column?)?;
    }
    Ok((collected, renumber))
}

/// The source's rows with [`ORDER_KEY`]: the rank of the row's sample value among the distinct
/// values (null without one), or, without a sample column, the row's number.
fn ordered_rows(frame: &SourceFrame, has_order: bool) -> LazyFrame {
    if !has_order {
        return frame
            .lazy
            .clone()
            .with_row_index(ORDER_KEY, None)
            .with_column(col(ORDER_KEY).cast(DataType::Int64));
    }
    // The distinct sample values in order, numbered: few rows, joined back by value.
    let codes = frame
        .lazy
        .clone()
        .select([col(SAMPLE_ORDER)])
        .unique(None, UniqueKeepStrategy::Any)
        .sort([SAMPLE_ORDER], Default::default())
        .with_row_index(ORDER_KEY, None)
        .with_column(col(ORDER_KEY).cast(DataType::Int64));
    frame.lazy.clone().join(codes, [col(SAMPLE_ORDER)], [col(SAMPLE_ORDER)], JoinArgs::new(JoinType::Left))
}

/// The item value of column `i` from its valid samples k and ones s.
fn value(i: usize, aggregate: Aggregate) -> Expr {
    let (k, s) = (
        col(samples(i).as_str()).cast(DataType::Float64),
        col(positives(i).as_str()).cast(DataType::Float64),
    );
    let null = || lit(NULL).cast(DataType::Float64);
    let has = col(samples(i).as_str()).gt(lit(0));
    match aggregate {
        Aggregate::Mean => when(has).then(s / k).otherwise(null()),
        Aggregate::Majority => when(has.not())
            .then(null())
            .when((s.clone() * lit(2.0)).gt(k.clone()))
            .then(lit(1.0))
            .when((s * lit(2.0)).lt(k))
            .then(lit(0.0))
            .otherwise(null()),
        Aggregate::First => col(first_sample(i).as_str()).cast(DataType::Float64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    /// Random sample rows: `items` ids (0..items, the same spread out, or strings: `ids` 0, 1 or
    /// 2), two 0/1 columns with missing labels, a truth and a level column (extras), and a sample
    /// column with `codes` values (some missing) unless `codes` is 0.
    fn source(rows: usize, items: usize, ids: u8, codes: usize, seed: u64, repeats: bool) -> SourceFrame {
        let mut rng = SplitMix64::new(seed);
        let label = |rng: &mut SplitMix64| match rng.below(5) {
            0 => None,
            v => Some((v % 2) as i64),
        };
        let numbers: Vec<i64> = (0..rows).map(|_| rng.below(items) as i64).collect();
        let a: Vec<Option<i64>> = (0..rows).map(|_| label(&mut rng)).collect();
        let b: Vec<Option<i64>> = (0..rows).map(|_| label(&mut rng)).collect();
        let mut columns = vec![
            match ids {
                0 => Column::new(ID.into(), numbers.clone()),
                1 => Column::new(ID.into(), numbers.iter().map(|i| i * 1_000_003 - 7).collect::<Vec<_>>()),
                _ => Column::new(ID.into(), numbers.iter().map(|i| format!("item-{i}")).collect::<Vec<_>>()),
            },
            Column::new("a".into(), a),
            Column::new("b".into(), b),
        ];
        // The baseline's extras: a truth (mostly the item's, sometimes another or missing) and a
        // level (the item's, or missing).
        let truth: Vec<Option<i64>> = numbers
            .iter()
            .map(|&i| (rng.below(9) > 0).then(|| (i + i64::from(rng.below(12) == 0)) % 2))
            .collect();
        let level: Vec<Option<String>> =
            numbers.iter().map(|&i| (rng.below(6) > 0).then(|| format!("level {}", i % 3))).collect();
        columns.extend([Column::new("__t".into(), truth), Column::new("__g".into(), level)]);
        if codes > 0 {
            let order: Vec<Option<i64>> =
                (0..rows).map(|_| (rng.below(40) > 0).then(|| 1000 - rng.below(codes) as i64)).collect();
            columns.push(Column::new(SAMPLE_ORDER.into(), order));
        }
        SourceFrame {
            name: "m".into(),
            file: 0,
            lazy: DataFrame::new(rows, columns).expect("frame").lazy(),
            rows: rows as u64,
            id_column: "id".into(),
            present: vec![true, true],
            inverted: vec![false, true],
            repeats,
        }
    }

    fn sorted(df: DataFrame) -> DataFrame {
        df.sort([ID], SortMultipleOptions::default()).expect("sort")
    }

    /// The order keys ranked in Rust equal those joined from polars' sorted unique values, for
    /// integer and string sample values with and without missing ones; other types are left to
    /// the join.
    #[test]
    fn ranked_order_keys_equal_the_joined_ones() {
        let ints = Column::new(SAMPLE_ORDER.into(), [Some(7i32), None, Some(-3), Some(7), Some(40)]);
        let wide =
            Column::new(SAMPLE_ORDER.into(), [Some(5_000_000i64), Some(-3), None, Some(5_000_000), Some(40)]);
        let bytes = Column::new(SAMPLE_ORDER.into(), [2i8, -1, 2, 0]);
        let texts = Column::new(SAMPLE_ORDER.into(), [Some("b"), Some("a"), Some("é"), Some("b"), Some("B")]);
        let floats = Column::new(SAMPLE_ORDER.into(), [0.5f64, 0.25]);
        // Int32 and Int8 by a table of their span; a span over 2^20 and text by hashing.
        for column in [ints, wide, bytes, texts] {
            let n = column.len();
            let ids = Column::new(ID.into(), (0..n as i64).collect::<Vec<_>>());
            let frame = SourceFrame {
                name: "m".into(),
                file: 0,
                lazy: DataFrame::new(n, vec![ids, column.clone()]).expect("frame").lazy(),
                rows: n as u64,
                id_column: "id".into(),
                present: vec![],
                inverted: vec![],
                repeats: true,
            };
            let joined = ordered_rows(&frame, true).sort([ID], Default::default()).collect().expect("join");
            let ranked = order_keys(&column).expect("ranks").expect("ranked");
            assert_eq!(
                ranked.as_materialized_series(),
                joined.column(ORDER_KEY).expect("keys").as_materialized_series()
            );
        }
        assert!(order_keys(&floats).expect("ranks").is_none());
    }

    /// The Rust pass gives the group-by's frame: same columns, types and values per item, for
    /// dense and spread integer ids and string ids, each aggregate, with and without a sample
    /// column, sample codes for the bit-per-code and the sorted-pairs checks, and items whose
    /// samples are all missing (two rows per item).
    #[test]
    fn the_pass_equals_the_group_by() {
        let columns = ["a".to_string(), "b".to_string()];
        let cases =
            [(2_000, 0, 5), (2_000, 2, 5), (2_000, 1, 0), (2_000, 2, 0), (2_000, 0, 300), (600, 1, 3)];
        for (seed, (rows, ids, codes)) in cases.into_iter().enumerate() {
            let frame = source(rows, 300, ids, codes, seed as u64, seed != 3);
            for aggregate in [Aggregate::Mean, Aggregate::Majority, Aggregate::First] {
                let fast = reduced(&frame, &columns, 'm', aggregate, true).expect("pass");
                let slow = reduced(&frame, &columns, 'm', aggregate, false).expect("group-by");
                // The pass ran (not the group-by): its items come in order of first appearance.
                let seen = frame.lazy.clone().select([col(ID).unique_stable()]).collect().expect("ids");
                assert!(fast.select([ID]).expect("ids").equals(&seen), "{ids} {codes}");
                assert_eq!(fast.schema(), slow.schema(), "{ids} {codes} {aggregate:?}");
                assert!(sorted(fast).equals_missing(&sorted(slow)), "{ids} {codes} {aggregate:?}");
            }
        }
    }
}
