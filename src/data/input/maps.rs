//! `--map SOURCE.METRIC=COLUMN`: read a metric of one source from an arbitrarily named column
//! (e.g. ELEPHANT's `gpt_response` as the gpt4o `verdict`).

use super::model::{ColumnMap, Layout, RawSource};
use super::source::ScannedFile;
use crate::error::{AmplifyError, Result};

/// Applies every mapping; in the wide layout a mapping may introduce a new model source.
pub(crate) fn apply_maps(
    mut raws: Vec<RawSource>,
    files: &[ScannedFile],
    layout: Layout,
    maps: &[ColumnMap],
) -> Result<Vec<RawSource>> {
    for map in maps {
        let ColumnMap { source, metric, column } = map.clone();
        let index = match raws.iter().position(|r| r.name == source) {
            Some(i) => i,
            None if layout == Layout::Wide => {
                let template = &raws[0];
                raws.push(RawSource {
                    name: source.clone(),
                    file: template.file,
                    lazy: template.lazy.clone(),
                    id: template.id.clone(),
                    columns: Vec::new(),
                });
                raws.len() - 1
            }
            None => {
                let names: Vec<&str> = raws.iter().map(|r| r.name.as_str()).collect();
                return Err(AmplifyError::Usage(format!(
                    "--map {source}.{metric}={column}: no source named '{source}'; sources are: {}",
                    names.join(", ")
                )));
            }
        };
        let file = &files[raws[index].file];
        let dtype = file.schema.get(&column).cloned().ok_or_else(|| AmplifyError::MissingColumn {
            path: file.path.clone(),
            column: column.clone(),
            purpose: "--map",
            available: file.column_list(),
        })?;
        let columns = &mut raws[index].columns;
        columns.retain(|(m, _, _)| *m != metric);
        columns.push((metric, column, dtype));
    }
    Ok(raws)
}
