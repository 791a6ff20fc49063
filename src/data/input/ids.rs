//! Ids: which column of a file is the id ([`resolve_id`]), and the id checks: every row of a
//! source needs an id, and each id may occur only once per source.

use super::model::{DataOptions, FileFormat};
use super::source::ScannedFile;
use super::SourceFrame;
use crate::data::columns::ID;
use crate::data::engine::{cell_u64, collect_streaming, EngineContext};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use std::path::Path;

/// How many duplicate ids an error message shows.
const EXAMPLES: u32 = 5;

/// Fails on missing or duplicate ids in a normalised source (naming the file, the id column and
/// the first few duplicates).
pub(crate) fn check_ids(frame: &SourceFrame, path: &Path) -> Result<()> {
    let context = || format!("{}: checking ids in column '{}'", path.display(), frame.id_column);
    let df = frame.lazy.clone().select([
        len().alias("rows"),
        col(ID).null_count().cast(DataType::Int64).alias("nulls"),
        col(ID).n_unique().cast(DataType::Int64).alias("unique"),
    ]);
    let df = collect_streaming(df).engine(context)?;
    let (rows, nulls, unique) = (cell_u64(&df, "rows")?, cell_u64(&df, "nulls")?, cell_u64(&df, "unique")?);
    if nulls > 0 {
        return Err(AmplifyError::NullIds {
            path: path.to_path_buf(),
            column: frame.id_column.clone(),
            source_name: frame.name.clone(),
            count: nulls,
        });
    }
    if unique < rows {
        return Err(duplicates(frame, path)?);
    }
    Ok(())
}

/// Whether a stream of integer ids, batch after batch, is strictly increasing (then also
/// unique).
#[derive(Debug, Clone)]
pub(crate) struct StrictOrder {
    last: Option<i64>,
    /// Strictly increasing so far.
    pub holds: bool,
}

impl StrictOrder {
    /// A new tracker; `holds: false` never checks.
    pub(crate) fn new(holds: bool) -> Self {
        Self { last: None, holds }
    }

    /// Feeds the next batch of ids; returns whether the order still holds.
    pub(crate) fn feed(&mut self, ids: &[i64]) -> bool {
        if !self.holds {
            return false;
        }
        for &id in ids {
            if self.last.is_some_and(|l| id <= l) {
                self.holds = false;
                return false;
            }
            self.last = Some(id);
        }
        true
    }
}

/// Counts the rows of a source that is a filtered scan (a long file's source).
pub(crate) fn count_rows(lazy: &LazyFrame, path: &Path) -> Result<u64> {
    let df = lazy
        .clone()
        .select([len().cast(DataType::Int64).alias("rows")])
        .collect()
        .engine(|| format!("{}: counting rows", path.display()))?;
    cell_u64(&df, "rows")
}

fn duplicates(frame: &SourceFrame, path: &Path) -> Result<AmplifyError> {
    let dup = frame
        .lazy
        .clone()
        .group_by([col(ID)])
        .agg([len().alias("n")])
        .filter(col("n").gt(lit(1)))
        .select([col(ID).cast(DataType::String)])
        .sort([ID], Default::default())
        .collect()
        .engine(|| format!("{}: listing duplicate ids", path.display()))?;
    let values = dup.column(ID).and_then(|c| c.str().cloned()).engine(|| "reading duplicate ids".into())?;
    let examples: Vec<String> =
        values.iter().take(EXAMPLES as usize).map(|v| v.unwrap_or("").to_string()).collect();
    Ok(AmplifyError::DuplicateIds {
        path: path.to_path_buf(),
        column: frame.id_column.clone(),
        source_name: frame.name.clone(),
        count: dup.height() as u64,
        examples: examples.join(", "),
    })
}

/// Bounds of a signed integer id column from a Parquet file's footer statistics, without
/// reading the data: `None` when the file or a row group has no such statistics. The bounds
/// cover every row of the file, so they also bound any subset of its rows (a long file's source).
pub(crate) fn footer_range(path: &Path, column: &str) -> Option<(i64, i64)> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::file::statistics::Statistics;
    let reader = SerializedFileReader::new(std::fs::File::open(path).ok()?).ok()?;
    let metadata = reader.metadata();
    let leaf =
        metadata.file_metadata().schema_descr().columns().iter().position(|c| c.path().string() == column)?;
    let mut range: Option<(i64, i64)> = None;
    for group in metadata.row_groups() {
        let (low, high) = match group.column(leaf).statistics()? {
            Statistics::Int32(s) => (i64::from(*s.min_opt()?), i64::from(*s.max_opt()?)),
            Statistics::Int64(s) => (*s.min_opt()?, *s.max_opt()?),
            _ => return None,
        };
        range = Some(range.map_or((low, high), |(l, h)| (l.min(low), h.max(high))));
    }
    range
}

/// Missing values of a column, summed over a Parquet file's row groups from its footer statistics,
/// without reading the data: `None` when the file or a row group has no null count.
pub(crate) fn footer_nulls(path: &Path, column: &str) -> Option<u64> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(std::fs::File::open(path).ok()?).ok()?;
    let metadata = reader.metadata();
    let leaf =
        metadata.file_metadata().schema_descr().columns().iter().position(|c| c.path().string() == column)?;
    let mut nulls = 0;
    for group in metadata.row_groups() {
        nulls += group.column(leaf).statistics()?.null_count_opt()?;
    }
    Some(nulls)
}

/// The id column of a file: `--id` if given; else `id`, or a pandas index column (`Unnamed: 0` or
/// an empty name) when there is no `id` column.
pub(crate) fn resolve_id(file: &ScannedFile, options: &DataOptions) -> Result<String> {
    let wanted = options.id.clone().unwrap_or_else(|| "id".to_string());
    if file.has_column(&wanted) {
        file.check_key(&wanted, "the item id")?;
        return Ok(wanted);
    }
    if options.id.is_none() {
        if let Some(found) = ["Unnamed: 0", ""].into_iter().find(|c| file.has_column(c)) {
            file.check_key(found, "the item id")?;
            return Ok(found.to_string());
        }
    }
    let names: Vec<&str> = file.schema.iter_names().map(|n| n.as_str()).collect();
    if file.format == FileFormat::Csv && names.len() == 1 && names[0].contains([';', '\t', '|']) {
        return Err(AmplifyError::Unreadable {
            path: file.path.clone(),
            format: "CSV",
            reason: format!(
                "its header '{}' is one column: the file looks separated by ';', tab or '|'; amplify reads comma-separated CSV (or Parquet)",
                crate::escape::printable(names[0], 60)
            ),
        });
    }
    Err(AmplifyError::MissingIdColumn {
        path: file.path.clone(),
        column: wanted,
        available: file.column_list(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, ids: &[i64], statistics: bool) {
        let mut df = df!("item" => ids, "x" => vec![1i32; ids.len()]).expect("frame");
        let options = if statistics { StatisticsOptions::full() } else { StatisticsOptions::empty() };
        let file = std::fs::File::create(path).expect("create");
        ParquetWriter::new(file)
            .with_statistics(options)
            .with_row_group_size(Some(2))
            .finish(&mut df)
            .expect("write");
    }

    #[test]
    fn footer_bounds_cover_every_row_group_or_are_absent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ids.parquet");
        write(&path, &[5, 7, -3, 12, 9], true);
        assert_eq!(footer_range(&path, "item"), Some((-3, 12)), "three row groups");
        assert_eq!(footer_range(&path, "nope"), None);
        assert_eq!(footer_nulls(&path, "item"), Some(0));
        write(&path, &[5, 7, -3], false);
        assert_eq!(footer_range(&path, "item"), None, "no statistics: the caller reads the data");
        assert_eq!(footer_nulls(&path, "item"), None);
    }

    #[test]
    fn footer_nulls_add_up_over_row_groups() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("pairs.parquet");
        let mut df = df!("pair" => [Some(1i64), None, Some(2), None, None]).expect("frame");
        let file = std::fs::File::create(&path).expect("create");
        let writer = ParquetWriter::new(file).with_statistics(StatisticsOptions::full());
        writer.with_row_group_size(Some(2)).finish(&mut df).expect("write");
        assert_eq!(footer_nulls(&path, "pair"), Some(3), "1 + 1 + 1 in three row groups");
        assert_eq!(footer_nulls(&path, "nope"), None);
    }
}
