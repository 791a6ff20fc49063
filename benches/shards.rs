//! Benchmark of reading and merging counts shards (`amplify compare --counts F --counts F ...`):
//! 1,000 counts tables of a pairs + groups run (`amplify sample`'s narrator-gender swaps, 2,000
//! items and three sources per seed, `--pair pair_id --variant version --group topic`) written by
//! `amplify count`, then `compare` over the first 10, 100 and 1,000 (and, as the floor, one),
//! each as a separate process, alternating repetitions; prints the median wall time, the time per
//! shard beyond the first, and that per-shard time relative to the 10-shard run's (1.00: linear in
//! the rows). Shard format: AMPLIFY_SHARDS_FORMAT (`parquet`, default, or `csv`); repetitions:
//! AMPLIFY_BENCH_REPS (default 3). No timing is asserted anywhere.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const COUNTS: [usize; 4] = [1, 10, 100, 1000];

fn main() {
    let reps: usize =
        std::env::var("AMPLIFY_BENCH_REPS").ok().and_then(|s| s.parse().ok()).unwrap_or(3).max(1);
    let format = std::env::var("AMPLIFY_SHARDS_FORMAT").unwrap_or_else(|_| "parquet".into());
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/shards");
    let shards = make_shards(&dir, &format);
    let rows: Vec<u64> = shards.iter().map(|s| count_rows(s)).collect();
    let mut runs: Vec<Vec<Duration>> = vec![Vec::new(); COUNTS.len()];
    for rep in 0..reps {
        for i in 0..COUNTS.len() {
            let k = (i + rep) % COUNTS.len();
            runs[k].push(run_compare(&shards[..COUNTS[k]], &dir));
        }
    }
    let medians: Vec<f64> = runs
        .iter_mut()
        .map(|r| {
            r.sort();
            r[r.len() / 2].as_secs_f64()
        })
        .collect();
    println!(
        "{} shards of {}–{} rows ({format}); medians of {reps}",
        rows.len(),
        rows.iter().min().unwrap_or(&0),
        rows.iter().max().unwrap_or(&0)
    );
    println!(
        "{:>7}  {:>11}  {:>9}  {:>16}  {:>18}",
        "shards", "rows", "median s", "s per extra shard", "per shard / 10's"
    );
    let per_shard = |k: usize| (medians[k] - medians[0]) / (COUNTS[k] - 1).max(1) as f64;
    for (k, &n) in COUNTS.iter().enumerate() {
        let (extra, ratio) = match k {
            0 => (String::new(), String::new()),
            _ => (format!("{:.5}", per_shard(k)), format!("{:.2}", per_shard(k) / per_shard(1))),
        };
        println!(
            "{n:>7}  {:>11}  {:>9.3}  {extra:>16}  {ratio:>18}",
            rows[..n].iter().sum::<u64>(),
            medians[k]
        );
    }
}

/// The 1,000 shards (generated once, each from its own seed: `compare` refuses a shard given
/// twice): `amplify sample`, then `amplify count` of its swaps.
fn make_shards(dir: &Path, format: &str) -> Vec<PathBuf> {
    let shards: Vec<PathBuf> = (0..COUNTS[3]).map(|i| dir.join(format!("shard_{i:04}.{format}"))).collect();
    std::fs::create_dir_all(dir).expect("bench dir");
    let sample = dir.join("sample");
    for (seed, shard) in shards.iter().enumerate().filter(|(_, p)| !p.is_file()) {
        let seed = seed.to_string();
        amplify(&["sample", "--out", &sample.display().to_string(), "--items", "2000", "--seed", &seed]);
        let (input, output) = (sample.join("swap.parquet"), shard.display().to_string());
        let mut args = vec!["count", input.to_str().unwrap_or_default()];
        args.extend("--source-column source --pair pair_id --variant version --group topic -o".split(' '));
        args.push(&output);
        amplify(&args);
    }
    shards
}

/// Runs the amplify binary to completion; panics on failure (the bench's own setup).
fn amplify(args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_amplify"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run amplify");
    assert!(status.success(), "amplify {} failed", args.join(" "));
}

/// The rows of a counts file (Parquet footer or CSV lines).
fn count_rows(shard: &Path) -> u64 {
    use polars::prelude::*;
    let path = shard.display().to_string();
    let lf = if path.ends_with(".csv") {
        LazyCsvReader::new(PlRefPath::new(path.as_str())).finish()
    } else {
        LazyFrame::scan_parquet(PlRefPath::new(path.as_str()), Default::default())
    };
    let df = lf.expect("scan shard").select([len()]).collect().expect("count rows");
    df.column("len").ok().and_then(|c| c.u32().ok()?.get(0)).map_or(0, u64::from)
}

/// Wall time of `compare` over `shards`, findings written to a file in `dir`.
fn run_compare(shards: &[PathBuf], dir: &Path) -> Duration {
    let mut command = Command::new(env!("CARGO_BIN_EXE_amplify"));
    command.arg("compare");
    for shard in shards {
        command.arg("--counts").arg(shard);
    }
    command.args(["--format", "json", "-o"]).arg(dir.join("findings.json"));
    let start = Instant::now();
    let status = command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).status();
    let elapsed = start.elapsed();
    assert!(status.is_ok_and(|s| s.success()), "compare over {} shards failed", shards.len());
    elapsed
}
