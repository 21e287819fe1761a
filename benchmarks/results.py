"""Section 8: a result's rows as frames and as CSV, against the frames they replaced.

A daily, behavioural run of the section-5 scenario cut to 500 tranches (3 × 504 rows ×
457 days = 690,984 rows), simulated once in this process. Then, in turn:

- ``result.periods`` as built now (text as categoricals, days as ``datetime64[s]``)
  against the frame as ``tariffsim`` built it before issue 19
  (:func:`earlier_periods_frame`: text as pandas strings, days as ``datetime.date``
  objects): time and deep memory per row, medians of a few builds;
- the CSV file's text as ``run -o x.csv`` writes it now (from the arrays, in chunks)
  against pandas writing the earlier frame (``DataFrame.to_csv``, as the command did):
  one run each (the pandas one takes seconds), the two texts checked equal.

Nothing is written into the repository.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from benchmarks.loading import write_large_scenario
from benchmarks.timing import seconds, time_rounds

if TYPE_CHECKING:
    import pandas as pd

    from tariffsim.model.results import Result

TRANCHES = 500
"""Tranches of the run (plus base.yaml's four): big enough that per-row costs dominate."""


def earlier_periods_frame(result: Result) -> pd.DataFrame:
    """The per-period frame laid out as before issue 19: one Python object per text or date
    cell (pandas stores the text as its string type), the numbers copied from the arrays."""
    import pandas as pd

    from tariffsim.model.results import PERIOD_COLUMNS

    a = result.arrays
    rows, periods = len(a.modes), len(a.starts)

    def per_row(values: list[str]) -> np.ndarray:
        return np.repeat(np.array(values, dtype=object), periods)

    return pd.DataFrame(
        {
            "scenario": result.name,
            "mode": np.repeat(a.modes, periods),
            "tranche": per_row(a.rows.ids),
            "label": per_row(a.rows.labels),
            "importer": per_row(a.rows.importers),
            "exporter": per_row(a.rows.exporters),
            "period_start": np.tile(np.array(a.starts.tolist(), dtype=object), rows),
            "period_end": np.tile(np.array(a.ends.tolist(), dtype=object), rows),
            "days": np.tile(a.period_days(), rows),
            **{c: a.values[c].ravel() for c in PERIOD_COLUMNS[PERIOD_COLUMNS.index("days") + 1 :]},
        },
        columns=PERIOD_COLUMNS,
    )


def frame_now(result: Result) -> pd.DataFrame:
    """``result.periods`` built afresh (the property caches it)."""
    from tariffsim.model.result_tables import period_table

    return period_table(result.name, result.arrays).to_frame()


def csv_now(result: Result) -> str:
    """The CSV text ``run -o x.csv`` writes, from the arrays."""
    from tariffsim.run.export import csv_chunks

    return "".join(csv_chunks([result]))


def csv_before(result: Result) -> str:
    """The CSV text as it was written before: pandas' ``to_csv`` of the earlier frame."""
    from tariffsim.outputs.text import csv_text

    return csv_text(earlier_periods_frame(result))


def results(repeat: int, tranches: int = TRANCHES) -> list[str]:
    """Section 8: frames per row, and CSV, now against before."""
    from tariffsim import load_scenario, simulate

    with tempfile.TemporaryDirectory() as folder:
        result = simulate(load_scenario(write_large_scenario(Path(folder), tranches)), "day")
    rows = result.arrays.values["imports_usd"].size
    timings = time_rounds(
        {"now": lambda: frame_now(result), "before": lambda: earlier_periods_frame(result)},
        repeat,
    )
    size_now = frame_now(result).memory_usage(deep=True).sum() / rows
    size_before = earlier_periods_frame(result).memory_usage(deep=True).sum() / rows
    now, before = timings["now"].median, timings["before"].median
    start = time.perf_counter()
    text_now = csv_now(result)
    csv_seconds = time.perf_counter() - start
    start = time.perf_counter()
    text_before = csv_before(result)
    before_seconds = time.perf_counter() - start
    same = "identical" if text_now == text_before else "DIFFERENT"
    return [
        f"8. Results: {tranches:,} tranches + base.yaml's, daily, behavioural: {rows:,} rows",
        f"   result.periods now (categoricals, datetime64)   {now / rows * 1e6:5.2f} µs"
        f" and {size_now:4.0f} B a row   (median of {repeat})",
        f"   the frame before (strings, datetime.date)        {before / rows * 1e6:5.2f} µs"
        f" and {size_before:4.0f} B a row   now: {before / now:.1f}× faster,"
        f" {size_before / size_now:.1f}× smaller",
        f"   CSV from the arrays (run -o x.csv now)           {seconds(csv_seconds):>9}"
        f"   ({len(text_now) / 1e6:.0f} MB; one run)",
        f"   CSV by pandas' to_csv of the earlier frame      {seconds(before_seconds):>9}"
        f"   now: {before_seconds / csv_seconds:.1f}× faster; texts {same}",
    ]
