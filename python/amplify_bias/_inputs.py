"""Inputs of a call: paths pass as they are; DataFrames are written to Parquet in a private
temporary folder that the call removes when it returns.

Why Parquet and not the Arrow C data interface: the engine reads files (schema check from the
footer, a content hash for the findings' inputs, a streaming scan), and polars writes an
uncompressed Parquet file at about 1 GB/s, a small share of a comparison's time (BENCHMARKS.md,
"From Python"). The findings name such an input ``<DataFrame NAME>`` instead of the temporary path.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


def is_frame(value: Any) -> bool:
    """A polars DataFrame/LazyFrame, a pandas DataFrame or a pyarrow Table (by duck type, so
    that pandas and pyarrow are imported only when the caller has them)."""
    module = type(value).__module__.split(".")[0]
    return module in ("polars", "pandas", "pyarrow") and type(value).__name__ in (
        "DataFrame",
        "LazyFrame",
        "Table",
    )


def _to_polars(value: Any) -> Any:
    import polars as pl

    module = type(value).__module__.split(".")[0]
    if module == "polars":
        return value.collect() if type(value).__name__ == "LazyFrame" else value
    if module == "pandas":
        named_index = any(name is not None for name in value.index.names)
        return pl.from_pandas(value, include_index=named_index)
    return pl.from_arrow(value)


class Staging:
    """A temporary folder for the frames of one call, and the names shown instead of its paths."""

    def __init__(self) -> None:
        self._dir: tempfile.TemporaryDirectory | None = None
        self.labels: dict[str, str] = {}

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._dir is not None:
            self._dir.cleanup()

    def path_of(self, role: str, name: str, value: Any) -> str:
        """The path the engine reads for ``value``: a path as given, a frame written as Parquet."""
        if isinstance(value, (str, os.PathLike)):
            return os.fspath(value)
        if not is_frame(value):
            raise TypeError(
                f"{role} {name!r}: expected a path, a polars or pandas DataFrame or a pyarrow Table, "
                f"not {type(value).__module__}.{type(value).__name__}"
            )
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="amplify-frames-")
        path = str(Path(self._dir.name) / f"{len(self.labels)}.parquet")
        try:
            frame = _to_polars(value)
        except Exception as error:  # pyarrow/polars conversion errors have no common type
            raise TypeError(f"{role} {name!r}: {_unconvertible(value, error)}") from error
        frame.write_parquet(path, compression="uncompressed", statistics=False)
        self.labels[path] = f"<DataFrame {name}>"
        return path

    def inputs(self, baseline: Any, models: Any, baseline_name: str) -> list[str]:
        """Positional arguments: the baseline, then ``NAME=PATH`` per model."""
        args = [] if baseline is None else [self.path_of("baseline", baseline_name, baseline)]
        for name, value in _model_items(models):
            path = self.path_of("model", name, value)
            args.append(path if name is None else f"{name}={path}")
        return args

    def relabel(self, text: str) -> str:
        """``text`` with every temporary path replaced by the frame's name."""
        for path, label in self.labels.items():
            text = text.replace(path, label)
        return text


def _model_items(models: Any) -> list[tuple[str | None, Any]]:
    if models is None:
        return []
    if isinstance(models, dict):
        for name in models:
            if not isinstance(name, str) or not name:
                raise TypeError(f"models: names are non-empty strings, not {name!r}")
            if any(c in name for c in "=/\\"):
                raise ValueError(
                    f"models: model name {name!r} cannot hold '=', '/' or '\\' "
                    "(the command line's NAME=PATH); rename it"
                )
        return list(models.items())
    if isinstance(models, (str, os.PathLike)) or is_frame(models):
        models = [models]
    if isinstance(models, (list, tuple)):
        for value in models:
            if is_frame(value):
                raise TypeError("models: give DataFrames in a dict, name -> frame (a list holds paths)")
        return [(None, value) for value in models]
    raise TypeError(f"models: expected a dict name -> frame or path, or a list of paths, not {type(models).__name__}")


def _unconvertible(value: Any, error: Exception) -> str:
    """Which column of a pandas frame Arrow cannot store (mixed types in an object column)."""
    import polars as pl

    for column in getattr(value, "columns", []):
        try:
            pl.from_pandas(value[[column]])
        except Exception:
            kinds = sorted({type(v).__name__ for v in value[column].dropna()})
            return (
                f"column {str(column)!r} mixes values of types {', '.join(kinds)}, which a column "
                f"cannot hold; convert it to one type (e.g. .astype(str) or pd.to_numeric) ({error})"
            )
    return f"the frame cannot be converted to Arrow: {error}"
