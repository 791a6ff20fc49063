//! `--map SOURCE.METRIC=COLUMN`: read a metric of one source from an arbitrarily named column
//! (e.g. ELEPHANT's `gpt_response` as the gpt4o `verdict`), and
//! `--map SOURCE.METRIC=COL1,COL2,...`: several columns as samples of that source (a wide file
//! with `gpt4_label_1`, `gpt4_label_2`), read by stacking the source's rows once per column.

use super::model::{Aggregate, ColumnMap, DataOptions, Layout, RawSource, RepeatOptions};
use super::source::ScannedFile;
use crate::data::engine::EngineContext;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// Columns with their types.
type Columns = Vec<(String, DataType)>;

/// The sources after `--map`, and for each source whose metrics were mapped to several columns
/// (by index), its number of samples: its frame is the file's rows stacked that many times.
pub(crate) struct Mapped {
    pub raws: Vec<RawSource>,
    pub stacked: Vec<(usize, usize)>,
}

impl Mapped {
    /// How many times source `index`'s rows repeat the file's rows (1 unless stacked).
    pub(crate) fn factor(&self, index: usize) -> u64 {
        self.stacked.iter().find(|(i, _)| *i == index).map_or(1, |(_, k)| *k as u64)
    }
}

/// Applies every mapping; in the wide layout a mapping may introduce a new model source.
pub(crate) fn apply_maps(
    mut raws: Vec<RawSource>,
    files: &[ScannedFile],
    layout: Layout,
    maps: &[ColumnMap],
) -> Result<Mapped> {
    // Per source index: the metrics mapped to several columns, with those columns.
    let mut samples: Vec<(usize, String, Columns)> = Vec::new();
    for map in maps {
        let ColumnMap { source, metric, column } = map.clone();
        let index = source_index(&mut raws, &source, &metric, &column, layout)?;
        let file = &files[raws[index].file];
        let found = mapped_columns(file, &column)?;
        samples.retain(|(i, m, _)| !(*i == index && *m == metric));
        let columns = &mut raws[index].columns;
        columns.retain(|(m, _, _)| *m != metric);
        match found.as_slice() {
            [(name, dtype)] => columns.push((metric, name.clone(), dtype.clone())),
            _ => {
                let name = found.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join("|");
                columns.push((metric.clone(), name, DataType::String));
                samples.push((index, metric, found));
            }
        }
    }
    let mut indexes: Vec<usize> = samples.iter().map(|(i, _, _)| *i).collect();
    indexes.dedup();
    let mut stacked = Vec::new();
    for index in indexes {
        let lists: Vec<(String, Columns)> =
            samples.iter().filter(|(i, _, _)| *i == index).map(|(_, m, c)| (m.clone(), c.clone())).collect();
        stacked.push((index, stack(&mut raws[index], &lists)?));
    }
    Ok(Mapped { raws, stacked })
}

/// The index of `source` among the sources; in the wide layout an unknown name is a new source.
fn source_index(
    raws: &mut Vec<RawSource>,
    source: &str,
    metric: &str,
    column: &str,
    layout: Layout,
) -> Result<usize> {
    if let Some(i) = raws.iter().position(|r| r.name == source) {
        return Ok(i);
    }
    if layout != Layout::Wide {
        let names: Vec<&str> = raws.iter().map(|r| r.name.as_str()).collect();
        return Err(AmplifyError::Usage(format!(
            "--map {source}.{metric}={column}: no source named '{source}'; sources are: {}",
            names.join(", ")
        )));
    }
    let template = &raws[0];
    raws.push(RawSource {
        name: source.to_string(),
        file: template.file,
        lazy: template.lazy.clone(),
        id: template.id.clone(),
        columns: Vec::new(),
    });
    Ok(raws.len() - 1)
}

/// The column(s) `--map` names: the whole text when the file has such a column, else its
/// comma-separated parts (each must exist, each once).
fn mapped_columns(file: &ScannedFile, text: &str) -> Result<Columns> {
    let missing = |column: &str| AmplifyError::MissingColumn {
        path: file.path.clone(),
        column: column.to_string(),
        purpose: "--map",
        available: file.column_list(),
    };
    if let Some(dtype) = file.schema.get(text) {
        return Ok(vec![(text.to_string(), dtype.clone())]);
    }
    if !text.contains(',') {
        return Err(missing(text));
    }
    let mut found: Vec<(String, DataType)> = Vec::new();
    for part in text.split(',').map(str::trim) {
        if part.is_empty() || found.iter().any(|(c, _)| c == part) {
            return Err(AmplifyError::Usage(format!(
                "--map ...={}: list each sample column once, separated by commas (COL1,COL2)",
                crate::escape::line(text)
            )));
        }
        let dtype = file.schema.get(part).ok_or_else(|| missing(part))?;
        found.push((part.to_string(), dtype.clone()));
    }
    Ok(found)
}

/// Stacks a source's frame once per sample: in stack `j`, each metric mapped to several columns
/// reads its `j`-th column (null past its last), and each of its other metrics its own column in
/// the first stack only, so that every label is one sample. Returns the number of stacks.
fn stack(raw: &mut RawSource, lists: &[(String, Columns)]) -> Result<usize> {
    let k = lists.iter().map(|(_, c)| c.len()).max().unwrap_or(1);
    let mut per_metric: Vec<(String, Vec<String>, DataType)> = Vec::new();
    for (metric, column, dtype) in &mut raw.columns {
        let (columns, common) = match lists.iter().find(|(m, _)| m == metric) {
            Some((_, cs)) => {
                let same = cs.windows(2).all(|w| w[0].1 == w[1].1);
                let common = if same { cs[0].1.clone() } else { DataType::String };
                (cs.iter().map(|(c, _)| c.clone()).collect(), common)
            }
            None => {
                let single = vec![column.clone()];
                *column = format!("{column} (sample 1)");
                (single, dtype.clone())
            }
        };
        *dtype = common.clone();
        per_metric.push((column.clone(), columns, common));
    }
    let slices: Vec<LazyFrame> = (0..k)
        .map(|j| {
            let exprs: Vec<Expr> = per_metric
                .iter()
                .map(|(name, columns, dtype)| {
                    let value = match columns.get(j) {
                        Some(c) => col(c.as_str()).cast(dtype.clone()),
                        None => lit(NULL).cast(dtype.clone()),
                    };
                    value.alias(name.as_str())
                })
                .collect();
            raw.lazy.clone().with_columns(exprs)
        })
        .collect();
    raw.lazy = concat(slices, UnionArgs::default())
        .engine(|| format!("stacking the sample columns of source '{}'", raw.name))?;
    Ok(k)
}

/// The options for a run with stacked sources: their samples are repeated samples of an item
/// (a repeated design with no sample column, implied when none was asked for; only the stacked
/// sources, and any `--repeated`, hold several rows per item). A sample or annotator column
/// cannot order stacked samples, and designs that need one label per item refuse them.
pub(crate) fn stacked_options(mapped: &Mapped, options: &DataOptions) -> Result<Option<DataOptions>> {
    let Some((index, k)) = mapped.stacked.first() else { return Ok(None) };
    let name = crate::escape::line(&mapped.raws[*index].name);
    let refuse = |why: &str| {
        Err(AmplifyError::Usage(format!("--map reads {k} columns as samples of '{name}', {why}")))
    };
    if options.pairs.is_some() {
        return refuse("and --pair needs one label per item and source (aggregate the samples first)");
    }
    if options.verdict_classes.is_some() {
        return refuse("and --verdict-classes needs one verdict per item (drop it, or map one column)");
    }
    match &options.repeats {
        Some(r) if r.sample.is_some() || r.annotator.is_some() => {
            refuse("which the column order numbers: drop --sample/--annotator (the columns are the samples)")
        }
        Some(_) => Ok(None),
        None => Ok(Some(DataOptions {
            repeats: Some(RepeatOptions {
                sample: None,
                annotator: None,
                repeated: false,
                aggregate: Aggregate::Mean,
            }),
            ..options.clone()
        })),
    }
}
