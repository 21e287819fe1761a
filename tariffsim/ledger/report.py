"""Outputs of ledger exposure: line files, the summary file, a text table, progress.

Line-level output is streamed chunk by chunk into one Parquet or CSV file
inside :func:`tariffsim.outputs.files.write_atomic`, so it is whole or absent. The
progress bar (rich) goes to stderr, and only when stderr is a terminal;
otherwise one final line is printed. No arithmetic beyond formatting here.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from tariffsim._types import FloatArray, IntArray
from tariffsim.errors import TariffsimError
from tariffsim.ledger.pricing import Exposure
from tariffsim.ledger.reader import Chunk
from tariffsim.outputs.files import write_atomic

LINE_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("scenario", pa.string()),
        ("entry_date", pa.date32()),
        ("customs_value_usd", pa.float64()),
        ("measures", pa.int64()),
        ("base_rate", pa.float64()),
        ("additional_rate", pa.float64()),
        ("base_duty_usd", pa.float64()),
        ("additional_duty_usd", pa.float64()),
        ("total_duty_usd", pa.float64()),
    ]
)
"""Columns of the line file: ``row`` is the 1-based ledger row; ``measures`` counts
the measures covering the line (0: uncovered); rates [fraction], money [USD]."""


def file_format(path: Path, option: str) -> str:
    """``parquet`` or ``csv`` from a file name's suffix."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ("parquet", "csv"):
        raise TariffsimError(
            "expected a file name ending in .parquet or .csv", file=path, field=option
        )
    return suffix


class LineWriter:
    """A sink for :func:`~tariffsim.ledger.pricing.price_ledger`: one row per line × scenario."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.fmt = fmt
        self._writer: Any
        if fmt == "parquet":
            import pyarrow.parquet as pq

            self._writer = pq.ParquetWriter(path, LINE_SCHEMA)
        else:
            from pyarrow import csv as pacsv

            self._writer = pacsv.CSVWriter(path, LINE_SCHEMA)

    def __call__(
        self,
        scenario: str,
        chunk: Chunk,
        base_rate: FloatArray,
        additional_rate: FloatArray,
        n_covering: IntArray,
    ) -> None:
        base = chunk.value * base_rate
        additional = chunk.value * additional_rate
        rows = np.arange(chunk.first_row + 1, chunk.first_row + chunk.size + 1, dtype=np.int64)
        batch = pa.RecordBatch.from_arrays(
            [
                pa.array(rows),
                pa.DictionaryArray.from_arrays(
                    pa.array(np.zeros(chunk.size, dtype=np.int32)), pa.array([scenario])
                ).cast(pa.string()),
                pa.array(chunk.day.astype(np.int32)).cast(pa.date32()),
                pa.array(chunk.value),
                pa.array(n_covering.astype(np.int64)),
                pa.array(base_rate),
                pa.array(additional_rate),
                pa.array(base),
                pa.array(additional),
                pa.array(base + additional),
            ],
            schema=LINE_SCHEMA,
        )
        self._writer.write_batch(batch)

    def __enter__(self) -> LineWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._writer.close()


def write_summary(path: Path, exposure: Exposure) -> Path:
    """Write the summary frame atomically as Parquet or CSV (by the suffix)."""
    fmt = file_format(path, "--output")

    def render(tmp: Path) -> None:
        if fmt == "parquet":
            exposure.summary.to_parquet(tmp, index=False)
        else:
            exposure.summary.to_csv(tmp, index=False, lineterminator="\n")

    return write_atomic(path, render)


def render_exposure(exposure: Exposure) -> str:
    """Per scenario: totals, uncovered lines and duty by measure, as a text table."""
    out: list[str] = []
    for name, frame in exposure.summary.groupby("scenario", sort=False):
        total = frame[frame["table"] == "total"].iloc[0]
        missing = frame[frame["table"] == "uncovered"].iloc[0]
        out.append(f"{name}: {total['label']}")
        out.append(
            f"  {total['lines']:,} lines, {_usd(total['imports_usd'])} customs value; "
            f"duty {_usd(total['total_duty_usd'])} "
            f"(base {_usd(total['base_duty_usd'])}, "
            f"additional {_usd(total['additional_duty_usd'])})"
        )
        out.append(
            f"  not covered by any measure: {missing['lines']:,} lines, "
            f"{_usd(missing['imports_usd'])}"
        )
        chapters = frame[frame["table"] == "uncovered_chapter"]
        if len(chapters):
            out.append("  " + uncovered_chapters_line(chapters))
        measures = frame[frame["table"] == "measure"]
        width = max([len(k) for k in measures["key"]] + [7])
        out.append(f"  {'measure':<{width}}  {'lines':>12}  {'covered value':>16}  {'duty':>16}")
        for _, row in measures.iterrows():
            duty = row["total_duty_usd"]
            out.append(
                f"  {row['key']:<{width}}  {row['lines']:>12,}  "
                f"{_usd(row['imports_usd']):>16}  {_usd(duty):>16}"
            )
        out.append("")
    return "\n".join(out)


def uncovered_chapters_line(chapters: pd.DataFrame, shown: int = 5) -> str:
    """The uncovered value by HTS chapter, largest first, the first ``shown`` of them."""
    top = chapters.sort_values("imports_usd", ascending=False, kind="stable")
    parts = [f"{row['key']} {_usd(row['imports_usd'])}" for _, row in top.head(shown).iterrows()]
    more = len(top) - shown
    rest = f"; {more} more in the summary file (-o), table uncovered_chapter" if more > 0 else ""
    return f"uncovered by HTS chapter: {', '.join(parts)}{rest}"


def _usd(value: float) -> str:
    return f"${value:,.0f}"


def progress_reporter(total: int | None) -> tuple[Callable[[int], None], Callable[[int], None]]:
    """(update, finish) callbacks: a rich bar on a terminal's stderr, else one final line."""
    started = time.perf_counter()

    def final_line(rows: int) -> None:
        seconds = time.perf_counter() - started
        print(f"tariffsim: priced {rows:,} ledger lines in {seconds:.1f} s", file=sys.stderr)

    if not sys.stderr.isatty():
        return (lambda rows: None), final_line
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task("pricing ledger lines", total=total)
    bar.start()

    def update(rows: int) -> None:
        bar.update(task, completed=rows)

    def finish(rows: int) -> None:
        bar.stop()
        final_line(rows)

    return update, finish
