//! Benchmark: `amplify judge` request throughput against the loopback mock server, at
//! concurrency 1, 8 and 32, through the library's worker pool, client and cache (the same code
//! the command runs; no process start-up).
//!
//! Run: `cargo bench --bench judge` (requests per run: AMPLIFY_BENCH_REQUESTS, default 512;
//! server latency per reply in ms: AMPLIFY_BENCH_LATENCY_MS, default "0,20"; repetitions:
//! AMPLIFY_BENCH_REPS, default 3). Prints medians, requests per second, the speed-up over
//! concurrency 1 measured in the same run and, with latency, the share of the latency-bound ideal
//! (concurrency / latency). No timing is asserted anywhere.

use amplify::judge::cache::Cache;
use amplify::judge::client::{ChatClient, ClientSettings};
#[path = "../tests/support/mock.rs"]
mod mock;
use amplify::judge::plan::plan;
use amplify::judge::retry::RetryPolicy;
use amplify::judge::rubric::built_in;
use amplify::judge::runner::{run, PoolSettings, Progress};
use mock::{MockServer, Request, Respond};
use std::time::{Duration, Instant};

struct Quiet;

impl Progress for Quiet {
    fn finished(&self, _failed: bool) {}
    fn retried(&self) {}
}

fn env_list(name: &str, default: &str) -> Vec<u64> {
    std::env::var(name)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// Seconds to judge `requests` fresh items at `concurrency` (new cache each time).
fn once(server: &MockServer, requests: usize, concurrency: usize, salt: usize) -> f64 {
    let prompts: Vec<Option<String>> = (0..requests).map(|i| Some(format!("Question {salt}-{i}?"))).collect();
    let responses: Vec<Option<String>> = (0..requests).map(|i| Some(format!("Answer {i}."))).collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cache = Cache::open(&dir.path().join("cache.jsonl")).expect("cache");
    let rubrics = &built_in()[..1];
    let planned = plan(&prompts, &responses, rubrics, "mock", Some(&cache));
    let client = ChatClient::new(
        ClientSettings {
            endpoint: server.endpoint(),
            model: "mock".into(),
            timeout: Duration::from_secs(30),
            max_tokens: 1,
            seed: 42,
            connections: concurrency,
        },
        None,
    );
    let settings = PoolSettings {
        concurrency,
        rpm: None,
        retry: RetryPolicy { max_attempts: 3, base: Duration::from_millis(10), cap: Duration::from_secs(1) },
        seed: 42,
    };
    let start = Instant::now();
    let tally = run(&planned.tasks, &client, settings, &mut cache, &Quiet).expect("run");
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(tally.judged, requests, "every request answered");
    seconds
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let requests = env_list("AMPLIFY_BENCH_REQUESTS", "512")[0] as usize;
    let reps = env_list("AMPLIFY_BENCH_REPS", "3")[0].max(1) as usize;
    println!(
        "{:>11}  {:>11}  {:>9}  {:>10}  {:>11}  {:>9}",
        "latency ms", "concurrency", "median s", "requests/s", "vs conc. 1", "of ideal"
    );
    for latency in env_list("AMPLIFY_BENCH_LATENCY_MS", "0,20") {
        let script = Box::new(|_: &Request, _| Respond::Answer("1".into()));
        let server = MockServer::start(Duration::from_millis(latency), script).expect("mock server");
        let levels = [1usize, 8, 32];
        let mut times = vec![Vec::new(); levels.len()];
        for rep in 0..reps {
            for (k, &c) in levels.iter().enumerate() {
                times[k].push(once(&server, requests, c, rep * 100 + k));
            }
        }
        let medians: Vec<f64> = times.iter_mut().map(|t| median(t)).collect();
        for (k, &c) in levels.iter().enumerate() {
            let rate = requests as f64 / medians[k];
            let ideal = if latency > 0 {
                format!("{:>8.0}%", 100.0 * rate / (c as f64 * 1000.0 / latency as f64))
            } else {
                format!("{:>9}", "-")
            };
            println!(
                "{latency:>11}  {c:>11}  {:>9.3}  {rate:>10.0}  {:>10.1}x  {ideal}",
                medians[k],
                medians[0] / medians[k]
            );
        }
    }
}
