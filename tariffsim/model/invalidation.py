"""Deposited, owed and refunded duty of the scenario's invalidated measures, as a tidy frame.

For every tranche with an ``invalidated`` date and a ``refund`` block: its duty deposited on
each slice (static: imports as stated, before any response), what is owed back, what stands,
and the refunds paid (:func:`tariffsim.model.refunds.refund_flows`), summed by reporting
period, by calendar year and by US fiscal year (from 1 October). No I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from tariffsim._types import FloatArray, IntArray
from tariffsim.model import refunds
from tariffsim.model.refunds import Payment, RefundFlows
from tariffsim.model.timeline import Grid, day_number, step_function
from tariffsim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd  # imported when a scenario has refunds: a plain run stays without it

AMOUNTS = [
    "deposited_usd",
    "owed_usd",
    "owed_back_usd",
    "unclaimed_usd",
    "principal_usd",
    "interest_usd",
    "refunded_usd",
]
"""By entry date: duty deposited; the part that stands (owed); the part owed back; owed back
but never claimed. By payment date: duty refunded, interest paid, their sum [USD]."""
COLUMNS = ["scenario", "tranche", "label", "measure", "table", "key", *AMOUNTS]
TABLES = ("period", "calendar_year", "fiscal_year")
"""``period``: the run's periods (key: first day; payments after the horizon land in none);
``calendar_year`` (key ``2026``); ``fiscal_year`` (key ``FY2026``: 1 Oct 2025 – 30 Sep 2026)."""


def refund_table(
    scenario: Scenario,
    grid: Grid,
    annual_flow: np.ndarray,
    accrual_fraction: np.ndarray,
    additional_rate: np.ndarray,
) -> pd.DataFrame:
    """One row per invalidated tranche (or flow × measure) × table × key, :data:`COLUMNS`.

    A tranche's own ``refund`` prices its whole additional rate; a flow laid out as a row
    carries, per invalidated measure covering it, that measure's part of its rate.

    Parameters
    ----------
    grid : the run's slices and periods.
    annual_flow : import value [USD/year], (N,).
    accrual_fraction : share of the annual flow accrued on each slice [1], (S,) or (N, S).
    additional_rate : the rate each slice's entries pay [fraction], (N, S).
    """
    import pandas as pd

    start = grid.slice_start
    accrued = annual_flow[:, None] * np.atleast_2d(accrual_fraction)
    frames = []
    for row, (tid, tranche) in enumerate(scenario.tranches.items()):
        parts: list[tuple[str, Any, FloatArray]] = []
        if tranche.refund is not None:
            parts.append(("", tranche, accrued[row] * additional_rate[row]))
        for mid, steps in tranche.refund_parts.items():
            rate = step_function(
                [[day_number(d) for d, _ in steps]], [[r for _, r in steps]], start
            )[0]
            parts.append((mid, scenario.measures[mid], accrued[row] * rate))
        for mid, measure, deposited in parts:
            frames += _frames(scenario, grid, tid, tranche.label, mid, measure, deposited)
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def _frames(
    scenario: Scenario,
    grid: Grid,
    tid: str,
    label: str,
    mid: str,
    measure: Any,
    deposited: FloatArray,
) -> list[pd.DataFrame]:
    """The period, calendar-year and fiscal-year tables of one measure's deposits on a row."""
    import pandas as pd

    start, end = grid.slice_start, grid.slice_end
    frames = []
    flows = measure_flows(measure, deposited, start, end)
    by_entry = np.stack([flows.deposited, flows.owed, flows.owed_back, flows.unclaimed])
    by_payment = np.stack([flows.principal, flows.interest, flows.refunded])
    period_start = np.array([day_number(d) for d in grid.period_start], dtype=np.int64)
    after = int(end[-1])
    parts = {
        "period": (
            [d.isoformat() for d in grid.period_start],
            np.add.reduceat(by_entry, grid.period_first_slice, axis=1),
            refunds.sums_by_period(flows.paid_day, by_payment, period_start, after),
        )
    }
    for table, first_month, prefix in (("calendar_year", 1, ""), ("fiscal_year", 10, "FY")):
        years, entry_sums = refunds.sums_by_year(start, end, by_entry, first_month)
        paid_years, paid_sums = refunds.sums_on_days(flows.paid_day, by_payment, first_month)
        keys = sorted(set(years.tolist()) | set(paid_years.tolist()))
        parts[table] = (
            [f"{prefix}{y}" for y in keys],
            _on_keys(years, entry_sums, keys),
            _on_keys(paid_years, paid_sums, keys),
        )
    for table, (keys, entry, paid) in parts.items():
        frame = pd.DataFrame(np.vstack([entry, paid]).T, columns=AMOUNTS)
        frame.insert(0, "key", keys)
        frame.insert(0, "table", table)
        frame.insert(0, "measure", mid)
        frame.insert(0, "label", label)
        frame.insert(0, "tranche", tid)
        frame.insert(0, "scenario", scenario.name)
        frames.append(frame)
    return frames


def measure_flows(
    measure: Any, deposited: FloatArray, start: IntArray, end: IntArray
) -> RefundFlows:
    """:func:`tariffsim.model.refunds.refund_flows` of a measure (or tranche) with a ``refund``.

    Parameters
    ----------
    measure : a measure or tranche with ``invalidated`` and ``refund`` set.
    deposited : duty deposited on each slice's entries [USD], (..., S).
    start, end : the slices [day number], (S,).
    """
    refund = measure.refund
    return refunds.refund_flows(
        deposited,
        start,
        end,
        entries_from=day_number(refund.entries_from),
        invalidated=day_number(measure.invalidated),
        payments=[Payment(day_number(p.date), p.share) for p in refund.paid],
        claim_share=refund.claim_share,
        interest_rate=refund.interest,
        rule=refund.interest_rule,
    )


def owed_back_rate(
    scenario: Scenario, tid: str, start: IntArray, end: IntArray
) -> tuple[FloatArray, FloatArray]:
    """What of a tranche's additional rate is owed back on each slice's entries.

    Returns
    -------
    window : share of each slice's days in the tranche's own ``[entries_from, invalidated)``
        [1], (S,); 0 without a refund. The tranche's rate times it is owed back.
    parts : the rate owed back of the invalidated measures covering the row (a flow laid
        out as a row) [fraction], (S,): each measure's part of the rate on the slice's first
        day times the share of its days in the measure's window.
    """
    tranche = scenario.tranches[tid]
    window = np.zeros(start.size)
    if tranche.refund is not None and tranche.invalidated is not None:
        window = _window(tranche, start, end)
    parts = np.zeros(start.size)
    for mid, steps in tranche.refund_parts.items():
        rate = step_function([[day_number(d) for d, _ in steps]], [[r for _, r in steps]], start)
        parts += rate[0] * _window(scenario.measures[mid], start, end)
    return window, parts


def _window(measure: Any, start: IntArray, end: IntArray) -> FloatArray:
    """Share of each slice's days whose entries' duty the measure owes back [1], (S,)."""
    low, high = day_number(measure.refund.entries_from), day_number(measure.invalidated)
    days = refunds.overlap_days(start, end, low, high)
    return np.asarray(days / (end - start).astype(np.float64))


def _on_keys(years: np.ndarray, sums: np.ndarray, keys: list[int]) -> np.ndarray:
    """``sums`` (A, Y) laid on ``keys``, 0 where a year has none."""
    out = np.zeros((sums.shape[0], len(keys)))
    for j, year in enumerate(years.tolist()):
        out[:, keys.index(year)] = sums[:, j]
    return out
