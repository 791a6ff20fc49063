"""``AmplifyError`` and the one place engine calls become Python results."""

from __future__ import annotations

import sys
from typing import Any, Callable


class AmplifyError(Exception):
    """An error amplify reports: bad input, a bad option value, a file it cannot read or write.

    ``str(error)`` is the command line's one-line message (what, where, how to fix); ``notes``
    holds the notes printed before it.
    """

    def __init__(self, message: str, notes: list[str] | None = None) -> None:
        super().__init__(message)
        self.notes: list[str] = list(notes or [])


def call(
    function: Callable[..., tuple[bool, str, list[str]]],
    *args: Any,
    relabel: Callable[[str], str] = lambda s: s,
    quiet: bool = False,
) -> tuple[str, list[str]]:
    """Calls the engine; prints its notes on stderr (as the command line does) unless ``quiet``;
    raises AmplifyError on failure. Returns ``(text, notes)``."""
    ok, text, notes = function(*args)
    notes = [relabel(n) for n in notes]
    if not quiet:
        for note in notes:
            print(f"amplify: {note}", file=sys.stderr)
    if not ok:
        raise AmplifyError(relabel(text), notes) from None
    return text, notes
