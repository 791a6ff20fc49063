"""``Words`` and ``Leakage``: the documents of ``amplify words`` and ``amplify leakage``, each
section as a polars DataFrame."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from . import _amplify
from ._errors import call
from ._findings import frame


def _sides(row: dict[str, Any]) -> dict[str, Any]:
    """An amplified word with its two sides as ``baseline_*`` and ``model_*`` columns."""
    out = {k: v for k, v in row.items() if k not in ("baseline", "model_side")}
    for prefix, key in (("baseline", "baseline"), ("model", "model_side")):
        out.update({f"{prefix}_{k}": v for k, v in (row.get(key) or {}).items()})
    return out


class _TextDocument:
    """What ``Words`` and ``Leakage`` share: the document, its notes, its outputs."""

    def __init__(self, document: dict[str, Any], notes: list[str] | None = None) -> None:
        self._doc = document
        self.notes: list[str] = list(notes or [])

    @property
    def document(self) -> dict[str, Any]:
        """The whole document as a dict."""
        return self._doc

    @property
    def settings(self) -> dict[str, Any]:
        """The settings of the run."""
        return self._doc.get("settings", {})

    @property
    def headline(self) -> str:
        """The report's one-sentence headline."""
        return call(_amplify.render, json.dumps(self._doc), "headline")[0]

    def table(self) -> str:
        """The terminal tables the command prints."""
        return call(_amplify.render, json.dumps(self._doc), "table")[0]

    def to_json(self, path: os.PathLike | None = None) -> str:
        """The document as the command's ``--format json`` writes it; also written to ``path``."""
        text = call(_amplify.render, json.dumps(self._doc), "json")[0]
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def report(self, out_dir: os.PathLike) -> Path:
        """Writes the report folder (HTML, the document, the table, the charts), as the command's
        ``--report``; returns the path of its ``index.html``."""
        folder = call(_amplify.write_report, json.dumps(self._doc), os.fspath(out_dir))[0]
        return Path(folder) / "index.html"


class Words(_TextDocument):
    """Which words mark a grouping level in each source's responses, and which a model marks
    more or less than the baseline (``amplify words``; document ``amplify.words/1``)."""

    def __repr__(self) -> str:
        models = ", ".join(sorted({s["model"] for s in self._doc.get("summary", [])}))
        return f"<Words {self.settings.get('grouping')}: {models} vs {self.settings.get('baseline')}>"

    @property
    def corpus(self) -> Any:
        """Responses, words and kept words per source and level."""
        return frame(self._doc.get("corpus", []))

    @property
    def marked(self) -> Any:
        """Per source and level, the words most marking the level (z > 0) or the reference."""
        return frame(self._doc.get("marked", []))

    @property
    def amplified(self) -> Any:
        """Per model and level, the words it marks most more (z > 0) and less than the baseline."""
        return frame([_sides(r) for r in self._doc.get("amplified", [])])

    @property
    def summary(self) -> Any:
        """Per model and level: of the baseline's most marked words, those the model marks more."""
        return frame(self._doc.get("summary", []))


class Leakage(_TextDocument):
    """How well a linear attacker reads the group from each source's text, and how much more from
    a model's than from the baseline's on the same items (``amplify leakage``; ``amplify.leakage/2``)."""

    def __repr__(self) -> str:
        return f"<Leakage {self.settings.get('grouping')}: {self._doc.get('items')} items>"

    @property
    def sources(self) -> Any:
        """Each source's balanced accuracy and LIC with intervals and chance."""
        return frame(self._doc.get("sources", []))

    @property
    def amplification(self) -> Any:
        """Each model − baseline, per measure, with interval and p-value (``ci_method``/``p_method``:
        LIC's influence function by default, ``bootstrap``/``permutation`` when asked)."""
        return frame(self._doc.get("amplification", []))

    @property
    def top_words(self) -> Any:
        """Per source and level, the words the attacker weighs most toward it."""
        return frame(self._doc.get("top_words", []))
