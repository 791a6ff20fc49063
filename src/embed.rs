//! Entry points for programs that embed amplify (the Python package `amplify_bias`): the command
//! line's own arguments in, the findings as JSON (or the error on one line) out, notes collected
//! instead of printed, and a way to stop a run before it writes anything.
//!
//! Every option keeps its command-line name and meaning because it is parsed by the same clap
//! definitions; a binding translates `rank_by="fnr"` to `--rank-by fnr` with [`options`].

use crate::analysis::Findings;
use crate::cli::{Cli, Command};
use crate::output::Format;
use std::path::Path;

/// What a run produced: its text (findings JSON, power JSON; empty for commands that write
/// files) and the notes the command line would have printed on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The findings document (`compare`), the answer (`power`), help text, or nothing.
    pub text: String,
    /// One line per note, without the `amplify: ` prefix.
    pub notes: Vec<String>,
}

/// Why a run failed: the command line's one-line error message, and the notes before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The error and its causes on one line (what `amplify` prints after `error: `).
    pub message: String,
    /// Notes printed before the error.
    pub notes: Vec<String>,
}

/// One long option of a subcommand, as a binding needs it to build arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionSpec {
    /// The long name without dashes, e.g. `rank-by`.
    pub long: String,
    /// Whether it takes a value (`--group COL`) rather than being a switch (`--versus-only`).
    pub takes_value: bool,
    /// Whether it may be given more than once (`--group a --group b`).
    pub repeated: bool,
    /// Whether several values may be given comma-separated in one (`--metrics a,b`).
    pub comma: bool,
    /// Whether the value may be left out (`--verdict-classes` alone: the defaults).
    pub optional_value: bool,
}

/// Cancels every embedded run started so far: those still working write nothing.
pub fn cancel_all() {
    crate::run_scope::cancel_all();
}

/// Runs `amplify ARGS...` (without the program name) and returns its result instead of printing
/// it: `compare` gives the findings as JSON (its `--format`, `-o` and `--charts` are ignored),
/// `power` its answer, `words` its document as JSON (`--report` and `--charts` are written),
/// `--help` the help text; other commands do their work (write their files).
pub fn run(args: &[String]) -> Result<Outcome, Failure> {
    collecting(|| {
        let argv = std::iter::once("amplify".to_string()).chain(args.iter().cloned());
        let cli = match <Cli as clap::Parser>::try_parse_from(argv) {
            Ok(cli) => cli,
            Err(e) if !e.use_stderr() => return Ok(e.render().to_string()),
            Err(e) => return Err(clap_message(&e)),
        };
        let result = match &cli.command {
            Command::Compare(a) => {
                crate::commands::compare::findings(&a.input, &a.stats, &a.audit, &a.counts)
                    .and_then(|f| Ok(crate::output::render(&f, Format::Json)?))
            }
            Command::Power(a) => crate::commands::power::text(a),
            Command::Words(a) => crate::commands::words::embedded(a),
            Command::Leakage(a) => crate::commands::leakage::embedded(a),
            _ => crate::commands::run(cli).map(|()| String::new()),
        };
        result.map_err(|e| crate::commands::error_chain_line(&e))
    })
}

/// Reads a findings document (this version's or an older one) and returns it as this version's
/// JSON.
pub fn read_findings(path: &Path) -> Result<Outcome, Failure> {
    collecting(|| {
        let findings = crate::report::load_findings(path).map_err(|e| e.to_string())?;
        crate::output::render(&findings, Format::Json).map_err(|e| e.to_string())
    })
}

/// Writes the report folder of a findings document (JSON) at `out`, as `amplify report --from`;
/// of a words document (`amplify.words/1`), as `amplify words --report`.
pub fn write_report(findings_json: &str, out: &Path) -> Result<Outcome, Failure> {
    collecting(|| {
        if let Some(words) = words(findings_json)? {
            let written = crate::report::write_words_report(&words, out, &[]).map_err(|e| e.to_string())?;
            return Ok(written.display().to_string());
        }
        if let Some(leakage) = leakage(findings_json)? {
            let written =
                crate::report::write_leakage_report(&leakage, out, &[]).map_err(|e| e.to_string())?;
            return Ok(written.display().to_string());
        }
        let findings = parse(findings_json)?;
        let written = crate::report::write_report(&findings, out).map_err(|e| e.to_string())?;
        Ok(written.display().to_string())
    })
}

/// Writes every chart of a findings document (JSON) into `out`, as `compare --charts` (of a
/// words document, as `words --charts`).
pub fn write_charts(findings_json: &str, out: &Path) -> Result<Outcome, Failure> {
    collecting(|| {
        if let Some(words) = words(findings_json)? {
            crate::report::write_words_chart(&words, out).map_err(|e| e.to_string())?;
            return Ok(out.display().to_string());
        }
        let findings = parse(findings_json)?;
        let skipped = crate::report::write_charts_only(&findings, out).map_err(|e| e.to_string())?;
        for note in skipped {
            note!("amplify: chart skipped: {note}");
        }
        Ok(out.display().to_string())
    })
}

/// Renders a findings document (JSON) in one of `compare --format`'s formats (`table`, `json`,
/// `csv`), or as the report's one-sentence `headline`; a words document the same way.
pub fn render(findings_json: &str, format: &str) -> Result<Outcome, Failure> {
    collecting(|| {
        if let Some(words) = words(findings_json)? {
            if format == "headline" {
                return Ok(crate::report::words_headline(&words));
            }
            let format = <Format as clap::ValueEnum>::from_str(format, true)
                .map_err(|_| format!("format '{format}' is unknown; use one of words --format's values"))?;
            return crate::output::words::render(&words, format).map_err(|e| e.to_string());
        }
        if let Some(leakage) = leakage(findings_json)? {
            if format == "headline" {
                return Ok(crate::report::leakage_headline(&leakage));
            }
            let format = <Format as clap::ValueEnum>::from_str(format, true)
                .map_err(|_| format!("format '{format}' is unknown; use one of leakage --format's values"))?;
            return crate::output::leakage::render(&leakage, format).map_err(|e| e.to_string());
        }
        if format == "headline" {
            return Ok(crate::report::headline(&parse(findings_json)?));
        }
        let format = <Format as clap::ValueEnum>::from_str(format, true)
            .map_err(|_| format!("format '{format}' is unknown; use one of compare --format's values"))?;
        crate::output::render(&parse(findings_json)?, format).map_err(|e| e.to_string())
    })
}

/// The long options of a subcommand (`compare`, `count`, ...), in the order `--help` lists them.
pub fn options(subcommand: &str) -> Vec<OptionSpec> {
    let mut cli = <Cli as clap::CommandFactory>::command();
    cli.build(); // adds the generated options (--help) to every subcommand
    let Some(command) = cli.find_subcommand(subcommand) else { return Vec::new() };
    command
        .get_arguments()
        .filter_map(|arg| {
            let long = arg.get_long()?;
            let takes_value = arg.get_action().takes_values();
            let optional_value = arg.get_num_args().is_some_and(|n| n.min_values() == 0);
            Some(OptionSpec {
                long: long.to_string(),
                takes_value,
                optional_value,
                repeated: matches!(arg.get_action(), clap::ArgAction::Append),
                comma: arg.get_value_delimiter().is_some(),
            })
        })
        .collect()
}

/// The version of this amplify.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The words document, when `json` is one (`schema` = `amplify.words/1`).
fn words(json: &str) -> Result<Option<crate::analysis::WordsReport>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("findings: not JSON ({e})"))?;
    if value.get("schema").and_then(|s| s.as_str()) != Some(crate::analysis::WORDS_SCHEMA) {
        return Ok(None);
    }
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| format!("malformed {} document: {e}", crate::analysis::WORDS_SCHEMA))
}

/// The leakage document, when `json` is one (`schema` = `amplify.leakage/2`).
fn leakage(json: &str) -> Result<Option<crate::analysis::LeakageReport>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("findings: not JSON ({e})"))?;
    if value.get("schema").and_then(|s| s.as_str()) != Some(crate::analysis::LEAKAGE_SCHEMA) {
        return Ok(None);
    }
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| format!("malformed {} document: {e}", crate::analysis::LEAKAGE_SCHEMA))
}

fn parse(findings_json: &str) -> Result<Findings, String> {
    crate::report::parse_findings(findings_json, "findings").map_err(|e| e.to_string())
}

/// The first line of a clap error without its `error: ` prefix.
fn clap_message(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let line = text.lines().next().unwrap_or("invalid arguments");
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}

/// Runs `work` as one embedded run on this thread, collecting its notes.
fn collecting(work: impl FnOnce() -> Result<String, String>) -> Result<Outcome, Failure> {
    let (result, notes) = crate::run_scope::scoped(work);
    match result {
        Ok(text) => Ok(Outcome { text, notes }),
        Err(message) => Err(Failure { message: message.replace('\n', " "), notes }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_follow_the_command_line() {
        let compare = options("compare");
        let find = |name: &str| compare.iter().find(|o| o.long == name).cloned();
        let group = find("group").expect("--group");
        assert!(group.takes_value && group.repeated && !group.comma);
        let metrics = find("metrics").expect("--metrics");
        assert!(metrics.takes_value && metrics.comma);
        assert!(!find("versus-only").expect("--versus-only").takes_value);
        let classes = find("verdict-classes").expect("--verdict-classes");
        assert!(classes.takes_value && classes.optional_value && classes.comma);
        assert!(!metrics.optional_value);
        assert!(find("help").is_some_and(|h| !h.takes_value));
        assert!(options("no-such-command").is_empty());
    }

    #[test]
    fn errors_are_one_line_and_notes_are_collected() {
        let failure = run(&args(&["compare", "--no-such-flag"])).expect_err("unknown flag");
        assert!(failure.message.contains("--no-such-flag") && !failure.message.contains('\n'));
        let failure = run(&args(&["compare", "/nonexistent/h.parquet", "/nonexistent/m.parquet"]))
            .expect_err("missing file");
        assert!(failure.message.contains("no such file"), "{}", failure.message);
        let help = run(&args(&["compare", "--help"])).expect("help is an outcome");
        assert!(help.text.contains("--rank-by"));
        let power = run(&args(&["power", "--discordant", "0.3", "--effect", "0.5", "--format", "json"]))
            .expect("power answers");
        assert!(power.notes.iter().any(|n| n.starts_with("--effect 0.5 exceeds")), "{:?}", power.notes);
        assert!(power.text.starts_with('{'));
    }

    #[test]
    fn a_cancelled_run_commits_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out.json");
        let result = collecting(|| {
            cancel_all();
            crate::atomic::write_bytes(&out, b"{}").map(|_| String::new()).map_err(|e| e.to_string())
        });
        assert!(result.expect_err("cancelled").message.contains("interrupted"));
        assert!(!out.exists());
        let later = collecting(|| {
            crate::atomic::write_bytes(&out, b"{}").map(|_| String::new()).map_err(|e| e.to_string())
        });
        assert!(later.is_ok() && out.exists(), "a run started after the cancel writes");
    }
}
