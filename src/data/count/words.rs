//! `amplify words`: every source's responses reduced to word counts per grouping level (the
//! baseline's level of the item), tokenised by [`Tokenizer`] on all cores.

use crate::counts::{WordCounts, WordTable};
use crate::data::columns::{LEVEL, TEXT};
use crate::data::engine::EngineContext;
use crate::data::input::texts::TextInputs;
use crate::data::input::tokens::Tokenizer;
use crate::error::Result;
use polars::prelude::*;

/// The items per level of the baseline, sorted by level name.
pub(crate) fn level_items(inputs: &TextInputs) -> Result<Vec<(String, u64)>> {
    let df = inputs
        .levels
        .clone()
        .group_by([col(LEVEL)])
        .agg([len().alias("n")])
        .sort([LEVEL], SortMultipleOptions::default())
        .collect()
        .engine(|| "counting the baseline's items per level".into())?;
    let levels = df.column(LEVEL).and_then(|c| c.str().cloned()).engine(|| "reading the levels".into())?;
    let counts =
        df.column("n").and_then(|c| c.cast(&DataType::UInt64)).engine(|| "reading the level sizes".into())?;
    let counts = counts.u64().engine(|| "reading the level sizes".into())?;
    Ok(levels.iter().zip(counts.iter()).filter_map(|(l, n)| Some((l?.to_string(), n.unwrap_or(0)))).collect())
}

/// What counting found beyond the counts: rows of each source whose item has no level.
pub(crate) struct Counted {
    /// The word counts.
    pub counts: WordCounts,
    /// Per source (in order), rows whose id is not a baseline item with a level.
    pub outside: Vec<u64>,
}

/// Counts the words of every source on the baseline's items with a level.
pub(crate) fn count_words(inputs: &TextInputs, levels: &[String], tokenizer: &Tokenizer) -> Result<Counted> {
    let mut counts = WordCounts { levels: levels.to_vec(), ..WordCounts::default() };
    let mut outside = Vec::new();
    for (s, source) in inputs.sources.iter().enumerate() {
        let df = inputs.collect(s)?;
        outside.push(source.rows.saturating_sub(df.height() as u64));
        for table in count_frame(&df, &source.name, levels, tokenizer)? {
            counts.add(table);
        }
    }
    Ok(Counted { counts, outside })
}

/// One source's (level, text) rows tokenised on every core: a slice of rows per thread, each
/// with its own tables, added up at the end.
fn count_frame(
    df: &DataFrame,
    source: &str,
    levels: &[String],
    tokenizer: &Tokenizer,
) -> Result<Vec<WordTable>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 16);
    let rows = df.height();
    let chunk = rows.div_ceil(threads).max(1);
    let parts: Vec<Result<Vec<WordTable>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..rows)
            .step_by(chunk)
            .map(|start| {
                let part = df.slice(start as i64, chunk);
                scope.spawn(move || count_rows(&part, source, levels, tokenizer))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a counting thread panicked")).collect()
    });
    let mut tables: Vec<WordTable> = levels.iter().map(|l| WordTable::new(source, l)).collect();
    for part in parts {
        for (total, t) in tables.iter_mut().zip(part?) {
            *total += t;
        }
    }
    Ok(tables)
}

fn count_rows(
    df: &DataFrame,
    source: &str,
    levels: &[String],
    tokenizer: &Tokenizer,
) -> Result<Vec<WordTable>> {
    let text =
        |name: &str| df.column(name).and_then(|c| c.str().cloned()).engine(|| format!("reading {name}"));
    let (level_column, text_column) = (text(LEVEL)?, text(TEXT)?);
    let mut tables: Vec<WordTable> = levels.iter().map(|l| WordTable::new(source, l)).collect();
    for (level, response) in level_column.iter().zip(text_column.iter()) {
        let Some(slot) = level.and_then(|l| levels.iter().position(|x| x == l)) else { continue };
        let table = &mut tables[slot];
        match response {
            None => table.missing += 1,
            Some(t) => {
                table.documents += 1;
                tokenizer.for_each(t, |w| table.add_word(w));
            }
        }
    }
    Ok(tables)
}
