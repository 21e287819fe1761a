"""The engine path in blocks of rows equals the one-block path to the bit.

Independent computation: :func:`step_changes` over all rows and one call of the
kernel (:func:`engine.period_duty_stepped`), against
:func:`row_blocks.period_duty_from_steps` cut into 1 to 6 blocks run in threads.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from tariffsim.errors import TariffsimError
from tariffsim.model import engine, row_blocks
from tariffsim.model.timeline import LongSteps, build_grid, from_day_number, step_changes

START = 17_897  # 2019-01-01
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@st.composite
def long_steps_of(draw: st.DrawFn, rows: int, shuffled: bool) -> LongSteps:
    count = draw(st.integers(0, 3 * rows))
    row = np.array(draw(st.lists(st.integers(0, rows - 1), min_size=count, max_size=count)))
    day = np.array(
        draw(st.lists(st.integers(START - 30, START + 400), min_size=count, max_size=count))
    )
    value = np.array(
        draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]), min_size=count, max_size=count))
    )
    order = np.arange(count) if shuffled else np.argsort(row, kind="stable")
    return LongSteps(
        row[order].astype(np.int64), day[order].astype(np.int64), value[order].astype(np.float64)
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[int, LongSteps, LongSteps, str, bool]:
    rows = draw(st.integers(1, 40))
    shuffled = draw(st.booleans())
    return (
        rows,
        draw(long_steps_of(rows, shuffled)),
        draw(long_steps_of(rows, shuffled)),
        draw(st.sampled_from(["day", "week", "month", "quarter"])),
        draw(st.booleans()),
    )


@settings(max_examples=80, deadline=None)
@given(cases(), st.integers(1, 6))
def test_blocks_equal_one_block_to_the_bit(
    case: tuple[int, LongSteps, LongSteps, str, bool], threads: int
) -> None:
    rows, rate, kept, step, seasonal = case
    days = [from_day_number(int(d)) for d in np.r_[rate.day, kept.day]]
    grid = build_grid(from_day_number(START), from_day_number(START + 370), step, change_dates=days)
    rng = np.random.default_rng(rows)
    flow = rng.uniform(0.0, 1e9, rows)
    base = rng.uniform(0.0, 0.2, rows)
    weight = (
        grid.year_fraction * rng.uniform(0.5, 1.5, (rows, 1)) if seasonal else grid.year_fraction
    )
    whole = engine.period_duty_stepped(
        flow,
        weight,
        [
            step_changes(*rate, grid.slice_start, rows),
            step_changes(*kept, grid.slice_start, rows, before=1.0),
        ],
        base,
        grid.period_first_slice,
    )
    blocked = row_blocks.period_duty_from_steps(
        flow,
        weight,
        [(rate, 0.0), (kept, 1.0)],
        base,
        grid.slice_start,
        grid.period_first_slice,
        threads=threads,
        min_cells=1,
    )
    for ours, theirs in zip(blocked, whole, strict=True):
        assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    ("rows", "periods", "threads", "min_cells", "blocks"),
    [(100_000, 36, 2, 2**20, 2), (10_000, 36, 2, 2**20, 1), (3, 10, 8, 1, 3), (0, 5, 4, 1, 1)],
)
def test_block_edges_cut_equal_blocks(
    rows: int, periods: int, threads: int, min_cells: int, blocks: int
) -> None:
    edges = row_blocks.block_edges(rows, periods, threads, min_cells)
    assert edges.size == blocks + 1
    assert edges[0] == 0 and edges[-1] == rows
    sizes = np.diff(edges)
    assert sizes.max() - sizes.min() <= 1


def test_threads_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARIFFSIM_THREADS", "3")
    assert row_blocks.available_threads() == 3
    monkeypatch.delenv("TARIFFSIM_THREADS")
    assert row_blocks.available_threads() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("text", ["none", "0", "-2", "1.5", ""])
def test_a_bad_thread_count_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv("TARIFFSIM_THREADS", text)
    with pytest.raises(TariffsimError, match="expected a number of threads") as error:
        row_blocks.available_threads()
    assert error.value.field == "TARIFFSIM_THREADS"


def test_cli_refuses_a_bad_thread_count_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "TARIFFSIM_THREADS": "lots"}
    done = subprocess.run(
        [sys.executable, "-m", "tariffsim", "run", str(SCENARIOS / "section301-2024.yaml")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "TARIFFSIM_THREADS" in lines[0] and "'lots'" in lines[0]
