"""One writer for every command's data output: a text table, CSV, JSON or Parquet.

A command hands over its renderings, each made only if its format is asked for: the
terminal table (text), the tidy frame (Parquet, and CSV unless the command gives its CSV
text in chunks, made without pandas) and the JSON payload. The file is
written whole or not at all (:mod:`tariffsim.outputs.files`); with no file the text is
returned for the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.errors import TariffsimError
from tariffsim.outputs.files import write_atomic, write_beside, write_text
from tariffsim.outputs.json_rows import json_chunks
from tariffsim.outputs.text import csv_text

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("table", "csv", "json", "parquet")
"""The data formats every command writes (``--format``)."""


def emit(
    fmt: str,
    output: Path | None,
    *,
    table: Callable[[], str],
    frame: Callable[[], pd.DataFrame],
    payload: Callable[[], Any],
    example: str = "results.parquet",
    manifest: Mapping[str, Any] | None = None,
    csv: Callable[[], Iterable[str]] | None = None,
) -> str | None:
    """Write one output as ``fmt`` to ``output``; return the text instead when no file is given.

    Parameters
    ----------
    fmt : one of :data:`FORMATS`.
    output : the target file, or None for standard output (refused for binary Parquet).
    table, frame, payload : the renderings; only the one ``fmt`` needs is called.
    example : a file name shown in the hint when Parquet is asked for without a file.
    manifest : the run's manifest (:mod:`tariffsim.outputs.manifest`): embedded in JSON
        (as ``"manifest"``, in each record of a list), written beside any other file.
    csv : the CSV text in chunks (:mod:`tariffsim.outputs.csv_rows`), written as it comes;
        without it, CSV is the frame's.
    """

    if fmt not in FORMATS:
        raise TariffsimError(f"unknown format '{fmt}'", field="--format", hint=", ".join(FORMATS))
    if fmt == "parquet":
        if output is None:
            raise TariffsimError(
                "Parquet is binary: give a file with --output",
                field="--format",
                hint=f"e.g. --output {example}",
            )
        data = with_date_types(frame())
        write_atomic(output, lambda tmp: data.to_parquet(tmp, index=False))
        write_beside(output, manifest)
        return None
    if fmt == "csv" and csv is not None:
        chunks = csv()
        if output is None:
            return "".join(chunks)
        write_chunks(output, chunks)
        write_beside(output, manifest)
        return None
    if fmt == "json":
        pieces = json_chunks(with_manifest(payload(), manifest))
        if output is None:
            return "".join(pieces)
        write_chunks(output, pieces)
        return None
    text = table() if fmt == "table" else csv_text(frame())
    if output is None:
        return text
    write_text(output, text)
    write_beside(output, manifest)
    return None


def write_chunks(output: Path, chunks: Iterable[str]) -> None:
    """Write UTF-8 text given in pieces, atomically (never held whole in memory)."""

    def render(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            out.writelines(chunks)

    write_atomic(output, render)


def with_manifest(payload: Any, manifest: Mapping[str, Any] | None) -> Any:
    """A JSON payload with the manifest inside: a key of a mapping, or of each record of a list."""
    if manifest is None:
        return payload
    if isinstance(payload, list):
        return [{**record, "manifest": dict(manifest)} for record in payload]
    return {**payload, "manifest": dict(manifest)}


def with_date_types(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its days typed as dates (Arrow ``date32``) and categoricals as text.

    A column of ``datetime.date`` cells, or a datetime64 column holding midnights only
    (result frames keep days so), becomes a date column: Parquet stores it as dates and
    pandas reads it back as dates (``date32[day][pyarrow]``), not as objects, text or
    timestamps. A categorical column is written as its text, as the files always held it.
    A column that mixes dates with anything else is left alone.
    """
    import datetime as dt

    import pandas as pd
    import pyarrow as pa

    typed = frame.copy()
    for column in frame.columns:
        cells = frame[column]
        if isinstance(cells.dtype, pd.CategoricalDtype):
            typed[column] = cells.astype(cells.cat.categories.dtype)
            continue
        if cells.dtype.kind == "M":
            if (cells.dropna() == cells.dropna().dt.normalize()).all():
                typed[column] = cells.dt.date.astype(pd.ArrowDtype(pa.date32()))
            continue
        if cells.dtype != object or cells.isna().all():
            continue
        present = cells.dropna()
        if all(type(v) is dt.date for v in present):
            typed[column] = cells.astype(pd.ArrowDtype(pa.date32()))
    return typed
