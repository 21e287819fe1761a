"""The fused kernel (rates kept per row and updated slice by slice) against the plain kernels."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from tariffsim.model import engine
from tariffsim.model.timeline import (
    build_grid,
    from_day_number,
    long_steps,
    step_changes,
    step_function,
)


def random_steps(
    rng: np.random.Generator, rows: int, low: int, high: int
) -> tuple[list[list[int]], list[list[float]]]:
    """Up to four steps a row, any order, same-day pairs and days outside the horizon included."""
    days, values = [], []
    for _ in range(rows):
        n = int(rng.integers(0, 5))
        row_days = list(rng.integers(low, high, n))
        if n and rng.random() < 0.3:
            row_days.append(row_days[0])  # two steps on one day: the later one wins
        days.append([int(d) for d in row_days])
        values.append([float(v) for v in rng.choice([0.0, 0.075, 0.1, 0.25, 1.0], len(row_days))])
    return days, values


@pytest.mark.parametrize("group_cells", [1, 50, 2**17])
@pytest.mark.parametrize("step", ["day", "week", "month", "quarter", "year"])
def test_stepped_kernel_equals_the_kernel_on_rates_by_slice(
    step: str, group_cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "GROUP_CELLS", group_cells)
    rng = np.random.default_rng(11)
    rows = 17
    start, end = dt.date(2019, 11, 20), dt.date(2021, 2, 10)
    low, high = 18_150, 18_720  # from before the start to after the end
    days, rates = random_steps(rng, rows, low, high)
    kept_days, kept = random_steps(rng, rows, low, high)
    kept = [[min(v, 0.9) for v in row] for row in kept]
    changes = [from_day_number(d) for row in days + kept_days for d in row]
    grid = build_grid(start, end, step, change_dates=changes)  # type: ignore[arg-type]
    flow = rng.lognormal(18, 2, rows)
    base = rng.choice([0.0, 0.025, 0.12], rows)
    rate = step_function(days, rates, grid.slice_start) * step_function(
        kept_days, kept, grid.slice_start, before=1.0
    )
    factors = [
        step_changes(*long_steps(days, rates), grid.slice_start, rows),
        step_changes(*long_steps(kept_days, kept), grid.slice_start, rows, before=1.0),
    ]
    for weights in (grid.year_fraction, rng.random((rows, grid.n_slices))):
        expected = engine.period_duty(flow, weights, rate, base, grid.period_first_slice)
        got = engine.period_duty_stepped(flow, weights, factors, base, grid.period_first_slice)
        for a, b in zip(got, expected, strict=True):
            assert_array_equal(a, b)  # the same products, added in the same order
        # and the plain whole-array kernels, up to the pairing of reduceat's sums
        imports = engine.accrued_imports(flow, weights)
        plain = engine.period_sums(engine.ad_valorem_duty(imports, rate), grid.period_first_slice)
        assert_allclose(got.additional_duty, plain, rtol=1e-14, atol=0)


def test_mid_month_rate_change_by_hand() -> None:
    # 365 M USD/year is 1 M USD a day in 2019; 10 % from 11 January, 25 % from 10 February,
    # half of it excluded from 1 February: January 21 days × 0.1; February 9 days × 0.05
    # and 19 days × 0.125.
    jan11, feb1, feb10 = (dt.date(2019, 1, 11), dt.date(2019, 2, 1), dt.date(2019, 2, 10))
    grid = build_grid(dt.date(2019, 1, 1), dt.date(2019, 2, 28), "month", [jan11, feb10])
    epoch = dt.date(1970, 1, 1)
    day = [(d - epoch).days for d in (jan11, feb10)]
    rate = step_changes(*long_steps([day], [[0.10, 0.25]]), grid.slice_start, 1)
    kept = step_changes(
        *long_steps([[(feb1 - epoch).days]], [[0.5]]), grid.slice_start, 1, before=1.0
    )
    duty = engine.period_duty_stepped(
        np.array([365e6]), grid.year_fraction, [rate, kept], np.array([0.02]), np.array([0, 2])
    )
    assert_allclose(duty.imports, [[31e6, 28e6]], rtol=1e-12)
    assert_allclose(duty.additional_duty, [[2.1e6, 9 * 0.05e6 + 19 * 0.125e6]], rtol=1e-12)
    assert_allclose(duty.base_duty, [[0.62e6, 0.56e6]], rtol=1e-12)


def test_step_changes_list_the_last_change_of_each_row_by_slice() -> None:
    # Slices start on days 0, 5, 10. Row 0: 0.1 from day 3 (shows on slice 1), then 0.2 and
    # 0.3 from day 4 (same slice: 0.3, the last, holds). Row 1: 0.5 from day -2 (slice 0),
    # 0.7 from day 11 (after the last slice start: dropped). Row 2 has no steps.
    changes = step_changes(
        np.array([1, 0, 0, 0, 1]),
        np.array([11, 3, 4, 4, -2]),
        np.array([0.7, 0.1, 0.2, 0.3, 0.5]),
        np.array([0, 5, 10]),
        rows=3,
        before=0.05,
    )
    assert_array_equal(changes.bounds, [0, 1, 2, 2])
    assert_array_equal(changes.row, [1, 0])
    assert_array_equal(changes.value, [0.5, 0.3])
    assert changes.before == 0.05


def test_step_changes_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="step rows"):
        step_changes(np.array([3]), np.array([1]), np.array([0.1]), np.array([0]), rows=3)
    with pytest.raises(ValueError, match="increase"):
        step_changes(np.array([0]), np.array([1]), np.array([0.1]), np.array([4, 2]), rows=1)


def test_stepped_kernel_with_no_rows_and_into_given_arrays() -> None:
    none = step_changes(np.zeros(0), np.zeros(0), np.zeros(0), np.array([0, 1]), 0)
    empty = engine.period_duty_stepped(
        np.zeros(0), np.array([0.5, 0.5]), [none], np.zeros(0), np.array([0])
    )
    assert empty.imports.shape == (0, 1)
    out = engine.PeriodDuty(*(np.full((2, 2), np.nan, order="F") for _ in range(3)))
    flat = step_changes(np.array([1]), np.array([1]), np.array([0.5]), np.array([0, 1]), 2)
    got = engine.period_duty_stepped(
        np.array([1.0, 2.0]), np.array([0.1, 0.2]), [flat], np.array([0.1, 0.0]),
        np.array([0, 1]), out=out,
    )  # fmt: skip
    assert got is out
    assert_allclose(out.imports, [[0.1, 0.2], [0.2, 0.4]])
    assert_allclose(out.additional_duty, [[0.0, 0.0], [0.0, 0.2]])
    assert_allclose(out.base_duty, [[0.01, 0.02], [0.0, 0.0]])
