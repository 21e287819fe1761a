"""The ledger's value as a fixed-weight annual flow, priced at every step of a scenario.

A sink for :func:`~tariffsim.ledger.pricing.price_ledger` (``exposure --steps``): it
keeps the customs value of each (product × exporter) class, whatever the lines'
own entry dates, so that the ledger becomes the product-level weights of a
history. On every date segment of the scenario's measures inside its horizon,
the average rate of the ledger is the value-weighted mean of its classes' stacked
rates, split by legal authority; the duty of a measure held invalid is deposited
day by day at that average and refunded as its ``refund`` block says
(:func:`tariffsim.model.refunds.refund_flows`), summed by US fiscal year.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tariffsim._types import FloatArray, IntArray
from tariffsim.ledger.coverage import Measures
from tariffsim.ledger.reader import Chunk
from tariffsim.model import refunds
from tariffsim.model.invalidation import measure_flows
from tariffsim.model.stack import BASE_AUTHORITY
from tariffsim.model.timeline import day_number, from_day_number
from tariffsim.scenario.measures import Measure

DAYS_PER_YEAR = 365.25
"""A year of an annual flow [d], as pint's year in scenario flows."""
REFUND_COLUMNS = ["measure", "label", "year", "deposited_usd", "owed_usd", "refunded_usd"]


class StepTally:
    """Per scenario: the customs value of every (product × exporter) class [USD]."""

    def __init__(self) -> None:
        self.measures: dict[str, Measures] = {}
        self.value: dict[str, FloatArray] = {}

    def __call__(self, measures: Measures, chunk: Chunk, key: IntArray) -> None:
        name = measures.scenario.name
        combos = measures.n_keys // (measures.change_days.size + 1)
        combo = key // (measures.change_days.size + 1)
        found = np.bincount(combo, weights=chunk.value, minlength=combos)
        self.measures[name] = measures
        self.value[name] = self.value.get(name, np.zeros(combos)) + found


def segments(measures: Measures) -> tuple[IntArray, IntArray, IntArray]:
    """Date segments inside the horizon: index, first day, day after the last [day number].

    Segment s (0 … T) runs from change day s − 1 (the horizon's start for s = 0) to
    change day s (the day after the horizon's end for s = T), clipped to the horizon.
    """
    horizon = measures.scenario.horizon
    first, after = day_number(horizon.start), day_number(horizon.end) + 1
    edges = np.concatenate([[first], np.clip(measures.change_days, first, after), [after]])
    index = np.flatnonzero(edges[1:] > edges[:-1])
    return index, edges[index], edges[index + 1]


def step_series(measures: Measures, value: FloatArray) -> pd.DataFrame:
    """The ledger's average rate on every segment, with each authority's part.

    Parameters
    ----------
    measures : the compiled scenario.
    value : customs value of each (product × exporter) class [USD], from :class:`StepTally`.

    Returns
    -------
    DataFrame
        ``start, end`` (inclusive), ``days``, ``base_rate``, ``additional_rate``,
        ``total_rate`` and one ``rate_<authority>`` column per additional authority
        [fraction], one row per segment.

    Notes
    -----
    On segment s, with ``V_c`` the value of class c and ``τ_cm`` measure m's part of the
    stacked rate on key (c, s): rate of authority a = Σ_c Σ_{m∈a} V_c τ_cm / Σ_c V_c.
    """
    index, start, end = segments(measures)
    shares = _average_shares(measures, value, index)  # (S, M)
    authorities = measures.authorities
    frame = pd.DataFrame(
        {
            "start": [from_day_number(int(d)) for d in start],
            "end": [from_day_number(int(d) - 1) for d in end],
            "days": end - start,
        }
    )
    base = np.array([a == BASE_AUTHORITY for a in authorities])
    frame["base_rate"] = (shares * base).sum(axis=1)
    frame["additional_rate"] = (shares * ~base).sum(axis=1)
    frame["total_rate"] = frame["base_rate"] + frame["additional_rate"]
    for authority in dict.fromkeys(a for a in authorities if a != BASE_AUTHORITY):
        mine = np.array([a == authority for a in authorities])
        frame[f"rate_{authority}"] = (shares * mine).sum(axis=1)
    return frame


def refund_years(measures: Measures, value: FloatArray, first_month: int = 10) -> pd.DataFrame:
    """Duty deposited, owed (what stands) and refunded of each invalidated measure, by year.

    The ledger's value is an annual flow entered evenly: segment s deposits
    ``Σ V · days_s / 365.25 · τ̄_sm`` under measure m. Deposited and owed are by entry
    day, refunded (principal and interest) by payment day. ``first_month`` 10 gives
    US fiscal years (``FY2026``: 1 October 2025 – 30 September 2026), 1 calendar years.
    """
    index, start, end = segments(measures)
    shares = _average_shares(measures, value, index)
    total = float(value.sum())
    rows = []
    for m, column in enumerate(measures.columns.columns):
        measure = _measure(measures, column.id)
        if measure is None or measure.refund is None or measure.invalidated is None:
            continue
        flows = measure_flows(
            measure, total * (end - start) / DAYS_PER_YEAR * shares[:, m], start, end
        )
        years, by_entry = refunds.sums_by_year(
            start, end, np.stack([flows.deposited, flows.owed]), first_month
        )
        paid_years, paid = refunds.sums_on_days(flows.paid_day, flows.refunded, first_month)
        for year in sorted({*years.tolist(), *paid_years.tolist()}):
            at = np.flatnonzero(years == year)
            paid_at = np.flatnonzero(paid_years == year)
            rows.append(
                [
                    column.id,
                    column.label,
                    f"FY{year}" if first_month > 1 else str(year),
                    float(by_entry[0, at].sum()),
                    float(by_entry[1, at].sum()),
                    float(paid[paid_at].sum()),
                ]
            )
    return pd.DataFrame(rows, columns=REFUND_COLUMNS)


def _measure(measures: Measures, mid: str) -> Measure | None:
    """The scenario's measure ``mid`` (None for a tranche)."""
    return measures.scenario.measures.get(mid)


def _average_shares(measures: Measures, value: FloatArray, index: IntArray) -> FloatArray:
    """Value-weighted mean of each measure's part of the rate on each segment, (S, M)."""
    segments_per_combo = measures.change_days.size + 1
    keys = np.arange(value.size)[:, None] * segments_per_combo + index[None, :]  # (C, S)
    total = float(value.sum())
    if total <= 0:
        return np.zeros((index.size, len(measures.ids)))
    parts = measures.base_share[keys] + measures.additional_share[keys]  # (C, S, M)
    shares: FloatArray = np.einsum("c,csm->sm", value, parts) / total
    return shares


def render_steps(name: str, series: pd.DataFrame, years: pd.DataFrame) -> str:
    """The step table (rates in %) and the invalidated measures' duty by fiscal year ($B)."""
    from tariffsim.outputs.text import billions, table

    parts = [c for c in series.columns if c.startswith("rate_")]
    headers = ["from", "to", "days", "total", "base", "additional", *(c[5:] for c in parts)]
    rows = [
        [
            _iso(r["start"]),
            _iso(r["end"]),
            str(int(r["days"])),
            *(f"{r[c] * 100:.2f}" for c in ("total_rate", "base_rate", "additional_rate")),
            *(f"{r[c] * 100:.2f}" for c in parts),
        ]
        for _, r in series.iterrows()
    ]
    lines = [
        f"{name}: average tariff on the ledger's value at each step, % "
        "(fixed weights: the ledger's value as an annual flow)",
        *("  " + x for x in table(headers, rows, right=set(range(2, len(headers))))),
    ]
    if not years.empty:
        if years["measure"].nunique() > 1:
            sums = years.groupby("year", as_index=False, sort=True)[
                ["deposited_usd", "owed_usd", "refunded_usd"]
            ].sum()
            years = pd.concat([years, sums.assign(measure="all", label="all")], ignore_index=True)
        lines += [
            f"{name}: invalidated measures, $B (deposited and owed by entry date, refunded by "
            "payment date; US fiscal years from 1 October)",
            *(
                "  " + x
                for x in table(
                    ["measure", "year", "deposited", "owed", "refunded"],
                    [
                        [
                            r["measure"],
                            r["year"],
                            billions(r["deposited_usd"]),
                            billions(r["owed_usd"]),
                            billions(r["refunded_usd"]),
                        ]
                        for _, r in years.iterrows()
                    ],
                    right={2, 3, 4},
                )
            ),
        ]
    return "".join(line + "\n" for line in lines)


def _iso(day: dt.date) -> str:
    return day.isoformat()
