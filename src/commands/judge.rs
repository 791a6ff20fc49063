//! `amplify judge`: read items, plan requests against the cache, run the worker pool, write the
//! judgements atomically and summarise.

use crate::cli::JudgeArgs;
use crate::data::files::judge::{read_judge_input, write_judgements, JudgeColumns, JudgeInput};
use crate::error::AmplifyError;
use crate::judge::cache::Cache;
use crate::judge::client::{ApiKey, ChatClient, ClientSettings};
use crate::judge::error::JudgeError;
use crate::judge::plan::{judgement_columns, plan, verdict_columns, Outcomes, Plan};
use crate::judge::progress::Bar;
use crate::judge::retry::RetryPolicy;
use crate::judge::rubric::{self, Rubric};
use crate::judge::runner::{self, PoolSettings, RunTally};
use crate::plain_table::Table;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Runs `judge`.
pub(crate) fn run(args: &JudgeArgs) -> Result<()> {
    check_settings(args)?;
    let rubrics = load_rubrics(args)?;
    let input = read_judge_input(&args.input, &columns(args, !rubrics.is_empty()))?;
    if args.dry_run {
        return dry_run(args, &rubrics, &input);
    }
    let output = args.output.as_deref().ok_or_else(|| setting("--output FILE is required"))?;
    if crate::data::input::FileFormat::of(output).ok() != Some(crate::data::input::FileFormat::Parquet) {
        return Err(setting(format!(
            "-o {}: judge writes Parquet; name the output .parquet",
            output.display()
        ))
        .into());
    }
    let reads = [args.input.clone(), cache_path(args, output)];
    crate::atomic::check_target(output, &reads)?;
    let mut outcomes = Outcomes::default();
    let mut table = Table { name: "judgements".into(), columns: vec![(args.id.clone(), input.ids.clone())] };
    let mut notes = Vec::new();
    if !rubrics.is_empty() {
        let cache_path = cache_path(args, output);
        let mut cache = Cache::open(&cache_path).map_err(AmplifyError::from)?;
        if cache.torn_bytes > 0 {
            note!("amplify: cut a torn last line ({} bytes) from {}", cache.torn_bytes, cache_path.display());
        }
        let model = args.judge_model.as_deref().unwrap_or_default();
        let planned = plan(&input.prompts, &input.responses, &rubrics, model, Some(&cache));
        let tally = match request(args, &planned, &mut cache) {
            Ok(tally) => tally,
            Err(error) => {
                forget_empty_cache(cache);
                return Err(error.into());
            }
        };
        table.columns.extend(judgement_columns(&rubrics, &planned, &cache, &tally.failed, &mut outcomes));
        notes.push(request_note(&planned, &tally, &cache_path));
    }
    if args.verdict_from.is_some() {
        table.columns.extend(verdict_columns(&input.verdict_texts, &mut outcomes));
    }
    check_unique_columns(&table)?;
    write_judgements(&table, output, &provenance(args, &rubrics, &input))?;
    notes.push(format!("wrote {}", output.display()));
    note!(
        "amplify: {} judgement(s): {} valid, {} invalid replies, {} failed, {} without text; {}",
        outcomes.valid + outcomes.invalid + outcomes.failed + outcomes.missing,
        outcomes.valid,
        outcomes.invalid,
        outcomes.failed,
        outcomes.missing,
        notes.join("; "),
    );
    if outcomes.failed > 0 {
        note!(
            "warning: {} judgement(s) failed (reasons in the *_error columns); re-run the same command to retry only those",
            outcomes.failed
        );
    }
    Ok(())
}

/// Removes a cache file that holds nothing (a first run that failed before any judgement).
fn forget_empty_cache(cache: Cache) {
    if cache.is_empty() {
        let path = cache.path().to_path_buf();
        drop(cache);
        let _ = std::fs::remove_file(path);
    }
}

fn setting(message: impl Into<String>) -> AmplifyError {
    AmplifyError::from(JudgeError::Setting(message.into()))
}

/// Checks option combinations and ranges before any work.
fn check_settings(args: &JudgeArgs) -> Result<(), AmplifyError> {
    if args.metrics.is_empty() && args.verdict_from.is_none() {
        return Err(setting(
            "nothing to judge: pass --metrics (with --prompt-column, --response-column and --judge-model) \
             or --verdict-from COL",
        ));
    }
    if !args.metrics.is_empty() {
        for (value, flag) in [
            (&args.prompt_column, "--prompt-column COL"),
            (&args.response_column, "--response-column COL"),
            (&args.judge_model, "--judge-model NAME"),
        ] {
            if value.is_none() {
                return Err(setting(format!("--metrics needs {flag}")));
            }
        }
        if !(args.endpoint.starts_with("http://") || args.endpoint.starts_with("https://")) {
            return Err(setting(format!(
                "--endpoint '{}' is not an http:// or https:// URL (e.g. http://localhost:8000/v1)",
                args.endpoint
            )));
        }
    }
    let positive = |v: f64| v.is_finite() && v > 0.0;
    let checks = [
        (args.concurrency >= 1 && args.concurrency <= 1024, "--concurrency must be between 1 and 1024"),
        (args.rpm.is_none_or(positive), "--rpm must be a positive number"),
        (positive(args.timeout), "--timeout must be a positive number of seconds"),
        (args.max_attempts >= 1, "--max-attempts must be at least 1"),
        (args.backoff.is_finite() && args.backoff >= 0.0, "--backoff must be a number of seconds >= 0"),
        (args.max_backoff.is_finite() && args.max_backoff >= 0.0, "--max-backoff must be >= 0"),
        (args.max_tokens >= 1, "--max-tokens must be at least 1"),
    ];
    match checks.iter().find(|(ok, _)| !ok) {
        Some((_, message)) => Err(setting(*message)),
        None => Ok(()),
    }
}

fn load_rubrics(args: &JudgeArgs) -> Result<Vec<Rubric>, AmplifyError> {
    let extra = match &args.rubric {
        Some(path) => rubric::load(path)?,
        None => Vec::new(),
    };
    Ok(rubric::select(&args.metrics, extra)?)
}

fn columns(args: &JudgeArgs, llm: bool) -> JudgeColumns {
    JudgeColumns {
        id: args.id.clone(),
        prompt: args.prompt_column.clone().filter(|_| llm),
        response: args.response_column.clone().filter(|_| llm),
        verdict_from: args.verdict_from.clone(),
    }
}

/// The cache file: `--cache`, else `OUTPUT.judge-cache.jsonl`.
fn cache_path(args: &JudgeArgs, output: &Path) -> PathBuf {
    args.cache.clone().unwrap_or_else(|| {
        let mut name = output.as_os_str().to_owned();
        name.push(".judge-cache.jsonl");
        PathBuf::from(name)
    })
}

/// Makes the planned requests (nothing when everything is cached).
fn request(args: &JudgeArgs, planned: &Plan, cache: &mut Cache) -> Result<RunTally, AmplifyError> {
    if planned.tasks.is_empty() {
        return Ok(RunTally::default());
    }
    let key = ApiKey::from_env();
    if key.is_none() && args.endpoint.contains("api.openai.com") {
        return Err(setting(
            "no API key: set AMPLIFY_API_KEY (or OPENAI_API_KEY) in the environment, or pass --endpoint for a local server",
        ));
    }
    let client = ChatClient::new(
        ClientSettings {
            endpoint: args.endpoint.clone(),
            model: args.judge_model.clone().unwrap_or_default(),
            timeout: Duration::from_secs_f64(args.timeout),
            max_tokens: args.max_tokens,
            seed: args.seed,
            connections: args.concurrency,
        },
        key,
    );
    let pool = PoolSettings {
        concurrency: args.concurrency,
        rpm: args.rpm,
        retry: RetryPolicy {
            max_attempts: args.max_attempts,
            base: Duration::from_secs_f64(args.backoff),
            cap: Duration::from_secs_f64(args.max_backoff),
        },
        seed: args.seed,
    };
    let bar = Bar::new(planned.tasks.len());
    let outcome = runner::run(&planned.tasks, &client, pool, cache, &bar);
    bar.finish();
    Ok(outcome?)
}

fn request_note(planned: &Plan, tally: &RunTally, cache: &Path) -> String {
    let mut note = format!(
        "{} request(s) answered, {} failed, {} retries; {} from the cache {}, {} shared with identical items",
        tally.judged,
        tally.failed.len(),
        tally.retries,
        planned.cached,
        cache.display(),
        planned.duplicates
    );
    if tally.prompt_tokens + tally.completion_tokens > 0 {
        note.push_str(&format!(
            "; tokens used: {} prompt + {} completion",
            tally.prompt_tokens, tally.completion_tokens
        ));
    }
    note
}

fn check_unique_columns(table: &Table) -> Result<(), AmplifyError> {
    for (i, (name, _)) in table.columns.iter().enumerate() {
        if table.columns[..i].iter().any(|(other, _)| other == name) {
            return Err(setting(format!(
                "two output columns would be named '{name}'; rename the behaviour in the rubric file or pass another --id"
            )));
        }
    }
    Ok(())
}

/// Settings that determine the output, with the input's record; stored in the Parquet metadata.
fn provenance(args: &JudgeArgs, rubrics: &[Rubric], input: &JudgeInput) -> String {
    let behaviours: Vec<_> =
        rubrics.iter().map(|r| serde_json::json!({"name": r.name, "version": r.version})).collect();
    serde_json::json!({
        "tool": "amplify",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "judge",
        "input": {
            "path": input.info.path.display().to_string(),
            "rows": input.info.rows,
            "sha256": input.info.sha256,
        },
        "settings": {
            "endpoint": crate::judge::redact::endpoint_for_records(&args.endpoint),
            "judge_model": args.judge_model,
            "behaviours": behaviours,
            "prompt_column": args.prompt_column,
            "response_column": args.response_column,
            "verdict_from": args.verdict_from,
            "temperature": 0,
            "max_tokens": args.max_tokens,
            "seed": args.seed,
            "max_attempts": args.max_attempts,
        },
    })
    .to_string()
}

/// Prints one rendered prompt per behaviour and the number of requests a run would make.
fn dry_run(args: &JudgeArgs, rubrics: &[Rubric], input: &JudgeInput) -> Result<()> {
    let model = args.judge_model.as_deref().unwrap_or_default();
    let cache = match args.output.as_deref().map(|o| cache_path(args, o)).or_else(|| args.cache.clone()) {
        Some(path) if path.is_file() => Some(Cache::open(&path).map_err(AmplifyError::from)?),
        _ => None,
    };
    let planned = plan(&input.prompts, &input.responses, rubrics, model, cache.as_ref());
    let items = input.ids.len();
    let mut text = format!(
        "{items} item(s) × {} behaviour(s): {} request(s) to make to {} ({} already in the cache, {} shared with identical items, {} without prompt or response)",
        rubrics.len(),
        planned.tasks.len(),
        crate::judge::redact::endpoint_for_records(&crate::judge::client::completions_url(&args.endpoint)),
        planned.cached,
        planned.duplicates,
        planned.missing
    );
    let first = input.prompts.iter().zip(&input.responses).position(|(p, r)| p.is_some() && r.is_some());
    for rubric in rubrics {
        let Some(i) = first else { break };
        let messages = rubric.render(
            input.prompts[i].as_deref().unwrap_or_default(),
            input.responses[i].as_deref().unwrap_or_default(),
        );
        text.push_str(&format!("\n\n--- {} ({}), item {} ---\n", rubric.name, rubric.version, i + 1));
        text.push_str(&format!("[system]\n{}\n[user]\n{}", messages.system, messages.user));
    }
    if args.verdict_from.is_some() {
        text.push_str(&format!("\n\n--verdict-from: {items} answer(s) read without requests"));
    }
    text.push('\n');
    Ok(crate::atomic::write_stdout(crate::escape::lines(&text).as_bytes())?)
}
