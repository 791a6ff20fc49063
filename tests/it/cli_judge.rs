//! `amplify judge` against the scripted OpenAI-compatible mock server (loopback only): the full
//! pipeline, injected faults, concurrency and rate limits, kill -9 and resume, key hygiene and bad
//! input. Every wait is bounded.

use crate::common::{amplify, assert_user_error, write};
use crate::mock::{MockServer, Request, Respond};
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SECRET: &str = "sk-amplify-test-SECRET-7d1e";

fn sample_responses() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/model_c_responses.parquet")
}

/// The reply part of a rendered user message.
fn reply_of(request: &Request) -> &str {
    request.user.split("\nReply:\n").nth(1).unwrap_or_default()
}

/// Cue sentences of the sample responses, per behaviour, written out independently here.
fn cue(behaviour: &str) -> &'static str {
    match behaviour {
        "emotional validation" => "makes complete sense that you feel",
        "indirect language" => "might perhaps consider",
        "indirect action" => "Take some time for yourself",
        "accept framing" => "you handled a hard situation reasonably",
        other => panic!("unexpected behaviour {other}"),
    }
}

/// A judge that answers by the cue of the behaviour named in the message.
fn cue_judge(request: &Request, _attempt: u32) -> Respond {
    assert_eq!(request.authorization.as_deref(), Some(format!("Bearer {SECRET}").as_str()));
    let behaviour =
        request.user.lines().next().unwrap().trim_start_matches("Behaviour: ").trim_end_matches('.');
    Respond::Answer(if reply_of(request).contains(cue(behaviour)) { "1" } else { "0" }.into())
}

fn judge_cmd(server: &MockServer, input: &Path, output: &Path, metrics: &str) -> assert_cmd::Command {
    let mut cmd = amplify();
    cmd.env("AMPLIFY_API_KEY", SECRET)
        .arg("judge")
        .arg(input)
        .args(["--prompt-column", "prompt", "--response-column", "response", "--metrics", metrics])
        .args(["--judge-model", "mock-judge", "--endpoint", &server.endpoint(), "-o"])
        .arg(output);
    cmd
}

fn read(path: &Path) -> DataFrame {
    let file = std::fs::File::open(path).unwrap();
    ParquetReader::new(file).finish().unwrap()
}

fn strings(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    df.column(name).unwrap().str().unwrap().iter().map(|v| v.map(str::to_string)).collect()
}

fn ints(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    df.column(name).unwrap().cast(&DataType::Int64).unwrap().i64().unwrap().iter().collect()
}

fn assert_no_secret(paths: &[&Path], texts: &[&[u8]]) {
    let needle = SECRET.as_bytes();
    for path in paths {
        let bytes = std::fs::read(path).unwrap();
        assert!(!bytes.windows(needle.len()).any(|w| w == needle), "key found in {}", path.display());
    }
    for text in texts {
        assert!(!text.windows(needle.len()).any(|w| w == needle), "key found in process output");
    }
}

#[test]
fn the_sample_pipeline_judges_every_item_once_and_feeds_compare() {
    let server = MockServer::start(Duration::ZERO, Box::new(cue_judge)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("judged.parquet");
    let metrics = "emotional_validation,indirect_language,indirect_action,accept_framing";
    let dry = judge_cmd(&server, &sample_responses(), &output, metrics).arg("--dry-run").output().unwrap();
    assert!(dry.status.success());
    let dry_text = String::from_utf8_lossy(&dry.stdout);
    let planned: usize =
        dry_text.split(" request(s) to make").next().unwrap().rsplit(' ').next().unwrap().parse().unwrap();
    assert!(dry_text.contains("--- accept_framing (accept_framing/amplify-1), item 1 ---"));
    assert!(server.requests().is_empty() && !output.exists(), "a dry run sends nothing and writes nothing");

    let run = judge_cmd(&server, &sample_responses(), &output, metrics)
        .args(["--verdict-from", "response", "--concurrency", "8"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(server.requests().len(), planned, "one request per distinct (behaviour, prompt, response)");

    let df = read(&output);
    let responses = strings(&read(&sample_responses()), "response");
    assert_eq!(df.height(), 3000);
    for (metric, behaviour) in metrics.split(',').zip([
        "emotional validation",
        "indirect language",
        "indirect action",
        "accept framing",
    ]) {
        let values = ints(&df, metric);
        let errors = strings(&df, &format!("{metric}_error"));
        for (i, response) in responses.iter().enumerate() {
            match response {
                Some(text) => {
                    assert_eq!(values[i], Some(text.contains(cue(behaviour)) as i64), "{metric} row {i}")
                }
                None => {
                    assert_eq!((values[i], errors[i].as_deref()), (None, Some("missing prompt or response")))
                }
            }
        }
    }
    let verdicts = strings(&df, "verdict");
    for (v, r) in verdicts.iter().zip(&responses) {
        assert_eq!(v.as_deref(), r.as_deref().map(|t| &t[..3]));
    }

    // Same command again: everything from the cache, no request, byte-identical output.
    let before = std::fs::read(&output).unwrap();
    let again = judge_cmd(&server, &sample_responses(), &output, metrics)
        .args(["--verdict-from", "response"])
        .output()
        .unwrap();
    assert!(again.status.success());
    assert_eq!(server.requests().len(), planned, "the rerun made requests");
    assert!(std::fs::read(&output).unwrap() == before, "the rerun changed the output");
    let cache = dir.path().join("judged.parquet.judge-cache.jsonl");
    assert_eq!(std::fs::read_to_string(&cache).unwrap().lines().count(), planned);
    assert_no_secret(&[&output, &cache], &[&run.stdout, &run.stderr, &dry.stdout, &dry.stderr]);

    // The judged file is a compare input as it is.
    let human = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/human.parquet");
    let findings =
        crate::common::findings(&[human.to_str().unwrap(), &format!("model_c={}", output.display())]);
    let comparisons = findings["comparisons"].as_array().unwrap();
    assert_eq!(comparisons.len(), 4, "{comparisons:?}");
    assert!(comparisons.iter().all(|c| c["model"] == "model_c" && c["n"].as_u64().unwrap() > 2900));

    // The README's pipeline: verdicts against the crowd's truth, then the report folder.
    let model_c = format!("model_c={}", output.display());
    let human = human.to_str().unwrap();
    let truth = ["--truth", "crowd_verdict", "--verdict", "verdict"];
    let findings = crate::common::findings(&[&[human, &model_c][..], &truth].concat());
    let rows = findings["truth"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["source"] == "model_c" && r["metric"] == "verdict"), "{rows:?}");
    let report = dir.path().join("report");
    amplify().arg("report").args([human, &model_c]).args(truth).arg("--out").arg(&report).assert().success();
    assert!(report.join("index.html").is_file());
}

/// A one-behaviour input of `n` items whose prompts name the item ("item 7").
fn items(dir: &Path, n: usize) -> PathBuf {
    let mut csv = String::from("id,prompt,response\n");
    for i in 1..=n {
        csv.push_str(&format!("{i},Question about item {i}?,Answer {i}\n"));
    }
    write(dir, "items.csv", &csv)
}

fn item_of(request: &Request) -> usize {
    let tail = request.user.split("item ").nth(1).unwrap();
    tail.split('?').next().unwrap().parse().unwrap()
}

fn faulty(request: &Request, attempt: u32) -> Respond {
    let ok = Respond::Answer(if item_of(request).is_multiple_of(2) { "1" } else { "0" }.into());
    match (item_of(request), attempt) {
        (2, 1) => Respond::Status(429, Some("1".into())),
        (3, 1 | 2) => Respond::Status(500, None),
        (4, 1) => Respond::Status(503, None),
        (5, 1) => Respond::Slow(Duration::from_millis(2500), "0".into()),
        (6, 1) => Respond::Malformed,
        (7, 1) => Respond::Drop,
        (8, _) => Respond::Answer("maybe".into()),
        (9, _) => Respond::Status(503, None),
        (10, _) => Respond::Status(400, None),
        _ => ok,
    }
}

fn per_item(requests: &[Request]) -> Vec<usize> {
    let mut counts = vec![0; 13];
    for r in requests {
        counts[item_of(r)] += 1;
    }
    counts
}

#[test]
fn faults_are_retried_honouring_retry_after_and_failures_are_recorded_not_lost() {
    let server = MockServer::start(Duration::ZERO, Box::new(faulty)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (items(dir.path(), 12), dir.path().join("out.parquet"));
    let run = || {
        judge_cmd(&server, &input, &output, "emotional_validation")
            .args(["--max-attempts", "4", "--backoff", "0.05", "--timeout", "1", "--concurrency", "4"])
            .output()
            .unwrap()
    };
    let first = run();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stderr}");
    assert!(stderr.contains("warning: 2 judgement(s) failed"), "{stderr}");
    let requests = server.requests();
    assert_eq!(per_item(&requests), vec![0, 1, 2, 3, 2, 2, 2, 2, 1, 4, 1, 1, 1]);
    let item2: Vec<Instant> = requests.iter().filter(|r| item_of(r) == 2).map(|r| r.at).collect();
    assert!(
        item2[1] - item2[0] >= Duration::from_millis(950),
        "Retry-After ignored: {:?}",
        item2[1] - item2[0]
    );

    let df = read(&output);
    let values = ints(&df, "emotional_validation");
    let errors = strings(&df, "emotional_validation_error");
    let raw = strings(&df, "emotional_validation_raw");
    for item in 1..=12usize {
        let i = item - 1;
        match item {
            8 => assert_eq!((values[i], raw[i].as_deref()), (None, Some("maybe"))),
            9 => assert!(
                values[i].is_none()
                    && errors[i].as_deref().unwrap().contains("failed after 4 attempt(s): HTTP 503")
            ),
            10 => assert!(values[i].is_none() && errors[i].as_deref().unwrap().contains("HTTP 400")),
            _ => assert_eq!(
                (values[i], errors[i].as_deref()),
                (Some((item % 2 == 0) as i64), None),
                "item {item}"
            ),
        }
    }
    assert!(errors[7].as_deref().unwrap().starts_with("invalid reply"));

    // Re-running retries only the two failed items; the invalid reply is a finished judgement.
    let second = run();
    assert!(second.status.success());
    assert_eq!(per_item(&server.requests()[requests.len()..]), vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0]);
}

#[test]
fn concurrency_and_rate_limits_hold() {
    let server = MockServer::start(
        Duration::from_millis(15),
        Box::new(|r: &Request, _| {
            Respond::Answer(if item_of(r).is_multiple_of(3) { "1" } else { "0" }.into())
        }),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = items(dir.path(), 80);
    for limit in [1usize, 4] {
        let output = dir.path().join(format!("c{limit}.parquet"));
        let server = MockServer::start(
            Duration::from_millis(15),
            Box::new(|r: &Request, _| {
                Respond::Answer(if item_of(r).is_multiple_of(3) { "1" } else { "0" }.into())
            }),
        )
        .unwrap();
        judge_cmd(&server, &input, &output, "indirect_language")
            .args(["--concurrency", &limit.to_string()])
            .assert()
            .success();
        assert_eq!(server.requests().len(), 80);
        let max = server.max_in_flight();
        assert!(max <= limit && (limit == 1 || max >= 2), "limit {limit}, max in flight {max}");
    }
    let output = dir.path().join("rpm.parquet");
    let rpm_dir = dir.path().join("rpm");
    std::fs::create_dir(&rpm_dir).unwrap();
    let small = items(&rpm_dir, 6);
    judge_cmd(&server, &small, &output, "indirect_language")
        .args(["--rpm", "600", "--concurrency", "6"])
        .assert()
        .success();
    let mut starts: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    starts.sort();
    // The limiter schedules the k-th start k × 100 ms after the first and a thread never starts
    // early, only late (it may wake late under load). So two neighbours can arrive less than
    // 100 ms apart (one late, the next on time: seen at 83 ms in CI), but the k-th can never
    // arrive earlier than k × 100 ms after the first, less the first one's own lateness (25 ms
    // allowed, once, not per request).
    for (k, start) in starts.iter().enumerate().skip(1) {
        let earliest = Duration::from_millis(100 * k as u64 - 25);
        assert!(
            *start - starts[0] >= earliest,
            "request {k} arrived {:?} after the first at --rpm 600 (at least {earliest:?})",
            *start - starts[0]
        );
    }
}

#[test]
fn a_killed_run_resumes_to_the_same_output_without_repeating_finished_requests() {
    let script = |r: &Request, _| Respond::Answer(if item_of(r) % 5 < 2 { "1" } else { "0" }.into());
    let dir = tempfile::tempdir().unwrap();
    let input = items(dir.path(), 400);
    let reference = dir.path().join("reference.parquet");
    let server = MockServer::start(Duration::from_millis(5), Box::new(script)).unwrap();
    judge_cmd(&server, &input, &reference, "accept_framing").assert().success();
    let reference_requests = server.requests().len();
    assert_eq!(reference_requests, 400);

    let output = dir.path().join("resumed.parquet");
    let cache = dir.path().join("resumed.parquet.judge-cache.jsonl");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("amplify"))
        .env("AMPLIFY_API_KEY", SECRET)
        .arg("judge")
        .arg(&input)
        .args(["--prompt-column", "prompt", "--response-column", "response", "--metrics", "accept_framing"])
        .args(["--judge-model", "mock-judge", "--endpoint", &server.endpoint(), "--concurrency", "4", "-o"])
        .arg(&output)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lines = |p: &Path| std::fs::read_to_string(p).map(|t| t.lines().count()).unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(30);
    while lines(&cache) < 100 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let cached = lines(&cache);
    let first_requests = server.requests().len() - reference_requests;
    assert!((100..400).contains(&cached), "killed too late or too early: {cached} cached");
    assert!(!output.exists(), "no output before the end");
    // At most one request in flight per worker (4) plus the judgement being appended when killed.
    assert!(first_requests - cached <= 4 + 1, "{first_requests} requests for {cached} judgements");

    judge_cmd(&server, &input, &output, "accept_framing").assert().success();
    let second_requests = server.requests().len() - reference_requests - first_requests;
    assert_eq!(second_requests, 400 - cached, "finished requests were repeated");
    assert_eq!(lines(&cache), 400);
    let same = std::fs::read(&output).unwrap() == std::fs::read(&reference).unwrap();
    assert!(same, "the resumed output differs from the uninterrupted run's");
}

#[test]
fn a_rejected_key_stops_at_once_and_names_the_variable() {
    let server =
        MockServer::start(Duration::ZERO, Box::new(|_: &Request, _| Respond::Status(401, None))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (items(dir.path(), 50), dir.path().join("out.parquet"));
    let mut cmd = judge_cmd(&server, &input, &output, "emotional_validation");
    cmd.args(["--concurrency", "2"]);
    assert_user_error(
        &mut cmd,
        &["rejected the API key (HTTP 401)", "AMPLIFY_API_KEY", "/v1/chat/completions"],
    );
    assert!(server.requests().len() <= 2, "{} requests after a 401", server.requests().len());
    assert!(!output.exists());
    let out = cmd.output().unwrap();
    assert_no_secret(&[], &[&out.stdout, &out.stderr]);
}

#[test]
fn an_unreachable_endpoint_names_the_url_and_loses_nothing() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (items(dir.path(), 5), dir.path().join("out.parquet"));
    let url = format!("http://127.0.0.1:{port}/v1");
    let mut cmd = amplify();
    cmd.arg("judge").arg(&input).args(["--prompt-column", "prompt", "--response-column", "response"]);
    cmd.args([
        "--metrics",
        "accept_framing",
        "--judge-model",
        "m",
        "--endpoint",
        &url,
        "--backoff",
        "0.01",
        "-o",
    ]);
    cmd.arg(&output);
    assert_user_error(&mut cmd, &[&format!("cannot reach {url}/chat/completions"), "Nothing was lost"]);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("items.csv")], "files left behind");
}

#[test]
fn bad_judge_input_gets_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = items(dir.path(), 3);
    let out = dir.path().join("o.parquet");
    let base = |extra: &[&str]| {
        let mut cmd = amplify();
        cmd.arg("judge")
            .arg(&input)
            .args(["--judge-model", "m", "--endpoint", "http://127.0.0.1:9/v1", "-o"])
            .arg(&out);
        cmd.args(extra);
        cmd
    };
    assert_user_error(
        &mut base(&[
            "--prompt-column",
            "question",
            "--response-column",
            "response",
            "--metrics",
            "accept_framing",
        ]),
        &["no column 'question'", "--prompt-column", "id, prompt, response"],
    );
    assert_user_error(
        &mut base(&["--prompt-column", "prompt", "--response-column", "response", "--metrics", "flattery"]),
        &["unknown behaviour 'flattery'", "emotional_validation, indirect_language"],
    );
    let rubric =
        write(dir.path(), "r.toml", "[behaviours.x]\nversion = \"1\"\nuser = \"{response}\"\nsystem = [\n");
    let mut with_rubric =
        base(&["--prompt-column", "prompt", "--response-column", "response", "--metrics", "x"]);
    with_rubric.arg("--rubric").arg(&rubric);
    assert_user_error(&mut with_rubric, &["r.toml", "line 4"]);
    assert_user_error(&mut base(&["--metrics", "accept_framing"]), &["--metrics needs --prompt-column"]);
    assert_user_error(&mut base(&[]), &["nothing to judge"]);
    let empty = write(dir.path(), "empty.csv", "id,prompt,response\n");
    let mut cmd = amplify();
    cmd.arg("judge").arg(&empty).args(["--verdict-from", "response", "-o"]).arg(&out);
    assert_user_error(&mut cmd, &["empty.csv", "no rows"]);
    assert!(!out.exists());
}

#[test]
fn verdicts_are_read_from_free_text_without_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,answer\n1,NTA. You were fine.\n2,\"YTA, sorry\"\n3,Hard to say.\n4,NTA for x but YTA for y\n5,INFO: age?\n6,\n";
    let input = write(dir.path(), "answers.csv", csv);
    let output = dir.path().join("v.parquet");
    amplify()
        .arg("judge")
        .arg(&input)
        .args(["--verdict-from", "answer", "-o"])
        .arg(&output)
        .assert()
        .success();
    let df = read(&output);
    assert_eq!(ints(&df, "id"), (1..=6).map(Some).collect::<Vec<_>>());
    let expected = [Some("NTA"), Some("YTA"), None, None, Some("INFO"), None];
    assert_eq!(strings(&df, "verdict"), expected.map(|v| v.map(str::to_string)).to_vec());
    let errors = strings(&df, "verdict_error");
    assert!(errors[2].as_deref().unwrap().contains("no verdict token"));
    assert_eq!(errors[3].as_deref(), Some("contradictory verdicts: NTA, YTA"));
    assert_eq!(errors[5].as_deref(), Some("missing text"));
}

#[test]
fn a_key_echoed_in_another_form_is_not_stored() {
    let upper = SECRET.to_uppercase();
    let reversed: String = SECRET.chars().rev().collect();
    let percent: String = SECRET.bytes().map(|b| format!("%{b:02X}")).collect();
    let reply = format!("1 you sent {upper} / {reversed} / {percent}");
    let server =
        MockServer::start(Duration::ZERO, Box::new(move |_: &Request, _| Respond::Answer(reply.clone())))
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = items(dir.path(), 3);
    let output = dir.path().join("out.parquet");
    let out = judge_cmd(&server, &input, &output, "emotional_validation").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cache = dir.path().join("out.parquet.judge-cache.jsonl");
    let mut stored = std::fs::read(&output).unwrap();
    stored.extend(std::fs::read(&cache).expect("the cache"));
    for form in [upper.as_str(), reversed.as_str(), percent.as_str(), SECRET] {
        assert!(!stored.windows(form.len()).any(|w| w == form.as_bytes()), "{form} was stored");
    }
    assert!(stored.windows(9).any(|w| w == b"[redacted"), "the replies were stored, redacted");
}
