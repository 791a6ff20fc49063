//! Benchmark harness for `amplify compare` (run it through `bench/run.sh`, which also installs the
//! Python reference's packages): generates tidy inputs (a baseline with a group column and 3
//! models × 5 metrics, seeded, Parquet, under target/bench-data) in the file orders users have,
//! then measures up to five contenders as separate processes, alternating repetitions (in rotated
//! order), and prints medians of wall time and of peak RSS (from `wait4`) with their ratios:
//!
//! 1. `amplify compare` end to end (`--group group`, JSON output);
//! 2. the scan floor: a bare polars lazy scan of the same columns with a trivial aggregate;
//! 3. the join floor: polars' own lazy scan, inner join of each model with the baseline on the id,
//!    and the per-group 2×2 counts of every metric (what any tool must at least do);
//! 4. the reference: `bench/reference.py`, the same statistics the straightforward pandas + scipy
//!    + statsmodels way (skipped unless AMPLIFY_BENCH_PYTHON names a Python with those packages);
//! 5. conditions (every layout but `repeated`): the run of 1. with `--versus model_1`, and its
//!    ratio to 1. (issue 23's target: ≤ 1.3×);
//! 6. the polars floor (`repeated` only, with the reference's Python): `bench/polars_floor.py`,
//!    polars (Python) taking each item's mean, joining and summing per group, and amplify's
//!    ratio to it (issue 23's target: ≤ 1.2×);
//! 7. plain (`pairs` only): the run of 1. without `--pair`, and 1.'s ratio to it (issue 23's
//!    target: ≤ 2×).
//!
//! Every run starts after the input files have been read once (warm page cache).
//!
//! Layouts (AMPLIFY_BENCH_LAYOUTS, default all): `aligned` (every file lists the same integer ids
//! in the same order), `shuffled` (model rows in a random order), `strings` (shuffled, ids
//! `item-000000123`), `hashes` (shuffled, 16-hex-character ids), `gaps` (sorted, 10% of the items
//! missing from each model), `repeated` (each model sampled 5 times per item, column `seed`, rows
//! shuffled: the size counts model rows, so 10M rows are 2M items × 5 samples; amplify runs with
//! `--sample seed`, the join floor first averages each item's samples, and the reference does the
//! same in pandas), `pairs` (as `strings`, with the pair columns of ELEPHANT's flip layout in every
//! file: items 2p and 2p + 1 are pair p's `original` and `flipped` sides; amplify runs with
//! `--pair pair_id --variant version`; the floors and the reference ignore the pairs). Sizes: AMPLIFY_BENCH_ITEMS (default "1000000,10000000");
//! repetitions: AMPLIFY_BENCH_REPS (default 3). No timing is asserted anywhere.

use amplify::rng::SplitMix64;
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const METRICS: [&str; 5] =
    ["emotional_validation", "indirect_language", "indirect_action", "accept_framing", "moral_endorsement"];
const MODELS: [&str; 3] = ["model_1", "model_2", "model_3"];
const FLOOR_ENV: &str = "AMPLIFY_BENCH_FLOOR";
/// Set in a child process that writes a layout's files: a process's peak RSS as `wait4` reports
/// it starts at its parent's RSS at fork time, so the parent must stay small (generating 10M
/// rows in the parent made every later contender report at least 1.27 GiB).
const GENERATE_ENV: &str = "AMPLIFY_BENCH_GENERATE";
const PARTED_ITEMS: usize = 50_000_000;
const LAYOUTS: [&str; 7] = ["aligned", "shuffled", "strings", "hashes", "gaps", "repeated", "pairs"];
/// Samples per item of the `repeated` layout.
const SAMPLES: usize = 5;

fn main() {
    if let Ok(spec) = std::env::var(GENERATE_ENV) {
        let mut parts = spec.splitn(3, '|');
        let (items, layout, dir) = (parts.next(), parts.next(), parts.next());
        let items = items.and_then(|n| n.parse().ok()).expect("items");
        generate(Path::new(dir.expect("dir")), items, 42, layout.expect("layout"));
        return;
    }
    if let Some(mode) = std::env::var_os(FLOOR_ENV) {
        let files: Vec<PathBuf> =
            std::env::args().skip(1).filter(|a| !a.starts_with("--")).map(PathBuf::from).collect();
        if mode == "join" {
            join_floor(&files);
        } else if mode == "join1" {
            one_query_join_floor(&files);
        } else {
            bare_scan(&files);
        }
        return;
    }
    let layouts: Vec<String> = std::env::var("AMPLIFY_BENCH_LAYOUTS")
        .unwrap_or_else(|_| LAYOUTS.join(","))
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| LAYOUTS.contains(&s.as_str()))
        .collect();
    let sizes: Vec<usize> = std::env::var("AMPLIFY_BENCH_ITEMS")
        .unwrap_or_else(|_| "1000000,10000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let reps: usize =
        std::env::var("AMPLIFY_BENCH_REPS").ok().and_then(|s| s.parse().ok()).unwrap_or(3).max(1);
    let python = std::env::var("AMPLIFY_BENCH_PYTHON").ok().filter(|p| !p.is_empty());
    if python.is_none() {
        println!("(reference skipped: run bench/run.sh, or set AMPLIFY_BENCH_PYTHON to a Python with bench/requirements.txt)");
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    println!(
        "{:>11}  {:<9}  {:<10}  {:>9}  {:>13}  {:>14}  {:>19}  {:>17}",
        "items",
        "layout",
        "contender",
        "median s",
        "peak RSS GiB",
        "amplify/floor",
        "amplify/join floor",
        "reference/amplify"
    );
    for (items, layout) in sizes.iter().flat_map(|&n| layouts.iter().map(move |l| (n, l.as_str()))) {
        let dir = root.join(format!("{layout}-{items}"));
        let spec = format!("{items}|{layout}|{}", dir.display());
        let status =
            Command::new(std::env::current_exe().expect("own path")).env(GENERATE_ENV, spec).status();
        assert!(status.is_ok_and(|s| s.success()), "generating {layout} files failed");
        // The files exist now: this only lists them.
        let files = generate(&dir, items, 42, layout);
        let contenders = contenders(&files, python.as_deref(), layout);
        let mut runs: Vec<Vec<Measured>> = vec![Vec::new(); contenders.len()];
        // Alternating repetitions, the order rotated each time so that no contender always runs
        // right after another (the reference frees several GiB just before the next process).
        for rep in 0..reps {
            for i in 0..contenders.len() {
                let k = (i + rep) % contenders.len();
                warm(&files);
                runs[k].push(measure(&contenders[k].1));
            }
        }
        let medians: Vec<Measured> = runs.iter_mut().map(|r| median(r)).collect();
        report(items, layout, &contenders, &medians);
    }
}

/// The contenders' command lines: (name, program and arguments).
fn contenders(files: &[PathBuf], python: Option<&str>, layout: &str) -> Vec<(&'static str, Vec<String>)> {
    let repeated = layout == "repeated";
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let out = std::env::temp_dir().join("amplify-bench-findings.json").display().to_string();
    let mut amplify = vec![env!("CARGO_BIN_EXE_amplify").to_string(), "compare".into()];
    amplify.extend(paths.iter().cloned());
    amplify.extend(["--group", "group", "--format", "json", "-o", &out].map(String::from));
    if repeated {
        amplify.extend(["--sample", "seed"].map(String::from));
    }
    // Pairs: the plain run without them.
    let plain = amplify.clone();
    if layout == "pairs" {
        amplify.extend(["--pair", "pair_id", "--variant", "version"].map(String::from));
    }
    // Conditions: the same run with every other model also compared with model_1.
    let mut versus = amplify.clone();
    versus.extend(["--versus", "model_1"].map(String::from));
    let mut floor = vec![std::env::current_exe().expect("own path").display().to_string()];
    floor.extend(paths.iter().cloned());
    let mut join = floor.clone();
    join.push("--join".into());
    let mut list = vec![("amplify", amplify), ("floor", floor), ("join floor", join)];
    match layout {
        "repeated" => {}
        "pairs" => list.push(("plain", plain)),
        _ => list.push(("versus", versus)),
    }
    if let (Some(python), true) = (python, repeated) {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/polars_floor.py");
        let mut polars = vec![python.to_string(), script.display().to_string()];
        polars.extend(paths.iter().cloned());
        list.push(("py polars", polars));
    }
    if let Some(python) = python {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/reference.py");
        let mut reference = vec![python.to_string(), script.display().to_string()];
        reference.extend(paths);
        list.push(("reference", reference));
    }
    list
}

/// Reads every input file once, so that each contender starts with them in the page cache (the
/// reference's 5–7 GiB can push them out; a cold start on this machine measured 9.5 s where a
/// warm one took 4.7 s).
fn warm(files: &[PathBuf]) {
    let mut paths: Vec<PathBuf> = Vec::new();
    for path in files {
        match std::fs::read_dir(path) {
            Ok(parts) => paths.extend(parts.filter_map(|e| e.ok()).map(|e| e.path())),
            Err(_) => paths.push(path.clone()),
        }
    }
    for path in paths {
        let mut file = std::fs::File::open(&path).expect("open input");
        std::io::copy(&mut file, &mut std::io::sink()).expect("read input");
    }
}

/// Wall time and peak resident set size of one process run.
#[derive(Debug, Clone, Copy)]
struct Measured {
    wall: Duration,
    peak_rss_kib: u64,
}

/// Runs a command to completion and reads its peak RSS from `wait4`'s resource usage.
fn measure(command: &[String]) -> Measured {
    let mode = if command.iter().any(|a| a == "--join") { "join" } else { "scan" };
    let start = Instant::now();
    // Reaped by wait4 below (std's wait would not report the resource usage).
    #[allow(clippy::zombie_processes)]
    let child = Command::new(&command[0])
        .args(&command[1..])
        .env(FLOOR_ENV, mode)
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

fn report(items: usize, layout: &str, contenders: &[(&str, Vec<String>)], medians: &[Measured]) {
    let secs = |k: usize| medians[k].wall.as_secs_f64();
    for (k, (name, _)) in contenders.iter().enumerate() {
        let amplify = *name == "amplify";
        let ratio_floor = if amplify { format!("{:.2}", secs(0) / secs(1)) } else { String::new() };
        let ratio_join = if amplify { format!("{:.2}", secs(0) / secs(2)) } else { String::new() };
        let ratio_ref =
            if *name == "reference" { format!("{:.1}", secs(k) / secs(0)) } else { String::new() };
        println!(
            "{items:>11}  {layout:<9}  {name:<10}  {:>9.3}  {:>13.2}  {ratio_floor:>14}  {ratio_join:>19}  {ratio_ref:>17}",
            secs(k),
            medians[k].peak_rss_kib as f64 / (1024.0 * 1024.0)
        );
    }
    if let Some(k) = contenders.iter().position(|(name, _)| *name == "py polars") {
        println!(
            "{items:>11}  {layout:<9}  amplify/py polars (the polars floor of issue 23): {:.2}",
            secs(0) / secs(k)
        );
    }
    if let Some(k) = contenders.iter().position(|(name, _)| *name == "plain") {
        println!("{items:>11}  {layout:<9}  amplify/plain (--pair / without): {:.2}", secs(0) / secs(k));
    }
    if let Some(k) = contenders.iter().position(|(name, _)| *name == "versus") {
        println!(
            "{items:>11}  {layout:<9}  versus/amplify (--versus model_1 / plain): {:.2}",
            secs(k) / secs(0)
        );
    }
}

/// The join floor: polars' lazy scan, an inner join of each model with the baseline on the id,
/// and per group level the four cells of every metric (valid labels only).
fn join_floor(files: &[PathBuf]) {
    let scan = |p: &PathBuf| {
        LazyFrame::scan_parquet(PlRefPath::new(scan_target(p).as_str()), Default::default()).expect("scan")
    };
    let baseline = scan(&files[0]);
    for model in &files[1..] {
        let mut model_lf = scan(model);
        if model_lf.collect_schema().expect("schema").contains("seed") {
            // Repeated samples: each item's mean per metric, then sums of the item values.
            let means: Vec<Expr> = METRICS.iter().map(|m| col(*m).cast(DataType::Float64).mean()).collect();
            let items = model_lf.group_by([col("id")]).agg(means);
            let joined =
                baseline.clone().join(items, [col("id")], [col("id")], JoinArgs::new(JoinType::Inner));
            let mut sums = Vec::new();
            for m in METRICS {
                let (h, x) = (col(m).cast(DataType::Float64), col(format!("{m}_right")));
                for (name, e) in [
                    ("m", x.clone()),
                    ("h", h.clone()),
                    ("mm", x.clone() * x.clone()),
                    ("hh", h.clone() * h.clone()),
                    ("mh", x * h),
                ] {
                    sums.push(e.sum().alias(format!("{m}{name}")));
                }
            }
            std::hint::black_box(joined.group_by([col("group")]).agg(sums).collect().expect("collect"));
            continue;
        }
        let joined =
            baseline.clone().join(model_lf, [col("id")], [col("id")], JoinArgs::new(JoinType::Inner));
        let mut cells = Vec::new();
        for m in METRICS {
            let (h, x) = (col(m), col(format!("{m}_right")));
            for (a, b) in [(1, 1), (1, 0), (0, 1), (0, 0)] {
                let hit = h.clone().eq(lit(a)).and(x.clone().eq(lit(b)));
                cells.push(hit.fill_null(false).cast(DataType::Int64).sum().alias(format!("{m}{a}{b}")));
            }
        }
        std::hint::black_box(joined.group_by([col("group")]).agg(cells).collect().expect("collect"));
    }
}

/// The floor: read the id, group and metric columns of every file and aggregate each (no join,
/// no statistics).
fn bare_scan(files: &[PathBuf]) {
    for path in files {
        let mut lf = LazyFrame::scan_parquet(PlRefPath::new(scan_target(path).as_str()), Default::default())
            .expect("scan");
        let schema = lf.collect_schema().expect("schema");
        let exprs: Vec<Expr> = schema
            .iter()
            .map(|(n, dtype)| match (n.as_str(), dtype.is_string()) {
                ("group", _) => col(n.as_str()).n_unique(),
                // String ids: reading every byte, no hashing.
                (_, true) => col(n.as_str()).str().len_bytes().sum(),
                _ => col(n.as_str()).sum(),
            })
            .collect();
        std::hint::black_box(lf.select(exprs).collect().expect("collect"));
    }
}

/// The join floor as one streaming query: the baseline joined with every model on the id, then
/// one group-by of the group with the four cells of every metric and model (run with
/// AMPLIFY_BENCH_FLOOR=join1; compared by hand with the per-model floor above).
fn one_query_join_floor(files: &[PathBuf]) {
    let scan = |p: &PathBuf, k: usize| {
        let lf = LazyFrame::scan_parquet(PlRefPath::new(scan_target(p).as_str()), Default::default())
            .expect("scan");
        if k == 0 {
            return lf;
        }
        let renamed: Vec<Expr> = std::iter::once(col("id"))
            .chain(METRICS.iter().map(|m| col(*m).alias(format!("{m}_{k}"))))
            .collect();
        lf.select(renamed)
    };
    let mut joined = scan(&files[0], 0);
    for (k, model) in files.iter().enumerate().skip(1) {
        joined = joined.join(scan(model, k), [col("id")], [col("id")], JoinArgs::new(JoinType::Inner));
    }
    let mut cells = Vec::new();
    for k in 1..files.len() {
        for m in METRICS {
            let (h, x) = (col(m), col(format!("{m}_{k}")));
            for (a, b) in [(1, 1), (1, 0), (0, 1), (0, 0)] {
                let hit = h.clone().eq(lit(a)).and(x.clone().eq(lit(b)));
                cells.push(hit.fill_null(false).cast(DataType::Int64).sum().alias(format!("{m}{k}{a}{b}")));
            }
        }
    }
    let query = joined.group_by([col("group")]).agg(cells);
    std::hint::black_box(
        query.collect_with_engine(Engine::Streaming).map(|r| r.unwrap_single()).expect("collect"),
    );
}

/// Writes the baseline (id, group, 5 metrics) and 3 models (id, 5 metrics), seeded, in the given
/// layout (the same labels in every layout); reuses existing files.
fn generate(dir: &Path, items: usize, seed: u64, layout: &str) -> Vec<PathBuf> {
    let names = std::iter::once("human").chain(MODELS);
    // From PARTED_ITEMS on, every source is a directory of 10 part files (amplify reads the
    // directory; the floors scan its glob).
    let suffix = if items >= PARTED_ITEMS { "" } else { ".parquet" };
    let paths: Vec<PathBuf> = names.map(|n| dir.join(format!("{n}{suffix}"))).collect();
    if paths.iter().all(|p| p.exists()) {
        return paths;
    }
    std::fs::create_dir_all(dir).expect("create bench dir");
    if layout == "repeated" {
        return generate_repeated(&paths, items / SAMPLES, seed);
    }
    let mut rng = SplitMix64::new(seed);
    let groups: Vec<usize> = (0..items).map(|_| rng.below(4)).collect();
    for (k, path) in paths.iter().enumerate() {
        let mut columns = vec![id_column(items, layout)];
        if layout == "pairs" {
            columns.push(Column::new("pair_id".into(), (0..items as i64).map(|i| i / 2).collect::<Vec<_>>()));
            let version = (0..items).map(|i| ["original", "flipped"][i % 2]).collect::<Vec<_>>();
            columns.push(Column::new("version".into(), version));
        }
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
        if k > 0 {
            df = reorder(df, layout, &mut SplitMix64::new(seed ^ k as u64));
        }
        write_parquet(&mut df, path, items);
    }
    paths
}

/// The `repeated` layout: a baseline of `items` items (one row each) and models with
/// [`SAMPLES`] rows per item (`seed` 1..=5) in a random order; each item has its own propensity
/// per metric (intra-item correlation about 0.3), 0.5% of the samples missing.
fn generate_repeated(paths: &[PathBuf], items: usize, seed: u64) -> Vec<PathBuf> {
    let mut rng = SplitMix64::new(seed);
    let groups: Vec<usize> = (0..items).map(|_| rng.below(4)).collect();
    for (k, path) in paths.iter().enumerate() {
        let rows = if k == 0 { items } else { items * SAMPLES };
        let item_of = |r: usize| if k == 0 { r } else { r / SAMPLES };
        let mut columns =
            vec![Column::new("id".into(), (0..rows).map(|r| item_of(r) as i64 + 1).collect::<Vec<_>>())];
        if k == 0 {
            let levels: Vec<&str> =
                groups.iter().map(|&g| ["female", "male", "other", "unknown"][g]).collect();
            columns.push(Column::new("group".into(), levels));
        } else {
            columns.push(Column::new(
                "seed".into(),
                (0..rows).map(|r| (r % SAMPLES) as i32 + 1).collect::<Vec<_>>(),
            ));
        }
        for (m, name) in METRICS.iter().enumerate() {
            let base = [0.3, 0.8, 0.6, 0.7][k] - 0.05 * m as f64;
            // Propensity base ± 0.25 with equal chance: ICC = 0.0625 / (base(1 − base)) ≈ 0.3.
            let propensity: Vec<f64> = groups
                .iter()
                .map(|&g| {
                    (base + 0.02 * g as f64 + if rng.bernoulli(0.5) { 0.25 } else { -0.25 }).clamp(0.0, 1.0)
                })
                .collect();
            let v: Vec<Option<i32>> = (0..rows)
                .map(|r| (!rng.bernoulli(0.005)).then(|| rng.bernoulli(propensity[item_of(r)]) as i32))
                .collect();
            columns.push(Column::new((*name).into(), v));
        }
        let mut df = DataFrame::new_infer_height(columns).expect("frame");
        if k > 0 {
            df = reorder(df, "shuffled", &mut SplitMix64::new(seed ^ k as u64));
        }
        write_parquet(&mut df, path, rows);
    }
    paths.to_vec()
}

/// The id column of a layout: integers, `item-000000123`, or 16 hexadecimal characters.
fn id_column(items: usize, layout: &str) -> Column {
    match layout {
        "strings" | "pairs" => {
            Column::new("id".into(), (1..=items).map(|i| format!("item-{i:09}")).collect::<Vec<_>>())
        }
        "hashes" => Column::new(
            "id".into(),
            (1..=items as u64).map(|i| format!("{:016x}", SplitMix64::new(i).next_u64())).collect::<Vec<_>>(),
        ),
        _ => Column::new("id".into(), (1..=items as i64).collect::<Vec<_>>()),
    }
}

/// A model file's rows in the layout's order: shuffled (Fisher–Yates), or sorted with 10% of the
/// rows left out, or as they are.
fn reorder(df: DataFrame, layout: &str, rng: &mut SplitMix64) -> DataFrame {
    let n = df.height();
    let rows: Vec<IdxSize> = match layout {
        "shuffled" | "strings" | "hashes" | "pairs" => {
            let mut order: Vec<IdxSize> = (0..n as IdxSize).collect();
            for i in (1..n).rev() {
                order.swap(i, rng.below(i + 1));
            }
            order
        }
        "gaps" => (0..n as IdxSize).filter(|_| !rng.bernoulli(0.10)).collect(),
        _ => return df,
    };
    df.take(&IdxCa::from_vec("rows".into(), rows)).expect("take")
}

/// Writes a frame as one Parquet file, or from [`PARTED_ITEMS`] on as a directory of 10 parts;
/// through a temporary name, so an interrupted run leaves no half file that looks complete.
fn write_parquet(df: &mut DataFrame, path: &Path, items: usize) {
    let write = |df: &mut DataFrame, target: &Path| {
        let tmp = target.with_extension("parquet.tmp");
        ParquetWriter::new(std::fs::File::create(&tmp).expect("create")).finish(df).expect("write");
        std::fs::rename(&tmp, target).expect("rename");
    };
    if items < PARTED_ITEMS {
        return write(df, path);
    }
    std::fs::create_dir_all(path).expect("create part dir");
    let part = df.height().div_ceil(10);
    for k in 0..10 {
        let mut slice = df.slice((k * part) as i64, part);
        write(&mut slice, &path.join(format!("part-{k}.parquet")));
    }
}

/// What a floor scans for an input: the file, or a directory's part files.
fn scan_target(path: &Path) -> String {
    if path.is_dir() {
        path.join("*.parquet").display().to_string()
    } else {
        path.display().to_string()
    }
}
