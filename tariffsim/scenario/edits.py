"""What ``--set`` changed in a scenario, as every output shows it.

One :class:`Edit` per key set on the command line: the key, the new value and the value it
replaced, with the source that value cited. :mod:`tariffsim.scenario.overrides` makes them;
the validated scenario carries them (``Scenario.edits``), so a run's table, a comparison, a
report page, a chart's footer and the JSON can say that the scenario is not the file's.
No file I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SET_SOURCE = "--set"
"""The source id of a value set on the command line: the user's, never the file's source."""

TITLE_MARK = " (modified by --set)"
"""Added to the title of a scenario changed by ``--set``, so every title shown says so."""


@dataclass(frozen=True)
class Edit:
    """One ``--set KEY=VALUE`` as applied.

    Attributes
    ----------
    key : the dotted key path, e.g. ``tranches.list3.schedule.2019-01-01.rate``.
    value : the value set, as written (``20 %``).
    was : the value it replaced, as written in the file (None: the key was not there).
    was_source : the source id the replaced value cited (None: none of its own).
    """

    key: str
    value: str
    was: str | None = None
    was_source: str | None = None

    def describe(self) -> str:
        """``key = value (was old [source])``, one line."""
        if self.was is None:
            return f"{self.key} = {self.value} (new)"
        cited = f" [{self.was_source}]" if self.was_source else ""
        return f"{self.key} = {self.value} (was {self.was}{cited})"

    def as_record(self) -> dict[str, str | None]:
        """The edit for a JSON file."""
        return {
            "key": self.key,
            "value": self.value,
            "was": self.was,
            "was_source": self.was_source,
        }


def written(value: Any, limit: int = 60, number: bool = False) -> str:
    """A value read from YAML as short text, cut to ``limit`` characters; with ``number``,
    a sourced value (``{rate: 25 %, source: …}``) by its number alone."""
    if isinstance(value, dict):
        for key in ("rate", "value"):
            if number and key in value and not isinstance(value[key], dict | list):
                return written(value[key], limit)
        text = "{" + ", ".join(f"{k}: {written(v, limit)}" for k, v in value.items()) + "}"
    elif isinstance(value, list):
        text = "[" + ", ".join(written(v, limit) for v in value) + "]"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    else:
        text = " ".join(str(value).split())  # one line, whatever the YAML held
    return text if len(text) <= limit else text[: limit - 1] + "…"
