"""Calendar-aligned periods, slices and step functions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from tariffsim.model.timeline import (
    build_grid,
    day_number,
    distinct_dates,
    period_starts,
    step_function,
    step_function_long,
    step_segments,
)

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


def test_step_function_holds_each_value_until_the_next_step() -> None:
    at = np.array([0, 4, 5, 9, 10, 30])
    got = step_function([[5, 10], [], [10]], [[0.1, 0.25], [], [0.07]], at, before=0.0)
    assert_array_equal(
        got,
        [
            [0.0, 0.0, 0.1, 0.1, 0.25, 0.25],
            [0.0] * 6,
            [0.0, 0.0, 0.0, 0.0, 0.07, 0.07],
        ],
    )


def test_step_function_never_carries_the_first_value_back() -> None:
    got = step_function([[100]], [[0.25]], np.array([50, 99]), before=0.03)
    assert_array_equal(got, [[0.03, 0.03]])


def test_step_function_sorts_steps_and_the_later_of_one_day_wins() -> None:
    got = step_function([[10, 5, 10]], [[0.2, 0.1, 0.3]], np.array([4, 5, 10]))
    assert_array_equal(got, [[0.0, 0.1, 0.3]])


def test_step_function_accepts_unsorted_and_repeated_days() -> None:
    got = step_function([[5]], [[0.1]], np.array([9, 1, 5, 9, 4]))
    assert_array_equal(got, [[0.1, 0.0, 0.1, 0.1, 0.0]])


def test_step_function_rejects_ragged_values() -> None:
    with pytest.raises(ValueError, match="as many step values"):
        step_function([[1, 2]], [[0.1]], np.array([0]))


def test_step_segments_factor_the_step_function() -> None:
    row = np.array([0, 0, 2])
    day = np.array([3, 7, 7])
    value = np.array([0.1, 0.25, 0.15])
    at = np.arange(10)
    by_segment, segment = step_segments(row, day, value, at, rows=3)
    # Steps take effect at days 3 and 7: three segments, [0, 3), [3, 7), [7, 10).
    assert_array_equal(segment, [0, 0, 0, 1, 1, 1, 1, 2, 2, 2])
    assert_array_equal(by_segment, [[0, 0.1, 0.25], [0, 0, 0], [0, 0, 0.15]])
    assert_array_equal(by_segment[:, segment], step_function_long(row, day, value, at, rows=3))


def test_step_segments_reject_rows_out_of_range() -> None:
    with pytest.raises(ValueError, match="step rows"):
        step_segments(np.array([3]), np.array([1]), np.array([0.1]), np.array([0]), rows=3)


def test_grid_cuts_at_new_year_and_at_rate_changes() -> None:
    grid = build_grid(
        dt.date(2019, 12, 30), dt.date(2020, 1, 12), "week", change_dates=[dt.date(2020, 1, 8)]
    )
    starts = [dt.date(2019, 12, 30), dt.date(2020, 1, 1), dt.date(2020, 1, 6), dt.date(2020, 1, 8)]
    assert_array_equal(grid.slice_start, [day_number(d) for d in starts])
    assert_array_equal(grid.year_fraction, [2 / 365, 5 / 366, 2 / 366, 5 / 366])
    assert_array_equal(grid.period_first_slice, [0, 2])


@pytest.mark.parametrize("spread", [1, 100_000])
def test_distinct_dates_in_order(spread: int) -> None:
    days = np.array([3, 1, 3, 3 * spread, 1])
    expected = sorted({dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for d in days})
    assert distinct_dates(days) == expected
    assert distinct_dates(np.zeros(0, dtype=np.int64)) == []
