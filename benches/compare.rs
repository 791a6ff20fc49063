//! Benchmark: `amplify compare` end to end against the floor, a bare polars lazy scan of the same
//! columns with a trivial aggregate, on generated tidy data (baseline + 2 models × 4 metrics).
//!
//! Run: `cargo bench --bench compare` (sizes: AMPLIFY_BENCH_ITEMS, default "1000000,10000000";
//! repetitions: AMPLIFY_BENCH_REPS, default 5). Data is generated once per size into
//! target/bench-data (seeded); repetitions alternate between the two contenders and the
//! medians are printed with their ratio. No timing is asserted anywhere.

use amplify::rng::SplitMix64;
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const METRICS: [&str; 4] = ["emotional_validation", "indirect_language", "indirect_action", "accept_framing"];

fn main() {
    let sizes: Vec<usize> = std::env::var("AMPLIFY_BENCH_ITEMS")
        .unwrap_or_else(|_| "1000000,10000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let reps: usize = std::env::var("AMPLIFY_BENCH_REPS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    println!("{:>10}  {:>12}  {:>12}  {:>14}", "items", "amplify (s)", "floor (s)", "amplify/floor");
    for items in sizes {
        let dir = root.join(items.to_string());
        let files = generate(&dir, items, 42);
        let (mut ours, mut floor) = (Vec::new(), Vec::new());
        for _ in 0..reps {
            ours.push(time(|| run_amplify(&files)));
            floor.push(time(|| bare_scan(&files)));
        }
        let (a, f) = (median(&mut ours), median(&mut floor));
        println!(
            "{items:>10}  {:>12.3}  {:>12.3}  {:>14.2}",
            a.as_secs_f64(),
            f.as_secs_f64(),
            a.as_secs_f64() / f.as_secs_f64()
        );
    }
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn run_amplify(files: &[PathBuf]) {
    let out = Command::new(env!("CARGO_BIN_EXE_amplify"))
        .arg("compare")
        .args(files)
        .args(["--format", "json", "-o", "/dev/null"])
        .output()
        .expect("run amplify");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The floor: read the id and metric columns of every file and sum each (no join, no stats).
fn bare_scan(files: &[PathBuf]) {
    for path in files {
        let mut exprs = vec![col("id").sum()];
        exprs.extend(METRICS.iter().map(|m| col(*m).sum()));
        let lf = LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), Default::default())
            .expect("scan");
        std::hint::black_box(lf.select(exprs).collect().expect("collect"));
    }
}

/// Writes human/model_a/model_b Parquet files with `items` ids and 4 metrics each (seeded).
fn generate(dir: &Path, items: usize, seed: u64) -> Vec<PathBuf> {
    let names = ["human", "model_a", "model_b"];
    let paths: Vec<PathBuf> = names.iter().map(|n| dir.join(format!("{n}.parquet"))).collect();
    if paths.iter().all(|p| p.exists()) {
        return paths;
    }
    std::fs::create_dir_all(dir).expect("create bench dir");
    let mut rng = SplitMix64::new(seed);
    for (k, path) in paths.iter().enumerate() {
        let rate = [0.3, 0.8, 0.6][k];
        let mut columns = vec![Column::new("id".into(), (1..=items as i64).collect::<Vec<_>>())];
        for m in METRICS {
            let v: Vec<Option<i32>> = (0..items)
                .map(|_| if rng.bernoulli(0.005) { None } else { Some(rng.bernoulli(rate) as i32) })
                .collect();
            columns.push(Column::new(m.into(), v));
        }
        let mut df = DataFrame::new_infer_height(columns).expect("frame");
        let file = std::fs::File::create(path).expect("create");
        ParquetWriter::new(file).finish(&mut df).expect("write");
    }
    paths
}
