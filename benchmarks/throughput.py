"""Sections 3 and 4: engine throughput against pandas and DuckDB, and memory bandwidth.

The engine path is the one :func:`tariffsim.model.simulation.simulate` takes for a
static run, fed the synthetic case's arrays instead of a YAML file: the grid of slices
(:func:`~tariffsim.model.timeline.build_grid`), then blocks of rows side by side, one
per core (:mod:`tariffsim.model.row_blocks`), each taking its rate steps as changes by
slice (:func:`~tariffsim.model.timeline.step_changes`) into the fused kernel that keeps
one rate per tranche and writes the period sums straight into the results
(:func:`~tariffsim.model.engine.period_duty_stepped`). Every implementation runs in the
same process, one after another, and their results are checked equal.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np
from numpy.testing import assert_allclose

from benchmarks.expert_peers import (
    Triple,
    duckdb_expert_connection,
    duckdb_expert_duty,
    numba_duty,
    pandas_wide_duty,
)
from benchmarks.numba_blocks import numba_blocks_duty
from benchmarks.peers import duckdb_connection, duckdb_duty, pandas_duty, tables
from benchmarks.synthetic import SHARED_DATES, Case, make_case
from benchmarks.timing import Timing, goal, spread, time_rounds
from tariffsim.model import engine, row_blocks
from tariffsim.model.timeline import LongSteps, build_grid, distinct_dates, step_changes

PANDAS_RATIO = 10.0
"""Goal: the engine at least this many times faster than pandas (the expert, wide peer)…"""
DUCKDB_RATIO = 20.0
"""…and than DuckDB (the expert query), issue 19."""
FLOOR_RATIO = 1.6
"""Goal: the whole path within this many times the floor of writing its results."""
BANDWIDTH_SHARE = 0.30
"""Goal: effective bandwidth at least this share of a numpy copy's."""
COPY_BYTES = 2**29
"""Size of the array copied to measure memory bandwidth [bytes] (512 MiB)."""


def tariffsim_duty(case: Case, out: engine.PeriodDuty | None = None) -> engine.PeriodDuty:
    """Imports and duties per tranche × month through tariffsim's timeline and engine.

    The path :func:`tariffsim.model.simulation.simulate` takes for a static run: the
    grid, then blocks of rows side by side (:mod:`tariffsim.model.row_blocks`).
    """
    grid = build_grid(case.start, case.end, "month", change_dates=distinct_dates(case.step_day))
    return row_blocks.period_duty_from_steps(
        case.annual_flow,
        grid.year_fraction,
        [(LongSteps(case.step_row, case.step_day, case.step_rate), 0.0)],
        case.base_rate,
        grid.slice_start,
        grid.period_first_slice,
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
    expert = duckdb_expert_connection(tranche_table, step_table)
    ours = tariffsim_duty(case)
    periods = ours.imports.shape[1]
    preallocated = engine.PeriodDuty(
        *(np.empty((case.n_tranches, periods), order="F") for _ in range(3))
    )
    peers: dict[str, Callable[[], Triple | None]] = {
        "pandas": lambda: pandas_duty(case, tranche_table, step_table),
        "pandas_wide": lambda: pandas_wide_duty(case, tranche_table, step_table),
        "duckdb": lambda: duckdb_duty(case, connection),
        "duckdb_expert": lambda: duckdb_expert_duty(case, expert),
    }
    if numba_duty(case, tranche_table, step_table) is not None:  # compiles it, untimed
        numba_duty(case, tranche_table, step_table, parallel=True)
        peers["numba"] = lambda: numba_duty(case, tranche_table, step_table)
        peers["numba_parallel"] = lambda: numba_duty(case, tranche_table, step_table, True)
    if numba_blocks_duty(case) is not None:  # compiles it, untimed
        peers["numba_blocks"] = lambda: numba_blocks_duty(case)
    calls = {
        "engine": lambda: tariffsim_duty(case),
        "engine_out": lambda: tariffsim_duty(case, preallocated),
        **peers,
    }
    engine_runs = max(1, repeat // peer_repeat)
    timings = time_rounds(
        calls,
        peer_repeat,
        per_round={
            "engine": engine_runs,
            "engine_out": engine_runs,
            "numba": engine_runs,
            "numba_parallel": engine_runs,
            "numba_blocks": engine_runs,
        },
    )
    for name, compute in peers.items():
        theirs = compute()
        assert theirs is not None
        for mine, other in zip(ours, theirs, strict=True):
            assert_allclose(mine, other, rtol=1e-12, atol=0, err_msg=f"{name} disagrees")
    for mine, other in zip(ours, tariffsim_duty(case, preallocated), strict=True):
        assert_allclose(mine, other, rtol=0, atol=0)
    connection.close()
    expert.close()
    ours_median = timings["engine"].median

    def ratio(name: str) -> str:
        return f"   {timings[name].median / ours_median:.1f}× the engine's time"

    pandas = min(timings["pandas"].median, timings["pandas_wide"].median)
    duckdb = min(timings["duckdb"].median, timings["duckdb_expert"].median)
    lines = [
        f"3. Engine: {case.n_tranches:,} tranches × {periods} months, {case.n_steps:,} steps "
        f"on {len(SHARED_DATES)} shared dates",
        f"   tariffsim in {row_blocks.block_edges(case.n_tranches, periods).size - 1} block(s) "
        f"of rows side by side ({row_blocks.available_threads()} usable cores)",
        f"   in turn, {peer_repeat} rounds, same process; median of "
        f"{timings['engine'].runs} (tariffsim) and {peer_repeat} (peers)",
        f"   tariffsim engine                    {spread(timings['engine'])}",
        f"   tariffsim engine, results reused    {spread(timings['engine_out'])}",
        f"   pandas (merge_asof, groupby)        {spread(timings['pandas'])}" + ratio("pandas"),
        f"   pandas expert (wide, reduceat)      {spread(timings['pandas_wide'])}"
        + ratio("pandas_wide"),
        f"   DuckDB SQL (range join, GROUP BY)   {spread(timings['duckdb'])}" + ratio("duckdb"),
        f"   DuckDB expert (dates, inner join)   {spread(timings['duckdb_expert'])}"
        + ratio("duckdb_expert"),
    ]
    if "numba" in timings:
        lines += [
            f"   numba, tranche by tranche, 1 core   {spread(timings['numba'])}" + ratio("numba"),
            f"   the same, prange over tranches      {spread(timings['numba_parallel'])}"
            + ratio("numba_parallel"),
        ]
    if "numba_blocks" in timings:
        lines.append(
            f"   numba expert (blocks, period-major) {spread(timings['numba_blocks'])}"
            + ratio("numba_blocks")
            + " (the compiled limit)"
        )
    lines += [
        f"   against the strongest pandas peer {pandas / ours_median:.1f}×; goal ≥ "
        f"{PANDAS_RATIO:.0f}×: " + goal(pandas >= PANDAS_RATIO * ours_median),
        f"   against the strongest DuckDB peer {duckdb / ours_median:.1f}×; goal ≥ "
        f"{DUCKDB_RATIO:.0f}×: " + goal(duckdb >= DUCKDB_RATIO * ours_median),
        "   results equal: every peer agrees with tariffsim (assert_allclose, rtol 1e-12)",
    ]
    return lines, timings


def bandwidth(n_tranches: int, repeat: int) -> tuple[list[str], dict[str, Timing]]:
    """Section 4: a large numpy copy, and the engine's effective bytes per second.

    Two views of "the engine": the kernel of :mod:`tariffsim.model.engine` alone, in
    one thread (:func:`~tariffsim.model.engine.period_duty_stepped`, from the changes
    by slice to the results), and the whole path of section 3 (timeline and kernel,
    from the steps in long form, blocks of rows side by side). Both write into
    results reused from run to run, as the copy writes into an existing array. The
    write floor is the faster of filling the results in one thread and in as many
    threads as the engine uses.
    """
    source = np.ones(COPY_BYTES // 8)
    target = np.empty_like(source)
    case = make_case(n_tranches)
    grid = build_grid(case.start, case.end, "month", change_dates=distinct_dates(case.step_day))
    changes = step_changes(
        case.step_row, case.step_day, case.step_rate, grid.slice_start, case.n_tranches
    )
    periods = grid.n_periods
    results = engine.PeriodDuty(
        *(np.empty((case.n_tranches, periods), order="F") for _ in range(3))
    )

    def kernel() -> None:
        engine.period_duty_stepped(
            case.annual_flow,
            grid.year_fraction,
            [changes],
            case.base_rate,
            grid.period_first_slice,
            out=results,
        )

    def write_floor() -> None:  # the least any implementation does: write its results
        for array in results:
            array.fill(1.0)

    flat = [array.reshape(-1, order="F") for array in results]  # views: F-ordered results
    threads = row_blocks.block_edges(case.n_tranches, periods).size - 1
    edges = np.arange(threads + 1) * flat[0].size // threads

    def fill_part(b: int) -> None:
        for array in flat:
            array[edges[b] : edges[b + 1]].fill(1.0)

    def write_floor_threads() -> None:  # the same, by as many threads as the engine uses
        row_blocks.side_by_side(fill_part, threads)

    fixed_rate = np.full(case.n_tranches, 0.25)
    row_edges = row_blocks.block_edges(case.n_tranches, periods)

    def products_of(rows: slice) -> None:  # numpy's least for this layout: M, then D and B from M
        imports, additional, base = (array[rows].T for array in results)
        flow, base_rate, rate = case.annual_flow[rows], case.base_rate[rows], fixed_rate[rows]
        for p, s in enumerate(grid.period_first_slice):
            np.multiply(grid.year_fraction[s], flow, out=imports[p])
            np.multiply(imports[p], rate, out=additional[p])
            np.multiply(imports[p], base_rate, out=base[p])

    blocks = [slice(int(a), int(b)) for a, b in pairwise(row_edges)]

    def products_threads() -> None:
        row_blocks.side_by_side(lambda b: products_of(blocks[b]), len(blocks))

    calls: dict[str, Callable[[], object]] = {
        "copy": lambda: np.copyto(target, source),
        "floor": write_floor,
        "floor_threads": write_floor_threads,
        "products": lambda: products_of(slice(None)),
        "products_threads": products_threads,
        "kernel": kernel,
        "engine_out": lambda: tariffsim_duty(case, results),
    }
    if numba_blocks_duty(case, results) is not None:
        calls["numba_blocks_out"] = lambda: numba_blocks_duty(case, results)
    timings = time_rounds(calls, repeat)
    copy_rate = 2 * source.nbytes / timings["copy"].median  # a copy reads and writes every byte
    # The kernel reads flows, base rates and the changes (row, value), and writes the results.
    kernel_bytes = 8 * (2 * case.n_tranches + 2 * changes.row.size + 3 * case.n_tranches * periods)
    whole_bytes = effective_bytes(case, periods)
    lines = [
        f"4. Memory bandwidth: in turn, median of {repeat}",
        f"   numpy copy, {COPY_BYTES // 2**20} MiB into an existing array "
        f"{spread(timings['copy'])}   {copy_rate / 1e9:5.1f} GB/s (read + write)",
    ]
    for name, label, moved in (
        ("kernel", "kernel, 1 thread (period_duty_stepped)", kernel_bytes),
        ("engine_out", "timeline + kernel (section 3 path) ", whole_bytes),
    ):
        rate = moved / timings[name].median
        lines.append(
            f"   {label}{spread(timings[name])}   {rate / 1e9:5.1f} GB/s for {moved / 1e6:.0f} MB"
            f" = {rate / copy_rate:.0%} of the copy; goal ≥ {BANDWIDTH_SHARE:.0%}: "
            + goal(rate >= BANDWIDTH_SHARE * copy_rate)
        )
    floor = min(timings["floor"].median, timings["floor_threads"].median)
    products_best = min(timings["products"].median, timings["products_threads"].median)
    result_mb = 8 * 3 * case.n_tranches * periods / 1e6
    lines += [
        f"   write floor: filling the {result_mb:.0f} MB of results in place, 1 thread "
        f"{spread(timings['floor'])}",
        f"   the same, {threads} thread{'s' * (threads > 1)} (the engine's count)     "
        f"{spread(timings['floor_threads'])}; the floor is the faster",
        f"   numpy's three products a period alone (M = V·w, D = M·τ, B = M·b; no rate "
        f"changes, no steps), 1 thread {spread(timings['products'])}",
        f"   the same, {threads} thread{'s' * (threads > 1)}"
        f"{spread(timings['products_threads'])}; the faster is "
        f"{products_best / floor:.2f}× the floor: numpy's least for these results",
        f"   kernel {timings['kernel'].median / floor:.2f}× the floor; whole path "
        f"{timings['engine_out'].median / floor:.2f}× the floor; goal ≤ {FLOOR_RATIO}×: "
        + goal(timings["engine_out"].median <= FLOOR_RATIO * floor),
    ]
    if "numba_blocks_out" in timings:
        lines.append(
            f"   numba expert (blocks, period-major), results reused "
            f"{spread(timings['numba_blocks_out'])}; "
            f"{timings['numba_blocks_out'].median / floor:.2f}× the floor: the compiled limit"
        )
    return lines, timings
