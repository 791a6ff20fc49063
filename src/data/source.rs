//! Input files: naming (`NAME=PATH`), format detection, lazy scans, row counts and content hashes.

use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

/// One positional input: an optional explicit name and a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSpec {
    /// Explicit name from `NAME=PATH`, if given.
    pub name: Option<String>,
    /// The file.
    pub path: PathBuf,
}

impl InputSpec {
    /// Parses `PATH` or `NAME=PATH`. A `=` is a name separator only when the whole argument is not
    /// itself an existing file and the part before it contains no path separator.
    pub fn parse(arg: &str) -> Self {
        if !Path::new(arg).exists() {
            if let Some((name, path)) = arg.split_once('=') {
                if !name.is_empty() && !name.contains(['/', '\\']) {
                    return Self { name: Some(name.to_string()), path: PathBuf::from(path) };
                }
            }
        }
        Self { name: None, path: PathBuf::from(arg) }
    }

    /// The explicit name, or the file stem.
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            self.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
        })
    }
}

/// The two formats amplify reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Apache Parquet.
    Parquet,
    /// Comma-separated values with a header row.
    Csv,
}

impl FileFormat {
    /// Detects the format from the extension.
    pub fn of(path: &Path) -> Result<Self> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("parquet") | Some("pq") => Ok(Self::Parquet),
            Some("csv") => Ok(Self::Csv),
            _ => Err(AmplifyError::UnsupportedFormat { path: path.to_path_buf() }),
        }
    }

    /// Human name of the format.
    pub fn label(self) -> &'static str {
        match self {
            Self::Parquet => "Parquet",
            Self::Csv => "CSV",
        }
    }
}

/// What every output records about an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// The path as given.
    pub path: PathBuf,
    /// The format.
    pub format: FileFormat,
    /// Rows in the file.
    pub rows: u64,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// A scanned input: lazy frame, schema and row count; the hash is computed on a thread meanwhile.
pub struct ScannedFile {
    /// The path.
    pub path: PathBuf,
    /// The format.
    pub format: FileFormat,
    /// The lazy scan of the whole file.
    pub lazy: LazyFrame,
    /// Its schema.
    pub schema: SchemaRef,
    /// Its row count.
    pub rows: u64,
    hash: Option<JoinHandle<std::io::Result<String>>>,
}

impl ScannedFile {
    /// Opens a file: checks existence and format, reads the schema and the row count, and starts
    /// hashing the bytes in the background.
    pub fn open(path: &Path) -> Result<Self> {
        if super::dataset::is_dataset(path) {
            return super::dataset::open(path);
        }
        if !path.is_file() {
            return Err(AmplifyError::FileNotFound { path: path.to_path_buf() });
        }
        let format = FileFormat::of(path)?;
        let owned = path.to_path_buf();
        Self::from_scan(path, format, scan(path, format), move || sha256_file(&owned))
    }

    /// Reads the schema and row count of a scan (refusing an empty input) and starts `hash` on a
    /// thread; shared by single files and multi-file inputs.
    pub(crate) fn from_scan(
        path: &Path,
        format: FileFormat,
        scanned: PolarsResult<LazyFrame>,
        hash: impl FnOnce() -> std::io::Result<String> + Send + 'static,
    ) -> Result<Self> {
        let unreadable = |e: PolarsError| AmplifyError::Unreadable {
            path: path.to_path_buf(),
            format: format.label(),
            reason: super::one_line(&e.to_string()),
        };
        let mut lazy = scanned.map_err(unreadable)?;
        let schema = lazy.collect_schema().map_err(unreadable)?;
        let counted = lazy.clone().select([len().alias("n")]).collect().map_err(unreadable)?;
        let rows = super::cell_u64(&counted, "n")?;
        if rows == 0 {
            return Err(AmplifyError::EmptyFile { path: path.to_path_buf() });
        }
        let hash = Some(std::thread::spawn(hash));
        Ok(Self { path: path.to_path_buf(), format, lazy, schema, rows, hash })
    }

    /// Comma-separated column names, for error messages.
    pub fn column_list(&self) -> String {
        self.schema.iter_names().map(|n| n.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// Whether the file has a column.
    pub fn has_column(&self, name: &str) -> bool {
        self.schema.contains(name)
    }

    /// Waits for the hash and returns the file's record.
    pub fn info(&mut self) -> Result<FileInfo> {
        let sha256 = match self.hash.take().map(|h| h.join()) {
            Some(Ok(Ok(hex))) => hex,
            Some(Ok(Err(e))) => return Err(unreadable_io(&self.path, self.format, e)),
            _ => sha256_file(&self.path).map_err(|e| unreadable_io(&self.path, self.format, e))?,
        };
        Ok(FileInfo { path: self.path.clone(), format: self.format, rows: self.rows, sha256 })
    }
}

fn unreadable_io(path: &Path, format: FileFormat, e: std::io::Error) -> AmplifyError {
    AmplifyError::Unreadable { path: path.to_path_buf(), format: format.label(), reason: e.to_string() }
}

/// A lazy scan of a Parquet or CSV file (CSV: header row, schema inferred from 10,000 rows).
pub fn scan(path: &Path, format: FileFormat) -> PolarsResult<LazyFrame> {
    let pl_path = PlRefPath::new(path.to_string_lossy().as_ref());
    match format {
        FileFormat::Parquet => {
            let args = ScanArgsParquet { glob: false, ..Default::default() };
            LazyFrame::scan_parquet(pl_path, args)
        }
        FileFormat::Csv => LazyCsvReader::new(pl_path)
            .with_has_header(true)
            .with_infer_schema_length(Some(10_000))
            .with_glob(false)
            .finish(),
    }
}

/// Hex SHA-256 of a file, streamed in 1 MiB blocks.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
