//! Counterfactual pairs (`--pair COL --variant COL`): which items are the two sides of one pair.
//!
//! The pair and variant columns are read from every input file that has both (the baseline may
//! lack one side, e.g. only the original posts have a crowd verdict) and united; the variant
//! column must have exactly two levels (the ones `--variants` names, if given). An item must sit
//! on the same side of the same pair in every file: the id index's passes check it as they count
//! the pairs, and [`one_row_per_item`] (the query path) words the error.

use crate::data::columns::{ID, PAIR, VARIANT};
use crate::data::engine::{collect_streaming, stream, EngineContext};
use crate::data::input::ids::{footer_nulls, footer_range};
use crate::data::input::model::{Layout, PairMap, PairOptions, RawSource};
use crate::data::input::source::ScannedFile;
use crate::data::input::FileFormat;
use crate::error::{AmplifyError, Result};
use hashbrown::HashSet;
use polars::prelude::*;

/// What one scan of the pair columns finds, batch by batch in row order.
#[derive(Default)]
struct PairScan {
    /// Rows that have no pair id or no variant.
    unpaired: u64,
    /// The variant levels of the rows with both, in order of first appearance (baseline file
    /// first; a column of few values), and the same as a set.
    levels: Vec<String>,
    seen: HashSet<String>,
    /// The smallest and largest pair id, when asked for (integer ids read as Int64).
    range: Option<(i64, i64)>,
}

impl PairScan {
    /// Scans the pair columns once (the ids are not read: a row without one is refused by every
    /// count); the pair ids' range too when `range`. `footer`: the range the files' Parquet
    /// footers give, when they also say no pair id is missing; then only the variants are read.
    fn run(all: LazyFrame, range: bool, footer: Option<(i64, i64)>) -> Result<Self> {
        let what = "reading the rows without a pair and the variant levels";
        if footer.is_some() {
            let query = all.select([col(VARIANT)]);
            let scan = Self { range: footer.filter(|_| range), ..Self::default() };
            return stream(query, scan, true, what, |scan, df| scan.add(df, false).map(|()| false));
        }
        let pair = if range { col(PAIR).cast(DataType::Int64) } else { col(PAIR) };
        let query = all.select([pair, col(VARIANT)]);
        stream(query, Self::default(), true, what, move |scan, df| scan.add(df, range).map(|()| false))
    }

    /// Adds one batch (without a pair column, every row has a pair id).
    fn add(&mut self, df: &DataFrame, range: bool) -> PolarsResult<()> {
        let variants = df.column(VARIANT)?.str()?;
        let Ok(pairs) = df.column(PAIR) else {
            for variant in variants.iter() {
                match variant {
                    Some(level) => self.note_level(level),
                    None => self.unpaired += 1,
                }
            }
            return Ok(());
        };
        let named = pairs.is_not_null();
        for (variant, named) in variants.iter().zip(named.iter()) {
            match (variant, named) {
                (Some(level), Some(true)) => self.note_level(level),
                _ => self.unpaired += 1,
            }
        }
        if range {
            let ints = pairs.i64()?;
            if let (Some(low), Some(high)) = (ints.min(), ints.max()) {
                let (l, h) = self.range.unwrap_or((low, high));
                self.range = Some((l.min(low), h.max(high)));
            }
        }
        Ok(())
    }

    /// Notes a level (the first few compared as they are, then by hash).
    #[inline]
    fn note_level(&mut self, level: &str) {
        if self.levels.iter().take(4).any(|l| l == level) || self.seen.contains(level) {
            return;
        }
        self.seen.insert(level.to_string());
        self.levels.push(level.to_string());
    }
}

/// The range of the pair ids over the files naming the pairs, from their Parquet footers, when
/// every one is a Parquet file whose footer has the column's bounds and says it has no missing
/// value (else `None`: the scan reads the column).
fn footer_pairs<'a>(files: impl Iterator<Item = &'a ScannedFile>, column: &str) -> Option<(i64, i64)> {
    let mut range: Option<(i64, i64)> = None;
    for file in files {
        if file.format != FileFormat::Parquet || !file.path.is_file() {
            return None;
        }
        if footer_nulls(&file.path, column)? != 0 {
            return None;
        }
        let (low, high) = footer_range(&file.path, column)?;
        range = Some(range.map_or((low, high), |(l, h)| (l.min(low), h.max(high))));
    }
    range
}

/// Reads the pair map from the files that have both columns (every file of a long or wide input
/// is the same file).
pub(crate) fn pair_map(
    files: &[ScannedFile],
    raws: &[RawSource],
    id_type: &DataType,
    options: &PairOptions,
    layout: Layout,
) -> Result<PairMap> {
    let mut from = Vec::new();
    for (f, file) in files.iter().enumerate() {
        if raws.iter().any(|r| r.file == f)
            && file.has_column(&options.pair)
            && file.has_column(&options.variant)
        {
            file.check_key(&options.pair, "--pair")?;
            file.check_key(&options.variant, "--variant")?;
            from.push(f);
        }
    }
    // Only the baseline's rows name the pairs (a long file's other rows are other sources'): the
    // baseline's ids are unique, so the map is its rows as they are (integer pair ids as Int64,
    // others as text, as the counting pass reads them).
    let in_baseline = layout != Layout::Long && from == [raws[0].file];
    // Integer pair ids of one type in every file stay integers, not text: grouping 6M rows by
    // item (2M string ids, 3 files) is cheaper; the run took 3.5 s instead of 4.3 s.
    let types: Vec<Option<&DataType>> =
        from.iter().map(|&f| files[f].schema.get(options.pair.as_str())).collect();
    // Only the baseline naming them, the counting pass reads them as Int64 (no UInt64 beyond it).
    let castable = |t: &DataType| t.is_integer() && (!in_baseline || *t != DataType::UInt64);
    let native = types.iter().all(|t| t.is_some_and(castable) && *t == types[0]);
    let mut parts = Vec::new();
    for &f in &from {
        let Some(raw) = raws.iter().find(|r| r.file == f) else { continue };
        let pair = col(options.pair.as_str());
        parts.push(
            files[f].lazy.clone().select([
                col(raw.id.as_str()).cast(id_type.clone()).alias(ID),
                match (native, in_baseline) {
                    (true, true) => pair.cast(DataType::Int64),
                    (true, false) => pair,
                    (false, _) => pair.cast(DataType::String),
                }
                .alias(PAIR),
                col(options.variant.as_str()).cast(DataType::String).alias(VARIANT),
            ]),
        );
    }
    if parts.is_empty() {
        let (column, purpose) = match files[0].has_column(&options.pair) {
            true => (&options.variant, "--variant"),
            false => (&options.pair, "--pair"),
        };
        return Err(AmplifyError::MissingColumn {
            path: files[0].path.clone(),
            column: column.clone(),
            purpose,
            available: files[0].column_list(),
        });
    }
    let all = concat(parts, UnionArgs::default()).engine(|| "reading the pair columns".into())?;
    // The passes read integer pair ids as Int64 (UInt64 as text: see `layouts::pair_extras`).
    let int64 = native && types.iter().all(|t| *t != Some(&DataType::UInt64));
    let footer = footer_pairs(from.iter().map(|&f| &files[f]), &options.pair);
    let scan = PairScan::run(all.clone(), int64, footer)?;
    let lazy = all.filter(col(ID).is_not_null().and(col(PAIR).is_not_null()).and(col(VARIANT).is_not_null()));
    let variants = variants(&scan.levels, options)?;
    Ok(PairMap {
        lazy,
        variants,
        options: options.clone(),
        in_baseline,
        unpaired_rows: scan.unpaired,
        native,
        range: scan.range,
    })
}

/// The pair map one row per item, for the query path (an item is in several files): fails when
/// two files place an item differently (two pair or two variant values, so min ≠ max), naming it.
pub(crate) fn one_row_per_item(map: &PairMap) -> Result<LazyFrame> {
    if map.in_baseline {
        // The baseline's ids are unique: its rows are the items.
        return Ok(map.lazy.clone());
    }
    let by_item = map.lazy.clone().group_by([col(ID)]).agg([
        col(PAIR).min().alias(PAIR),
        col(PAIR).max().alias(OTHER_PAIR),
        col(VARIANT).min().alias(VARIANT),
        col(VARIANT).max().alias(OTHER_VARIANT),
    ]);
    let df = collect_streaming(by_item).engine(|| "reading the pair columns".into())?;
    check_one_place_per_item(&df, &map.options)?;
    Ok(df.lazy().select([col(ID), col(PAIR), col(VARIANT)]))
}

/// Scratch columns of the pair map: an item's largest pair and variant value.
const OTHER_PAIR: &str = "__pair_max";
const OTHER_VARIANT: &str = "__var_max";

/// Fails when an item is on two sides or in two pairs (files disagree), naming the one with the
/// smallest id.
fn check_one_place_per_item(df: &DataFrame, options: &PairOptions) -> Result<()> {
    let context = || "checking the pair map".to_string();
    let moved = col(PAIR).neq(col(OTHER_PAIR)).or(col(VARIANT).neq(col(OTHER_VARIANT)));
    // The smallest such id: the same item whatever order the group-by left the items in.
    let first = df.clone().lazy().filter(moved).sort([ID], SortMultipleOptions::default()).limit(1);
    let first = first.select([col("*").cast(DataType::String)]).collect().engine(context)?;
    if first.height() == 0 {
        return Ok(());
    }
    let text = |name: &str| {
        let value =
            first.column(name).ok().and_then(|c| c.str().ok().and_then(|s| s.get(0).map(str::to_string)));
        value.unwrap_or_default()
    };
    Err(AmplifyError::Data(format!(
        "item {} is given as {}={} / {}={} in one file and {}={} / {}={} in another: an item must be on the same side of the same pair in every file",
        text(ID),
        options.pair,
        text(PAIR),
        options.variant,
        text(VARIANT),
        options.pair,
        text(OTHER_PAIR),
        options.variant,
        text(OTHER_VARIANT),
    )))
}

/// The two variants, side A first: `--variants` (every level must be one of them), or the two
/// levels in order of first appearance.
fn variants(levels: &[String], options: &PairOptions) -> Result<[String; 2]> {
    let listed = || levels.iter().map(|l| format!("'{l}'")).collect::<Vec<_>>().join(", ");
    match &options.variants {
        Some(given) => match levels.iter().find(|l| !given.contains(l)) {
            Some(other) => Err(AmplifyError::Data(format!(
                "variant column '{}' has the level '{other}', not one of --variants {},{} (its levels: {})",
                options.variant,
                given[0],
                given[1],
                listed()
            ))),
            None => Ok(given.clone()),
        },
        None if levels.len() == 2 => Ok([levels[0].clone(), levels[1].clone()]),
        None => Err(AmplifyError::Data(format!(
            "variant column '{}' must have exactly two levels (the two sides of a pair); it has {}: {}; pick two with --variants A,B",
            options.variant,
            levels.len(),
            listed()
        ))),
    }
}

/// Leaves the pair and variant columns out of the metric candidates.
pub(crate) fn exclude_pair_columns(raws: &mut [RawSource], options: &PairOptions) {
    for raw in raws {
        raw.columns.retain(|(_, column, _)| column != &options.pair && column != &options.variant);
    }
}
