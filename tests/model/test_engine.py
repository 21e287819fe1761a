"""Hand-computed cases for the engine kernels, and the blocked kernel against the plain ones."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from tariffsim.model import engine
from tariffsim.model.timeline import build_grid, day_number, step_function, step_segments


def plain(
    flow: np.ndarray, weights: np.ndarray, rate: np.ndarray, base: np.ndarray, first: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The period sums through the plain whole-array kernels."""
    imports = engine.accrued_imports(flow, weights)
    return (
        engine.period_sums(imports, first),
        engine.period_sums(engine.ad_valorem_duty(imports, rate), first),
        engine.period_sums(engine.ad_valorem_duty(imports, base[:, None]), first),
    )


def test_mid_month_step_in_january_2019() -> None:
    # 365 M USD/year is 1 M USD a day in 2019; 10 % from 11 January: 21 days of duty.
    grid = build_grid(
        dt.date(2019, 1, 1), dt.date(2019, 2, 28), "month", change_dates=[dt.date(2019, 1, 11)]
    )
    rate = step_function([[day_number(dt.date(2019, 1, 11))]], [[0.10]], grid.slice_start)
    duty = engine.period_duty(
        np.array([365e6]), grid.year_fraction, rate, np.array([0.02]), grid.period_first_slice
    )
    assert_allclose(duty.imports, [[31e6, 28e6]], rtol=1e-12)
    assert_allclose(duty.additional_duty, [[2.1e6, 2.8e6]], rtol=1e-12)
    assert_allclose(duty.base_duty, [[0.62e6, 0.56e6]], rtol=1e-12)


def test_week_across_new_year_into_a_leap_year() -> None:
    # Monday 30 December 2019 to Sunday 5 January 2020: 2 days of 365 and 5 days of 366.
    grid = build_grid(dt.date(2019, 12, 30), dt.date(2020, 1, 5), "week")
    duty = engine.period_duty(
        np.array([1e9]), grid.year_fraction, np.full((1, 2), 0.25), np.zeros(1), np.array([0])
    )
    assert_allclose(duty.imports, [[1e9 * (2 / 365 + 5 / 366)]], rtol=1e-14)
    assert_allclose(duty.additional_duty, [[0.25e9 * (2 / 365 + 5 / 366)]], rtol=1e-14)
    assert_array_equal(duty.base_duty, [[0.0]])


@pytest.mark.parametrize(("block_cells", "row_loop_limit"), [(1, 0), (7, 10_000), (2**18, 64)])
@pytest.mark.parametrize("step", ["day", "week", "month", "quarter", "year"])
def test_period_duty_equals_the_plain_kernels(
    step: str, block_cells: int, row_loop_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "BLOCK_CELLS", block_cells)
    monkeypatch.setattr(engine, "ROW_LOOP_LIMIT", row_loop_limit)
    rng = np.random.default_rng(7)
    rows = 23
    start, end = dt.date(2019, 11, 20), dt.date(2021, 2, 10)
    days = [sorted(rng.choice(np.arange(18200, 18700), 3, replace=False)) for _ in range(rows)]
    values = [list(rng.choice([0.0, 0.075, 0.1, 0.15, 0.25], 3)) for _ in range(rows)]
    changes = [dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for row in days for d in row]
    grid = build_grid(start, end, step, change_dates=changes)  # type: ignore[arg-type]
    flow = rng.lognormal(18, 2, rows)
    base = rng.choice([0.0, 0.025, 0.12], rows)
    rate = step_function(days, values, grid.slice_start)
    expected = plain(flow, grid.year_fraction, rate, base, grid.period_first_slice)
    got = engine.period_duty(flow, grid.year_fraction, rate, base, grid.period_first_slice)
    by_segment, column = step_segments(
        np.repeat(np.arange(rows), 3),
        np.concatenate(days),
        np.concatenate(values),
        grid.slice_start,
        rows,
    )
    factored = engine.period_duty(
        flow, grid.year_fraction, by_segment, base, grid.period_first_slice, rate_column=column
    )
    seasonal = np.tile(grid.year_fraction, (rows, 1))  # per-row weights take the other branch
    per_row = engine.period_duty(flow, seasonal, rate, base, grid.period_first_slice)
    for result in (got, factored, per_row):
        for a, b in zip(result, expected, strict=True):
            # Left-to-right sums; reduceat may pair the terms of long periods otherwise.
            assert_allclose(a, b, rtol=1e-14, atol=0)


def test_period_duty_writes_into_given_arrays() -> None:
    out = engine.PeriodDuty(*(np.full((2, 3), np.nan, order="F") for _ in range(3)))
    got = engine.period_duty(
        np.array([1.0, 2.0]),
        np.array([0.1, 0.2, 0.3]),
        np.array([[0.5, 0.5, 0.5], [1.0, 0.0, 1.0]]),
        np.array([0.1, 0.0]),
        np.array([0, 1, 2]),
        out=out,
    )
    assert got is out
    assert_allclose(out.imports, [[0.1, 0.2, 0.3], [0.2, 0.4, 0.6]])
    assert_allclose(out.additional_duty, [[0.05, 0.1, 0.15], [0.2, 0.0, 0.6]])
    assert_allclose(out.base_duty, [[0.01, 0.02, 0.03], [0.0, 0.0, 0.0]])


def test_period_duty_with_no_rows() -> None:
    duty = engine.period_duty(
        np.zeros(0), np.array([0.5, 0.5]), np.zeros((0, 2)), np.zeros(0), np.array([0])
    )
    assert duty.imports.shape == (0, 1)
