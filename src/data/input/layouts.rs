//! Input layouts (tidy, wide, long), all mapped to one normalised judgement table per source:
//! `__id` plus one label column per selected metric (see [`super::labels::label_source`]).

use super::groups::level_exprs;
use super::ids::resolve_id;
use super::labels::{binary_by_value, distinct_text, label_source, verdict, verdict_by_value};
use super::metrics::label_columns;
use super::metrics::select_metrics;
use super::model::{DataOptions, Dataset, InputSpec, Layout, PairMap, RawSource, SourceFrame};
use super::source::ScannedFile;
use crate::data::columns::{self, ID, ITEM_SIDE, PAIR, TRUTH};
use crate::data::engine::{cell_u64, EngineContext};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// Reads the inputs in the layout they imply and normalises every source.
///
/// `--source-column` means the long layout (one file); a single file otherwise means the wide
/// layout; two or more files mean the tidy layout (baseline first).
pub fn load_dataset(inputs: &[InputSpec], options: &DataOptions) -> Result<Dataset> {
    let inputs = &super::logs::directories::expand(inputs)?;
    let (layout, mut files, raws) = match (&options.source_column, inputs.len()) {
        (_, 0) => return Err(AmplifyError::Usage("no input file given".into())),
        (Some(src), 1) => long_sources(&inputs[0], src, options)?,
        (Some(_), _) => {
            return Err(AmplifyError::Usage(
                "--source-column reads one long file; give a single input".into(),
            ))
        }
        (None, 1) => super::wide::wide_sources(&inputs[0], options)?,
        (None, _) => tidy_sources(inputs, options)?,
    };
    let implied = super::repeats::implied_samples(&files, options);
    let options = implied.as_ref().unwrap_or(options);
    let mapped = super::maps::apply_maps(raws, &files, layout, &options.maps)?;
    let stacked = super::maps::stacked_options(&mapped, options)?;
    let options = stacked.as_ref().unwrap_or(options);
    let factors: Vec<u64> = (0..mapped.raws.len()).map(|i| mapped.factor(i)).collect();
    let mut raws = mapped.raws;
    if let Some(pairs) = &options.pairs {
        crate::data::input::counterfactual::exclude_pair_columns(&mut raws, pairs);
    }
    if let Some(repeats) = &options.repeats {
        super::repeats::exclude_repeat_columns(&mut raws, repeats);
    }
    let mut notes = match (&options.source_column, layout) {
        (Some(source), Layout::Long) => unsourced_rows(&files[0], source)?,
        _ => Vec::new(),
    };
    notes.extend(files.iter().filter_map(|f| f.log.as_ref()).flat_map(|l| l.notes.iter().cloned()));
    notes.extend(implied.as_ref().and_then(super::repeats::implied_note));
    if stacked.is_some() {
        notes.push("--map with several columns: each column is one sample of its source (item-level inference, as with --sample)".into());
    }
    if raws.len() == 1 {
        notes.push(format!(
            "one source ('{}') and no model: the data's own findings (to compare models, give their files after it, or model columns '<metric>_<model>' beside '<metric>_{}' columns)",
            raws[0].name, options.baseline_name
        ));
    }
    let selection = select_metrics(&with_own(&raws, options), options)?;
    let id_type = common_id_type(&raws, &files);
    let pairs = match &options.pairs {
        Some(p) => Some(crate::data::input::counterfactual::pair_map(&files, &raws, &id_type, p, layout)?),
        None => None,
    };
    if let Some(map) = pairs.as_ref().filter(|m| m.unpaired_rows > 0) {
        notes.push(format!(
            "{} row(s) have an id but no {} or no {} value: their items are in no pair and are left out of the pair analysis",
            map.unpaired_rows, map.options.pair, map.options.variant
        ));
    }
    let columns: Vec<String> = selection
        .metrics
        .iter()
        .chain(selection.truth_metrics.iter().filter(|m| !selection.metrics.contains(m)))
        .cloned()
        .collect();
    let mut frames = Vec::with_capacity(raws.len());
    for (i, raw) in raws.iter().enumerate() {
        let mut extras = match (i, &pairs) {
            (0, _) => baseline_extras(&files[raw.file], options, pairs.as_ref())?,
            // A model's place in the pairs, read by its pass, unless only the baseline names them.
            (_, Some(map)) if !map.in_baseline => pair_extras(&files[raw.file], map),
            _ => Vec::new(),
        };
        let repeats = options.repeats.as_ref().is_some_and(|r| r.repeats(i == 0)) || factors[i] > 1;
        if let Some(r) = options.repeats.as_ref().filter(|_| repeats) {
            extras.extend(super::repeats::order_extra(&files[raw.file], r, i == 0)?);
        }
        // A long file's sources are filtered scans; other sources are whole files (footer count).
        let rows = match layout {
            Layout::Long => super::ids::count_rows(&raw.lazy, &files[raw.file].path)?,
            _ => files[raw.file].rows * factors[i],
        };
        let mut frame = normalise_source(raw, rows, &columns, &id_type, options, extras)?;
        frame.repeats = repeats;
        frames.push(frame);
    }
    let own = own_frame(&raws[0], &files[raws[0].file], &frames[0], &columns, &id_type, options)?;
    // Without a compared metric of its own (e.g. only truth-judged model columns) the baseline has
    // no rate to report: no own model.
    if own.present.iter().take(selection.metrics.len()).any(|p| *p) {
        frames.push(own);
    }
    let baseline = frames.remove(0);
    if let Some(truth) = &options.truth {
        check_truth(&baseline, truth, &files[0])?;
    }
    let classes = super::verdict_classes::class_frames(&raws, &files, &columns, &id_type, options)?;
    let infos = files.iter_mut().map(ScannedFile::info).collect::<Result<Vec<_>>>()?;
    Ok(Dataset {
        layout,
        id_column: raws[0].id.clone(),
        id_type: id_type.to_string(),
        baseline,
        models: frames,
        metrics: selection.metrics,
        truth_metrics: selection.truth_metrics,
        columns,
        has_truth: options.truth.is_some(),
        groupings: options.groupings.clone(),
        max_levels: options.max_levels,
        skipped: selection.skipped,
        absent: selection.absent,
        notes,
        files: infos,
        pairs,
        repeats: options.repeats.clone(),
        classes,
    })
}

/// The sources metrics are selected from: with one source alone (the data, no model), that source
/// also stands in as its own model, so that every label column it has (except the truth, group,
/// pair and repeat columns) is a metric.
fn with_own(raws: &[RawSource], options: &DataOptions) -> Vec<RawSource> {
    let mut raws = raws.to_vec();
    if raws.len() == 1 {
        let mut own = raws[0].clone();
        let keys = options.key_columns();
        own.columns.retain(|(_, column, _)| !keys.contains(column));
        raws[0].columns.retain(|(_, column, _)| !keys.contains(column));
        raws.push(own);
    }
    raws
}

/// The baseline read once more as a model of its own name, counted last: its counts against
/// itself are the data's own counts over every baseline item (`kind = "metric"` rows whose model
/// is the baseline), from which the findings' `data` section is built. A run of one source has
/// only this model.
fn own_frame(
    raw: &RawSource,
    file: &ScannedFile,
    baseline: &SourceFrame,
    columns: &[String],
    id_type: &DataType,
    options: &DataOptions,
) -> Result<SourceFrame> {
    let (rows, repeats) = (baseline.rows, baseline.repeats);
    let mut extras = Vec::new();
    if let Some(r) = options.repeats.as_ref().filter(|_| repeats) {
        extras.extend(super::repeats::order_extra(file, r, true)?);
    }
    let mut frame = normalise_source(raw, rows, columns, id_type, options, extras)?;
    frame.repeats = repeats;
    Ok(frame)
}

/// A source's pair columns `__pair` and `__side` (its variant coded 0 = side A, 1 = side B,
/// 2 = neither), when its file names the pairs (both columns): integer pair ids as Int64 when the
/// pair map keeps them integers (the passes number them as such), else text, as in the pair map.
fn pair_extras(file: &ScannedFile, map: &PairMap) -> Vec<Expr> {
    let (pair, variant) = (map.options.pair.as_str(), map.options.variant.as_str());
    if !(file.has_column(pair) && file.has_column(variant)) {
        return Vec::new();
    }
    let integer = map.native && file.schema.get(pair).is_some_and(|t| *t != DataType::UInt64);
    let dtype = if integer { DataType::Int64 } else { DataType::String };
    let is = |v: &String| col(variant).cast(DataType::String).eq(lit(v.as_str()));
    let side = when(is(&map.variants[0]))
        .then(lit(0i32))
        .when(is(&map.variants[1]))
        .then(lit(1i32))
        .otherwise(lit(2i32))
        .cast(DataType::Int32)
        .alias(ITEM_SIDE);
    vec![col(pair).cast(dtype).alias(PAIR), side]
}

/// The baseline's extra columns: `__truth`, each grouping's `__g{j}` (and `__gm{j}`), and the
/// pair and variant when its file names the pairs.
fn baseline_extras(file: &ScannedFile, options: &DataOptions, pairs: Option<&PairMap>) -> Result<Vec<Expr>> {
    let mut extras = Vec::new();
    if let Some(map) = pairs {
        extras.extend(pair_extras(file, map));
    }
    if let Some(truth) = &options.truth {
        let dtype = file.schema.get(truth).ok_or_else(|| AmplifyError::MissingColumn {
            path: file.path.clone(),
            column: truth.clone(),
            purpose: "--truth",
            available: file.column_list(),
        })?;
        // Text truths coded by value like verdicts; anything else 1, 0 or null by `verdict`.
        let map = &options.verdict_map;
        let by_value = |v: &[String]| verdict_by_value(truth, dtype, v, map);
        let label = label_by_value(&file.lazy, truth, dtype, by_value, verdict(truth, dtype, map))?;
        extras.push(label.alias(TRUTH));
    }
    for (j, spec) in options.groupings.iter().enumerate() {
        let (level, matches) = level_exprs(spec, file, options.text.as_deref())?;
        extras.push(level.alias(columns::level(j)));
        if let Some(m) = matches {
            extras.push(m.alias(columns::matches(j)));
        }
    }
    Ok(extras)
}

fn check_truth(baseline: &SourceFrame, truth: &str, file: &ScannedFile) -> Result<()> {
    let df = baseline
        .lazy
        .clone()
        .select([col(TRUTH).is_not_null().cast(DataType::Int64).sum().alias("valid")])
        .collect()
        .engine(|| "checking the truth column".into())?;
    if cell_u64(&df, "valid")? == 0 {
        return Err(AmplifyError::Data(format!(
            "{}: truth column '{truth}' has no valid value (1/0, or verdicts {}); check --truth and --verdict-map",
            file.path.display(),
            "YTA/ESH = 1, NTA/NAH = 0"
        )));
    }
    Ok(())
}

type Sources = (Layout, Vec<ScannedFile>, Vec<RawSource>);

fn tidy_sources(inputs: &[InputSpec], options: &DataOptions) -> Result<Sources> {
    let mut files = Vec::new();
    let mut raws: Vec<RawSource> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let file = ScannedFile::open_input(&input.path, options.partial)?;
        let id = resolve_id(&file, options)?;
        let name = match (i, &input.name) {
            (_, Some(n)) => n.clone(),
            (0, None) => options.baseline_name.clone(),
            (_, None) => file.log.as_ref().map_or_else(|| input.display_name(), |l| l.model.clone()),
        };
        if raws.iter().any(|r| r.name == name) {
            return Err(AmplifyError::Usage(format!(
                "two inputs are named '{name}'; name them explicitly as NAME=PATH"
            )));
        }
        let columns = label_columns(&file, &[id.as_str()]);
        raws.push(RawSource { name, file: i, lazy: file.lazy.clone(), id, columns });
        files.push(file);
    }
    Ok((Layout::Tidy, files, raws))
}

fn long_sources(input: &InputSpec, source_col: &str, options: &DataOptions) -> Result<Sources> {
    let file = ScannedFile::open_input(&input.path, options.partial)?;
    let id = resolve_id(&file, options)?;
    if !file.has_column(source_col) {
        return Err(AmplifyError::MissingColumn {
            path: file.path.clone(),
            column: source_col.to_string(),
            purpose: "--source-column",
            available: file.column_list(),
        });
    }
    file.check_key(source_col, "--source-column")?;
    let names = distinct_sources(&file, source_col)?;
    let baseline = &options.baseline_name;
    if !names.contains(baseline) {
        return Err(AmplifyError::Data(format!(
            "{}: no row has {source_col} = '{baseline}' (the baseline); sources are: {}; pass --baseline-name",
            file.path.display(),
            names.join(", ")
        )));
    }
    let ordered = std::iter::once(baseline.clone()).chain(names.iter().filter(|n| *n != baseline).cloned());
    let columns = label_columns(&file, &[id.as_str(), source_col]);
    let raws = ordered
        .map(|name| {
            let lazy =
                file.lazy.clone().filter(col(source_col).cast(DataType::String).eq(lit(name.as_str())));
            RawSource { name, file: 0, lazy, id: id.clone(), columns: columns.clone() }
        })
        .collect();
    Ok((Layout::Long, vec![file], raws))
}

/// A note on the rows of a long file whose source is empty: they belong to no source and are not
/// read.
fn unsourced_rows(file: &ScannedFile, source_col: &str) -> Result<Vec<String>> {
    let df = file
        .lazy
        .clone()
        .select([col(source_col).null_count().cast(DataType::Int64).alias("n")])
        .collect()
        .engine(|| format!("{}: counting rows without a source", file.path.display()))?;
    Ok(match cell_u64(&df, "n")? {
        0 => Vec::new(),
        n => vec![format!(
            "{}: {n} row(s) have an empty '{source_col}' and belong to no source; they are not read",
            file.path.display()
        )],
    })
}

fn distinct_sources(file: &ScannedFile, source_col: &str) -> Result<Vec<String>> {
    let df = file
        .lazy
        .clone()
        .select([col(source_col).cast(DataType::String).unique_stable().drop_nulls()])
        .collect()
        .engine(|| format!("{}: reading the sources in column '{source_col}'", file.path.display()))?;
    let column = df.column(source_col).engine(|| "reading sources".into())?;
    let values = column.str().engine(|| "reading sources".into())?;
    Ok(values.iter().flatten().map(str::to_string).collect())
}

/// The id type all sources are joined on: the shared type, Int64 for mixed integers, else String.
fn common_id_type(raws: &[RawSource], files: &[ScannedFile]) -> DataType {
    let types: Vec<DataType> =
        raws.iter().map(|r| files[r.file].schema.get(&r.id).cloned().unwrap_or(DataType::String)).collect();
    if types.windows(2).all(|w| w[0] == w[1]) {
        types[0].clone()
    } else if types.iter().all(|t| t.is_integer()) && !types.contains(&DataType::UInt64) {
        // Every other integer type fits Int64; UInt64 ids above i64::MAX would not, so mixed
        // with UInt64 they are matched as text (equal numbers have equal decimal text).
        DataType::Int64
    } else if types.iter().all(|t| t.is_primitive_numeric()) && !types.contains(&DataType::UInt64) {
        // Integers and floats (1 and 1.0, as a CSV writer may print an integer id): compared as
        // numbers, exact for integers below 2^53.
        DataType::Float64
    } else {
        DataType::String
    }
}

/// A label column's expression: text with few distinct values coded by value (`by_value`, from
/// `labels::distinct_text`), anything else by `fallback` (the per-row rule).
fn label_by_value(
    lazy: &LazyFrame,
    column: &str,
    dtype: &DataType,
    by_value: impl FnOnce(&[String]) -> Expr,
    fallback: Expr,
) -> Result<Expr> {
    let distinct =
        distinct_text(lazy, column, dtype).engine(|| format!("reading the labels of '{column}'"))?;
    Ok(distinct.map_or(fallback, |values| by_value(&values)))
}

fn normalise_source(
    raw: &RawSource,
    rows: u64,
    columns: &[String],
    id_type: &DataType,
    options: &DataOptions,
    extras: Vec<Expr>,
) -> Result<SourceFrame> {
    let mut exprs = vec![col(raw.id.as_str()).cast(id_type.clone()).alias(ID)];
    let mut present = Vec::with_capacity(columns.len());
    let mut inverted = vec![false; columns.len()];
    for metric in columns {
        let found = raw.columns.iter().find(|(m, _, _)| m == metric);
        present.push(found.is_some());
        if let Some((_, column, dtype)) = found {
            let is_verdict = options.verdicts.contains(metric);
            let map = &options.verdict_map;
            let label = match is_verdict {
                true => label_by_value(
                    &raw.lazy,
                    column,
                    dtype,
                    |v| verdict_by_value(column, dtype, v, map),
                    label_source(column, dtype, Some(map)),
                )?,
                false => label_by_value(
                    &raw.lazy,
                    column,
                    dtype,
                    |v| binary_by_value(column, dtype, v),
                    label_source(column, dtype, None),
                )?,
            };
            inverted[present.len() - 1] = !is_verdict && options.invert.contains(metric);
            exprs.push(label.alias(metric.as_str()));
        }
    }
    exprs.extend(extras);
    Ok(SourceFrame {
        name: raw.name.clone(),
        file: raw.file,
        lazy: raw.lazy.clone().select(exprs),
        rows,
        id_column: raw.id.clone(),
        present,
        inverted,
        repeats: false,
    })
}
