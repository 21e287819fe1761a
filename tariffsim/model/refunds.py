"""Duty deposited under a measure later held invalid: what stands, is owed back and is refunded.

A measure *invalidated* on day V stops applying to entries from V on (its rate steps to zero
there, as an expiry does, in :mod:`tariffsim.model.duty_forms`). The duty it collected before V
was *deposited*; the part deposited on entries from the refund's ``entries_from`` day up to V is
*owed back*; the rest *stands* (``owed`` = deposited − owed back: the duty the importer owes in
law once the ruling is applied). Refunds are paid on one or more days, each a share of the
claimed amount, with interest from the entry day to the payment day.

Pure array kernels on slices (half-open day intervals ``[start, end)`` over which the deposited
duty accrues evenly, as on a :class:`tariffsim.model.timeline.Grid`): arrays in, arrays out.
No I/O, no pint, no pandas.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from tariffsim._types import FloatArray, IntArray

InterestRule = Literal["simple", "daily_compound"]
DAYS_PER_YEAR = 365.0
"""Day-count basis of the interest rate: actual days / 365."""


def overlap_days(start: IntArray, end: IntArray, low: int, high: int) -> FloatArray:
    """Days of each slice ``[start, end)`` that fall in ``[low, high)`` [d].

    Notes
    -----
    ``max(0, min(end, high) − max(start, low))``.
    """
    days: FloatArray = np.maximum(0, np.minimum(end, high) - np.maximum(start, low)).astype(
        np.float64
    )
    return days


def owed_back(
    deposited: FloatArray, start: IntArray, end: IntArray, entries_from: int, invalidated: int
) -> FloatArray:
    """Duty owed back on each slice's entries [USD], same shape as ``deposited``.

    Parameters
    ----------
    deposited : duty deposited on each slice's entries [USD], shape (..., S).
    start, end : first day and day after the last of each slice [day number], shape (S,).
    entries_from : first entry day whose duty is owed back [day number].
    invalidated : the first day the measure no longer applies [day number].

    Notes
    -----
    Duty accrues evenly over a slice's days, so the part owed back is the deposited
    duty times the share of the slice's days in ``[entries_from, invalidated)``.
    """
    days = (end - start).astype(np.float64)
    share = overlap_days(start, end, entries_from, invalidated) / days
    return deposited * share


def interest_factor(
    start: IntArray,
    end: IntArray,
    paid: int,
    rate: float,
    rule: InterestRule = "simple",
) -> FloatArray:
    """Interest per dollar deposited evenly over each slice's days, paid back on ``paid`` [1].

    Parameters
    ----------
    start, end : first day and day after the last of the entries [day number], shape (S,).
    paid : the payment day [day number]; deposits after it earn nothing.
    rate : annual interest rate [fraction per year], on an actual/365 basis.
    rule : ``simple`` or ``daily_compound``.

    Notes
    -----
    A dollar deposited on day d earns, by day P, ``r · (P − d) / 365`` (simple) or
    ``(1 + r/365)^(P − d) − 1`` (compounded daily). Averaged over the n = b − a days
    of a slice [a, b): simple interest is linear in d, so its mean is at the mean day
    ``(a + b − 1) / 2``; compound interest is a geometric series,
    ``(1/n) Σ_{k=P−b+1}^{P−a} q^k − 1 = q^(P−b+1) (q^n − 1) / (n (q − 1)) − 1`` with
    ``q = 1 + r/365``. Slices reaching past P are cut at P.
    """
    a = start.astype(np.float64)
    b = np.minimum(end, paid + 1).astype(np.float64)
    n = b - a
    out = np.zeros(a.shape, dtype=np.float64)
    some = n > 0
    if rate == 0 or not some.any():
        return out
    a, b, n = a[some], b[some], n[some]
    if rule == "simple":
        out[some] = rate * (paid - (a + b - 1) / 2) / DAYS_PER_YEAR
    else:
        q = 1 + rate / DAYS_PER_YEAR
        out[some] = q ** (paid - b + 1) * np.expm1(n * np.log(q)) / (n * (q - 1)) - 1
    # the full slice's deposits are averaged, so scale by the share of days before payment
    out[some] *= n / (end[some] - start[some])
    return out


@dataclass(frozen=True)
class Payment:
    """One refund payment: a share of the claimed amount, paid on a day.

    Attributes
    ----------
    day : the payment day [day number].
    share : share of the claimed amount paid that day [fraction].
    """

    day: int
    share: float


@dataclass(frozen=True)
class RefundFlows:
    """What an invalidation does to one row's duty.

    Attributes
    ----------
    deposited : duty deposited on each slice's entries [USD], (..., S).
    owed_back : the part owed back [USD], (..., S).
    owed : the part that stands, ``deposited − owed_back`` [USD], (..., S).
    unclaimed : owed back but never claimed, ``(1 − c) · owed_back`` [USD], (..., S).
    paid_day : each payment's day [day number], (J,).
    principal : duty refunded at each payment [USD], (..., J).
    interest : interest paid with it [USD], (..., J).
    """

    deposited: FloatArray
    owed_back: FloatArray
    owed: FloatArray
    unclaimed: FloatArray
    paid_day: IntArray
    principal: FloatArray
    interest: FloatArray

    @property
    def refunded(self) -> FloatArray:
        """Principal and interest at each payment [USD], (..., J)."""
        return self.principal + self.interest


def refund_flows(
    deposited: FloatArray,
    start: IntArray,
    end: IntArray,
    *,
    entries_from: int,
    invalidated: int,
    payments: Sequence[Payment],
    claim_share: float,
    interest_rate: float,
    rule: InterestRule = "simple",
) -> RefundFlows:
    """Deposited, owed back, standing and refunded duty of a measure held invalid.

    Parameters
    ----------
    deposited : duty deposited on each slice's entries [USD], shape (..., S).
    start, end : the slices [day number], shape (S,).
    entries_from, invalidated : the entries whose duty is owed back,
        ``[entries_from, invalidated)`` [day number].
    payments : when refunds are paid, each a share of the claimed amount; shares
        add up to at most 1.
    claim_share : share of the amount owed back that importers claim [fraction].
    interest_rate, rule : see :func:`interest_factor`.

    Notes
    -----
    With ``R_s`` owed back on slice s and c the claim share, payment j (share
    ``w_j`` on day ``P_j``) pays ``w_j · c · Σ_s R_s`` in principal and
    ``w_j · c · Σ_s R_s · f_s(P_j)`` in interest, f from :func:`interest_factor`.
    """
    back = owed_back(deposited, start, end, entries_from, invalidated)
    claimed = claim_share * back
    paid_day = np.array([p.day for p in payments], dtype=np.int64)
    weights = np.array([p.share for p in payments], dtype=np.float64)
    factors = np.array(
        [interest_factor(start, end, p.day, interest_rate, rule) for p in payments]
    ).reshape(len(payments), start.size)
    principal = claimed.sum(axis=-1, keepdims=True) * weights
    interest = (claimed @ factors.T) * weights
    return RefundFlows(
        deposited=deposited,
        owed_back=back,
        owed=deposited - back,
        unclaimed=back - claimed,
        paid_day=paid_day,
        principal=principal,
        interest=interest,
    )


def sums_by_year(
    start: IntArray, end: IntArray, values: FloatArray, first_month: int = 1
) -> tuple[IntArray, FloatArray]:
    """Sum slice values into calendar or fiscal years, splitting slices by their days.

    Parameters
    ----------
    start, end : the slices [day number], shape (S,).
    values : an amount accruing evenly over each slice's days [USD], shape (..., S).
    first_month : the month a year starts in: 1 for calendar years, 10 for US
        federal fiscal years (FY N runs from 1 October N − 1 to 30 September N).

    Returns
    -------
    years : the years touched, labelled by the calendar year they end in, (Y,).
    sums : the values in each year [USD], shape (..., Y).
    """
    if start.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((*values.shape[:-1], 0))
    first = _year_of(int(start.min()), first_month)
    last = _year_of(int(end.max()) - 1, first_month)
    years = np.arange(first, last + 1, dtype=np.int64)
    bounds = [_year_start(int(y), first_month) for y in (*years, last + 1)]
    days = np.stack(
        [overlap_days(start, end, lo, hi) for lo, hi in itertools.pairwise(bounds)],
        axis=-1,
    )  # (S, Y)
    share = days / (end - start).astype(np.float64)[:, None]
    return years, values @ share


def sums_on_days(
    days: IntArray, values: FloatArray, first_month: int = 1
) -> tuple[IntArray, FloatArray]:
    """:func:`sums_by_year` for amounts paid on single days (refund payments)."""
    return sums_by_year(days, days + 1, values, first_month)


def _year_of(day: int, first_month: int) -> int:
    date = np.datetime64(day, "D").astype(object)
    return int(date.year + (1 if first_month > 1 and date.month >= first_month else 0))


def _year_start(year: int, first_month: int) -> int:
    """First day of the year labelled ``year`` [day number]."""
    calendar_year = year - 1 if first_month > 1 else year
    month = np.datetime64(f"{calendar_year:04d}-{first_month:02d}-01", "D")
    return int(month.astype(np.int64))


def sums_by_period(
    days: IntArray, values: FloatArray, period_start: IntArray, after_last: int
) -> FloatArray:
    """Amounts paid on single days summed into periods [USD], shape (..., P).

    Parameters
    ----------
    days : the payment days [day number], shape (J,).
    values : the amounts [USD], shape (..., J).
    period_start : first day of each period, increasing [day number], shape (P,).
    after_last : the day after the last period [day number]; a day outside
        ``[period_start[0], after_last)`` lands in no period.
    """
    period = np.searchsorted(period_start, days, side="right") - 1
    out = np.zeros((*values.shape[:-1], period_start.size))
    for j, p in enumerate(period):
        if p >= 0 and days[j] < after_last:
            out[..., p] += values[..., j]
    return out
