"""``--set key.path=value``: change one value of a scenario without writing a new file.

Each override is parsed as YAML by the file reader's own safe rules and merged into the
document read from the file (its ``extends`` resolved) before validation, so the value is
checked exactly as if it had been written in the file; an error names ``--set`` and the key.
No validation of meaning here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tariffsim.errors import TariffsimError, shown
from tariffsim.scenario.loading import Document
from tariffsim.scenario.yamlfile import Path_, canonical_key, parse_value

ORIGIN = "--set"
"""How an overridden value's place is named in error messages."""

EXAMPLE = "tranches.list3.schedule.2019-01-01.rate='20 %'"

_SCALAR_FORM = ("rate", "value")
"""Keys a file may write as a bare scalar (``2019-01-01: 25 %``): setting one replaces it."""


def parse_override(text: str) -> tuple[Path_, Any]:
    """Split ``key.path=value`` into the key path and the value built from YAML text."""
    key, sep, value = text.partition("=")
    parts = tuple(canonical_key(p.strip()) for p in key.split("."))
    if not sep or not all(parts):
        raise TariffsimError(
            f"expected key.path=value, got {shown(text)}",
            field=ORIGIN,
            hint=f"e.g. --set {EXAMPLE}",
        )
    return parts, parse_value(value.strip(), ORIGIN, parts)


def apply_overrides(document: Document, overrides: Sequence[str]) -> Document:
    """Set each ``key.path=value`` in ``document`` (in order; later ones win) and return it.

    Missing mappings on the way are created (a new schedule date, say); a key set inside a
    value the file wrote as a bare scalar replaces that scalar when the key is its scalar
    form (``rate``, ``value``). The line map points every key set here at ``--set``.
    """
    for text in overrides:
        path, value = parse_override(text)
        parent = document.data
        for depth, part in enumerate(path[:-1]):
            child = parent.get(part)
            if child is None:
                child = parent[part] = {}
            elif not isinstance(child, dict):
                if path[depth + 1] in _SCALAR_FORM and depth + 2 == len(path):
                    child = parent[part] = {}
                else:
                    raise TariffsimError(
                        f"'{'.'.join(path[: depth + 1])}' is a single value, not a mapping",
                        file=ORIGIN,
                        field=".".join(path),
                        hint=f"set it whole: --set {'.'.join(path[: depth + 1])}=…",
                    )
            parent = child
        parent[path[-1]] = value
        for stale in [p for p in document.lines if p[: len(path)] == path]:
            del document.lines[stale]
        for end in range(1, len(path) + 1):
            document.lines.setdefault(path[:end], (ORIGIN, None))
        document.lines[path] = (ORIGIN, None)
        _locate_inside(document, path, value)
    return document


def _locate_inside(document: Document, path: Path_, value: Any) -> None:
    """Point the keys inside a mapping value at ``--set`` too."""
    if isinstance(value, dict):
        for key, inner in value.items():
            document.lines[(*path, key)] = (ORIGIN, None)
            _locate_inside(document, (*path, key), inner)
