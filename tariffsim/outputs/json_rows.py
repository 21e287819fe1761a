"""JSON whose long lists of records are written chunk by chunk: the text ``to_json_text`` gives.

A payload may hold :class:`LazyRows` where a list of records would be (a run's rows, one
per tranche × period): the rest of the document is rendered as usual, and each lazy list
is rendered in place, its records made and written a chunk at a time, so the records of
millions of rows are never held at once. The bytes are those of the whole list rendered
by :func:`tariffsim.outputs.files.to_json_text` (two-space indent, dates as ISO text, NaN as
null). Pure string work: no file I/O.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tariffsim.outputs.files import json_value, to_json_text


@dataclass(frozen=True)
class LazyRows:
    """A list of JSON records, made in chunks when the document is written."""

    chunks: Callable[[], Iterable[list[dict[str, Any]]]]


def json_chunks(payload: Any) -> Iterator[str]:
    """The JSON text of ``payload`` in pieces, each :class:`LazyRows` rendered in place."""
    lazy: list[LazyRows] = []
    token = secrets.token_hex(8)  # no text of the document can name a place by chance
    place_of = re.compile(r'"\\u0000rows:' + token + r':(\d+)\\u0000"')

    def marked(value: Any) -> Any:
        if isinstance(value, LazyRows):
            lazy.append(value)
            return f"\x00rows:{token}:{len(lazy) - 1}\x00"
        if isinstance(value, dict):
            return {k: marked(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [marked(v) for v in value]
        return value

    text = to_json_text(marked(payload))
    done = 0
    for place in place_of.finditer(text):
        yield text[done : place.start()]
        line = text.rfind("\n", 0, place.start()) + 1
        head = text[line : place.start()]  # the key's line: its indentation
        indent = len(head) - len(head.lstrip(" "))
        yield from _rows(lazy[int(place.group(1))], indent)
        done = place.end()
    yield text[done:]


def _rows(rows: LazyRows, indent: int) -> Iterator[str]:
    """A list of records as JSON at ``indent`` (the indentation of its key's line)."""
    inner = "\n" + " " * (indent + 2)
    first = True
    for chunk in rows.chunks():
        for record in chunk:
            yield ("[" if first else ",") + inner + json_value(record).replace("\n", inner)
            first = False
    yield "[]" if first else "\n" + " " * indent + "]"
