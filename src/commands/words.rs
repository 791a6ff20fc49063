//! `amplify words`: response texts in, marked and amplified words out.

use crate::analysis::{build_words, InputRecord, SourceColumn, WordsReport, WordsSettings};
use crate::cli::{TextArgs, WordsArgs};
use crate::data::count::words::{count_words, level_items};
use crate::data::input::texts::{read_texts, TextInputs, TextOptions};
use crate::data::input::tokens::{read_stopwords, Tokenizer};
use crate::data::input::{groupings, GroupingSpec, InputSpec};
use crate::error::AmplifyError;
use crate::escape::printable;
use anyhow::Result;
use std::path::PathBuf;

/// The tokenisation's name, recorded in the settings (docs/METHODS.md, "Marked words").
pub(crate) const TOKENIZER: &str = "uax29-words/lowercase/letters-and-inner-apostrophes";

/// Runs `words`.
pub(crate) fn run(args: &WordsArgs) -> Result<()> {
    let guarded = input_paths(&args.texts);
    if let Some(path) = &args.output {
        crate::atomic::check_target(path, &guarded)?;
    }
    if let Some(dir) = &args.charts {
        crate::report::check_folder(dir, "--charts", &guarded)?;
    }
    if let Some(dir) = &args.report {
        crate::report::check_folder(dir, "--report", &guarded)?;
        if args.charts.as_ref().is_some_and(|c| c == dir) || args.output.as_ref().is_some_and(|o| o == dir) {
            return Err(AmplifyError::Usage(format!(
                "--report {} is also named by --charts or -o; give each output its own path",
                dir.display()
            ))
            .into());
        }
    }
    let report = report(args)?;
    if let Some(dir) = &args.report {
        crate::report::write_words_report(&report, dir, &guarded)?;
    }
    if let Some(dir) = &args.charts {
        if crate::report::write_words_chart(&report, dir)? == 0 {
            note!("amplify: no chart: no model has a word with an amplification to draw");
        }
    }
    let text = crate::output::words::render(&report, args.format)?;
    match &args.output {
        Some(path) => crate::atomic::write_bytes(path, text.as_bytes())?,
        None => crate::atomic::write_stdout(text.as_bytes())?,
    }
    Ok(())
}

/// The embedded run (Python): the document as JSON; `--report` and `--charts` are written, `-o`
/// and `--format` are left to the caller.
pub(crate) fn embedded(args: &WordsArgs) -> Result<String> {
    let report = report(args)?;
    if let Some(dir) = &args.report {
        crate::report::write_words_report(&report, dir, &input_paths(&args.texts))?;
    }
    if let Some(dir) = &args.charts {
        crate::report::write_words_chart(&report, dir)?;
    }
    Ok(crate::output::words::render(&report, crate::output::Format::Json)?)
}

/// What `words` and `leakage` read: the texts, the grouping, the tokenizer, the stop-word file.
pub(crate) struct TextRun {
    /// The texts and the baseline's levels.
    pub texts: TextInputs,
    /// The one grouping.
    pub grouping: GroupingSpec,
    /// The tokenisation.
    pub tokenizer: Tokenizer,
    /// The stop-word file's record.
    pub stopwords: Option<InputRecord>,
}

impl TextRun {
    /// Reads the texts of `args` (stop words first, then every input).
    pub(crate) fn read(args: &TextArgs) -> Result<Self> {
        let grouping = grouping(args)?;
        let (stopwords, record) = match &args.stopwords {
            Some(path) => {
                let words = read_stopwords(path)?;
                let record = InputRecord {
                    role: "stopwords".into(),
                    name: "stopwords".into(),
                    path: path.display().to_string(),
                    rows: words.len() as u64,
                    sha256: crate::data::input::source::sha256_file(path)?,
                };
                (words, Some(record))
            }
            None => Default::default(),
        };
        let tokenizer = Tokenizer::new(args.mask.as_deref(), stopwords)?;
        let specs: Vec<InputSpec> = args.inputs.iter().map(|a| InputSpec::parse(a)).collect();
        let options = TextOptions {
            id: args.id.clone(),
            source_column: args.source_column.clone(),
            baseline_name: args.baseline_name.clone(),
            responses: args.response.clone(),
            grouping: grouping.clone(),
            text: args.text.clone(),
        };
        let texts = read_texts(&specs, &options)?;
        Ok(Self { texts, grouping, tokenizer, stopwords: record })
    }

    /// Each source and its text column.
    pub(crate) fn responses(&self) -> Vec<SourceColumn> {
        self.texts
            .sources
            .iter()
            .map(|s| SourceColumn { source: s.name.clone(), column: s.column.clone() })
            .collect()
    }

    /// The input records: the sources (baseline first), then the stop-word file.
    pub(crate) fn records(&self) -> Vec<InputRecord> {
        let mut out = records(&self.texts);
        out.extend(self.stopwords.clone());
        out
    }
}

/// The paths `args` reads (never written over).
pub(crate) fn input_paths(args: &TextArgs) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = args.inputs.iter().map(|a| InputSpec::parse(a).path).collect();
    paths.extend(args.stopwords.iter().cloned());
    paths
}

/// Reads the texts, counts their words and builds the document.
pub(crate) fn report(args: &WordsArgs) -> Result<WordsReport> {
    if !(args.prior_scale > 0.0 && args.prior_scale.is_finite()) {
        return Err(AmplifyError::Usage(format!(
            "--prior-scale {} is not a positive number; 1 is Monroe et al.'s prior, 0.01 a weak one",
            args.prior_scale
        ))
        .into());
    }
    let run = TextRun::read(&args.texts)?;
    let items = level_items(&run.texts)?;
    let reference = reference(args, &run.grouping, &items)?;
    let levels: Vec<String> = items.iter().map(|(l, _)| l.clone()).collect();
    let counted = count_words(&run.texts, &levels, &run.tokenizer)?;
    for (source, outside) in run.texts.sources.iter().zip(&counted.outside).filter(|(_, n)| **n > 0) {
        note!(
            "amplify: {}: {outside} of {} row(s) are not baseline items with a {} level; left out",
            source.name,
            source.rows,
            run.grouping.name()
        );
    }
    let settings = WordsSettings {
        baseline: args.texts.baseline_name.clone(),
        responses: run.responses(),
        grouping: run.grouping.name(),
        reference,
        tokenizer: TOKENIZER.into(),
        mask: args.texts.mask.clone(),
        stopwords: run.stopwords.clone(),
        min_count: args.min_count,
        prior_scale: args.prior_scale,
        top: args.top,
    };
    let report = build_words(&counted.counts, &items, settings, run.records())?;
    for line in &report.notes {
        note!("amplify: {line}");
    }
    Ok(report)
}

/// The one grouping of `--group` or `--derive`.
fn grouping(args: &TextArgs) -> Result<GroupingSpec, AmplifyError> {
    let mut specs = groupings(&args.group, &args.derive, false);
    match specs.len() {
        1 => Ok(specs.remove(0)),
        0 => Err(AmplifyError::Usage(
            "give the grouping whose levels are compared: --group COL (a baseline column) or --derive NAME=LEVEL:REGEX (on the baseline's --text column)".into(),
        )),
        _ => Err(AmplifyError::Usage(format!(
            "amplify words compares the levels of one grouping; got {}: {}",
            specs.len(),
            specs.iter().map(|s| printable(&s.name(), 40)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// `--reference`, checked against the levels; else the level with the most items.
fn reference(
    args: &WordsArgs,
    grouping: &GroupingSpec,
    items: &[(String, u64)],
) -> Result<String, AmplifyError> {
    let listed =
        || items.iter().map(|(l, n)| format!("{} ({n})", printable(l, 40))).collect::<Vec<_>>().join(", ");
    if items.len() < 2 {
        return Err(AmplifyError::Data(format!(
            "grouping '{}' has {} level(s) among the baseline's items ({}); the words of two levels at least are compared",
            printable(&grouping.name(), 40),
            items.len(),
            listed()
        )));
    }
    match &args.reference {
        Some(r) if items.iter().any(|(l, _)| l == r) => Ok(r.clone()),
        Some(r) => Err(AmplifyError::Usage(format!(
            "--reference {}: no such level of '{}'; levels (items) are: {}",
            printable(r, 40),
            printable(&grouping.name(), 40),
            listed()
        ))),
        None => {
            let most = items.iter().map(|(_, n)| *n).max().unwrap_or(0);
            Ok(items.iter().find(|(_, n)| *n == most).map(|(l, _)| l.clone()).unwrap_or_default())
        }
    }
}

fn records(texts: &TextInputs) -> Vec<InputRecord> {
    texts
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let file = &texts.files[s.file];
            InputRecord {
                role: if i == 0 { "baseline" } else { "model" }.into(),
                name: s.name.clone(),
                path: file.path.display().to_string(),
                rows: s.rows,
                sha256: file.sha256.clone(),
            }
        })
        .collect()
}
