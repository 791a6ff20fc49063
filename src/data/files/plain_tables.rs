//! Writes plain tables (generated samples, report tables) as Parquet files.

use crate::data::engine::EngineContext;
use crate::error::Result;
use crate::plain_table::{Table, Values};
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// Writes each table to `<dir>/<name>.parquet` (atomically) and returns the paths.
pub(crate) fn write_tables(tables: &[Table], dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .map_err(|source| crate::error::AmplifyError::Write { path: dir.to_path_buf(), source })?;
    let mut paths = Vec::new();
    for table in tables {
        let path = dir.join(format!("{}.parquet", table.name));
        write_parquet(table, &path)?;
        paths.push(path);
    }
    Ok(paths)
}

/// Writes one table as a Parquet file (zstd), atomically.
pub(crate) fn write_parquet(table: &Table, path: &Path) -> Result<()> {
    write_parquet_with(table, path, None)
}

/// Writes one table as a Parquet file (zstd), atomically, with an optional key-value metadata
/// entry in the footer.
pub(crate) fn write_parquet_with(table: &Table, path: &Path, metadata: Option<(&str, &str)>) -> Result<()> {
    let mut df = frame(table).engine(|| format!("building {}", table.name))?;
    let metadata = metadata.map(|(k, v)| KeyValueMetadata::from_static(vec![(k.to_string(), v.to_string())]));
    crate::atomic::write_atomically(path, |file| {
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .with_key_value_metadata(metadata)
            .finish(&mut df)
            .map(|_| ())
            .engine(|| format!("writing {}", path.display()))
    })
}

fn frame(table: &Table) -> PolarsResult<DataFrame> {
    let columns = table
        .columns
        .iter()
        .map(|(name, values)| match values {
            Values::Int(v) => Column::new(name.as_str().into(), v),
            Values::Float(v) => Column::new(name.as_str().into(), v),
            Values::Str(v) => Column::new(name.as_str().into(), v),
            Values::Bool(v) => Column::new(name.as_str().into(), v),
        })
        .collect();
    DataFrame::new_infer_height(columns)
}
