"""``Findings``: the findings document of a run, each section as a polars DataFrame."""

from __future__ import annotations

import copy
import html
import json
import os
from pathlib import Path
from typing import Any

from . import _amplify
from ._errors import call

# List sections of the document, by property name.
_LISTS = (
    "inputs",
    "alignment",
    "comparisons",
    "overall",
    "truth",
    "truth_tests",
    "groupings",
    "groups",
    "bias_amplification",
    "heterogeneity",
    "agreement",
    "differential",
    "corrected",
    "corrected_groups",
    "pairs",
    "pair_tests",
    "pair_truth",
    "instability",
)


def _flatten(row: dict[str, Any]) -> dict[str, Any]:
    """An interval ``[low, high]`` becomes two columns ``NAME_low`` and ``NAME_high``."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        # Intervals, and bounds (the missing section's rates are [lowest, highest] too).
        bounds = key.endswith("_rate") and isinstance(value, list)
        if key.endswith(("_ci", "_bounds")) or key in ("ci", "bounds") or bounds:
            low, high = value if isinstance(value, list) and len(value) == 2 else (None, None)
            out[f"{key}_low"], out[f"{key}_high"] = low, high
        else:
            out[key] = value
    return out


def frame(rows: list[dict[str, Any]], **constant: Any) -> Any:
    """A polars DataFrame of ``rows`` (intervals flattened), ``constant`` columns first; an empty
    frame when there are no rows."""
    import polars as pl

    if not rows:
        return pl.DataFrame()
    return pl.DataFrame([{**constant, **_flatten(r)} for r in rows], infer_schema_length=None)


class Findings:
    """The findings of one run (schema ``amplify.findings/4``).

    Every section is a property holding a polars DataFrame (an empty one when the run has no such
    section); intervals are two columns, ``*_ci_low`` and ``*_ci_high``. ``to_dict()`` gives the
    document itself, ``to_json()`` the text ``amplify compare --format json`` prints.
    """

    def __init__(self, document: dict[str, Any], notes: list[str] | None = None) -> None:
        self._doc = document
        #: The notes the command line would have printed on stderr.
        self.notes: list[str] = list(notes or [])

    # -- the document ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A copy of the findings document."""
        return copy.deepcopy(self._doc)

    def to_json(self, path: os.PathLike | None = None) -> str:
        """The document as ``amplify compare --format json`` writes it; also written to ``path``."""
        text = call(_amplify.render, json.dumps(self._doc), "json")[0]
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def table(self) -> str:
        """The terminal tables ``amplify compare`` prints."""
        return call(_amplify.render, json.dumps(self._doc), "table")[0]

    @property
    def headline(self) -> str:
        """The report's one-sentence summary."""
        return call(_amplify.render, json.dumps(self._doc), "headline")[0]

    def report(self, out_dir: os.PathLike) -> Path:
        """Writes the report folder (HTML, Markdown, findings.json, tables, charts), as
        ``amplify report``; returns the path of its ``index.html``."""
        folder = call(_amplify.write_report, json.dumps(self._doc), os.fspath(out_dir))[0]
        return Path(folder) / "index.html"

    def charts(self, out_dir: os.PathLike) -> Path:
        """Writes every chart (PNG and SVG) into ``out_dir``, as ``compare --charts``."""
        return Path(call(_amplify.write_charts, json.dumps(self._doc), os.fspath(out_dir))[0])

    # -- sections ------------------------------------------------------------------------------
    def section(self, name: str) -> Any:
        """Any list section by its name in the document, as a DataFrame."""
        value = self._doc.get(name)
        return frame(value if isinstance(value, list) else [])

    @property
    def settings(self) -> dict[str, Any]:
        """The settings of the run (confidence, correction, seed, baseline, ...)."""
        return copy.deepcopy(self._doc.get("settings", {}))

    @property
    def pairing(self) -> dict[str, Any] | None:
        """The counterfactual pairs' summary (complete pairs, missing sides), if any."""
        return copy.deepcopy(self._doc.get("pairing"))

    @property
    def versus(self) -> Any:
        """Comparisons of each model with the ``versus`` base model (column ``base``)."""
        v = self._doc.get("versus") or {}
        return frame(v.get("comparisons", []), base=v.get("base"))

    @property
    def versus_overall(self) -> Any:
        """Overall scores against the ``versus`` base model."""
        v = self._doc.get("versus") or {}
        return frame(v.get("overall", []), base=v.get("base"))

    @property
    def versus_truth_tests(self) -> Any:
        """FNR/FPR differences against the ``versus`` base model."""
        v = self._doc.get("versus") or {}
        return frame(v.get("truth_tests", []), base=v.get("base"))

    @property
    def versus_groups(self) -> Any:
        """Gap amplification against the ``versus`` base model."""
        v = self._doc.get("versus") or {}
        return frame(v.get("groups", []), base=v.get("base"))

    @property
    def ranking(self) -> Any:
        """The models ranked by ``rank_by`` (column ``measure``)."""
        r = self._doc.get("ranking") or {}
        return frame(r.get("rows", []), measure=r.get("measure"))

    @property
    def verdict_rates(self) -> Any:
        """Each verdict class's share in the baseline and a model (``--verdict-classes``)."""
        return frame((self._doc.get("verdict_classes") or {}).get("rates", []))

    @property
    def verdict_homogeneity(self) -> Any:
        """The marginal-homogeneity test of the verdict classes per metric and model."""
        return frame((self._doc.get("verdict_classes") or {}).get("homogeneity", []))

    @property
    def verdict_movements(self) -> Any:
        """Softening, both-blame and abstention per metric, source and reference."""
        return frame((self._doc.get("verdict_classes") or {}).get("movements", []))

    @property
    def verdict_tables(self) -> Any:
        """The k×k verdict tables in long form: one row per (metric, source, reference, from, to)."""
        v = self._doc.get("verdict_classes") or {}
        classes = v.get("classes", [])
        rows = [
            {"metric": t["metric"], "source": t["source"], "reference": t["reference"], "from": a, "to": b, "n": n}
            for t in v.get("tables", [])
            for a, counts in zip(classes, t["counts"])
            for b, n in zip(classes, counts)
        ]
        return frame(rows)

    @property
    def data_rates(self) -> Any:
        """The data's own rates (the baseline as a source of its own)."""
        return frame((self._doc.get("data") or {}).get("rates", []))

    @property
    def data_gaps(self) -> Any:
        """The data's own gaps between group levels."""
        return frame((self._doc.get("data") or {}).get("gaps", []))

    @property
    def data_level_tests(self) -> Any:
        """Whether a grouping's levels differ at all in the data (χ² tests)."""
        return frame((self._doc.get("data") or {}).get("level_tests", []))

    @property
    def clustering(self) -> Any:
        """Per comparison, the clusters, both standard errors and the design effect (``cluster``)."""
        c = self._doc.get("clustering") or {}
        return frame(c.get("rows", []), column=c.get("column"))

    @property
    def missing(self) -> Any:
        """Comparisons with many invalid labels: their bounds and tipping points."""
        return frame((self._doc.get("missing") or {}).get("rows", []))

    @property
    def missing_gaps(self) -> Any:
        """Gap amplification under every assignment of the invalid labels."""
        return frame((self._doc.get("missing") or {}).get("gaps", []))

    @property
    def missing_pairs(self) -> Any:
        """Counterfactual pair tests under every assignment of the labels their pairs miss, with tipping points."""
        return frame((self._doc.get("missing") or {}).get("pairs", []))

    @property
    def missing_invalidity(self) -> Any:
        """Whether a model's invalid labels depend on the truth or a level (one row per level)."""
        rows = [
            {**{k: v for k, v in t.items() if k != "levels"}, **level}
            for t in (self._doc.get("missing") or {}).get("invalidity", [])
            for level in t["levels"]
        ]
        return frame(rows)

    # -- display -------------------------------------------------------------------------------
    def __repr__(self) -> str:
        models = sorted({r["model"] for r in self._doc.get("comparisons", [])})
        return f"<amplify Findings: baseline {self._doc.get('settings', {}).get('baseline')!r}, models {models}>"

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = self._doc.get("comparisons", [])
        body = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in _summary_cells(r)) + "</tr>" for r in rows)
        head = "".join(
            f"<th>{h}</th>" for h in ("metric", "model", "n", "baseline", "model rate", "difference (95% CI)", "p adj.")
        )
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>" if rows else ""
        return f'<div class="amplify-findings"><p><strong>{esc(self.headline)}</strong></p>{table}</div>'


for _name in _LISTS:
    setattr(
        Findings,
        _name,
        property(
            (lambda name: lambda self: self.section(name))(_name),
            doc=f"The ``{_name}`` section as a DataFrame (empty when absent).",
        ),
    )


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _summary_cells(r: dict[str, Any]) -> list[str]:
    diff = r.get("difference")
    ci = r.get("difference_ci") or [None, None]
    difference = "–" if diff is None else f"{100 * diff:+.1f} pp"
    if ci[0] is not None:
        difference += f" ({100 * ci[0]:+.1f} to {100 * ci[1]:+.1f})"
    p = r.get("p_adjusted")
    return [
        str(r.get("metric", "")),
        str(r.get("model", "")),
        str(r.get("n", "")),
        _pct(r.get("baseline_rate")),
        _pct(r.get("model_rate")),
        difference,
        "–" if p is None else f"{p:.2g}",
    ]
