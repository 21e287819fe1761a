"""One writer for every command's data output: a text table, CSV, JSON or Parquet.

A command hands over three renderings, each made only if its format is asked for: the
terminal table (text), the tidy frame (CSV and Parquet) and the JSON payload. The file is
written whole or not at all (:mod:`tariffsim.outputs.files`); with no file the text is
returned for the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.errors import TariffsimError
from tariffsim.outputs.files import to_json_text, write_atomic, write_text
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
) -> str | None:
    """Write one output as ``fmt`` to ``output``; return the text instead when no file is given.

    Parameters
    ----------
    fmt : one of :data:`FORMATS`.
    output : the target file, or None for standard output (refused for binary Parquet).
    table, frame, payload : the renderings; only the one ``fmt`` needs is called.
    example : a file name shown in the hint when Parquet is asked for without a file.
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
        data = frame()
        write_atomic(output, lambda tmp: data.to_parquet(tmp, index=False))
        return None
    if fmt == "table":
        text = table()
    elif fmt == "csv":
        text = csv_text(frame())
    else:
        text = to_json_text(payload())
    if output is None:
        return text
    write_text(output, text)
    return None
