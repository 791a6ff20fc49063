//! The types every stage of input reading shares: what the user named (inputs, options), what
//! was read (files, raw sources) and the result, one normalised [`Dataset`].

use super::grouping_spec::GroupingSpec;
use super::labels::VerdictMap;
use crate::error::{AmplifyError, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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

/// The formats amplify reads: tables (Parquet, CSV) and evaluation logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Apache Parquet.
    Parquet,
    /// Comma-separated values with a header row.
    Csv,
    /// An Inspect log (`.eval` zip or `.json`), read into a table in memory.
    Inspect,
    /// lm-evaluation-harness samples (`samples_<task>_<time>.jsonl`), read into a table in memory.
    LmEval,
}

impl FileFormat {
    /// Detects an input's format from the extension: a table, an Inspect log (`.eval`,
    /// `.json`) or lm-eval samples (`.jsonl`).
    pub fn input_of(path: &Path) -> Result<Self> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("eval") | Some("json") => Ok(Self::Inspect),
            Some("jsonl") => Ok(Self::LmEval),
            _ => Self::of(path),
        }
    }

    /// Detects a table format (Parquet, CSV) from the extension.
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
            Self::Inspect => "Inspect log",
            Self::LmEval => "lm-eval samples",
        }
    }

    /// Whether the format is an evaluation log read into memory (not a scanned table).
    pub fn is_log(self) -> bool {
        matches!(self, Self::Inspect | Self::LmEval)
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

/// How the inputs are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One file per source: id column plus one column per metric.
    Tidy,
    /// One file with `<metric>_<source>` columns (the ELEPHANT layout).
    Wide,
    /// One file with an id, a source column and metric columns.
    Long,
    /// A precomputed counts table.
    Counts,
}

/// How to read the inputs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataOptions {
    /// The id column; `None` means `id`, falling back to a pandas index column.
    pub id: Option<String>,
    /// The source column of a long file.
    pub source_column: Option<String>,
    /// Name of the baseline source.
    pub baseline_name: String,
    /// Metrics to compare; `None` selects every binary column shared by all sources.
    pub metrics: Option<Vec<String>>,
    /// Metrics whose polarity is flipped.
    pub invert: Vec<String>,
    /// Extra mappings from `--map SOURCE.METRIC=COLUMN`.
    pub maps: Vec<ColumnMap>,
    /// Ground-truth column of the baseline file.
    pub truth: Option<String>,
    /// Metrics holding verdict strings (YTA/NTA/...).
    pub verdicts: Vec<String>,
    /// How verdict strings map to labels.
    pub verdict_map: VerdictMap,
    /// Metrics judged against the truth; `None` picks metrics named like moral_endorsement/verdict.
    pub against_truth: Option<Vec<String>>,
    /// Groupings of the baseline items.
    pub groupings: Vec<GroupingSpec>,
    /// Text column for derived groupings (default `prompt`).
    pub text: Option<String>,
    /// Most levels a grouping may have.
    pub max_levels: usize,
    /// Counterfactual pairs (`--pair`, `--variant`), if the items come in pairs.
    pub pairs: Option<PairOptions>,
    /// Several rows per item (`--sample`, `--repeated`, `--annotator`), if allowed.
    pub repeats: Option<RepeatOptions>,
    /// The verdict classes to count (`--verdict-classes`), upper-case.
    pub verdict_classes: Option<Vec<String>>,
    /// How an Inspect log's partial score (`P`) is read.
    pub partial: Partial,
}

/// How Inspect's partial score `P` (0.5 in Inspect's own arithmetic) becomes a label: labels are
/// binary, so it is invalid unless counted as one side (`--partial 0|1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Partial {
    /// Invalid: counted, excluded (the default).
    #[default]
    Invalid,
    /// Counted as 0 (incorrect).
    Zero,
    /// Counted as 1 (correct).
    One,
}

impl DataOptions {
    /// The baseline columns that key or slice items rather than label them: the truth and every
    /// grouping column (also inside intersections).
    pub(crate) fn key_columns(&self) -> Vec<String> {
        fn columns(spec: &GroupingSpec, out: &mut Vec<String>) {
            match spec {
                GroupingSpec::Column(c) => out.push(c.clone()),
                GroupingSpec::Derived { .. } => {}
                GroupingSpec::Intersect(parts) => parts.iter().for_each(|p| columns(p, out)),
            }
        }
        let mut out: Vec<String> = self.truth.iter().cloned().collect();
        self.groupings.iter().for_each(|g| columns(g, &mut out));
        out
    }
}

/// `--sample COL`, `--repeated`, `--annotator COL`, `--aggregate`: which sources may hold several
/// rows per item, and how an item's samples become its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatOptions {
    /// The models' sample (epoch, seed) column: models may repeat ids; it orders the samples.
    pub sample: Option<String>,
    /// The baseline's annotator column: the baseline may repeat ids; it orders the annotations.
    pub annotator: Option<String>,
    /// Every source may repeat ids (in file order).
    pub repeated: bool,
    /// How an item's valid samples become its value.
    pub aggregate: Aggregate,
}

impl RepeatOptions {
    /// Whether the baseline (or else a model) may hold several rows per item.
    pub fn repeats(&self, baseline: bool) -> bool {
        self.repeated || if baseline { self.annotator.is_some() } else { self.sample.is_some() }
    }

    /// The column ordering a source's samples, if any.
    pub fn order_column(&self, baseline: bool) -> Option<&str> {
        if baseline {
            self.annotator.as_deref()
        } else {
            self.sample.as_deref()
        }
    }
}

/// `--aggregate` values: an item's value from its valid samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    /// The share of samples that are 1 (a value in [0, 1]).
    #[default]
    Mean,
    /// 1 or 0 by majority; a tie is invalid.
    Majority,
    /// The first valid sample (by the sample column, else file order).
    First,
}

/// `--pair COL --variant COL [--variants A,B]`: which items are the two sides of one pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairOptions {
    /// The column naming each item's pair.
    pub pair: String,
    /// The column naming each item's side (exactly two levels).
    pub variant: String,
    /// The two levels in order, the reference side A first; `None` takes them in order of first
    /// appearance (baseline file first).
    pub variants: Option<[String; 2]>,
}

/// The items' pair and side, read from every input file that has the pair and variant columns.
pub struct PairMap {
    /// `__id`, `__pair` (an integer type when `native`, else String), `__var` (String): the rows with all
    /// three of every file naming the pairs (an item in several files has several rows; see
    /// `counterfactual::one_row_per_item`).
    pub lazy: LazyFrame,
    /// The two variants, reference side A first.
    pub variants: [String; 2],
    /// What was asked for.
    pub options: PairOptions,
    /// Whether only the baseline names the pairs: the baseline frame then has `__pair` and
    /// `__var`, and the positional pass counts the pairs.
    pub in_baseline: bool,
    /// Rows with an id but no pair id or no variant, over the files that name pairs: their items
    /// are in no pair (said in a note).
    pub unpaired_rows: u64,
    /// Whether the pair ids stay integers (`__pair` Int64 when only the baseline names them),
    /// else text.
    pub native: bool,
    /// The smallest and largest pair id, when the passes read them as integers (Int64).
    pub range: Option<(i64, i64)>,
}

/// One source's normalised judgement table.
#[derive(Clone)]
pub struct SourceFrame {
    /// Source name.
    pub name: String,
    /// Index into [`Dataset::files`].
    pub file: usize,
    /// `__id` plus one label column per metric (coded when the keys are packed).
    pub lazy: LazyFrame,
    /// Rows of this source.
    pub rows: u64,
    /// The source's id column (for messages).
    pub id_column: String,
    /// Which of [`Dataset::columns`] this source has (others count as invalid labels).
    pub present: Vec<bool>,
    /// Which of [`Dataset::columns`] have their labels flipped (`--invert`).
    pub inverted: Vec<bool>,
    /// Whether the source may hold several rows per item (then it has [`crate::data::columns::SAMPLE_ORDER`]
    /// when its order column exists).
    pub repeats: bool,
}

/// Every source of a run, normalised and ready to be reduced to counts.
pub struct Dataset {
    /// Detected layout.
    pub layout: Layout,
    /// The id column used (per file it may be a pandas index column).
    pub id_column: String,
    /// The type ids are matched as.
    pub id_type: String,
    /// The baseline source.
    pub baseline: SourceFrame,
    /// The model sources, in input order.
    pub models: Vec<SourceFrame>,
    /// Metrics compared pairwise (present in every source).
    pub metrics: Vec<String>,
    /// Metrics judged against the ground truth.
    pub truth_metrics: Vec<String>,
    /// Label columns of every frame: `metrics`, then truth-only metrics.
    pub columns: Vec<String>,
    /// Whether the baseline frame has a `__truth` column.
    pub has_truth: bool,
    /// Groupings; the baseline frame has their levels as `__g0`, `__g1`, ...
    pub groupings: Vec<GroupingSpec>,
    /// Most levels a grouping may have.
    pub max_levels: usize,
    /// Shared columns that were not selected because they do not hold binary labels.
    pub skipped: Vec<String>,
    /// (model, metric) pairs of compared metrics a model lacks: not compared for that model.
    pub absent: Vec<(String, String)>,
    /// What the reading left out, to tell the user (e.g. rows of a long file without a source).
    pub notes: Vec<String>,
    /// The input files, hashed.
    pub files: Vec<FileInfo>,
    /// Counterfactual pairs of items (`--pair`).
    pub pairs: Option<PairMap>,
    /// Repeated samples or annotators, if allowed.
    pub repeats: Option<RepeatOptions>,
    /// The verdict classes' frames (`--verdict-classes`).
    pub classes: Option<ClassFrames>,
}

impl Dataset {
    /// Whether a model is the baseline read as its own model (see `layouts::own_frame`).
    pub fn is_own(&self, model: &SourceFrame) -> bool {
        model.name == self.baseline.name
    }

    /// The models compared with the baseline: every model but the baseline's own.
    pub fn compared(&self) -> impl Iterator<Item = &SourceFrame> {
        self.models.iter().filter(|m| !self.is_own(m))
    }
}

/// The class-code frames of a run with `--verdict-classes`.
#[derive(Clone)]
pub struct ClassFrames {
    /// The classes, in order; a code is an index into it.
    pub classes: Vec<String>,
    /// The verdict metrics counted; metric `j` is column `__c{j}` of every frame.
    pub metrics: Vec<String>,
    /// The baseline: `__id`, `__tc` (the truth's class code) and `__c{j}`.
    pub baseline: LazyFrame,
    /// Every other source, in input order: its name and `__id`, `__c{j}` (null where it lacks
    /// the metric).
    pub sources: Vec<(String, LazyFrame)>,
}

/// A source before metric selection: its raw frame and candidate (metric, column, type) triples.
#[derive(Clone)]
pub(crate) struct RawSource {
    pub name: String,
    pub file: usize,
    pub lazy: LazyFrame,
    pub id: String,
    pub columns: Vec<(String, String, DataType)>,
}

/// `--map SOURCE.METRIC=COLUMN`: read SOURCE's METRIC from COLUMN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    /// The source (in a wide file, a new source may be named).
    pub source: String,
    /// The metric.
    pub metric: String,
    /// The column holding it.
    pub column: String,
}

impl std::str::FromStr for ColumnMap {
    type Err = String;
    fn from_str(spec: &str) -> Result<Self, String> {
        let parts = spec.split_once('=').and_then(|(l, c)| l.split_once('.').map(|(s, m)| (s, m, c)));
        match parts {
            Some((source, metric, column))
                if !source.is_empty() && !metric.is_empty() && !column.is_empty() =>
            {
                Ok(Self { source: source.into(), metric: metric.into(), column: column.into() })
            }
            _ => Err(format!("'{spec}' is not SOURCE.METRIC=COLUMN")),
        }
    }
}
