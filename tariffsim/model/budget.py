"""The memory budget: a run's cost estimated, and refused, before the work it bounds.

Each kind of run estimates its peak memory from its shape, before allocating
anything: a simulation from its tranche × period rows (and again from the rows of
its frame, before one is built), a sweep from its draws ×
periods, a ledger from its chunk size × scenarios. An estimate above the budget
is refused with the number, the budget and the option that shrinks the run. The
per-unit costs were measured on the 2-core development machine (peak resident
memory of whole runs, see docs/errors.md); they are estimates, not guarantees.
No arithmetic of duties here.
"""

from __future__ import annotations

import os

from tariffsim.errors import TariffsimError

DEFAULT_BUDGET_GB = 2.0
"""Memory one command may plan to use [GB], unless ``TARIFFSIM_MEMORY_GB`` says otherwise."""

BUDGET_VARIABLE = "TARIFFSIM_MEMORY_GB"
"""Environment variable that sets the budget [GB] on a machine with more (or less) memory."""

BASE_BYTES = 200e6
"""Python, numpy, pandas and pint loaded [bytes]."""

ROW_BYTES = 400.0
"""Peak bytes per tranche × period row of a simulation written as a table, CSV or JSON
(the result's arrays of every mode, and the text streamed from them); measured: the
5,004-tranche × 457-day behavioural run (2.29 M rows, 6.86 M with its three modes)
peaked at 0.92 GB with table output and 1.05 GB writing JSON, 332 B a row above the
libraries and the engine's slices."""

FRAME_ROW_BYTES = 600.0
"""Peak bytes per row of ``Result.periods`` (one row per mode × tranche × period), the
arrays it is built from included; measured: the same run written as Parquet peaked
at 3.79 GB, 523 B per frame row above the libraries."""

CELL_BYTES = 40.0
"""Bytes per tranche × slice cell of the engine's arrays (five float64 arrays)."""

DRAW_PERIOD_BYTES = 16.0
"""Bytes per draw × period of a sweep: additional and total duty, float64 each."""

CHUNK_ELEMENT_BYTES = 48.0
"""Bytes per element of a sweep chunk's largest array, with the arrays made beside it."""

LINE_BYTES = 100.0
"""Bytes per ledger line of a chunk, read and converted."""

LINE_SCENARIO_BYTES = 35.0
"""Bytes per ledger line and scenario priced (keys, rates, duties)."""


def budget_bytes() -> float:
    """The budget [bytes]: ``TARIFFSIM_MEMORY_GB`` if set to a positive number, else the default."""
    text = os.environ.get(BUDGET_VARIABLE)
    if text is None:
        return DEFAULT_BUDGET_GB * 1e9
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1e6:
        raise TariffsimError(
            f"expected a memory budget in GB like '8', got {text!r}",
            field=BUDGET_VARIABLE,
        )
    return value * 1e9


def check_memory(estimate: float, what: str, hint: str) -> None:
    """Refuse a run whose estimated peak memory [bytes] exceeds the budget.

    Parameters
    ----------
    estimate : the estimated peak [bytes].
    what : the run's shape in words, e.g. ``'68 tranches × 73,050 periods'``.
    hint : the option that makes the run smaller.
    """
    budget = budget_bytes()
    if estimate > budget:
        raise TariffsimError(
            f"{what} would need about {estimate / 1e9:,.1f} GB of memory, "
            f"over the budget of {budget / 1e9:,.1f} GB",
            hint=f"{hint}; or raise the budget with {BUDGET_VARIABLE}=GB",
        )


def simulation_bytes(rows: int, cells: int) -> float:
    """Peak bytes of a simulation of ``rows`` tranche × period rows and ``cells``
    tranche × slice cells of engine arrays."""
    return BASE_BYTES + ROW_BYTES * rows + CELL_BYTES * cells


def frame_bytes(frame_rows: int) -> float:
    """Peak bytes of a run that builds its result as a frame of ``frame_rows`` rows."""
    return BASE_BYTES + FRAME_ROW_BYTES * frame_rows


def check_frame(rows: int) -> None:
    """Refuse to build a frame of ``rows`` result rows whose estimate is over the budget."""
    check_memory(
        frame_bytes(rows),
        f"a table of {rows:,} rows (mode × tranche × period)",
        "write CSV or JSON (-o out.csv), which builds no table, or use a coarser --step "
        "or a shorter horizon",
    )


def sweep_bytes(samples: int, periods: int, chunk_elements: int) -> float:
    """Peak bytes of a sweep: its result arrays and one chunk's working arrays."""
    return BASE_BYTES + DRAW_PERIOD_BYTES * samples * periods + CHUNK_ELEMENT_BYTES * chunk_elements


def ledger_bytes(chunk_rows: int, scenarios: int) -> float:
    """Peak bytes of pricing a ledger: two chunks (one read ahead) of lines, priced."""
    return BASE_BYTES + 2 * chunk_rows * (LINE_BYTES + LINE_SCENARIO_BYTES * scenarios)
