"""``--set key.path=value``: change one value of a scenario without writing a new file.

Each override is parsed as YAML by the file reader's own safe rules and merged into the
document read from the file (its ``extends`` resolved) before validation, so the value is
checked exactly as if it had been written in the file; an error names ``--set`` and the key.

A value set here is the user's, not the file's source's: the sourced value it lands in (a
schedule step, ``imports``, an assumption: a mapping with a ``source`` and a ``rate`` or
``value``) cites the source :data:`~tariffsim.scenario.edits.SET_SOURCE` instead, and each
override is recorded as an :class:`~tariffsim.scenario.edits.Edit` (key, new value, the value
it replaced) for the outputs to list. No validation of meaning here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tariffsim.errors import TariffsimError, shown
from tariffsim.scenario.edits import SET_SOURCE, Edit, written
from tariffsim.scenario.fields import allowed_keys
from tariffsim.scenario.loading import Document
from tariffsim.scenario.yamlfile import Path_, canonical_key, parse_value

ORIGIN = SET_SOURCE
"""How an overridden value's place is named in error messages."""

EXAMPLE = "tranches.list3.schedule.2019-01-01.rate='20 %'"

_SCALAR_FORM = ("rate", "value")
"""Keys a file may write as a bare scalar (``2019-01-01: 25 %``): setting one replaces it."""

_NOT_THE_VALUE = ("source", "note", "announced", "decided")
"""Keys of a sourced value whose change leaves its number the source's (its dates among
them: the rate is still the one the source gives)."""

SET_SOURCE_TITLE = "your values, set on the command line with --set"


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


def apply_overrides(document: Document, overrides: Sequence[str]) -> tuple[Edit, ...]:
    """Set each ``key.path=value`` in ``document`` (in order; later ones win); return the edits.

    Missing mappings on the way are created (a new schedule date, say); a key set inside a
    value the file wrote as a bare scalar replaces that scalar when the key is its scalar
    form (``rate``, ``value``). The line map points every key set here at ``--set``, and an
    entry under a block (``tranches.list9``) that was not there is recorded in
    ``document.introduced``. A sourced value changed here cites ``--set`` (declared under
    ``sources:`` with the list of edits) unless the override names its source itself.
    A key set twice keeps one edit: the last value, and what the file had.
    """
    edits: dict[str, Edit] = {}
    cited = False
    for text in overrides:
        path, value = parse_override(text)
        was = _written_at(document.data, path)
        target = _sourced(path)
        before = _at(document.data, target) if target else None
        if len(path) >= 2 and _at(document.data, path[:2]) is None:
            document.introduced.setdefault(path[:2], (ORIGIN, None))
        _set(document, path, value)
        key = ".".join(path)
        earlier = edits.pop(key, None)
        was_source = before.get("source") if isinstance(before, dict) else None
        edit = Edit(key, written(value), was, was_source if isinstance(was_source, str) else None)
        if earlier is not None:
            edit = Edit(key, edit.value, earlier.was, earlier.was_source)
        edits[key] = edit
        if target is not None and not (
            len(path) > len(target) and path[len(target)] in _NOT_THE_VALUE
        ):
            cited |= _cite_set(document, target, edit)
        for inner in _sourced_inside(path, value) if target is None else ():
            cited |= _cite_set(document, inner, edit)  # a whole new tranche's steps, say
    if cited and isinstance(document.data.setdefault("sources", {}), dict):
        note = "; ".join(e.describe() for e in edits.values())
        document.data["sources"][SET_SOURCE] = {"title": SET_SOURCE_TITLE, "note": note}
        document.lines[("sources", SET_SOURCE)] = (ORIGIN, None)
    return tuple(edits.values())


def _set(document: Document, path: Path_, value: Any) -> None:
    """Put ``value`` at ``path``, creating mappings on the way, and point the lines at --set."""
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


def _sourced(path: Path_) -> Path_ | None:
    """The deepest sourced value on ``path`` (``path`` itself included), or None.

    A sourced value is a mapping a file may write as a bare number: it allows a ``source``
    and a ``rate`` or ``value`` (a schedule step, ``imports``, an assumption). A tranche or
    a measure is not one: setting its label leaves its numbers cited as they were.
    """
    from tariffsim.scenario.schema import Scenario

    for end in range(len(path), 0, -1):
        keys = allowed_keys(Scenario, path[:end])
        if "source" in keys and any(k in keys for k in _SCALAR_FORM):
            return path[:end]
    return None


def _sourced_inside(path: Path_, value: Any) -> list[Path_]:
    """The sourced values inside a mapping set whole (a new tranche's ``imports`` and each
    step of its ``schedule``), outermost first; none inside a sourced value."""
    if not isinstance(value, dict):
        return []
    found: list[Path_] = []
    for key, inner in value.items():
        here = (*path, canonical_key(str(key)))
        found += [here] if _sourced(here) == here else _sourced_inside(here, inner)
    return found


def _cite_set(document: Document, target: Path_, edit: Edit) -> bool:
    """Make the sourced value at ``target`` cite ``--set``; False when the user named a source.

    A bare number the override wrote there becomes ``{rate|value: number, source: --set}``;
    a note the file wrote about the replaced value is replaced by what the override changed.
    """
    from tariffsim.scenario.schema import Scenario

    node = _at(document.data, target)
    if not isinstance(node, dict):
        keys = allowed_keys(Scenario, target)
        scalar = "rate" if "rate" in keys else "value"
        node = {scalar: node}
        _put(document.data, target, node)  # its key gets no line: errors name the value
    elif node.get("source") == SET_SOURCE:  # an earlier override's: its note names this one
        if str(node.get("note", "")).startswith("set with --set: "):
            node["note"] = f"set with --set: {edit.describe()}"
        return True
    elif "source" in node and document.lines.get((*target, "source")) == (ORIGIN, None):
        return False  # the user's own source, set with --set
    node["source"] = SET_SOURCE
    document.lines[(*target, "source")] = (ORIGIN, None)
    if "note" in node and document.lines.get((*target, "note")) != (ORIGIN, None):
        node["note"] = f"set with --set: {edit.describe()}"
    return True


def _written_at(data: dict[str, Any], path: Path_) -> str | None:
    """The value at ``path`` before an override, as short text (None: not there)."""
    found = _at(data, path)
    if found is None and path[-1] in _SCALAR_FORM:
        bare = _at(data, path[:-1])
        found = None if isinstance(bare, dict) else bare
    return None if found is None else written(found, number=True)


def _at(data: Any, path: Path_) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _put(data: dict[str, Any], path: Path_, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _locate_inside(document: Document, path: Path_, value: Any) -> None:
    """Point the keys inside a mapping value at ``--set`` too."""
    if isinstance(value, dict):
        for key, inner in value.items():
            document.lines[(*path, key)] = (ORIGIN, None)
            _locate_inside(document, (*path, key), inner)
