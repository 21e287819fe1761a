"""A tranche, measure or flow id that a child file or ``--set`` misspelt, named as such.

A child file (``extends: hold.yaml``) and ``--set`` change an entry by naming its id:
``tranches: {list3: {schedule: ...}}``. Misspell the id (``lsit3``) and the change becomes a
new entry holding only the changed keys, which validation would report as its first missing
field (``tranches.lsit3.label: required field is missing``). The rule here: an entry that a
file adds over its parent (or ``--set`` over the file), that does not state its importer
(every new tranche, measure and flow names one) and lacks a field a new entry needs, is an
unknown id, reported at the id's line with the nearest known id. A new entry that states its
importer keeps validation's own message for what else it lacks. No file I/O here.
"""

from __future__ import annotations

from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.scenario.fields import required_keys
from tariffsim.scenario.loading import Document
from tariffsim.scenario.schema import Scenario

KINDS = {"tranches": "tranche", "measures": "measure", "flows": "flow"}
"""The blocks whose entries are checked, and what one entry is called."""

NAMED_IDS = 8
"""Most known ids listed in the hint when none is close to the misspelt one."""


def check_new_entries(document: Document) -> None:
    """Refuse an added entry that reads as a change to an id the parent does not have.

    Raises
    ------
    TariffsimError
        ``unknown tranche 'lsit3'`` at the id's file and line, with "did you mean", or the
        known ids and what a new entry must state.
    """
    for (block, key), (file, line) in document.introduced.items():
        entries = document.data.get(block)
        kind = KINDS.get(block)
        if kind is None or not isinstance(entries, dict):
            continue
        entry = entries.get(key)
        if not isinstance(entry, dict) or "importer" in entry:
            continue
        missing = [f for f in required_keys(Scenario, (block, key)) if f not in entry]
        if not missing:
            continue
        known = [
            k for k, v in entries.items() if k != key and isinstance(v, dict) and "importer" in v
        ]
        raise TariffsimError(
            f"unknown {kind} '{key}'",
            file=file,
            line=line,
            field=f"{block}.{key}",
            hint=did_you_mean(key, known) or _known_hint(kind, known, missing),
        )


def _known_hint(kind: str, known: list[str], missing: list[str]) -> str:
    names = ", ".join(known[:NAMED_IDS]) + (
        f" and {len(known) - NAMED_IDS} more" if len(known) > NAMED_IDS else ""
    )
    there = f"known: {names}; " if known else ""
    return f"{there}a new {kind} also needs {', '.join(missing)}"
