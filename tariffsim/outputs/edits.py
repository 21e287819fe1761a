"""How every output says that ``--set`` changed a scenario, listing each change.

A run's table, a comparison's table, the report page, the charts' footers and the JSON files
all show a scenario; when ``--set`` changed it (``Scenario.edits``), each says so with the
key, the new value and the value it replaced (:class:`tariffsim.scenario.edits.Edit`). A
scenario read as written shows nothing here, so its outputs are byte for byte as before.
Pure string work: no file I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tariffsim.model.results import Result
    from tariffsim.scenario.schema import Scenario

HEADING = "modified by --set (a what-if, not the file as written):"


def edit_lines(scenario: Scenario, indent: str = "  ") -> list[str]:
    """The heading and one line per edit, for a text table; [] when nothing was set."""
    if not scenario.edits:
        return []
    return [f"{indent}{HEADING}", *(f"{indent}  {e.describe()}" for e in scenario.edits)]


def edits_sentence(results: Sequence[Result]) -> str:
    """One sentence for a chart's footer ("Modified by --set: …. "), or "" when nothing was set.

    An edit several scenarios share is written once, followed by the names of the scenarios
    it changed when not all of them.
    """
    names: dict[str, list[str]] = {}
    for r in results:
        for edit in r.scenario.edits:
            names.setdefault(edit.describe(), []).append(r.name)
    if not names:
        return ""
    parts = [
        text if len(whose) == len(results) else f"{text} in {', '.join(whose)}"
        for text, whose in names.items()
    ]
    return "Modified by --set: " + "; ".join(parts) + ". "


def edit_records(scenario: Scenario) -> dict[str, Any]:
    """``{"modified_by_set": [edit records]}`` for a scenario's JSON record, or {} when none."""
    if not scenario.edits:
        return {}
    return {"modified_by_set": [e.as_record() for e in scenario.edits]}
