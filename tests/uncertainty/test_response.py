"""Front-loading windows built per row, by hand, on a daily grid."""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from tariffsim.model.timeline import build_grid, day_number
from tariffsim.uncertainty.response import NEVER, window_weights

START = dt.date(2019, 1, 1)
S0 = day_number(START)


def test_windows_per_row() -> None:
    grid = build_grid(START, START + dt.timedelta(days=9), "day")
    days = np.array(
        [
            [S0 + 5, NEVER],  # a raise on day 5, announced on day 1, 3-day window
            [NEVER, NEVER],  # the same step cancelled: no window
            [S0 + 2, S0 + 6],  # a raise on day 2, then a cut on day 6 (not front-loaded)
        ],
        dtype=np.int64,
    )
    rates = np.array([[0.25, 0.0], [0.25, 0.0], [0.25, 0.10]])
    announced = np.array([[S0 + 1, NEVER], [S0 + 1, NEVER], [S0, S0]], dtype=np.int64)
    width = np.array([3, 3, 3], dtype=np.int64)
    before, after, _ = window_weights(days, rates, announced, width, grid)
    assert before.shape == after.shape == (2, 3, 10)
    # row 0: before-window from max(announced 1, 5 − 3, start 0) = day 2 to day 5
    assert_allclose(before[0, 0], [0, 0, 1 / 3, 1 / 3, 1 / 3, 0, 0, 0, 0, 0])
    assert_array_equal(after[0, 0], [0, 0, 0, 0, 0, 1, 1, 1, 0, 0])
    assert not before[:, 1].any() and not after[:, 1].any()
    # row 2: the raise on day 2 loads from the start (day 0); the cut loads nothing
    assert_allclose(before[0, 2], [0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0])
    assert_array_equal(after[0, 2], [0, 0, 1, 1, 1, 0, 0, 0, 0, 0])
    assert not before[1].any() and not after[1].any()
    # each loaded window's day weights sum to 1
    assert_allclose(before.sum(axis=2)[0], [1, 0, 1])


def test_window_is_cut_at_the_horizons_end() -> None:
    grid = build_grid(START, START + dt.timedelta(days=9), "day")
    days = np.array([[S0 + 8]], dtype=np.int64)
    before, after, _ = window_weights(
        days, np.array([[0.25]]), np.array([[S0]], dtype=np.int64), np.array([4]), grid
    )
    assert_allclose(before[0, 0, 4:8], 0.25)
    assert_array_equal(after[0, 0], [0] * 8 + [1, 1])  # days 8 and 9; the horizon ends
