"""amplify_bias: how much language models amplify the biases of a dataset relative to a human
baseline, from Python, on the same engine as the ``amplify`` command line.

>>> import amplify_bias as ab
>>> findings = ab.compare(human_df, {"gpt": gpt_df}, truth="crowd_verdict", verdict="verdict")
>>> findings.comparisons            # a polars DataFrame
>>> findings.report("reports/run")  # the same folder as `amplify report`

Options are the command line's, as keywords (``rank_by="fnr"`` is ``--rank-by fnr``); see
``amplify compare --help`` for what each means.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import _amplify
from ._errors import AmplifyError, call
from ._findings import Findings
from ._inputs import Staging
from ._options import derive_args, specs, to_args
from ._words import Leakage, Words

__all__ = [
    "AmplifyError",
    "Findings",
    "Leakage",
    "Words",
    "compare",
    "compare_counts",
    "count",
    "leakage",
    "power",
    "read_findings",
    "sample",
    "words",
    "__version__",
]

__version__: str = _amplify.version()


def _prepare(options: dict[str, Any]) -> dict[str, Any]:
    if "derive" in options:
        options = {**options, "derive": derive_args(options["derive"])}
    return options


def _relabel_inputs(document: dict[str, Any], staging: Staging) -> dict[str, Any]:
    for record in document.get("inputs", []):
        record["path"] = staging.labels.get(record.get("path"), record.get("path"))
    return document


def compare(baseline: Any, models: Any = None, **options: Any) -> Findings:
    """Compares model labels with the baseline: rates, paired differences, tests.

    ``baseline`` is a path (file, folder or glob) or a polars/pandas DataFrame or pyarrow Table;
    ``models`` a dict ``name -> frame or path``, or a list of paths (``NAME=PATH`` allowed), or
    None for one file holding every source (``source_column``) or the data alone. Keyword options
    are ``amplify compare``'s (``id``, ``metrics``, ``truth``, ``verdict``, ``group``, ``derive``,
    ``reference``, ``sample``, ``annotator``, ``pair``, ``variant``, ``variants``, ``versus``,
    ``rank_by``, ``audit``, ``confidence``, ``correction``, ``seed``, ...).
    """
    options = _prepare(options)
    args = to_args("compare", "compare", options)
    with Staging() as staging:
        inputs = staging.inputs(baseline, models, str(options.get("baseline_name") or "human"))
        text, notes = call(_amplify.run, ["compare", *inputs, *args], relabel=staging.relabel)
        return Findings(_relabel_inputs(json.loads(text), staging), notes)


def compare_counts(paths: Any, **options: Any) -> Findings:
    """Compares from counts tables (``amplify count`` or sql/), merging shards: ``compare --counts``."""
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not paths:
        raise TypeError("compare_counts(): give at least one counts file")
    for p in paths:
        if not isinstance(p, (str, os.PathLike)):
            raise TypeError(f"compare_counts(): counts files are paths, not {type(p).__name__}")
    counts = [a for p in paths for a in ("--counts", os.fspath(p))]
    text, notes = call(_amplify.run, ["compare", *counts, *to_args("compare_counts", "compare", options)])
    return Findings(json.loads(text), notes)


def count(baseline: Any, models: Any = None, *, output: os.PathLike, **options: Any) -> Path:
    """Reduces inputs to the mergeable counts table at ``output`` (.parquet or .csv): ``amplify
    count``. Takes ``compare``'s inputs and options; returns ``output``."""
    options = _prepare(options)
    args = to_args("count", "count", options)
    with Staging() as staging:
        inputs = staging.inputs(baseline, models, str(options.get("baseline_name") or "human"))
        call(_amplify.run, ["count", *inputs, *args, "-o", os.fspath(output)], relabel=staging.relabel)
    return Path(output)


def read_findings(path: os.PathLike) -> Findings:
    """Reads a saved findings.json (this version's or an older one)."""
    text, notes = call(_amplify.read_findings, os.fspath(path))
    return Findings(json.loads(text), notes)


def sample(out_dir: os.PathLike = "data/sample", items: int = 3000, seed: int = 42) -> list[Path]:
    """Writes the seeded ELEPHANT-like sample data set into ``out_dir``; returns its files."""
    for name, value in (("items", items), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"sample(): {name} is an integer, not {type(value).__name__}")
    call(_amplify.run, ["sample", "--out", os.fspath(out_dir), "--items", str(items), "--seed", str(seed)], quiet=True)
    return sorted(Path(out_dir).glob("*.parquet"))


def power(pilot: Any | None = None, **options: Any) -> dict[str, Any]:
    """Items needed for an effect, or the effect detectable with n items: ``amplify power``.

    Options: ``discordant``, ``effect``, ``items``, ``level_share``, ``positives``, ``alpha``;
    ``pilot`` a pilot's Findings or findings.json path (``--from``). Returns the answer as a dict.
    """
    args = to_args("power", "power", options)
    with tempfile.TemporaryDirectory(prefix="amplify-pilot-") as tmp:
        if isinstance(pilot, Findings):
            path = Path(tmp) / "findings.json"
            pilot.to_json(path)
            args += ["--from", str(path)]
        elif pilot is not None:
            if not isinstance(pilot, (str, os.PathLike)):
                raise TypeError(f"power(): pilot is Findings or a path, not {type(pilot).__name__}")
            args += ["--from", os.fspath(pilot)]
        text, _ = call(_amplify.run, ["power", *args, "--format", "json"])
    return json.loads(text)


def words(baseline: Any, models: Any = None, **options: Any) -> Words:
    """Which words mark a group in each source's responses, and which a model marks more or less
    than the baseline (log-odds with an informative Dirichlet prior): ``amplify words``.

    ``baseline`` (the human texts) and ``models`` as for :func:`compare`; options are ``amplify
    words``'s (``response``: a column name, or ``{source: column}``; ``group`` or ``derive``;
    ``reference``, ``mask``, ``stopwords``, ``min_count``, ``prior_scale``, ``top``, ``text``,
    ``id``, ``baseline_name``). ``Words.report(dir)`` writes the report folder.
    """
    options = _prepare(options)
    args = to_args("words", "words", options)
    with Staging() as staging:
        inputs = staging.inputs(baseline, models, str(options.get("baseline_name") or "human"))
        text, notes = call(_amplify.run, ["words", *inputs, *args], relabel=staging.relabel)
        return Words(_relabel_inputs(json.loads(text), staging), notes)


def leakage(baseline: Any, models: Any = None, **options: Any) -> Leakage:
    """How well a linear attacker (cross-fitted TF-IDF logistic regression) reads the group from
    each source's text, and how much more from a model's text than from the baseline's on the same
    items: ``amplify leakage``. Inputs and text options as for :func:`words`; ``folds``, ``c``,
    ``min_df``, ``bootstrap``, ``permutations``, ``confidence``, ``seed``, ``top``. By default LIC
    gets its influence-function interval and t-test (no re-fit); ``bootstrap=N`` and
    ``permutations=N`` re-fit the attackers (and give balanced accuracy an interval and p-value).
    ``Leakage.report(dir)`` writes the report folder.
    """
    options = _prepare(options)
    args = to_args("leakage", "leakage", options)
    with Staging() as staging:
        inputs = staging.inputs(baseline, models, str(options.get("baseline_name") or "human"))
        text, notes = call(_amplify.run, ["leakage", *inputs, *args], relabel=staging.relabel)
        return Leakage(_relabel_inputs(json.loads(text), staging), notes)


def options(function: str = "compare") -> list[str]:
    """The keyword options a function takes (``compare``, ``count``, ``power``, ``words``,
    ``leakage``)."""
    return sorted(specs({"compare_counts": "compare"}.get(function, function)))
