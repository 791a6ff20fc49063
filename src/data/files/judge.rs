//! Input and output of `amplify judge`: reads the id and text columns of the items to judge, and
//! writes the judgements as a Parquet file that `compare` reads directly.

use crate::data::engine::EngineContext;
use crate::data::input::source::ScannedFile;
use crate::data::input::FileInfo;
use crate::error::{AmplifyError, Result};
use crate::plain_table::{Table, Values};
use polars::prelude::*;
use std::path::Path;

/// Which columns to read.
#[derive(Debug, Clone)]
pub(crate) struct JudgeColumns {
    /// Item id column.
    pub id: String,
    /// Prompt column (for LLM-judged behaviours).
    pub prompt: Option<String>,
    /// Response column (for LLM-judged behaviours).
    pub response: Option<String>,
    /// Free-text verdict column (`--verdict-from`).
    pub verdict_from: Option<String>,
}

/// The items to judge, in file order.
#[derive(Debug)]
pub(crate) struct JudgeInput {
    /// The file's record (path, rows, hash).
    pub info: FileInfo,
    /// Item ids (integers stay integers, anything else is text).
    pub ids: Values,
    /// Prompts (`None` values are missing).
    pub prompts: Vec<Option<String>>,
    /// Responses.
    pub responses: Vec<Option<String>>,
    /// Free-text verdict answers.
    pub verdict_texts: Vec<Option<String>>,
}

/// Reads the requested columns of `path` (Parquet or CSV), checking that each exists.
pub(crate) fn read_judge_input(path: &Path, columns: &JudgeColumns) -> Result<JudgeInput> {
    let mut file = ScannedFile::open(path)?;
    let wanted: [(Option<&String>, &'static str); 4] = [
        (Some(&columns.id), "--id"),
        (columns.prompt.as_ref(), "--prompt-column"),
        (columns.response.as_ref(), "--response-column"),
        (columns.verdict_from.as_ref(), "--verdict-from"),
    ];
    for (column, purpose) in wanted {
        if let Some(column) = column.filter(|c| !file.has_column(c)) {
            return Err(AmplifyError::MissingColumn {
                path: path.to_path_buf(),
                column: column.clone(),
                purpose,
                available: file.column_list(),
            });
        }
    }
    let id_is_int = file.schema.get(&columns.id).is_some_and(|t| t.is_integer());
    let mut exprs = vec![if id_is_int {
        col(columns.id.as_str()).cast(DataType::Int64).alias("id")
    } else {
        col(columns.id.as_str()).cast(DataType::String).alias("id")
    }];
    let texts =
        [("prompt", &columns.prompt), ("response", &columns.response), ("verdict", &columns.verdict_from)];
    for (alias, column) in texts {
        if let Some(column) = column {
            exprs.push(col(column.as_str()).cast(DataType::String).alias(alias));
        }
    }
    let df = file.lazy.clone().select(exprs).collect().engine(|| format!("reading {}", path.display()))?;
    let ids = if id_is_int {
        Values::Int(
            df.column("id").and_then(|c| c.i64().map(|c| c.iter().collect())).engine(|| "ids".into())?,
        )
    } else {
        Values::Str(strings(&df, "id")?.unwrap_or_default())
    };
    Ok(JudgeInput {
        info: file.info()?,
        ids,
        prompts: strings(&df, "prompt")?.unwrap_or_default(),
        responses: strings(&df, "response")?.unwrap_or_default(),
        verdict_texts: strings(&df, "verdict")?.unwrap_or_default(),
    })
}

fn strings(df: &DataFrame, name: &str) -> Result<Option<Vec<Option<String>>>> {
    if df.column(name).is_err() {
        return Ok(None);
    }
    let column = df.column(name).and_then(|c| c.str().cloned()).engine(|| format!("reading {name}"))?;
    Ok(Some(column.iter().map(|v| v.map(str::to_string)).collect()))
}

/// Writes the judgements atomically, recording `provenance` (JSON) in the file's key-value
/// metadata under the key `amplify`.
pub(crate) fn write_judgements(table: &Table, path: &Path, provenance: &str) -> Result<()> {
    crate::data::files::plain_tables::write_parquet_with(table, path, Some(("amplify", provenance)))
}
