"""Coverage of `amplify leakage`'s influence-function interval at scale (docs/METHODS.md,
"Attribute leakage"): per simulation, N items of two levels, a human and a model text of WORDS
words each from a Zipf-like VOCAB-word vocabulary, and a planted word in a share of level-a
texts (HUMAN_SHARE of the human texts, MODEL_SHARE of the model's; equal shares: no
amplification); runs the binary and counts how often the LIC difference's 95% interval covers 0
or lies above it. Seeded (simulation s uses seed 1000 + s for the texts, s for the folds).

Usage: python bench/leakage_coverage.py AMPLIFY N VOCAB WORDS SIMS HUMAN_SHARE [MODEL_SHARE]
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl


def word(i: int) -> str:
    """A letters-only word per index (amplify's tokens are letters)."""
    out = "q"
    while True:
        out += "abcdefghijklmnoprstuvwxyz"[i % 25]
        i //= 25
        if i == 0:
            return out


def main() -> None:
    amplify, n, vocab, words, sims = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    human_share = float(sys.argv[6])
    model_share = float(sys.argv[7]) if len(sys.argv) > 7 else human_share
    weights = 1.0 / (np.arange(vocab) + 10.0)
    weights /= weights.sum()
    names = np.array([word(i) for i in range(vocab)])
    covered = above = 0
    z = []
    with tempfile.TemporaryDirectory() as tmp:
        human, model = Path(tmp) / "h.parquet", Path(tmp) / "m.parquet"
        for s in range(sims):
            rng = np.random.default_rng(1000 + s)
            group = np.where(rng.random(n) < 0.5, "a", "b")

            def texts(share: float) -> list[str]:
                rows = [" ".join(names[r]) for r in rng.choice(vocab, size=(n, words), p=weights)]
                hit = (group == "a") & (rng.random(n) < share)
                return [f"{r} zzplanted" if h else r for r, h in zip(rows, hit)]

            pl.DataFrame({"id": np.arange(n), "group": group, "response": texts(human_share)}).write_parquet(human)
            pl.DataFrame({"id": np.arange(n), "response": texts(model_share)}).write_parquet(model)
            run = [amplify, "leakage", str(human), str(model), "--group", "group", "--format", "json", "--seed", str(s)]
            doc = json.loads(subprocess.run(run, capture_output=True, text=True, check=True).stdout)
            row = next(r for r in doc["amplification"] if r["measure"] == "lic")
            (low, high), d = row["ci"], row["difference"]
            z.append(d / ((high - low) / (2 * 1.959963984540054)))
            covered += low <= 0 <= high
            above += low > 0
    print(f"{n} items, {vocab} words, shares {human_share}/{model_share}: interval covers 0 in {covered} of {sims}, "
          f"above 0 in {above}; sd(d/SE) {np.std(z):.2f}")


if __name__ == "__main__":
    main()
