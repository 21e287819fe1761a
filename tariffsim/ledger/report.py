"""Outputs of ledger exposure: line files, the summary file, progress (the text table:
:mod:`tariffsim.ledger.table`).

Line-level output is streamed chunk by chunk into one Parquet or CSV file
inside :func:`tariffsim.outputs.files.write_atomic`, so it is whole or absent. The
progress bar (rich) goes to stderr, and only when stderr is a terminal;
otherwise one final line is printed. No arithmetic beyond formatting here.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tariffsim._types import IndexArray, IntArray
from tariffsim.errors import TariffsimError
from tariffsim.ledger.cents import CENTS_PER_USD, to_cents, to_the_cent
from tariffsim.ledger.coverage import Measures
from tariffsim.ledger.lines import LineDuties
from tariffsim.ledger.reader import Chunk
from tariffsim.ledger.summary import Exposure
from tariffsim.model import duty_forms
from tariffsim.model.money import Currency
from tariffsim.model.stack import BASE_AUTHORITY, BELOW_MAX, NOT_EXCLUDED
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
        ("base_rate_basis", pa.string()),
        ("additional_rate_basis", pa.string()),
        ("mfn_rate_text", pa.string()),
    ]
)
"""Columns of the line file: ``row`` is the 1-based ledger row; the ledger's own keys
(``hts_code`` as 10 digits, ``country_of_origin``, ``sku`` and ``supplier`` when the ledger has
them); ``measures`` counts the measures covering the line (0: uncovered); rates [fraction],
money [USD]; ``applied``: each measure paid, ``id (authority) rate [source]``; ``excluded``:
each measure covering the line but not paid, and why (the precedence rule, or ``max``).
``base_rate_basis``: ``ad valorem``; ``estimate`` (a specific MFN part priced from the line's
quantity: the rate is ``duty / value``, an ad valorem equivalent at this line's unit value);
``unpriced`` (the MFN rate has a specific part and the line no quantity in its unit: only the
ad valorem part is priced); ``unknown`` (the MFN file has no parsed rate for the line).
``additional_rate_basis``: ``ad valorem`` or ``estimate`` (a measure's specific part priced
from the quantity). ``mfn_rate_text``: the MFN file's rate text of the line (``--mfn``)."""


MONEY_COLUMNS = ("customs_value_usd", "base_duty_usd", "additional_duty_usd", "total_duty_usd")
"""The line file's money columns: float64 in Parquet, to the cent in CSV text."""
CSV_LINE_SCHEMA = pa.schema(
    [pa.field(f.name, pa.decimal128(38, 2)) if f.name in MONEY_COLUMNS else f for f in LINE_SCHEMA]
)
"""The line file's columns in CSV: money as decimals to the cent (``1234.50``)."""
RATE_DECIMALS = 12
"""Decimals of a rate [fraction] in the CSV line file: ``0.3``, not the float sum's
``0.30000000000000004`` (a difference of 10⁻¹² of the value is far below a cent)."""


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

    def __init__(
        self,
        path: Path,
        fmt: str,
        names: dict[str, pa.Array] | None = None,
        mfn_text: list[str] | None = None,
    ) -> None:
        self.fmt = fmt
        self.names = names if names is not None else {}
        self.mfn_text = None if mfn_text is None else pa.array(mfn_text, pa.string())
        self._reasons: dict[int, dict[int, tuple[str, str]]] = {}
        self._writer: Any
        if fmt == "parquet":
            import pyarrow.parquet as pq

            self._writer = pq.ParquetWriter(path, LINE_SCHEMA)
        else:
            from pyarrow import csv as pacsv

            self._writer = pacsv.CSVWriter(path, CSV_LINE_SCHEMA)

    def __call__(self, measures: Measures, chunk: Chunk, key: IntArray, duties: LineDuties) -> None:
        base, additional = duties.base, duties.additional
        mfn = duties.mfn
        if mfn is None:
            base_rate = measures.base_rate[key]
        else:  # MFN by line from the MFN file; its rate is what the duty amounts to
            base_rate = duty_forms.ad_valorem_equivalent(base, chunk.value)
        additional_rate = (
            duty_forms.ad_valorem_equivalent(additional, chunk.value)
            if duties.adjusted.size
            else measures.additional_rate[key]
        )
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
                _decoded(_base_basis(duties), pa.array(list(BASES))),
                _decoded(duties.additional_estimate.astype(np.int64), pa.array(list(BASES[:2]))),
                self._mfn_text(duties),
            ],
            schema=LINE_SCHEMA,
        )
        if self.fmt == "csv":
            batch = _to_the_cent(batch)
        self._writer.write_batch(batch)

    def _mfn_text(self, duties: LineDuties) -> pa.Array:
        mfn = duties.mfn
        if mfn is None or self.mfn_text is None:
            return pa.nulls(duties.base.size, pa.string())
        text = _decoded(mfn.line, self.mfn_text)
        return pc.if_else(pa.array(mfn.known), text, pa.scalar(None, pa.string()))

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


BASES = ("ad valorem", "estimate", "unpriced", "unknown")
"""Values of the line file's ``base_rate_basis`` (and, the first two, ``additional_rate_basis``)."""


def _base_basis(duties: LineDuties) -> IntArray:
    """Index into :data:`BASES` of each line's base rate."""
    mfn = duties.mfn
    if mfn is None:
        return np.zeros(duties.base.size, dtype=np.int64)
    return np.select([~mfn.known, mfn.unpriced, mfn.estimate], [3, 2, 1], 0).astype(np.int64)


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
    if measures.base_share[key].any() and not any(
        c.authority == BASE_AUTHORITY for c in cols.columns
    ):
        applied.append(f"base {format_rate(float(measures.base_rate[key]))}")
    return "; ".join(applied), "; ".join(excluded)


def _to_the_cent(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch as CSV text shows it (:data:`CSV_LINE_SCHEMA`): money as decimals to the cent,
    rates to :data:`RATE_DECIMALS` decimals.

    Money is rounded first (half to even on 100 · amount), so the decimal cast only drops
    binary noise. A line's total is the sum of its rounded base and additional duty, as an
    entry summary adds the duty of its lines' rates, so every line adds up to the cent.
    """
    cents = {
        name: to_cents(batch.column(name).to_numpy(zero_copy_only=False)) for name in MONEY_COLUMNS
    }
    cents["total_duty_usd"] = cents["base_duty_usd"] + cents["additional_duty_usd"]  # exact
    money = {name: whole / CENTS_PER_USD for name, whole in cents.items()}
    arrays = []
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        if name in MONEY_COLUMNS:
            column = pa.array(money[name]).cast(CSV_LINE_SCHEMA.field(name).type, safe=False)
        elif name in ("base_rate", "additional_rate"):
            column = pa.array(np.round(column.to_numpy(zero_copy_only=False), RATE_DECIMALS))
        arrays.append(column)
    return pa.RecordBatch.from_arrays(arrays, schema=CSV_LINE_SCHEMA)


def _repeat(text: str, n: int) -> pa.Array:
    indices = pa.array(np.zeros(n, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, pa.array([text])).cast(pa.string())


def _decoded(indices: IndexArray, dictionary: pa.Array) -> pa.Array:
    """``dictionary[indices]`` as a plain string column, without a Python loop per line."""
    return pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(indices, dtype=np.int32)), dictionary
    ).cast(pa.string())


def write_summary(
    path: Path, exposure: Exposure, currencies: Mapping[str, Currency] | None = None
) -> Path:
    """Write the summary frame atomically as Parquet or CSV (by the suffix).

    ``currencies`` (scenario name → currency) adds each amount in that currency beside USD.
    A CSV shows every amount to the cent (``1030659406.50``); Parquet keeps the float64 sums.
    """
    fmt = file_format(path, "--output")
    frame = summary_file_frame(exposure)
    if currencies:
        frame = in_currency(frame, currencies)
    if fmt == "csv":
        frame = _money_to_the_cent(frame)

    def render(tmp: Path) -> None:
        if fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False, lineterminator="\n", float_format="%.2f")

    return write_atomic(path, render)


def _money_to_the_cent(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``lines`` as whole numbers (blank on refund rows) and every other float
    column (all money: USD and other currencies) to the cent."""
    out = frame.copy()
    for column in out.columns:
        if column == "lines":
            out[column] = out[column].astype("Int64")
        elif pd.api.types.is_float_dtype(out[column]):
            out[column] = to_the_cent(out[column].to_numpy())
    return out


def summary_file_frame(exposure: Exposure) -> pd.DataFrame:
    """The summary tables as one frame; with invalidated measures, their refund tables below.

    Refund rows (tables ``refund_period``, ``refund_calendar_year``, ``refund_fiscal_year``)
    carry a ``measure`` column and the amounts of :data:`tariffsim.ledger.refunds.COLUMNS`;
    other rows leave them empty.
    """
    if exposure.refunds.empty:
        return exposure.summary
    return pd.concat([exposure.summary, exposure.refunds], ignore_index=True)


def in_currency(frame: pd.DataFrame, currencies: Mapping[str, Currency]) -> pd.DataFrame:
    """``frame`` with each ``*_usd`` column also in each scenario's currency (``*_eur``).

    Rows of a scenario missing from ``currencies`` are left empty in the new columns.
    """
    out = frame.copy()
    for code in dict.fromkeys(c.code for c in currencies.values()):
        rate = frame["scenario"].map(
            {n: c.usd_per_unit for n, c in currencies.items() if c.code == code}
        )
        for column in [c for c in frame.columns if c.endswith("_usd")]:
            out[f"{column[:-4]}_{code.lower()}"] = frame[column] / rate
    return out


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
