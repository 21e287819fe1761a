"""The one exception type for user errors, rendered as one line.

``file:line: field: what was expected, got what (hint)``. The CLI turns this
error, and only this error, into one stderr line and exit code 2; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


class TariffsimError(Exception):
    """A problem with the user's input: a file, a field, a value.

    Parameters
    ----------
    message : what was expected and what was found.
    file : the file the problem is in, if any.
    line : 1-based line in ``file``, if known.
    field : dotted path of the offending key, e.g. ``tranches.list3.imports``.
    hint : a suggestion, shown in parentheses.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """The error as one line, with newlines in values flattened."""
        place = ""
        if self.file is not None:
            place = self.file + (f":{self.line}" if self.line is not None else "") + ": "
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        text = f"{place}{field}{self.message}{hint}"
        return " ".join(_printable(text).split())

    def located(self, *, file: str | Path | None = None, line: int | None = None) -> TariffsimError:
        """A copy with the place filled in where it was missing."""
        return TariffsimError(
            self.message,
            file=self.file or (str(file) if file is not None else None),
            line=self.line if self.line is not None else line,
            field=self.field,
            hint=self.hint,
        )


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for quoting input in a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _printable(text: str) -> str:
    """Escape control characters and lone surrogates, so a message can't drive the terminal."""
    if text.isprintable():
        return text
    return "".join(
        ch
        if ch.isprintable() or ch in " \t\n"
        else ch.encode("unicode_escape", "backslashreplace").decode("ascii")
        for ch in text
    )


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A "did you mean 'x'?" hint for a near miss, or None."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
