#!/usr/bin/env python3
"""Proves sql/counts.sql, sql/pairs.sql and sql/repeated.sql right: runs them on DuckDB or Apache
Spark (local mode) over the sample data and checks that amplify's findings from those counts equal
its findings from the raw files, exactly, for the whole data and for two shards merged by
summation (`--counts a --counts b`).

    python sql/check.py --engine duckdb --amplify target/debug/amplify
    python sql/check.py --engine spark  --amplify target/debug/amplify

Cases: the sample (data/sample, counts.sql with sql/params_sample.sql, shards by id; and its
baseline alone, with no model: the data's own rows); and the
counterfactual pairs of `amplify sample` (swap.parquet and flip.parquet, from data/sample when
there, else generated into a temporary folder), split into one file per source and altered so that
every rule is exercised (pairs missing a side or with a side given twice, items without a pair,
label or level, a file without the pair columns, an unusable truth), run through counts.sql and
pairs.sql with sql/params_sample_swap.sql / params_sample_flip.sql, shards by pair. The flip set
also runs with its sides reversed (side A absent from the baseline: empty truth slices).

Repeated samples: the sample's repeated set (repeats_human.parquet with three annotators per
item, repeats_steady/_erratic.parquet with five seeds per item) through repeated.sql with
sql/params_sample_repeats.sql (amplify's --sample seed --annotator annotator), as committed; then
altered so that every rule is exercised (invalid samples, an item whose samples are all invalid
on one or every metric, items with one valid sample, items only in the baseline or only in the
models, sample values out of file order and in text order deciding the first sample, invalid
truths, and a
`topic` grouping with unassigned items and a small level whose values are all 0/1), run with
--group topic under --aggregate mean and --aggregate majority (every value 0/1: the ordinary
cells and whole score sums). Shards by item. These cases also compare the `instability` section.

Every case also compares the SQL's table with `amplify count` row by row.

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
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
SQL = ROOT / "sql"
SAMPLE = ROOT / "data" / "sample"
TABLES = ["human", "model_a", "model_b"]
# The raw-file options that sql/params_sample.sql reproduces.
OPTIONS = [
    "--truth", "crowd_verdict", "--verdict", "verdict",
    "--derive", r"partner=female:\b(wife|girlfriend)\b",
    "--derive", r"partner=male:\b(husband|boyfriend)\b",
]
SECTIONS = ["alignment", "comparisons", "overall", "truth", "truth_tests", "groupings", "groups", "missing",
            "bias_amplification", "data"]
PAIR_SECTIONS = ["pairing", "pairs", "pair_tests", "pair_truth"]
# The sample's parameters with no model: the baseline alone.
ONE_SOURCE = [
    "CREATE OR REPLACE TEMPORARY VIEW amp_models AS SELECT 'none' AS model, 1 AS position FROM human WHERE 1 = 0",
    "CREATE OR REPLACE TEMPORARY VIEW amp_model_labels AS "
    "SELECT 'none' AS model, id, 'none' AS metric, 0 AS label FROM human WHERE 1 = 0",
]
KEY_COLUMNS = ["kind", "model", "metric", "group_by", "level", "truth", "versus", "cell"]

# The pair cases: the long sample file, the changes made to it (DuckDB statements on table t;
# every change to an item's pair or side is made in every source, as amplify requires), the
# columns left out of a source's file, the parameter file (plus statements run after it), and the
# options amplify reads the raw files with.
SWAP = {
    "name": "swap pairs",
    "data": "swap",
    "changes": [
        # pair 3's female item joins pair 4: pair 3 misses a side, pair 4 has two female items.
        "UPDATE t SET pair_id = 4 WHERE pair_id = 3 AND version = 'female'",
        # pair 5's female item is in no file: a missing side.
        "DELETE FROM t WHERE pair_id = 5 AND version = 'female'",
        # model_b has no row for pair 7's male item: '-' on side A.
        "DELETE FROM t WHERE pair_id = 7 AND version = 'male' AND source = 'model_b'",
        # the baseline has no row for pair 8's male item: no level, '-' for the human on side A.
        "DELETE FROM t WHERE pair_id = 8 AND version = 'male' AND source = 'human'",
        # model_a's file leaves pair 9 empty (the human file still places its items).
        "UPDATE t SET pair_id = NULL WHERE pair_id = 9 AND source = 'model_a'",
        # pair 10's female item has no variant in any file: it is in no pair.
        "UPDATE t SET version = NULL WHERE pair_id = 10 AND version = 'female'",
        # pair 11 has no topic in the baseline: unassigned, out of the level slices.
        "UPDATE t SET topic = NULL WHERE pair_id = 11 AND source = 'human'",
        # invalid human labels on pair 12's side B.
        "UPDATE t SET accept_framing = 7, emotional_validation = NULL "
        "WHERE pair_id = 12 AND version = 'female' AND source = 'human'",
    ],
    "drop": {"model_b": ["pair_id", "version"]},
    "params": SQL / "params_sample_swap.sql",
    "extra": [],
    "options": ["--group", "topic", "--pair", "pair_id", "--variant", "version", "--variants", "male,female"],
}
FLIP = {
    "name": "flip pairs",
    "data": "flip",
    "changes": [
        # pair 3's crowd verdict is unusable: no truth, out of the truth slices.
        "UPDATE t SET crowd_verdict = 'INFO' WHERE pair_id = 3 AND source = 'human'",
        # model_a has no row for pair 4's flipped item.
        "DELETE FROM t WHERE pair_id = 4 AND version = 'flipped' AND source = 'model_a'",
        # model_b's verdict on pair 5's original is unreadable.
        "UPDATE t SET verdict = 'ERROR' WHERE pair_id = 5 AND version = 'original' AND source = 'model_b'",
        # the baseline lacks pair 6: no truth and no level for it (the models place its items).
        "DELETE FROM t WHERE pair_id = 6 AND source = 'human'",
        # pair 7's flipped item is in no file: a missing side.
        "DELETE FROM t WHERE pair_id = 7 AND version = 'flipped'",
        # pair 9's original joins pair 8: a side given twice, and pair 9 misses a side.
        "UPDATE t SET pair_id = 8 WHERE pair_id = 9 AND version = 'original'",
    ],
    "drop": {"model_a": ["crowd_verdict"], "model_b": ["crowd_verdict"]},
    "params": SQL / "params_sample_flip.sql",
    "extra": [],
    "options": ["--truth", "crowd_verdict", "--verdict", "verdict", "--group", "topic",
                "--pair", "pair_id", "--variant", "version", "--variants", "original,flipped"],
}
# The flip set with the sides reversed: side A (flipped) is never in the baseline, so both truth
# tables are empty (`----` rows) and there are no level slices.
FLIP_REVERSED = {
    **FLIP,
    "name": "flip pairs, sides reversed",
    "extra": ["CREATE OR REPLACE TEMPORARY VIEW amp_pair_settings AS "
              "SELECT 'flipped' AS variant_a, 'original' AS variant_b"],
    "options": FLIP["options"][:-1] + ["flipped,original"],
}

# The repeated cases: the sample's repeated set (one file per source, the tables named like the
# files), the changes made to it (DuckDB statements), statements run after the parameter file, and
# the options amplify reads the raw files with.
REPEAT_TABLES = ["repeats_human", "repeats_steady", "repeats_erratic"]
REPEAT_SECTIONS = SECTIONS + ["instability"]
REPEAT_OPTIONS = ["--sample", "seed", "--annotator", "annotator", "--truth", "crowd_verdict", "--verdict", "verdict"]
REPEATED = {
    "name": "repeated samples",
    "data": "repeats",
    "changes": [],
    "extra": [],
    "options": REPEAT_OPTIONS,
}
REPEATED_ALTERED = {
    "name": "repeated samples, altered, grouped",
    "data": "repeats_altered",
    "changes": [
        # a topic grouping: three levels and unassigned items (NULL), every level in both shards ...
        "ALTER TABLE repeats_human ADD COLUMN topic VARCHAR",
        "UPDATE repeats_human SET topic = CASE CAST(SUBSTR(id, 6) AS INTEGER) % 7 "
        "WHEN 0 THEN 'work' WHEN 1 THEN 'work' WHEN 2 THEN 'family' WHEN 3 THEN 'family' "
        "WHEN 4 THEN 'friends' WHEN 5 THEN 'friends' END",
        # ... and a small level where the humans and repeats_steady agree with themselves on every
        # metric: 0/1 values, so its steady rows are 2x2 cells (repeats_erratic's are sums). It has
        # items in both shards: amplify's BiasAmp→ takes the levels in the order of the counts
        # rows, so a level only in the second shard would change its bootstrap.
        "UPDATE repeats_human SET topic = 'rare' WHERE id IN ('post-00005', 'post-00035', 'post-00082', 'post-00110')",
        # invalid samples among valid ones.
        "UPDATE repeats_steady SET verdict = 'INFO' WHERE seed = '2' AND id IN ('post-00100', 'post-00101', 'post-00102')",
        "UPDATE repeats_erratic SET emotional_validation = 7 WHERE seed = '3' AND id IN ('post-00103', 'post-00104')",
        "UPDATE repeats_human SET accept_framing = NULL WHERE annotator = 'r2' AND id IN ('post-00105', 'post-00106')",
        # every sample of an item invalid: on one metric (a model, the baseline), on every metric.
        "UPDATE repeats_steady SET verdict = 'ERROR' WHERE id = 'post-00010'",
        "UPDATE repeats_human SET emotional_validation = 5 WHERE id = 'post-00012'",
        "UPDATE repeats_erratic SET emotional_validation = NULL, accept_framing = NULL, verdict = NULL "
        "WHERE id = 'post-00013'",
        # one valid sample: not a repeated item.
        "DELETE FROM repeats_steady WHERE id = 'post-00040' AND seed <> '3'",
        # items only in the baseline (in no model; in one model) and only in the models.
        "DELETE FROM repeats_steady WHERE id IN ('post-00020', 'post-00021')",
        "DELETE FROM repeats_erratic WHERE id = 'post-00020'",
        "DELETE FROM repeats_human WHERE id IN ('post-00030', 'post-00031')",
        # the first sample decided by the sample column, not the file order: a sample moved
        # first or last, and text order ('10' < '2'); each changes a first_positive.
        "UPDATE repeats_erratic SET seed = '0' WHERE id = 'post-00050' AND seed = '4'",
        "UPDATE repeats_human SET annotator = 'r9' WHERE id = 'post-00051' AND annotator = 'r1'",
        "UPDATE repeats_erratic SET seed = '10' WHERE id = 'post-00007' AND seed = '1'",
        # unusable crowd verdicts: no truth for these items.
        "UPDATE repeats_human SET crowd_verdict = 'INFO' WHERE id IN ('post-00060', 'post-00061', 'post-00005')",
    ],
    "extra": [
        "CREATE OR REPLACE TEMPORARY VIEW amp_settings AS SELECT 'human' AS baseline_name, "
        "'topic' AS group_by, 1 AS has_truth, 1 AS baseline_repeats, 1 AS models_repeat, 'mean' AS aggregate",
        "CREATE OR REPLACE TEMPORARY VIEW amp_baseline AS "
        "SELECT id, MAX(CASE WHEN UPPER(TRIM(crowd_verdict)) IN ('YTA', 'ESH', '1', '1.0', 'TRUE', 'YES') THEN 1 "
        "WHEN UPPER(TRIM(crowd_verdict)) IN ('NTA', 'NAH', '0', '0.0', 'FALSE', 'NO') THEN 0 END) AS truth, "
        "MAX(topic) AS level, 0 AS ambiguous FROM repeats_human GROUP BY id",
    ],
    "options": REPEAT_OPTIONS + ["--group", "topic"],
}
REPEATED_MAJORITY = {
    **REPEATED_ALTERED,
    "name": "repeated samples, altered, grouped, majority",
    "extra": [REPEATED_ALTERED["extra"][0].replace("'mean'", "'majority'"), REPEATED_ALTERED["extra"][1]],
    "options": REPEATED_ALTERED["options"] + ["--aggregate", "majority"],
}


def statements(path):
    """The SQL statements of a file (comment lines dropped, split on ';')."""
    text = "\n".join(l for l in path.read_text().splitlines() if not l.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def script(params, extra=(), pairs=False, repeated=False):
    """The statements to run, the last one returning the counts table: the parameters, then
    counts.sql, then (with pairs) pairs.sql in place of counts.sql's last statement; or (with
    repeated) repeated.sql alone."""
    if repeated:
        return statements(params) + list(extra) + statements(SQL / "repeated.sql")
    counts = statements(SQL / "counts.sql")
    if pairs:
        return statements(params) + list(extra) + counts[:-1] + statements(SQL / "pairs.sql")
    return statements(params) + list(extra) + counts


def run_duckdb(tables, where, stmts, out):
    import duckdb

    con = duckdb.connect()
    for name, path in tables.items():
        condition = f" WHERE {where}" if where else ""
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}'){condition}")
    *setup, final = stmts
    for stmt in setup:
        con.execute(stmt)
    con.execute(f"COPY ({final}) TO '{out}' (FORMAT PARQUET)")
    return out


_spark = None


def run_spark(tables, where, stmts, out):
    global _spark
    from pyspark.sql import SparkSession

    if _spark is None:
        _spark = (SparkSession.builder.master("local[2]").appName("amplify-counts")
                  .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                  .config("spark.sql.shuffle.partitions", "4")
                  .getOrCreate())
        _spark.sparkContext.setLogLevel("ERROR")
    for name, path in tables.items():
        frame = _spark.read.parquet(str(path))
        if where:
            frame = frame.where(where)
        frame.createOrReplaceTempView(name)
    *setup, final = stmts
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
    """A counts file as {keys: {count column: value}} (zeros left out: a column one file lacks
    reads as 0, as amplify reads it), for a readable diff."""
    import duckdb

    # A CSV as text: a type-guessing reader would take a cell like 0101 for a number.
    reader = f"read_csv('{path}', all_varchar = true)" if str(path).endswith(".csv") else f"read_parquet('{path}')"
    cursor = duckdb.connect().execute(f"SELECT * FROM {reader}")
    names = [d[0] for d in cursor.description]
    keys = [i for i, n in enumerate(names) if n in KEY_COLUMNS]
    values = [i for i, n in enumerate(names) if n not in KEY_COLUMNS]
    text = lambda v: "" if v is None else str(v)
    return {tuple(text(r[i]) for i in keys): {names[i]: int(r[i]) for i in values if int(r[i]) != 0}
            for r in cursor.fetchall()}


def diff_counts(ours, theirs, level_scores=True):
    """Row by row; without `level_scores`, amplify's per-level overall-score rows (`model` rows
    with a level) are left out: sql/repeated.sql does not write them (see its header)."""
    a, b = rows_of(ours), rows_of(theirs)
    if not level_scores:
        level = KEY_COLUMNS.index("level")
        a = {k: v for k, v in a.items() if not (k[0] == "model" and k[level] != "")}
    lines = [f"  only in amplify count: {k} {v}" for k, v in a.items() if k not in b]
    lines += [f"  only in SQL: {k} {v}" for k, v in b.items() if k not in a]
    for k in (k for k in a if k in b and a[k] != b[k]):
        columns = sorted(set(a[k]) | set(b[k]))
        cells = ", ".join(f"{c} amplify {a[k].get(c, 0)} SQL {b[k].get(c, 0)}"
                          for c in columns if a[k].get(c, 0) != b[k].get(c, 0))
        lines.append(f"  differs: {k}: {cells}")
    return lines


def compare_findings(binary, raw_args, checks, sections):
    """Findings from the raw files against findings from each set of counts files (a section
    absent from both, e.g. pair_truth without a truth, is equal)."""
    raw = amplify_json(binary, raw_args)
    problems = []
    for label, counts_args in checks.items():
        found = amplify_json(binary, counts_args)
        for section in sections:
            if found.get(section) != raw.get(section):
                problems.append(f"  {label}: findings section '{section}' differs from the raw files'")
    return raw, problems


def check_sample(binary, run, tmp):
    """counts.sql over data/sample, whole and in two shards by id."""
    tables = {n: SAMPLE / (n + ".parquet") for n in TABLES}
    stmts = script(SQL / "params_sample.sql")
    full = run(tables, None, stmts, tmp / "counts.parquet")
    shards = [run(tables, f"id % 2 = {k}", stmts, tmp / f"shard{k}.parquet") for k in (0, 1)]
    ours = tmp / "amplify_counts.parquet"
    raw_files = [str(p) for p in tables.values()]
    subprocess.run([binary, "count", *raw_files, *OPTIONS, "-o", str(ours)], check=True, capture_output=True)
    problems = diff_counts(ours, full)
    checks = {"whole table": ["--counts", str(full)],
              "two shards summed": ["--counts", str(shards[0]), "--counts", str(shards[1])]}
    _, more = compare_findings(binary, raw_files + OPTIONS, checks, SECTIONS)
    # The baseline alone (no model): the data's own rows only.
    alone = script(SQL / "params_sample.sql", ONE_SOURCE)
    one = run(tables, None, alone, tmp / "alone.parquet")
    ours_one = tmp / "amplify_alone.parquet"
    subprocess.run([binary, "count", raw_files[0], *OPTIONS, "-o", str(ours_one)], check=True, capture_output=True)
    problems += [f"  one source: {line}" for line in diff_counts(ours_one, one)]
    _, alone_more = compare_findings(binary, raw_files[:1] + OPTIONS, {"one source": ["--counts", str(one)]}, SECTIONS)
    return problems + more + alone_more, f"{len(rows_of(full))} counts rows; one source alone: {len(rows_of(one))}"


def long_file(binary, tmp, data):
    """A long pair file of the sample: from data/sample, else generated (seeded) into tmp."""
    committed = SAMPLE / f"{data}.parquet"
    if committed.exists():
        return committed
    generated = tmp / "generated"
    if not (generated / f"{data}.parquet").exists():
        subprocess.run([binary, "sample", "--out", str(generated)], check=True, capture_output=True)
    return generated / f"{data}.parquet"


def split_pairs(binary, tmp, case):
    """The case's long file, changed, split into one Parquet file per source: the whole data and
    two shards by pair (an item goes with its pair, so no pair straddles the shards)."""
    import duckdb

    folder = tmp / case["data"]
    parts = {part: {n: folder / part / f"{n}.parquet" for n in TABLES} for part in ("whole", "shard0", "shard1")}
    if folder.exists():  # made for an earlier case with the same data
        return parts
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{long_file(binary, tmp, case['data'])}')")
    for change in case["changes"]:
        con.execute(change)
    con.execute("CREATE TABLE shard_of AS SELECT id, COALESCE(MAX(pair_id), 0) % 2 AS shard FROM t GROUP BY id")
    for part, paths in parts.items():
        (folder / part).mkdir(parents=True)
        for source, path in paths.items():
            dropped = ", ".join(["source", *case["drop"].get(source, [])])
            where = f"source = '{source}'"
            if part != "whole":
                where += f" AND id IN (SELECT id FROM shard_of WHERE shard = {part[-1]})"
            con.execute(f"COPY (SELECT * EXCLUDE ({dropped}) FROM t WHERE {where}) TO '{path}' (FORMAT PARQUET)")
    return parts


def check_pairs(binary, run, tmp, case):
    """counts.sql + pairs.sql over one pair case, whole and in two shards by pair."""
    parts = split_pairs(binary, tmp, case)
    stmts = script(case["params"], case["extra"], pairs=True)
    stem = case["name"].replace(" ", "_").replace(",", "")
    full = run(parts["whole"], None, stmts, tmp / f"{stem}.parquet")
    shards = [run(parts[f"shard{k}"], None, stmts, tmp / f"{stem}_shard{k}.parquet") for k in (0, 1)]
    raw_files = [str(p) for p in parts["whole"].values()]
    ours = tmp / f"{stem}_amplify.parquet"
    subprocess.run([binary, "count", *raw_files, *case["options"], "-o", str(ours)], check=True,
                   capture_output=True)
    problems = diff_counts(ours, full)
    checks = {"whole table": ["--counts", str(full)],
              "two shards summed": ["--counts", str(shards[0]), "--counts", str(shards[1])]}
    raw, more = compare_findings(binary, raw_files + case["options"], checks, SECTIONS + PAIR_SECTIONS)
    problems += more
    rows = rows_of(full)
    pairing = raw.get("pairing") or {}
    if not pairing.get("complete") or not raw.get("pair_tests"):
        problems.append("  the raw files gave no complete pairs or no pair tests: nothing was checked")
    pair_rows = sum(1 for k in rows if k[0] == "pair")
    empty = sum(1 for k in rows if k[0] == "pair" and k[-1] == "----")
    return problems, (f"{len(rows)} counts rows, {pair_rows} pair rows ({empty} empty tables); pairs: "
                      f"{pairing.get('complete')} complete, {pairing.get('missing_side')} missing a side, "
                      f"{pairing.get('duplicate_side')} with a side twice")


def split_repeats(tmp, case):
    """The repeated set, changed, as one Parquet file per source: the whole data and two shards
    by item (every row of an item, in every source, in one shard)."""
    import duckdb

    folder = tmp / case["data"]
    parts = {part: {n: folder / part / f"{n}.parquet" for n in REPEAT_TABLES} for part in ("whole", "shard0", "shard1")}
    if folder.exists():  # made for an earlier case with the same data
        return parts
    con = duckdb.connect()
    for name in REPEAT_TABLES:
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{SAMPLE / (name + '.parquet')}')")
    for change in case["changes"]:
        con.execute(change)
    for part, paths in parts.items():
        (folder / part).mkdir(parents=True)
        for name, path in paths.items():
            where = "" if part == "whole" else f" WHERE CAST(SUBSTR(id, 6) AS INTEGER) % 2 = {part[-1]}"
            con.execute(f"COPY (SELECT * FROM {name}{where}) TO '{path}' (FORMAT PARQUET)")
    return parts


def check_repeated(binary, run, tmp, case):
    """repeated.sql over one repeated case, whole and in two shards by item."""
    parts = split_repeats(tmp, case)
    stmts = script(SQL / "params_sample_repeats.sql", case["extra"], repeated=True)
    stem = case["name"].replace(" ", "_").replace(",", "")
    full = run(parts["whole"], None, stmts, tmp / f"{stem}.parquet")
    shards = [run(parts[f"shard{k}"], None, stmts, tmp / f"{stem}_shard{k}.parquet") for k in (0, 1)]
    raw_files = [str(p) for p in parts["whole"].values()]
    ours = tmp / f"{stem}_amplify.parquet"
    subprocess.run([binary, "count", *raw_files, *case["options"], "-o", str(ours)], check=True,
                   capture_output=True)
    problems = diff_counts(ours, full, level_scores=False)
    checks = {"whole table": ["--counts", str(full)],
              "two shards summed": ["--counts", str(shards[0]), "--counts", str(shards[1])]}
    raw, more = compare_findings(binary, raw_files + case["options"], checks, REPEAT_SECTIONS)
    problems += more
    rows = rows_of(full)
    if not raw.get("instability"):
        problems.append("  the raw files gave no instability rows: nothing was checked")
    kinds = {kind: sum(1 for k in rows if k[0] == kind) for kind in ("metric", "truth", "repeat")}
    # Rows written as sums (fractional item values) and as 2x2 cells / whole sums (values all 0/1).
    sliced = [v for k, v in rows.items() if k[0] in ("metric", "truth", "model")]
    sums = sum(1 for v in sliced if any(c.startswith("sum_") for c in v))
    return problems, (f"{len(rows)} counts rows ({kinds['metric']} metric, {kinds['truth']} truth, "
                      f"{kinds['repeat']} repeat; of the metric, truth and model rows {sums} with "
                      f"item-level sums, {len(sliced) - sums} with 2x2 cells or whole sums)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["duckdb", "spark"], required=True)
    parser.add_argument("--amplify", required=True, help="path of the amplify binary")
    parser.add_argument("--case", default="", help="run only the cases whose name contains this")
    args = parser.parse_args()
    run = run_duckdb if args.engine == "duckdb" else run_spark
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        cases = [("sample", lambda: check_sample(args.amplify, run, tmp), SECTIONS)]
        for case in (SWAP, FLIP, FLIP_REVERSED):
            cases.append((case["name"], lambda case=case: check_pairs(args.amplify, run, tmp, case),
                          SECTIONS + PAIR_SECTIONS))
        for case in (REPEATED, REPEATED_ALTERED, REPEATED_MAJORITY):
            cases.append((case["name"], lambda case=case: check_repeated(args.amplify, run, tmp, case),
                          REPEAT_SECTIONS))
        for name, check, sections in [c for c in cases if args.case in c[0]]:
            start = time.monotonic()
            problems, summary = check()
            took = time.monotonic() - start
            if problems:
                failed = True
                print(f"{args.engine}, {name}: the SQL does NOT reproduce amplify ({took:.0f} s):\n"
                      + "\n".join(problems[:40]))
            else:
                print(f"{args.engine}, {name}: the SQL reproduces amplify exactly ({summary}; findings equal "
                      f"for the whole table and for two shards summed: {', '.join(sections)}; {took:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
