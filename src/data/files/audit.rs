//! Audit files: gold labels from people for (some of) the items a judge labelled. `amplify agree`
//! pairs a file of judge labels with one; `compare --audit` pairs each compared source's labels
//! (which are judge labels) with the audit rows of that source. Audits are small (hundreds to a
//! few thousand rows), so the paired rows are collected into memory.
//!
//! Layout of an audit file: an id column, one column per metric with the gold label (any label
//! spelling amplify reads), and optionally an auditor column (several people per item, one row
//! each) and a source column (`compare --audit`: which compared source's text was audited;
//! `agree`: who wrote the text, e.g. human or model, to split the agreement).

use crate::data::columns::{self, ID};
use crate::data::engine::EngineContext;
use crate::data::input::labels::{is_label_type, normalised};
use crate::data::input::source::ScannedFile;
use crate::data::input::{Dataset, FileInfo};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use std::path::Path;

/// Judge and gold labels of audited items, one row per (item, auditor): 1, 0 or `None` (invalid).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AuditRows {
    /// Metrics, in order.
    pub metrics: Vec<String>,
    /// Item id (as text) per row.
    pub item: Vec<String>,
    /// Auditor per row ("" without an auditor column).
    pub auditor: Vec<String>,
    /// Who wrote the audited text per row ("" without a source column).
    pub text_source: Vec<String>,
    /// Judge label per metric, per row.
    pub judge: Vec<Vec<Option<u8>>>,
    /// Gold label per metric, per row.
    pub gold: Vec<Vec<Option<u8>>>,
    /// `compare --audit`: per grouping (name, level per row; `None` outside every level).
    pub levels: Vec<(String, Vec<Option<String>>)>,
}

/// Column names of an audit file.
#[derive(Debug, Clone)]
pub(crate) struct AuditColumns {
    /// Item id column (in both files).
    pub id: String,
    /// Auditor column, if several people labelled an item.
    pub auditor: Option<String>,
    /// Column saying who wrote the text (or which source was audited).
    pub source: Option<String>,
    /// Metrics; `None`: every label column both files have.
    pub metrics: Option<Vec<String>>,
}

fn missing(file: &ScannedFile, column: &str, purpose: &'static str) -> AmplifyError {
    AmplifyError::MissingColumn {
        path: file.path.clone(),
        column: column.to_string(),
        purpose,
        available: file.column_list(),
    }
}

/// `agree`: the judge labels of `judged` paired with the gold labels of `audit` on the id.
/// Also returns both files' records (judged first).
pub(crate) fn read_agreement(
    judged: &Path,
    audit: &Path,
    columns: &AuditColumns,
) -> Result<(AuditRows, Vec<FileInfo>)> {
    let mut judged = ScannedFile::open(judged)?;
    let mut audit = ScannedFile::open(audit)?;
    for file in [&judged, &audit] {
        if !file.has_column(&columns.id) {
            return Err(missing(file, &columns.id, "--id"));
        }
    }
    if let Some(a) = columns.auditor.as_ref().filter(|a| !audit.has_column(a)) {
        return Err(missing(&audit, a, "--auditor"));
    }
    let metrics = shared_metrics(&judged, &audit, columns)?;
    let source = columns.source.as_ref();
    if let Some(s) = source.filter(|s| !judged.has_column(s) && !audit.has_column(s)) {
        return Err(missing(&audit, s, "--text-source (in either file)"));
    }
    let mut left = vec![col(columns.id.as_str()).cast(DataType::String).alias(ID)];
    let mut right = left.clone();
    for m in &metrics {
        left.push(label(&judged, m, false).alias(format!("j:{m}")));
        right.push(label(&audit, m, false).alias(format!("g:{m}")));
    }
    right.push(text_or_empty(&audit, columns.auditor.as_deref()).alias("auditor"));
    let (in_judged, in_audit) =
        (source.is_some_and(|s| judged.has_column(s)), source.is_some_and(|s| audit.has_column(s)));
    // The text source in both files is part of the key: one item id can carry several sources'
    // texts (a human's and a model's answer to the same post).
    let mut keys = vec![col(ID)];
    if in_judged {
        left.push(text_or_empty(&judged, source.map(String::as_str)).alias("text_source"));
    }
    if in_audit {
        right.push(text_or_empty(&audit, source.map(String::as_str)).alias("text_source"));
    }
    match (in_judged, in_audit) {
        (true, true) => keys.push(col("text_source")),
        (false, false) => left.push(lit("").alias("text_source")),
        _ => {}
    }
    let joined = judged.lazy.clone().select(left).join(
        audit.lazy.clone().select(right),
        keys.clone(),
        keys,
        JoinArgs::new(JoinType::Inner),
    );
    let df = joined.collect().engine(|| format!("pairing {} with the judged items", audit.path.display()))?;
    if df.height() == 0 {
        return Err(AmplifyError::Data(format!(
            "{}: no audited id is in {} (column '{}'); are both files about the same items?",
            audit.path.display(),
            judged.path.display(),
            columns.id
        )));
    }
    let rows = rows_of(&df, metrics)?;
    if columns.auditor.is_none() {
        refuse_repeats(&rows, &audit.path)?;
    }
    let infos = vec![judged.info()?, audit.info()?];
    Ok((rows, infos))
}

/// `compare --audit`: per compared source (baseline first), the audit rows whose source column
/// names it, paired with that source's labels. Sources without audit rows get empty rows.
pub(crate) fn read_audit(
    data: &Dataset,
    audit: &Path,
    source_column: &str,
) -> Result<Vec<(String, AuditRows)>> {
    let file = ScannedFile::open(audit)?;
    if !file.has_column(&data.id_column) {
        return Err(missing(&file, &data.id_column, "the id column of the compared files"));
    }
    if !file.has_column(source_column) {
        return Err(missing(&file, source_column, "--audit-source (which compared source each row audits)"));
    }
    let metrics: Vec<String> = data.metrics.iter().filter(|m| file.has_column(m)).cloned().collect();
    if metrics.is_empty() {
        return Err(AmplifyError::Data(format!(
            "{}: no column is one of the compared metrics ({}); name the gold-label columns after them",
            audit.display(),
            data.metrics.join(", ")
        )));
    }
    check_audit_sources(data, &file, source_column)?;
    let mut out = Vec::new();
    for frame in std::iter::once(&data.baseline).chain(data.compared()) {
        let mut left = vec![col(ID).cast(DataType::String)];
        let mut right = vec![col(data.id_column.as_str()).cast(DataType::String).alias(ID)];
        let schema = frame.lazy.clone().collect_schema().engine(|| "reading a source's schema".into())?;
        for m in &metrics {
            let i = data.columns.iter().position(|c| c == m);
            let present = i.is_some_and(|i| frame.present[i]);
            let inverted = i.is_some_and(|i| frame.inverted[i]);
            let judge = match schema.get(m) {
                Some(dtype) if present => normalised(m, dtype, inverted),
                _ => lit(NULL).cast(DataType::Int32),
            };
            left.push(judge.alias(format!("j:{m}")));
            right.push(label(&file, m, false).alias(format!("g:{m}")));
        }
        right.push(lit("").alias("auditor"));
        right.push(lit("").alias("text_source"));
        let rows =
            file.lazy.clone().filter(col(source_column).cast(DataType::String).eq(lit(frame.name.as_str())));
        let joined = frame.lazy.clone().select(left).inner_join(rows.select(right), col(ID), col(ID));
        let joined = joined.join(baseline_levels(data), [col(ID)], [col(ID)], JoinArgs::new(JoinType::Left));
        let df = joined
            .collect()
            .engine(|| format!("pairing {} with source '{}'", audit.display(), frame.name))?;
        let mut rows = rows_of(&df, metrics.clone())?;
        refuse_repeats(&rows, audit)?;
        unmatched_note(&file, source_column, &frame.name, rows.item.len())?;
        rows.levels = level_columns(data, &df)?;
        out.push((frame.name.clone(), rows));
    }
    Ok(out)
}

/// Every source the audit names must be a compared source: a misspelt name would leave its
/// audit out silently.
fn check_audit_sources(data: &Dataset, file: &ScannedFile, source_column: &str) -> Result<()> {
    let names = file.lazy.clone().select([col(source_column).cast(DataType::String).unique_stable()]);
    let df = names.collect().engine(|| format!("reading the sources of {}", file.path.display()))?;
    let compared: Vec<&str> =
        std::iter::once(&data.baseline).chain(data.compared()).map(|f| f.name.as_str()).collect();
    let column = df.column(source_column).engine(|| "reading the audited sources".into())?;
    let named = column.str().engine(|| "reading the audited sources".into())?;
    if let Some(unknown) = named.iter().flatten().find(|n| !compared.contains(n)) {
        return Err(AmplifyError::Data(format!(
            "{}: column '{source_column}' names the source '{}', which is not compared (sources: {}); fix the name or leave those rows out",
            file.path.display(),
            crate::escape::printable(unknown, 80),
            compared.join(", ")
        )));
    }
    Ok(())
}

/// Audit rows of a source whose id is no item of that source are said in a note.
fn unmatched_note(file: &ScannedFile, source_column: &str, source: &str, matched: usize) -> Result<()> {
    let rows = file.lazy.clone().filter(col(source_column).cast(DataType::String).eq(lit(source)));
    let df = rows.select([len().alias("n")]).collect().engine(|| "counting audit rows".into())?;
    let total = crate::data::engine::cell_u64(&df, "n")? as usize;
    if total > matched {
        note!(
            "amplify: {} of the {total} audit rows of '{source}' in {} have an id that is no item of '{source}' and are left out",
            total - matched,
            file.path.display()
        );
    }
    Ok(())
}

/// Without an auditor column every (item, text source) pair must appear once: a repeat means
/// several auditors (`--auditor`) or several sources' texts under one id (`--text-source`), and
/// pairing them blindly would count one judge label against another item's gold label.
fn refuse_repeats(rows: &AuditRows, path: &Path) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    let repeated = rows.item.iter().zip(&rows.text_source).filter(|key| !seen.insert(*key)).count();
    if repeated == 0 {
        return Ok(());
    }
    Err(AmplifyError::Data(format!(
        "{}: {repeated} audited id(s) pair with more than one row; with several people per item pass --auditor COL, with several sources' texts per id pass --text-source COL",
        path.display()
    )))
}

/// The baseline's id and group levels (the levels of an item, whichever source's text it is).
fn baseline_levels(data: &Dataset) -> LazyFrame {
    let mut exprs = vec![col(ID).cast(DataType::String)];
    exprs.extend((0..data.groupings.len()).map(|j| col(columns::level(j)).cast(DataType::String)));
    data.baseline.lazy.clone().select(exprs)
}

fn level_columns(data: &Dataset, df: &DataFrame) -> Result<Vec<(String, Vec<Option<String>>)>> {
    let context = || "reading the audited items' levels".to_string();
    (0..data.groupings.len())
        .map(|j| {
            let c = df.column(&columns::level(j)).and_then(|c| c.cast(&DataType::String)).engine(context)?;
            let values = c.str().engine(context)?.iter().map(|v| v.map(str::to_string)).collect();
            Ok((data.groupings[j].name(), values))
        })
        .collect()
}

/// The metrics of `agree`: `--metrics` (each in both files), else every label column of both.
fn shared_metrics(judged: &ScannedFile, audit: &ScannedFile, columns: &AuditColumns) -> Result<Vec<String>> {
    let reserved = [Some(&columns.id), columns.auditor.as_ref(), columns.source.as_ref()];
    let candidates: Vec<String> = judged
        .schema
        .iter()
        .filter(|(n, t)| is_label_type(t) && !reserved.contains(&Some(&n.to_string())))
        .map(|(n, _)| n.to_string())
        .filter(|n| audit.schema.get(n).is_some_and(is_label_type))
        .collect();
    let metrics = match &columns.metrics {
        Some(wanted) => {
            if let Some(m) = wanted.iter().find(|m| !candidates.contains(m)) {
                let file = if judged.has_column(m) { audit } else { judged };
                return Err(missing(file, m, "--metrics (label columns in both files)"));
            }
            wanted.clone()
        }
        None => candidates,
    };
    if metrics.is_empty() {
        return Err(AmplifyError::Data(format!(
            "{} and {} share no label column; name the gold-label columns like the judged ones",
            judged.path.display(),
            audit.path.display()
        )));
    }
    Ok(metrics)
}

fn label(file: &ScannedFile, metric: &str, invert: bool) -> Expr {
    match file.schema.get(metric) {
        Some(dtype) => normalised(metric, dtype, invert),
        None => lit(NULL).cast(DataType::Int32),
    }
}

fn text_or_empty(file: &ScannedFile, column: Option<&str>) -> Expr {
    match column.filter(|c| file.has_column(c)) {
        Some(c) => col(c).cast(DataType::String).fill_null(lit("")),
        None => lit(""),
    }
}

/// Reads the collected pairs.
fn rows_of(df: &DataFrame, metrics: Vec<String>) -> Result<AuditRows> {
    let context = || "reading the audited pairs".to_string();
    let text = |name: &str| -> Result<Vec<String>> {
        let c = df.column(name).and_then(|c| c.cast(&DataType::String)).engine(context)?;
        Ok(c.str().engine(context)?.iter().map(|v| v.unwrap_or("").to_string()).collect())
    };
    let codes = |name: &str| -> Result<Vec<Option<u8>>> {
        let c = df.column(name).and_then(|c| c.cast(&DataType::Int32)).engine(context)?;
        Ok(c.i32().engine(context)?.iter().map(|v| v.and_then(|x| u8::try_from(x).ok())).collect())
    };
    let judge = metrics.iter().map(|m| codes(&format!("j:{m}"))).collect::<Result<Vec<_>>>()?;
    let gold = metrics.iter().map(|m| codes(&format!("g:{m}"))).collect::<Result<Vec<_>>>()?;
    Ok(AuditRows {
        item: text(ID)?,
        auditor: text("auditor")?,
        text_source: text("text_source")?,
        judge,
        gold,
        metrics,
        levels: Vec::new(),
    })
}
