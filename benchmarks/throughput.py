"""Sections 3 and 4: engine throughput against pandas and DuckDB, and memory bandwidth.

The engine path is the one :func:`tariffsim.simulate.simulate` takes, fed the
synthetic case's arrays instead of a YAML file: the grid of slices
(:func:`~tariffsim.timeline.build_grid`), the rate step functions
(:func:`~tariffsim.timeline.step_segments`) and the period sums
(:func:`~tariffsim.engine.period_duty`). All three implementations run in the
same process, one after another, and their results are checked equal.
"""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from benchmarks.peers import duckdb_connection, duckdb_duty, pandas_duty, tables
from benchmarks.synthetic import SHARED_DATES, Case, make_case
from benchmarks.timing import Timing, goal, seconds, time_call
from tariffsim import engine
from tariffsim.timeline import build_grid, distinct_dates, step_segments

PANDAS_RATIO = 10.0
"""Goal: the engine at least this many times faster than pandas…"""
DUCKDB_RATIO = 5.0
"""…and than DuckDB."""
BANDWIDTH_SHARE = 0.30
"""Goal: effective bandwidth at least this share of a numpy copy's."""
COPY_BYTES = 2**29
"""Size of the array copied to measure memory bandwidth [bytes] (512 MiB)."""


def tariffsim_duty(case: Case, out: engine.PeriodDuty | None = None) -> engine.PeriodDuty:
    """Imports and duties per tranche × month through tariffsim's timeline and engine."""
    grid = build_grid(case.start, case.end, "month", change_dates=distinct_dates(case.step_day))
    by_segment, column = step_segments(
        case.step_row, case.step_day, case.step_rate, grid.slice_start, case.n_tranches
    )
    return engine.period_duty(
        case.annual_flow,
        grid.year_fraction,
        by_segment,
        case.base_rate,
        grid.period_first_slice,
        rate_column=column,
        out=out,
    )


def effective_bytes(case: Case, periods: int) -> int:
    """Bytes the computation cannot avoid: its inputs read once, its results written once.

    Inputs: flow and base rate per tranche, and each step's row, day and rate
    (8 bytes each); results: three float64 arrays of tranches × periods.
    """
    return 8 * (2 * case.n_tranches + 3 * case.n_steps + 3 * case.n_tranches * periods)


def engine_against_peers(
    n_tranches: int, repeat: int, peer_repeat: int
) -> tuple[list[str], dict[str, Timing]]:
    """Section 3: time the three implementations and check they agree."""
    case = make_case(n_tranches)
    tranche_table, step_table = tables(case)
    connection = duckdb_connection(tranche_table, step_table)
    ours = tariffsim_duty(case)
    periods = ours.imports.shape[1]
    preallocated = engine.PeriodDuty(
        *(np.empty((case.n_tranches, periods), order="F") for _ in range(3))
    )
    timings = {
        "engine": time_call(lambda: tariffsim_duty(case), repeat),
        "engine_out": time_call(lambda: tariffsim_duty(case, preallocated), repeat),
        "pandas": time_call(lambda: pandas_duty(case, tranche_table, step_table), peer_repeat),
        "duckdb": time_call(lambda: duckdb_duty(case, connection), peer_repeat),
    }
    for name, theirs in (
        ("pandas", pandas_duty(case, tranche_table, step_table)),
        ("DuckDB", duckdb_duty(case, connection)),
    ):
        for mine, other in zip(ours, theirs, strict=True):
            assert_allclose(mine, other, rtol=1e-12, atol=0, err_msg=f"{name} disagrees")
    for mine, other in zip(ours, tariffsim_duty(case, preallocated), strict=True):
        assert_allclose(mine, other, rtol=0, atol=0)
    connection.close()
    ours_median = timings["engine"].median
    pandas, duckdb = timings["pandas"].median, timings["duckdb"].median
    lines = [
        f"3. Engine: {case.n_tranches:,} tranches × {periods} months, {case.n_steps:,} steps "
        f"on {len(SHARED_DATES)} shared dates",
        f"   median of {repeat} (tariffsim) and {peer_repeat} (peers), same process",
        f"   tariffsim engine                    {seconds(ours_median):>10}",
        f"   tariffsim engine, results reused    {seconds(timings['engine_out'].median):>10}",
        f"   pandas (merge_asof, groupby)        {seconds(pandas):>10}   "
        f"{pandas / ours_median:.0f}× the engine's time; goal ≥ {PANDAS_RATIO:.0f}×: "
        + goal(pandas >= PANDAS_RATIO * ours_median),
        f"   DuckDB SQL (range join, GROUP BY)   {seconds(duckdb):>10}   "
        f"{duckdb / ours_median:.0f}× the engine's time; goal ≥ {DUCKDB_RATIO:.0f}×: "
        + goal(duckdb >= DUCKDB_RATIO * ours_median),
        "   results equal: pandas and DuckDB agree with tariffsim (assert_allclose, rtol 1e-12)",
    ]
    return lines, timings


def bandwidth(n_tranches: int, repeat: int) -> tuple[list[str], dict[str, Timing]]:
    """Section 4: a large numpy copy, and the engine's effective bytes per second."""
    source = np.ones(COPY_BYTES // 8)
    target = np.empty_like(source)
    case = make_case(n_tranches)
    periods = tariffsim_duty(case).imports.shape[1]
    preallocated = engine.PeriodDuty(
        *(np.empty((case.n_tranches, periods), order="F") for _ in range(3))
    )
    timings = {
        "copy": time_call(lambda: np.copyto(target, source), repeat),
        "copy_fresh": time_call(lambda: source.copy(), repeat),
        "engine": time_call(lambda: tariffsim_duty(case), repeat),
        "engine_out": time_call(lambda: tariffsim_duty(case, preallocated), repeat),
    }
    moved = 2 * source.nbytes  # a copy reads and writes every byte
    copy_rate = moved / timings["copy"].median
    fresh_rate = moved / timings["copy_fresh"].median
    needed = effective_bytes(case, periods)
    reused_rate = needed / timings["engine_out"].median
    engine_rate = needed / timings["engine"].median
    share = reused_rate / copy_rate
    return [
        f"4. Memory bandwidth: median of {repeat}",
        f"   numpy copy, {COPY_BYTES // 2**20} MiB into an existing array   "
        f"{copy_rate / 1e9:6.1f} GB/s (read + write)",
        f"   numpy copy, {COPY_BYTES // 2**20} MiB into a new array         "
        f"{fresh_rate / 1e9:6.1f} GB/s",
        f"   engine, results reused: {needed / 1e6:.0f} MB in "
        f"{seconds(timings['engine_out'].median)}  {reused_rate / 1e9:6.1f} GB/s = "
        f"{share:.0%} of the copy; goal ≥ {BANDWIDTH_SHARE:.0%}: " + goal(share >= BANDWIDTH_SHARE),
        f"   engine, new results:    {needed / 1e6:.0f} MB in "
        f"{seconds(timings['engine'].median)}  {engine_rate / 1e9:6.1f} GB/s = "
        f"{engine_rate / fresh_rate:.0%} of the copy into a new array",
    ], timings
