"""Seeded response texts for timing `amplify words` and `amplify leakage` (BENCHMARKS.md):
N items, a baseline with a 2-level `group` column and `response` text, and models with `response`,
each text WORDS words drawn from a Zipf-like vocabulary of letters-only words; one planted word
per model is more frequent for group level "a". Usage: python bench/texts.py OUT_DIR N WORDS MODELS
"""

import sys
from pathlib import Path

import numpy as np
import polars as pl


def main() -> None:
    out, n, words, models = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(42)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = np.array(["".join(rng.choice(letters, size=rng.integers(3, 10))) for _ in range(20_000)])
    weights = 1.0 / (np.arange(len(vocab)) + 10.0)
    weights /= weights.sum()
    ids = rng.permutation(n).astype(np.int64)
    group = np.where(rng.random(n) < 0.5, "a", "b")

    def texts(planted: str | None) -> list[str]:
        idx = rng.choice(len(vocab), size=(n, words), p=weights)
        rows = [" ".join(vocab[r]) for r in idx]
        if planted is not None:
            hit = (group == "a") & (rng.random(n) < 0.3)
            rows = [f"{r} {planted}" if h else r for r, h in zip(rows, hit)]
        return rows

    pl.DataFrame({"id": ids, "group": group, "response": texts(None)}).write_parquet(out / "human.parquet")
    for m in range(models):
        order = rng.permutation(n)  # each file in its own row order
        frame = pl.DataFrame({"id": ids, "response": texts(f"planted{'xyz'[m % 3]}")})
        frame[order].write_parquet(out / f"model_{m}.parquet")


if __name__ == "__main__":
    main()
