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
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from tariffsim._types import FloatArray, IntArray
from tariffsim.scenario.schema import Step

_EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - _EPOCH).days


def from_day_number(number: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(number))


def distinct_dates(day_numbers: IntArray) -> list[dt.date]:
    """The distinct dates among day numbers, in order.

    Many steps share a few dates, so a count over their range finds them
    without sorting every step.
    """
    days = np.asarray(day_numbers, dtype=np.int64)
    if days.size == 0:
        return []
    low, high = int(days.min()), int(days.max())
    if high - low <= 4 * days.size:
        found = np.flatnonzero(np.bincount(days - low)) + low
    else:
        found = np.unique(days)
    return [from_day_number(int(d)) for d in found]


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


class LongSteps(NamedTuple):
    """Per-row steps in long form, one entry per step, sorted by row.

    Attributes
    ----------
    row : the row each step belongs to, shape (K,).
    day : the day the step takes effect [day number], shape (K,).
    value : the value from that day on, shape (K,).
    """

    row: IntArray
    day: IntArray
    value: FloatArray


def long_steps(
    step_days: Sequence[Sequence[int]], step_values: Sequence[Sequence[float]]
) -> LongSteps:
    """Per-row lists of step days and values as :class:`LongSteps`."""
    rows = len(step_days)
    if len(step_values) != rows:
        raise ValueError(f"{rows} rows of step days but {len(step_values)} rows of values")
    lengths = np.fromiter(map(len, step_days), dtype=np.int64, count=rows)
    if not np.array_equal(lengths, np.fromiter(map(len, step_values), np.int64, count=rows)):
        raise ValueError("each row needs as many step values as step days")
    total = int(lengths.sum())
    return LongSteps(
        np.repeat(np.arange(rows, dtype=np.int64), lengths),
        np.fromiter(chain.from_iterable(step_days), dtype=np.int64, count=total),
        np.fromiter(chain.from_iterable(step_values), dtype=np.float64, count=total),
    )


def step_function(
    step_days: Sequence[Sequence[int]],
    step_values: Sequence[Sequence[float]],
    at: IntArray,
    before: float = 0.0,
) -> FloatArray:
    """Values of per-row step functions at the day numbers ``at``.

    Row i takes ``step_values[i][k]`` from ``step_days[i][k]`` until its next
    step, and ``before`` before its first step (never the first value carried
    back). Shape (rows, len(at)). Steps of one row need not be in date order;
    of two steps on the same day, the later one in the row wins.
    """
    return step_function_long(
        *long_steps(step_days, step_values), at, rows=len(step_days), before=before
    )


def step_function_long(
    row: IntArray,
    day: IntArray,
    value: FloatArray,
    at: IntArray,
    rows: int,
    before: float = 0.0,
) -> FloatArray:
    """:func:`step_function` with the steps in long form, one entry per step.

    Parameters are as for :func:`step_segments`; the result has shape (rows, A).
    """
    by_segment, segment = step_segments(row, day, value, at, rows, before)
    return by_segment[:, segment]


def step_segments(
    row: IntArray,
    day: IntArray,
    value: FloatArray,
    at: IntArray,
    rows: int,
    before: float = 0.0,
) -> tuple[FloatArray, IntArray]:
    """Per-row step functions at the day numbers ``at``, factored by segment.

    Parameters
    ----------
    row : the row (tranche) each step belongs to, in [0, rows), shape (K,).
    day : the day the step takes effect [day number], shape (K,).
    value : the value from that day on (a rate [fraction]), shape (K,).
    at : the day numbers to evaluate at [day number], shape (A,), any order.
    rows : number of rows of the result.
    before : the value before a row's first step.

    Returns
    -------
    by_segment : values on each segment, shape (rows, U + 1).
    segment : the segment of each ``at`` day, shape (A,): the values at
        ``at`` are ``by_segment[:, segment]``.

    Notes
    -----
    Real tariff actions share a few dates, so the sorted ``at`` days fall into
    U + 1 segments between the days on which any step takes effect, and every
    row is constant on each segment: the work is (rows, U + 1), not
    (rows, A). Row i on segment j takes the value of its last step, in
    (day, input) order, that takes effect on or before the segment's first
    day; ``before`` if there is none. Values are looked up, never summed, so
    they come out exactly as given.
    """
    row = np.asarray(row, dtype=np.int64)
    day = np.asarray(day, dtype=np.int64)
    value = np.asarray(value, dtype=np.float64)
    at = np.asarray(at, dtype=np.int64)
    if row.size and (row.min() < 0 or row.max() >= rows):
        raise ValueError(f"step rows must lie in [0, {rows})")
    step_back = np.diff(row)
    if np.any(step_back < 0) or np.any((step_back == 0) & (np.diff(day) < 0)):
        order = np.lexsort((day, row))  # stable: steps on the same day keep their order
        row, day, value = row[order], day[order], value[order]
    at_order = np.argsort(at, kind="stable")
    at_sorted = at[at_order]
    # A step on day d first shows at the first sorted ``at`` day ≥ d (A if none).
    first_column = _first_at_or_after(at_sorted, day)
    starts = np.flatnonzero(np.bincount(first_column, minlength=at.size + 1)[: at.size])
    segment_sorted = np.searchsorted(starts, np.arange(at.size), side="right")
    segment = np.empty(at.size, dtype=np.int64)
    segment[at_order] = segment_sorted
    # Segment j ≥ 1 begins at column starts[j - 1]; U + 1 means "after the last day".
    step_segment = np.searchsorted(starts, np.arange(at.size + 1), side="left") + 1
    # The last step (in sorted order) taking effect on each segment, then carried
    # forward across segments; segment-major, so each carry is one pass over the rows.
    last_step = np.full((starts.size + 2, rows), -1, dtype=np.intp)  # intp: no copy to gather
    flat = step_segment[first_column] * rows + row
    np.maximum.at(last_step.reshape(-1), flat, np.arange(row.size))
    for j in range(1, starts.size + 1):
        np.maximum(last_step[j - 1], last_step[j], out=last_step[j])
    values = np.append(value, before)  # index -1, "no step yet", reads ``before``
    return values[last_step[:-1]].T, segment


def _first_at_or_after(at_sorted: IntArray, day: IntArray) -> IntArray:
    """Index of the first of ``at_sorted`` ≥ each ``day`` (``at_sorted.size`` if none)."""
    if day.size == 0:
        return np.zeros(0, dtype=np.int64)
    low, high = int(day.min()), int(day.max())
    if high - low > 4 * day.size:
        return np.searchsorted(at_sorted, day, side="left")
    # Steps share few dates: look each day up in a table over their range.
    table = np.searchsorted(at_sorted, np.arange(low, high + 1), side="left")
    return table[day - low]


class StepChanges(NamedTuple):
    """Per-row step functions on a grid, as the values that change at each slice.

    Attributes
    ----------
    row : the rows whose value changes, grouped by slice, in row order within
        a slice, shape (K',).
    value : each of those rows' value from that slice on, shape (K',).
    bounds : the changes at slice s are ``row[bounds[s]:bounds[s + 1]]``, shape (S + 1,).
    before : every row's value until its first change.
    """

    row: IntArray
    value: FloatArray
    bounds: IntArray
    before: float


def step_changes(
    row: IntArray,
    day: IntArray,
    value: FloatArray,
    slice_start: IntArray,
    rows: int,
    before: float = 0.0,
) -> StepChanges:
    """Per-row step functions at the starts of a grid's slices, as changes by slice.

    Parameters are as for :func:`step_segments`, with ``slice_start`` [day number]
    increasing, shape (S,).

    Notes
    -----
    Row i's value on slice s is the value of its last step, in (day, input)
    order, taking effect on or before ``slice_start[s]`` (``before`` if none),
    as :func:`step_function` gives it. A step on day d first shows on the first
    slice starting on or after d; of a row's steps first showing on one slice,
    only the last is kept, and steps after the last slice start are dropped.
    Nothing of shape (rows, S) is built: the work is one pass over the K
    steps and a stable sort by slice (a radix sort of small integers), so a
    kernel can keep one value per row and update it slice by slice.
    """
    row = np.asarray(row, dtype=np.int64)
    day = np.asarray(day, dtype=np.int64)
    value = np.asarray(value, dtype=np.float64)
    at = np.asarray(slice_start, dtype=np.int64)
    if np.any(np.diff(at) <= 0):
        raise ValueError("slice starts must increase")
    if row.size == 0:
        return StepChanges(row, value, np.zeros(at.size + 1, dtype=np.int64), before)
    same_row = row[1:] == row[:-1]
    if np.any(row[1:] < row[:-1]) or np.any(same_row & (day[1:] < day[:-1])):
        order = np.lexsort((day, row))  # stable: steps on the same day keep their order
        row, day, value = row[order], day[order], value[order]
        same_row = row[1:] == row[:-1]
    if row[0] < 0 or row[-1] >= rows:
        raise ValueError(f"step rows must lie in [0, {rows})")
    # The slice on which each step first shows, as uint8 or uint16 (sorted by radix).
    small: type[np.unsignedinteger[Any]] | type[np.int64] = (
        np.uint8 if at.size < 2**8 - 1 else np.uint16 if at.size < 2**16 - 1 else np.int64
    )
    low, high = int(day.min()), int(day.max())
    column: npt.NDArray[np.integer[Any]]
    if high - low > 4 * day.size:
        column = np.searchsorted(at, day, side="left").astype(small)
    else:  # steps share few dates: look each day up in a table over their range
        table = np.searchsorted(at, np.arange(low, high + 1), side="left").astype(small)
        column = np.take(table, day - low)
    last = np.empty(row.size, dtype=bool)  # the last of a row's steps showing on a slice
    last[-1] = True
    np.not_equal(column[1:], column[:-1], out=last[:-1])
    last[:-1] |= ~same_row
    last &= column < at.size
    if not last.all():
        row, value, column = row[last], value[last], column[last]
    order = np.argsort(column, kind="stable")
    bounds = np.searchsorted(np.take(column, order), np.arange(at.size + 1, dtype=small))
    return StepChanges(np.take(row, order), np.take(value, order), bounds.astype(np.int64), before)
