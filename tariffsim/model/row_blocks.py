"""The static engine path run on blocks of rows, one block per core.

From the steps in long form to the three (N, P) results: each block of rows
takes its own steps (:func:`~tariffsim.model.timeline.step_changes`) and runs
the kernel (:func:`~tariffsim.model.engine.period_duty_stepped`) into its rows
of the results. Blocks share nothing they write, and numpy releases the GIL
in the array work, so the blocks run side by side in threads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from tariffsim._types import FloatArray, IntArray
from tariffsim.errors import TariffsimError
from tariffsim.model import engine
from tariffsim.model.timeline import LongSteps, step_changes

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

THREADS_VARIABLE = "TARIFFSIM_THREADS"
"""Environment variable that caps the engine's threads (e.g. 1 inside a process pool)."""

CELLS_PER_THREAD = 2**20
"""Fewest result cells (rows × periods) worth a thread of their own: below this a
block's work (a few ms) no longer pays for handing it to another thread."""


def available_threads() -> int:
    """Threads the engine may use: ``TARIFFSIM_THREADS`` if set, else the usable cores.

    Raises
    ------
    TariffsimError
        when ``TARIFFSIM_THREADS`` is not a whole number from 1 to 1024.
    """
    text = os.environ.get(THREADS_VARIABLE)
    if text is None:
        cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        return len(cores) if cores else os.cpu_count() or 1
    if not (text.strip().isdigit() and 1 <= int(text) <= 1024):
        raise TariffsimError(
            f"expected a number of threads like '1' or '4', got {text!r}",
            field=THREADS_VARIABLE,
            hint="unset it to use every usable core",
        )
    return int(text)


def thread_pool(threads: int) -> ThreadPoolExecutor:
    """The engine's threads, started once per count and kept for the process.

    Keyed by process too: a child forked after the threads started has none of them.
    """
    return _pool(threads, os.getpid())


@cache
def _pool(threads: int, process: int) -> ThreadPoolExecutor:
    from concurrent.futures import ThreadPoolExecutor  # only runs with many tranches need it

    return ThreadPoolExecutor(threads, thread_name_prefix="tariffsim-engine")


def block_edges(
    rows: int, periods: int, threads: int | None = None, min_cells: int = CELLS_PER_THREAD
) -> IntArray:
    """First row of each block and the end, shape (B + 1,): B equal blocks of rows.

    ``B = min(threads, rows · periods // min_cells, rows)``, at least 1.
    """
    threads = available_threads() if threads is None else threads
    blocks = max(1, min(threads, rows * periods // max(min_cells, 1), rows))
    return np.arange(blocks + 1, dtype=np.int64) * rows // blocks


def _by_row(steps: LongSteps) -> LongSteps:
    """The steps in row order (stable, so same-row steps keep their order)."""
    if steps.row.size < 2 or not np.any(steps.row[1:] < steps.row[:-1]):
        return steps
    order = np.argsort(steps.row, kind="stable")
    return LongSteps(steps.row[order], steps.day[order], steps.value[order])


def period_duty_from_steps(
    annual_flow: FloatArray,
    year_fraction: FloatArray,
    rate_factors: Sequence[tuple[LongSteps, float]],
    base_rate: FloatArray,
    slice_start: IntArray,
    period_first_slice: IntArray,
    out: engine.PeriodDuty | None = None,
    threads: int | None = None,
    min_cells: int = CELLS_PER_THREAD,
) -> engine.PeriodDuty:
    """Imports, additional duty and base duty per row and period [USD], each (N, P).

    Parameters
    ----------
    annual_flow, base_rate, period_first_slice, out : as for
        :func:`~tariffsim.model.engine.period_duty_stepped`.
    year_fraction : share of its calendar year each slice covers [1], (S,) or (N, S).
    rate_factors : step functions in long form, each with its value before its
        first step, whose product is the additional rate [fraction] on each slice.
    slice_start : first day of each slice [day number], shape (S,), increasing.
    threads : most blocks to run side by side (default :func:`available_threads`).
    min_cells : fewest result cells per block (:data:`CELLS_PER_THREAD`).

    Notes
    -----
    Rows ``[e_b, e_{b+1})`` of block b (:func:`block_edges`) get exactly the
    arithmetic they get in one block: the kernel is row-wise, and a block's
    changes are the changes of its rows. So the results equal one block's to the bit.
    """
    rows, periods = annual_flow.shape[0], period_first_slice.shape[0]
    if out is None:
        out = engine.PeriodDuty(*(np.empty((rows, periods), order="F") for _ in range(3)))
    edges = block_edges(rows, periods, threads, min_cells)
    ordered = [(_by_row(steps), before) for steps, before in rate_factors]
    cuts = [np.searchsorted(steps.row, edges) for steps, _ in ordered]
    seasonal = np.ndim(year_fraction) == 2
    result = out

    def run_block(b: int) -> None:
        first, end = int(edges[b]), int(edges[b + 1])
        changes = [
            step_changes(
                steps.row[cut[b] : cut[b + 1]] - first,
                steps.day[cut[b] : cut[b + 1]],
                steps.value[cut[b] : cut[b + 1]],
                slice_start,
                end - first,
                before,
            )
            for (steps, before), cut in zip(ordered, cuts, strict=True)
        ]
        engine.period_duty_stepped(
            annual_flow[first:end],
            year_fraction[first:end] if seasonal else year_fraction,
            changes,
            base_rate[first:end],
            period_first_slice,
            out=engine.PeriodDuty(*(array[first:end] for array in result)),
        )

    blocks = edges.size - 1
    side_by_side(run_block, blocks)
    return out


def side_by_side(work: Callable[[int], None], blocks: int) -> None:
    """``work(b)`` for b in 0 … blocks − 1, at once: block 0 in this thread, the others in
    the engine's threads; returns when all are done (and raises what any raised)."""
    others = [thread_pool(blocks - 1).submit(work, b) for b in range(1, blocks)]
    work(0)
    for block in others:
        block.result()
