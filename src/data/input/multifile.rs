//! Multi-file inputs: a directory (searched recursively, with hive-style partitions such as
//! `model=gpt4o/part-0.parquet` read as columns) or a glob of Parquet files, scanned lazily as one
//! table. Every file's schema is checked against the first file's before any data is read.

use super::model::FileFormat;
use super::source::{sha256_file, ScannedFile};
use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

impl ScannedFile {
    /// Opens an input: a directory or glob of files ([`is_dataset`]) or a single file; reads the
    /// schema and the row count (refusing an input without rows), and starts hashing the bytes
    /// in the background.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let file = Self::open_even_empty(path)?;
        if file.rows == 0 {
            return Err(AmplifyError::EmptyFile { path: path.to_path_buf() });
        }
        Ok(file)
    }

    /// [`Self::open`] for an input that may have no rows (`inspect` shows its schema).
    pub(crate) fn open_even_empty(path: &Path) -> Result<Self> {
        if is_dataset(path) {
            return open(path);
        }
        Self::open_single(path)
    }
}

/// Whether an input path names a multi-file input (a directory or a glob pattern).
pub(crate) fn is_dataset(path: &Path) -> bool {
    path.is_dir() || (!path.exists() && path.to_string_lossy().contains(['*', '?', '[']))
}

/// Opens a directory or glob of Parquet files as one lazily scanned input.
pub(crate) fn open(path: &Path) -> Result<ScannedFile> {
    let files = list_files(path)?;
    for file in &files {
        super::source::check_parquet_types(file)?;
    }
    check_schemas(&files)?;
    let root = path.is_dir().then(|| path.to_path_buf());
    ScannedFile::from_scan(path, FileFormat::Parquet, scan_dataset(path), move || {
        combined_hash(root.as_deref(), &files)
    })
}

/// The Parquet files of a directory (recursively, sorted; hidden and `_`-prefixed entries such as
/// `_SUCCESS` skipped) or of a glob pattern (sorted).
fn list_files(path: &Path) -> Result<Vec<PathBuf>> {
    let (mut files, what) = if path.is_dir() {
        let mut found = Vec::new();
        crate::data::input::walk::walk(path, &is_parquet, &mut found).map_err(|e| {
            AmplifyError::Unreadable { path: path.to_path_buf(), format: "Parquet", reason: e.to_string() }
        })?;
        (found, "the directory holds")
    } else {
        let pattern = path.to_string_lossy();
        let paths = glob::glob(&pattern)
            .map_err(|e| AmplifyError::Usage(format!("{pattern}: not a valid glob pattern: {e}")))?;
        (paths.filter_map(|p| p.ok()).filter(|p| p.is_file() && is_parquet(p)).collect(), "the glob matches")
    };
    if files.is_empty() {
        return Err(AmplifyError::NoFilesMatched { pattern: path.display().to_string(), what });
    }
    files.sort();
    Ok(files)
}

fn is_parquet(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// Checks that every file has the first file's columns with the same types.
fn check_schemas(files: &[PathBuf]) -> Result<()> {
    let schema_of = |path: &Path| -> Result<SchemaRef> {
        let pl_path = PlRefPath::new(path.to_string_lossy().as_ref());
        let args =
            ScanArgsParquet { glob: false, hive_options: HiveOptions::new_disabled(), ..Default::default() };
        LazyFrame::scan_parquet(pl_path, args).and_then(|mut lf| lf.collect_schema()).map_err(|e| {
            AmplifyError::Unreadable {
                path: path.to_path_buf(),
                format: "Parquet",
                reason: crate::data::engine::first_line(&e.to_string()),
            }
        })
    };
    let first = schema_of(&files[0])?;
    for file in &files[1..] {
        let schema = schema_of(file)?;
        let mismatch = |column: &str, problem: String| AmplifyError::SchemaMismatch {
            path: file.clone(),
            column: column.to_string(),
            problem,
            first: files[0].clone(),
        };
        for (name, dtype) in first.iter() {
            match schema.get(name) {
                None => return Err(mismatch(name, "is missing".into())),
                Some(other) if other != dtype => {
                    return Err(mismatch(name, format!("has type {other}, not {dtype}")));
                }
                Some(_) => {}
            }
        }
        let extra = schema.iter_names().find(|n| !first.contains(n)).map(|n| n.to_string());
        if let Some(extra) = extra {
            return Err(mismatch(&extra, "is not in the first file".into()));
        }
    }
    Ok(())
}

/// A lazy scan of the whole input; a directory's hive partitions become columns.
fn scan_dataset(path: &Path) -> PolarsResult<LazyFrame> {
    let pl_path = PlRefPath::new(path.to_string_lossy().as_ref());
    let hive = if path.is_dir() { HiveOptions::new_enabled() } else { HiveOptions::new_disabled() };
    LazyFrame::scan_parquet(
        pl_path,
        ScanArgsParquet { glob: !path.is_dir(), hive_options: hive, ..Default::default() },
    )
}

/// SHA-256 over the sorted list of (file path, file SHA-256) lines, paths relative to the
/// directory (so moving it keeps the hash): changes when any file or file name does.
fn combined_hash(root: Option<&Path>, files: &[PathBuf]) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    for file in files {
        let name = root.and_then(|r| file.strip_prefix(r).ok()).unwrap_or(file);
        hasher.update(format!("{}\t{}\n", name.display(), sha256_file(file)?));
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
