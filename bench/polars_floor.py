"""The polars floor of a repeated run (issue 23): what an analyst's polars script must at least do
for `compare --sample`: scan each model, take each item's mean of every metric, join the
baseline on the id, and sum per group level the item values, their squares and cross products
(the sufficient statistics of the item-level tests). No statistics, no output.

Usage: python bench/polars_floor.py BASELINE MODEL... (Parquet files with `id` and `group`).
"""

import sys

import polars as pl


def main(paths):
    baseline = pl.scan_parquet(paths[0])
    metrics = [c for c in baseline.collect_schema().names() if c not in ("id", "group")]
    for path in paths[1:]:
        items = (
            pl.scan_parquet(path)
            .group_by("id")
            .agg([pl.col(m).cast(pl.Float64).mean() for m in metrics])
        )
        joined = baseline.join(items, on="id", how="inner", suffix="_m")
        sums = []
        for m in metrics:
            h, x = pl.col(m).cast(pl.Float64), pl.col(f"{m}_m")
            for name, e in [("m", x), ("h", h), ("mm", x * x), ("hh", h * h), ("mh", x * h)]:
                sums.append(e.sum().alias(f"{m}{name}"))
        joined.group_by("group").agg(sums).collect()


if __name__ == "__main__":
    main(sys.argv[1:])
