"""Keyword options to command-line arguments, with the command line's own names.

The engine tells which long options a subcommand has (``_amplify.options``), so ``rank_by="fnr"``
becomes ``--rank-by fnr`` exactly as the CLI would parse it, and an unknown keyword is refused
before any work.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from typing import Any

from . import _amplify

# Options a Python call expresses otherwise: the output goes to the returned object (Findings
# has .to_json(), .report(), .charts(); Words .to_json(), .report()), counts files go to
# compare_counts().
NOT_KEYWORDS = {"help", "version", "format", "output", "charts", "counts", "from", "out", "report"}

Spec = tuple[bool, bool, bool, bool]  # takes_value, repeated, comma, optional_value


@cache
def specs(subcommand: str) -> dict[str, Spec]:
    """The keyword options of a subcommand: python_name -> (takes_value, repeated, comma,
    optional_value)."""
    return {
        name.replace("-", "_"): (takes, repeated, comma, optional)
        for name, takes, repeated, comma, optional in _amplify.options(subcommand)
        if name not in NOT_KEYWORDS
    }


def to_args(function: str, subcommand: str, options: dict[str, Any]) -> list[str]:
    """``--name=value`` arguments for ``options``; TypeError for an unknown or mistyped one."""
    known = specs(subcommand)
    unknown = sorted(k for k in options if k not in known)
    if unknown:
        raise TypeError(
            f"{function}() got unexpected keyword argument(s) {', '.join(map(repr, unknown))}; "
            f"its options are: {', '.join(sorted(known))}"
        )
    args: list[str] = []
    for name, value in options.items():
        if value is None:
            continue
        takes, repeated, comma, optional = known[name]
        flag = "--" + name.replace("_", "-")
        if optional and isinstance(value, bool):
            # An option whose value may be left out (``verdict_classes=True``: the defaults).
            if value:
                args.append(flag)
            continue
        if not takes:
            if not isinstance(value, bool):
                raise TypeError(f"{function}(): {name} is a switch; give True or False, not {type(value).__name__}")
            if value:
                args.append(flag)
            continue
        # `--name=value`: a value that starts with '-' (a negative seed) stays a value.
        args += [f"{flag}={item}" for item in _values(function, name, value, repeated, comma)]
    return args


def _values(function: str, name: str, value: Any, repeated: bool, comma: bool) -> Iterable[str]:
    if isinstance(value, dict):
        value = [f"{k}={_pairs(function, name, v)}" for k, v in value.items()]
        if not repeated:
            value = [",".join(value)]
    if isinstance(value, (list, tuple)):
        items = [_scalar(function, name, v) for v in value]
        if repeated:
            return items
        if comma:
            return [",".join(items)]
        raise TypeError(f"{function}(): {name} takes one value, not a {type(value).__name__}")
    return [_scalar(function, name, value)]


def _pairs(function: str, name: str, value: Any) -> str:
    """The right side of ``key=value`` in a dict option (``map={"gpt.verdict": "col"}``)."""
    if isinstance(value, (dict, list, tuple)):
        raise TypeError(f"{function}(): {name}: a dict's values are strings or numbers, not {type(value).__name__}")
    return _scalar(function, name, value)


def _scalar(function: str, name: str, value: Any) -> str:
    if isinstance(value, bool):
        raise TypeError(f"{function}(): {name} takes a value, not {value!r}")
    if isinstance(value, (str, int, float, os.PathLike)):
        return os.fspath(value) if isinstance(value, os.PathLike) else str(value)
    raise TypeError(f"{function}(): {name} takes a string or number, not {type(value).__name__}")


def derive_args(derive: Any) -> Any:
    """``derive`` may also be ``{grouping: {level: regex}}``: one ``NAME=LEVEL:REGEX`` per level."""
    if isinstance(derive, dict) and all(isinstance(v, dict) for v in derive.values()):
        return [f"{group}={level}:{regex}" for group, levels in derive.items() for level, regex in levels.items()]
    return derive
