# Type stubs: editors complete compare()'s options. Each keyword is the command-line option of the
# same name (`rank_by` is `--rank-by`); tests/python checks that this list matches the engine's.
from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import polars as pl

_Path = str | PathLike[str]
_Frame = Any  # polars.DataFrame | polars.LazyFrame | pandas.DataFrame | pyarrow.Table
_Input = _Path | _Frame
_Models = Mapping[str, _Input] | Sequence[_Path] | _Path | None
_Names = str | Sequence[str]

__version__: str

class AmplifyError(Exception):
    notes: list[str]
    def __init__(self, message: str, notes: list[str] | None = ...) -> None: ...

class Findings:
    notes: list[str]
    def __init__(self, document: dict[str, Any], notes: list[str] | None = ...) -> None: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self, path: _Path | None = ...) -> str: ...
    def table(self) -> str: ...
    @property
    def headline(self) -> str: ...
    def report(self, out_dir: _Path) -> Path: ...
    def charts(self, out_dir: _Path) -> Path: ...
    def section(self, name: str) -> pl.DataFrame: ...
    @property
    def settings(self) -> dict[str, Any]: ...
    @property
    def pairing(self) -> dict[str, Any] | None: ...
    @property
    def inputs(self) -> pl.DataFrame: ...
    @property
    def alignment(self) -> pl.DataFrame: ...
    @property
    def comparisons(self) -> pl.DataFrame: ...
    @property
    def overall(self) -> pl.DataFrame: ...
    @property
    def truth(self) -> pl.DataFrame: ...
    @property
    def truth_tests(self) -> pl.DataFrame: ...
    @property
    def groupings(self) -> pl.DataFrame: ...
    @property
    def groups(self) -> pl.DataFrame: ...
    @property
    def bias_amplification(self) -> pl.DataFrame: ...
    @property
    def heterogeneity(self) -> pl.DataFrame: ...
    @property
    def agreement(self) -> pl.DataFrame: ...
    @property
    def differential(self) -> pl.DataFrame: ...
    @property
    def corrected(self) -> pl.DataFrame: ...
    @property
    def corrected_groups(self) -> pl.DataFrame: ...
    @property
    def pairs(self) -> pl.DataFrame: ...
    @property
    def pair_tests(self) -> pl.DataFrame: ...
    @property
    def pair_truth(self) -> pl.DataFrame: ...
    @property
    def instability(self) -> pl.DataFrame: ...
    @property
    def versus(self) -> pl.DataFrame: ...
    @property
    def versus_overall(self) -> pl.DataFrame: ...
    @property
    def versus_truth_tests(self) -> pl.DataFrame: ...
    @property
    def versus_groups(self) -> pl.DataFrame: ...
    @property
    def ranking(self) -> pl.DataFrame: ...
    @property
    def verdict_rates(self) -> pl.DataFrame: ...
    @property
    def verdict_homogeneity(self) -> pl.DataFrame: ...
    @property
    def verdict_movements(self) -> pl.DataFrame: ...
    @property
    def verdict_tables(self) -> pl.DataFrame: ...
    @property
    def data_rates(self) -> pl.DataFrame: ...
    @property
    def data_gaps(self) -> pl.DataFrame: ...
    @property
    def data_level_tests(self) -> pl.DataFrame: ...
    @property
    def clustering(self) -> pl.DataFrame: ...
    @property
    def missing(self) -> pl.DataFrame: ...
    @property
    def missing_gaps(self) -> pl.DataFrame: ...
    @property
    def missing_pairs(self) -> pl.DataFrame: ...
    @property
    def missing_invalidity(self) -> pl.DataFrame: ...
    def _repr_html_(self) -> str: ...

class Words:
    notes: list[str]
    def __init__(self, document: dict[str, Any], notes: list[str] | None = ...) -> None: ...
    @property
    def document(self) -> dict[str, Any]: ...
    @property
    def settings(self) -> dict[str, Any]: ...
    @property
    def headline(self) -> str: ...
    @property
    def corpus(self) -> pl.DataFrame: ...
    @property
    def marked(self) -> pl.DataFrame: ...
    @property
    def amplified(self) -> pl.DataFrame: ...
    @property
    def summary(self) -> pl.DataFrame: ...
    def table(self) -> str: ...
    def to_json(self, path: _Path | None = ...) -> str: ...
    def report(self, out_dir: _Path) -> Path: ...

class Leakage:
    notes: list[str]
    def __init__(self, document: dict[str, Any], notes: list[str] | None = ...) -> None: ...
    @property
    def document(self) -> dict[str, Any]: ...
    @property
    def settings(self) -> dict[str, Any]: ...
    @property
    def headline(self) -> str: ...
    @property
    def sources(self) -> pl.DataFrame: ...
    @property
    def amplification(self) -> pl.DataFrame: ...
    @property
    def top_words(self) -> pl.DataFrame: ...
    def table(self) -> str: ...
    def to_json(self, path: _Path | None = ...) -> str: ...
    def report(self, out_dir: _Path) -> Path: ...

def compare(
    baseline: _Input | None,
    models: _Models = ...,
    *,
    id: str | None = ...,
    source_column: str | None = ...,
    baseline_name: str | None = ...,
    metrics: _Names | None = ...,
    invert: _Names | None = ...,
    map: Mapping[str, str] | Sequence[str] | None = ...,
    partial: Literal["invalid", 0, 1] | None = ...,
    truth: str | None = ...,
    verdict: _Names | None = ...,
    verdict_map: Mapping[str, int] | str | None = ...,
    verdict_classes: bool | _Names | None = ...,
    against_truth: _Names | None = ...,
    group: _Names | None = ...,
    derive: Mapping[str, Mapping[str, str]] | Sequence[str] | str | None = ...,
    text: str | None = ...,
    intersect: bool = ...,
    max_levels: int | None = ...,
    pair: str | None = ...,
    variant: str | None = ...,
    variants: _Names | None = ...,
    sample: str | None = ...,
    annotator: str | None = ...,
    repeated: bool = ...,
    aggregate: Literal["mean", "majority", "first"] | None = ...,
    versus: str | None = ...,
    versus_only: bool = ...,
    rank_by: str | None = ...,
    cluster: str | None = ...,
    pairing: str | None = ...,
    engine: str | None = ...,
    confidence: float | None = ...,
    correction: Literal["holm", "bh", "none"] | None = ...,
    test: str | None = ...,
    homogeneity_test: Literal["stuart-maxwell", "bhapkar"] | None = ...,
    seed: int | None = ...,
    reference: Mapping[str, str] | Sequence[str] | str | None = ...,
    min_group: int | None = ...,
    bootstrap: int | None = ...,
    audit: _Path | None = ...,
    audit_source: str | None = ...,
) -> Findings: ...
def compare_counts(
    paths: _Path | Sequence[_Path],
    *,
    baseline_name: str | None = ...,
    truth: str | None = ...,
    verdict: _Names | None = ...,
    versus: str | None = ...,
    versus_only: bool = ...,
    rank_by: str | None = ...,
    cluster: str | None = ...,
    confidence: float | None = ...,
    correction: Literal["holm", "bh", "none"] | None = ...,
    test: str | None = ...,
    homogeneity_test: Literal["stuart-maxwell", "bhapkar"] | None = ...,
    seed: int | None = ...,
    reference: Mapping[str, str] | Sequence[str] | str | None = ...,
    min_group: int | None = ...,
    bootstrap: int | None = ...,
) -> Findings: ...
def count(baseline: _Input | None, models: _Models = ..., *, output: _Path, **options: Any) -> Path: ...
def read_findings(path: _Path) -> Findings: ...
def sample(out_dir: _Path = ..., items: int = ..., seed: int = ...) -> list[Path]: ...
def power(
    pilot: Findings | _Path | None = ...,
    *,
    discordant: float | None = ...,
    effect: float | None = ...,
    items: int | None = ...,
    level_share: float | None = ...,
    positives: float | None = ...,
    alpha: float | None = ...,
) -> dict[str, Any]: ...
def options(function: str = ...) -> list[str]: ...
def words(
    baseline: _Input,
    models: _Models = ...,
    *,
    id: str | None = ...,
    source_column: str | None = ...,
    baseline_name: str | None = ...,
    response: Mapping[str, str] | Sequence[str] | str | None = ...,
    group: _Names | None = ...,
    derive: Mapping[str, Mapping[str, str]] | Sequence[str] | str | None = ...,
    text: str | None = ...,
    reference: str | None = ...,
    mask: str | None = ...,
    stopwords: _Path | None = ...,
    min_count: int | None = ...,
    prior_scale: float | None = ...,
    top: int | None = ...,
) -> Words: ...
def leakage(
    baseline: _Input,
    models: _Models = ...,
    *,
    id: str | None = ...,
    source_column: str | None = ...,
    baseline_name: str | None = ...,
    response: Mapping[str, str] | Sequence[str] | str | None = ...,
    group: _Names | None = ...,
    derive: Mapping[str, Mapping[str, str]] | Sequence[str] | str | None = ...,
    text: str | None = ...,
    mask: str | None = ...,
    stopwords: _Path | None = ...,
    min_df: int | None = ...,
    folds: int | None = ...,
    c: float | None = ...,
    bootstrap: int | None = ...,
    permutations: int | None = ...,
    confidence: float | None = ...,
    seed: int | None = ...,
    top: int | None = ...,
) -> Leakage: ...
