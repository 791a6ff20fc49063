//! Input files: naming (`NAME=PATH`), format detection, lazy scans, row counts and content hashes.

use super::logs;
use super::model::{FileFormat, FileInfo, Partial};
use crate::data::engine::{cell_u64, first_line};
use crate::error::{AmplifyError, Result};
use crate::escape::printable;
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

/// A scanned input: lazy frame, schema and row count; the hash is computed on a thread meanwhile.
pub(crate) struct ScannedFile {
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
    /// What an evaluation log says beyond its table (`None` for tables).
    pub log: Option<LogInfo>,
}

/// What the input stage keeps of an evaluation log besides its frame.
pub(crate) struct LogInfo {
    /// The evaluated model: the source's name unless `NAME=PATH` gives one.
    pub model: String,
    /// Columns that are never labels (epoch, target, metadata fields).
    pub not_labels: Vec<String>,
    /// The largest epoch: above 1, the epochs are repeated samples (`--sample epoch`).
    pub epochs: i64,
    /// What the reader noticed, for the run's notes.
    pub notes: Vec<String>,
    /// How many scores are partial (Inspect's `P`).
    pub partials: usize,
    /// Why the log has no labels, if no sample has a score (refused by [`ScannedFile::open_input`]).
    pub unscored: Option<String>,
}

impl ScannedFile {
    /// Opens one file (a directory or glob is opened by `ScannedFile::open` in `multifile`):
    /// checks existence and format, reads the schema and the row count, and starts hashing the
    /// bytes in the background.
    pub(crate) fn open_single(path: &Path) -> Result<Self> {
        if !path.is_file() {
            if path.exists() {
                return Err(AmplifyError::Data(format!(
                    "{}: not a regular file (a FIFO, a device or a socket); amplify reads a file twice (schema, then data): save the data to a file and give that",
                    path.display()
                )));
            }
            return Err(AmplifyError::FileNotFound { path: path.to_path_buf() });
        }
        let format = FileFormat::input_of(path)?;
        if format.is_log() {
            return Self::open_log(path, format);
        }
        check_content(path, format)?;
        if format == FileFormat::Parquet {
            check_parquet_types(path)?;
        }
        let owned = path.to_path_buf();
        Self::from_scan(path, format, scan(path, format), move || sha256_file(&owned))
    }

    /// Reads the schema and row count of a scan and starts `hash` on a thread; shared by single
    /// files and multi-file inputs.
    pub(crate) fn from_scan(
        path: &Path,
        format: FileFormat,
        scanned: PolarsResult<LazyFrame>,
        hash: impl FnOnce() -> std::io::Result<String> + Send + 'static,
    ) -> Result<Self> {
        let unreadable = |e: PolarsError| AmplifyError::Unreadable {
            path: path.to_path_buf(),
            format: format.label(),
            reason: first_line(&e.to_string()),
        };
        let mut lazy = scanned.map_err(unreadable)?;
        let schema = lazy.collect_schema().map_err(unreadable)?;
        refuse_duplicate_columns(path, &schema)?;
        let counted = lazy.clone().select([len().alias("n")]).collect().map_err(unreadable)?;
        let rows = cell_u64(&counted, "n")?;
        let hash = Some(std::thread::spawn(hash));
        Ok(Self { path: path.to_path_buf(), format, lazy, schema, rows, hash, log: None })
    }

    /// Opens an evaluation log: its samples become a frame in memory ([`logs`]).
    fn open_log(path: &Path, format: FileFormat) -> Result<Self> {
        let table = logs::read(path, format)?;
        let owned = path.to_path_buf();
        let mut file = Self::from_scan(path, format, Ok(table.frame.lazy()), move || sha256_file(&owned))?;
        file.log = Some(LogInfo {
            model: table.model,
            not_labels: table.not_labels,
            epochs: table.epochs,
            notes: table.notes,
            partials: table.partials,
            unscored: table.unscored,
        });
        Ok(file)
    }

    /// Opens an input of labels ([`Self::open`]): refuses a log without any score, and counts an
    /// Inspect log's partial scores as `partial` says, with a note on what was done with them.
    pub(crate) fn open_input(path: &Path, partial: Partial) -> Result<Self> {
        let mut file = Self::open(path)?;
        if let Some(reason) = file.log.as_ref().and_then(|l| l.unscored.clone()) {
            return Err(AmplifyError::Unreadable {
                path: path.to_path_buf(),
                format: file.format.label(),
                reason,
            });
        }
        let Some(log) = file.log.as_mut().filter(|l| l.partials > 0) else { return Ok(file) };
        let (value, done) = match partial {
            Partial::Invalid => (None, "invalid labels (--partial 0 or 1 counts them)"),
            Partial::Zero => (Some(0.0), "counted as 0 (--partial 0)"),
            Partial::One => (Some(1.0), "counted as 1 (--partial 1)"),
        };
        log.notes.push(format!("{}: {} partial score(s) (P): {done}", path.display(), log.partials));
        let not_labels = log.not_labels.clone();
        let Some(value) = value else { return Ok(file) };
        let scores: Vec<Expr> = file
            .schema
            .iter()
            .filter(|(n, t)| {
                t.is_float() && n.as_str() != "id" && !not_labels.iter().any(|l| l == n.as_str())
            })
            .map(|(n, _)| {
                let c = col(n.clone());
                when(c.clone().eq(lit(logs::PARTIAL))).then(lit(value)).otherwise(c).alias(n.clone())
            })
            .collect();
        file.lazy = file.lazy.clone().with_columns(scores);
        Ok(file)
    }

    /// Comma-separated column names, for error messages (printable, at most 60 characters each).
    pub(crate) fn column_list(&self) -> String {
        self.schema.iter_names().map(|n| printable(n.as_str(), 60)).collect::<Vec<_>>().join(", ")
    }

    /// Refuses a key column (id, pair, variant, sample, annotator, group, source) whose values
    /// are not scalars: lists, arrays, structs and bytes cannot be compared as keys. A column that
    /// is absent is left to the caller's own message.
    pub(crate) fn check_key(&self, name: &str, purpose: &'static str) -> Result<()> {
        let Some(dtype) = self.schema.get(name) else { return Ok(()) };
        if dtype.is_nested() || matches!(dtype, DataType::Binary | DataType::BinaryOffset) {
            return Err(AmplifyError::KeyColumnType {
                path: self.path.clone(),
                column: printable(name, 60),
                purpose,
                dtype: dtype.to_string(),
            });
        }
        Ok(())
    }

    /// Whether the file has a column.
    pub(crate) fn has_column(&self, name: &str) -> bool {
        self.schema.contains(name)
    }

    /// Waits for the hash and returns the file's record.
    pub(crate) fn info(&mut self) -> Result<FileInfo> {
        let sha256 = match self.hash.take().map(|h| h.join()) {
            Some(Ok(Ok(hex))) => hex,
            Some(Ok(Err(e))) => return Err(unreadable_io(&self.path, self.format, e)),
            _ => sha256_file(&self.path).map_err(|e| unreadable_io(&self.path, self.format, e))?,
        };
        Ok(FileInfo { path: self.path.clone(), format: self.format, rows: self.rows, sha256 })
    }
}

/// Refuses a Parquet file with a column type this build of polars cannot read (it would abort the
/// process): decimals. Read from the footer alone (arrow-rs `parquet`, metadata only); a footer
/// that does not parse is left to polars, which reports it.
pub(crate) fn check_parquet_types(path: &Path) -> Result<()> {
    use parquet::basic::{ConvertedType, LogicalType};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let Ok(file) = std::fs::File::open(path) else { return Ok(()) };
    let Ok(reader) = SerializedFileReader::new(file) else { return Ok(()) };
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    for column in schema.columns() {
        let decimal = matches!(column.logical_type_ref(), Some(LogicalType::Decimal { .. }))
            || column.converted_type() == ConvertedType::DECIMAL;
        if decimal {
            return Err(AmplifyError::Data(format!(
                "{}: column '{}' is a decimal (precision {}, scale {}), which amplify cannot read; write it as an integer or a float (pandas: df[col].astype(int))",
                path.display(),
                printable(&column.path().string(), 80),
                column.type_precision(),
                column.type_scale()
            )));
        }
    }
    Ok(())
}

/// Refuses a file whose bytes are of the other format (a Parquet file named `.csv`, or the
/// reverse), before a reader turns its binary into column names.
fn check_content(path: &Path, format: FileFormat) -> Result<()> {
    let mut head = [0u8; 4];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    let parquet = n == 4 && &head == b"PAR1";
    let wrong = match format {
        FileFormat::Csv if parquet => Some("it is a Parquet file; name it .parquet"),
        FileFormat::Parquet if n > 0 && !parquet => {
            Some("it does not start with the Parquet magic bytes PAR1; if it is CSV, name it .csv")
        }
        _ => None,
    };
    match wrong {
        Some(reason) => Err(AmplifyError::Unreadable {
            path: path.to_path_buf(),
            format: format.label(),
            reason: reason.into(),
        }),
        None => Ok(()),
    }
}

/// Refuses a header that names a column twice (polars renames the second `X_duplicated_0`).
fn refuse_duplicate_columns(path: &Path, schema: &Schema) -> Result<()> {
    for name in schema.iter_names() {
        let Some((base, n)) = name.rsplit_once("_duplicated_") else { continue };
        if n.chars().all(|c| c.is_ascii_digit()) && schema.contains(base) {
            return Err(AmplifyError::Unreadable {
                path: path.to_path_buf(),
                format: "CSV",
                reason: format!(
                    "the header names column '{}' more than once; rename the copies",
                    printable(base, 60)
                ),
            });
        }
    }
    Ok(())
}

fn unreadable_io(path: &Path, format: FileFormat, e: std::io::Error) -> AmplifyError {
    AmplifyError::Unreadable { path: path.to_path_buf(), format: format.label(), reason: e.to_string() }
}

/// A lazy scan of a Parquet or CSV file (CSV: header row, schema inferred from 10,000 rows).
pub(crate) fn scan(path: &Path, format: FileFormat) -> PolarsResult<LazyFrame> {
    let pl_path = PlRefPath::new(path.to_string_lossy().as_ref());
    match format {
        FileFormat::Parquet => {
            let args = ScanArgsParquet { glob: false, ..Default::default() };
            LazyFrame::scan_parquet(pl_path, args)
        }
        FileFormat::Csv => {
            refuse_compressed(path)?;
            LazyCsvReader::new(pl_path)
                .with_has_header(true)
                .with_infer_schema_length(Some(10_000))
                .with_glob(false)
                .finish()
        }
        FileFormat::Inspect | FileFormat::LmEval => {
            polars_bail!(ComputeError: "an evaluation log is read by its own reader")
        }
    }
}

/// Refuses a "CSV" whose first bytes announce compression: polars (built without its
/// `decompress` feature) would panic on it.
pub(crate) fn refuse_compressed(path: &Path) -> PolarsResult<()> {
    if let Some(kind) = compression(path) {
        let hint = if kind == "zlib" {
            " (a text file whose first characters are 'x^' reads as zlib too: rename its first column)"
        } else {
            ""
        };
        polars_bail!(ComputeError: "the file is {kind}-compressed; amplify reads plain CSV or Parquet: decompress it first (or convert it to Parquet){hint}");
    }
    Ok(())
}

/// The compression a file's first bytes announce, if any: the kinds polars detects (gzip, zlib,
/// zstd) and others that are never CSV (bzip2, xz, zip).
fn compression(path: &Path) -> Option<&'static str> {
    let mut head = [0u8; 6];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).ok()?;
    const MAGIC: [(&[u8], &str); 9] = [
        (&[0x1f, 0x8b], "gzip"),
        (&[0x28, 0xb5, 0x2f, 0xfd], "zstd"),
        (&[0x78, 0x01], "zlib"),
        (&[0x78, 0x5e], "zlib"),
        (&[0x78, 0x9c], "zlib"),
        (&[0x78, 0xda], "zlib"),
        (b"BZh", "bzip2"),
        (&[0xfd, b'7', b'z', b'X', b'Z', 0x00], "xz"),
        (b"PK\x03\x04", "zip"),
    ];
    MAGIC.iter().find(|(magic, _)| head[..n].starts_with(magic)).map(|(_, kind)| *kind)
}

/// Hex SHA-256 of a file, streamed in 1 MiB blocks.
pub(crate) fn sha256_file(path: &Path) -> std::io::Result<String> {
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
