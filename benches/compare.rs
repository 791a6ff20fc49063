//! Benchmark harness for `amplify compare` (run it through `bench/run.sh`, which also installs the
//! Python reference's packages): generates tidy inputs (a baseline with a group column and 3
//! models × 5 metrics, seeded, Parquet, under target/bench-data), then measures three contenders
//! as separate processes, alternating repetitions (in rotated order), and prints medians of wall
//! time and of peak RSS (from `wait4`) with their ratios:
//!
//! 1. `amplify compare` end to end (`--group group`, JSON output);
//! 2. the floor: a bare polars lazy scan of the same columns with a trivial aggregate (this
//!    binary re-run in floor mode);
//! 3. the reference: `bench/reference.py`, the same statistics the straightforward pandas + scipy
//!    + statsmodels way (skipped unless AMPLIFY_BENCH_PYTHON names a Python with those packages).
//!
//! Sizes: AMPLIFY_BENCH_ITEMS (default "1000000,10000000"); repetitions: AMPLIFY_BENCH_REPS
//! (default 3). No timing is asserted anywhere.

use amplify::rng::SplitMix64;
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const METRICS: [&str; 5] =
    ["emotional_validation", "indirect_language", "indirect_action", "accept_framing", "moral_endorsement"];
const MODELS: [&str; 3] = ["model_1", "model_2", "model_3"];
const FLOOR_ENV: &str = "AMPLIFY_BENCH_FLOOR";

fn main() {
    if std::env::var_os(FLOOR_ENV).is_some() {
        let files: Vec<PathBuf> =
            std::env::args().skip(1).filter(|a| !a.starts_with("--")).map(PathBuf::from).collect();
        bare_scan(&files);
        return;
    }
    let sizes: Vec<usize> = std::env::var("AMPLIFY_BENCH_ITEMS")
        .unwrap_or_else(|_| "1000000,10000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let reps: usize =
        std::env::var("AMPLIFY_BENCH_REPS").ok().and_then(|s| s.parse().ok()).unwrap_or(3).max(1);
    let python = std::env::var("AMPLIFY_BENCH_PYTHON").ok();
    if python.is_none() {
        println!("(reference skipped: run bench/run.sh, or set AMPLIFY_BENCH_PYTHON to a Python with bench/requirements.txt)");
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    println!(
        "{:>11}  {:<9}  {:>9}  {:>13}  {:>14}  {:>17}",
        "items", "contender", "median s", "peak RSS GiB", "amplify/floor", "reference/amplify"
    );
    for items in sizes {
        let files = generate(&root.join(format!("tidy-{items}")), items, 42);
        let contenders = contenders(&files, python.as_deref());
        let mut runs: Vec<Vec<Measured>> = vec![Vec::new(); contenders.len()];
        // Alternating repetitions, the order rotated each time so that no contender always runs
        // right after another (the reference frees several GiB just before the next process).
        for rep in 0..reps {
            for i in 0..contenders.len() {
                let k = (i + rep) % contenders.len();
                runs[k].push(measure(&contenders[k].1));
            }
        }
        let medians: Vec<Measured> = runs.iter_mut().map(|r| median(r)).collect();
        report(items, &contenders, &medians);
    }
}

/// The contenders' command lines: (name, program and arguments).
fn contenders(files: &[PathBuf], python: Option<&str>) -> Vec<(&'static str, Vec<String>)> {
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let out = std::env::temp_dir().join("amplify-bench-findings.json").display().to_string();
    let mut amplify = vec![env!("CARGO_BIN_EXE_amplify").to_string(), "compare".into()];
    amplify.extend(paths.iter().cloned());
    amplify.extend(["--group", "group", "--format", "json", "-o", &out].map(String::from));
    let mut floor = vec![std::env::current_exe().expect("own path").display().to_string()];
    floor.extend(paths.iter().cloned());
    let mut list = vec![("amplify", amplify), ("floor", floor)];
    if let Some(python) = python {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/reference.py");
        let mut reference = vec![python.to_string(), script.display().to_string()];
        reference.extend(paths);
        list.push(("reference", reference));
    }
    list
}

/// Wall time and peak resident set size of one process run.
#[derive(Debug, Clone, Copy)]
struct Measured {
    wall: Duration,
    peak_rss_kib: u64,
}

/// Runs a command to completion and reads its peak RSS from `wait4`'s resource usage.
fn measure(command: &[String]) -> Measured {
    let start = Instant::now();
    // Reaped by wait4 below (std's wait would not report the resource usage).
    #[allow(clippy::zombie_processes)]
    let child = Command::new(&command[0])
        .args(&command[1..])
        .env(FLOOR_ENV, "1")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for our own child's pid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: waits for the child spawned above, which has not been waited for yet.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert!(
        waited == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{} failed",
        command[0]
    );
    Measured { wall, peak_rss_kib: usage.ru_maxrss as u64 }
}

fn median(runs: &mut [Measured]) -> Measured {
    runs.sort_by_key(|m| m.wall);
    let wall = runs[runs.len() / 2].wall;
    let mut rss: Vec<u64> = runs.iter().map(|m| m.peak_rss_kib).collect();
    rss.sort();
    Measured { wall, peak_rss_kib: rss[rss.len() / 2] }
}

fn report(items: usize, contenders: &[(&str, Vec<String>)], medians: &[Measured]) {
    let secs = |k: usize| medians[k].wall.as_secs_f64();
    for (k, (name, _)) in contenders.iter().enumerate() {
        let ratio_floor =
            if *name == "amplify" { format!("{:.2}", secs(0) / secs(1)) } else { String::new() };
        let ratio_ref =
            if *name == "reference" { format!("{:.1}", secs(k) / secs(0)) } else { String::new() };
        println!(
            "{items:>11}  {name:<9}  {:>9.3}  {:>13.2}  {ratio_floor:>14}  {ratio_ref:>17}",
            secs(k),
            medians[k].peak_rss_kib as f64 / (1024.0 * 1024.0)
        );
    }
}

/// The floor: read the id, group and metric columns of every file and aggregate each (no join,
/// no statistics).
fn bare_scan(files: &[PathBuf]) {
    for path in files {
        let mut lf =
            LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), Default::default())
                .expect("scan");
        let schema = lf.collect_schema().expect("schema");
        let exprs: Vec<Expr> = schema
            .iter_names()
            .map(|n| if n.as_str() == "group" { col(n.as_str()).n_unique() } else { col(n.as_str()).sum() })
            .collect();
        std::hint::black_box(lf.select(exprs).collect().expect("collect"));
    }
}

/// Writes the baseline (id, group, 5 metrics) and 3 models (id, 5 metrics), seeded; reuses
/// existing files.
fn generate(dir: &Path, items: usize, seed: u64) -> Vec<PathBuf> {
    let names = std::iter::once("human").chain(MODELS);
    let paths: Vec<PathBuf> = names.map(|n| dir.join(format!("{n}.parquet"))).collect();
    if paths.iter().all(|p| p.exists()) {
        return paths;
    }
    std::fs::create_dir_all(dir).expect("create bench dir");
    let mut rng = SplitMix64::new(seed);
    let groups: Vec<usize> = (0..items).map(|_| rng.below(4)).collect();
    for (k, path) in paths.iter().enumerate() {
        let mut columns = vec![Column::new("id".into(), (1..=items as i64).collect::<Vec<_>>())];
        if k == 0 {
            let levels: Vec<&str> =
                groups.iter().map(|&g| ["female", "male", "other", "unknown"][g]).collect();
            columns.push(Column::new("group".into(), levels));
        }
        for (m, name) in METRICS.iter().enumerate() {
            let base = [0.3, 0.8, 0.6, 0.7][k] - 0.05 * m as f64;
            let v: Vec<Option<i32>> = groups
                .iter()
                .map(|&g| {
                    let rate = base + if k > 0 { 0.04 * g as f64 } else { 0.01 * g as f64 };
                    if rng.bernoulli(0.005) {
                        None
                    } else {
                        Some(rng.bernoulli(rate) as i32)
                    }
                })
                .collect();
            columns.push(Column::new((*name).into(), v));
        }
        let mut df = DataFrame::new_infer_height(columns).expect("frame");
        let tmp = path.with_extension("parquet.tmp");
        ParquetWriter::new(std::fs::File::create(&tmp).expect("create")).finish(&mut df).expect("write");
        std::fs::rename(&tmp, path).expect("rename");
    }
    paths
}
