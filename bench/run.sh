#!/usr/bin/env bash
# The benchmark, in one command: installs the Python reference's packages into a venv, then runs
# `cargo bench --bench compare` (amplify vs the polars scan floor vs the pandas/scipy reference).
#   bench/run.sh                          # 1M and 10M items, 5 layouts, 3 repetitions
#   AMPLIFY_BENCH_ITEMS=1000000 AMPLIFY_BENCH_REPS=5 bench/run.sh
#   AMPLIFY_BENCH_LAYOUTS=shuffled,strings bench/run.sh
#   AMPLIFY_BENCH_ITEMS=100000000 AMPLIFY_BENCH_LAYOUTS=shuffled AMPLIFY_BENCH_REPS=1 \
#     AMPLIFY_BENCH_PYTHON= cargo bench --bench compare   # 100M as directories of 10 parts, no reference
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${AMPLIFY_BENCH_VENV:-$HOME/.cache/amplify-bench-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/requirements.txt
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
AMPLIFY_BENCH_PYTHON="$venv/bin/python" exec cargo bench --bench compare
