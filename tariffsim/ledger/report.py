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

from tariffsim._types import FloatArray, IndexArray, IntArray
from tariffsim.errors import TariffsimError
from tariffsim.ledger.coverage import Measures
from tariffsim.ledger.pricing import Exposure
from tariffsim.ledger.reader import Chunk
from tariffsim.model import duty_forms
from tariffsim.model.stack import BELOW_MAX, NOT_EXCLUDED
from tariffsim.outputs.files import write_atomic
from tariffsim.scenario.units import format_rate

LINE_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("scenario", pa.string()),
        ("entry_date", pa.date32()),
        ("hts_code", pa.string()),
        ("country_of_origin", pa.string()),
        ("sku", pa.string()),
        ("supplier", pa.string()),
        ("customs_value_usd", pa.float64()),
        ("measures", pa.int64()),
        ("base_rate", pa.float64()),
        ("additional_rate", pa.float64()),
        ("base_duty_usd", pa.float64()),
        ("additional_duty_usd", pa.float64()),
        ("total_duty_usd", pa.float64()),
        ("applied", pa.string()),
        ("excluded", pa.string()),
    ]
)
"""Columns of the line file: ``row`` is the 1-based ledger row; the ledger's own keys
(``hts_code`` as 10 digits, ``country_of_origin``, ``sku`` and ``supplier`` when the ledger has
them); ``measures`` counts the measures covering the line (0: uncovered); rates [fraction],
money [USD]; ``applied``: each measure paid, ``id (authority) rate [source]``; ``excluded``:
each measure covering the line but not paid, and why (the precedence rule, or ``max``)."""


def file_format(path: Path, option: str) -> str:
    """``parquet`` or ``csv`` from a file name's suffix."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ("parquet", "csv"):
        raise TariffsimError(
            "expected a file name ending in .parquet or .csv", file=path, field=option
        )
    return suffix


class LineWriter:
    """A sink for :func:`~tariffsim.ledger.pricing.price_ledger`: one row per line × scenario.

    ``names`` maps an optional column (``sku``, ``supplier``) to the names of its ids, as the
    ledger reader fills it (:attr:`tariffsim.ledger.reader.LedgerReader.names`).
    """

    def __init__(self, path: Path, fmt: str, names: dict[str, pa.Array] | None = None) -> None:
        self.fmt = fmt
        self.names = names if names is not None else {}
        self._reasons: dict[int, dict[int, tuple[str, str]]] = {}
        self._writer: Any
        if fmt == "parquet":
            import pyarrow.parquet as pq

            self._writer = pq.ParquetWriter(path, LINE_SCHEMA)
        else:
            from pyarrow import csv as pacsv

            self._writer = pacsv.CSVWriter(path, LINE_SCHEMA)

    def __call__(
        self, measures: Measures, chunk: Chunk, key: IntArray, mfn: FloatArray | None = None
    ) -> None:
        if mfn is None:
            base_rate = measures.base_rate[key]
            base = chunk.value * base_rate
        else:  # MFN by line from the MFN file; its rate is what the duty amounts to
            base, base_rate = mfn, duty_forms.ad_valorem_equivalent(mfn, chunk.value)
        additional_rate = measures.additional_rate[key]
        additional = chunk.value * additional_rate
        rows = np.arange(chunk.first_row + 1, chunk.first_row + chunk.size + 1, dtype=np.int64)
        unique, where = np.unique(key, return_inverse=True)
        reasons = self._reasons_of(measures, unique)
        codes = pa.array([f"{k:010d}" if k >= 0 else "" for k in chunk.hts_keys.tolist()])
        batch = pa.RecordBatch.from_arrays(
            [
                pa.array(rows),
                _repeat(measures.scenario.name, chunk.size),
                pa.array(chunk.day.astype(np.int32)).cast(pa.date32()),
                _decoded(chunk.hts_index, codes),
                _decoded(chunk.origin_index, pa.array(chunk.origins, pa.string())),
                self._group(chunk, "sku"),
                self._group(chunk, "supplier"),
                pa.array(chunk.value),
                pa.array(measures.covers.sum(axis=1)[key].astype(np.int64)),
                pa.array(base_rate),
                pa.array(additional_rate),
                pa.array(base),
                pa.array(additional),
                pa.array(base + additional),
                _decoded(where, pa.array([r[0] for r in reasons])),
                _decoded(where, pa.array([r[1] for r in reasons])),
            ],
            schema=LINE_SCHEMA,
        )
        self._writer.write_batch(batch)

    def _group(self, chunk: Chunk, name: str) -> pa.Array:
        if name not in chunk.groups or name not in self.names:
            return pa.nulls(chunk.size, pa.string())
        return _decoded(chunk.groups[name], self.names[name].cast(pa.string()))

    def _reasons_of(self, measures: Measures, keys: IntArray) -> list[tuple[str, str]]:
        """(applied, excluded) text of each key, built once per key and scenario."""
        known = self._reasons.setdefault(id(measures), {})
        for k in keys.tolist():
            if k not in known:
                known[k] = key_reasons(measures, k)
        return [known[k] for k in keys.tolist()]

    def __enter__(self) -> LineWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._writer.close()


def key_reasons(measures: Measures, key: int) -> tuple[str, str]:
    """Why a key pays what it pays: the measures applied and those excluded, in words.

    Applied: ``list3 (section301) 25 % [ustr-list3]``; excluded: ``reciprocal (ieepa_reciprocal)
    by metals`` (a precedence rule) or ``... below max`` (a larger measure of its authority).
    """
    s = measures.stacked
    cols = measures.columns
    applied, excluded = [], []
    for m, column in enumerate(cols.columns):
        if not s.covers[key, m]:
            continue
        name = f"{column.id} ({column.authority})"
        rule = int(s.excluded_by[key, m])
        if rule == NOT_EXCLUDED:
            source = f" [{column.source}]" if column.source else ""
            applied.append(f"{name} {format_rate(float(s.component[key, m]))}{source}")
        elif rule == BELOW_MAX:
            excluded.append(f"{name} below max")
        else:
            excluded.append(f"{name} by {cols.rules[rule].name}")
    if measures.base_share[key].any() and not any(c.authority == "mfn" for c in cols.columns):
        applied.append(f"base {format_rate(float(measures.base_rate[key]))}")
    return "; ".join(applied), "; ".join(excluded)


def _repeat(text: str, n: int) -> pa.Array:
    indices = pa.array(np.zeros(n, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, pa.array([text])).cast(pa.string())


def _decoded(indices: IndexArray, dictionary: pa.Array) -> pa.Array:
    """``dictionary[indices]`` as a plain string column, without a Python loop per line."""
    return pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(indices, dtype=np.int32)), dictionary
    ).cast(pa.string())


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
            f"(MFN {_usd(total['base_duty_usd'])}, "
            f"additional {_usd(total['additional_duty_usd'])})"
        )
        out.append(
            f"  not covered by any measure: {missing['lines']:,} lines, "
            f"{_usd(missing['imports_usd'])}"
            + (f", paying MFN {_usd(missing['base_duty_usd'])}" if missing["base_duty_usd"] else "")
        )
        unknown = frame[frame["table"] == "mfn_unknown"]
        if len(unknown) and unknown.iloc[0]["lines"]:
            out.append(
                f"  no MFN rate in the MFN file: {unknown.iloc[0]['lines']:,} lines, "
                f"{_usd(unknown.iloc[0]['imports_usd'])} (they pay no MFN here)"
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
        authorities = frame[frame["table"] == "authority"]
        if len(authorities) > 1 or set(authorities["key"]) != set(measures["key"]):
            out.append(f"  by authority: {_authority_parts(authorities)}")
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


def _authority_parts(authorities: pd.DataFrame) -> str:
    """Each authority's additional duty; MFN that tranches carry as their base shown once, apart.

    A tranche holds its product group's MFN as a base rate, so its authority's total would mix
    MFN into (say) Section 301; only the ``mfn`` authority's row keeps its whole duty.
    """
    parts = []
    folded = 0.0
    for _, row in authorities.iterrows():
        if row["key"] == "mfn":
            parts.append(f"mfn {_usd(row['total_duty_usd'])}")
            continue
        parts.append(f"{row['key']} {_usd(row['additional_duty_usd'])}")
        folded += float(row["base_duty_usd"])
    if folded:
        parts.append(f"MFN {_usd(folded)}")
    return ", ".join(parts)
