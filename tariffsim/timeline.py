"""Turn dated facts into arrays: periods, slices and rate step functions.

A *period* is a reporting interval (day, week, month, quarter or year,
calendar-aligned, clipped to the horizon). A *slice* is the finest interval
on which everything is constant: the slice boundaries are the union of the
period boundaries, every 1 January (the day weight 1/365 or 1/366 changes
there), every 1st of a month when monthly profiles matter, and every date at
which any rate changes. Dates are int64 day numbers (days since 1970-01-01)
once they leave this module's entry points. No pint and no pandas here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tariffsim.schema import Step

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - _EPOCH).days


def from_day_number(number: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(number))


def period_starts(start: dt.date, end: dt.date, step: Step) -> list[dt.date]:
    """Calendar-aligned period starts covering [start, end]; the first is ``start`` itself.

    Weeks start on Monday (ISO 8601); quarters on 1 January, April, July, October.
    """
    if step == "day":
        return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    if step == "week":
        first = start - dt.timedelta(days=start.weekday()) + dt.timedelta(days=7)
        weeks = [first + dt.timedelta(days=7 * i) for i in range(((end - first).days // 7) + 1)]
        return [start, *[w for w in weeks if w <= end]]
    months = {"month": 1, "quarter": 3, "year": 12}[step]
    aligned_month = ((start.month - 1) // months) * months + 1
    cursor = dt.date(start.year, aligned_month, 1)
    starts = [start]
    while True:
        index = cursor.year * 12 + cursor.month - 1 + months
        cursor = dt.date(index // 12, index % 12 + 1, 1)
        if cursor > end:
            return starts
        starts.append(cursor)


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every 1st of a month in (start, end]."""
    return period_starts(start, end, "month")[1:]


@dataclass(frozen=True)
class Grid:
    """The slices of a horizon and the periods they add up to.

    Attributes
    ----------
    slice_start, slice_end : first day and day after the last [day number], shape (S,).
    days : length of each slice [d], shape (S,).
    year_fraction : share of its calendar year each slice covers, days / 365 or 366 [1].
    month : calendar month of each slice, 1–12 (a slice never spans two months
        when monthly profiles are used).
    period_of_slice : index of the period each slice belongs to, shape (S,).
    period_start, period_end : first and last day (inclusive) of each period, shape (P,).
    period_first_slice : index of each period's first slice, for ``np.add.reduceat``.
    """

    slice_start: IntArray
    slice_end: IntArray
    days: FloatArray
    year_fraction: FloatArray
    month: IntArray
    period_of_slice: IntArray
    period_start: list[dt.date]
    period_end: list[dt.date]
    period_first_slice: IntArray

    @property
    def n_slices(self) -> int:
        return int(self.slice_start.size)

    @property
    def n_periods(self) -> int:
        return len(self.period_start)


def build_grid(
    start: dt.date,
    end: dt.date,
    step: Step,
    change_dates: Iterable[dt.date] = (),
    split_months: bool = False,
) -> Grid:
    """Cut [start, end] into slices on which rates and day weights are constant."""
    starts = period_starts(start, end, step)
    boundaries = set(starts)
    boundaries.update(dt.date(y, 1, 1) for y in range(start.year + 1, end.year + 1))
    if split_months:
        boundaries.update(month_starts(start, end))
    boundaries.update(d for d in change_dates if start < d <= end)
    cuts = sorted(boundaries)
    slice_start = np.array([day_number(d) for d in cuts], dtype=np.int64)
    slice_end = np.append(slice_start[1:], day_number(end) + 1)
    days = (slice_end - slice_start).astype(np.float64)
    years = np.array([d.year for d in cuts], dtype=np.int64)
    year_days = np.where(_is_leap(years), 366.0, 365.0)
    first_slices = np.array(
        [int(np.searchsorted(slice_start, day_number(d))) for d in starts], dtype=np.int64
    )
    period_of_slice = np.searchsorted(first_slices, np.arange(len(cuts)), side="right") - 1
    ends = [d - dt.timedelta(days=1) for d in starts[1:]] + [end]
    return Grid(
        slice_start=slice_start,
        slice_end=slice_end,
        days=days,
        year_fraction=days / year_days,
        month=np.array([d.month for d in cuts], dtype=np.int64),
        period_of_slice=period_of_slice.astype(np.int64),
        period_start=starts,
        period_end=ends,
        period_first_slice=first_slices,
    )


def _is_leap(years: IntArray) -> npt.NDArray[np.bool_]:
    leap: npt.NDArray[np.bool_] = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    return leap


def step_function(
    step_days: Sequence[Sequence[int]],
    step_values: Sequence[Sequence[float]],
    at: IntArray,
    before: float = 0.0,
) -> FloatArray:
    """Values of per-row step functions at the day numbers ``at``.

    Row i takes ``step_values[i][k]`` from ``step_days[i][k]`` until its next
    step, and ``before`` before its first step (never the first value carried
    back). Shape (rows, len(at)).
    """
    rows = len(step_days)
    width = max((len(d) for d in step_days), default=0)
    days = np.full((rows, width), np.iinfo(np.int64).max, dtype=np.int64)
    values = np.full((rows, width + 1), before, dtype=np.float64)
    for i, (d, v) in enumerate(zip(step_days, step_values, strict=True)):
        order = np.argsort(np.asarray(d, dtype=np.int64), kind="stable")
        days[i, : len(d)] = np.asarray(d, dtype=np.int64)[order]
        values[i, 1 : len(d) + 1] = np.asarray(v, dtype=np.float64)[order]
    index = (days[:, :, None] <= at[None, None, :]).sum(axis=1)
    return np.take_along_axis(values, index, axis=1)
