//! Counterfactual pairs (`--pair COL --variant COL`): which items are the two sides of one pair.
//!
//! The pair and variant columns are read from every input file that has both (the baseline may
//! lack one side, e.g. only the original posts have a crowd verdict), united, and checked: an
//! item must sit on the same side of the same pair in every file, and the variant column must
//! have exactly two levels (the ones `--variants` names, if given).

use crate::data::columns::{ID, PAIR, VARIANT};
use crate::data::engine::{cell_u64, collect_streaming, EngineContext};
use crate::data::input::model::{Layout, PairMap, PairOptions, RawSource};
use crate::data::input::source::ScannedFile;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// In one scan of the pair columns: the rows that have an id but no pair id or no variant, and
/// the variant levels of the rows with all three, in order of first appearance (baseline file
/// first; a column of few values).
fn unpaired_and_levels(all: LazyFrame, options: &PairOptions) -> Result<(u64, DataFrame)> {
    let missing = col(ID).is_not_null().and(col(PAIR).is_null().or(col(VARIANT).is_null()));
    let valid = col(ID).is_not_null().and(col(PAIR).is_not_null()).and(col(VARIANT).is_not_null());
    let query = all.select([
        missing.cast(DataType::UInt32).sum().alias("n"),
        col(VARIANT).filter(valid).unique_stable().implode(true).alias(VARIANT),
    ]);
    let what = || format!("reading the rows without a pair and the levels of '{}'", options.variant);
    let counted = collect_streaming(query).engine(what)?;
    let levels = counted
        .select([VARIANT])
        .and_then(|df| df.explode([VARIANT], ExplodeOptions { empty_as_null: false, keep_nulls: false }))
        .engine(what)?;
    Ok((cell_u64(&counted, "n")?, levels))
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
    let (unpaired_rows, levels) = unpaired_and_levels(all.clone(), options)?;
    let united =
        all.filter(col(ID).is_not_null().and(col(PAIR).is_not_null()).and(col(VARIANT).is_not_null()));
    let variants = variants(&levels, options)?;
    if in_baseline {
        return Ok(PairMap {
            lazy: united,
            variants,
            options: options.clone(),
            in_baseline,
            unpaired_rows,
            native,
        });
    }
    // One row per item (an item is in several files); placed differently in two files, it has
    // two pair or two variant values, so min ≠ max.
    let by_item = united.group_by([col(ID)]).agg([
        col(PAIR).min().alias(PAIR),
        col(PAIR).max().alias(OTHER_PAIR),
        col(VARIANT).min().alias(VARIANT),
        col(VARIANT).max().alias(OTHER_VARIANT),
    ]);
    let df = collect_streaming(by_item).engine(|| "reading the pair columns".into())?;
    check_one_place_per_item(&df, options)?;
    let lazy = df.lazy().select([col(ID), col(PAIR), col(VARIANT)]);
    Ok(PairMap { lazy, variants, options: options.clone(), in_baseline, unpaired_rows, native })
}

/// Scratch columns of the pair map: an item's largest pair and variant value.
const OTHER_PAIR: &str = "__pair_max";
const OTHER_VARIANT: &str = "__var_max";

/// Fails when an item is on two sides or in two pairs (files disagree), naming one such item.
fn check_one_place_per_item(df: &DataFrame, options: &PairOptions) -> Result<()> {
    let context = || "checking the pair map".to_string();
    let moved = col(PAIR).neq(col(OTHER_PAIR)).or(col(VARIANT).neq(col(OTHER_VARIANT)));
    let first = df.clone().lazy().filter(moved).limit(1);
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
fn variants(levels: &DataFrame, options: &PairOptions) -> Result<[String; 2]> {
    let levels = levels.column(VARIANT).engine(|| format!("reading the levels of '{}'", options.variant))?;
    let levels: Vec<String> =
        levels.str().map(|s| s.iter().flatten().map(str::to_string).collect()).unwrap_or_default();
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
