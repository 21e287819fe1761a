"""Calendar-aligned reporting periods of a ledger: day → period ordinal → first and last day.

No I/O; plain integer arithmetic on day numbers (days since 1970-01-01).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from tariffsim._types import IntArray
from tariffsim.model.timeline import from_day_number
from tariffsim.scenario.schema import Step

__all__ = ["period_bounds", "period_ordinals"]


def period_ordinals(days: IntArray, step: Step) -> IntArray:
    """Calendar-aligned period of each day [periods since the one holding 1970-01-01].

    Weeks start on Monday (1970-01-01 was a Thursday, hence the shift by 3 days);
    quarters start in January, April, July and October.
    """
    if step == "day":
        return days
    if step == "week":
        return (days + 3) // 7
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return {"month": months, "quarter": months // 3, "year": months // 12}[step]


def period_bounds(ordinal: int, step: Step) -> tuple[dt.date, dt.date]:
    """First and last day of a period given by :func:`period_ordinals`."""
    if step == "day":
        day = from_day_number(ordinal)
        return day, day
    if step == "week":
        start = from_day_number(ordinal * 7 - 3)
        return start, start + dt.timedelta(days=6)
    months = {"month": 1, "quarter": 3, "year": 12}[step]
    first, after = ordinal * months, (ordinal + 1) * months
    start = dt.date(1970 + first // 12, first % 12 + 1, 1)
    end = dt.date(1970 + after // 12, after % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end
