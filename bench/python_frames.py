"""compare from in-memory polars DataFrames (amplify_bias) against the command line on the same
data as Parquet files, alternating, as separate processes; medians of wall time and peak RSS.

Usage: python bench/python_frames.py DATA_DIR [--reps 5] [--amplify PATH]

DATA_DIR holds `amplify sample` files (human, model_a, model_b .parquet), e.g. made by
`amplify sample --out /tmp/s1m --items 1000000`. The Python side loads the frames first (not
timed) and times `amplify_bias.compare` alone: writing the frames to Parquet, the run, reading the
findings. The command line's time is the whole process. Needs amplify_bias installed; the
command line defaults to the `amplify` the package installs.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

OPTION_SETS = {
    "plain": ([], {}),
    "truth + 2 derived groupings": (
        [
            "--truth",
            "crowd_verdict",
            "--verdict",
            "verdict",
            "--derive",
            r"partner=female:\b(wife|girlfriend)\b",
            "--derive",
            r"partner=male:\b(husband|boyfriend)\b",
        ],
        {
            "truth": "crowd_verdict",
            "verdict": "verdict",
            "derive": [r"partner=female:\b(wife|girlfriend)\b", r"partner=male:\b(husband|boyfriend)\b"],
        },
    ),
}

CHILD = r"""
import json, sys, time, resource
import polars as pl, amplify_bias
data, options = sys.argv[1], json.loads(sys.argv[2])
human = pl.read_parquet(f"{data}/human.parquet")
models = {m: pl.read_parquet(f"{data}/{m}.parquet") for m in ("model_a", "model_b")}
start = time.perf_counter()
findings = amplify_bias.compare(human, models, **options)
elapsed = time.perf_counter() - start
assert findings.comparisons.height > 0
# What the staging costs: the same frames written the way the package writes them.
import tempfile
with tempfile.TemporaryDirectory() as tmp:
    start = time.perf_counter()
    for i, frame in enumerate([human, *models.values()]):
        frame.write_parquet(f"{tmp}/{i}.parquet", compression="uncompressed", statistics=False)
    writing = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "writing": writing}))
"""


def timed(argv):
    """Runs argv; returns (wall seconds, peak RSS GiB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed: {' '.join(argv)}")
    return wall, usage.ru_maxrss / 2**20, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--amplify", default=shutil.which("amplify"))
    args = parser.parse_args()
    files = [os.path.join(args.data, f"{n}.parquet") for n in ("human", "model_a", "model_b")]
    columns = [
        "options",
        "CLI on Parquet (s)",
        "Python from frames: compare call (s)",
        "of which writing the frames (s)",
        "ratio",
        "peak RSS CLI / Python process (GiB)",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, (flags, kwargs) in OPTION_SETS.items():
        cli, py, writing, cli_rss, py_rss = [], [], [], [], []
        for _ in range(args.reps):
            wall, rss, _ = timed([args.amplify, "compare", *files, *flags, "--format", "json"])
            cli.append(wall)
            cli_rss.append(rss)
            _, rss, out = timed([sys.executable, "-c", CHILD, args.data, json.dumps(kwargs)])
            py.append(json.loads(out)["seconds"])
            writing.append(json.loads(out)["writing"])
            py_rss.append(rss)
        c, p = statistics.median(cli), statistics.median(py)
        w, rss = statistics.median(writing), f"{statistics.median(cli_rss):.2f} / {statistics.median(py_rss):.2f}"
        print(
            f"| {label} | {c:.2f} | {p:.2f} | {w:.2f} | {p / c:.2f}× | {rss} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
