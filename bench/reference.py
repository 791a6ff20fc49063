#!/usr/bin/env python3
"""The reference pipeline of the benchmark: the statistics `amplify compare --group group`
computes, done the straightforward way an analyst would in pandas + scipy + statsmodels.

    python bench/reference.py human.parquet model_1.parquet [model_2.parquet ...]

Per model and metric: inner join on id, drop invalid labels, crosstab, Wilson intervals of both
rates, the paired difference, an exact McNemar test; the overall score's paired t-test; per
group level, a Welch test of the model-minus-human difference against the largest level; Holm
over every p-value. Prints a one-line summary (row counts, number of tests, smallest adjusted p).
"""

import sys

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint


def main(paths):
    human = pd.read_parquet(paths[0])
    # The pairs layout's pair columns are not labels (the reference ignores the pairs).
    metrics = [c for c in human.columns if c not in ("id", "group", "pair_id", "version")]
    reference_level = human["group"].value_counts().idxmax()
    pvalues, rows = [], []
    for path in paths[1:]:
        model = pd.read_parquet(path)
        if "seed" in model.columns:
            # Repeated samples: each item's mean over its valid samples, then paired t tests.
            repeated(human, model, metrics, reference_level, pvalues, rows, path)
            continue
        joined = human.merge(model, on="id", suffixes=("_h", "_m"))
        valid_all = np.ones(len(joined), dtype=bool)
        for metric in metrics:
            h, m = joined[metric + "_h"], joined[metric + "_m"]
            valid = h.isin([0, 1]) & m.isin([0, 1])
            valid_all &= valid.to_numpy()
            pair = joined.loc[valid, [metric + "_h", metric + "_m", "group"]]
            table = pd.crosstab(pair[metric + "_h"], pair[metric + "_m"]).reindex(index=[0, 1], columns=[0, 1], fill_value=0)
            n = int(table.to_numpy().sum())
            h_ones, m_ones = int(table.loc[1].sum()), int(table[1].sum())
            h_ci = proportion_confint(h_ones, n, method="wilson")
            m_ci = proportion_confint(m_ones, n, method="wilson")
            p = mcnemar(table.to_numpy(), exact=True).pvalue
            pvalues.append(p)
            rows.append((path, metric, n, h_ones / n, m_ones / n, h_ci, m_ci, (m_ones - h_ones) / n))
            diff = pair[metric + "_m"].astype(float) - pair[metric + "_h"].astype(float)
            ref = diff[pair["group"] == reference_level]
            for level, part in diff.groupby(pair["group"]):
                if level != reference_level:
                    pvalues.append(stats.ttest_ind(part, ref, equal_var=False).pvalue)
        scored = joined.loc[valid_all]
        h_score = scored[[m + "_h" for m in metrics]].sum(axis=1)
        m_score = scored[[m + "_m" for m in metrics]].sum(axis=1)
        pvalues.append(stats.ttest_rel(m_score, h_score).pvalue)
    adjusted = multipletests(pvalues, method="holm")[1]
    print(f"reference: {len(human)} baseline rows, {len(rows)} comparisons, {len(pvalues)} tests, "
          f"smallest Holm-adjusted p {adjusted.min():.3g}")


def repeated(human, model, metrics, reference_level, pvalues, rows, path):
    """The item-level statistics of amplify's repeated path: item means, paired and Welch t."""
    means = model.drop(columns="seed").groupby("id").mean().reset_index()
    joined = human.merge(means, on="id", suffixes=("_h", "_m"))
    for metric in metrics:
        pair = joined[[metric + "_h", metric + "_m", "group"]].dropna()
        h, m = pair[metric + "_h"].astype(float), pair[metric + "_m"]
        pvalues.append(stats.ttest_rel(m, h).pvalue)
        rows.append((path, metric, len(pair), h.mean(), m.mean()))
        diff = m - h
        ref = diff[pair["group"] == reference_level]
        for level, part in diff.groupby(pair["group"]):
            if level != reference_level:
                pvalues.append(stats.ttest_ind(part, ref, equal_var=False).pvalue)


if __name__ == "__main__":
    main(sys.argv[1:])
