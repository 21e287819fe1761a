"""Calendar-aligned periods, slices and step functions."""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from tariffsim.timeline import build_grid, day_number, period_starts, step_function

D = dt.date


def test_periods_are_calendar_aligned_and_clipped() -> None:
    assert period_starts(D(2018, 9, 24), D(2019, 2, 2), "month") == [
        D(2018, 9, 24),
        D(2018, 10, 1),
        D(2018, 11, 1),
        D(2018, 12, 1),
        D(2019, 1, 1),
        D(2019, 2, 1),
    ]
    assert period_starts(D(2018, 11, 15), D(2019, 4, 1), "quarter") == [
        D(2018, 11, 15),
        D(2019, 1, 1),
        D(2019, 4, 1),
    ]
    # 2018-10-03 is a Wednesday; ISO weeks start on Monday
    assert period_starts(D(2018, 10, 3), D(2018, 10, 16), "week") == [
        D(2018, 10, 3),
        D(2018, 10, 8),
        D(2018, 10, 15),
    ]
    assert period_starts(D(2019, 6, 1), D(2020, 1, 1), "year") == [D(2019, 6, 1), D(2020, 1, 1)]


def test_grid_splits_at_years_and_changes() -> None:
    grid = build_grid(D(2019, 12, 1), D(2020, 3, 31), "quarter", change_dates=[D(2020, 2, 29)])
    starts = [D(1970, 1, 1) + dt.timedelta(days=int(n)) for n in grid.slice_start]
    assert starts == [D(2019, 12, 1), D(2020, 1, 1), D(2020, 2, 29)]
    assert_allclose(grid.year_fraction, [31 / 365, 59 / 366, 32 / 366])
    assert_array_equal(grid.period_of_slice, [0, 1, 1])
    assert grid.period_end == [D(2019, 12, 31), D(2020, 3, 31)]


def test_step_function_is_zero_before_the_first_step() -> None:
    at = np.array([day_number(D(2018, 1, 1)), day_number(D(2018, 7, 6)), day_number(D(2019, 1, 1))])
    values = step_function(
        [[day_number(D(2018, 7, 6)), day_number(D(2019, 1, 1))], []], [[0.25, 0.1], []], at
    )
    assert_allclose(values, [[0.0, 0.25, 0.1], [0.0, 0.0, 0.0]])
