//! Id checks: every row of a source needs an id, and each id may occur only once per source.

use super::layout::RawSource;
use super::source::ScannedFile;
use super::{cell_u64, EngineContext};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;

/// How many duplicate ids an error message shows.
const EXAMPLES: u32 = 5;

/// Counts the source's rows and fails on missing or duplicate ids (naming file, column and the
/// first few duplicates).
pub(crate) fn check_ids(raw: &RawSource, file: &ScannedFile) -> Result<u64> {
    let id = raw.id.as_str();
    let context = || format!("{}: checking ids in column '{id}'", file.path.display());
    let df = raw.lazy.clone().select([
        len().alias("rows"),
        col(id).null_count().cast(DataType::Int64).alias("nulls"),
        col(id).n_unique().cast(DataType::Int64).alias("unique"),
    ]);
    let df = super::collect_streaming(df).engine(context)?;
    let (rows, nulls, unique) = (cell_u64(&df, "rows")?, cell_u64(&df, "nulls")?, cell_u64(&df, "unique")?);
    if nulls > 0 {
        return Err(AmplifyError::NullIds {
            path: file.path.clone(),
            column: id.to_string(),
            source_name: raw.name.clone(),
            count: nulls,
        });
    }
    if unique < rows {
        return Err(duplicates(raw, file)?);
    }
    Ok(rows)
}

fn duplicates(raw: &RawSource, file: &ScannedFile) -> Result<AmplifyError> {
    let id = raw.id.as_str();
    let dup = raw
        .lazy
        .clone()
        .group_by([col(id)])
        .agg([len().alias("n")])
        .filter(col("n").gt(lit(1)))
        .select([col(id).cast(DataType::String)])
        .sort([id], Default::default())
        .collect()
        .engine(|| format!("{}: listing duplicate ids", file.path.display()))?;
    let values = dup.column(id).and_then(|c| c.str().cloned()).engine(|| "reading duplicate ids".into())?;
    let examples: Vec<String> =
        values.iter().take(EXAMPLES as usize).map(|v| v.unwrap_or("").to_string()).collect();
    Ok(AmplifyError::DuplicateIds {
        path: file.path.clone(),
        column: id.to_string(),
        source_name: raw.name.clone(),
        count: dup.height() as u64,
        examples: examples.join(", "),
    })
}
