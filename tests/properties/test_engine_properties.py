"""Invariants of the engine path (step changes → period_duty_stepped) under hypothesis.

A vector run equals scalar runs (each tranche alone), to the last bit; a daily
timeline and a monthly one give the same totals; the period sums are the
left-to-right sums of the slice terms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from tariffsim.model import engine
from tariffsim.model.timeline import (
    Grid,
    build_grid,
    from_day_number,
    long_steps,
    step_changes,
    step_function,
)

FIRST_DAY = 17_000  # 2016-07-18
LAST_DAY = 19_500  # 2023-05-23


@dataclass(frozen=True)
class Case:
    start: dt.date
    end: dt.date
    flow: np.ndarray
    base: np.ndarray
    step_days: list[list[int]]
    step_rates: list[list[float]]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    start = draw(st.integers(FIRST_DAY, LAST_DAY))
    end = start + draw(st.integers(0, 800))
    n = draw(st.integers(1, 5))
    rate = st.sampled_from([0.0, 0.05, 0.075, 0.1, 0.15, 0.25, 1.0])
    day = st.integers(start - 40, end + 40)
    steps = [draw(st.lists(st.tuples(day, rate), max_size=4)) for _ in range(n)]
    # No subnormal numbers: numpy errors raise in tests, underflow included.
    money = st.one_of(st.just(0.0), st.floats(1.0, 1e12))
    share = st.one_of(st.just(0.0), st.floats(1e-4, 0.5))
    return Case(
        start=from_day_number(start),
        end=from_day_number(end),
        flow=np.array(draw(st.lists(money, min_size=n, max_size=n))),
        base=np.array(draw(st.lists(share, min_size=n, max_size=n))),
        step_days=[[d for d, _ in s] for s in steps],
        step_rates=[[r for _, r in s] for s in steps],
    )


def run(case: Case, step: str, rows: slice = slice(None)) -> tuple[Grid, engine.PeriodDuty]:
    """The engine path simulate.py takes, for the tranches in ``rows``."""
    days, rates = case.step_days[rows], case.step_rates[rows]
    changes = [from_day_number(d) for row in days for d in row]
    grid = build_grid(case.start, case.end, step, change_dates=changes)  # type: ignore[arg-type]
    changed = step_changes(*long_steps(days, rates), grid.slice_start, len(days))
    duty = engine.period_duty_stepped(
        case.flow[rows], grid.year_fraction, [changed], case.base[rows], grid.period_first_slice
    )
    return grid, duty


@settings(max_examples=60, deadline=None)
@given(cases(), st.sampled_from(["day", "week", "month", "quarter", "year"]))
def test_vector_run_equals_scalar_runs(case: Case, step: str) -> None:
    grid, together = run(case, step)
    for i in range(case.flow.size):
        alone_grid, alone = run(case, step, slice(i, i + 1))
        # Each tranche alone cuts fewer slices; its periods and totals are the same.
        assert alone_grid.period_start == grid.period_start
        for a, b in zip(alone, together, strict=True):
            assert_allclose(a[0], b[i], rtol=1e-13, atol=0)
    # The same grid, row by row, through the kernel that reads rates by slice:
    # exactly the same numbers.
    rate = step_function(case.step_days, case.step_rates, grid.slice_start)
    for i in range(case.flow.size):
        row = engine.period_duty(
            case.flow[i : i + 1],
            grid.year_fraction,
            rate[i : i + 1],
            case.base[i : i + 1],
            grid.period_first_slice,
        )
        for a, b in zip(row, together, strict=True):
            assert_array_equal(a[0], b[i])


@settings(max_examples=60, deadline=None)
@given(cases())
def test_daily_and_monthly_timelines_give_the_same_totals(case: Case) -> None:
    daily_grid, daily = run(case, "day")
    monthly_grid, monthly = run(case, "month")
    month_of_day = (
        np.searchsorted(
            [d.toordinal() for d in monthly_grid.period_start],
            [d.toordinal() for d in daily_grid.period_start],
            side="right",
        )
        - 1
    )
    for by_day, by_month in zip(daily, monthly, strict=True):
        summed = np.zeros_like(by_month)
        np.add.at(summed, (slice(None), month_of_day), by_day)
        assert_allclose(summed, by_month, rtol=1e-12, atol=1e-9 * case.flow.max())
        assert_allclose(by_day.sum(axis=1), by_month.sum(axis=1), rtol=1e-12, atol=1e-3)


@settings(max_examples=40, deadline=None)
@given(cases(), st.sampled_from(["week", "quarter", "year"]))
def test_period_sums_are_left_to_right_sums_of_slice_terms(case: Case, step: str) -> None:
    grid, duty = run(case, step)
    rate = step_function(case.step_days, case.step_rates, grid.slice_start)
    bounds = [*grid.period_first_slice.tolist(), grid.n_slices]
    for i in range(case.flow.size):
        for p in range(grid.n_periods):
            imports = additional = base = 0.0
            for s in range(bounds[p], bounds[p + 1]):
                accrued = case.flow[i] * grid.year_fraction[s]
                imports += accrued
                additional += accrued * rate[i, s]
                base += accrued * case.base[i]
            assert duty.imports[i, p] == imports
            assert duty.additional_duty[i, p] == additional
            assert duty.base_duty[i, p] == base
