"""CSV text from tables of columns, without pandas: the bytes ``DataFrame.to_csv`` wrote.

Numbers as ``%.6f`` (integers and booleans as themselves), a missing cell empty, dates
as ISO text, text quoted only where CSV needs it (Python's ``csv`` minimal quoting,
``\\n`` line ends). Repeated text is rendered once per distinct value, then placed by
code. The text comes in chunks of rows, so a large file is written piece by piece
instead of being held whole.

Pure string work: no file I/O.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from tariffsim.model.tables import Coded, Table

FLOAT_FORMAT = "%.6f"
"""How every float cell is written: six decimals, as the files always had."""

CHUNK_ROWS = 50_000
"""Rows rendered at a time: a few MB of text."""


def quoted(text: str) -> str:
    """``text`` as one CSV field: quoted (quotes doubled) only where the ``csv`` module would."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text, "x"])  # a second field: "" stays bare
    return buffer.getvalue()[: -len(",x\n")]


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return quoted(str(value))


def csv_header(names: Sequence[str]) -> str:
    """The header line."""
    return ",".join(quoted(n) for n in names) + "\n"


def csv_chunks(table: Table, names: Sequence[str] | None = None) -> Iterator[str]:
    """The table's rows as CSV lines, in chunks of :data:`CHUNK_ROWS` (no header).

    ``names`` picks and orders the columns; a name the table lacks is an empty column.
    """
    names = list(table.columns) if names is None else list(names)
    formats = []
    renderers = []
    for name in names:
        column = table.columns.get(name)
        fmt, render = _renderer(column, table.n)
        formats.append(fmt)
        renderers.append(render)
    line = ",".join(formats) + "\n"
    for start in range(0, table.n, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, table.n)
        cells = [render(start, stop) for render in renderers]
        yield "".join(map(line.__mod__, zip(*cells, strict=True)))


def _renderer(column: np.ndarray | Coded | None, n: int) -> tuple[str, Any]:
    """The ``%`` format of one column's cells and a function giving its cells of rows
    ``start:stop``, as the values that format takes."""
    if column is None:
        return "%s", lambda start, stop: [""] * (stop - start)
    if isinstance(column, Coded):
        shared = np.empty(len(column.values), dtype=object)
        shared[:] = [_cell_text(v) for v in column.values]
        codes = column.codes
        return "%s", lambda start, stop: shared[codes[start:stop]].tolist()
    if column.dtype.kind == "f":
        missing = np.isnan(column)
        if not missing.any():
            return FLOAT_FORMAT, lambda start, stop: column[start:stop].tolist()
        return "%s", lambda start, stop: _floats_with_gaps(column[start:stop], missing[start:stop])
    return "%s", lambda start, stop: column[start:stop].tolist()


def _floats_with_gaps(values: np.ndarray, missing: np.ndarray) -> list[str]:
    if missing.all():
        return [""] * len(values)
    pairs = zip(values.tolist(), missing.tolist(), strict=True)
    return ["" if gap else FLOAT_FORMAT % v for v, gap in pairs]


def csv_text(tables: Sequence[Table], names: Sequence[str]) -> Iterator[str]:
    """The header and every table's rows under it, in the columns ``names``."""
    yield csv_header(names)
    for table in tables:
        yield from csv_chunks(table, names)


def column_union(tables: Sequence[Table]) -> list[str]:
    """The column names of all tables, in the order they first appear."""
    return list(dict.fromkeys(name for t in tables for name in t.columns))
