#!/usr/bin/env python3
"""Proves sql/counts.sql right: runs it on DuckDB or Apache Spark (local mode) over the sample data
and checks that amplify's findings from those counts equal its findings from the raw files,
exactly, for the whole data and for two id shards merged by summation (`--counts a --counts b`).

    python sql/check.py --engine duckdb --amplify target/debug/amplify
    python sql/check.py --engine spark  --amplify target/debug/amplify

Needs the packages of sql/requirements.txt (and Java for Spark). Exit code 0 when equal, 1 with
the differing rows or sections otherwise.
"""

import argparse
import csv
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
TABLES = ["human", "model_a", "model_b"]
# The raw-file options that sql/params_sample.sql reproduces.
OPTIONS = [
    "--truth", "crowd_verdict", "--verdict", "verdict",
    "--derive", r"partner=female:\b(wife|girlfriend)\b",
    "--derive", r"partner=male:\b(husband|boyfriend)\b",
]
SECTIONS = ["alignment", "comparisons", "overall", "truth", "truth_tests", "groupings", "groups",
            "bias_amplification"]


def statements(path):
    """The SQL statements of a file (comment lines dropped, split on ';')."""
    text = "\n".join(l for l in path.read_text().splitlines() if not l.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def run_duckdb(shard, out):
    import duckdb

    con = duckdb.connect()
    for name in TABLES:
        where = "" if shard is None else f" WHERE id % 2 = {shard}"
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{SAMPLE / (name + '.parquet')}'){where}")
    *setup, final = statements(ROOT / "sql" / "params_sample.sql") + statements(ROOT / "sql" / "counts.sql")
    for stmt in setup:
        con.execute(stmt)
    con.execute(f"COPY ({final}) TO '{out}' (FORMAT PARQUET)")
    return out


_spark = None


def run_spark(shard, out):
    global _spark
    from pyspark.sql import SparkSession

    if _spark is None:
        _spark = (SparkSession.builder.master("local[2]").appName("amplify-counts")
                  .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                  .config("spark.sql.shuffle.partitions", "4")
                  .getOrCreate())
        _spark.sparkContext.setLogLevel("ERROR")
    for name in TABLES:
        frame = _spark.read.parquet(str(SAMPLE / (name + ".parquet")))
        if shard is not None:
            frame = frame.where(f"id % 2 = {shard}")
        frame.createOrReplaceTempView(name)
    *setup, final = statements(ROOT / "sql" / "params_sample.sql") + statements(ROOT / "sql" / "counts.sql")
    for stmt in setup:
        _spark.sql(stmt)
    result = _spark.sql(final)
    out = out.with_suffix(".csv")
    with open(out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(result.columns)
        writer.writerows(list(row) for row in result.collect())
    return out


def amplify_json(binary, args):
    done = subprocess.run([binary, "compare", *args, "--format", "json"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"amplify compare {' '.join(args)} failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def rows_of(path):
    """A counts file as {keys: counts}, for a readable diff."""
    import duckdb

    reader = "read_csv_auto" if str(path).endswith(".csv") else "read_parquet"
    con = duckdb.connect()
    rows = con.execute(f"SELECT * FROM {reader}('{path}')").fetchall()
    return {tuple("" if v is None else str(v) for v in r[:6]): tuple(r[6:]) for r in rows}


def diff_counts(ours, theirs):
    a, b = rows_of(ours), rows_of(theirs)
    lines = [f"  only in amplify count: {k} {v}" for k, v in a.items() if k not in b]
    lines += [f"  only in SQL: {k} {v}" for k, v in b.items() if k not in a]
    lines += [f"  differs: {k} amplify {a[k]} SQL {b[k]}" for k in a if k in b and a[k] != b[k]]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["duckdb", "spark"], required=True)
    parser.add_argument("--amplify", required=True, help="path of the amplify binary")
    args = parser.parse_args()
    run = run_duckdb if args.engine == "duckdb" else run_spark
    raw_files = [str(SAMPLE / (n + ".parquet")) for n in TABLES]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        full = run(None, tmp / "counts.parquet")
        shards = [run(k, tmp / f"shard{k}.parquet") for k in (0, 1)]
        ours = tmp / "amplify_counts.parquet"
        subprocess.run([args.amplify, "count", *raw_files, *OPTIONS, "-o", str(ours)], check=True,
                       capture_output=True)
        problems = diff_counts(ours, full)
        raw = amplify_json(args.amplify, raw_files + OPTIONS)
        checks = {"whole table": ["--counts", str(full)],
                  "two shards summed": ["--counts", str(shards[0]), "--counts", str(shards[1])]}
        for label, counts_args in checks.items():
            found = amplify_json(args.amplify, counts_args)
            for section in SECTIONS:
                if found[section] != raw[section]:
                    problems.append(f"  {label}: findings section '{section}' differs from the raw files'")
        rows = len(rows_of(full))
    if problems:
        print(f"{args.engine}: counts.sql does NOT reproduce amplify:\n" + "\n".join(problems[:40]))
        return 1
    print(f"{args.engine}: counts.sql reproduces amplify exactly ({rows} counts rows; findings equal "
          f"for the whole table and for two shards summed: {', '.join(SECTIONS)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
