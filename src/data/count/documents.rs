//! `amplify leakage`: every source's texts as one document per item (an item's several responses
//! joined), tokenised into term counts in one shared vocabulary, on the baseline's items with a
//! level that every source answered.

use crate::counts::{Documents, TermCounts};
use crate::data::columns::{ID, LEVEL, TEXT};
use crate::data::input::texts::TextInputs;
use crate::data::input::tokens::Tokenizer;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// One source's items: id → (level, term counts).
type Items = BTreeMap<String, (String, HashMap<u32, u32>)>;

/// Reads and tokenises every source; keeps the items with text in every source.
pub(crate) fn documents(inputs: &TextInputs, tokenizer: &Tokenizer) -> Result<Documents> {
    let mut vocabulary: HashMap<String, u32> = HashMap::new();
    let mut per_source: Vec<(String, Items)> = Vec::new();
    for (s, source) in inputs.sources.iter().enumerate() {
        let df = inputs.collect(s)?;
        per_source.push((source.name.clone(), items(&df, tokenizer, &mut vocabulary)?));
    }
    Ok(assemble(per_source, vocabulary))
}

fn items(df: &DataFrame, tokenizer: &Tokenizer, vocabulary: &mut HashMap<String, u32>) -> Result<Items> {
    let text = |name: &str| {
        df.column(name)
            .and_then(|c| c.str().cloned())
            .map_err(|e| AmplifyError::Data(format!("reading {name}: {e}")))
    };
    let (ids, levels, texts) = (text(ID)?, text(LEVEL)?, text(TEXT)?);
    let mut out: Items = BTreeMap::new();
    for ((id, level), response) in ids.iter().zip(levels.iter()).zip(texts.iter()) {
        let (Some(id), Some(level), Some(response)) = (id, level, response) else { continue };
        let entry = out.entry(id.to_string()).or_insert_with(|| (level.to_string(), HashMap::new()));
        tokenizer.for_each(response, |w| {
            let next = vocabulary.len() as u32;
            let t = *vocabulary.entry(w.to_string()).or_insert(next);
            *entry.1.entry(t).or_insert(0) += 1;
        });
    }
    Ok(out)
}

/// The items every source has, sorted; each source's rows in that order, terms sorted within a
/// row; the vocabulary sorted.
fn assemble(per_source: Vec<(String, Items)>, vocabulary: HashMap<String, u32>) -> Documents {
    let all: std::collections::BTreeSet<&String> =
        per_source.iter().flat_map(|(_, items)| items.keys()).collect();
    let items: Vec<String> = all
        .iter()
        .filter(|id| per_source.iter().all(|(_, s)| s.contains_key(**id)))
        .map(|id| (*id).clone())
        .collect();
    let incomplete = (all.len() - items.len()) as u64;
    let first = per_source.first().map(|(_, s)| s);
    let mut level_names: Vec<String> =
        items.iter().filter_map(|id| first?.get(id).map(|(l, _)| l.clone())).collect();
    level_names.sort();
    level_names.dedup();
    let level = items
        .iter()
        .filter_map(|id| first?.get(id).map(|(l, _)| level_names.binary_search(l).unwrap_or(0) as u32))
        .collect();
    // The vocabulary sorted, so that term ids (and the fits' summation order) do not depend on
    // the order the engine returned the rows in.
    let mut sorted: Vec<(String, u32)> = vocabulary.into_iter().collect();
    sorted.sort_unstable();
    let mut remap = vec![0u32; sorted.len()];
    for (new, (_, old)) in sorted.iter().enumerate() {
        remap[*old as usize] = new as u32;
    }
    let terms: Vec<String> = sorted.into_iter().map(|(w, _)| w).collect();
    let sources = per_source
        .into_iter()
        .map(|(name, source)| {
            let mut counts = TermCounts { vocabulary: terms.len(), ..TermCounts::default() };
            for id in &items {
                let mut row: Vec<(u32, u32)> =
                    source[id].1.iter().map(|(&t, &n)| (remap[t as usize], n)).collect();
                row.sort_unstable();
                counts.push(row);
            }
            if counts.indptr.is_empty() {
                counts.indptr.push(0);
            }
            (name, counts)
        })
        .collect();
    Documents { items, levels: level_names, level, terms, sources, incomplete }
}
